"""Plotly figures for the Capabilities page: demand against supply, overall and by region. No Streamlit here."""

import textwrap

import pandas as pd
import plotly.graph_objects as go

from alliance.figures import plain_label
from alliance.figures.theme import PALETTE
from alliance.i18n import N_, _

DEMAND_COLOR, SUPPLY_COLOR, GAP_COLOR = PALETTE[0], PALETTE[2], PALETTE[5]
# What each measure counts, by its column; shown through _().
MEASURES = {
    "eois": N_("Demand: EoIs listing the capability"),
    "centers": N_("Supply: centers (not closed) listing it"),
    "gap": N_("Gap: demand minus supply"),
}


def wrap(text: str, width: int = 18) -> str:
    """Break a long name over lines so axis labels stay narrow on small screens; its markup escaped."""
    text = plain_label(text)
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False)) or text


def demand_supply_bars(frame: pd.DataFrame) -> go.Figure:
    """Grouped horizontal bars per capability: demand (EoIs), supply (centers not closed) and the gap."""
    names = [wrap(name, 22) for name in frame["capability_name"]]
    demand = frame["eois"].astype(int).tolist()
    supply = frame["centers"].astype(int).tolist()
    gap = [d - s for d, s in zip(demand, supply)]
    named = [plain_label(name) for name in frame["capability_name"]]
    # One figure built at once: each add_trace and update_layout would validate the whole figure again.
    return go.Figure(
        data=[
            dict(
                type="bar",
                y=names,
                x=values,
                name=label,
                orientation="h",
                marker=dict(color=color),
                text=text,
                textposition="outside",
                cliponaxis=False,
                customdata=named,
                hovertemplate=template + "<extra></extra>",
            )
            for label, values, text, color, template in (
                (_("Demand (EoIs)"), demand, [str(v) for v in demand], DEMAND_COLOR, _("%{x} EoIs list %{customdata}")),
                (
                    _("Supply (centers)"),
                    supply,
                    [str(v) for v in supply],
                    SUPPLY_COLOR,
                    _("%{x} centers (not closed) list %{customdata}"),
                ),
                (
                    _("Gap (demand minus supply)"),
                    gap,
                    [f"{v:+d}" for v in gap],
                    GAP_COLOR,
                    _("gap %{x:+d} for %{customdata}"),
                ),
            )
        ],
        layout=dict(
            barmode="group",
            bargap=0.25,
            # Room on the right for the labels outside the longest bar.
            xaxis=dict(
                title=dict(text=_("EoIs or centers")),
                range=[min(0, *gap) * 1.2, max(1, *demand, *supply, *gap) * 1.15],
                showgrid=True,
                gridcolor="#e5e7eb",
                zeroline=True,
                zerolinecolor="#9ca3af",
            ),
            yaxis=dict(autorange="reversed", automargin=True, showgrid=False),
        ),
    )


def region_capability_heatmap(frame: pd.DataFrame, measure: str) -> go.Figure:
    """Regions (rows) by capabilities (columns), coloured by demand, supply or gap, each cell labelled."""
    # Rows and columns in the order the query gives them (regions, then capabilities, in their fixed orders).
    regions = pd.unique(frame["region_name"]).tolist()
    capabilities = pd.unique(frame["capability_name"]).tolist()
    cells: dict[tuple, int] = {}
    for cell in zip(frame["region_name"], frame["capability_name"], frame[measure].astype(int).tolist()):
        cells[cell[:2]] = cells.get(cell[:2], 0) + cell[2]
    z = [[cells.get((r, c), 0) for c in capabilities] for r in regions]
    if measure == "gap":
        # Diverging: vermillion where demand exceeds supply, green where supply exceeds demand.
        limit = max(1, max(abs(v) for row in z for v in row))
        scale = dict(colorscale=[[0, SUPPLY_COLOR], [0.5, "#ffffff"], [1, GAP_COLOR]], zmin=-limit, zmax=limit)
        text = "%{z:+d}"
    else:
        color = DEMAND_COLOR if measure == "eois" else SUPPLY_COLOR
        scale = dict(colorscale=[[0, "#ffffff"], [1, color]], zmin=0, zmax=max(1, max(max(row) for row in z)))
        text = "%{z}"
    columns = [plain_label(c) for c in capabilities]
    return go.Figure(
        data=[
            dict(
                type="heatmap",
                z=z,
                # Single-line names: Plotly turns them when columns are narrow (a phone), wrapped names would overlap.
                x=columns,
                y=[wrap(r, 18) for r in regions],
                customdata=[[[plain_label(r), c] for c in columns] for r in regions],
                texttemplate=text,
                textfont=dict(size=14),
                xgap=2,
                ygap=2,
                # Every cell is labelled with its number, so a colour bar would only take room.
                showscale=False,
                hovertemplate="%{customdata[0]}, %{customdata[1]}: %{z}<extra>" + _(MEASURES[measure]) + "</extra>",
                **scale,
            )
        ],
        layout=dict(
            xaxis=dict(side="top", showgrid=False, automargin=True),
            yaxis=dict(autorange="reversed", showgrid=False, automargin=True),
            margin=dict(t=10),
        ),
    )
