"""The one bridge from pages to the store: read-only connections and results cached by data version.

A page never holds a connection. The page frame names the data its page reads once per run, in a View
(which snapshot the store's pointer names: one stat), so a load from the command line or another
session is visible on the next rerun; the page passes the View to every read, and results are cached
under that snapshot's name: new data, new cache entries.

A page viewing an edition (chosen in the sidebar, components/edition_picker.py) reads the edition's snapshot
instead: the same queries and caches, under that snapshot's name, so an edition link costs what a
live page does.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

import alliance.editions
from alliance import i18n, integrity, kpis, queries
from alliance.history import can_roll_back, history
from alliance.i18n import _
from alliance.store import Store, default_path, readable
from alliance.words import cite_sources
from components.escape import plain
from components.filters import Filters


def store() -> Store:
    """The store this app serves ($ALLIANCE_DB, else data/alliance.duckdb), created when missing.

    A store made by an older version that could not be upgraded where it lies is served read-only, saying so.
    """
    served = _store(str(default_path()))
    if served.read_only:
        _say_read_only()
    return served


def _say_read_only() -> None:
    # Once per run, at the first call (app.py's choice of figures, before any cached function runs).
    # Streamlit starts every run with a new cursors dict: the notice marks the run by it.
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or getattr(ctx, "_alliance_read_only_said", None) is ctx.cursors:
        return
    ctx._alliance_read_only_said = ctx.cursors
    st.warning(
        _(
            "Read only: this dashboard's data were kept by an earlier version and could not be brought up to date "
            "where they are stored. The figures are shown as they are; nothing can be loaded, rolled back or "
            "published until the dashboard's administrator upgrades them."
        ),
        icon=":material/lock:",
    )


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path).ensure()


@dataclass(frozen=True)
class View:
    """What a page shows: the sidebar's filters, and the data it reads (an edition's stored state, or the store)."""

    filters: Filters
    edition: dict | None  # the edition whose figures the page shows; None: the live data
    chosen: dict | None  # the edition chosen in the sidebar (a live page reads the store as it is whatever is chosen)
    version: str  # the data read, named as the store names it: every cached result is keyed by it


def live_version() -> str:
    """Name the store's data as it is now; it changes with every load."""
    return store().version()


def view(filters: Filters, edition: dict | None, chosen: dict | None) -> View:
    """The View of a page reading the edition's stored state (None: the live data as it is now); the page stops
    with a plain message when that state no longer matches its checksum."""
    return View(filters, edition, chosen, edition_version(edition) if edition else live_version())


def refusal(edition: dict) -> str | None:
    """Why an edition's figures cannot be shown (its stored state no longer matches the checksum recorded when
    it was approved), in words for any reader; None when they can. Checked by file identity: cheap on a rerun."""
    try:
        integrity.ensure_edition(store().snapshots, edition)
    except integrity.Tampered:
        if edition.get("status") == "published":
            message = _(
                "The edition {name} cannot be shown: its stored data have changed since it was approved, so its figures "
                "can no longer be vouched for, and none are shown under its name. Please tell the dashboard's "
                "administrator, who can restore it from a backup."
            )
        else:
            message = _(
                "The edition {name} cannot be shown: its stored data have changed since it was prepared, so its figures "
                "can no longer be vouched for, and none are shown under its name. Please tell the dashboard's "
                "administrator, who can restore it from a backup."
            )
        return message.format(name=plain(edition["name"]))
    return None


def _refuse(edition: dict) -> None:
    """Stop the page, saying why, when an edition's stored state has changed (see refusal)."""
    message = refusal(edition)
    if message:
        st.error(message, icon=":material/gpp_bad:")
        st.stop()


def _refuse_named(name: str) -> None:
    edition = next((e for e in editions() if e["name"].casefold() == (name or "").casefold()), None)
    if edition:
        _refuse(edition)


def edition_version(edition: dict) -> str:
    """The data version of an edition's stored state (never written again, so it never changes); the page stops
    with a plain message when that state no longer matches its checksum."""
    _refuse(edition)
    path = store().snapshot_path(edition["snapshot"])
    return f"{path.name}:{path.stat().st_mtime_ns}"


@st.cache_resource(max_entries=4, show_spinner=False)
def _connection(snapshot: str) -> duckdb.DuckDBPyConnection:
    # An edition's state made by an older version is read through an upgraded copy (never written itself).
    return duckdb.connect(str(readable(Path(snapshot))), read_only=True)


def _cursor(data_version: str) -> duckdb.DuckDBPyConnection:
    snapshot = str(store().snapshot_path(data_version.split(":")[0])) if store().path.is_symlink() else str(store().current())
    return _connection(snapshot).cursor()


