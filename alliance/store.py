"""The DuckDB store: immutable snapshot files behind an atomically switched pointer.

DuckDB lets one process write a file or several read it, never both. So no published file is
ever written again: a writer copies the current snapshot to a temporary file, changes it in
one transaction, checkpoints and closes it, renames it into place and then swaps the pointer
(a symbolic link) with one atomic rename. Readers open the file the pointer names, read-only;
a reader that sees a new pointer opens the new file. A crash at any moment leaves the pointer
on the old snapshot or the new one, never between. Writers queue on an exclusive file lock.
"""

import csv
import fcntl
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

from alliance import DATA_DIR, AllianceError, builtin, integrity, migrations
from alliance.integrity import fsync_dir
from alliance.schema import SHEETS
from alliance.who import account

# The schema this code writes: the number of the last step of alliance/migrations.py, which brings a store
# of any earlier schema to it (a schema change is a new step there, so the version cannot stay behind).
SCHEMA_VERSION = str(migrations.LATEST)
# Reference tables analysts extend by upload, by key: an upgrade adds and refreshes shipped rows only.
_ADDED_REFERENCE = {"initiatives": ("cycle", "code"), "outcomes": ("cycle", "code"), "kap_priorities": ("cycle", "code")}
# Built-in rows shipped by an earlier version and since withdrawn (the audit against the seeds).
# MS-2023-01, the launch, is the Alliance's starting point, not a milestone achieved (schema 5).
RETIRED_BUILTIN = {
    "events": ("EV-2022-01",),
    "activities": ("ACT-2018-08", "ACT-2022-02", "ACT-2022-03", "ACT-2022-04"),
    "milestones": ("MS-2023-01",),
}
_SCHEMA_SQL = Path(__file__).with_name("schema.sql")
_DERIVED_SQL = Path(__file__).with_name("derived.sql")

# Reference tables shipped in data/, and the CSV that fills each.
REFERENCE_FILES = {
    "regions": "regions.csv",
    "countries": "countries.csv",
    "country_aliases": "country_aliases.csv",
    "capabilities": "capabilities.csv",
    "center_types": "center_types.csv",
    "cycles": "cycles.csv",
    "kap_priorities": "kap_priorities.csv",
    "res90": "res90.csv",
    "kpis": "kpis.csv",
    "initiatives": "initiatives.csv",
    "outcomes": "outcomes.csv",
    "targets": "targets.csv",
}


def default_path() -> Path:
    """Return the store location: ALLIANCE_DB, else data/alliance.duckdb."""
    return Path(os.environ.get("ALLIANCE_DB") or DATA_DIR / "alliance.duckdb")


