"""The frame of every page: title, provenance line, demo banner; and the filters in force."""

import streamlit as st

from components import data
from components.filters import Filters
from components.provenance import render_provenance


def page_start(title: str, intro: str | None = None) -> Filters:
    """Draw the page title and where its numbers come from; return the sidebar filters."""
    filters: Filters = st.session_state["filters"]
    st.title(title)
    if intro:
        st.markdown(intro)
    loads = data.loads()
    demo = int(data.frame("demo_rows")["demo_rows"].iloc[0])
    render_provenance(loads[0] if loads else None, filters.scope_label, demo)
    return filters
