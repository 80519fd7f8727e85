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
from alliance.i18n import N_, _, n_
from alliance.schema import CHOICES
from alliance.words import count, dated, day, span
from components.charts import figure, render_chart, render_downloads, render_empty, render_table

# The column headers of seed 001 §3.1, in its order (translated as shown).
SEED_COLUMNS = {
    "region_name": N_("Regions"),
    "knowledge_sharing": N_("Knowledge Sharing Products"),
    "capacity_building": N_("Capacity Building Products"),
    "innovation_assessment": N_("Innovation Assessments Products"),
    "project_cocreation": N_("Project Co-creation Products"),
}
EVENT_COLUMNS = {
    "event_id": N_("Event"),
    "title": N_("Title"),
    "dates": N_("Dates"),
    "start_date": N_("Start"),
    "end_date": N_("End"),
    "event_type": N_("Type"),
    "format": N_("Format"),
    "country_name": N_("Country"),
    "city": N_("City"),
    "region_name": N_("Region"),
    "participants": N_("Participants"),
    "countries_represented": N_("Countries represented"),
    "trained_certified": N_("Trained or certified"),
    "partners": N_("Partners"),
    "capabilities": N_("Capabilities"),
    "regional_initiatives": N_("Regional initiatives"),
    "source": N_("Source"),
}
# What a reader scans for; the downloads give the rest (IDs, partners, sources, ...).
EVENT_SHOWN = ("title", "dates", "event_type", "format", "country_name", "region_name", "participants")
ACTIVITY_COLUMNS = {
    "initiative": N_("Initiative"),
    "regional_initiative": N_("Code"),
    "cycle": N_("Plan cycle"),
    "region_name": N_("Region"),
    "product": N_("Product line"),
    "status": N_("Status"),
    "activities": N_("Activities"),
}
# An activity's status as the table behind the chart writes it (by code, lower case).
STATUS_WORDS = {"planned": N_("planned"), "ongoing": N_("ongoing"), "completed": N_("completed"), "cancelled": N_("cancelled")}
# The upload format's labels of event types and formats (alliance.schema.CHOICES, keyed by code), marked here for
# the catalogues: the list shows each through _().
CHOICE_LABELS = (
    N_("Forum"),
    N_("Workshop"),
    N_("Training"),
    N_("High-level session"),
    N_("Webinar"),
    N_("Board meeting"),
    N_("Members' forum"),
    N_("Other"),
    N_("In person"),
    N_("Virtual"),
    N_("Hybrid"),
)


def _missing_sentence(events: int, missing: list[str]) -> str:
    """'None of these 3 events has participants recorded.', for the measures no event records."""
    if missing == ["participants"]:
        message = n_(
            "None of these {count} event has participants recorded.",
            "None of these {count} events has participants recorded.",
            events,
        )
    elif missing == ["trained_certified"]:
        message = n_(
            "None of these {count} event has trained or certified recorded.",
            "None of these {count} events has trained or certified recorded.",
            events,
        )
    else:
        message = n_(
            "None of these {count} event has participants or trained or certified recorded.",
            "None of these {count} events has participants or trained or certified recorded.",
            events,
        )
    return message.format(count=count(events))


