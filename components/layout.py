"""The frame of every page: title, provenance line, demo banner; and the view it shows (filters, edition)."""

import streamlit as st

from alliance.history import ROLLBACK_KINDS
from alliance.i18n import _
from alliance.roles import published_only
from components import auth, data, sidebar
from components.edition_picker import render_banner, render_notice
from components.first_start import render_first_start
from components.printing import print_cleanly
from components.provenance import render_provenance


def page_start(title: str, intro: str | None = None, needs_data: bool = True, live: bool = False) -> data.View:
    """Draw the page title and where its numbers come from; return the view the page shows, for its reads.

    The page reads the edition chosen in the sidebar, with a banner naming it; a live page (one
    that changes the store or compares with it) reads the store as it is, except in published-only
    mode. On a store with no records yet, say so (and offer an analyst the first loads); a page that
    only shows figures stops there.
    """
    filters, chosen = sidebar.chosen()
    view = data.view(filters, None if live and not published_only() else chosen, chosen)
    print_cleanly()
    st.title(title)
    if view.edition:
        render_banner(view.edition)
    else:
        render_notice()
    if intro:
        st.markdown(intro)
    # The last load that changed records (preparing or approving an edition changes none).
    loads = [load for load in data.loads(view) if load["kind"] in ROLLBACK_KINDS]
    demo = int(data.frame(view, "demo_rows")["demo_rows"].iloc[0])
    render_provenance(
        loads[0] if loads else None,
        # A live page (it changes the store or compares with it) follows no filter: no "Showing ..." scope.
        None
        if live
        else _("{where}, {period} (centers and milestones {as_at})").format(
            where=filters.where_label, period=filters.period_label, as_at=filters.stock_label
        ),
        demo,
        identities=auth.may("analyst"),
    )
    if not int(data.frame(view, "record_counts")["records"].iloc[0]):
        render_first_start()
        if needs_data:
            st.stop()
    return view
