"""Where the numbers come from: the last load, the as-of date, and a banner while demo rows are in."""

import streamlit as st

from alliance import words
from alliance.i18n import _, n_
from alliance.words import stamp
from components.escape import plain


def render_provenance(last_load: dict | None, scope: str | None, demo_rows: int, identities: bool = True) -> None:
    """Draw the provenance line under the page title, and the demo banner when needed.

    Who loaded and which file are for analysts and admins (identities); viewers see when.
    """
    showing = _("Showing {scope}. ").format(scope=scope) if scope else ""
    if last_load:
        when = stamp(last_load["loaded_at"])
        if identities:  # analysts and admins: which load, which file, by whom (the History page's words)
            from components.load_history import OWN_FILES, kind_label

            kind, who = kind_label(last_load["kind"]), plain(last_load["loaded_by"])
            if last_load["kind"] in OWN_FILES:  # built-in or demo data: no file of anyone's
                said = _("Data as last changed on {when}: load {load} ({kind} by {who}).")
            else:
                said = _("Data as last changed on {when}: load {load} ({kind} of {file} by {who}).")
            said = said.format(when=when, load=last_load["load_id"], kind=kind, file=plain(last_load["file_name"]), who=who)
        else:
            said = _("Data last updated on {when}.").format(when=when)
    else:
        said = _("No data has been loaded yet.")
    st.caption(showing + said)
    if demo_rows:
        text = n_(
            "This store holds {count} demo row (generated EoIs, centers, activities and KPI targets, not real data). "
            "Figures that count them are illustrative.",
            "This store holds {count} demo rows (generated EoIs, centers, activities and KPI targets, not real data). "
            "Figures that count them are illustrative.",
            demo_rows,
        ).format(count=words.count(demo_rows))
        if identities:
            text += " " + _("An admin removes them on the History page.")
        st.warning(text, icon=":material/science:")