class Store:
    """One store: a pointer path, its snapshot folder and its writer lock."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else default_path()
        self.snapshots = self.path.with_name(self.path.name + ".d")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._current_schema = False
        # Why this store is served read-only (an older schema in a folder this process may not write), else None.
        self.read_only: str | None = None

    def exists(self) -> bool:
        """True when the store exists, even if its pointer is broken (current() then says so)."""
        return self.path.exists() or self.path.is_symlink()

    def current(self) -> Path:
        """Return the snapshot file readers should open now."""
        if not self.path.exists():
            if self.path.is_symlink():
                raise AllianceError(
                    f"The store at {self.path} points to a missing snapshot ({os.readlink(self.path)}); "
                    f"point it at the newest file in {self.snapshots} (ln -sfn), or restore it from backup."
                )
            raise AllianceError(f"No store at {self.path}: create it with `python -m alliance init`.")
        return self.path.resolve()

    def version(self) -> str:
        """Return a string that changes whenever the store's content changes.

        Asked on every query of every rerun: the pointer is read with one readlink and the snapshot
        with one stat, not resolved component by component.
        """
        try:
            target = os.readlink(self.path)
            return f"{os.path.basename(target)}:{os.stat(os.path.join(self.path.parent, target)).st_mtime_ns}"
        except OSError:  # not a pointer (an old store's plain file), or broken: current() says which
            current = self.current()
            return f"{current.name}:{current.stat().st_mtime_ns}"

    def connect(self) -> duckdb.DuckDBPyConnection:
        """Open the current snapshot read-only (through an upgraded copy when it could not be upgraded in place)."""
        current = self.current()
        return duckdb.connect(str(readable(current) if self.read_only else current), read_only=True)

    @contextmanager
    def lock(self):
        """Hold the writer lock: writes to one store happen one at a time.

        A writer waits up to $ALLIANCE_LOCK_WAIT_S seconds (default 60) for another to finish, then
        gives up saying who holds the lock and since when (the holder writes that into the lock file).
        """
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            wait = float(os.environ.get("ALLIANCE_LOCK_WAIT_S") or 60)
        except ValueError:
            wait = 60.0  # a wrong setting must not stop every write
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        holder = os.pread(fd, 500, 0).decode("utf-8", "replace").strip() or "another writer"
                        raise AllianceError(
                            f"The store is busy: {holder}. Waited {wait:g} s for it to finish; try again later."
                        ) from None
                    time.sleep(0.05)
            try:
                line = (
                    f"process {os.getpid()} of {account()} on {os.uname().nodename} has been writing since "
                    f"{time.strftime('%d %b %Y %H:%M:%S')}"
                )
                os.ftruncate(fd, 0)
                os.pwrite(fd, line.encode("utf-8"), 0)
            except OSError:
                pass  # a full disk: the lock holds without saying who holds it (prune must still free space)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def ensure(self) -> "Store":
        """Create the store holding the reference data, if it does not exist yet; upgrade an older one."""
        if self.exists():
            if not self._current_schema:
                self._upgrade()
                self._current_schema = True  # checked once per Store: a reader need not open the file again
            return self
        return self._create()

    def _create(self) -> "Store":
        if self.exists():
            return self
        with self.lock():
            if self.exists():
                return self
            self.snapshots.mkdir(parents=True, exist_ok=True)
            tmp = self._temp_file()
            con = duckdb.connect(str(tmp))
            try:
                con.execute(_SCHEMA_SQL.read_text())
                con.execute("insert into meta values ('schema_version', ?)", [SCHEMA_VERSION])
                load_reference(con)
                con.execute("checkpoint")
            finally:
                con.close()
            self._publish(tmp)
        return self

    @contextmanager
    def write(self):
        """Yield a read-write connection to a copy of the current snapshot; publish it on success.

        Nothing is published when the block raises: the copy is deleted and readers keep the
        snapshot they had.
        """
        self._create()
        with self.lock():
            self._adopt_plain_file()
            self._remove_leftovers()
            tmp = self._temp_file()
            con = None
            try:
                shutil.copyfile(self.current(), tmp)
                con = _open_for_writing(tmp)
                con.execute("begin transaction")
                # A store made by an older version is brought to this schema before anything reads it.
                if con.execute("select value from meta where key = 'schema_version'").fetchall() != [(SCHEMA_VERSION,)]:
                    upgrade_tables(con)
                yield con
                derive(con)
                con.execute("commit")
                con.execute("checkpoint")
                con.close()
            except BaseException:
                if con is not None:
                    con.close()
                tmp.unlink(missing_ok=True)
                Path(str(tmp) + ".wal").unlink(missing_ok=True)
                raise
            try:
                self._publish(tmp)
            except BaseException:
                tmp.unlink(missing_ok=True)  # not published: the pointer still names the old snapshot
                raise

    def _schema_version(self) -> str | None:
        con = self.connect()
        try:
            found = con.execute("select value from meta where key = 'schema_version'").fetchall()
        finally:
            con.close()
        return found[0][0] if found else None

    def _upgrade(self) -> None:
        """Bring a store made by an older version to this schema (one published write), then refresh
        its built-in records: the rows of the seed documents as they are shipped now.

        A store whose folder this process may not write is left as it is and marked read_only: it is then
        read through an upgraded copy (readable()), and writes fail as they would on any read-only store.
        """
        try:
            if self._schema_version() == SCHEMA_VERSION:
                return
        except (duckdb.Error, AllianceError, OSError):
            return  # a broken or unreadable store is reported by whoever opens it next
        try:
            with self.write() as con:  # the write upgrades the copy before this block runs
                had_builtin = con.execute("select count(*) from loads where kind = 'builtin'").fetchall()[0][0] > 0
                for table, ids in RETIRED_BUILTIN.items():
                    key = SHEETS[table].key[0]
                    for row_id in ids:
                        con.execute(f"delete from {table} where {key} = ? and source like 'seed %'", [row_id])
        except OSError as error:
            # Served as it is, read through an upgraded copy (readable()), until its owner upgrades it.
            self.read_only = (
                f"The store {self.path} was made by an older version and could not be upgraded where it lies ({error.strerror or error}): "
                f"it is read through an upgraded copy and cannot be changed until a process that may write to its folder "
                f"upgrades it once (for example `python -m alliance init --db {self.path}` run by its owner)."
            )
            return
        if had_builtin:
            self._refresh_builtin()

    def _refresh_builtin(self) -> None:
        """Load the built-in records as shipped now over an earlier version's, as a recorded load of its own."""
        try:
            with self.write() as con:
                if builtin.refresh(con, self.snapshot_name()) is None:
                    raise _NothingToWrite
        except _NothingToWrite:
            pass  # every built-in row is in the store as shipped: no state, no history row

    def snapshot_name(self) -> str:
        return self.current().name

    def snapshot_path(self, name: str) -> Path:
        return self.snapshots / name

    def _remove_leftovers(self) -> None:
        """Delete temporary files of writers that died (we hold the lock, so none is running)."""
        for leftover in self.snapshots.glob(".tmp-*"):
            leftover.unlink(missing_ok=True)

    def _temp_file(self) -> Path:
        return self.snapshots / f".tmp-{os.getpid()}-{time.monotonic_ns()}.duckdb"

    def _next_name(self) -> str:
        numbers = [int(p.stem.split("-")[1]) for p in self.snapshots.glob("snap-*.duckdb")]
        return f"snap-{max(numbers, default=0) + 1:06d}.duckdb"

    def _publish(self, tmp: Path) -> None:
        """Give the finished file its snapshot name, read-only with its checksum beside it (alliance/integrity.py),
        then swap the pointer to it atomically."""
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        final = self.snapshots / self._next_name()
        integrity.seal(tmp, final, self.path.resolve() if self.path.exists() else None)
        os.rename(tmp, final)
        fsync_dir(self.snapshots)
        link_tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.link")
        link_tmp.unlink(missing_ok=True)
        os.symlink(os.path.relpath(final, self.path.parent), link_tmp)
        os.replace(link_tmp, self.path)
        fsync_dir(self.path.parent)

    def _adopt_plain_file(self) -> None:
        """Turn a store made as one plain DuckDB file into the snapshot layout."""
        if self.path.is_symlink() or not self.path.is_file():
            return
        self.snapshots.mkdir(parents=True, exist_ok=True)
        tmp = self._temp_file()
        shutil.copyfile(self.path, tmp)
        self._publish(tmp)


