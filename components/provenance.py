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
            from components.load_history import KINDS

            kind = last_load["kind"]
            kind = _(KINDS[kind]) if kind in KINDS else kind
            said = _("Data as last changed on {when}: load {load} ({kind} of {file} by {who}).").format(
                when=when,
                load=last_load["load_id"],
                kind=kind,
                file=plain(last_load["file_name"]),
                who=plain(last_load["loaded_by"]),
            )
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
