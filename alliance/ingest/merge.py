"""Stage validated sheets beside the store's tables and merge them in, on a connection the caller holds.

Nothing here opens, locks or publishes the store (alliance.ingest.apply does, through alliance.store); the
store's own upgrade uses it too, to refresh the built-in records in its write (alliance.builtin).
"""

from datetime import datetime

import duckdb
import pyarrow as pa

from alliance.i18n import N_, _
from alliance.ingest.problems import Problem, numeral
from alliance.ingest.validate import SheetData, Validation
from alliance.schema import LOAD_ORDER, SHEETS
from alliance.who import current_user, os_account
from alliance.words import as_filed, shown

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
# Columns the store adds, named for people.
_COLUMN_WORDS = {"is_demo": N_("demo row")}
# What a replace of Initiatives or Outcomes would leave dangling, by (sheet, kind of row): one sentence each, for one
# row naming the code, and for it and `count` more.
_ORPHANED = {
    ("Initiatives", "activity"): (
        N_(
            "replacing the initiatives would remove {code}, which activity {example} names; "
            "keep it in the sheet, or change those rows first"
        ),
        N_(
            "replacing the initiatives would remove {code}, which activity {example} and {count} more name; "
            "keep it in the sheet, or change those rows first"
        ),
    ),
    ("Initiatives", "event"): (
        N_(
            "replacing the initiatives would remove {code}, which event {example} names; "
            "keep it in the sheet, or change those rows first"
        ),
        N_(
            "replacing the initiatives would remove {code}, which event {example} and {count} more name; "
            "keep it in the sheet, or change those rows first"
        ),
    ),
    ("Outcomes", "activity"): (
        N_(
            "replacing the outcomes would remove {code}, which activity {example} names; "
            "keep it in the sheet, or change those rows first"
        ),
        N_(
            "replacing the outcomes would remove {code}, which activity {example} and {count} more name; "
            "keep it in the sheet, or change those rows first"
        ),
    ),
    ("Outcomes", "milestone"): (
        N_(
            "replacing the outcomes would remove {code}, which milestone {example} names; "
            "keep it in the sheet, or change those rows first"
        ),
        N_(
            "replacing the outcomes would remove {code}, which milestone {example} and {count} more name; "
            "keep it in the sheet, or change those rows first"
        ),
    ),
}


def changes(counts: dict[str, dict[str, int]]) -> bool:
    """Whether counts per sheet say that anything would be inserted, updated or removed."""
    return any(c["inserted"] or c["updated"] or c["removed"] for c in counts.values())


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select coalesce(max(load_id), 0) + 1 from loads").fetchall()[0][0]


def write(
    con: duckdb.DuckDBPyConnection,
    validation: Validation,
    load_id: int,
    replace: bool = False,
    demo: bool = False,
    frames: dict[str, pa.Table] | None = None,
    known: dict[str, dict[str, int]] | None = None,
) -> dict[str, dict[str, int]]:
    """Merge every sheet of a validation into the store's tables (in the caller's transaction); return counts per sheet.

    `frames`: sheets staged before (frame()), used as they are; `known`: counts already made in this same state.
    """
    # DuckDB scans a staged Arrow table through Python: a second thread mostly waits for the
    # GIL (measured on 100,000 rows: the merge takes 115 ms with one thread, 130 ms with two).
    con.execute("set threads = 1")
    frames, known, done = frames or {}, known or {}, {}
    for table in LOAD_ORDER:
        if table in validation.sheets:
            data = validation.sheets[table]
            # Rows without a source name their load, not the file: a file name can name its uploader,
            # and rows are shown to viewers (the history keeps the file name for analysts).
            stage(con, data, f"upload (load {load_id})", demo, frame=frames.get(table))
            done[table] = merge(con, data, replace, known.get(table))
    return done


def record(
    con: duckdb.DuckDBPyConnection,
    load_id: int,
    kind: str,
    file_name: str,
    sha256: str,
    user: str | None,
    replace: bool,
    snapshot_before: str,
    validation: Validation,
    counts: dict[str, dict[str, int]],
) -> None:
    """Record a load in the history: who, when, from which state, and what it did to each sheet."""
    con.execute(
        "insert into loads (load_id, kind, file_name, sha256, loaded_at, loaded_by, loaded_by_account, replace_sheets, "
        "snapshot_before, note) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id,
            kind,
            file_name,
            sha256,
            datetime.now().replace(microsecond=0),
            user or current_user(),
            os_account(),
            replace,
            snapshot_before,
            "; ".join(validation.notices)[:2000],
        ],
    )
    for table, done in counts.items():
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


def stage(
    con: duckdb.DuckDBPyConnection, data: SheetData, source: str, demo: bool, index: bool = False, frame: pa.Table | None = None
) -> None:
    """Register the sheet's rows as an Arrow table named stage_<table>, typed like the store.

    With index, a column _i numbers the rows in the file's order. A frame made by frame() before is used as it
    is (the rows of a load are typed once).
    """
    table = data.sheet.table
    if frame is None:
        frame = make_frame(con, data, demo, index)
    if "source" not in frame.column_names:
        frame = frame.append_column("source", pa.repeat(pa.scalar(source, pa.string()), frame.num_rows))
    con.register(f"stage_{table}", frame)


