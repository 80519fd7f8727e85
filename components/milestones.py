"""Lists of overdue and upcoming milestones."""

import pandas as pd
import streamlit as st

COLUMNS = {
    "milestone_id": "Milestone",
    "title": "Title",
    "due_on": "Due",
    "days_past_due": "Days past due",
    "kap_outcome": "KAP outcome",
    "owner": "Owner",
}


def render_milestone_lists(frame: pd.DataFrame, as_of_label: str, upcoming: int = 8) -> None:
    """Overdue milestones (most overdue first), then the next ones due."""
    left, right = st.columns(2)
    overdue = frame[frame["status"] == "overdue"].sort_values("due_on")
    due = frame[frame["status"] == "due"].sort_values("due_on").head(upcoming)
    with left:
        st.markdown(f"##### Overdue milestones at {as_of_label} ({len(overdue)})")
        if overdue.empty:
            st.success("No milestone is overdue.", icon=":material/check_circle:")
        else:
            st.dataframe(overdue[list(COLUMNS)].rename(columns=COLUMNS), hide_index=True, width="stretch")
    with right:
        st.markdown(f"##### Next milestones due after {as_of_label}")
        if due.empty:
            st.info("No open milestone is due later. Add milestones on the Upload page.", icon=":material/info:")
        else:
            st.dataframe(
                due[["milestone_id", "title", "due_on", "kap_outcome", "owner"]].rename(columns=COLUMNS),
                hide_index=True,
                width="stretch",
            )
