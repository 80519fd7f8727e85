"""Plotly figures for the Regions page (world map, regions compared); no Streamlit, so reports can reuse them."""

import math

import pandas as pd
import plotly.graph_objects as go

from alliance import words
from alliance.figures import plain_label
from alliance.figures.theme import region_colors
from alliance.i18n import _

# Single-hue blues (ColorBrewer), starting from a blue that still stands out from the grey land,
# so a country with one EoI is visibly coloured; readable with every common colour-vision deficiency.
MAP_SCALE = [[0.0, "#c6dbef"], [0.35, "#6baed6"], [0.7, "#2171b5"], [1.0, "#08306b"]]
LAND = "#e5e7eb"
# The outline of the country whose profile is open: orange against the blues, as the palette's other accent.
SELECTED = "#d55e00"
# What the map shows for each ITU-D region: (longitudes, latitudes) framing its Member States. Set by hand:
# Plotly's fitbounds widens Europe to French Guiana and the Americas across the Pacific (the Aleutians
# cross 180 degrees), which leaves the region a few pixels wide.
REGION_VIEWS = {
    "AFR": ((-26, 60), (-36, 28)),
    "AMS": ((-170, -30), (-57, 72)),
    "ARB": ((-18, 60), (-14, 38)),
    "ASP": ((44, 180), (-48, 55)),
    "CIS": ((20, 180), (35, 78)),
    "EUR": ((-25, 45), (34, 72)),
}


def _tick_step(top: float) -> int:
    """A whole-number step giving at most about five ticks up to `top`."""
    return max(1, math.ceil(top / 5))


def world_map(
    frame: pd.DataFrame,
    value: str,
    label: str,
    countries: pd.DataFrame | None = None,
    region: str | None = None,
    selected: str | None = None,
) -> go.Figure:
    """Countries coloured by `value` (a count per ISO3), hover naming the ITU country and region.

    With `region` (a region code) and `countries` (every Member State: iso3, country_name, region_code,
    region_name), the map shows that region only, and its countries with nothing counted are drawn as
    land that a click still opens: a delegate's own country is always there to tap. With `selected` (an ISO3
    code), that country is outlined, so the profile below names the country the map shows.
    """
    top = float(frame[value].max())
    label = plain_label(label)
    # One figure built at once from plain dicts: every add_trace and update_* call validates the figure again
    # (three quarters of the map's build).
    line = dict(color="#ffffff", width=0.6)
    traces = [
        dict(
            type="choropleth",
            locations=frame["iso3"],
            locationmode="ISO-3",
            z=frame[value],
            zmin=0,
            zmax=max(top, 1),
            colorscale=MAP_SCALE,
            marker=dict(line=line),
            # An array, not a frame: Plotly takes a frame for customdata five times slower.
            customdata=frame[["country_name", "region_name"]].map(plain_label).to_numpy(),
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{z:,} " + label + "<extra></extra>",
            # Under the map rather than beside it, so that on a phone the map keeps the full width.
            colorbar=dict(
                title=dict(text=label, side="top"),
                orientation="h",
                x=0.5,
                xanchor="center",
                y=-0.02,
                yanchor="top",
                len=0.45,
                thickness=12,
                tickformat=",d",
                dtick=_tick_step(top),
            ),
        )
    ]
    geo = dict(
        showframe=False,
        showcoastlines=False,
        projection=dict(type="natural earth"),
        showland=True,
        landcolor=LAND,
        showcountries=True,
        countrycolor="#ffffff",
        showocean=False,
        showlakes=False,
    )
    layout = dict(geo=geo, margin=dict(l=0, r=0, t=10, b=60), clickmode="event+select")
    zoomed = region in REGION_VIEWS and countries is not None
    if zoomed:
        rest = countries[(countries["region_code"] == region) & ~countries["iso3"].isin(frame["iso3"])]
        traces.append(
            dict(
                type="choropleth",
                locations=rest["iso3"],
                locationmode="ISO-3",
                z=[0] * len(rest),
                colorscale=[[0.0, LAND], [1.0, LAND]],
                showscale=False,
                marker=dict(line=line),
                customdata=rest[["country_name", "region_name"]].map(plain_label).to_numpy(),
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>0 " + label + "<extra></extra>",
            )
        )
        lon, lat = REGION_VIEWS[region]
        middle = (lon[0] + lon[1]) / 2
        geo.update(
            lonaxis=dict(range=lon),
            lataxis=dict(range=lat),
            center=dict(lon=middle, lat=(lat[0] + lat[1]) / 2),
            projection=dict(type="natural earth", rotation=dict(lon=middle)),
        )
        # As high as the region is when drawn about 600 px wide, plus the colour bar: the map keeps its
        # shape, so one fixed height would leave bands above and below a wide region, worst on a phone.
        shape = (lat[1] - lat[0]) / ((lon[1] - lon[0]) * 0.85)
        layout["height"] = round(min(max(600 * shape, 200), 370)) + 60
    else:
        geo.update(projection=dict(type="natural earth", rotation=dict(lon=0)), center=dict(lon=0), lataxis=dict(range=[-58, 84]))
    if selected is not None:
        traces.append(
            dict(
                type="choropleth",
                locations=[selected],
                locationmode="ISO-3",
                z=[0],
                colorscale=[[0.0, "rgba(0,0,0,0)"], [1.0, "rgba(0,0,0,0)"]],
                showscale=False,
                marker=dict(line=dict(color=SELECTED, width=2.5)),
                hoverinfo="skip",
            )
        )
    return go.Figure(data=traces, layout=layout)


def kpi_by_region(frame: pd.DataFrame, value: str, label: str, usd: bool = False) -> go.Figure:
    """One horizontal bar per region for one KPI, in the regions' fixed order and colours."""
    names = frame["region_name"]
    colours = region_colors()
    values = frame[value]
    label = plain_label(label)
    # Sums over what states them say so in words where unknown ("not recorded"; a dash: nothing to count).
    stated = {"event_participants": "participants_stated", "trained_certified": "trained_stated"}.get(value)
    if stated in frame:
        text = [words.stated_cell(v, s, e) for v, s, e in zip(values, frame[stated], frame["events_total"])]
    elif usd and "resources_counted" in frame:
        cells = [words.usd_cell(v, c, s) for v, c, s in zip(values, frame["resources_counted"], frame["resources_stated"])]
        unknown = (words.DASH, _(words.NOT_RECORDED))  # cells that say why there is no amount
        text = [c if c in unknown else words.money(v) for c, v in zip(cells, values)]
    else:
        text = [words.money(v) if usd else words.count(v) for v in values]
    return go.Figure(
        data=[
            dict(
                type="bar",
                x=values.astype(float).fillna(0),
                y=names.map(plain_label),
                orientation="h",
                marker=dict(color=[colours.get(n, "#7F7F7F") for n in names]),
                text=text,
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra>" + label + "</extra>",
            )
        ],
        layout=dict(
            xaxis=dict(title=dict(text=label), showgrid=True, gridcolor="#e5e7eb", rangemode="tozero", tickformat=",~f"),
            yaxis=dict(autorange="reversed", showgrid=False),
            showlegend=False,
            margin=dict(l=10, r=60, t=10, b=10),
        ),
    )