def render_events_over_time(frame: pd.DataFrame, scope: str, period_start: date) -> None:
    """Stacked bars of participants (or trained, or events) by region and month, with a measure toggle."""
    if frame.empty:
        render_empty(_("events starting in this period"))
        return
    # Offer only what the events record: a measure with nothing recorded would draw zeros under its name.
    recorded = [m for m in MEASURES if m == "events" or frame[m].sum() > 0]
    missing = [m for m in MEASURES if m not in recorded]
    caption = _(
        "Events with no country count under Global (no country). Participants and trained are summed over the events "
        "that record them; a month whose events record none has no bar (not recorded, not 0)."
    )
    if missing:
        caption = _missing_sentence(int(frame["events"].sum()), missing) + " " + caption
    measure = "events"
    if len(recorded) > 1:
        measure = st.radio(
            _("Count"),
            recorded,
            format_func=lambda m: _(MEASURES[m]),
            horizontal=True,
            key="events_measure",
            label_visibility="collapsed",
        )
    table = (
        frame.assign(month=frame["month"].dt.strftime("%Y-%m"))
        .rename(columns={"month": _("Month"), "region_name": _("Region"), **{m: _(label) for m, label in MEASURES.items()}})
        .drop(columns="region_code")
    )
    titles = {
        "participants": _("Participants by region and month of the events' start, {scope}"),
        "trained_certified": _("Trained or certified by region and month of the events' start, {scope}"),
        "events": _("Events by region and month of the events' start, {scope}"),
    }
    title = titles[measure].format(scope=scope)
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
            n_(
                "Showing the {shown} latest of {count} event; narrow the period or region to see the others.",
                "Showing the {shown} latest of {count} events; narrow the period or region to see the others.",
                total,
            ).format(shown=count(len(frame)), count=count(total))
        )
    starts, ends, days = _days(frame)
    columns = {**frame, "dates": days, "start_date": starts, "end_date": ends}
    for column in ("event_type", "format"):
        # The query writes codes with spaces ("high level session"): their labels are keyed by code; types and
        # formats as the upload format names them.
        labels = {code: _(label) for code, label in CHOICES[column].items()}
        columns[column] = frame[column].map(lambda v, labels=labels: "" if v is None else labels.get(str(v).replace(" ", "_"), v))
    if frame["participants_over"].fillna(False).any():
        # "over N" participants where the source gives a lower bound.
        columns["participants"] = [
            "" if pd.isna(n) else count(n, bool(o))
            for n, o in zip(frame["participants"], frame["participants_over"].fillna(False))
        ]
    table = pd.DataFrame({_(name): columns[column] for column, name in EVENT_COLUMNS.items()}, index=frame.index)
    shown = [_(EVENT_COLUMNS[column]) for column in EVENT_SHOWN]
    render_table(table, height=min(38 + 35 * len(table), 400), shown=shown)
    render_downloads(table, title, "events_list")


def render_activities_by_initiative(frame: pd.DataFrame, scope: str, period_start: date) -> None:
    """Activities per regional initiative stacked by product line, with a status toggle."""
    if frame.empty:
        render_empty(_("regional-initiative activities starting in this period"))
        return
    options = ["all", *[s for s in STATUS_LABELS if s in set(frame["status"])]]
    status = st.radio(
        _("Status"),
        options,
        format_func=lambda s: _("All statuses") if s == "all" else _(STATUS_LABELS[s]),
        horizontal=True,
        key="activity_status",
    )
    chosen = None if status == "all" else status
    rows = frame if chosen is None else frame[frame["status"] == chosen]
    products = {code: _(label) for code, label in PRODUCT_LABELS.items()}
    statuses = {code: _(word) for code, word in STATUS_WORDS.items()}
    headers = {column: _(label) for column, label in ACTIVITY_COLUMNS.items()}
    table = rows.assign(
        initiative=initiative_names(rows),
        product=rows["product"].map(products),
        status=rows["status"].map(lambda s: statuses.get(s, s)),
    )
    table = table.rename(columns=headers)[list(headers.values())]
    titles = {
        None: _("Activities by regional initiative and product line, {scope}"),
        "planned": _("Planned activities by regional initiative and product line, {scope}"),
        "ongoing": _("Ongoing activities by regional initiative and product line, {scope}"),
        "completed": _("Completed activities by regional initiative and product line, {scope}"),
        "cancelled": _("Cancelled activities by regional initiative and product line, {scope}"),
    }
    title = titles[chosen].format(scope=scope)
    caption = _(
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


def render_actions_table(frame: pd.DataFrame, title: str, region: str | None) -> None:
    """The actions-by-region table in the layout of the 2019 TDAG report on ITU-D Innovation, with downloads and how
    it is counted; `region`: the one region counted (its name), None for all."""
    st.markdown(f"##### {title}")
    caption = _(
        "In the layout of the table of actions by ITU region in the 2019 TDAG report on ITU-D Innovation; for one "
        "year's table, set the period in the sidebar to that year. Counts regional-initiative activities, and events "
        "that count as a product line (forums, sessions), starting in the period, each in the region of its regional "
        "initiative, else of its country."
    )
    if region:
        caption += " " + _("Only {region} is counted (sidebar filter); other regions show 0.").format(region=region)
    st.caption(caption)
    headers = {column: _(label) for column, label in SEED_COLUMNS.items()}
    table = frame.rename(columns=headers)[list(headers.values())]
    # A static table wraps the seed's long headers and fits the width, as the report's own table does.
    st.table(table, hide_index=True)
    render_downloads(table, title, "actions_by_region")
