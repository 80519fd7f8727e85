"""Milestones: the Overview's lists of overdue and upcoming ones; the Milestones page's time line and table."""

from datetime import date, datetime

import pandas as pd
import streamlit as st

from alliance import words
from alliance.figures import milestone_status
from alliance.figures.milestones import milestone_timeline_as_of
from alliance.i18n import N_, _, n_
from components.charts import figure, grid_date_format, render_chart, render_downloads, render_empty, render_table

# Headers as shown, through _().
COLUMNS = {
    "milestone_id": N_("Milestone"),
    "title": N_("Title"),
    "due_on": N_("Due"),
    "days_past_due": N_("Days past due"),
    "kap_outcome_label": N_("KAP outcome"),
    "owner": N_("Owner"),
}
MILESTONE_COLUMNS = {
    "milestone_id": N_("Milestone"),
    "title": N_("Title"),
    "kap_outcome_label": N_("KAP outcome"),
    "due_on": N_("Due"),
    "completed_on": N_("Completed"),
    "status": N_("Status"),
    "days_past_due": N_("Days past due"),
    "owner": N_("Owner"),
    "source": N_("Source"),
}


def _headers(columns: dict[str, str]) -> dict[str, str]:
    """Column -> its header in the language spoken."""
    return {column: _(header) for column, header in columns.items()}


def _config() -> dict:
    """The lists' title and due columns, by their headers in the language spoken."""
    return {
        _("Title"): st.column_config.TextColumn(width="large"),
        _("Due"): st.column_config.DateColumn(format=grid_date_format()),
    }


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
    headers, config = _headers(COLUMNS), _config()
    overdue = frame[frame["status"] == "overdue"].sort_values("due_on")[list(COLUMNS)].rename(columns=headers)
    due = (
        frame[frame["status"] == "due"]
        .sort_values("due_on")
        .head(upcoming)[list(COLUMNS)]
        .rename(columns=headers)
        .drop(columns=headers["days_past_due"])
    )
    heading = _("Overdue milestones at {at}, Alliance-wide ({count})") if regional else _("Overdue milestones at {at} ({count})")
    st.markdown("##### " + heading.format(at=as_of_label, count=words.count(overdue_total)))
    if overdue_total > len(overdue):
        st.caption(
            _("Showing the {count} most overdue; the whole list is on the Milestones page's download.").format(
                count=words.count(len(overdue))
            )
        )
    if overdue.empty:
        st.success(_("No milestone is overdue."), icon=":material/check_circle:")
    else:
        render_table(overdue, config)
        render_downloads(overdue, _("Overdue milestones"), "overdue_milestones")
    heading = _("Next milestones due after {at}, Alliance-wide") if regional else _("Next milestones due after {at}")
    st.markdown("##### " + heading.format(at=as_of_label))
    if due.empty:
        st.info(
            _("No open milestone is due later.") + (" " + _("Add milestones on the Upload page.") if analyst else ""),
            icon=":material/info:",
        )
    else:
        render_table(due, config)
    undated = frame[frame["status"] == "open"][["milestone_id", "title", "kap_outcome_label", "owner"]].rename(columns=headers)
    if not undated.empty:
        heading = (
            _("Open milestones with no due date stated, Alliance-wide ({count})")
            if regional
            else _("Open milestones with no due date stated ({count})")
        )
        st.markdown("##### " + heading.format(count=words.count(len(undated))))
        st.caption(_("Their source gives no due date, so they are never counted overdue."))
        render_table(undated, config)


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value  # DuckDB's dates arrive as timestamps


def _due(due_on: pd.Series, precision: pd.Series) -> list[str]:
    """Due dates as exact as their source; a due date the source does not state (or none given) is "not stated"."""
    return [
        _("not stated") if p == "not_stated" or pd.isna(d) else words.dated(_day(d), p)
        for d, p in zip(due_on.tolist(), precision.tolist())
    ]


def _milestone_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Milestones as a reader sees them: dates as exact as their source, statuses and headers in words."""
    completed = [
        # Done on a date its source does not give: said so, not left blank (blank reads as not done).
        (_("date not stated") if p == "not_stated" else "") if pd.isna(d) else words.dated(_day(d), p)
        for d, p in zip(frame["completed_on"].tolist(), frame["completed_precision"].tolist())
    ]
    due = _due(frame["due_on"], frame["date_precision"])
    status = [milestone_status(s) for s in frame["status"].tolist()]
    return (
        frame[list(MILESTONE_COLUMNS)]
        .assign(due_on=due, completed_on=completed, status=status)
        .rename(columns=_headers(MILESTONE_COLUMNS))
    )


def render_milestones(frame: pd.DataFrame, as_of: date) -> None:
    """The milestones on a time line, then in a table with downloads; both from one table of rows as read."""
    table = _milestone_rows(frame)
    _render_timeline(frame, table, as_of)
    _render_table(table, frame.empty, as_of)


def _render_timeline(frame: pd.DataFrame, table: pd.DataFrame, as_of: date) -> None:
    """The milestones on a time line (done, due, overdue) with the as-of date marked, and their table."""
    title = _("Milestones by due date: done, due, overdue or open, {as_at}").format(as_at=words.as_at(as_of))
    if frame.empty:
        st.markdown(f"##### {title}")
        render_empty(_("milestones"), filters_hint=False)
        return
    counts = frame["status"].value_counts()
    caption = " ".join(
        (
            _(
                "{done} done, {due} due, {overdue} overdue, {open} open with no due date stated (listed in the table, "
                "not on the time line)."
            ).format(**{status: words.count(counts.get(status, 0)) for status in ("done", "due", "overdue", "open")}),
            _(
                "A milestone done with no due date stated stands at its completion date; one done on a date its source "
                "does not give is in the table only."
            ),
            _("Milestones belong to the whole Alliance: the region and capability filters do not apply."),
        )
    )
    total = int(frame["milestones_all"].iloc[0]) if "milestones_all" in frame else len(frame)
    if total > len(frame):
        showing = n_(
            "Showing the {shown} most pressing of {count} milestone (overdue oldest first, then the next due, then the "
            "latest done):",
            "Showing the {shown} most pressing of {count} milestones (overdue oldest first, then the next due, then the "
            "latest done):",
            total,
        ).format(shown=words.count(len(frame)), count=words.count(total))
        caption = showing + " " + caption
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
    title = _("Milestones and their status {as_at} (the whole Alliance)").format(as_at=words.as_at(as_of))
    st.markdown(f"##### {title}")
    if empty:
        render_empty(_("milestones"), filters_hint=False)
        return
    # Owner, source and days past due are in the downloads: nine columns left the titles a few words wide.
    headers = _headers(MILESTONE_COLUMNS)
    shown = ("milestone_id", "title", "kap_outcome_label", "due_on", "completed_on", "status")
    render_table(table, shown=[headers[column] for column in shown])
    render_downloads(table, title, "milestones")
