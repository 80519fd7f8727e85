"""Milestones and outcomes: is each Kigali Action Plan outcome on track, and which milestones are done, due or late?"""

import streamlit as st

from alliance import words
from alliance.i18n import _
from alliance.scorecard import score
from components import auth, data
from components.layout import page_start
from components.milestones import render_milestones
from components.outcomes import render_cycle_picker, render_scorecard, render_target_progress

view = page_start(
    _("Milestones and outcomes"),
    _(
        "For each action-plan outcome the Alliance serves, plan cycle by plan cycle: its activities and milestones, "
        "progress against targets, and a status; then every milestone on a time line."
    ),
)
f = view.filters

# Activities and milestones carry no strategic capability: the scorecard's scope is region and date only.
cycle = render_cycle_picker(data.frame(view, "cycles_list"), f.as_of)
scope = _("{cycle}, {region}, {as_at}").format(cycle=cycle["label"], region=f.region_label, as_at=words.as_at(f.as_of))
scored = score(data.frame(view, "outcome_scorecard", cycle=cycle["cycle"], as_of=f.as_of, region=f.region), f.as_of)
render_scorecard(scored, data.frame(view, "outcome_res90"), scope, cycle, analyst=auth.may("analyst"))
render_target_progress(scored, scope, analyst=auth.may("analyst"))

st.subheader(_("Milestones"))
milestones = data.frame(view, "milestones_status", as_of=f.as_of, limit=150)
render_milestones(milestones, f.as_of)
