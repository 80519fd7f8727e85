"""Plotly figures for the Milestones and outcomes page; no Streamlit here, so reports can reuse them."""

from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from alliance.figures import mark_cycle_breaks, milestone_axes, milestone_traces, plain_label
from alliance.figures.theme import STATUS_COLORS
from alliance.i18n import _
from alliance.scorecard import measure_word, status_word
from alliance.words import day


def _short(text: str, limit: int = 38) -> str:
    """Shorten a title at a word boundary, with an ellipsis, so that labels fit a phone screen."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,:;-")
    return cut + "…"


def milestone_timeline_as_of(frame: pd.DataFrame, as_of: date) -> go.Figure:
    """The shared milestone time line's traces (done, due, overdue) with word-shortened labels and the as-of date marked.

    alliance.figures.milestone_timeline cuts titles at 60 characters mid-word and merges two milestones whose
    first 60 characters agree; here each label ends at a word with an ellipsis, and carries the id when two agree.
    """
    # A milestone stands at its due date, else (done with no due date stated) at its completion; one with
    # neither has no place on a time line (the table beside it lists it).
    frame = frame.assign(due_on=frame["due_on"].fillna(frame["completed_on"]) if "completed_on" in frame else frame["due_on"])
    frame = frame[frame["due_on"].notna()]
    labels = frame["title"].map(_short)
    twice = labels.duplicated(keep=False)
    labels = labels.where(~twice, labels + " (" + frame["milestone_id"] + ")")
    # The time line's labels, as it draws them (cut at 60 characters, escaped), to the whole title escaped.
    drawn = labels.str.slice(0, 60).map(plain_label).tolist()
    full = dict(zip(drawn, frame["title"].map(plain_label)))
    hovertext = np.array([full[label] for label in drawn], dtype=object)
    # add_vline's own annotation fails on date axes: the line at epoch milliseconds (as add_vline draws it), the
    # label apart.
    at = pd.Timestamp(as_of)
    fig = go.Figure(
        milestone_traces(frame, "%{hovertext}<br>%{x|%-d %B %Y}<br>%{customdata[0]}", labels, hovertext, named_in_hover=True),
        layout=dict(
            milestone_axes(frame["due_on"].min(), frame["due_on"].max(), at),
            shapes=[
                dict(
                    type="line",
                    xref="x",
                    x0=at.timestamp() * 1000,
                    x1=at.timestamp() * 1000,
                    yref="y domain",
                    y0=0,
                    y1=1,
                    line=dict(color="#6b7280", dash="dot"),
                )
            ],
            annotations=[
                dict(
                    x=at,
                    y=1,
                    yref="paper",
                    text=_("As at {day}").format(day=day(as_of)),
                    showarrow=False,
                    xanchor="left",
                    yanchor="bottom",
                )
            ],
            legend=dict(y=1.06),
            margin=dict(t=50),
        ),
    )
    if not frame.empty:
        mark_cycle_breaks(fig, frame["due_on"].min(), frame["due_on"].max())
    return fig


def outcome_progress(scored: pd.DataFrame) -> go.Figure:
    """Actual as a share of target per outcome measure with a target, coloured by status, the share expected by now marked."""
    rows = scored[scored["target"].notna()]
    # Whole columns once, sliced per status (as milestone_traces does).
    labels = (rows["outcome_code"] + " · " + rows["measure"].map(measure_word)).map(plain_label).to_numpy()
    progress = (rows["actual"] / rows["target"].where(rows["target"] > 0)).fillna(0).to_numpy(dtype=float)
    customdata = rows[["actual", "target", "target_period_end"]].astype(str).map(plain_label).to_numpy()
    statuses = rows["status"].to_numpy()
    # Plotly's own fields, put in the sentence as the language words it.
    hover = _("{measure}: {actual} of {target} by {end}").format(
        measure="%{y}", actual="%{customdata[0]}", target="%{customdata[1]}", end="%{customdata[2]}"
    )
    traces = []
    for status in ("on track", "at risk", "off track"):
        part = statuses == status
        if not part.any():
            continue
        traces.append(
            dict(
                type="bar",
                x=progress[part],
                y=labels[part],
                orientation="h",
                name=status_word(status),
                marker=dict(color=STATUS_COLORS[status]),
                customdata=customdata[part],
                hovertemplate=hover + "<extra>" + status_word(status) + "</extra>",
            )
        )
    traces.append(
        dict(
            type="scatter",
            x=rows["expected_share"].astype(float),
            y=labels,
            mode="markers",
            name=_("expected by now"),
            marker=dict(symbol="line-ns-open", size=22, color="#111827", line=dict(width=3, color="#111827")),
            hovertemplate=_("{measure}: {share} of the target expected by now").format(measure="%{y}", share="%{x:.0%}")
            + "<extra></extra>",
        )
    )
    return go.Figure(
        traces,
        layout=dict(
            barmode="overlay",
            xaxis=dict(title=dict(text=_("Share of the target reached")), tickformat=".0%", rangemode="tozero"),
            yaxis=dict(autorange="reversed", type="category"),
        ),
    )
