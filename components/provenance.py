"""Where the numbers come from: the last load, the as-of date, and a banner while demo rows are in."""

import streamlit as st

from alliance.words import count_of, stamp
from components.escape import plain


def render_provenance(last_load: dict | None, scope: str | None, demo_rows: int, identities: bool = True) -> None:
    """Draw the provenance line under the page title, and the demo banner when needed.

    Who loaded and which file are for analysts and admins (identities); viewers see when.
    """
    showing = f"Showing {scope}. " if scope else ""
    if last_load:
        when = stamp(last_load["loaded_at"])
        if identities:  # analysts and admins: which load, which file, by whom (the History page's words)
            from components.load_history import KINDS

            kind = KINDS.get(last_load["kind"], last_load["kind"])
            what = f"load {last_load['load_id']} ({kind} of {plain(last_load['file_name'])} by {plain(last_load['loaded_by'])})"
            st.caption(f"{showing}Data as last changed on {when}: {what}.")
        else:
            st.caption(f"{showing}Data last updated on {when}.")
    else:
        st.caption(f"{showing}No data has been loaded yet.")
    if demo_rows:
        st.warning(
            f"This store holds {count_of(demo_rows, 'demo row')} (generated EoIs, centers, activities and KPI targets, not real data). "
            "Figures that count them are illustrative." + (" An admin removes them on the History page." if identities else ""),
            icon=":material/science:",
        )
