"""Revisions: which figures of an edition the data as they are now give differently, and which load changed them."""

import streamlit as st

from alliance.i18n import _
from components import auth
from components.edition_picker import approved, offered
from components.layout import page_start
from components.publish import render_revisions

view = page_start(
    _("Revisions"),
    _(
        "Figures handed to TDAG in an edition can be revised later: an EoI reported late, an event corrected. Here are "
        "the figures of an edition that the data as they are now give differently for the same period and region."
    ),
    needs_data=False,
    live=True,
)
f = view.filters
editions = offered()
if not editions:
    st.info(_("No edition has been prepared yet, so there is nothing to compare."), icon=":material/info:")
    if auth.may("analyst"):
        st.page_link("app_pages/publish.py", label=_("Prepare one on the Publish page"), icon=":material/verified:")
else:
    chosen = view.chosen
    names = [e["name"] for e in editions]
    latest = approved(editions)
    default = chosen["name"] if chosen else (latest[0]["name"] if latest else names[0])
    name = st.selectbox(_("Edition"), names, index=names.index(default), key="revisions_edition", width=320)
    render_revisions(next(e for e in editions if e["name"] == name), f.region, identities=auth.may("analyst"))
