"""Report: the TDAG document for the period and region in the sidebar, from the same store as the pages."""

import streamlit as st

from components import data
from components.layout import page_start
from components.report import render_build

f = page_start(
    "TDAG report",
    "A Word document in the shape of the TDAG contributions (summary, background, objectives, key actions and results, "
    "results and actions by region, charts, way forward, action required), with an Excel annex of every table behind it. "
    "It uses the period, region and as-of date in the sidebar; the capability filter does not apply.",
)
st.markdown(f"**Period:** {f.period_start:%d %B %Y} to {f.as_of:%d %B %Y} · **Region:** {f.region_label}")
stem = f"alliance-report-{f.region or 'all'}-{f.as_of:%Y%m%d}"
render_build(data.cursor(), f.as_of, f.period_start, f.region, stem)
