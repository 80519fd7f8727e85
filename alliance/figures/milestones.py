"""Plotly figures for the Milestones and outcomes page; no Streamlit here, so reports can reuse them."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from alliance.figures import mark_cycle_breaks, milestone_timeline, plain_label
from alliance.figures.theme import STATUS_COLORS
from alliance.words import day


def _short(text: str, limit: int = 38) -> str:
    """Shorten a title at a word boundary, with an ellipsis, so that labels fit a phone screen."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,:;-")
    return cut + "…"


def milestone_timeline_as_of(frame: pd.DataFrame, as_of: date) -> go.Figure:
    """The shared milestone time line (done, due, overdue) with word-shortened labels and the as-of date marked.

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
    fig = milestone_timeline(frame.assign(title=labels))
    # The time line's labels, as it draws them (cut at 60 characters, escaped), to the whole title escaped.
    full = {plain_label(short[:60]): plain_label(title) for short, title in zip(labels, frame["title"])}
    for trace in fig.data:
        trace.hovertext = [full[y] for y in trace.y]
        trace.hovertemplate = "%{hovertext}<br>%{x|%-d %B %Y}<br>%{customdata[0]}<extra>" + trace.name + "</extra>"
    # add_vline's own annotation fails on date axes: draw the line at epoch milliseconds, the label apart.
    fig.add_vline(x=pd.Timestamp(as_of).timestamp() * 1000, line_dash="dot", line_color="#6b7280")
    fig.add_annotation(
        x=pd.Timestamp(as_of),
        y=1,
        yref="paper",
        text=f"As at {day(as_of)}",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
    )
    fig.update_layout(legend=dict(y=1.06), margin=dict(t=50))
    if not frame.empty:
        mark_cycle_breaks(fig, frame["due_on"].min(), frame["due_on"].max())
    return fig


def outcome_progress(scored: pd.DataFrame) -> go.Figure:
    """Actual as a share of target per outcome measure with a target, coloured by status, the share expected by now marked."""
    rows = scored[scored["target"].notna()].copy()
    rows["label"] = (rows["outcome_code"] + " · " + rows["measure"]).map(plain_label)
    rows["progress"] = rows["actual"] / rows["target"].where(rows["target"] > 0)
    fig = go.Figure()
    for status in ("on track", "at risk", "off track"):
        part = rows[rows["status"] == status]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=part["progress"].fillna(0),
                y=part["label"],
                orientation="h",
                name=status,
                marker_color=STATUS_COLORS[status],
                customdata=part[["actual", "target", "target_period_end"]].astype(str).map(plain_label),
                hovertemplate="%{y}: %{customdata[0]} of %{customdata[1]} by %{customdata[2]}<extra>" + status + "</extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=rows["expected_share"].astype(float),
            y=rows["label"],
            mode="markers",
            name="expected by now",
            marker=dict(symbol="line-ns-open", size=22, color="#111827", line=dict(width=3, color="#111827")),
            hovertemplate="%{y}: %{x:.0%} of the target expected by now<extra></extra>",
        )
    )
    fig.update_layout(
        barmode="overlay",
        xaxis=dict(title="Share of the target reached", tickformat=".0%", rangemode="tozero"),
        yaxis=dict(title=None, autorange="reversed", type="category"),
    )
    return fig
