"""Plotly figures for the Events and initiatives page; no Streamlit here, so reports can reuse them."""

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


def activities_by_initiative(frame: pd.DataFrame, status: str | None = None) -> go.Figure:
    """Bars per regional initiative (code and plan cycle) stacked by product line, for one status or all."""
    rows = frame if status is None else frame[frame["status"] == status]
    rows = rows.assign(initiative=rows["regional_initiative"] + " (" + rows["cycle"].fillna("no cycle") + ")")
    order = [plain_label(name) for name in dict.fromkeys(rows["initiative"])]
    counted = rows.groupby(["initiative", "product"], sort=False, as_index=False).agg(
        activities=("activities", "sum"), title=("initiative_title", "first"), region=("region_name", "first")
    )
    for column in ("initiative", "title", "region"):
        counted[column] = counted[column].map(plain_label)
    fig = go.Figure()
    for product, label in PRODUCT_LABELS.items():
        part = counted[counted["product"] == product]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=part["initiative"],
                y=part["activities"],
                name=label,
                marker_color=PRODUCT_COLORS[product],
                customdata=part[["title", "region"]],
                hovertemplate="%{x}: %{y} " + label.lower() + "<br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            )
        )
    if len(order) < 4:
        # A lone initiative would otherwise fill the whole width with one bar.
        fig.update_traces(width=0.35)
    fig.update_layout(
        barmode="stack",
        xaxis=dict(title=None, categoryorder="array", categoryarray=order, type="category"),
        yaxis=_count_axis("Activities", counted.groupby("initiative")["activities"].sum().max()),
        legend=dict(traceorder="normal"),
    )
    return fig
