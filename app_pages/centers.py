"""Centers and EoIs: the EoI pipeline, the network of centers, and a searchable directory of both."""

import streamlit as st

from alliance.i18n import _
from components import data
from components.centers import (
    DIRECTORY_LIMIT,
    nothing_counted,
    render_centers_by_type,
    render_directory,
    render_directory_search,
    render_pipeline,
    render_scope_status,
)
from components.charts import render_empty
from components.layout import page_start

view = page_start(
    _("Centers and EoIs"),
    _(
        "Where expressions of interest stand, what the network of acceleration centers looks like, "
        "and a directory to find any EoI or center."
    ),
)
f = view.filters
filters = {"as_of": f.as_of, "region": f.region, "capability": f.capability}

left, right = st.columns(2, gap="medium")
with left:
    pipeline = data.frame(view, "eois_by_status", period_start=f.period_start, **filters)
    if nothing_counted(pipeline, "eois"):
        render_empty(_("EoIs received"))
    else:
        render_pipeline(pipeline, f.scope_label)
with right:
    by_type = data.frame(view, "centers_by_type", **filters)
    if nothing_counted(by_type, "centers"):
        render_empty(_("centers"))
    else:
        render_centers_by_type(by_type, f.stock_scope_label)

by_scope = data.frame(view, "centers_by_scope_status", **filters)
# With no centers the empty state above already says so; a second notice would only repeat it.
if not nothing_counted(by_scope, "centers"):
    render_scope_status(by_scope, f.stock_scope_label)

st.subheader(_("Directory"))
search = render_directory_search()
directory = data.frame(view, "directory", period_start=f.period_start, search=search, limit=DIRECTORY_LIMIT, **filters)
render_directory(
    directory, _("EoIs received {period}; centers {as_at}").format(period=f.period_label, as_at=f.stock_label), search
)
