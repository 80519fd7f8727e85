"""Events and regional initiatives: who took part where and when, what the initiatives delivered, actions by region."""

import streamlit as st

from alliance.i18n import _
from components import data
from components.events import (
    render_actions_table,
    render_activities_by_initiative,
    render_events_list,
    render_events_over_time,
)
from components.layout import page_start

view = page_start(
    _("Events and regional initiatives"),
    _(
        "Events held and who took part, the regional initiatives' activities by product line, and actions by region "
        "in the table the innovation reports publish."
    ),
)
f = view.filters

st.subheader(_("Events"))
render_events_over_time(data.frame(view, "events_by_month_region", **f.params), f.scope_label, f.period_start)
render_events_list(data.frame(view, "events_list", limit=500, **f.params), _("Events, {scope}").format(scope=f.scope_label))

st.subheader(_("Regional-initiative activities"))
render_activities_by_initiative(
    data.frame(view, "activities_by_initiative_product_status", **f.params), f.scope_label, f.period_start
)

st.subheader(_("Actions by region"))
# Over the page's period, as every section here and the report's own table count; a year's table is a period of one year.
render_actions_table(
    data.frame(view, "actions_by_region", year=None, period_start=f.period_start, as_of=f.as_of, region=f.region),
    _("Actions by region and product line, {region}, {period}").format(region=f.region_label, period=f.period_label),
    f.region_label if f.region else None,
)
