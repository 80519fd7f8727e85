"""Apply a validated upload to the store: compare it with the store as it is, then write it as one published
state and record the load; or say what it would change (the Upload page's preview), writing nothing."""

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from alliance import AllianceError
from alliance.i18n import _
from alliance.ingest import merge
from alliance.ingest.problems import Rejected, visible
from alliance.ingest.validate import Validation, reference_problems
from alliance.schema import LOAD_ORDER
from alliance.store import SCHEMA_VERSION, Store, derive

# What a load that changes nothing says (command line, --json and the Upload page's log).
NOTHING_CHANGED = "nothing changed: every row of the file is already in the store"


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector during bulk work.

    Validating and writing 100,000 rows creates millions of objects and no cycles; left on, the
    collector rescans them again and again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class LoadResult:
    """What a load did, or would do, per sheet."""

    file_name: str
    sha256: str
    load_id: int | None = None
    sheets: dict[str, dict[str, int]] = field(default_factory=dict)
    # Preview only, in the file's row order: updated rows (one entry per changed column, old and new)
    # and removed rows; and the new rows, one entry each with every column as stored and as filed.
    changes: dict[str, list[dict]] = field(default_factory=dict)
    new_rows: dict[str, list[dict]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    # A load whose every row the store holds already, as it is: nothing was written, not even a history row.
    unchanged: bool = False

    def as_dict(self) -> dict:
        found = {
            "status": "unchanged" if self.unchanged else "loaded" if self.load_id else "preview",
            "load_id": self.load_id,
            "file": self.file_name,
            "sha256": self.sha256,
            "sheets": self.sheets,
            "notices": self.notices,
        }
        if self.unchanged:
            found["message"] = NOTHING_CHANGED
        return found


def apply(
    store: Store,
    validation: Validation,
    file_name: str,
    sha256: str,
    replace: bool = False,
    user: str | None = None,
    kind: str = "load",
    demo: bool = False,
    expected_snapshot: str | None = None,
) -> LoadResult:
    """Write validated sheets as one published snapshot and record the load.

    With expected_snapshot (the state in which someone confirmed the rows a replace removes),
    refuse when the store has changed since: the removals confirmed are no longer the ones made.

    A load that would change no row (nothing new, updated or removed in any sheet) writes nothing:
    no new state and no history row (result.unchanged). A state costs a copy of the whole store (9 MB
    at 100,000 EoIs) and the history lists changes, which a rollback undoes; a file whose rows are all
    in the store already brings none. Such a load is the store as it was when it was compared.
    """
    file_name = visible(file_name)  # recorded in the history and printed: no control character
    result = LoadResult(file_name, sha256, notices=list(validation.notices))
    with gc_paused():
        frames, compared, counts = _compare(store, validation, replace, demo)
        if counts is not None and not merge.changes(counts) and expected_snapshot in (None, compared):
            result.sheets, result.unchanged = counts, True
            return result
        try:
            return _write(store, validation, result, replace, user, kind, demo, expected_snapshot, frames, compared, counts)
        except _Unchanged as unchanged:  # another load brought the same rows in meanwhile
            result.sheets, result.unchanged = unchanged.counts, True
            return result


class _Unchanged(Exception):
    """Raised inside a write that would change nothing, so that nothing is published."""

    def __init__(self, counts: dict):
        self.counts = counts


def _compare(store: Store, validation: Validation, replace: bool, demo: bool) -> tuple[dict, str | None, dict | None]:
    """Each sheet's rows as Arrow tables, and what they would change in the store as it is now, read-only.

    Returns (frames, the state compared, counts per sheet); counts is None when the store could not be
    compared where it is (a schema older than this code's, which only a write brings up to date).
    """
    frames: dict[str, pa.Table] = {}
    try:
        state = store.current()
        con = duckdb.connect(str(state), read_only=True)
    except (duckdb.Error, AllianceError, OSError):
        return frames, None, None  # the write says what is wrong
    try:
        if con.execute("select value from meta where key = 'schema_version'").fetchall() != [(SCHEMA_VERSION,)]:
            return frames, None, None
        con.execute("set threads = 1")
        counts = {}
        for table in LOAD_ORDER:
            if table in validation.sheets:
                data = validation.sheets[table]
                frames[table] = merge.make_frame(con, data, demo)
                merge.stage(con, data, "compared", demo, frame=frames[table])
                counts[table] = merge.counts(con, data, replace)
                con.unregister(f"stage_{table}")
        return frames, state.name, counts
    finally:
        con.close()


def _write(
    store: Store,
    validation: Validation,
    result: LoadResult,
    replace: bool,
    user: str | None,
    kind: str,
    demo: bool,
    expected_snapshot: str | None,
    frames: dict,
    compared: str | None,
    counts: dict | None,
) -> LoadResult:
    file_name = result.file_name
    with store.write() as con:
        if expected_snapshot and store.snapshot_name() != expected_snapshot:
            raise AllianceError(
                _(
                    "The store changed since you confirmed the removals (another load was made). Nothing was loaded: "
                    "look at the preview again and confirm what it removes now."
                )
            )
        # If the store changed since the file was checked, check references again, inside the lock.
        if validation.snapshot != str(store.current()):
            stored_eois = {e for (e,) in con.execute("select eoi_id from eois").fetchall()}
            stored_centers = dict(con.execute("select center_id, eoi_id from centers").fetchall())
            problems = reference_problems(validation, stored_eois, stored_centers, replace)
            if problems:
                raise Rejected(file_name, problems)
        load_id = merge.next_load_id(con)
        # Counted in the state being copied already: not counted again.
        known = counts if compared is not None and store.snapshot_name() == compared else {}
        result.sheets = merge.write(con, validation, load_id, replace, demo, frames, known)
        if not merge.changes(result.sheets):
            raise _Unchanged(result.sheets)
        if replace and {"initiatives", "outcomes"} & validation.sheets.keys():
            derive(con)  # the plan cycles of rows this same upload brings
            orphans = merge.orphans(con)
            if orphans:
                raise Rejected(file_name, orphans)
        merge.record(
            con, load_id, kind, file_name, result.sha256, user, replace, store.snapshot_name(), validation, result.sheets
        )
    result.load_id = load_id
    return result


def preview(store: Store, validation: Validation, replace: bool = False, limit: int = 200) -> LoadResult:
    """Say what a load would change per sheet, with the changed values, writing nothing."""
    result = LoadResult("", "", notices=list(validation.notices))
    con = store.connect()
    try:
        for table in LOAD_ORDER:
            if table in validation.sheets:
                data = validation.sheets[table]
                merge.stage(con, data, "preview", False, index=True)
                result.sheets[table] = merge.counts(con, data, replace)
                result.new_rows[table] = merge.new_rows(con, data, limit)
                result.changes[table] = merge.changed_values(con, data, replace, limit)
    finally:
        con.close()
    return result
