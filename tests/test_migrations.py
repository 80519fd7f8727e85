"""Stores written by every past schema open with today's code: same schema as a fresh store, pages, kpis, reports.

Each fixture was made once by the code of the commit it names (tests/fixtures/make_store.py and README.md):
the hand-counted register of that commit loaded by alice, a CSV load rolled back by bob, a later load by carol;
where editions exist, TDAG-23 (25 January to 30 June 2023) prepared by alice and approved by bob; then pruned.
"""

import json
import tarfile
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, cli

from alliance import editions, migrations
from alliance.store import SCHEMA_VERSION, Store, readable

FIXTURES = Path(__file__).parent / "fixtures"
# Archive name -> folder inside it. The first is the oldest store (schema 1 as first written).
STORES = {
    "store-schema1-d562828.tar.xz": "schema1-d562828",
    "store-schema2-6783bc3.tar.xz": "schema2-6783bc3",
    "store-schema3-ea4b9a5.tar.xz": "schema3-ea4b9a5",
    "store-schema4-6536600.tar.xz": "schema4-6536600",
    "store-schema4-3528bd4.tar.xz": "schema4-3528bd4",
    "store-schema4-ec69bc8.tar.xz": "schema4-ec69bc8",
    "store-schema5-f151273.tar.xz": "schema5-f151273",
    "store-schema5-8fa1533.tar.xz": "schema5-8fa1533",
    "store-schema6-363f0e0.tar.xz": "schema6-363f0e0",
}
WITH_EDITION = [name for name in STORES if int(name.split("schema")[1][0]) >= 4]  # editions came with schema 4
PAGES = [
    "overview",
    "regions",
    "capabilities",
    "centers",
    "events",
    "milestones",
    "report",
    "revisions",
    "publish",
    "upload",
    "history",
    "about",
]


def open_fixture(archive: str, folder: Path) -> Store:
    """Unpack a fixture store into `folder` (nothing opened or upgraded yet)."""
    with tarfile.open(FIXTURES / archive) as tar:
        tar.extractall(folder, filter="data")
    return Store(folder / STORES[archive] / "alliance.duckdb")


def schema(con: duckdb.DuckDBPyConnection) -> dict:
    """Every table's and view's columns with their types, defaults and nullability, as `describe` gives them.

    Column order is left out: a column added to a store already written goes last (alter table), and every
    reader names the columns it reads."""
    tables = con.execute(
        "select table_name, table_type from information_schema.tables "
        "where table_catalog = current_database() and table_schema = 'main' order by table_name"
    ).fetchall()
    return {
        (name, kind): sorted(tuple(map(str, row[:5])) for row in con.execute(f'describe "{name}"').fetchall())
        for name, kind in tables
    }


@pytest.fixture(scope="module")
def fresh_schema(tmp_path_factory) -> dict:
    con = Store(tmp_path_factory.mktemp("fresh") / "alliance.duckdb").ensure().connect()
    try:
        return schema(con)
    finally:
        con.close()


def test_schema_version_is_the_last_migration_step():
    assert SCHEMA_VERSION == str(migrations.LATEST) == str(len(migrations.STEPS))


def test_there_is_a_fixture_store_of_every_schema_version():
    """A new step needs a store made at its version by the commit that adds it (tests/fixtures/make_store.py)."""
    made = {int(name.split("schema")[1][0]) for name in STORES}
    assert made == set(range(1, migrations.LATEST + 1))


@pytest.mark.parametrize("archive", list(STORES))
def test_an_old_store_upgraded_has_the_schema_of_a_fresh_store(archive, tmp_path, fresh_schema):
    """Commits changed the schema under schema 1, 2 and 4 without moving the version (targets.is_demo of schema 4
    was never added to a store made before it): a forgotten step or version makes this differ."""
    store = open_fixture(archive, tmp_path).ensure()
    assert store.read_only is None
    con = store.connect()
    try:
        assert con.execute("select value from meta where key = 'schema_version'").fetchall() == [(SCHEMA_VERSION,)]
        upgraded = schema(con)
    finally:
        con.close()
    assert upgraded == fresh_schema


@pytest.mark.parametrize("archive", WITH_EDITION)
def test_an_editions_state_is_read_through_the_chain_without_being_written(archive, tmp_path, fresh_schema):
    store = open_fixture(archive, tmp_path)
    edition = _edition(store)
    state = store.snapshot_path(edition["snapshot"])
    before = state.read_bytes()
    copy = readable(state)
    assert state.read_bytes() == before
    con = duckdb.connect(str(copy), read_only=True)
    try:
        assert schema(con) == fresh_schema
    finally:
        con.close()


