"""Milestones and outcomes: is each Kigali Action Plan outcome on track, and which milestones are done, due or late?"""

import streamlit as st

from alliance.scorecard import score
from components import data
from components.layout import page_start
from components.milestones_page import (
    render_milestone_table,
    render_milestone_timeline,
    render_scorecard,
    render_target_progress,
)

f = page_start(
    "Milestones and outcomes",
    "For each Kigali Action Plan outcome the Alliance serves: its activities and milestones, progress against targets, "
    "and a status; then every milestone on a time line.",
)

# Activities and milestones carry no strategic capability: the scorecard's scope is region and date only.
scope = f"{f.region_label}, as of {f.as_of:%d %B %Y}"
scored = score(data.frame("outcome_scorecard", as_of=f.as_of, region=f.region), f.as_of)
render_scorecard(scored, data.frame("outcome_res90"), scope)
render_target_progress(scored, scope)

st.subheader("Milestones")
milestones = data.frame("milestones_status", as_of=f.as_of, limit=150)
render_milestone_timeline(milestones, f.as_of)
render_milestone_table(milestones, f.as_of)
