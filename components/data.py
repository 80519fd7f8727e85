"""The one bridge from pages to the store: read-only connections and results cached by data version.

A page never holds a connection. Each call checks which snapshot the store's pointer names (one
stat), so a load from the command line or another session is visible on the next rerun, and
results are cached under that snapshot's name: new data, new cache entries.
"""

from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from alliance import kpis, queries
from alliance.history import history
from alliance.store import Store, default_path
from alliance.words import cite_sources


def store() -> Store:
    """The store this app serves ($ALLIANCE_DB, else data/alliance.duckdb), created when missing."""
    return _store(str(default_path()))


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path).ensure()


def version() -> str:
    """Name the data the app shows now; it changes with every load."""
    return store().version()


@st.cache_resource(max_entries=4, show_spinner=False)
def _connection(snapshot: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(snapshot, read_only=True)


def _cursor(data_version: str) -> duckdb.DuckDBPyConnection:
    snapshot = str(store().snapshot_path(data_version.split(":")[0])) if store().path.is_symlink() else str(store().current())
    return _connection(snapshot).cursor()


@st.cache_data(max_entries=1000, show_spinner=False)
def _frame(name: str, data_version: str, params: tuple) -> pd.DataFrame:
    # A row's source is shown to readers: documents by their titles, never our own files.
    return cite_sources(queries.frame(_cursor(data_version), name, **dict(params)))


def frame(name: str, **params) -> pd.DataFrame:
    """Rows of the named query in queries/, for the data as it is now."""
    return _frame(name, version(), tuple(sorted(params.items())))


@st.cache_data(max_entries=200, show_spinner=False)
def _summary(data_version: str, as_of: date, region: str | None, capability: str | None, period_start: date | None) -> dict:
    return kpis.summary(_cursor(data_version), as_of, region, capability, period_start, detail=True)


def summary(as_of: date, region: str | None = None, capability: str | None = None, period_start: date | None = None) -> dict:
    """The contract's KPI summary (the same figures as `kpis --from ... --as-of ... --json`)."""
    return _summary(version(), as_of, region, capability, period_start)


@st.cache_data(max_entries=20, show_spinner=False)
def _history(data_version: str) -> list[dict]:
    return history(_cursor(data_version))


def loads() -> list[dict]:
    """Every load, rollback and demo removal, newest first."""
    return _history(version())


def clear() -> None:
    """Forget cached results (after this app itself wrote to the store)."""
    _history.clear()


def cursor() -> duckdb.DuckDBPyConnection:
    """A read-only cursor on the data as it is now, for work that reads many tables (the report)."""
    return _cursor(version())
