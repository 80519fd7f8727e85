"""Milestones: the Overview's lists of overdue and upcoming ones; the Milestones page's time line and table."""

from datetime import date, datetime

import pandas as pd
import streamlit as st

from alliance import words
from alliance.figures.milestones import milestone_timeline_as_of
from components.charts import figure, render_chart, render_downloads, render_empty, render_table

COLUMNS = {
    "milestone_id": "Milestone",
    "title": "Title",
    "due_on": "Due",
    "days_past_due": "Days past due",
    "kap_outcome_label": "KAP outcome",
    "owner": "Owner",
}
MILESTONE_COLUMNS = {
    "milestone_id": "Milestone",
    "title": "Title",
    "kap_outcome_label": "KAP outcome",
    "due_on": "Due",
    "completed_on": "Completed",
    "status": "Status",
    "days_past_due": "Days past due",
    "owner": "Owner",
    "source": "Source",
}
_CONFIG = {"Title": st.column_config.TextColumn(width="large"), "Due": st.column_config.DateColumn(format="D MMMM YYYY")}


def render_milestone_lists(
    frame: pd.DataFrame,
    as_of_label: str,
    overdue_total: int,
    upcoming: int = 8,
    analyst: bool = False,
    regional: bool = False,
) -> None:
    """Overdue milestones (most overdue first), then the next ones due; frame holds the most pressing.

    regional: a region is shown; milestones are the whole Alliance's, and the headings say so."""
    whole = ", Alliance-wide" if regional else ""
    overdue = frame[frame["status"] == "overdue"].sort_values("due_on")[list(COLUMNS)].rename(columns=COLUMNS)
    due = (
        frame[frame["status"] == "due"]
        .sort_values("due_on")
        .head(upcoming)[list(COLUMNS)]
        .rename(columns=COLUMNS)
        .drop(columns="Days past due")
    )
    st.markdown(f"##### Overdue milestones at {as_of_label}{whole} ({words.count(overdue_total)})")
    if overdue_total > len(overdue):
        st.caption(f"Showing the {words.count(len(overdue))} most overdue; the whole list is on the Milestones page's download.")
    if overdue.empty:
        st.success("No milestone is overdue.", icon=":material/check_circle:")
    else:
        render_table(overdue, _CONFIG)
        render_downloads(overdue, "Overdue milestones", "overdue_milestones")
    st.markdown(f"##### Next milestones due after {as_of_label}{whole}")
    if due.empty:
        st.info(
            "No open milestone is due later." + (" Add milestones on the Upload page." if analyst else ""),
            icon=":material/info:",
        )
    else:
        render_table(due, _CONFIG)
    undated = frame[frame["status"] == "open"][["milestone_id", "title", "kap_outcome_label", "owner"]].rename(columns=COLUMNS)
    if not undated.empty:
        st.markdown(f"##### Open milestones with no due date stated{whole} ({words.count(len(undated))})")
        st.caption("Their source gives no due date, so they are never counted overdue.")
        render_table(undated, _CONFIG)


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value  # DuckDB's dates arrive as timestamps


def _due(due_on: pd.Series, precision: pd.Series) -> list[str]:
    """Due dates as exact as their source; a due date the source does not state (or none given) is "not stated"."""
    return [
        "not stated" if p == "not_stated" or pd.isna(d) else words.dated(_day(d), p)
        for d, p in zip(due_on.tolist(), precision.tolist())
    ]


def _milestone_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Milestones as a reader sees them: dates as exact as their source, headers in words."""
    completed = [
        # Done on a date its source does not give: said so, not left blank (blank reads as not done).
        ("date not stated" if p == "not_stated" else "") if pd.isna(d) else words.dated(_day(d), p)
        for d, p in zip(frame["completed_on"].tolist(), frame["completed_precision"].tolist())
    ]
    due = _due(frame["due_on"], frame["date_precision"])
    return frame[list(MILESTONE_COLUMNS)].assign(due_on=due, completed_on=completed).rename(columns=MILESTONE_COLUMNS)


def render_milestones(frame: pd.DataFrame, as_of: date) -> None:
    """The milestones on a time line, then in a table with downloads; both from one table of rows as read."""
    table = _milestone_rows(frame)
    _render_timeline(frame, table, as_of)
    _render_table(table, frame.empty, as_of)


def _render_timeline(frame: pd.DataFrame, table: pd.DataFrame, as_of: date) -> None:
    """The milestones on a time line (done, due, overdue) with the as-of date marked, and their table."""
    title = f"Milestones by due date: done, due, overdue or open, {words.as_at(as_of)}"
    if frame.empty:
        st.markdown(f"##### {title}")
        render_empty("milestones", filters_hint=False)
        return
    counts = frame["status"].value_counts()
    caption = (
        f"{words.count(counts.get('done', 0))} done, {words.count(counts.get('due', 0))} due, "
        f"{words.count(counts.get('overdue', 0))} overdue, {words.count(counts.get('open', 0))} open with no due date stated "
        "(listed in the table, not on the time line). "
        "A milestone done with no due date stated stands at its completion date; one done on a date its source does "
        "not give is in the table only. "
        "Milestones belong to the whole Alliance: the region and capability filters do not apply."
    )
    total = int(frame["milestones_all"].iloc[0]) if "milestones_all" in frame else len(frame)
    if total > len(frame):
        caption = (
            f"Showing the {words.count(len(frame))} most pressing of {words.count_of(total, 'milestone')} (overdue oldest first, then the next due, "
            "then the latest done): " + caption
        )
    render_chart(
        figure(milestone_timeline_as_of, frame, as_of),
        table,
        title,
        "milestone_timeline",
        caption,
        # One line a milestone the time line draws: those with a due or completion date.
        height=160 + 30 * int((frame["due_on"].notna() | frame["completed_on"].notna()).sum()),
    )


def _render_table(table: pd.DataFrame, empty: bool, as_of: date) -> None:
    """Every milestone with its status at the as-of date, with downloads."""
    title = f"Milestones and their status {words.as_at(as_of)} (the whole Alliance)"
    st.markdown(f"##### {title}")
    if empty:
        render_empty("milestones", filters_hint=False)
        return
    # Owner, source and days past due are in the downloads: nine columns left the titles a few words wide.
    render_table(table, shown=["Milestone", "Title", "KAP outcome", "Due", "Completed", "Status"])
    render_downloads(table, title, "milestones")
