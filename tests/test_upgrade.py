"""A store and an edition written by an earlier version open with today's code and give their figures."""

import hashlib
import json
import tarfile
from pathlib import Path

import pytest
from conftest import ROOT, cli, navigation_as_served

from alliance.store import SCHEMA_VERSION, Store

# Made by commit ec69bc8 (schema 4, tests/fixtures/README.md): the hand-counted register loaded by alice, a
# load rolled back, edition TDAG-23 (25 January to 30 June 2023) prepared by alice and approved by bob, a later
# load, then pruned.
FIXTURE = Path(__file__).parent / "fixtures" / "store-schema4-ec69bc8.tar.xz"


@pytest.fixture
def old_store(tmp_path) -> Store:
    with tarfile.open(FIXTURE) as archive:
        archive.extractall(tmp_path, filter="data")
    return Store(tmp_path / "schema4-ec69bc8" / "alliance.duckdb")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_edition_made_at_schema_4_gives_its_figures_and_its_report(old_store, tmp_path):
    """Schema 5 added columns the queries read: an edition's stored state of schema 4 failed every query."""
    stored = {p.name: _digest(p) for p in old_store.snapshots.glob("snap-*.duckdb")}
    frozen = cli("kpis", "--edition", "TDAG-23", "--db", old_store.path, "--json")
    assert frozen.returncode == 0, frozen.stderr
    assert json.loads(frozen.stdout)["eois"]["total"] == 6
    report = cli("report", "--edition", "TDAG-23", "--db", old_store.path, "--out", tmp_path / "r.docx", "--no-images")
    assert report.returncode == 0, report.stderr
    revisions = cli("revisions", "TDAG-23", "--db", old_store.path, "--json")
    assert revisions.returncode == 0, revisions.stderr
    # The live data were upgraded; the edition's own state was read through a copy, never written.
    assert {p.name: _digest(p) for p in old_store.snapshots.glob("snap-*.duckdb") if p.name in stored} == stored
    con = old_store.connect()
    assert con.execute("select value from meta where key = 'schema_version'").fetchall() == [(SCHEMA_VERSION,)]
    assert con.execute("select count(*) from reported").fetchall() == [(0,)]


def test_pages_open_on_an_edition_made_at_schema_4(old_store, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ALLIANCE_DB", str(old_store.path))
    navigation_as_served(monkeypatch)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(edition="TDAG-23")
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["EoIs"] == "6"
    for page in ("regions", "events", "milestones"):
        assert not at.switch_page(f"pages/{page}.py").run().exception, page


def test_an_edition_made_at_schema_4_prints_todays_shape_and_its_revisions(old_store):
    """Frozen before the contract of 6 December 2026, its figures lacked participants_stated and reported and
    gave a blank as 0; its revisions then crashed on a figure that became 'not recorded'."""
    for region in (None, "AFR"):
        args = ("--region", region) if region else ()
        done = cli("kpis", "--edition", "TDAG-23", "--db", old_store.path, "--json", *args)
        assert done.returncode == 0, done.stderr
        k = json.loads(done.stdout)
        assert list(k) == list(json.loads(cli("kpis", "--db", old_store.path, "--json").stdout))  # the contract's keys
        assert k["reported"] == []
        assert k["eois"]["total"] == (6 if region is None else 2)  # the frozen figure, kept
        revisions = cli("revisions", "TDAG-23", "--db", old_store.path, "--json", *args)
        assert revisions.returncode == 0, revisions.stderr
        printed = cli("revisions", "TDAG-23", "--db", old_store.path, *args)
        assert printed.returncode == 0 and "Traceback" not in printed.stderr
    africa = json.loads(cli("kpis", "--edition", "TDAG-23", "--db", old_store.path, "--json", "--region", "AFR").stdout)
    # No event in Africa in the edition's period: participants not recorded (null), not the frozen 0.
    assert (africa["events"]["participants"], africa["events"]["participants_stated"]) == (None, 0)
    alliance = json.loads(cli("kpis", "--edition", "TDAG-23", "--db", old_store.path, "--json").stdout)
    assert (alliance["events"]["participants"], alliance["events"]["participants_stated"]) == (420, 2)


def test_revisions_say_not_recorded_where_a_figure_became_unknown(tmp_path):
    """An edition said 120 participants; after a load blanked them, revisions computed 120 - None and crashed."""
    store = Store(tmp_path / "s" / "alliance.duckdb").ensure()
    events = tmp_path / "events.csv"
    events.write_text("event_id,title,start_date,event_type,country,participants\nX1,Forum,2023-03-01,forum,KEN,120\n")
    assert cli("load", events, "--db", store.path).returncode == 0
    assert cli("publish", "E1", "--as-of", "2023-06-30", "--user", "alice", "--db", store.path).returncode == 0
    assert cli("approve", "E1", "--user", "bob", "--db", store.path).returncode == 0
    events.write_text("event_id,title,start_date,event_type,country,participants\nX1,Forum,2023-03-01,forum,KEN,\n")
    assert cli("load", events, "--db", store.path).returncode == 0
    found = json.loads(cli("revisions", "E1", "--db", store.path, "--json").stdout)
    changed = {r["kpi"]: (r["edition"], r["now"], r["change"]) for r in found}
    assert changed["events.participants"] == (120, None, None)
    printed = cli("revisions", "E1", "--db", store.path)
    assert printed.returncode == 0 and "not recorded" in printed.stdout
