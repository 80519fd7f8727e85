"""Plotly figures for the Regions page (world map, regions compared); no Streamlit, so reports can reuse them."""

import math

import pandas as pd
import plotly.graph_objects as go

from alliance.figures import plain_label
from alliance.figures.theme import REGION_COLORS

# Single-hue blues (ColorBrewer), starting from a blue that still stands out from the grey land,
# so a country with one EoI is visibly coloured; readable with every common colour-vision deficiency.
MAP_SCALE = [[0.0, "#c6dbef"], [0.35, "#6baed6"], [0.7, "#2171b5"], [1.0, "#08306b"]]
LAND = "#e5e7eb"


def _tick_step(top: float) -> int:
    """A whole-number step giving at most about five ticks up to `top`."""
    return max(1, math.ceil(top / 5))


def world_map(frame: pd.DataFrame, value: str, label: str) -> go.Figure:
    """Countries coloured by `value` (a count per ISO3), hover naming the ITU country and region."""
    top = float(frame[value].max())
    label = plain_label(label)
    fig = go.Figure(
        go.Choropleth(
            locations=frame["iso3"],
            locationmode="ISO-3",
            z=frame[value],
            zmin=0,
            zmax=max(top, 1),
            colorscale=MAP_SCALE,
            marker_line_color="#ffffff",
            marker_line_width=0.6,
            customdata=frame[["country_name", "region_name"]].map(plain_label),
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
    )
    fig.update_geos(
        projection_rotation_lon=0,
        center_lon=0,
        showframe=False,
        showcoastlines=False,
        projection_type="natural earth",
        showland=True,
        landcolor=LAND,
        showcountries=True,
        countrycolor="#ffffff",
        showocean=False,
        showlakes=False,
        lataxis_range=[-58, 84],
    )
    fig.update_layout(margin=dict(l=0, r=0, t=10, b=60), clickmode="event+select")
    return fig


def kpi_by_region(frame: pd.DataFrame, value: str, label: str, usd: bool = False) -> go.Figure:
    """One horizontal bar per region for one KPI, in the regions' fixed order and colours."""
    names = frame["region_name"]
    values = frame[value]
    label = plain_label(label)
    text = [f"USD {v:,.0f}" if usd else f"{v:,.0f}" for v in values]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=names.map(plain_label),
            orientation="h",
            marker_color=[REGION_COLORS.get(n, "#7F7F7F") for n in names],
            text=text,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra>" + label + "</extra>",
        )
    )
    fig.update_layout(
        xaxis=dict(title=label, showgrid=True, gridcolor="#e5e7eb", rangemode="tozero", tickformat=",~f"),
        yaxis=dict(title=None, autorange="reversed", showgrid=False),
        showlegend=False,
        margin=dict(l=10, r=60, t=10, b=10),
    )
    return fig
