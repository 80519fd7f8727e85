"""Plotly figures built from query results; no Streamlit here, so reports can reuse them."""

import csv
import html
import re
from datetime import date
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from alliance import DATA_DIR, i18n, words
from alliance.figures.theme import STATUS_COLORS
from alliance.i18n import N_, _
from alliance.words import day as in_words

FIRST_DEADLINE = date(2023, 4, 15)
# Plotly writes a date field (%{x|%B %Y}) and a date axis's ticks in English whatever the language, and the
# plotly.js the app draws with has no other language's month names: outside English a figure carries its dates
# written by alliance.words instead (English keeps Plotly's own formatting).
_PLOTLY_DATE = re.compile(r"%\{x\|[^}]*\}")


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


def own_dates() -> bool:
    """True when Plotly's English date formatting will do (English), False when a figure writes its own dates."""
    return i18n.current() == i18n.ENGLISH


def dates_as(template: str, field: str) -> str:
    """A hover template with each of Plotly's date fields (%{x|...}) replaced by `field` (dates already written)."""
    return _PLOTLY_DATE.sub(lambda _found: field, template)


def written(values, write=words.day) -> np.ndarray:
    """Each date in `values` in words in the language spoken (a missing one blank), each distinct date written once."""
    stamps = pd.DatetimeIndex(pd.to_datetime(np.asarray(values)))
    found = {value: ("" if pd.isna(value) else plain_label(write(value))) for value in stamps.unique()}
    return np.array([found[value] for value in stamps], dtype=object)


def _month_step(months: int) -> int:
    """Months between two ticks on an axis spanning `months` calendar months, about as Plotly would choose: every
    month, every other, quarters, half years, then whole years (at most about eight ticks)."""
    for most, step in ((6, 1), (18, 2), (24, 3), (60, 6)):
        if months <= most:
            return step
    return 12 * -(-months // 96)


def _tick(at: pd.Timestamp) -> str:
    return at.strftime("%Y-%m-%d") if at == at.normalize() else at.isoformat(sep=" ")


def date_ticks(start, end, middle: bool = False) -> dict:
    """A date axis's ticks from start to end, labelled in the language spoken: a month (juin 2023, 2023年6月) every
    1, 2, 3 or 6 months as the span grows, then years; a span too short for two months, days (30 juin 2023).

    With middle, the ticks stand at the middle of each month, under bars drawn by month with
    xperiodalignment="middle"; else at each month's first day inside the span."""
    if pd.isna(start) or pd.isna(end):
        return {}
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    first, last = start.to_period("M"), end.to_period("M")
    step = _month_step((last - first).n + 1)
    values, labels = [], []
    for month in pd.period_range(first, last, freq="M"):
        if (month.month - 1) % step or (step > 12 and month.year % (step // 12)):
            continue
        at = month.start_time
        if middle:
            at += (month.end_time.normalize() + pd.Timedelta(days=1) - at) / 2
        elif not start <= at <= end:
            continue
        values.append(_tick(at))
        labels.append(_year(at) if step >= 12 else plain_label(words.month(at)))
    if not middle and len(values) < 2:
        # Days: every 1, 2, 7 or 14 days, weeks from Sundays as Plotly counts them, at most about eight.
        days = (end.normalize() - start.normalize()).days
        every = next((n for n in (1, 2, 7, 14) if days <= 8 * n), 14)
        sunday = pd.Timestamp("2000-01-02")
        at = start.normalize() + pd.Timedelta(days=-((start.normalize() - sunday).days % every) % every)
        values, labels = [], []
        while at <= end:
            values.append(_tick(at))
            labels.append(plain_label(words.day(at)))
            at += pd.Timedelta(days=every)
        if not values:  # one moment, not midnight
            values, labels = [_tick(start)], [plain_label(words.day(start))]
    return dict(tickmode="array", tickvals=values, ticktext=labels)


def _year(value) -> str:
    """A year as the language spoken writes it alone: 2023, 2023年."""
    from babel.dates import format_skeleton  # Babel only outside English, as in alliance.words

    return format_skeleton("y", value, locale=i18n.locale())


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
    hover = _("%{x|%-d %B %Y}: %{y} EoIs")
    dated = {} if own_dates() else dict(customdata=written(frame["received_on"]))
    fig = go.Figure(
        go.Scatter(
            x=frame["received_on"],
            y=frame["eois_total"],
            mode="lines+markers",
            line_shape="hv",
            name=_("EoIs received (running total)"),
            hovertemplate=(hover if own_dates() else dates_as(hover, "%{customdata}")) + "<extra></extra>",
            **dated,
        )
    )
    start, end = frame["received_on"].min(), frame["received_on"].max()
    if not own_dates():
        fig.update_xaxes(date_ticks(start, end))
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
    the status, or with named_in_hover the trace's name in the legend. Outside English the due date is written
    in the language spoken (a third customdata column) where the template has Plotly's %{x|...}."""
    # Whole columns once, sliced per status: Plotly takes arrays as they are, where a frame's slices each cost it
    # a conversion; and traces as dicts, which a figure checks once (a go.Scatter it copies and checks again).
    statuses = frame["status"].to_numpy()
    x = frame["due_on"].to_numpy()
    y = (frame["title"] if titles is None else titles).str.slice(0, 60).map(plain_label).to_numpy()
    customdata = frame[["milestone_id", "completed_on"]].astype(str).map(plain_label).to_numpy()
    if not own_dates():
        customdata = np.column_stack([customdata, written(x)]) if len(frame) else np.empty((0, 3), dtype=object)
        hovertemplate = dates_as(hovertemplate, "%{customdata[2]}")
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


def milestone_axes(*dates) -> dict:
    """The time line's axes: due dates across, milestones down in the order given. Outside English the dates
    across are labelled in the language spoken, over the span of the dates given (the due dates and any date
    marked on the line)."""
    xaxis = dict(title=dict(text=_("Due date (done with none stated: completion date)")))
    dates = [d for d in dates if not pd.isna(d)]
    if dates and not own_dates():
        xaxis.update(date_ticks(min(map(pd.Timestamp, dates)), max(map(pd.Timestamp, dates))))
    return dict(xaxis=xaxis, yaxis=dict(autorange="reversed", gridcolor="#f3f4f6"))


def milestone_timeline(frame: pd.DataFrame) -> go.Figure:
    """Milestones on a time line by the date in due_on, coloured done, due, overdue or open."""
    hover = _("{title}<br>due {day}<br>{milestone}").format(title="%{y}", day="%{x|%-d %B %Y}", milestone="%{customdata[0]}")
    return go.Figure(milestone_traces(frame, hover), layout=milestone_axes(frame["due_on"].min(), frame["due_on"].max()))