class _NothingToWrite(Exception):
    """Raised inside a write that changes nothing, so that nothing is published."""


def readable(path: Path) -> Path:
    """Return a stored state (an edition's snapshot) readable by today's queries: the file itself when it
    has this schema, else an upgraded copy of it made once beside it (or in the temporary folder when the
    store's folder is read-only). The stored state itself is never written."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = con.execute("select value from meta where key = 'schema_version'").fetchall()
    finally:
        con.close()
    if found == [(SCHEMA_VERSION,)]:
        return path
    for folder in (path.parent / ".upgraded", Path(tempfile.gettempdir()) / f"alliance-upgraded-{os.getuid()}"):
        target = folder / f"{path.stem}-schema{SCHEMA_VERSION}-{path.stat().st_mtime_ns}.duckdb"
        if target.exists():
            return target
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".tmp-{os.getpid()}-{time.monotonic_ns()}.duckdb"
            shutil.copyfile(path, tmp)
        except OSError:
            continue
        try:
            con = _open_for_writing(tmp)
            try:
                con.execute("begin transaction")
                upgrade_tables(con)
                derive(con)
                con.execute("commit")
                con.execute("checkpoint")
            finally:
                con.close()
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
        return target
    raise AllianceError(f"The stored state {path.name} was made by an older version and no folder could hold its upgraded copy.")


# Rows per row group for what a write adds. DuckDB writes a full row group to the file while the
# insert runs, and whatever is left at commit; at its default (122,880) a 100,000-row load is all
# left for the commit. Measured on 100,000 rows: insert and commit 210 ms at the default, 150 ms
# at this size. Small groups also let a scan of the larger tables use both cores.
ROW_GROUP_ROWS = 16_384


def _open_for_writing(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    quoted = str(path).replace("'", "''")
    con.execute(f"attach '{quoted}' as snapshot (row_group_size {ROW_GROUP_ROWS})")
    con.execute("use snapshot")
    return con


def derive(con: duckdb.DuckDBPyConnection) -> None:
    """Refresh the columns derived from reference data (regions, plan cycles)."""
    text = "\n".join(line for line in _DERIVED_SQL.read_text().splitlines() if not line.lstrip().startswith("--"))
    for statement in text.split(";"):
        if statement.strip():
            con.execute(statement).fetchall()


def load_reference(con: duckdb.DuckDBPyConnection, data_dir: Path = DATA_DIR) -> None:
    """Fill the reference tables from the CSV files in data/."""
    for table, file_name in REFERENCE_FILES.items():
        path = data_dir / file_name
        if not path.exists():
            continue
        columns = [row[0] for row in con.execute(f"describe {table}").fetchall()]
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = set(columns) - set(reader.fieldnames or [])
            if missing:
                raise AllianceError(f"{path} lacks column(s) {', '.join(sorted(missing))}.")
            rows = [[_reference_value(row.get(column)) for column in columns] for row in reader]
        if rows:
            marks = ", ".join("?" for _ in columns)
            con.executemany(f"insert into {table} ({', '.join(columns)}) values ({marks})", rows)


def upgrade_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a store of an older schema to this one (alliance/migrations.py, in the caller's transaction), then
    refresh the reference data shipped in data/.

    Tables analysts cannot upload are replaced from their CSV; the uploadable ones (initiatives,
    outcomes, priorities) gain the shipped rows they lack, and shipped rows take the shipped text.
    """
    found = con.execute("select value from meta where key = 'schema_version'").fetchall()
    migrations.migrate(con, found[0][0] if found else None)
    for table in REFERENCE_FILES:
        if table in _ADDED_REFERENCE:
            key = _ADDED_REFERENCE[table]
            match = " and ".join(f"t.{k} = s.{k}" for k in key)
            shipped = _shipped_rows(con, table)
            con.execute(f"create temp table shipped_{table} as select * from {table} limit 0")
            _insert(con, f"shipped_{table}", shipped)
            # A shipped row an analyst never replaced (its source is not an upload) takes the shipped text.
            con.execute(
                f"delete from {table} t where coalesce(t.source, '') not like 'upload%' "
                f"and exists (select 1 from shipped_{table} s where {match})"
            )
            con.execute(
                f"insert into {table} select * from shipped_{table} s where not exists (select 1 from {table} t where {match})"
            )
            con.execute(f"drop table shipped_{table}")
        elif table != "targets":
            con.execute(f"delete from {table}")
            _insert(con, table, _shipped_rows(con, table))
    con.execute("delete from meta where key = 'schema_version'")
    con.execute("insert into meta values ('schema_version', ?)", [SCHEMA_VERSION])


def _shipped_rows(con: duckdb.DuckDBPyConnection, table: str) -> list[list]:
    columns = [row[0] for row in con.execute(f"describe {table}").fetchall()]
    with open(DATA_DIR / REFERENCE_FILES[table], newline="", encoding="utf-8") as handle:
        return [[_reference_value(row.get(c)) for c in columns] for row in csv.DictReader(handle)]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[list]) -> None:
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        con.executemany(f"insert into {table} values ({marks})", rows)


def _reference_value(value):
    if value is None or value == "":
        return None
    if value in ("true", "false"):
        return value == "true"
    return value
