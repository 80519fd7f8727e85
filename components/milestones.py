"""Lists of overdue and upcoming milestones."""

import pandas as pd
import streamlit as st

from components.charts import render_downloads, render_table

COLUMNS = {
    "milestone_id": "Milestone",
    "title": "Title",
    "due_on": "Due",
    "days_past_due": "Days past due",
    "kap_outcome_label": "KAP outcome",
    "owner": "Owner",
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
    st.markdown(f"##### Overdue milestones at {as_of_label}{whole} ({overdue_total:,})")
    if overdue_total > len(overdue):
        st.caption(f"Showing the {len(overdue):,} most overdue; the whole list is on the Milestones page's download.")
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
        st.markdown(f"##### Open milestones with no due date stated{whole} ({len(undated):,})")
        st.caption("Their source gives no due date, so they are never counted overdue.")
        render_table(undated, _CONFIG)
