"""Drawing helpers for the Events and initiatives page: events over time, the events list, activities, actions by region."""

from datetime import date

import pandas as pd
import streamlit as st

from alliance.figures.events import (
    MEASURES,
    PRODUCT_LABELS,
    STATUS_LABELS,
    activities_by_initiative,
    events_by_month,
    initiative_names,
)
from alliance.schema import CHOICES
from alliance.words import count, count_of, dated, day, span
from components.charts import figure, render_chart, render_downloads, render_empty, render_table

# The column headers of seed 001 §3.1, in its order.
SEED_COLUMNS = {
    "region_name": "Regions",
    "knowledge_sharing": "Knowledge Sharing Products",
    "capacity_building": "Capacity Building Products",
    "innovation_assessment": "Innovation Assessments Products",
    "project_cocreation": "Project Co-creation Products",
}
EVENT_COLUMNS = {
    "event_id": "Event",
    "title": "Title",
    "dates": "Dates",
    "start_date": "Start",
    "end_date": "End",
    "event_type": "Type",
    "format": "Format",
    "country_name": "Country",
    "city": "City",
    "region_name": "Region",
    "participants": "Participants",
    "countries_represented": "Countries represented",
    "trained_certified": "Trained or certified",
    "partners": "Partners",
    "capabilities": "Capabilities",
    "regional_initiatives": "Regional initiatives",
    "source": "Source",
}
ACTIVITY_COLUMNS = {
    "initiative": "Initiative",
    "regional_initiative": "Code",
    "cycle": "Plan cycle",
    "region_name": "Region",
    "product": "Product line",
    "status": "Status",
    "activities": "Activities",
}


def render_events_over_time(frame: pd.DataFrame, scope: str, period_start: date) -> None:
    """Stacked bars of participants (or trained, or events) by region and month, with a measure toggle."""
    if frame.empty:
        render_empty("events starting in this period")
        return
    # Offer only what the events record: a measure with nothing recorded would draw zeros under its name.
    recorded = [m for m in MEASURES if m == "events" or frame[m].sum() > 0]
    missing = [MEASURES[m].lower() for m in MEASURES if m not in recorded]
    caption = (
        "Events with no country count under Global (no country). Participants and trained are summed over the events "
        "that record them; a month whose events record none has no bar (not recorded, not 0)."
    )
    if missing:
        caption = f"None of these {count_of(int(frame['events'].sum()), 'event')} has {' or '.join(missing)} recorded. " + caption
    measure = "events"
    if len(recorded) > 1:
        measure = st.radio(
            "Count", recorded, format_func=MEASURES.get, horizontal=True, key="events_measure", label_visibility="collapsed"
        )
    table = (
        frame.assign(month=frame["month"].dt.strftime("%Y-%m"))
        .rename(columns={"month": "Month", "region_name": "Region", **MEASURES})
        .drop(columns="region_code")
    )
    title = f"{MEASURES[measure]} by region and month of the events' start, {scope}"
    render_chart(figure(events_by_month, frame, measure), table, title, "events_by_month", caption=caption)


def _days(frame: pd.DataFrame) -> tuple[list, list, list]:
    """Each event's start as stated, its end, and its days as the source words them, written once per distinct dates."""
    written = {}
    keys = list(zip(frame["start_date"].tolist(), frame["end_date"].tolist(), frame["date_precision"].tolist()))
    for key in dict.fromkeys(keys):
        start, end, precision = key
        # How exact the source is: a year or month alone.
        shown_start = dated(start.date() if not pd.isna(start) else start, precision)
        # Written as the start is, blank when not stated.
        shown_end = "" if pd.isna(end) else day(end.date())
        # Both WSIS 2023 sessions are "15-16 March 2023", not "15 March".
        days = (
            span(start.date(), None if pd.isna(end) else end.date())
            if precision in (None, "day") and not pd.isna(start)
            else shown_start
        )
        written[key] = (shown_start, shown_end, days)
    return tuple(map(list, zip(*(written[k] for k in keys))))


