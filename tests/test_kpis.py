"""KPIs against the hand-counted register, and every query file against a store."""

import json

import pytest
from conftest import cli
from handcount import AS_OF, EXPECTED_AFR, EXPECTED_ALL

from alliance import QUERIES_DIR
from alliance.kpis import summary
from alliance.queries import frame


def test_kpis_match_hand_count_for_all_regions(store):
    con = store.connect()
    assert summary(con, AS_OF) == EXPECTED_ALL


def test_kpis_region_filter_counts_only_that_region_and_keeps_milestones(store):
    con = store.connect()
    assert summary(con, AS_OF, "AFR") == EXPECTED_AFR


def test_kpis_cli_prints_only_the_contract_json(store):
    done = cli("kpis", "--db", store.path, "--as-of", "2023-06-30", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == EXPECTED_ALL


def test_kpis_cli_region_option(store):
    done = cli("kpis", "--db", store.path, "--as-of", "2023-06-30", "--region", "afr", "--json")
    assert json.loads(done.stdout) == EXPECTED_AFR


@pytest.mark.parametrize("args", [["--as-of", "30/06/2023"], ["--region", "XYZ"], []])
def test_kpis_cli_usage_errors_exit_2(store, args):
    extra = [] if not args else ["--json"]
    done = cli("kpis", "--db", store.path, *args, *extra)
    assert done.returncode == 2


def test_kpis_cli_creates_missing_store_with_reference_data_only(tmp_path):
    path = tmp_path / "new" / "alliance.duckdb"
    done = cli("kpis", "--db", path, "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["eois"]["total"] == 0 and figures["milestones"]["total"] == 0
    con = __import__("alliance.store", fromlist=["Store"]).Store(path).connect()
    assert con.execute("select count(*) from countries").fetchall()[0][0] == 194


def test_kpis_as_of_moves_the_counts(store):
    con = store.connect()
    later = summary(con, AS_OF.replace(year=2024))
    assert later["eois"]["total"] == 7
    assert later["centers"]["launched"] == 2
    assert later["events"]["participants"] == 470
    assert later["milestones"]["done"] == 2
    assert later["milestones"]["overdue"] == 2
    assert later["resources_usd"] == 305000.5


@pytest.mark.parametrize("path", sorted(QUERIES_DIR.glob("*.sql")), ids=lambda p: p.stem)
def test_every_query_runs_against_the_store(store, path):
    con = store.connect()
    params = {
        "as_of": AS_OF,
        "region": None,
        "period_start": AS_OF.replace(month=1, day=25),
        "capability": None,
        "search": None,
        "limit": 500,
        "year": 2023,
        "country": "KEN",
        "cycle": "WTDC-22",
    }
    result = frame(con, path.stem, **params)
    assert len(result.columns) > 0
    assert path.read_text().startswith("-- One row")
