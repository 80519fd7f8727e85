"""Load validated sheets into the store in one transaction, recording every load."""

import gc
import getpass
import hashlib
import os
import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from alliance import AllianceError
from alliance.readers import MAX_ROWS, RawSheet, read_upload
from alliance.reference import load_reference
from alliance.schema import LOAD_ORDER, SHEETS
from alliance.store import SCHEMA_VERSION, Store, _who, derive
from alliance.validate import Problem, SheetData, Validation, reference_problems, validate, visible
from alliance.words import control_character, day, escaped

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "VARCHAR[]": pa.list_(pa.string()),
}
_NULLABLE_KEYS = {"targets"}


class Rejected(AllianceError):
    """An upload with problems: nothing was written."""

    def __init__(self, file_name: str, problems: list[Problem]):
        self.file_name = file_name
        self.problems = problems
        # Past the cap, validation lists a summary line per column; its total counts every problem.
        total = getattr(problems, "total", len(problems))
        lines = [f"{file_name}: rejected, {total:,} problem(s) found; nothing was written."]
        lines += [str(p) for p in problems]
        self.lines = lines  # one a line: a name in a line may hold a line break of its own (words.escaped escapes it)
        super().__init__("\n".join(lines))


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


# What a load that changes nothing says (command line, --json and the Upload page's log).
NOTHING_CHANGED = "nothing changed: every row of the file is already in the store"


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector during bulk work.

    Reading and validating 100,000 rows creates millions of objects and no cycles; left on, the
    collector rescans them again and again and doubles the time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def current_user() -> str:
    """Who is acting, for the history: ALLIANCE_USER, else the operating-system user.

    An ALLIANCE_USER holding a control character is refused (a name is one line of text, as --user is).
    """
    named = os.environ.get("ALLIANCE_USER")
    if named:
        why = control_character(named)
        if why:
            raise AllianceError(f"ALLIANCE_USER {why}; set it to one line of printable text")
        return named
    try:
        return escaped(getpass.getuser())
    except Exception:
        return "unknown"


def os_account() -> str:
    """The operating-system account this process runs as: the command line's, or the server's when the app writes.

    Recorded beside the user named (--user, ALLIANCE_USER or the signed-in e-mail), which anyone may name at will.
    """
    return escaped(_who())


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check(
    store: Store,
    path: str | os.PathLike,
    name: str | None = None,
    max_mb: float | None = None,
    replace: bool = False,
    keep_file_values: bool = False,
    max_rows: int = MAX_ROWS,
) -> Validation:
    """Read and validate a file against the store's reference data; write nothing.

    keep_file_values keeps what the file held beside each converted value, for a preview. A sheet may hold
    `max_rows` rows of data below its header (MAX_ROWS; smaller in tests).
    """
    path = Path(path)
    name = visible(name or path.name)  # a file name is text from outside: no control character
    # The file is parsed in a child process with memory and time limits (alliance.sandbox); the
    # store's reference data is read beside it.
    with gc_paused(), ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(read_upload, path, name, max_mb, max_rows)
        try:
            store.ensure()
            snapshot = store.current()
            con = duckdb.connect(str(snapshot), read_only=True)
            try:
                ref = load_reference(con)
            finally:
                con.close()
            raw = reading.result()
            validation = validate(
                raw,
                ref,
                csv_file=len(raw) == 1 and raw[0].name == Path(name).stem and not _is_zip(path),
                replace=replace,
                keep_file_values=keep_file_values,
                max_rows=max_rows,
            )
        finally:
            # Validation has read every row it needs: end the child, whatever happened here.
            reading.add_done_callback(_release_read)
        validation.snapshot = str(snapshot)
        return validation


def _release_read(reading) -> None:
    """End the reading process behind a finished read (its unread rows are not needed)."""
    from alliance.readers import release

    if not reading.cancelled() and reading.exception() is None:
        release(reading.result())


