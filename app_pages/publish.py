"""Publish, for analysts and admins: prepare an edition of the figures for TDAG, and approve it."""

import streamlit as st

from alliance.i18n import _
from components import auth, data
from components.layout import page_start
from components.publish import render_approve, render_done, render_editions, render_prepare

view = page_start(
    _("Publish"),
    _(
        "An edition is the set of figures handed to TDAG: an analyst prepares it from the data as they are now, an "
        "admin who did not prepare it checks and approves it, and from then on its figures never change, whatever is "
        "loaded or rolled back later. Each edition has a link that always opens the same figures."
    ),
    needs_data=False,
    live=True,
)
render_done()
store = data.store()
editions = data.editions()
left, right = st.columns(2, gap="large")
with left:
    render_prepare(store, data.frame(view, "demo_rows"))
with right:
    render_approve(store, [e for e in editions if e["status"] == "draft"])
render_editions(editions, identities=auth.may("analyst"))
