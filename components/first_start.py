"""A new, empty store: say so, and let an analyst load the built-in records or the demo set."""

import streamlit as st

from alliance import AllianceError
from alliance.builtin import builtin_sheets, demo_raw
from alliance.i18n import _
from alliance.ingest.load import load_raw
from components import auth, data
from components.escape import plain


def render_first_start() -> None:
    """Tell a viewer the data is not loaded yet; offer an analyst the two loads, each on its own."""
    st.info(_("This dashboard holds no records yet: its data has not been loaded."), icon=":material/inventory_2:")
    if not auth.may("analyst"):
        st.caption(_("An analyst of the Alliance team loads it; the figures appear here as soon as they do."))
        return
    st.markdown(
        _(
            "Load the built-in records (the dated facts of the ITU documents the dashboard was specified from), "
            "then your own register on the Upload page. The demo set adds generated EoIs, centers, activities and KPI "
            "targets to try the dashboard with; it is marked as demo everywhere and can be removed."
        )
    )
    left, right = st.columns(2)
    with left:
        builtin = st.button(_("Load the built-in records"), type="primary", key="first_builtin", icon=":material/description:")
    with right:
        demo = st.button(_("Load the demo set"), key="first_demo", icon=":material/science:")
    if not (builtin or demo):
        return
    try:
        auth.require("analyst")
        with st.spinner(_("Loading...")):
            if builtin:
                load_raw(data.store(), builtin_sheets(), "built-in data (seed documents)", kind="builtin", user=auth.who())
            else:
                load_raw(data.store(), demo_raw(), "demo data", kind="demo", demo=True, user=auth.who())
    except AllianceError as error:
        st.error(plain(str(error)), icon=":material/error:")
        return
    data.clear()
    st.rerun()
