"""Where the numbers come from: the last load, the as-of date, and a banner while demo rows are in."""

import streamlit as st

from components.escape import plain


def render_provenance(last_load: dict | None, scope: str, demo_rows: int, identities: bool = True) -> None:
    """Draw the provenance line under the page title, and the demo banner when needed.

    Who loaded and which file are for analysts and admins (identities); viewers see when.
    """
    if last_load:
        when = f"{last_load['loaded_at']:%d %b %Y %H:%M}"
        who = f"{plain(last_load['file_name'])}, by {plain(last_load['loaded_by'])}, " if identities else ""
        st.caption(f"Showing {scope}. Data: load {last_load['load_id']} ({last_load['kind'].replace('_', ' ')}), {who}{when}.")
    else:
        st.caption(f"Showing {scope}. No data has been loaded yet.")
    if demo_rows:
        st.warning(
            f"This store holds {demo_rows} demo rows (generated EoIs, centers, activities and KPI targets, not real data). "
            "Figures that count them are illustrative. An admin removes them on the History page.",
            icon=":material/science:",
        )
