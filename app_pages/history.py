"""History, for analysts: every load with who, when and what it changed; rollback and demo removal."""

import streamlit as st

from alliance.i18n import _
from components import auth, data
from components.layout import page_start
from components.load_history import render_done, render_history, render_remove_demo, render_rollback

view = page_start(
    _("History"),
    _(
        "Every load, rollback, demo removal, edition and prune, newest first. A load can be undone while the state "
        "before it is kept: a rollback returns the store to its state before the load you pick."
    ),
    needs_data=False,
    live=True,
)
render_done()
loads = data.loads_to_roll_back(view)
if not loads:
    st.info(_("Nothing has been loaded yet. Upload a register on the Upload page."), icon=":material/info:")
    st.page_link("app_pages/upload.py", label=_("Go to Upload"), icon=":material/upload_file:")
else:
    render_history(loads, identities=auth.may("analyst"))
    if auth.may("analyst"):
        store = data.store()
        left, right = st.columns([3, 2], gap="large")
        with left:
            render_rollback(store, loads)
        with right:
            if auth.may("admin"):
                render_remove_demo(store, data.frame(view, "demo_rows"))
    else:
        st.caption(_("Rolling back needs the analyst role."))
