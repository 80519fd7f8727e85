"""Backup and restore: one file holding the whole store, made while it serves, checked on the way in and out."""

import io
import json
import os
import signal
import stat
import subprocess
import sys
import tarfile
import time
from datetime import date

import duckdb
import pytest
from conftest import ROOT, cli
from test_editions import _late_eoi
from test_integrity import tamper

from alliance import editions
from alliance.history import rollback
from alliance.ingest.load import load_file
from alliance.store import Store

AS_OF, START = date(2023, 6, 30), date(2023, 1, 25)


@pytest.fixture
def busy(store, tmp_path):
    """The hand-counted store with an approved edition, a later load, a rollback and a draft."""
    editions.publish(store, "TDAG-23", AS_OF, START, user="ana")
    editions.approve(store, "TDAG-23", user="boss")
    late = load_file(store, _late_eoi(tmp_path), user="ana")
    load_file(store, _late_eoi(tmp_path, "E9", "2023-09-01"), user="ana")
    rollback(store, late.load_id, user="ana")
    editions.publish(store, "TDAG-24 draft", date(2023, 12, 31), START, user="ana")
    return store


def _outputs(path) -> dict:
    commands = {
        "kpis": ("kpis", "--json"),
        "kpis-period": ("kpis", "--json", "--from", "2023-01-25", "--as-of", "2023-12-31", "--region", "AFR"),
        "kpis-edition": ("kpis", "--edition", "TDAG-23", "--json"),
        "editions": ("editions", "--json"),
        "history": ("history", "--json"),
        "revisions": ("revisions", "TDAG-23", "--json"),
    }
    found = {}
    for key, args in commands.items():
        done = cli(*args, "--db", path)
        assert done.returncode == 0, (key, done.stderr)
        found[key] = json.loads(done.stdout)
    return found


def test_backup_then_restore_gives_identical_kpis_editions_and_history(busy, tmp_path):
    before = _outputs(busy.path)
    made = cli("backup", "--out", tmp_path / "nightly.tar.gz", "--db", busy.path)
    assert made.returncode == 0, made.stderr
    assert "2 editions, every checksum matching" in made.stdout
    target = tmp_path / "elsewhere" / "alliance.duckdb"
    restored = cli("restore", tmp_path / "nightly.tar.gz", "--db", target)
    assert restored.returncode == 0, restored.stderr
    assert _outputs(target) == before
    assert any(h["can_roll_back"] for h in before["history"])  # every kept state came along: rollbacks too
    verified = cli("verify", "--db", target)
    assert verified.returncode == 0 and "all match their checksums" in verified.stdout, verified.stderr
    for path in Store(target).snapshots.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o444, path


def test_a_backup_of_only_the_needed_states_keeps_the_editions_and_history(busy, tmp_path):
    made = cli("backup", "--out", tmp_path / "small.tar.gz", "--only-needed", "--db", busy.path)
    assert made.returncode == 0, made.stderr
    target = tmp_path / "small" / "alliance.duckdb"
    assert cli("restore", tmp_path / "small.tar.gz", "--db", target).returncode == 0
    before, after = _outputs(busy.path), _outputs(target)
    assert {k: v for k, v in after.items() if k != "history"} == {k: v for k, v in before.items() if k != "history"}
    assert [{**h, "can_roll_back": None} for h in after["history"]] == [{**h, "can_roll_back": None} for h in before["history"]]


def test_backup_works_while_the_store_is_read(busy, tmp_path):
    reader = duckdb.connect(str(busy.current()), read_only=True)  # a dashboard session
    try:
        done = cli("backup", "--out", tmp_path / "b.tar.gz", "--db", busy.path)
        assert done.returncode == 0, done.stderr
    finally:
        reader.close()


def test_restore_refuses_to_overwrite_an_existing_store(busy, empty_store, tmp_path):
    assert cli("backup", "--out", tmp_path / "b.tar.gz", "--db", busy.path).returncode == 0
    before = sorted(p.name for p in empty_store.snapshots.iterdir())
    done = cli("restore", tmp_path / "b.tar.gz", "--db", empty_store.path)
    assert done.returncode == 1
    assert f"There is a store at {empty_store.path} already" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in empty_store.snapshots.iterdir()) == before
    assert cli("editions", "--json", "--db", empty_store.path).stdout.strip() == "[]"


