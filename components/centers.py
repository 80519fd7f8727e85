"""Drawing for the Centers and EoIs page: the pipeline, centers by type, scope and status, and the directory."""

import pandas as pd
import streamlit as st

from alliance.figures.centers import LEFT, PIPELINE, centers_by_type_bars, centers_scope_status_bars, eoi_pipeline
from alliance.words import count, count_of
from components.charts import figure, render_chart, render_empty, render_table_downloads

DIRECTORY_LIMIT = 500
DIRECTORY_COLUMNS = {
    "kind": "Kind",
    "id": "ID",
    "name": "Organization or center",
    "country_name": "Country",
    "city": "City",
    "region_name": "Region",
    "type_or_request": "Request or center type",
    "status": "Status",
    "dated_on": "Date",  # received (an EoI) or first known (a center): the caption says so
    "capabilities": "Capabilities",
    "is_demo": "Demo",
}


def nothing_counted(frame: pd.DataFrame, column: str) -> bool:
    """True when a count query's column sums to zero (or it has no rows)."""
    return frame.empty or int(frame[column].sum()) == 0


def render_pipeline(frame: pd.DataFrame, scope_label: str) -> None:
    """The EoI pipeline, received to onboarded, with declined and withdrawn apart."""
    labels = {**PIPELINE, **LEFT}
    table = frame.assign(status=frame["status"].map(labels)).rename(columns={"status": "Status", "eois": "EoIs"})
    render_chart(
        figure(eoi_pipeline, frame),
        table,
        f"EoIs by status, {scope_label}",
        "eoi_pipeline",
        caption="Each EoI received in the period counted once, at the status the register records now.",
    )


def render_centers_by_type(frame: pd.DataFrame, scope_label: str) -> None:
    """Centers per center type."""
    table = frame[["center_type_name", "centers"]].rename(columns={"center_type_name": "Center type", "centers": "Centers"})
    render_chart(
        figure(centers_by_type_bars, frame),
        table,
        f"Centers by type, {scope_label}",
        "centers_by_type",
        caption="The centers that exist at the as-of date (from their first known date), whatever their status.",
    )


def render_scope_status(frame: pd.DataFrame, scope_label: str) -> None:
    """Centers per scope, stacked by status."""
    table = frame[["scope_label", "status_label", "centers"]].rename(
        columns={"scope_label": "Scope", "status_label": "Status", "centers": "Centers"}
    )
    render_chart(
        figure(centers_scope_status_bars, frame),
        table,
        f"Centers by scope and status, {scope_label}",
        "centers_by_scope_status",
        caption="Status as the register records it, except that a center launched after the as-of date counts as "
        "selected; the register keeps no dates for suspensions or closures.",
    )


def render_directory_search() -> str:
    """The directory's search box; its text is kept in the URL (?q=...)."""
    return st.text_input(
        "Search EoIs and centers",
        key="q",
        bind="query-params",
        placeholder="ID, organization or center name, country or city",
        max_chars=100,
    )


def directory_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The directory rows with readable headers and plain dates (directory.sql labels the codes and empties blanks)."""
    table = frame[list(DIRECTORY_COLUMNS)].rename(columns=DIRECTORY_COLUMNS)
    return table.assign(Date=pd.to_datetime(table["Date"]).dt.date)


def render_directory(frame: pd.DataFrame, scope_label: str, search: str | None) -> None:
    """The directory of EoIs and centers, saying when the list was cut, with downloads."""
    if frame.empty and (search or "").strip():
        render_empty("EoIs or centers matching this search", filters_hint=False)
        st.caption("Try part of an ID, a name, a country or a city, or clear the search box.")
        return
    if frame.empty:
        render_empty("EoIs or centers")
        return
    matching = int(frame["rows_matching"].iloc[0])
    if matching > len(frame):
        st.warning(
            f"Showing the first {count(len(frame))} of {count_of(matching, 'row')}: refine the search.",
            icon=":material/filter_list:",
        )
    else:
        st.caption(f"{count_of(matching, 'row')}: {scope_label}. Date: when an EoI was received, or a center's first known date.")
    # City, capabilities and the demo mark are in the downloads: nine columns would not fit the page.
    shown = ["Kind", "ID", "Organization or center", "Country", "Region", "Request or center type", "Status", "Date"]
    render_table_downloads(directory_table(frame), "Directory of EoIs and centers", "directory", expanded=True, shown=shown)