def render_events_list(frame: pd.DataFrame, title: str) -> None:
    """The events in the period as a table, with CSV and Excel downloads; nothing when there are none (the chart
    above, render_events_over_time, says so once)."""
    if frame.empty:
        return
    st.markdown(f"##### {title}")
    total = int(frame["events_all"].iloc[0])
    if total > len(frame):
        st.caption(
            f"Showing the {count(len(frame))} latest of {count_of(total, 'event')}; narrow the period or region to see the others."
        )
    starts, ends, days = _days(frame)
    columns = {**frame, "dates": days, "start_date": starts, "end_date": ends}
    for column in ("event_type", "format"):
        # The query writes codes with spaces ("high level session"): their labels are keyed by code; types and
        # formats as the upload format names them.
        columns[column] = frame[column].map(
            lambda v, labels=CHOICES[column]: "" if v is None else labels.get(str(v).replace(" ", "_"), v)
        )
    if frame["participants_over"].fillna(False).any():
        # "over N" participants where the source gives a lower bound.
        columns["participants"] = [
            "" if pd.isna(n) else count(n, bool(o))
            for n, o in zip(frame["participants"], frame["participants_over"].fillna(False))
        ]
    table = pd.DataFrame({name: columns[column] for column, name in EVENT_COLUMNS.items()}, index=frame.index)
    # What a reader scans for; the downloads give the rest (IDs, partners, sources, ...).
    shown = ["Title", "Dates", "Type", "Format", "Country", "Region", "Participants"]
    render_table(table, height=min(38 + 35 * len(table), 400), shown=shown)
    render_downloads(table, title, "events_list")


def render_activities_by_initiative(frame: pd.DataFrame, scope: str, period_start: date) -> None:
    """Activities per regional initiative stacked by product line, with a status toggle."""
    if frame.empty:
        render_empty("regional-initiative activities starting in this period")
        return
    options = ["all", *[s for s in STATUS_LABELS if s in set(frame["status"])]]
    status = st.radio(
        "Status",
        options,
        format_func=lambda s: "All statuses" if s == "all" else STATUS_LABELS[s],
        horizontal=True,
        key="activity_status",
    )
    chosen = None if status == "all" else status
    rows = frame if chosen is None else frame[frame["status"] == chosen]
    table = rows.assign(initiative=initiative_names(rows), product=rows["product"].map(PRODUCT_LABELS))
    table = table.rename(columns=ACTIVITY_COLUMNS)[list(ACTIVITY_COLUMNS.values())]
    what = "Activities" if chosen is None else f"{STATUS_LABELS[chosen]} activities"
    title = f"{what} by regional initiative and product line, {scope}"
    caption = (
        "An initiative code is read in the plan cycle covering the activity's start date; an initiative whose title "
        "was not found in a public source is named by its region and code. Activities carry no strategic capability, "
        "so that filter does not apply here."
    )
    initiatives = rows[["regional_initiative", "cycle"]].drop_duplicates().shape[0]
    render_chart(
        figure(activities_by_initiative, frame, chosen),
        table,
        title,
        "activities_by_initiative",
        caption=caption,
        height=140 + 44 * max(initiatives, 2),
    )


def render_actions_table(frame: pd.DataFrame, title: str, region_label: str) -> None:
    """The actions-by-region table in the layout of the 2019 TDAG report on ITU-D Innovation, with downloads and how it is counted."""
    st.markdown(f"##### {title}")
    st.caption(
        "In the layout of the table of actions by ITU region in the 2019 TDAG report on ITU-D Innovation; for one "
        "year's table, set the period in the sidebar to that year. Counts regional-initiative activities, and events "
        "that count as a product line (forums, sessions), starting in the period, each in the region of its regional "
        "initiative, else of its country."
        + ("" if region_label == "all regions" else f" Only {region_label} is counted (sidebar filter); other regions show 0.")
    )
    table = frame.rename(columns=SEED_COLUMNS)[list(SEED_COLUMNS.values())]
    # A static table wraps the seed's long headers and fits the width, as the report's own table does.
    st.table(table, hide_index=True)
    render_downloads(table, title, "actions_by_region")