def _is_zip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def load_file(
    store: Store,
    path: str | os.PathLike,
    name: str | None = None,
    replace: bool = False,
    user: str | None = None,
    max_mb: float | None = None,
    max_rows: int = MAX_ROWS,
) -> LoadResult:
    """Load an upload file; raise Rejected (writing nothing) when any problem is found."""
    path = Path(path)
    name = name or path.name
    # One pause for the whole load: the rows are freed before the collector runs again, so it
    # never rescans them.
    with gc_paused():
        validation = check(store, path, name, max_mb, replace, max_rows=max_rows)
        if validation.problems:
            raise Rejected(name, validation.problems)
        result = apply(store, validation, name, sha256_of(path), replace=replace, user=user)
        del validation
    return result


def load_raw(store: Store, raw: list[RawSheet], name: str, kind: str, demo: bool = False, user: str | None = None) -> LoadResult:
    """Load sheets already in memory (the built-in and demo data) through the same validation."""
    store.ensure()
    con = store.connect()
    try:
        ref = load_reference(con)
    finally:
        con.close()
    validation = validate(raw, ref, csv_file=True)
    if validation.problems:
        raise Rejected(name, validation.problems)
    return apply(store, validation, name, "", replace=False, user=user or "system", kind=kind, demo=demo)


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
        if counts is not None and not _changes(counts) and expected_snapshot in (None, compared):
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


def _changes(counts: dict[str, dict[str, int]]) -> bool:
    return any(c["inserted"] or c["updated"] or c["removed"] for c in counts.values())


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
                frames[table] = _frame(con, data, demo)
                _stage(con, data, "compared", demo, frame=frames[table])
                counts[table] = _counts(con, data, replace)
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
                "The store changed since you confirmed the removals (another load was made). Nothing was loaded: "
                "look at the preview again and confirm what it removes now."
            )
        # If the store changed since the file was checked, check references again, inside the lock.
        if validation.snapshot != str(store.current()):
            stored_eois = {e for (e,) in con.execute("select eoi_id from eois").fetchall()}
            stored_centers = dict(con.execute("select center_id, eoi_id from centers").fetchall())
            problems = reference_problems(validation, stored_eois, stored_centers, replace)
            if problems:
                raise Rejected(file_name, problems)
        load_id = con.execute("select coalesce(max(load_id), 0) + 1 from loads").fetchall()[0][0]
        # DuckDB scans a staged Arrow table through Python: a second thread mostly waits for the
        # GIL (measured on 100,000 rows: the merge takes 115 ms with one thread, 130 ms with two).
        con.execute("set threads = 1")
        # Counted in the state being copied already: not counted again.
        known = counts if compared is not None and store.snapshot_name() == compared else {}
        for table in LOAD_ORDER:
            if table in validation.sheets:
                data = validation.sheets[table]
                # Rows without a source name their load, not the file: a file name can name its uploader,
                # and rows are shown to viewers (the history keeps the file name for analysts).
                _stage(con, data, f"upload (load {load_id})", demo, frame=frames.get(table))
                result.sheets[table] = _merge(con, data, replace, known.get(table))
        if not _changes(result.sheets):
            raise _Unchanged(result.sheets)
        if replace and {"initiatives", "outcomes"} & validation.sheets.keys():
            derive(con)  # the plan cycles of rows this same upload brings
            orphans = _orphans(con)
            if orphans:
                raise Rejected(file_name, orphans)
        con.execute(
            "insert into loads (load_id, kind, file_name, sha256, loaded_at, loaded_by, loaded_by_account, replace_sheets, "
            "snapshot_before, note) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                load_id,
                kind,
                file_name,
                result.sha256,
                datetime.now().replace(microsecond=0),
                user or current_user(),
                os_account(),
                replace,
                store.snapshot_name(),
                "; ".join(validation.notices)[:2000],
            ],
        )
        for table, done in result.sheets.items():
            con.execute(
                "insert into load_sheets values (?, ?, ?, ?, ?, ?, ?)",
                [
                    load_id,
                    table,
                    done["inserted"],
                    done["updated"],
                    done["removed"],
                    done["unchanged"],
                    ", ".join(validation.ignored_columns.get(table, [])),
                ],
            )
    result.load_id = load_id
    return result


