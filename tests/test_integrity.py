"""Tampering is caught: stored states carry their SHA-256, editions theirs from approval, and a changed one is
refused by name everywhere it could be shown."""

import hashlib
import json
import os
import shutil
import stat
import tarfile
from datetime import date
from pathlib import Path

import pytest
from conftest import cli
from test_editions import _late_eoi

from alliance import AllianceError, editions, integrity
from alliance.ingest.load import load_file
from alliance.store import Store

AS_OF, START = date(2023, 6, 30), date(2023, 1, 25)
FIXTURE = Path(__file__).parent / "fixtures" / "store-schema4-ec69bc8.tar.xz"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def published(store, tmp_path):
    """The hand-counted store with edition TDAG-23 (6 EoIs) approved, then a load adding an EoI (7 now)."""
    editions.publish(store, "TDAG-23", AS_OF, START, user="ana")
    editions.approve(store, "TDAG-23", user="boss")
    load_file(store, _late_eoi(tmp_path), user="ana")
    return store


def _edition(store: Store, name: str = "TDAG-23") -> dict:
    con = store.connect()
    try:
        return editions.get(con, name)
    finally:
        con.close()


def tamper(store: Store, name: str = "TDAG-23") -> Path:
    """Do what the issue's attacker did: rename a copy of another stored state (the current one) over the edition's."""
    target = store.snapshot_path(_edition(store, name)["snapshot"])
    copy = store.snapshots / ".copy.duckdb"
    shutil.copyfile(store.current(), copy)
    os.replace(copy, target)
    return target


def test_every_stored_state_is_read_only_with_its_checksum_beside_it(published):
    states = sorted(published.snapshots.glob("snap-*.duckdb"))
    assert len(states) >= 4
    for path in states:
        assert stat.S_IMODE(path.stat().st_mode) == 0o444, path.name
        side = integrity.sidecar(path)
        assert stat.S_IMODE(side.stat().st_mode) == 0o444
        assert side.read_text() == f"{_sha256(path)}  {path.name}\n"  # as sha256sum writes it


def test_approving_records_the_editions_checksum_under_its_casefolded_name(published):
    edition = _edition(published)
    record = published.snapshots / "editions" / "tdag-23.sha256"
    assert record.read_text() == f"{_sha256(published.snapshot_path(edition['snapshot']))}  {edition['snapshot']}\n"
    assert stat.S_IMODE(record.stat().st_mode) == 0o444


