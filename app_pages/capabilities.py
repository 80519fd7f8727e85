"""Capabilities: where EoIs ask for a strategic capability and where centers offer it."""

import streamlit as st

from alliance.i18n import _
from components import data
from components.capabilities import nothing_counted, render_demand_supply, render_measure_toggle, render_region_heatmap
from components.charts import render_empty
from components.layout import page_start

view = page_start(
    _("Capabilities"),
    _(
        "For each of the five strategic capabilities: how many EoIs ask for it (demand), how many centers "
        "offer it (supply), and the gap between them, for the Alliance and region by region."
    ),
)
f = view.filters
params = {"as_of": f.as_of, "period_start": f.period_start, "region": f.region, "capability": f.capability}
scope = _("{where}: EoIs {period}, centers {as_at}").format(where=f.where_label, period=f.period_label, as_at=f.stock_label)

demand_supply = data.frame(view, "capability_demand_supply", **params)
if nothing_counted(demand_supply):
    render_empty(_("EoIs or centers listing a strategic capability"))
else:
    render_demand_supply(demand_supply, scope)

st.subheader(_("By region"))
by_region = data.frame(view, "capability_by_region", **params)
if nothing_counted(by_region):
    render_empty(_("EoIs or centers listing a strategic capability in any region"))
else:
    render_region_heatmap(by_region, render_measure_toggle(), scope)
