"""Plotly figures built from query results; no Streamlit here, so reports can reuse them."""

import csv
import html
from datetime import date
from functools import cache

import pandas as pd
import plotly.graph_objects as go

from alliance import DATA_DIR, i18n
from alliance.figures.theme import STATUS_COLORS
from alliance.i18n import N_, _
from alliance.words import day as in_words

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
                text=_("{cycle} begins").format(cycle=plain_label(i18n.name("cycle", cycle))),
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
            name=_("EoIs received (running total)"),
            hovertemplate=_("%{x|%-d %B %Y}: %{y} EoIs") + "<extra></extra>",
        )
    )
    start, end = frame["received_on"].min(), frame["received_on"].max()
    if start <= pd.Timestamp(FIRST_DEADLINE) <= end or len(frame) == 0:
        fig.add_vline(x=pd.Timestamp(FIRST_DEADLINE).timestamp() * 1000, line_dash="dash", line_color="#D55E00")
        fig.add_annotation(
            x=pd.Timestamp(FIRST_DEADLINE),
            y=1,
            yref="paper",
            text=_("First deadline, {day}").format(day=in_words(FIRST_DEADLINE)),
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font=dict(color="#D55E00"),
        )
    fig.update_layout(xaxis_title=None, yaxis_title=_("EoIs received"), showlegend=False)
    return mark_cycle_breaks(fig, start, end)


MILESTONE_SYMBOLS = {"done": "circle", "due": "diamond-open", "overdue": "x", "open": "circle-open"}
# Each milestone status as a reader sees it (the codes stay English: colours are looked up by them); the legend
# says of the open ones why they are not on the time line.
MILESTONE_STATUSES = {"done": N_("done"), "due": N_("due"), "overdue": N_("overdue"), "open": N_("open")}
_LEGEND = {**MILESTONE_STATUSES, "open": N_("open, due date not stated")}


def milestone_status(status: str) -> str:
    """A milestone's status as shown, in the language spoken (an unknown one as it is)."""
    return _(MILESTONE_STATUSES[status]) if status in MILESTONE_STATUSES else status


def milestone_traces(
    frame: pd.DataFrame, hovertemplate: str, titles=None, hovertext=None, named_in_hover: bool = False
) -> list[dict]:
    """One trace a status (done, due, overdue, open), each milestone at the date in due_on, labelled by its title
    (or titles) cut at 60 characters; hovertext, if given, is one text a milestone. The hover box's side label is
    the status, or with named_in_hover the trace's name in the legend."""
    # Whole columns once, sliced per status: Plotly takes arrays as they are, where a frame's slices each cost it
    # a conversion; and traces as dicts, which a figure checks once (a go.Scatter it copies and checks again).
    statuses = frame["status"].to_numpy()
    x = frame["due_on"].to_numpy()
    y = (frame["title"] if titles is None else titles).str.slice(0, 60).map(plain_label).to_numpy()
    customdata = frame[["milestone_id", "completed_on"]].astype(str).map(plain_label).to_numpy()
    traces = []
    for status, symbol in MILESTONE_SYMBOLS.items():
        rows = statuses == status
        if not rows.any():
            continue
        name = _(_LEGEND[status])
        traces.append(
            dict(
                type="scatter",
                x=x[rows],
                y=y[rows],
                mode="markers",
                marker=dict(size=12, color=STATUS_COLORS[status], symbol=symbol),
                name=name,
                customdata=customdata[rows],
                hovertext=None if hovertext is None else hovertext[rows],
                hovertemplate=f"{hovertemplate}<extra>{name if named_in_hover else milestone_status(status)}</extra>",
            )
        )
    return traces


def milestone_axes() -> dict:
    """The time line's axes: due dates across, milestones down in the order given."""
    return dict(
        xaxis=dict(title=dict(text=_("Due date (done with none stated: completion date)"))),
        yaxis=dict(autorange="reversed", gridcolor="#f3f4f6"),
    )


def milestone_timeline(frame: pd.DataFrame) -> go.Figure:
    """Milestones on a time line by the date in due_on, coloured done, due, overdue or open."""
    hover = _("{title}<br>due {day}<br>{milestone}").format(title="%{y}", day="%{x|%-d %B %Y}", milestone="%{customdata[0]}")
    return go.Figure(milestone_traces(frame, hover), layout=milestone_axes())