def make_frame(con: duckdb.DuckDBPyConnection, data: SheetData, demo: bool, index: bool = False) -> pa.Table:
    """The sheet's rows as an Arrow table typed like the store (a source column only if the sheet has one)."""
    table = data.sheet.table
    types = column_types(con, table)
    columns = {}
    for name in data.columns:
        column, wanted = data.table.column(name), _ARROW_TYPES[types[name]]
        columns[name] = column if column.type == wanted else column.cast(wanted)
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


def column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
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
    return cols + (["is_demo"] if "is_demo" in column_types(con, table) else [])


def counts(con, data: SheetData, replace: bool) -> dict[str, int]:
    """What the staged sheet would do to its table: rows inserted, updated, removed (with replace) and unchanged."""
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


def merge(con, data: SheetData, replace: bool, known: dict[str, int] | None = None) -> dict[str, int]:
    """Insert, update and (with replace) remove the staged sheet's rows in its table; return what it did."""
    done = known or counts(con, data, replace)
    table = data.sheet.table
    match = _match(table)
    cols = _compared(data, con)
    written = cols + ["source"]
    differs = f"({', '.join('t.' + c for c in cols)}) is distinct from ({', '.join('s.' + c for c in cols)})"
    if replace:
        con.execute(f"delete from {table} t where not exists (select 1 from stage_{table} s where {match})").fetchall()
    if done["updated"]:
        assignments = ", ".join(f"{c} = s.{c}" for c in written)
        con.execute(f"update {table} t set {assignments} from stage_{table} s where {match} and {differs}").fetchall()
    if done["inserted"]:
        names = ", ".join(written)
        con.execute(
            f"insert into {table} ({names}) select {', '.join('s.' + c for c in written)} from stage_{table} s "
            f"anti join {table} t on {match}"
        ).fetchall()
    con.unregister(f"stage_{table}")
    return done


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


def orphans(con) -> list[Problem]:
    """Rows a replace of Initiatives or Outcomes would leave naming a code that no longer exists."""
    problems = []
    for sheet, column, cycle, code, what, n, example in con.execute(_ORPHANS).fetchall():
        named = f"{cycle} {code}" if cycle else code
        one, more = _ORPHANED[sheet, what]
        if n == 1:
            said = _(one).format(code=named, example=repr(example))
        else:  # "and 2 more": a count without a noun, so one form serves every count
            said = _(more).format(code=named, example=repr(example), count=numeral(n - 1))
        problems.append(Problem(sheet, None, column, code, said))
    return problems


def _ident(data: SheetData, i: int) -> str:
    return " / ".join(shown(data.values[k][i]) if k in data.values else "" for k in data.sheet.key)


def new_rows(con, data: SheetData, limit: int) -> list[dict]:
    """Up to `limit` staged rows (staged with index) the store does not hold, in the file's order: every column as
    filed and stored."""
    table = data.sheet.table
    indices = [
        i
        for (i,) in con.execute(
            f"select s._i from stage_{table} s where not exists (select 1 from {table} t where {_match(table)}) "
            f"order by s._i limit {int(limit)}"
        ).fetchall()
    ]
    return [
        {"row": data.row_numbers[i], **{c: as_filed(data.filed(c, i), data.values[c][i]) for c in data.columns}} for i in indices
    ]


def changed_values(con, data: SheetData, replace: bool, limit: int) -> list[dict]:
    """Up to `limit` updated rows (in the file's order) and removed rows: each changed column, old and new."""
    table = data.sheet.table
    key_cols = SHEETS[table].key
    cols = [c for c in _compared(data, con) if c not in key_cols]
    match = _match(table)
    found: list[dict] = []
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
                    found.append(
                        {
                            "row": data.row_numbers[i],
                            "change": "updated",
                            "id": _ident(data, i),
                            "column": _(_COLUMN_WORDS[c]) if c in _COLUMN_WORDS else c,
                            # A value cleared or filled in says so: a blank cell would read as unchanged.
                            "old": shown(old) or _("(blank)"),
                            "new": as_filed(data.filed(c, i), new) or _("(blank)"),
                        }
                    )
    if replace:
        ident = " || ' / ' || ".join(f"coalesce(cast(t.{k} as varchar), '')" for k in key_cols)
        order = ", ".join(f"t.{k}" for k in key_cols)
        for (row_id,) in con.execute(
            f"select {ident} from {table} t where not exists (select 1 from stage_{table} s where {match}) "
            f"order by {order} limit {int(limit)}"
        ).fetchall():
            found.append({"row": None, "change": "removed", "id": row_id, "column": "", "old": "", "new": ""})
    return found