@pytest.mark.parametrize("archive", list(STORES))
def test_an_old_store_keeps_its_history_and_takes_loads_and_rollbacks(archive, tmp_path):
    store = open_fixture(archive, tmp_path)
    done = cli("history", "--json", "--db", store.path)
    assert done.returncode == 0, done.stderr
    kinds = [load["kind"] for load in json.loads(done.stdout)]
    assert "rollback" in kinds and kinds.count("load") >= 3
    extra = tmp_path / "eois.csv"
    extra.write_text(
        "eoi_id,received_on,country,organization,organization_type,request,center_type,capabilities,status,call_round\n"
        "E10,2023-05-02,FRA,Ministry J,government,establish_center,TAC,TRR,received,2023-R2\n"
    )
    loaded = cli("load", extra, "--user", "dana", "--db", store.path, "--json")
    assert loaded.returncode == 0, loaded.stderr
    load_id = json.loads(loaded.stdout)["load_id"]
    total = json.loads(cli("kpis", "--json", "--db", store.path).stdout)["eois"]["total"]
    rolled = cli("rollback", load_id, "--user", "erin", "--db", store.path)
    assert rolled.returncode == 0, rolled.stderr
    assert json.loads(cli("kpis", "--json", "--db", store.path).stdout)["eois"]["total"] == total - 1


def _edition(store: Store) -> dict:
    con = duckdb.connect(str(store.current()), read_only=True)
    try:
        found = con.execute("select snapshot, figures from editions where name = 'TDAG-23'").fetchall()
    finally:
        con.close()
    return {"snapshot": found[0][0], "figures": json.loads(found[0][1])}


# Sums a figure frozen before schema 5 gave as 0 where no event stated them: today they are not recorded (null).
_SUMS = {"events.participants": "events.participants_stated", "events.trained_certified": "events.trained_stated"}


def _keeps_frozen(frozen: dict, now: dict) -> None:
    flat_frozen, flat_now = editions.flatten(frozen), editions.flatten(now)
    for path, value in flat_frozen.items():
        if path in _SUMS and "reported" not in frozen and flat_now[path] is None:
            assert value == 0 and flat_now[_SUMS[path]] == 0, path  # a blank counted as 0 then: unknown now
            continue
        assert flat_now.get(path, 0) == value, path


@pytest.mark.parametrize("archive", WITH_EDITION)
def test_kpis_of_an_old_edition_are_the_figures_frozen_at_approval(archive, tmp_path):
    store = open_fixture(archive, tmp_path)
    frozen = _edition(store)["figures"]  # read before today's code opens the store
    for region in (None, "AFR"):
        args = ("--region", region) if region else ()
        done = cli("kpis", "--edition", "TDAG-23", "--json", "--db", store.path, *args)
        assert done.returncode == 0, done.stderr
        _keeps_frozen(frozen[region or "all"], json.loads(done.stdout))
    assert frozen["all"]["eois"]["total"] == 6  # E1-E4, E6, E7 in the period; E8 rolled back, E9 after approval
    con = store.ensure().connect()
    try:
        for key, figures in frozen.items():
            _keeps_frozen(figures, editions.figures(con, "TDAG-23", None if key == "all" else key, store))
    finally:
        con.close()


@pytest.mark.parametrize("archive", list(STORES))
def test_reports_of_an_old_store_are_written(archive, tmp_path):
    store = open_fixture(archive, tmp_path)
    live = cli(
        "report",
        "--from",
        "2023-01-25",
        "--as-of",
        "2023-06-30",
        "--no-images",
        "--out",
        tmp_path / "live.docx",
        "--db",
        store.path,
    )
    assert live.returncode == 0, live.stderr
    if archive in WITH_EDITION:
        edition = cli("report", "--edition", "TDAG-23", "--no-images", "--out", tmp_path / "e.docx", "--db", store.path)
        assert edition.returncode == 0, edition.stderr
        assert "TDAG-23" in edition.stdout


@pytest.mark.parametrize("archive", list(STORES))
def test_every_page_opens_on_an_old_store_and_its_edition(archive, tmp_path, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    store = open_fixture(archive, tmp_path)
    monkeypatch.setenv("ALLIANCE_DB", str(store.path))
    st.cache_data.clear()
    st.cache_resource.clear()
    links = [{}, {"edition": "TDAG-23"}] if archive in WITH_EDITION else [{}]
    for query in links:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params.update(query)
        at.run()
        assert not at.exception, (query, at.exception)
        tiles = {m.label: m.value for m in at.metric}
        if query:
            assert tiles["EoIs"] == "6"
        for page in PAGES:
            at.switch_page(f"app_pages/{page}.py").run()
            assert not at.exception, (query, page, at.exception)
        if query:
            assert at.session_state["edition"] == "TDAG-23"  # still the edition's figures after every page


def test_editions_made_before_they_were_ordered_take_the_numbers_of_their_history_records(tmp_path):
    """6536600 wrote editions without prepared_seq and approved_seq, by which today's code orders them and finds the
    latest approved one: the upgrade gave the table the columns, blank, and the pages then had none to choose."""
    store = open_fixture("store-schema4-6536600.tar.xz", tmp_path).ensure()
    con = store.connect()
    try:
        assert con.execute("select name, prepared_seq, approved_seq from editions").fetchall() == [("TDAG-23", 4, 5)]
        assert editions.latest_published(con)["name"] == "TDAG-23"
    finally:
        con.close()
