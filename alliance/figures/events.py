"""Plotly figures for the Events and initiatives page; no Streamlit here, so reports can reuse them."""

import re

import pandas as pd
import plotly.graph_objects as go

from alliance.figures import mark_cycle_breaks, plain_label
from alliance.figures.theme import PALETTE, REGION_COLORS

MEASURES = {"participants": "Participants", "trained_certified": "Trained or certified", "events": "Events"}
PRODUCT_LABELS = {
    "knowledge_sharing": "Knowledge sharing",
    "capacity_building": "Capacity building",
    "innovation_assessment": "Innovation assessment",
    "project_cocreation": "Project co-creation",
}
PRODUCT_COLORS = dict(zip(PRODUCT_LABELS, PALETTE))
STATUS_LABELS = {"planned": "Planned", "ongoing": "Ongoing", "completed": "Completed", "cancelled": "Cancelled"}


def events_by_month(frame: pd.DataFrame, measure: str = "participants") -> go.Figure:
    """Stacked bars per month of a measure (participants, trained or certified, events), one colour per region."""
    fig = go.Figure()
    regions = sorted(frame["region_name"].unique(), key=lambda r: list(REGION_COLORS).index(r) if r in REGION_COLORS else 99)
    for region in regions:
        part = frame[frame["region_name"] == region]
        fig.add_trace(
            go.Bar(
                x=part["month"],
                y=part[measure],
                name=plain_label(region),
                marker_color=REGION_COLORS.get(region),
                xperiod="M1",
                xperiodalignment="middle",
                customdata=part[["events"]],
                hovertemplate="%{x|%B %Y}: %{y:,} "
                + MEASURES[measure].lower()
                + " (%{customdata[0]} events)<extra>"
                + plain_label(region)
                + "</extra>",
            )
        )
    totals = frame.groupby("month")[measure].sum()
    fig.update_layout(
        barmode="stack",
        xaxis=dict(
            title=None, tickformat="%b %Y", ticklabelmode="period", dtick="M1" if frame["month"].nunique() <= 12 else None
        ),
        yaxis=_count_axis(MEASURES[measure], totals.max()),
        showlegend=True,
        legend=dict(traceorder="normal"),
    )
    return mark_cycle_breaks(fig, frame["month"].min(), frame["month"].max() + pd.offsets.MonthEnd(0))


def _count_axis(title: str, largest: float) -> dict:
    """A y axis for whole counts: steps of 1 when the bars are short, so no tick reads 0.5."""
    return dict(title=title, tickformat=",d", dtick=1 if largest <= 8 else None)


def _known(text) -> bool:
    return isinstance(text, str) and bool(text.strip())


def _initiative_name(title, region, code: str, cycle: str | None = None) -> str:
    if _known(title):
        return f"{title} ({cycle})" if cycle else title
    inside = f"{code}, {cycle}" if cycle else code
    return f"{region} regional initiative ({inside})" if _known(region) else f"Regional initiative ({inside})"


def initiative_names(frame: pd.DataFrame) -> pd.Series:
    """Name each row's regional initiative by its title; where no title is known, by its region with the code in brackets.

    Codes are reused across plan cycles: two initiatives that would read alike carry their plan cycle too.
    """
    rows = list(zip(frame["initiative_title"], frame["region_name"], frame["regional_initiative"]))
    names = pd.Series([_initiative_name(*row) for row in rows], index=frame.index, dtype=object)
    cycles = frame["cycle"].fillna("no plan cycle")
    alike = (frame["regional_initiative"] + "|" + cycles).groupby(names).transform("nunique") > 1
    with_cycle = [_initiative_name(*row, cycle) for row, cycle in zip(rows, cycles)]
    return names.where(~alike, pd.Series(with_cycle, index=frame.index, dtype=object))


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
    rows = rows.assign(initiative=initiative_names(rows))
    counted = rows.groupby(["initiative", "product"], sort=False, as_index=False).agg(
        activities=("activities", "sum"),
        code=("regional_initiative", "first"),
        cycle=("cycle", "first"),
        region=("region_name", "first"),
    )
    # The axis shows a cut name; two names cut alike keep their code and cycle so that their bars stay apart.
    full = list(dict.fromkeys(rows["initiative"]))
    short = pd.Series([short_name(n) for n in full], index=full)
    first = rows.drop_duplicates("initiative").set_index("initiative")
    keys = first["regional_initiative"] + ", " + first["cycle"].fillna("no plan cycle")
    twice = short.duplicated(keep=False)
    short = short.where(~twice, short + " (" + keys[short.index] + ")")
    counted["label"] = counted["initiative"].map(short).map(plain_label)
    counted["hover"] = [
        "<br>".join(plain_label(t) for t in (name, ", ".join(p for p in (code, cycle, region) if _known(p))))
        for name, code, cycle, region in zip(counted["initiative"], counted["code"], counted["cycle"], counted["region"])
    ]
    fig = go.Figure()
    for product, label in PRODUCT_LABELS.items():
        part = counted[counted["product"] == product]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                y=part["label"],
                x=part["activities"],
                orientation="h",
                name=label,
                marker_color=PRODUCT_COLORS[product],
                customdata=part[["hover"]],
                hovertemplate="%{customdata[0]}<br>%{x} " + label.lower() + "<extra></extra>",
            )
        )
    if len(full) < 4:
        # A lone initiative would otherwise fill the whole height with one bar.
        fig.update_traces(width=0.5)
    fig.update_layout(
        barmode="stack",
        # The first initiative (in the regions' order) at the top, as a table reads.
        yaxis=dict(
            title=None,
            categoryorder="array",
            categoryarray=[plain_label(short[n]) for n in full],
            type="category",
            autorange="reversed",
        ),
        xaxis=_count_axis("Activities", counted.groupby("initiative")["activities"].sum().max()),
        legend=dict(traceorder="normal", orientation="h", y=1.02, yanchor="bottom", x=0, xanchor="left"),
        margin=dict(t=40),
    )
    return fig
