"""Regions, for TDAG delegates: where EoIs and centers are, the six regions side by side, and a country's profile."""

from dataclasses import replace

import streamlit as st

from alliance.figures.regions import world_map
from alliance.i18n import _
from components import data
from components.charts import figure, render_empty
from components.layout import page_start
from components.regions import (
    MAP_EMPTY,
    MAP_TITLES,
    MEASURES,
    PROFILE,
    render_country_picker,
    render_country_profile,
    render_kpi_comparison,
    render_map,
    render_measure_picker,
    render_region_table,
)

view = page_start(
    _("Regions"),
    _(
        "Where expressions of interest and centers are, how the six ITU-D regions compare on each key figure, "
        "and everything one country has done with the Alliance. Click a country on the map to open its profile."
    ),
)
f = view.filters

measure = render_measure_picker()
label, counted = (_(text) for text in MEASURES[measure])
counts = data.frame(view, f"{measure}_by_country", **f.params)
countries = data.frame(view, "country_row_counts")
# The map goes above the country picker but outlines the country it picks, so it is drawn second.
above = st.container()
country = render_country_picker(countries)
with above:
    if counts.empty:
        render_empty(_(MAP_EMPTY[measure]))
    else:
        when = f.stock_scope_label if measure == "centers" else f.scope_label
        # The Member States frame only draws a region's uncounted countries: with no region it would only
        # cost the figure's key.
        fig = figure(
            world_map,
            counts,
            measure,
            label,
            countries=countries if f.region else None,
            region=f.region,
            selected=country and country["iso3"],
        )
        render_map(fig, counts, _(MAP_TITLES[measure]).format(when=when), f"map_{measure}", counted)
# The comparison always shows all six regions, whatever region the sidebar selects.
compared = replace(f, region=None)
kpis = data.frame(view, "kpis_by_region", as_of=f.as_of, period_start=f.period_start, capability=f.capability)
if country:
    tables = {part: data.frame(view, f"country_{part}", country=country["iso3"], **f.params) for part in PROFILE}
    region = kpis[kpis["region_code"] == country["region_code"]].to_dict("records")
    render_country_profile(
        country,
        tables,
        _("EoIs, events and activities {period}; centers {as_at}, every status").format(
            period=f.period_label, as_at=f.stock_label
        ),
        f.capability,
        region[0] if region else None,
    )

definitions = data.frame(view, "kpi_definitions")
render_region_table(
    kpis,
    definitions,
    _("The six regions on each key figure, {scope} (centers {as_at})").format(
        scope=compared.scope_label, as_at=compared.stock_label
    ),
    "kpis_by_region",
    data.reported_by_region(view, f.as_of, f.period_start),
)
render_kpi_comparison(kpis, definitions, compared.scope_label, compared.stock_scope_label)