@st.cache_data(max_entries=1000, show_spinner=False)
def _frame(name: str, data_version: str, params: tuple) -> pd.DataFrame:
    # A row's source is shown to readers: documents by their titles, never our own files.
    return cite_sources(queries.frame(_cursor(data_version), name, **dict(params)))


def frame(view: View, name: str, **params) -> pd.DataFrame:
    """Rows of the named query in queries/, from the data the page reads; regions, capabilities, center types and
    countries named in the language spoken."""
    return i18n.localized(_frame(name, view.version, tuple(sorted(params.items()))))


@st.cache_data(max_entries=100, show_spinner=False)
def _reported_by_region(data_version: str, as_of: date, period_start: date | None) -> list[dict]:
    cursor = _cursor(data_version)
    items = queries.frame(cursor, "reported_by_region", as_of=as_of, period_start=period_start).to_dict("records")
    return kpis.counted(cursor, items)


def reported_by_region(view: View, as_of: date, period_start: date | None) -> list[dict]:
    """The figures published for one region in the period, each with what the records count over its own dates."""
    return _reported_by_region(view.version, as_of, period_start)


def frame_in(edition: dict, name: str, **params) -> pd.DataFrame:
    """Rows of the named query read from an edition's stored state."""
    return _frame(name, edition_version(edition), tuple(sorted(params.items())))


@st.cache_data(max_entries=200, show_spinner=False)
def _summary(data_version: str, as_of: date, region: str | None, capability: str | None, period_start: date | None) -> dict:
    return kpis.summary(_cursor(data_version), as_of, region, capability, period_start, detail=True)


def summary(
    view: View, as_of: date, region: str | None = None, capability: str | None = None, period_start: date | None = None
) -> dict:
    """The contract's KPI summary (the same figures as `kpis --from ... --as-of ... --json`), from the data the page reads."""
    return _summary(view.version, as_of, region, capability, period_start)


def summary_in(edition: dict, as_of: date, region=None, capability=None, period_start=None) -> dict:
    """The same summary read from an edition's stored state: what the figure was when it was prepared."""
    return _summary(edition_version(edition), as_of, region, capability, period_start)


@st.cache_data(max_entries=20, show_spinner=False)
def _editions(data_version: str) -> list[dict]:
    return _editions_list(_cursor(data_version))


def _editions_list(con) -> list[dict]:
    try:
        return alliance.editions.editions(con)
    except duckdb.CatalogException:  # a store not yet upgraded to schema 4 has no editions
        return []


def editions() -> list[dict]:
    """Every edition in the live store, newest first (drafts included: callers decide who sees them)."""
    return _editions(live_version())


@st.cache_data(max_entries=50, show_spinner=False)
def _edition_figures(data_version: str, name: str, region: str | None) -> dict:
    return alliance.editions.figures(_cursor(data_version), name, region, store())


def edition_figures(name: str, region: str | None = None) -> dict:
    """An edition's figures as frozen (the shape of `kpis --json`)."""
    _refuse_named(name)
    return _edition_figures(live_version(), name, region)


@st.cache_data(max_entries=50, show_spinner=False)
def _revisions(data_version: str, name: str, region: str | None) -> list[dict]:
    return alliance.editions.revisions(store(), name, region)


def revisions(name: str, region: str | None = None) -> list[dict]:
    """The edition's figures that the live data gives differently (alliance.editions.revisions)."""
    _refuse_named(name)
    # The spinner here, not on the cached function, to speak the session's language (it shows after half a second:
    # not on a cached result).
    with st.spinner(_("Comparing the edition with the data as it is now...")):
        return _revisions(live_version(), name, region)


@st.cache_data(max_entries=20, show_spinner=False)
def _history(data_version: str) -> list[dict]:
    return history(_cursor(data_version))


def loads(view: View) -> list[dict]:
    """Every load, rollback, demo removal, edition and prune of the data the page reads, newest first."""
    return _history(view.version)


def loads_to_roll_back(view: View) -> list[dict]:
    """loads(), each saying whether it can still be rolled back (a file check per load: for the History page only)."""
    return [{**load, "can_roll_back": can_roll_back(store(), load)} for load in loads(view)]


def live_loads() -> list[dict]:
    """The live store's loads, newest first, whatever this page reads."""
    return _history(live_version())


def clear() -> None:
    """Forget cached results (after this app itself wrote to the store)."""
    _history.clear()
    _editions.clear()


def cursor(view: View) -> duckdb.DuckDBPyConnection:
    """A read-only cursor on the data the page reads, for work that reads many tables (the report)."""
    return _cursor(view.version)