def test_an_untampered_edition_gives_its_frozen_figures(published):
    done = cli("kpis", "--edition", "tdag-23", "--db", published.path, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["eois"]["total"] == 6


@pytest.mark.parametrize(
    "command",
    [
        ("kpis", "--edition", "TDAG-23", "--json"),
        ("kpis", "--edition", "tdag-23", "--json", "--region", "AFR"),
        ("report", "--edition", "TDAG-23", "--no-images", "--out", "{out}"),
        ("revisions", "TDAG-23"),
        ("revisions", "TDAG-23", "--json"),
    ],
    ids=["kpis", "kpis-region", "report", "revisions", "revisions-json"],
)
def test_a_tampered_edition_is_refused_by_name_on_the_command_line(published, tmp_path, command):
    """Renaming a copy with other data over an edition's state changed what `report --edition` said, silently."""
    tamper(published)
    out = tmp_path / "r.docx"
    done = cli(*(a.format(out=out) for a in command), "--db", published.path)
    assert done.returncode == 1
    assert "The edition 'TDAG-23' is refused" in done.stderr and "no longer matches" in done.stderr
    assert "Traceback" not in done.stderr
    assert '"eois"' not in done.stdout and '"kpi"' not in done.stdout  # no figure under its name
    assert not out.exists()


def test_verify_exits_1_naming_the_tampered_edition_and_its_state(published):
    state = tamper(published).name
    done = cli("verify", "--db", published.path)
    assert done.returncode == 1
    assert f"edition TDAG-23 (stored state {state}): does not match its checksum" in done.stderr
    assert f"stored state {state}: does not match its checksum" in done.stderr
    assert "2 problems" in done.stderr
    listed = json.loads(cli("verify", "--db", published.path, "--json").stdout)
    assert {(r["kind"], r["name"]) for r in listed if r["verdict"] == "mismatch"} == {("state", state), ("edition", "TDAG-23")}


def test_verify_exits_0_with_one_line_when_everything_matches(published):
    done = cli("verify", "--db", published.path)
    assert done.returncode == 0, done.stderr
    states = len(list(published.snapshots.glob("snap-*.duckdb")))
    assert done.stdout == f"{states} stored states and 1 edition: all match their checksums\n"


def test_a_state_made_before_checksums_is_reported_not_recorded_without_failing(published):
    first = sorted(published.snapshots.glob("snap-*.duckdb"))[0]
    integrity.sidecar(first).unlink()
    done = cli("verify", "--db", published.path)
    assert done.returncode == 0, done.stderr
    assert f"stored state {first.name}: not recorded (made before checksums)" in done.stdout
    assert "(1 not recorded: made before checksums)" in done.stdout
    assert not integrity.sidecar(first).exists()  # never blessed on sight


def test_a_state_changed_in_place_is_caught_though_the_verdict_is_cached(published):
    """The verdict is kept per file identity (size, times, inode): writing into the file changes them."""
    path = published.snapshot_path(_edition(published)["snapshot"])
    integrity.ensure_edition(published.snapshots, _edition(published))
    os.chmod(path, 0o644)
    with open(path, "r+b") as handle:
        handle.seek(5000)
        handle.write(b"\x00\x01")
    with pytest.raises(integrity.Tampered, match="TDAG-23"):
        integrity.ensure_edition(published.snapshots, _edition(published))


def test_checking_an_edition_again_hashes_nothing(published, monkeypatch):
    edition = _edition(published)
    integrity.ensure_edition(published.snapshots, edition)

    def fail(*args):
        raise AssertionError("hashed again")

    monkeypatch.setattr(integrity.hashlib, "sha256", fail)
    for _ in range(100):
        integrity.ensure_edition(published.snapshots, edition)


def test_a_draft_whose_state_changed_cannot_be_approved(store, tmp_path):
    editions.publish(store, "TDAG-23", AS_OF, START, user="ana")
    load_file(store, _late_eoi(tmp_path), user="ana")
    tamper(store)
    with pytest.raises(AllianceError, match="'TDAG-23' is refused"):
        editions.approve(store, "TDAG-23", user="boss")
    assert _edition(store)["status"] == "draft"
    assert not (store.snapshots / "editions" / "tdag-23.sha256").exists()


def _text(at) -> str:
    return " ".join(p.value for p in [*at.error, *at.info, *at.warning, *at.caption, *at.markdown, *at.success])


@pytest.mark.parametrize("page", ["overview", "regions", "centers", "events", "milestones", "report"])
def test_a_page_at_a_tampered_editions_link_names_it_and_shows_no_figures(published, app, page):
    tamper(published)
    at = app(page, edition="TDAG-23")
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "The edition TDAG\\-23 cannot be shown" in errors
    assert not at.metric and not at.get("plotly_chart") and not at.dataframe
    assert "approved by boss" not in _text(at)  # no banner vouching for it


def test_published_only_mode_refuses_a_tampered_latest_edition_rather_than_show_other_figures(published, app, monkeypatch):
    tamper(published)
    monkeypatch.setenv("ALLIANCE_PUBLISHED_ONLY", "1")
    at = app("overview")
    assert not at.exception
    assert "The edition TDAG\\-23 cannot be shown" in " ".join(e.value for e in at.error)
    assert not at.metric


def test_the_revisions_page_refuses_a_tampered_edition(published, app):
    tamper(published)
    at = app("revisions", edition="TDAG-23")
    assert not at.exception
    assert "The edition TDAG\\-23 cannot be shown" in " ".join(e.value for e in at.error)
    assert not at.dataframe


def test_the_overview_leaves_a_tampered_edition_out_of_its_comparison(published, app):
    tamper(published)
    at = app("overview", as_of="2023-06-30", **{"from": "2023-01-25"})
    assert not at.exception
    assert "Not offered for comparison: TDAG\\-23" in " ".join(w.value for w in at.warning)
    eois = next(m for m in at.metric if m.label == "EoIs")
    assert eois.value == "7" and "TDAG" not in (eois.delta or "")


def test_an_untampered_edition_page_still_shows_its_figures(published, app):
    at = app("overview", edition="TDAG-23")
    assert not at.exception and not at.error
    assert next(m for m in at.metric if m.label == "EoIs").value == "6"


@pytest.fixture
def old_store(tmp_path) -> Store:
    """A store made before checksums (schema 4, commit ec69bc8) holding the approved edition TDAG-23."""
    with tarfile.open(FIXTURE) as archive:
        archive.extractall(tmp_path, filter="data")
    return Store(tmp_path / "schema4-ec69bc8" / "alliance.duckdb")


def test_an_edition_approved_before_checksums_is_recorded_at_the_first_upgrade(old_store):
    assert not list(old_store.snapshots.glob("*.sha256"))
    done = cli("kpis", "--edition", "TDAG-23", "--db", old_store.path, "--json")  # upgrades the store
    assert done.returncode == 0, done.stderr
    edition = _edition(old_store)
    record = old_store.snapshots / "editions" / "tdag-23.sha256"
    assert record.read_text() == f"{_sha256(old_store.snapshot_path(edition['snapshot']))}  {edition['snapshot']}\n"
    checked = cli("verify", "--db", old_store.path)
    assert checked.returncode == 0, checked.stderr
    assert "not recorded (made before checksums)" in checked.stdout  # the old states themselves stay unrecorded
    tamper(old_store)
    refused = cli("kpis", "--edition", "TDAG-23", "--db", old_store.path, "--json")
    assert refused.returncode == 1 and "'TDAG-23' is refused" in refused.stderr
