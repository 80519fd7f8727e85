"""Plotly figures for the Centers and EoIs page: the EoI pipeline, centers by type, scope and status. No Streamlit here."""

import textwrap

import pandas as pd
import plotly.graph_objects as go

from alliance.figures import plain_label
from alliance.figures.theme import PALETTE

PIPELINE = {"received": "Received", "under_review": "Under review", "validated": "Validated", "onboarded": "Onboarded"}
LEFT = {"declined": "Declined", "withdrawn": "Withdrawn"}
STATUS_COLORS = {
    "Prospective": PALETTE[4],
    "Selected": PALETTE[0],
    "Launched": PALETTE[2],
    "Suspended": PALETTE[1],
    "Closed": PALETTE[7],
}


def _wrap(text: str, width: int) -> str:
    text = plain_label(text)
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False)) or text


def eoi_pipeline(frame: pd.DataFrame) -> go.Figure:
    """EoIs at each status, from received to onboarded, with declined and withdrawn apart below."""
    counts = dict(zip(frame["status"], frame["eois"].astype(int)))
    total = sum(counts.values()) or 1
    fig = go.Figure()
    top = max(1, *counts.values())
    for name, labels, color in (("In the pipeline", PIPELINE, PALETTE[0]), ("Left the pipeline", LEFT, PALETTE[5])):
        values = [int(counts.get(code, 0)) for code in labels]
        fig.add_trace(
            go.Bar(
                y=list(labels.values()),
                x=values,
                name=name,
                orientation="h",
                marker_color=color,
                text=[f"{v} ({v / total:.0%})" for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{x} EoIs<extra></extra>",
            )
        )
    fig.update_layout(
        # Room on the right for the labels outside the longest bar.
        xaxis=dict(title="EoIs at this status", showgrid=True, gridcolor="#e5e7eb", range=[0, top * 1.3]),
        yaxis=dict(
            autorange="reversed",
            categoryorder="array",
            categoryarray=[*PIPELINE.values(), *LEFT.values()],
            showgrid=False,
            automargin=True,
        ),
        bargap=0.3,
    )
    return fig


def centers_by_type_bars(frame: pd.DataFrame) -> go.Figure:
    """Centers per center type, type names spelled out."""
    top = max(1, int(frame["centers"].max()))
    fig = go.Figure(
        go.Bar(
            y=[_wrap(name, 26) for name in frame["center_type_name"]],
            x=frame["centers"].astype(int).tolist(),
            orientation="h",
            marker_color=PALETTE[0],
            text=frame["centers"].astype(int).tolist(),
            textposition="outside",
            cliponaxis=False,
            customdata=frame["center_type_name"].map(plain_label).tolist(),
            hovertemplate="%{customdata}: %{x} centers<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis=dict(title="Centers", showgrid=True, gridcolor="#e5e7eb", dtick=1 if top <= 10 else None, range=[0, top * 1.15]),
        yaxis=dict(autorange="reversed", showgrid=False, automargin=True),
        showlegend=False,
        bargap=0.35,
    )
    return fig


def centers_scope_status_bars(frame: pd.DataFrame) -> go.Figure:
    """Centers per scope, stacked by status; statuses with no center are left out of the legend."""
    fig = go.Figure()
    for status, part in frame.groupby("status_label", sort=False):
        if int(part["centers"].sum()) == 0:
            continue
        fig.add_trace(
            go.Bar(
                x=part["scope_label"].map(plain_label).tolist(),
                y=part["centers"].astype(int).tolist(),
                name=plain_label(status),
                marker_color=STATUS_COLORS.get(status, PALETTE[3]),
                text=[str(v) if v else "" for v in part["centers"].astype(int)],
                textposition="inside",
                hovertemplate="%{x}, " + plain_label(status.lower()) + ": %{y} centers<extra></extra>",
            )
        )
    tallest = int(frame.groupby("scope_label")["centers"].sum().max() or 0)
    # Whole centers only: Plotly would tick 0.5 steps on a short axis.
    fig.update_layout(
        barmode="stack", xaxis_title=None, yaxis=dict(title="Centers", dtick=1 if tallest <= 10 else None), bargap=0.4
    )
    return fig
