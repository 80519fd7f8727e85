"""The one Plotly template and the colour-blind-safe palettes; no Streamlit, so reports use them too."""

import plotly.graph_objects as go
import plotly.io as pio

from alliance.kpis import region_names

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# Each region's colour by its code, in the regions' order.
_REGION_COLOURS = (
    ("AFR", "#0072B2"),
    ("AMS", "#E69F00"),
    ("ARB", "#009E73"),
    ("ASP", "#CC79A7"),
    ("CIS", "#56B4E9"),
    ("EUR", "#D55E00"),
    ("GLB", "#7F7F7F"),
)


def region_colors() -> dict[str, str]:
    """Each region's colour by its name as the charts show it, in the language spoken, in the regions' order."""
    names = region_names()
    return {names[code]: colour for code, colour in _REGION_COLOURS}


STATUS_COLORS = {
    "done": "#009E73",
    "due": "#0072B2",
    "overdue": "#D55E00",
    "open": "#6b7280",
    "on track": "#009E73",
    "at risk": "#E69F00",
    "off track": "#D55E00",
    "no target": "#7F7F7F",
}

pio.templates["alliance"] = go.layout.Template(
    layout=go.Layout(
        colorway=PALETTE,
        font=dict(family="Source Sans Pro, Arial, sans-serif", size=13, color="#1f2937"),
        margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, title_text=""),
        xaxis=dict(showgrid=False, title_standoff=8),
        yaxis=dict(gridcolor="#e5e7eb", zeroline=False, rangemode="tozero"),
        hoverlabel=dict(namelength=-1),
    )
)
# Merged once: a default of "plotly_white+alliance" merged the two templates again for every figure built
# (a sixth of a chart page's rerun).
pio.templates["alliance_white"] = pio.templates.merge_templates("plotly_white", "alliance")
pio.templates.default = "alliance_white"