_ORPHANS = """
with named as (
    select 'Initiatives' as sheet, 'code' as col, cycle, regional_initiative as code, 'activity' as what, activity_id as id
    from activities
    where cycle is not null
      and not exists (select 1 from initiatives i where i.cycle = activities.cycle and i.code = activities.regional_initiative)
    union all
    select 'Initiatives', 'code', e.cycle, e.code, 'event', e.event_id
    from (select event_id, cycle, unnest(regional_initiatives) as code from events where cycle is not null) e
    where not exists (select 1 from initiatives i where i.cycle = e.cycle and i.code = e.code)
    union all
    select 'Outcomes', 'code', null, kap_outcome, 'activity', activity_id
    from activities where kap_outcome is not null and kap_outcome not in (select code from outcomes)
    union all
    select 'Outcomes', 'code', null, kap_outcome, 'milestone', milestone_id
    from milestones where kap_outcome is not null and kap_outcome not in (select code from outcomes)
)
select sheet, col, cycle, code, what, count(*) as n, min(id) as example
from named
group by sheet, col, cycle, code, what
order by sheet, cycle, code, what
limit 200
"""


def _orphans(con) -> list[Problem]:
    """Rows a replace of Initiatives or Outcomes would leave naming a code that no longer exists."""
    problems = []
    for sheet, column, cycle, code, what, n, example in con.execute(_ORPHANS).fetchall():
        named = f"{cycle} {code}" if cycle else code
        others = f" and {n - 1:,} more" if n > 1 else ""
        problems.append(
            Problem(
                sheet,
                None,
                column,
                code,
                f"replacing the {sheet.lower()} would remove {named}, which {what} {example!r}{others} "
                f"name{'s' if n == 1 else ''}; keep it in the sheet, or change those rows first",
            )
        )
    return problems


def preview(store: Store, validation: Validation, replace: bool = False, limit: int = 200) -> LoadResult:
    """Say what a load would change per sheet, with the changed values, writing nothing."""
    result = LoadResult("", "", notices=list(validation.notices))
    con = store.connect()
    try:
        for table in LOAD_ORDER:
            if table in validation.sheets:
                data = validation.sheets[table]
                _stage(con, data, "preview", False, index=True)
                result.sheets[table] = _counts(con, data, replace)
                result.new_rows[table] = _new_rows(con, data, limit)
                result.changes[table] = _changed_values(con, data, replace, limit)
    finally:
        con.close()
    return result


def _stage(
    con: duckdb.DuckDBPyConnection, data: SheetData, source: str, demo: bool, index: bool = False, frame: pa.Table | None = None
) -> None:
    """Register the sheet's rows as an Arrow table named stage_<table>, typed like the store.

    With index, a column _i numbers the rows in the file's order (their place in data.values). A frame
    made by _frame before is used as it is (the conversion of 100,000 rows is made once per load).
    """
    table = data.sheet.table
    if frame is None:
        frame = _frame(con, data, demo, index)
    if "source" not in frame.column_names:
        frame = frame.append_column("source", pa.repeat(pa.scalar(source, pa.string()), frame.num_rows))
    con.register(f"stage_{table}", frame)


