"""Plotly figures built from query results; no Streamlit here, so reports can reuse them."""

import csv
import html
from datetime import date
from functools import cache

import pandas as pd
import plotly.graph_objects as go

from alliance import DATA_DIR
from alliance.figures.theme import STATUS_COLORS

FIRST_DEADLINE = date(2023, 4, 15)


def plain_label(text) -> str:
    """Text from data as Plotly should draw it: as typed, its HTML-like tags (<b>, <a href>) escaped.

    Plotly reads a subset of HTML in titles, labels, ticks, legends, hover text and annotations; every
    label that comes from data (titles, codes, names) goes through here. Only &, < and > are escaped:
    Plotly decodes those entities, not &quot;.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return html.escape(str(text), quote=False)


@cache
def _cycle_starts() -> tuple[tuple[pd.Timestamp, str], ...]:
    """Where each plan cycle begins, from the shipped reference data (cycles cannot be uploaded)."""
    with open(DATA_DIR / "cycles.csv", newline="", encoding="utf-8") as handle:
        return tuple((pd.Timestamp(r["starts_on"]), r["cycle"]) for r in csv.DictReader(handle))


def mark_cycle_breaks(fig: go.Figure, start, end) -> go.Figure:
    """Mark where a plan cycle begins inside [start, end] on a time axis, with the cycle's name."""
    for day, cycle in _cycle_starts():
        if pd.Timestamp(start) < day <= pd.Timestamp(end):
            fig.add_vline(x=day.timestamp() * 1000, line_dash="dot", line_color="#555555")
            fig.add_annotation(
                x=day,
                y=0.02,
                yref="paper",
                yanchor="bottom",
                text=f"{plain_label(cycle)} begins",
                showarrow=False,
                xanchor="left",
                font=dict(color="#555555"),
            )
    return fig


def eois_over_time(frame: pd.DataFrame) -> go.Figure:
    """Running total of EoIs, with the first call deadline (15 April 2023) marked."""
    fig = go.Figure(
        go.Scatter(
            x=frame["received_on"],
            y=frame["eois_total"],
            mode="lines+markers",
            line_shape="hv",
            name="EoIs received (running total)",
            hovertemplate="%{x|%-d %B %Y}: %{y} EoIs<extra></extra>",
        )
    )
    start, end = frame["received_on"].min(), frame["received_on"].max()
    if start <= pd.Timestamp(FIRST_DEADLINE) <= end or len(frame) == 0:
        fig.add_vline(x=pd.Timestamp(FIRST_DEADLINE).timestamp() * 1000, line_dash="dash", line_color="#D55E00")
        fig.add_annotation(
            x=pd.Timestamp(FIRST_DEADLINE),
            y=1,
            yref="paper",
            text="First deadline, 15 April 2023",
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font=dict(color="#D55E00"),
        )
    fig.update_layout(xaxis_title=None, yaxis_title="EoIs received", showlegend=False)
    return mark_cycle_breaks(fig, start, end)


def milestone_timeline(frame: pd.DataFrame) -> go.Figure:
    """Milestones on a time line by the date in due_on, coloured done, due, overdue or open."""
    fig = go.Figure()
    for status in ("done", "due", "overdue", "open"):
        part = frame[frame["status"] == status]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part["due_on"],
                y=part["title"].str.slice(0, 60).map(plain_label),
                mode="markers",
                marker=dict(
                    size=12,
                    color=STATUS_COLORS[status],
                    symbol={"done": "circle", "due": "diamond-open", "overdue": "x", "open": "circle-open"}[status],
                ),
                name="open, due date not stated" if status == "open" else status,
                customdata=part[["milestone_id", "completed_on"]].astype(str).map(plain_label),
                hovertemplate="%{y}<br>due %{x|%-d %B %Y}<br>%{customdata[0]}<extra>" + status + "</extra>",
            )
        )
    fig.update_layout(
        xaxis_title="Due date (done with none stated: completion date)",
        yaxis_title=None,
        yaxis=dict(autorange="reversed", gridcolor="#f3f4f6"),
    )
    return fig
