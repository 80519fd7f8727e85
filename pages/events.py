"""Events and regional initiatives: who took part where and when, what the initiatives delivered, actions by region."""

import streamlit as st

from components import data
from components.events import (
    render_actions_table,
    render_activities_by_initiative,
    render_events_list,
    render_events_over_time,
    select_year,
)
from components.layout import page_start

f = page_start(
    "Events and regional initiatives",
    "Events held and who took part, the regional initiatives' activities by product line, and the yearly table of "
    "actions by region that the innovation reports publish.",
)

st.subheader("Events")
render_events_over_time(data.frame("events_by_month_region", **f.params), f.scope_label, f.period_start)
render_events_list(data.frame("events_list", limit=500, **f.params), f"Events, {f.scope_label}")

st.subheader("Regional-initiative activities")
render_activities_by_initiative(data.frame("activities_by_initiative_product_status", **f.params), f.scope_label, f.period_start)

st.subheader("Actions by region")
year = select_year(data.frame("action_years", as_of=f.as_of), f.as_of)
render_actions_table(
    data.frame("actions_by_region", year=year, period_start=None, as_of=f.as_of, region=f.region), year, f.as_of, f.region_label
)