def test_restore_without_db_is_a_usage_error(tmp_path):
    done = cli("restore", tmp_path / "b.tar.gz")
    assert done.returncode == 2 and "--db" in done.stderr


def _flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def _state_changed(data: bytes) -> bytes:
    """The same backup with one byte of its current state changed and its manifest as it was."""
    source = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.endswith(".duckdb"):
                content = _flip_a_byte(content)
            tar.addfile(member, io.BytesIO(content))
    return out.getvalue()


def _member_dropped(data: bytes) -> bytes:
    source = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for member in source.getmembers()[1:]:
            tar.addfile(member, source.extractfile(member))
    return out.getvalue()


@pytest.mark.parametrize(
    "corrupt",
    [
        _flip_a_byte,
        lambda data: data[: len(data) // 2],
        _state_changed,
        _member_dropped,
        lambda data: b"not a backup at all",
    ],
    ids=["byte-flipped", "truncated", "state-changed", "state-missing", "not-a-backup"],
)
def test_a_corrupted_backup_is_refused_and_nothing_is_written(busy, tmp_path, corrupt):
    assert cli("backup", "--out", tmp_path / "b.tar.gz", "--db", busy.path).returncode == 0
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(corrupt((tmp_path / "b.tar.gz").read_bytes()))
    folder = tmp_path / "new"
    folder.mkdir()
    done = cli("restore", bad, "--db", folder / "alliance.duckdb")
    assert done.returncode == 1, done.stdout
    assert f"The backup {bad} is damaged" in done.stderr and "nothing was restored" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(folder.iterdir()) == []  # no store, no half-made folder


def test_backup_refuses_a_store_whose_edition_was_tampered_with(busy, tmp_path):
    state = tamper(busy).name
    done = cli("backup", "--out", tmp_path / "b.tar.gz", "--db", busy.path)
    assert done.returncode == 1
    assert f"stored state {state} does not match its checksum" in done.stderr
    assert "edition TDAG-23" in done.stderr
    assert not (tmp_path / "b.tar.gz").exists()
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]


def _backup_killed(store: Store, out, when) -> None:
    """Start `backup`, SIGKILL it once `when()` is true (or after 20 s), and wait for it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "alliance", "backup", "--out", str(out), "--db", str(store.path)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while process.poll() is None and not when() and time.monotonic() < deadline:
        time.sleep(0.001)
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_sigkill_during_backup_leaves_the_source_store_opening(busy, tmp_path):
    out = tmp_path / "b.tar.gz"
    partial = lambda: [p for p in tmp_path.iterdir() if p.name.startswith(".b.tar.gz.partial")]  # noqa: E731
    started = time.monotonic()
    points = [
        lambda: time.monotonic() - started > 0.2,  # starting up
        lambda: busy.lock_path.exists() and busy.lock_path.stat().st_size > 0,  # holding the writer lock
        lambda: bool(partial()),  # writing
        lambda: any(p.stat().st_size > 100_000 for p in partial()),  # well into it
        lambda: out.exists(),  # done, or nearly
    ]
    before = _outputs(busy.path)
    for when in points:
        started = time.monotonic()
        _backup_killed(busy, out, when)
        done = cli("kpis", "--json", "--db", busy.path)
        assert done.returncode == 0, done.stderr
        assert _outputs(busy.path) == before
        if out.exists():  # complete whenever it is there under its name
            target = tmp_path / f"restored-{len(list(tmp_path.iterdir()))}" / "alliance.duckdb"
            assert cli("restore", out, "--db", target).returncode == 0
        for leftover in partial():
            os.unlink(leftover)
    # The writer lock was freed by each kill: a load goes through.
    load_file(busy, _late_eoi(tmp_path, "E11", "2023-09-03"), user="ana")
    assert cli("backup", "--out", out, "--db", busy.path).returncode == 0
