"""Overview, for BDT management: is the Alliance on track, where is it behind, what changed?"""

from datetime import timedelta

import streamlit as st

from alliance.kpis import tiles
from alliance.words import day
from components import data
from components.charts import render_chart, render_empty
from components.figures import eois_over_time
from components.layout import page_start
from components.milestones import render_milestone_lists
from components.tiles import render_tiles

f = page_start(
    "Overview",
    "Where the Alliance stands on its key figures, what changed since a date you choose, and which milestones are late.",
)
compare = st.date_input(
    "Compare with", value=f.as_of - timedelta(days=365), key="compare", bind="query-params", format="YYYY-MM-DD", width=220
)

if compare > f.as_of:
    # A change "since" a later date would subtract figures the as-of date does not know yet.
    st.warning(
        f"The comparison date {day(compare)} is after the as-of date {day(f.as_of)}; comparing with "
        f"{day(f.as_of - timedelta(days=365))} instead.",
        icon=":material/event_busy:",
    )
    compare = f.as_of - timedelta(days=365)
current = data.summary(f.as_of, f.region, f.capability, f.period_start)
# The same period cut at the comparison date: a flow's change is what the days after it added.
previous = data.summary(compare, f.region, f.capability, f.period_start)
targets = data.frame("kpi_targets", as_of=f.as_of, region=f.region).to_dict("records")
render_tiles(tiles(current, previous, targets), day(compare), data.frame("kpi_definitions"), f.period_label, f.stock_label)

eois = data.frame("eois_cumulative", **f.params)
if eois.empty:
    render_empty("EoIs received in this period")
else:
    render_chart(
        eois_over_time(eois), eois, f"EoIs received, {f.scope_label} (running total from the first EoI)", "eois_over_time"
    )

render_milestone_lists(
    data.frame("milestones_status", as_of=f.as_of, limit=200), f"{f.as_of:%d %b %Y}", current["milestones"]["overdue"]
)