def _frame(con: duckdb.DuckDBPyConnection, data: SheetData, demo: bool, index: bool = False) -> pa.Table:
    """The sheet's rows as an Arrow table typed like the store (a source column only if the sheet has one)."""
    table = data.sheet.table
    types = _column_types(con, table)
    columns = {}
    for name in data.columns:
        columns[name] = pa.array(data.values[name], type=_ARROW_TYPES[types[name]])
    count = len(data.row_numbers)
    # An optional key column the sheet leaves out (Targets' kap_outcome) is blank in every row.
    for name in SHEETS[table].key:
        if name not in columns:
            columns[name] = pa.nulls(count, type=_ARROW_TYPES[types[name]])
    if "is_demo" in types:
        columns["is_demo"] = pa.repeat(pa.scalar(demo, pa.bool_()), count)
    if index:
        columns["_i"] = pa.array(range(count), type=pa.int64())
    return pa.table(columns)


def _column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """The store table's columns and their DuckDB types."""
    # describe reads this table alone; duckdb_columns() reads every attached catalog (30 ms at first).
    return {name: kind for name, kind, *_ in con.execute(f"describe {table}").fetchall()}


def _match(table: str, alias_t: str = "t", alias_s: str = "s") -> str:
    op = "is not distinct from" if table in _NULLABLE_KEYS else "="
    return " and ".join(f"{alias_t}.{k} {op} {alias_s}.{k}" for k in SHEETS[table].key)


def _compared(data: SheetData, con) -> list[str]:
    """Columns whose difference makes a row updated: the sheet's data columns and the demo flag."""
    table = data.sheet.table
    cols = [c for c in data.columns if c != "source"]
    return cols + (["is_demo"] if "is_demo" in _column_types(con, table) else [])


def _counts(con, data: SheetData, replace: bool) -> dict[str, int]:
    table = data.sheet.table
    if not con.execute(f"select count(*) from (select 1 from {table} limit 1)").fetchall()[0][0]:
        # The table's first load: every row is new (a join would say so, 20 to 35 ms later for 100,000 rows).
        return {"inserted": len(data.row_numbers), "updated": 0, "removed": 0, "unchanged": 0}
    cols = _compared(data, con)
    differs = f"({', '.join('t.' + c for c in cols)}) is distinct from ({', '.join('s.' + c for c in cols)})"
    match = _match(table)
    first_key = SHEETS[table].key[0]
    inserted, updated, unchanged = con.execute(
        f"""
        select
            count(*) filter (where t.{first_key} is null),
            count(*) filter (where t.{first_key} is not null and {differs}),
            count(*) filter (where t.{first_key} is not null and not ({differs}))
        from stage_{table} s left join {table} t on {match}
        """
    ).fetchall()[0]
    removed = 0
    if replace:
        removed = con.execute(f"select count(*) from {table} t anti join stage_{table} s on {match}").fetchall()[0][0]
    return {"inserted": inserted, "updated": updated, "removed": removed, "unchanged": unchanged}


def _merge(con, data: SheetData, replace: bool, counts: dict[str, int] | None = None) -> dict[str, int]:
    counts = counts or _counts(con, data, replace)
    table = data.sheet.table
    match = _match(table)
    cols = _compared(data, con)
    written = cols + ["source"]
    differs = f"({', '.join('t.' + c for c in cols)}) is distinct from ({', '.join('s.' + c for c in cols)})"
    if replace:
        con.execute(f"delete from {table} t where not exists (select 1 from stage_{table} s where {match})").fetchall()
    if counts["updated"]:
        assignments = ", ".join(f"{c} = s.{c}" for c in written)
        con.execute(f"update {table} t set {assignments} from stage_{table} s where {match} and {differs}").fetchall()
    if counts["inserted"]:
        names = ", ".join(written)
        con.execute(
            f"insert into {table} ({names}) select {', '.join('s.' + c for c in written)} from stage_{table} s "
            f"anti join {table} t on {match}"
        ).fetchall()
    con.unregister(f"stage_{table}")
    return counts


