"""The macros the queries share (alliance/macros.sql): rows in scope written once, defined on each database read."""

import re
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pytest
from handcount import AS_OF, EXPECTED_ALL

from alliance import QUERIES_DIR
from alliance.kpis import summary
from alliance.queries import rows, run

SCOPE_CLAUSES = (
    r"received_on\s*<=\s*\$as_of",
    r"start_date\s*<=\s*\$as_of",
    r"signed_on\s*<=\s*\$as_of",
    r"exists_from\s*<=\s*\$as_of",
    r"announced_on\s*<=\s*\$as_of",
    r"list_contains\(\w*\.?capabilities, \$capability\)",
    r"when 'TRR' then 1",
)


@pytest.mark.parametrize("clause", SCOPE_CLAUSES)
def test_no_query_writes_the_scope_filter_itself(clause):
    """The period, region and capability clauses were copied into about fifteen queries (a region clause left in a
    query filters something else: the regions listed, an event's action region, Alliance-wide money)."""
    written = [p.name for p in QUERIES_DIR.glob("*.sql") if re.search(clause, p.read_text())]
    assert not written, f"{clause} belongs in alliance/macros.sql, not in {written}"


def test_every_data_table_is_read_through_its_macro_not_its_old_view():
    assert not [p.name for p in QUERIES_DIR.glob("*.sql") if "_regional" in p.read_text()]


def test_a_first_query_from_two_threads_at_once_finds_the_macros(store):
    """Both threads of the KPI summary missed the macros on a new connection; the second raised."""
    for _ in range(3):
        con = store.connect()
        try:
            assert summary(con, AS_OF) == EXPECTED_ALL
        finally:
            con.close()


def test_macros_are_seen_through_every_cursor_and_defined_once(store):
    con = store.connect()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            counts = list(pool.map(lambda _: rows(con.cursor(), "eois_summary", **_params())[0]["eois"], range(8)))
        assert counts == [EXPECTED_ALL["eois"]["total"]] * 8
        defined = con.execute("select function_name from duckdb_functions() where database_name = 'macros'").fetchall()
        assert len(defined) == len(set(defined)) >= 9
    finally:
        con.close()


def test_macros_are_never_written_into_the_store(store):
    state = store.current()
    before = state.read_bytes()
    con = store.connect()
    try:
        rows(con, "eois_summary", **_params())
        assert con.execute(
            "select count(*) from duckdb_functions() where database_name = current_database() and macro_definition is not null"
        ).fetchall() == [(0,)]
    finally:
        con.close()
    assert state.read_bytes() == before


def test_a_query_that_fails_for_another_reason_still_says_why(tmp_path):
    con = duckdb.connect(str(tmp_path / "bare.duckdb"))
    try:
        with pytest.raises(duckdb.CatalogException, match="eois"):
            run(con, "eois_summary", **_params())
        # A macro whose table the database lacks is left out, the others are there; it comes with its table.
        con.execute(
            "create table milestones (milestone_id varchar, due_on date, completed_on date, date_precision varchar, "
            "completed_precision varchar, announced_on date)"
        )
        assert rows(con, "milestones_summary", **_params()) == [{"milestones": 0, "done": 0, "overdue": 0}]
    finally:
        con.close()


def _params() -> dict:
    return {"as_of": AS_OF, "period_start": AS_OF.replace(month=1, day=25), "region": None, "capability": None}
