"""Space that can be recovered: a load that changes nothing writes nothing; prune frees a full disk, crash-safely."""

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import handcount
import pytest
from conftest import ROOT, cli, copy_store

from alliance.history import history
from alliance.ingest import apply as applying
from alliance.ingest.load import check, load_file
from alliance.store import Store

UNCHANGED = "nothing changed: every row of the file is already in the store"


def _states(store: Store) -> set[str]:
    return {p.name for p in store.snapshots.glob("snap-*.duckdb")}


def _history(store: Store) -> list[dict]:
    done = cli("history", "--json", "--db", store.path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _late_eoi(folder, eoi_id: str):
    (folder / eoi_id).mkdir(exist_ok=True)
    path = folder / eoi_id / "eois.csv"
    path.write_text(f"eoi_id,received_on,country,organization,request,status\n{eoi_id},2023-09-01,FRA,Org,other,received\n")
    return path


# A load that changes nothing


def test_loading_the_same_file_again_writes_no_state_and_no_history_row(store, tmp_path):
    """A load that changed nothing wrote a whole new state (9 MB at 100,000 EoIs) and a history row."""
    workbook = tmp_path / "handcount.xlsx"
    handcount.write(workbook)
    states, loads = _states(store), _history(store)
    again = cli("load", workbook, "--db", store.path)
    assert again.returncode == 0, again.stderr
    assert UNCHANGED in again.stdout and "nothing was written" in again.stdout
    assert "eois: 0 new, 0 updated, 0 removed, 7 unchanged" in again.stdout
    assert _states(store) == states and _history(store) == loads
    as_json = json.loads(cli("load", workbook, "--json", "--db", store.path).stdout)
    assert (as_json["status"], as_json["load_id"], as_json["message"]) == ("unchanged", None, UNCHANGED)
    assert as_json["sheets"]["eois"] == {"inserted": 0, "updated": 0, "removed": 0, "unchanged": 7}
    assert _states(store) == states and _history(store) == loads


def test_replacing_sheets_with_the_rows_they_hold_writes_nothing(store, tmp_path):
    workbook = tmp_path / "handcount.xlsx"
    handcount.write(workbook)
    states = _states(store)
    result = load_file(store, workbook, replace=True, user="ana")
    assert result.unchanged and result.load_id is None
    assert all(c["removed"] == 0 for c in result.sheets.values())
    assert _states(store) == states


def test_a_load_that_changes_one_row_is_written_and_recorded(store, tmp_path):
    states = _states(store)
    result = load_file(store, _late_eoi(tmp_path, "E9"), user="ana")
    assert not result.unchanged and result.load_id == 2
    assert result.as_dict()["status"] == "loaded"
    assert len(_states(store)) == len(states) + 1
    assert history(store.connect())[0]["load_id"] == 2


def test_a_load_whose_rows_arrived_meanwhile_writes_nothing(store, tmp_path, monkeypatch):
    """Compared while the row was new, then another load brought it before the write: nothing is published."""
    path = _late_eoi(tmp_path, "E9")
    validation = check(store, path)
    stale = applying._compare(store, validation, False, False)  # E9 new in the store as it is now
    assert stale[2]["eois"]["inserted"] == 1
    load_file(store, path, user="bob")
    states = _states(store)
    monkeypatch.setattr(applying, "_compare", lambda *args: stale)
    result = applying.apply(store, validation, path.name, "", user="ana")
    assert result.unchanged and result.load_id is None
    assert result.sheets["eois"] == {"inserted": 0, "updated": 0, "removed": 0, "unchanged": 1}
    assert _states(store) == states
    assert not list(store.snapshots.glob(".tmp-*"))


def test_upload_page_says_a_file_already_in_the_store_changes_nothing(app, store):
    content = b"eoi_id,received_on,country,organization,request,status\nE9,2023-09-01,FRA,Org,other,received\n"
    at = app("upload")
    at.file_uploader[0].set_value(("eois.csv", content, "text/csv"))
    at.run()
    at.button(key="commit").click().run()
    assert not at.exception
    states = _states(store)
    at = app("upload")
    at.file_uploader[0].set_value(("eois.csv", content, "text/csv"))
    at.run()
    assert not at.exception
    shown = " ".join(i.value for i in at.info)
    assert "Nothing to load: every row of this file is already in the store" in shown
    assert at.button(key="commit").disabled
    assert _states(store) == states


# Prune on a full disk


@pytest.fixture
def small_disk(tmp_path):
    """A 24 MB tmpfs: room for three states of the hand-counted store, and little more."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if not shutil.which("mount"):
        pytest.skip("no mount command here: a small full disk cannot be made")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(folder)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"mounting a tmpfs is not allowed here (needs root or CAP_SYS_ADMIN): {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _fill(folder) -> None:
    """Write zeros until the disk refuses another byte."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for chunk in (1 << 20, 4096, 1):
            try:
                while os.write(fd, b"\0" * chunk):
                    pass
            except OSError as error:
                assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
    assert shutil.disk_usage(folder).free < 4096


def _store_with_states(store: Store, tmp_path, folder, loads: int) -> Store:
    """The hand-counted store with `loads` more loads, copied into `folder`; every state a day old."""
    for n in range(loads):
        load_file(store, _late_eoi(tmp_path, f"E{9 + n}"), user="ana")
    moved = copy_store(store.path, folder)
    old = time.time() - 86400
    for path in moved.snapshots.glob("snap-*.duckdb"):
        os.utime(path, (old, old))
    return moved


def test_prune_frees_space_on_a_full_disk_and_records_it(store, tmp_path, small_disk):
    """On a full disk, prune --keep-days 0 failed 'the disk is full': it recorded (a new state) before deleting."""
    disk = _store_with_states(store, tmp_path, small_disk, loads=1)  # states 1 and 2 old, 3 current
    figures = cli("kpis", "--json", "--db", disk.path).stdout
    _fill(small_disk)
    assert cli("load", _late_eoi(tmp_path, "E20"), "--db", disk.path).returncode == 1  # full indeed
    done = cli("prune", "--keep-days", "0", "--db", disk.path)
    assert done.returncode == 0, done.stderr
    assert "load 3: deleted 2 stored states, freeing" in done.stdout
    assert shutil.disk_usage(small_disk).free > 2_000_000
    assert _states(disk) == {"snap-000003.duckdb", "snap-000004.duckdb"}  # the one before the record, and the record
    kpis = cli("kpis", "--json", "--db", disk.path)
    assert kpis.returncode == 0 and kpis.stdout == figures
    record = _history(disk)[0]
    assert (record["load_id"], record["kind"]) == (3, "prune")
    assert "snap-000001.duckdb, snap-000002.duckdb" in record["note"]
    assert not list(disk.snapshots.glob(".prune-*"))


def test_prune_that_frees_too_little_to_record_says_so_and_is_recorded_later(store, tmp_path, small_disk):
    disk = _store_with_states(store, tmp_path, small_disk, loads=0)  # state 1 (reference data only) old, 2 current
    _fill(small_disk)
    done = cli("prune", "--keep-days", "0", "--db", disk.path)
    assert done.returncode == 0, done.stderr
    assert "deleted 1 stored states" in done.stdout and "Not in the history yet" in done.stderr
    assert _states(disk) == {"snap-000002.duckdb"}
    assert cli("kpis", "--json", "--db", disk.path).returncode == 0
    (small_disk / "filler").unlink()
    record = _history(disk)[0]  # the listing finishes it
    assert record["kind"] == "prune" and "interrupted" in record["file_name"]
    assert record["note"].startswith("states deleted: snap-000001.duckdb")
    assert [h["kind"] for h in _history(disk)].count("prune") == 1
    assert not list(disk.snapshots.glob(".prune-*"))


# Prune killed at each step


# Kept with the plan in a file name: a long name is cut to 120 bytes, the same way when written and read again.
LONG_USER = "Ana Lúcia da Conceição " * 8


def _prune_killed_at(store: Store, step: str) -> None:
    env = {**os.environ, "ALLIANCE_PRUNE_PAUSE_AT": step}
    process = subprocess.Popen(
        [sys.executable, "-m", "alliance", "prune", "--keep-days", "0", "--user", LONG_USER, "--db", str(store.path)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = process.stderr.readline()
        assert line.startswith(f"prune paused at: {step}"), line
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


@pytest.mark.parametrize(
    "step, pruned",
    [
        ("planned", False),  # every state marked, the plan not committed: nothing is deleted
        ("committed", True),  # committed, nothing deleted yet: the next listing deletes and records
        ("deleted", True),  # one state deleted of two
        ("recording", True),  # the record written but not published
        ("recorded", True),  # published, its plan not yet removed: recorded once
    ],
)
def test_prune_killed_at_any_step_leaves_the_old_states_or_the_new_and_the_history_says_which(store, tmp_path, step, pruned):
    load_file(store, _late_eoi(tmp_path, "E9"), user="ana")
    old = time.time() - 86400
    for path in store.snapshots.glob("snap-*.duckdb"):
        os.utime(path, (old, old))
    before, loads = _states(store), _history(store)
    _prune_killed_at(store, step)
    after = _history(store)  # opens the store, and finishes what the kill interrupted
    assert cli("kpis", "--json", "--db", store.path).returncode == 0
    prunes = [h for h in after if h["kind"] == "prune"]
    if pruned:
        # The loads before are as they were, but for what the prune took: the states before them.
        assert len(prunes) == 1 and [{**h, "can_roll_back": False} for h in loads] == after[1:]
        assert "snap-000001.duckdb, snap-000002.duckdb" in prunes[0]["note"]
        assert ("interrupted" in prunes[0]["file_name"]) == (step != "recorded")
        assert LONG_USER.startswith(prunes[0]["loaded_by"]) and len(prunes[0]["loaded_by"].encode()) > 100
        assert _states(store) == {"snap-000003.duckdb", "snap-000004.duckdb"}  # the state before the record, the record
        assert not list(store.snapshots.glob("snap-000001.duckdb.*"))  # its checksum went with it
    else:
        assert after == loads and _states(store) == before
    assert not list(store.snapshots.glob(".prune-*"))
    # A prune afterwards deletes what is left (the state before the record, or the two old ones), recorded once.
    again = cli("prune", "--keep-days", "0", "--db", store.path)
    assert again.returncode == 0, again.stderr
    assert f"deleted {1 if pruned else 2} stored states" in again.stdout
    assert [h["kind"] for h in _history(store)].count("prune") == (2 if pruned else 1)
