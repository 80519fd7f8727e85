"""Load history, rollback to the state before a load, and removal of demo rows."""

from datetime import datetime

from alliance import AllianceError
from alliance.schema import DATA_TABLES
from alliance.store import SCHEMA_VERSION, Store, upgrade_tables
from alliance.who import current_user, os_account
from alliance.words import stamp

# Tables a rollback restores: everything but the history itself and the editions.
_KEPT = {"loads", "load_sheets", "meta", "editions"}


def history(con) -> list[dict]:
    """Return every load, rollback and demo removal, newest first, with per-sheet counts."""
    result = con.execute(
        """
        select l.load_id, l.kind, l.file_name, l.sha256, l.loaded_at, l.loaded_by, l.loaded_by_account, l.replace_sheets,
               l.rolled_back_load_id, l.note, l.snapshot_before,
               coalesce(sum(s.inserted), 0) as inserted, coalesce(sum(s.updated), 0) as updated,
               coalesce(sum(s.removed), 0) as removed, coalesce(sum(s.unchanged), 0) as unchanged,
               string_agg(s.sheet || ': +' || s.inserted || ' ~' || s.updated || ' -' || s.removed
                          || ' =' || s.unchanged, '; ' order by s.sheet) as sheets
        from loads l left join load_sheets s using (load_id)
        group by all
        order by l.load_id desc
        """
    )
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


# What a rollback can undo: changes of records (a publish, an approval or a prune changes none).
ROLLBACK_KINDS = ("load", "rollback", "remove_demo", "builtin", "demo")


def can_roll_back(store: Store, load: dict) -> bool:
    """Whether a load can still be rolled back: it changed records and the state before it is kept."""
    return (
        load["kind"] in ROLLBACK_KINDS and bool(load["snapshot_before"]) and store.snapshot_path(load["snapshot_before"]).exists()
    )


def rollback(store: Store, load_id: int, user: str | None = None, expected_snapshot: str | None = None) -> int:
    """Return the store to its state just before load `load_id`; record it; return the new load id.

    With expected_snapshot (the state the person confirming saw), refuse when the store has changed
    since, naming the loads made in between, so that nobody undoes a colleague's load unseen.
    """
    with store.write() as con:
        if expected_snapshot and store.snapshot_name() != expected_snapshot:
            since = con.execute(
                "select load_id, kind, loaded_by, loaded_at from loads where snapshot_before >= ? order by load_id",
                [expected_snapshot],
            ).fetchall()
            named = "; ".join(f"load {i} ({k}) by {b} at {stamp(t)}" for i, k, b, t in since) or "another change"
            raise AllianceError(
                f"The store changed since you confirmed ({named}). Nothing was rolled back: look at the list again."
            )
        found = con.execute("select snapshot_before, kind from loads where load_id = ?", [load_id]).fetchall()
        found = found[0] if found else None
        if found is None:
            raise AllianceError(f"There is no load {load_id}: see `python -m alliance history`.")
        if found[1] not in ROLLBACK_KINDS:
            raise AllianceError(f"Load {load_id} ({found[1]}) changed no records, so there is nothing to roll back.")
        before = store.snapshot_path(found[0])
        if not before.exists():
            raise AllianceError(
                f"The stored state before load {load_id} ({found[0]}) is no longer kept (pruned), so load {load_id} "
                "can no longer be rolled back."
            )
        quoted = str(before).replace("'", "''")
        con.execute(f"attach '{quoted}' as before_load (read_only)")
        tables = [
            t
            for (t,) in con.execute("select table_name from duckdb_tables() where database_name = current_database()").fetchall()
            if t not in _KEPT
        ]
        new_id = con.execute("select coalesce(max(load_id), 0) + 1 from loads").fetchall()[0][0]
        counts = []
        for table in tables:
            # A snapshot made by an older version may lack columns added since: compare and copy the
            # columns both have, by name; the others stay blank and derived ones are derived again.
            old = {c for (c,) in con.execute(f"select column_name from (describe before_load.{table})").fetchall()}
            columns = ", ".join(c for (c,) in con.execute(f"select column_name from (describe {table})").fetchall() if c in old)
            restored = con.execute(
                f"select count(*) from (select {columns} from before_load.{table} except all select {columns} from {table})"
            ).fetchall()[0][0]
            removed = con.execute(
                f"select count(*) from (select {columns} from {table} except all select {columns} from before_load.{table})"
            ).fetchall()[0][0]
            con.execute(f"delete from {table}")
            con.execute(f"insert into {table} ({columns}) select {columns} from before_load.{table}")
            if table in DATA_TABLES or restored or removed:
                total = con.execute(f"select count(*) from {table}").fetchall()[0][0]
                counts.append((table, restored, removed, total - restored))
        old_version = con.execute("select value from before_load.meta where key = 'schema_version'").fetchall()
        if old_version != [(SCHEMA_VERSION,)]:
            upgrade_tables(con)  # the older snapshot's reference data, brought up to date again
        _record(con, store, new_id, "rollback", f"rollback of load {load_id}", user, counts, rolled_back=load_id)
    return new_id


def remove_demo(store: Store, user: str | None = None) -> int:
    """Delete every demo row; record it as a load; return its id."""
    with store.write() as con:
        new_id = con.execute("select coalesce(max(load_id), 0) + 1 from loads").fetchall()[0][0]
        counts = []
        for table in (*DATA_TABLES, "targets"):  # the demo set's targets go with it
            removed = con.execute(f"select count(*) from {table} where is_demo").fetchall()[0][0]
            con.execute(f"delete from {table} where is_demo")
            kept = con.execute(f"select count(*) from {table}").fetchall()[0][0]
            counts.append((table, 0, removed, kept))
        _record(con, store, new_id, "remove_demo", "demo rows removed", user, counts)
    return new_id


def _record(con, store, load_id, kind, name, user, counts, rolled_back=None) -> None:
    con.execute(
        "insert into loads (load_id, kind, file_name, sha256, loaded_at, loaded_by, loaded_by_account, replace_sheets, "
        "rolled_back_load_id, snapshot_before, note) values (?, ?, ?, '', ?, ?, ?, false, ?, ?, '')",
        [
            load_id,
            kind,
            name,
            datetime.now().replace(microsecond=0),
            user or current_user(),
            os_account(),
            rolled_back,
            store.snapshot_name(),
        ],
    )
    for table, inserted, removed, unchanged in counts:
        con.execute("insert into load_sheets values (?, ?, ?, 0, ?, ?, '')", [load_id, table, inserted, removed, unchanged])
