"""Schema migrations: one numbered step to each schema version, from the first store ever written to today's.

Step N brings a store to schema N as the last commit writing N left it. Some commits changed the schema
without moving the version (1: d562828, ea2bc24, 38aa36c, d827fea; 2: 6783bc3, ed7d3b0; 4: 6536600,
3528bd4, 45f7521), so a version names several shapes: a store's own step is run again before the later
ones, and every step is written to be run on any shape it may meet (columns and tables "if not exists").

The steps run on the writer's connection inside its transaction (Store.write holds the lock), or on an
upgraded copy of a stored state (store.readable): nothing is committed unless every step succeeds.
A schema change is a new step appended here; the version is the number of the last step, so it cannot
be forgotten (tests/test_migrations.py compares a fresh store with each old store after the chain).
"""

from collections.abc import Callable

import duckdb

from alliance import AllianceError

Step = Callable[[duckdb.DuckDBPyConnection], None]

# Tables whose rows a view of the same name with "_regional" used to join to their region (schema 1, before
# 38aa36c); since then region_code is a stored column (alliance/derived.sql) and the views are plain.
_REGIONAL = ("eois", "centers", "events", "activities", "resources")


def _add(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[tuple[str, str], ...]) -> None:
    for column, kind in columns:
        con.execute(f"alter table {table} add column if not exists {column} {kind}")


def _to_1(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 1 as d827fea last wrote it: targets name their KAP outcome (ea2bc24); region and plan cycle are
    stored columns, not views' joins (38aa36c); dates say how exact they are, centers exist from a date (d827fea)."""
    # A view over a table that gains a column it also computes would name the column twice: replace them first.
    for table in _REGIONAL:
        con.execute(f"create or replace view {table}_regional as select * from {table}")
    _add(con, "targets", (("kap_outcome", "varchar"),))
    _add(con, "eois", (("region_code", "varchar"),))
    _add(
        con,
        "centers",
        (("selected_on", "date"), ("region_code", "varchar"), ("exists_from", "date")),
    )
    _add(
        con,
        "events",
        (
            ("product", "varchar"),
            ("date_precision", "varchar"),
            ("participants_over", "boolean"),
            ("region_code", "varchar"),
            ("cycle", "varchar"),
            ("action_region", "varchar"),
        ),
    )
    _add(con, "activities", (("date_precision", "varchar"), ("region_code", "varchar"), ("cycle", "varchar")))
    _add(con, "milestones", (("date_precision", "varchar"),))
    _add(con, "resources", (("date_precision", "varchar"), ("region_code", "varchar")))
    # Views are bound when created: made again so that they carry the columns just added.
    for table in _REGIONAL:
        con.execute(f"create or replace view {table}_regional as select * from {table}")


def _to_2(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 2 (6783bc3, then ed7d3b0): a milestone keeps how exact its completion date is."""
    _add(con, "milestones", (("completed_precision", "varchar"),))


def _to_3(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 3 (2f0048a): rows loaded before named their file in source, which viewers see; the load history
    keeps the file name for analysts."""
    for table in ("eois", "centers", "events", "activities", "milestones", "resources", "initiatives", "outcomes", "targets"):
        con.execute(f"update {table} set source = 'upload' where source like 'upload: %'")


def _to_4(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 4: editions (6536600), ordered by their history records (3528bd4); demo KPI targets (45f7521)."""
    con.execute(
        "create table if not exists editions (name varchar, period_start date, as_of date, status varchar, "
        "prepared_by varchar, prepared_at timestamp, approved_by varchar, approved_at timestamp, note varchar, "
        "snapshot varchar, last_load_id integer, figures varchar)"
    )
    _add(con, "editions", (("prepared_seq", "integer"), ("approved_seq", "integer")))
    # Editions made before 3528bd4 take the numbers of the history records that prepared and approved them.
    con.execute(
        "update editions set prepared_seq = (select min(l.load_id) from loads l where l.kind = 'publish' "
        "and l.file_name = 'edition ' || editions.name || ' prepared') where prepared_seq is null"
    )
    con.execute(
        "update editions set approved_seq = (select min(l.load_id) from loads l where l.kind = 'approve' "
        "and l.file_name = 'edition ' || editions.name || ' approved') where approved_seq is null and status = 'published'"
    )
    _add(con, "targets", (("is_demo", "boolean default false"),))


def _to_5(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 5 (867f167, the data contract of 6 December 2026): when a milestone was set, the region a resource
    serves, and the figures documents published (reported)."""
    _add(con, "milestones", (("announced_on", "date"),))
    _add(con, "resources", (("for_region", "varchar"),))
    con.execute(
        "create table if not exists reported (reported_id varchar, kpi varchar, as_of date, from_date date, "
        "region varchar, value double, qualifier varchar, source varchar, is_demo boolean default false)"
    )


def _to_6(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 6 (issue 24): the history and the editions record the operating-system account beside the user named;
    rows written before are NULL (not recorded)."""
    _add(con, "loads", (("loaded_by_account", "varchar"),))
    _add(con, "editions", (("prepared_by_account", "varchar"), ("approved_by_account", "varchar")))


# Step N brings a store to schema N. Append a step for every schema change; never edit one a commit on main
# has run (stores in the field carry its result under its number).
STEPS: tuple[Step, ...] = (_to_1, _to_2, _to_3, _to_4, _to_5, _to_6)
LATEST = len(STEPS)


def number(found: str | None) -> int:
    """The schema number a store records (a store that records none is of schema 1)."""
    if found is None:
        return 1
    try:
        return int(found)
    except ValueError:
        raise AllianceError(f"The store records schema version {found[:20]!r}, which this version does not know.") from None


def migrate(con: duckdb.DuckDBPyConnection, found: str | None) -> list[int]:
    """Run the steps from the store's own version to the latest, in order; return their numbers.

    The caller holds the writer's lock and transaction (or works on a copy).
    """
    start = number(found)
    if start > LATEST:
        raise AllianceError(
            f"The store was written by a newer version of the dashboard (schema {start}; this one knows {LATEST}): "
            "open it with that version or a later one."
        )
    ran = []
    for step_number in range(max(start, 1), LATEST + 1):
        STEPS[step_number - 1](con)
        ran.append(step_number)
    return ran
