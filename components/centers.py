"""Drawing for the Centers and EoIs page: the pipeline, centers by type, scope and status, and the directory."""

import pandas as pd
import streamlit as st

from alliance import i18n
from alliance.figures.centers import (
    LEFT,
    PIPELINE,
    centers_by_type_bars,
    centers_scope_status_bars,
    eoi_pipeline,
)
from alliance.i18n import N_, _, n_
from alliance.schema import CHOICES
from alliance.words import count, counted
from components.charts import figure, render_chart, render_empty, render_table_downloads

DIRECTORY_LIMIT = 500
# The directory's headers by column, shown through _().
DIRECTORY_COLUMNS = {
    "kind": N_("Kind"),
    "id": N_("ID"),
    "name": N_("Organization or center"),
    "country_name": N_("Country"),
    "city": N_("City"),
    "region_name": N_("Region"),
    "type_or_request": N_("Request or center type"),
    "status": N_("Status"),
    "dated_on": N_("Date"),  # received (an EoI) or first known (a center): the caption says so
    "capabilities": N_("Capabilities"),
    "is_demo": N_("Demo"),
}
# The columns the directory's grid draws: city, capabilities and the demo mark are in the downloads (nine columns
# would not fit the page).
DIRECTORY_SHOWN = ("kind", "id", "name", "country_name", "region_name", "type_or_request", "status", "dated_on")
# directory.sql labels its rows in English; another language names them from the codes beside (scopes' and
# statuses' words are the register's, marked for the catalogue in alliance/figures/centers.py).
DIRECTORY_KINDS = {"EoI": N_("EoI"), "Center": N_("Center")}
DIRECTORY_REQUESTS = {
    "establish_center": N_("Establish a center"),
    "strengthen_center": N_("Strengthen a center"),
    "join_network": N_("Join the network"),
    "other": N_("Other request"),
}


def nothing_counted(frame: pd.DataFrame, column: str) -> bool:
    """True when a count query's column sums to zero (or it has no rows)."""
    return frame.empty or int(frame[column].sum()) == 0


def render_pipeline(frame: pd.DataFrame, scope_label: str) -> None:
    """The EoI pipeline, received to onboarded, with declined and withdrawn apart."""
    labels = {code: _(label) for code, label in {**PIPELINE, **LEFT}.items()}
    table = frame.assign(status=frame["status"].map(labels)).rename(columns={"status": _("Status"), "eois": _("EoIs")})
    render_chart(
        figure(eoi_pipeline, frame),
        table,
        _("EoIs by status, {scope}").format(scope=scope_label),
        "eoi_pipeline",
        caption=_("Each EoI received in the period counted once, at the status the register records now."),
    )


def render_centers_by_type(frame: pd.DataFrame, scope_label: str) -> None:
    """Centers per center type."""
    table = frame[["center_type_name", "centers"]].rename(columns={"center_type_name": _("Center type"), "centers": _("Centers")})
    render_chart(
        figure(centers_by_type_bars, frame),
        table,
        _("Centers by type, {scope}").format(scope=scope_label),
        "centers_by_type",
        caption=_("The centers that exist at the as-of date (from their first known date), whatever their status."),
    )


def render_scope_status(frame: pd.DataFrame, scope: str) -> None:
    """Centers per scope, stacked by status."""
    # The query labels scopes and statuses in English: each in the language spoken (_ leaves English as it is).
    table = frame[["scope_label", "status_label", "centers"]].rename(
        columns={"scope_label": _("Scope"), "status_label": _("Status"), "centers": _("Centers")}
    )
    table[_("Scope")] = table[_("Scope")].map(_)
    table[_("Status")] = table[_("Status")].map(_)
    render_chart(
        figure(centers_scope_status_bars, frame),
        table,
        _("Centers by scope and status, {scope}").format(scope=scope),
        "centers_by_scope_status",
        caption=_(
            "Status as the register records it, except that a center launched after the as-of date counts as "
            "selected; the register keeps no dates for suspensions or closures."
        ),
    )


def render_directory_search() -> str:
    """The directory's search box; its text is kept in the URL (?q=...)."""
    return st.text_input(
        _("Search EoIs and centers"),
        key="q",
        bind="query-params",
        placeholder=_("ID, organization or center name, country or city"),
        max_chars=100,
    )


def _spoken_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """The directory's kind, request or center type, and status in the language spoken (English: as the query wrote)."""
    if i18n.current() == i18n.ENGLISH:
        return frame
    statuses = {**CHOICES["eoi_status"], **CHOICES["center_status"]}

    def type_or_request(kind, request, center_type, scope, english):
        type_name = i18n.name("center_type", center_type) if isinstance(center_type, str) else None
        if kind == "EoI":
            if request not in DIRECTORY_REQUESTS:  # not a request the register knows: as the query wrote it
                return english
            asked = _(DIRECTORY_REQUESTS[request])
            return _("{request} ({center_type})").format(request=asked, center_type=type_name) if type_name else asked
        if type_name and scope in CHOICES["scope"]:
            return _("{center_type}, {scope}").format(center_type=type_name, scope=_(CHOICES["scope"][scope]).lower())
        return english

    return frame.assign(
        kind=[_(DIRECTORY_KINDS[k]) if k in DIRECTORY_KINDS else k for k in frame["kind"]],
        type_or_request=[
            type_or_request(*row)
            for row in zip(frame["kind"], frame["request"], frame["center_type"], frame["scope"], frame["type_or_request"])
        ],
        status=[_(statuses[c]).lower() if c in statuses else s for c, s in zip(frame["status_code"], frame["status"])],
    )


def directory_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The directory rows with readable headers and plain dates (directory.sql labels the codes and empties blanks)."""
    frame = _spoken_labels(frame)
    table = frame[list(DIRECTORY_COLUMNS)].assign(dated_on=pd.to_datetime(frame["dated_on"]).dt.date)
    return table.rename(columns={column: _(header) for column, header in DIRECTORY_COLUMNS.items()})


def render_directory(frame: pd.DataFrame, scope_label: str, search: str | None) -> None:
    """The directory of EoIs and centers, saying when the list was cut, with downloads."""
    if frame.empty and (search or "").strip():
        render_empty(_("EoIs or centers matching this search"), filters_hint=False)
        st.caption(_("Try part of an ID, a name, a country or a city, or clear the search box."))
        return
    if frame.empty:
        render_empty(_("EoIs or centers"))
        return
    matching = int(frame["rows_matching"].iloc[0])
    if matching > len(frame):
        st.warning(
            n_(
                "Showing the first {shown} of {count} row: refine the search.",
                "Showing the first {shown} of {count} rows: refine the search.",
                matching,
            ).format(shown=count(len(frame)), count=count(matching)),
            icon=":material/filter_list:",
        )
    else:
        st.caption(
            _("{rows}: {scope}. Date: when an EoI was received, or a center's first known date.").format(
                rows=counted(matching, "{count} row", "{count} rows"), scope=scope_label
            )
        )
    shown = [_(DIRECTORY_COLUMNS[column]) for column in DIRECTORY_SHOWN]
    render_table_downloads(directory_table(frame), _("Directory of EoIs and centers"), "directory", expanded=True, shown=shown)
