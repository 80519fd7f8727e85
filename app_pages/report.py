"""Report: the TDAG document for the period and region in the sidebar, from the same store as the pages."""

import streamlit as st

from alliance import words
from alliance.i18n import _
from components import data
from components.escape import plain
from components.layout import page_start
from components.report_build import render_build

view = page_start(
    _("TDAG report"),
    _(
        "A Word document in the shape of the TDAG contributions (summary, the background and objectives of the period's "
        "plan cycle, key actions and results, results and actions by region, charts, way forward, action required), "
        "with an Excel annex of every table behind it. It uses the period, region and as-of date in the sidebar (an "
        "edition's own period when an edition is chosen); the capability filter does not apply."
    ),
)
f = view.filters
edition = view.edition
if f.period_start:
    period = _("{start} to {end}").format(start=words.day(f.period_start), end=words.day(f.as_of))
else:
    period = words.period(None, f.as_of)  # 'up to 30 June 2023'
if edition:
    said = _("**Period:** {period} · **Region:** {region} · **Edition:** {edition}")
else:
    said = _("**Period:** {period} · **Region:** {region}")
st.markdown(said.format(period=period, region=f.region_label, edition=plain(edition["name"]) if edition else ""))
stem = f"alliance-report-{f.region or 'all'}-{f.as_of:%Y%m%d}" + (f"-{edition['name'].replace(' ', '_')}" if edition else "")
render_build(data.cursor(view), view, stem)