def shown(value) -> str:
    """A stored value as the preview shows it: dates as 15 Apr 2023, lists joined by '; '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return day(value)
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:,}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# A number written as the preview writes it (1,250,000.5): text that says the stored value in other
# words (304.000, 12,5, 1 250, 1e6) is shown beside it.
_AS_SHOWN = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


def as_filed(cell, value) -> str:
    """A stored value with what the file said, when it said it otherwise: '15/04/2023 → 15 Apr 2023', '304.000 → 304,000'."""
    stored = shown(value)
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return stored
    if isinstance(cell, str):
        text = cell.strip()
        if text in (stored, str(value)):
            return stored
        if isinstance(value, list) and [p.strip() for p in re.split(r"[;,]", text) if p.strip()] == value:
            return stored
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # Written as the preview writes it, with or without its thousands commas: no arrow. '304.000' read
            # as 304 in a comma CSV gets one, so a European number in the wrong kind of file shows.
            if _AS_SHOWN.fullmatch(text) and text.replace(",", "") == stored.replace(",", ""):
                return stored
    elif isinstance(cell, datetime):
        if isinstance(value, date) and cell.date() == value and cell.time() == datetime.min.time():
            return stored
        text = cell.isoformat(sep=" ")
    elif isinstance(cell, date) or cell == value:
        return stored
    else:
        text = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell)
    return f"{text} → {stored}"


def _filed(data: SheetData, name: str, i: int):
    """What the file held in column `name` of row i (None when not kept: text, or not asked)."""
    column = data.file_values.get(name)
    return column[i] if column is not None else None


def _ident(data: SheetData, i: int) -> str:
    return " / ".join(shown(data.values[k][i]) if k in data.values else "" for k in data.sheet.key)


def _new_rows(con, data: SheetData, limit: int) -> list[dict]:
    """Up to `limit` rows the store does not hold, in the file's order: every column as filed and stored."""
    table = data.sheet.table
    indices = [
        i
        for (i,) in con.execute(
            f"select s._i from stage_{table} s where not exists (select 1 from {table} t where {_match(table)}) "
            f"order by s._i limit {int(limit)}"
        ).fetchall()
    ]
    return [
        {"row": data.row_numbers[i], **{c: as_filed(_filed(data, c, i), data.values[c][i]) for c in data.columns}}
        for i in indices
    ]


# Columns the store adds, named for people.
_COLUMN_WORDS = {"is_demo": "demo row"}


def _changed_values(con, data: SheetData, replace: bool, limit: int) -> list[dict]:
    """Up to `limit` updated rows (in the file's order) and removed rows: each changed column, old and new."""
    table = data.sheet.table
    key_cols = SHEETS[table].key
    cols = [c for c in _compared(data, con) if c not in key_cols]
    match = _match(table)
    changes: list[dict] = []
    if cols:
        pairs = ", ".join(f"t.{c}, s.{c}" for c in cols)
        for i, *values in con.execute(
            f"select s._i, {pairs} from stage_{table} s join {table} t on {match} "
            f"where ({', '.join('t.' + c for c in cols)}) is distinct from ({', '.join('s.' + c for c in cols)}) "
            f"order by s._i limit {int(limit)}"
        ).fetchall():
            for n, c in enumerate(cols):
                old, new = values[2 * n], values[2 * n + 1]
                if old != new:
                    changes.append(
                        {
                            "row": data.row_numbers[i],
                            "change": "updated",
                            "id": _ident(data, i),
                            "column": _COLUMN_WORDS.get(c, c),
                            # A value cleared or filled in says so: a blank cell would read as unchanged.
                            "old": shown(old) or "(blank)",
                            "new": as_filed(_filed(data, c, i), new) or "(blank)",
                        }
                    )
    if replace:
        ident = " || ' / ' || ".join(f"coalesce(cast(t.{k} as varchar), '')" for k in key_cols)
        order = ", ".join(f"t.{k}" for k in key_cols)
        for (row_id,) in con.execute(
            f"select {ident} from {table} t where not exists (select 1 from stage_{table} s where {match}) "
            f"order by {order} limit {int(limit)}"
        ).fetchall():
            changes.append({"row": None, "change": "removed", "id": row_id, "column": "", "old": "", "new": ""})
    return changes
