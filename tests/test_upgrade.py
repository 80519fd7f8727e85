"""A store and an edition written by an earlier version open with today's code and give their figures."""

import errno
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from conftest import ROOT, cli

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
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(edition="TDAG-23")
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["EoIs"] == "6"
    for page in ("regions", "events", "milestones"):
        assert not at.switch_page(f"app_pages/{page}.py").run().exception, page


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


# Tests run as root, whom file modes do not stop: a read-only folder is simulated by running the command line
# without the capabilities that let root ignore them (setpriv --bounding-set), so a 0555 folder refuses writes.
_NO_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def _read_only_folder(store: Store) -> None:
    for path in [store.path.parent, *store.path.parent.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o555 if path.is_dir() else 0o444)


def _cli_without_override(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*_NO_OVERRIDE, sys.executable, "-m", "alliance", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_a_store_in_a_read_only_folder_is_read_through_an_upgraded_copy(old_store, tmp_path):
    """A store of an older schema in a folder the process may not write: served as it is, read through an upgraded
    copy made elsewhere (the temporary folder), and a load is refused in words."""
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is not installed: a folder cannot be made read-only for root")
    _read_only_folder(old_store)
    probe = subprocess.run([*_NO_OVERRIDE, "touch", old_store.path.parent / "probe"], capture_output=True)
    if probe.returncode == 0:
        pytest.skip("this process's user writes in a read-only folder (capabilities cannot be dropped here)")
    before = sorted(p.name for p in old_store.snapshots.iterdir())
    live = _cli_without_override("kpis", "--json", "--db", old_store.path)
    assert live.returncode == 0, live.stderr
    assert json.loads(live.stdout)["eois"]["total"] == 8  # E9 was loaded after the edition
    frozen = _cli_without_override("kpis", "--edition", "TDAG-23", "--json", "--db", old_store.path)
    assert frozen.returncode == 0, frozen.stderr
    assert json.loads(frozen.stdout)["eois"]["total"] == 6
    csv = tmp_path / "more" / "eois.csv"
    csv.parent.mkdir()
    csv.write_text(
        "eoi_id,received_on,country,organization,organization_type,request,center_type,capabilities,status,call_round\n"
        "E10,2023-05-02,FRA,Ministry J,government,establish_center,TAC,TRR,received,2023-R2\n"
    )
    refused = _cli_without_override("load", csv, "--db", old_store.path)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "does not allow writing" in refused.stderr
    assert sorted(p.name for p in old_store.snapshots.iterdir()) == before
    assert old_store._schema_version() == "4"


def test_pages_say_read_only_on_a_store_that_cannot_be_upgraded(old_store, monkeypatch):
    """Such a store made every page fail with an exception (the upgrade's error); it is shown with a notice."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    def refuse(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(self.lock_path))

    monkeypatch.setattr(Store, "lock", refuse)
    monkeypatch.setenv("ALLIANCE_DB", str(old_store.path))
    st.cache_data.clear()
    st.cache_resource.clear()
    for query in ({}, {"edition": "TDAG-23"}):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params.update(query)
        at.run()
        assert not at.exception
        notices = [w.value for w in at.warning if w.value.startswith("Read only")]
        assert len(notices) == 1, notices  # once, however many times the page reads the store
        tiles = {m.label: m.value for m in at.metric}
        assert tiles["EoIs"] == "6" if query else "EoIs" in tiles
        for page in ("regions", "history", "upload"):
            at.switch_page(f"app_pages/{page}.py").run()
            assert not at.exception, page
            assert len([w for w in at.warning if w.value.startswith("Read only")]) == 1, page
    assert old_store._schema_version() == "4"


def test_a_store_of_schema_5_keeps_its_figures_and_lists_the_os_accounts_it_never_recorded_as_not_recorded(tmp_path, monkeypatch):
    """Schema 6 records the operating-system account beside every user named; the loads and the edition of a schema 5
    store (made by 8fa1533, tests/fixtures) keep theirs blank: "not recorded", never the account upgrading it."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest
    from test_history import os_account

    with tarfile.open(FIXTURE.with_name("store-schema5-8fa1533.tar.xz")) as archive:
        archive.extractall(tmp_path, filter="data")
    store = Store(tmp_path / "schema5-8fa1533" / "alliance.duckdb")
    frozen = json.loads(cli("kpis", "--edition", "TDAG-23", "--db", store.path, "--json").stdout)
    assert frozen["eois"]["total"] == 6  # the edition's figures, as approved at schema 5
    assert json.loads(cli("kpis", "--json", "--db", store.path).stdout)["eois"]["total"] == 8  # E9 came after it
    loads = json.loads(cli("history", "--json", "--db", store.path).stdout)
    assert [(h["kind"], h["loaded_by"], h["loaded_by_account"]) for h in loads][:3] == [
        ("prune", loads[0]["loaded_by"], None),
        ("load", "carol", None),
        ("approve", "bob", None),
    ]
    assert {h["loaded_by_account"] for h in loads} == {None}
    [edition] = json.loads(cli("editions", "--json", "--db", store.path).stdout)
    assert (edition["prepared_by"], edition["prepared_by_account"], edition["approved_by"], edition["approved_by_account"]) == (
        "alice",
        None,
        "bob",
        None,
    )
    assert "carol (OS account not recorded)" in cli("history", "--db", store.path).stdout

    monkeypatch.setenv("ALLIANCE_DB", str(store.path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/history.py").run()
    assert not at.exception
    assert set(at.dataframe[0].value["OS account"]) == {"not recorded"}
    at.switch_page("app_pages/publish.py").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Edition" in d.value.columns)
    assert table.iloc[0][["Prepared by (OS account)", "Approved by (OS account)"]].tolist() == ["not recorded", "not recorded"]

    csv = tmp_path / "more" / "eois.csv"
    csv.parent.mkdir()
    csv.write_text("eoi_id,received_on,country,organization,request,status\nE10,2023-05-02,FRA,Ministry J,other,received\n")
    assert cli("load", csv, "--user", "dana", "--db", store.path).returncode == 0
    latest = json.loads(cli("history", "--json", "--db", store.path).stdout)[0]
    assert (latest["loaded_by"], latest["loaded_by_account"]) == ("dana", os_account())
    assert json.loads(cli("kpis", "--edition", "TDAG-23", "--db", store.path, "--json").stdout) == frozen
