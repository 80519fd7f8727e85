"""Plotly figures for the Events and initiatives page; no Streamlit here, so reports can reuse them."""

import re
from collections import Counter

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from alliance import words
from alliance.figures import date_ticks, dates_as, mark_cycle_breaks, own_dates, plain_label, written
from alliance.figures.theme import PALETTE, region_colors
from alliance.i18n import N_, _

# Labels by code, in English; each is shown through _() in the language spoken.
MEASURES = {"participants": N_("Participants"), "trained_certified": N_("Trained or certified"), "events": N_("Events")}
# A bar's hover text by measure: the month, the count and the events behind it (Plotly's own %{...} fields).
MEASURE_HOVERS = {
    "participants": N_("%{x|%B %Y}: %{y:,} participants (%{customdata[0]} events)"),
    "trained_certified": N_("%{x|%B %Y}: %{y:,} trained or certified (%{customdata[0]} events)"),
    "events": N_("%{x|%B %Y}: %{y:,} events (%{customdata[0]} events)"),
}
PRODUCT_LABELS = {
    "knowledge_sharing": N_("Knowledge sharing"),
    "capacity_building": N_("Capacity building"),
    "innovation_assessment": N_("Innovation assessment"),
    "project_cocreation": N_("Project co-creation"),
}
PRODUCT_HOVERS = {
    "knowledge_sharing": N_("%{x} knowledge sharing"),
    "capacity_building": N_("%{x} capacity building"),
    "innovation_assessment": N_("%{x} innovation assessment"),
    "project_cocreation": N_("%{x} project co-creation"),
}
PRODUCT_COLORS = dict(zip(PRODUCT_LABELS, PALETTE))
STATUS_LABELS = {
    "planned": N_("Planned"),
    "ongoing": N_("Ongoing"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
}


def events_by_month(frame: pd.DataFrame, measure: str = "participants") -> go.Figure:
    """Stacked bars per month of a measure (participants, trained or certified, events), one colour per region."""
    colours = region_colors()
    regions = sorted(frame["region_name"].unique(), key=lambda r: list(colours).index(r) if r in colours else 99)
    # Arrays sliced per region: Plotly takes them as they are, where a frame's slices each cost it a conversion. A
    # count with blanks stays a nullable array, so that a region without blanks is still sent as whole numbers.
    names, months, values = frame["region_name"].to_numpy(), frame["month"].to_numpy(), frame[measure].array
    events = frame[["events"]].to_numpy()
    hover = _(MEASURE_HOVERS[measure])
    if not own_dates():
        events = np.column_stack([events, written(months, words.month)]) if len(frame) else np.empty((0, 2), dtype=object)
        hover = dates_as(hover, "%{customdata[1]}")
    traces = []
    for region in regions:
        rows = names == region
        traces.append(
            go.Bar(
                x=months[rows],
                y=values[rows].to_numpy(),
                name=plain_label(region),
                marker_color=colours.get(region),
                xperiod="M1",
                xperiodalignment="middle",
                customdata=events[rows],
                hovertemplate=hover + "<extra>" + plain_label(region) + "</extra>",
            )
        )
    totals = frame.groupby("month")[measure].sum()
    # The layout given whole: update_layout costs a few milliseconds more (it writes the unset title as {}).
    fig = go.Figure(
        traces,
        layout=dict(
            barmode="stack",
            xaxis=dict(tickformat="%b %Y", ticklabelmode="period", dtick="M1" if frame["month"].nunique() <= 12 else None)
            if own_dates()
            # Ticks at the bars' middles, where a period label would stand.
            else date_ticks(frame["month"].min(), frame["month"].max(), middle=True),
            yaxis=_count_axis(_(MEASURES[measure]), totals.max()),
            showlegend=True,
            legend=dict(traceorder="normal"),
        ),
    )
    return mark_cycle_breaks(fig, frame["month"].min(), frame["month"].max() + pd.offsets.MonthEnd(0))


def _count_axis(title: str, largest: float) -> dict:
    """A y axis for whole counts: steps of 1 when the bars are short, so no tick reads 0.5."""
    return dict(title=title, tickformat=",d", dtick=1 if largest <= 8 else None)


def _known(text) -> bool:
    return isinstance(text, str) and bool(text.strip())


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _initiative_name(title, region, code: str, cycle: str | None = None) -> str:
    if _known(title):
        return f"{title} ({cycle})" if cycle else title
    inside = f"{code}, {cycle}" if cycle else code
    if _known(region):
        return _("{region} regional initiative ({code})").format(region=region, code=inside)
    return _("Regional initiative ({code})").format(code=inside)


def initiative_names(frame: pd.DataFrame) -> pd.Series:
    """Name each row's regional initiative by its title; where no title is known, by its region with the code in brackets.

    Codes are reused across plan cycles: two initiatives that would read alike carry their plan cycle too.
    """
    # Plain lists: a page has a few dozen rows, for which each pandas step costs more than the names themselves.
    rows = list(zip(frame["initiative_title"].tolist(), frame["region_name"].tolist(), frame["regional_initiative"].tolist()))
    no_cycle = _("no plan cycle")
    cycles = [no_cycle if _missing(c) else c for c in frame["cycle"].tolist()]
    names = [_initiative_name(*row) for row in rows]
    initiatives: dict[str, set] = {}
    for name, (_title, _region, code), cycle in zip(names, rows, cycles):
        initiatives.setdefault(name, set()).update([f"{code}|{cycle}"] if isinstance(code, str) else [])
    named = [
        _initiative_name(*row, cycle) if len(initiatives[name]) > 1 else name for name, row, cycle in zip(names, rows, cycles)
    ]
    return pd.Series(named, index=frame.index, dtype=object)


def short_name(text: str, limit: int = 36) -> str:
    """Shorten a name at a word boundary, with an ellipsis, so that an axis label fits beside the bars on a phone.

    A short bracket at the end ("... regional initiative (CIS3)") is kept: it is what tells two names apart.
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    found = re.fullmatch(r"(.*) (\([^()]{1,16}\))", text)
    head, bracket = (found.group(1), " " + found.group(2)) if found else (text, "")
    room = limit - len(bracket) - 1
    cut = head[:room] if len(head) <= room or head[room] == " " else head[:room].rsplit(" ", 1)[0]
    return cut.rstrip(" ,:;-–") + "…" + bracket


def activities_by_initiative(frame: pd.DataFrame, status: str | None = None) -> go.Figure:
    """Horizontal bars per regional initiative, named by title (cut on the axis, whole in the hover), stacked by product line."""
    rows = frame if status is None else frame[frame["status"] == status]
    names = initiative_names(rows).tolist()
    columns = ("regional_initiative", "cycle", "region_name")
    # One bar per initiative and product line, summed over statuses, with the initiative's first known code,
    # cycle and region; in plain Python, as the rows are a few dozen (initiatives by product lines by statuses).
    counted: dict[tuple, list] = {}
    for name, product, activities, *known in zip(
        names, rows["product"].tolist(), rows["activities"].tolist(), *(rows[c].tolist() for c in columns)
    ):
        found = counted.setdefault((name, product), [0, None, None, None])
        found[0] += activities
        found[1:] = [k if _missing(f) and not _missing(k) else f for f, k in zip(found[1:], known)]
    # The axis shows a cut name; two names cut alike keep their code and cycle so that their bars stay apart.
    full = list(dict.fromkeys(names))
    first = {}
    no_cycle = _("no plan cycle")
    for name, code, cycle in zip(names, rows["regional_initiative"].tolist(), rows["cycle"].tolist()):
        first.setdefault(name, f"{code}, {no_cycle if _missing(cycle) else cycle}")
    cut = {n: short_name(n) for n in full}
    times = Counter(cut.values())
    label = {n: plain_label(f"{cut[n]} ({first[n]})" if times[cut[n]] > 1 else cut[n]) for n in full}
    hover = {
        (name, code, cycle, region): "<br>".join(
            plain_label(t) for t in (name, ", ".join(p for p in (code, cycle, region) if _known(p)))
        )
        for (name, _product), (_count, code, cycle, region) in counted.items()
    }
    traces = []
    for product, english in PRODUCT_LABELS.items():
        product_label = _(english)
        bars = [(name, found) for (name, p), found in counted.items() if p == product]
        if not bars:
            continue
        traces.append(
            go.Bar(
                y=np.array([label[name] for name, _found in bars], dtype=object),
                x=np.array([found[0] for _name, found in bars], dtype=np.int64),
                orientation="h",
                name=product_label,
                marker_color=PRODUCT_COLORS[product],
                customdata=np.array([[hover[(name, *found[1:])]] for name, found in bars], dtype=object),
                hovertemplate="%{customdata[0]}<br>" + _(PRODUCT_HOVERS[product]) + "<extra></extra>",
                # A lone initiative would otherwise fill the whole height with one bar.
                width=0.5 if len(full) < 4 else None,
            )
        )
    totals: dict[str, int] = {}
    for (name, _product), found in counted.items():
        totals[name] = totals.get(name, 0) + found[0]
    return go.Figure(
        traces,
        layout=dict(
            barmode="stack",
            # The first initiative (in the regions' order) at the top, as a table reads.
            yaxis=dict(categoryorder="array", categoryarray=[label[n] for n in full], type="category", autorange="reversed"),
            xaxis=_count_axis(_("Activities"), max(totals.values(), default=float("nan"))),
            legend=dict(traceorder="normal", orientation="h", y=1.02, yanchor="bottom", x=0, xanchor="left"),
            margin=dict(t=40),
        ),
    )
