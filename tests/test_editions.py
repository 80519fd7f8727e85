"""Editions: prepared, approved by another person, frozen through loads, rollbacks and prunes."""

import json
import os
import time
from datetime import date

import duckdb
import handcount
from conftest import cli
from docx import Document

from alliance import editions
from alliance.history import rollback
from alliance.ingest.load import load_file

PERIOD = ("--from", "2023-01-25", "--as-of", "2023-06-30")


def _late_eoi(tmp_path, eoi_id="E8", received_on="2023-06-15", country="FRA"):
    """A workbook with one EoI received inside the edition's period, reported after it was approved."""
    path = tmp_path / f"late-{eoi_id}.xlsx"
    header = handcount.SHEETS["EoIs"][0]
    row = [eoi_id, received_on, country, "Late Org", "academia", "join_network", "", "OTI", "received", "2023-R2"]
    handcount.write(path, {"EoIs": [header, row]})
    return path


def _published(store, name="TDAG-23"):
    assert cli("publish", name, *PERIOD, "--user", "ana", "--db", store.path).returncode == 0
    assert cli("approve", name, "--user", "boss", "--db", store.path).returncode == 0


def _kpis(store, *args):
    done = cli("kpis", *args, "--json", "--db", store.path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_edition_figures_survive_a_later_load_a_rollback_and_a_prune(store, tmp_path):
    _published(store)
    frozen = _kpis(store, "--edition", "TDAG-23")
    assert frozen == _kpis(store, *PERIOD)  # the edition's figures are the data's when approved
    assert frozen["eois"]["total"] == 6  # hand-counted: E1-E4, E6, E7 by 30 June 2023

    late = load_file(store, _late_eoi(tmp_path), user="ana")
    assert _kpis(store, *PERIOD)["eois"]["total"] == 7
    assert _kpis(store, "--edition", "TDAG-23") == frozen

    rollback(store, 1, user="ana")  # back to before the hand-counted register: no records at all
    assert _kpis(store, *PERIOD)["eois"]["total"] == 0
    assert _kpis(store, "--edition", "TDAG-23") == frozen
    assert late.load_id

    assert cli("prune", "--keep-days", "0", "--db", store.path).returncode == 0
    assert _kpis(store, "--edition", "TDAG-23") == frozen
    # The edition's stored state is kept, and still gives its figures when read afresh.
    edition = json.loads(cli("editions", "--json", "--db", store.path).stdout)[0]
    con = duckdb.connect(str(store.snapshot_path(edition["snapshot"])), read_only=True)
    try:
        from alliance.kpis import summary

        start, as_of = editions.period(edition)
        assert summary(con, as_of, period_start=start)["eois"]["total"] == 6
    finally:
        con.close()


def test_publishing_demo_rows_is_warned_on_the_command_line(store):
    from alliance.builtin import demo_raw
    from alliance.ingest.load import load_raw

    load_raw(store, demo_raw(), "demo", kind="demo", demo=True)
    done = cli("publish", "DEMO", *PERIOD, "--user", "ana", "--db", store.path)
    assert done.returncode == 0 and "demo rows" in done.stderr


def test_approval_by_the_preparer_is_refused_and_changes_nothing(store):
    assert cli("publish", "TDAG-23", *PERIOD, "--user", "ana", "--db", store.path).returncode == 0
    before = store.snapshot_name()
    refused = cli("approve", "TDAG-23", "--user", "ANA", "--db", store.path)
    assert refused.returncode == 1
    assert "cannot approve" in refused.stderr
    assert store.snapshot_name() == before
    assert json.loads(cli("editions", "--json", "--db", store.path).stdout)[0]["status"] == "draft"


def test_approval_is_recorded_in_the_history_with_who_and_when(store):
    _published(store)
    listed = json.loads(cli("editions", "--json", "--db", store.path).stdout)[0]
    assert (listed["prepared_by"], listed["approved_by"], listed["status"]) == ("ana", "boss", "published")
    assert listed["prepared_at"] <= listed["approved_at"]
    history = json.loads(cli("history", "--json", "--db", store.path).stdout)
    assert [(h["kind"], h["loaded_by"], h["file_name"]) for h in history[:2]] == [
        ("approve", "boss", "edition TDAG-23 approved"),
        ("publish", "ana", "edition TDAG-23 prepared"),
    ]


def test_an_approved_edition_cannot_be_approved_again(store):
    _published(store)
    again = cli("approve", "TDAG-23", "--user", "carol", "--db", store.path)
    assert again.returncode == 1 and "approved already" in again.stderr


def test_revisions_find_a_late_eoi_and_the_load_that_brought_it(store, tmp_path):
    _published(store)
    assert json.loads(cli("revisions", "TDAG-23", "--json", "--db", store.path).stdout) == []
    late = load_file(store, _late_eoi(tmp_path), user="ana")
    found = {r["kpi"]: r for r in json.loads(cli("revisions", "TDAG-23", "--json", "--db", store.path).stdout)}
    assert (found["eois.total"]["edition"], found["eois.total"]["now"]) == (6, 7)
    assert (found["eois.by_region.EUR"]["edition"], found["eois.by_region.EUR"]["now"]) == (1, 2)
    assert found["capabilities.OTI.eois"]["now"] == found["capabilities.OTI.eois"]["edition"] + 1
    assert [x["load_id"] for x in found["eois.total"]["loads"]] == [late.load_id]
    assert "events.total" not in found  # an EoI changes no event figure


def test_revisions_name_the_load_by_its_tables_when_the_states_around_it_were_pruned(store, tmp_path):
    _published(store)
    late = load_file(store, _late_eoi(tmp_path), user="ana")
    load_file(store, _late_eoi(tmp_path, "E9", "2023-09-01"), user="ana")  # after the period: changes nothing
    assert cli("prune", "--keep-days", "0", "--db", store.path).returncode == 0
    found = {r["kpi"]: r for r in editions.revisions(store, "TDAG-23")}
    assert set(found) >= {"eois.total", "eois.countries"}
    named = found["eois.total"]["loads"]
    assert late.load_id in [x["load_id"] for x in named]
    assert all("pruned" in x.get("found_by", "") for x in named)


def test_prune_keeps_the_newest_and_every_editions_state_and_history_says_what_cannot_be_rolled_back(store, tmp_path):
    _published(store)  # loads 2 (publish) and 3 (approve)
    edition = editions.editions(store.connect())[0]
    late = load_file(store, _late_eoi(tmp_path), user="ana")
    old = time.time() - 40 * 86400
    for path in store.snapshots.glob("snap-*.duckdb"):
        os.utime(path, (old, old))
    load_file(store, _late_eoi(tmp_path, "E9", "2023-09-01"), user="ana")  # its state before is 40 days old
    recent = load_file(store, _late_eoi(tmp_path, "E10", "2023-09-02"), user="ana")  # its state before is new
    done = cli("prune", "--keep-days", "30", "--db", store.path)
    assert done.returncode == 0, done.stderr
    kept = {p.name for p in store.snapshots.glob("snap-*.duckdb")}
    assert edition["snapshot"] in kept
    history = {h["load_id"]: h for h in json.loads(cli("history", "--json", "--db", store.path).stdout)}
    assert history[late.load_id]["can_roll_back"] is False  # the state before it was 40 days old
    assert history[1]["can_roll_back"] is False
    assert history[recent.load_id]["can_roll_back"] is True
    prune_record = max(history.values(), key=lambda h: h["load_id"])
    assert prune_record["kind"] == "prune" and str(late.load_id) in prune_record["note"]
    refused = cli("rollback", late.load_id, "--db", store.path)
    assert refused.returncode == 1 and "can no longer be rolled back" in refused.stderr
    assert "can no longer be rolled back" in cli("history", "--db", store.path).stdout


def test_prune_with_nothing_old_enough_writes_nothing(store):
    before = store.snapshot_name()
    done = cli("prune", "--keep-days", "30", "--db", store.path)
    assert done.returncode == 0 and "nothing to prune" in done.stdout
    assert store.snapshot_name() == before


def test_prune_refuses_a_negative_number_of_days(store):
    assert cli("prune", "--keep-days", "-1", "--db", store.path).returncode == 2


def test_publish_refuses_a_name_given_before_and_a_name_unfit_for_a_link(store):
    _published(store)
    taken = cli("publish", "tdag-23", *PERIOD, "--db", store.path)
    assert taken.returncode == 1 and "exists already" in taken.stderr
    bad = cli("publish", "<b>x</b>", *PERIOD, "--db", store.path)
    assert bad.returncode == 1 and "not a usable edition name" in bad.stderr
    assert cli("publish", "X", "--from", "2023-07-01", "--as-of", "2023-06-30", "--db", store.path).returncode == 2


def test_editions_json_lists_newest_first_in_the_contract_shape(store):
    _published(store, "TDAG-23")
    assert (
        cli(
            "publish", "TDAG-24", "--as-of", "2023-12-31", "--note", "draft for review", "--user", "ana", "--db", store.path
        ).returncode
        == 0
    )
    listed = json.loads(cli("editions", "--json", "--db", store.path).stdout)
    assert [e["name"] for e in listed] == ["TDAG-24", "TDAG-23"]
    keys = {"name", "from", "as_of", "status", "prepared_by", "prepared_at", "approved_by", "approved_at", "note"}
    assert all(keys <= set(e) for e in listed)
    assert (listed[0]["from"], listed[0]["status"], listed[0]["approved_by"], listed[0]["note"]) == (
        None,
        "draft",
        None,
        "draft for review",
    )


def test_kpis_of_an_edition_by_region_and_usage_errors(store):
    _published(store)
    africa = _kpis(store, "--edition", "TDAG-23", "--region", "AFR")
    assert africa == _kpis(store, *PERIOD, "--region", "AFR")
    assert africa["eois"]["total"] == 2  # E2, E3 (Kenya)
    assert cli("kpis", "--edition", "TDAG-23", "--as-of", "2023-06-30", "--json", "--db", store.path).returncode == 2
    unknown = cli("kpis", "--edition", "TDAG-99", "--json", "--db", store.path)
    assert unknown.returncode == 1 and "TDAG-23" in unknown.stderr


def test_report_from_an_edition_names_it_and_gives_its_figures_after_a_later_load(store, tmp_path):
    _published(store)
    load_file(store, _late_eoi(tmp_path), user="ana")
    out = tmp_path / "r.docx"
    done = cli("report", "--edition", "TDAG-23", "--out", out, "--no-images", "--db", store.path)
    assert done.returncode == 0, done.stderr
    doc = Document(str(out))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "TDAG-23, approved by boss" in text
    assert "?edition=TDAG-23" in text
    assert "6 expressions of interest were received" in text  # the edition's figure, not today's 7
    assert "25 January 2023 to 30 June 2023" in text
    again = tmp_path / "r2.docx"
    cli("report", "--edition", "TDAG-23", "--out", again, "--no-images", "--db", store.path)
    assert [p.text for p in Document(str(again)).paragraphs] == [p.text for p in doc.paragraphs]


def test_approval_refuses_a_blank_name_and_the_preparer_written_differently(store):
    assert cli("publish", "TDAG-23", *PERIOD, "--user", "alice smith", "--db", store.path).returncode == 0
    for other in ("  ", "ａlice smith", "alice\u200b smith", "alice  smith", "Alice Smith "):
        refused = cli("approve", "TDAG-23", "--user", other, "--db", store.path)
        assert refused.returncode == 1, other
    assert json.loads(cli("editions", "--json", "--db", store.path).stdout)[0]["status"] == "draft"
    assert cli("publish", "X", *PERIOD, "--user", " ", "--db", store.path).returncode == 1


def test_an_edition_cannot_take_the_name_of_the_dashboards_own_choices(store):
    for name in ("Live data", "a date"):
        refused = cli("publish", name, *PERIOD, "--user", "ana", "--db", store.path)
        assert refused.returncode == 1 and "another name" in refused.stderr


def test_kpis_of_a_draft_or_of_no_name_is_refused(store):
    assert cli("publish", "TDAG-23", *PERIOD, "--user", "ana", "--db", store.path).returncode == 0
    draft = cli("kpis", "--edition", "TDAG-23", "--json", "--db", store.path)
    assert draft.returncode == 1 and "draft" in draft.stderr and draft.stdout == ""
    assert cli("kpis", "--edition", "", "--json", "--db", store.path).returncode == 2


def test_names_are_found_whatever_their_case(store):
    assert cli("publish", "TDAG-23", *PERIOD, "--user", "ana", "--db", store.path).returncode == 0
    assert cli("approve", "tdag-23", "--user", "boss", "--db", store.path).returncode == 0
    assert _kpis(store, "--edition", "Tdag-23")["eois"]["total"] == 6


def test_the_latest_approved_edition_is_the_one_approved_last_even_within_one_second(store):
    for name in ("A1", "Z9", "B2"):
        editions.publish(store, name, date(2023, 6, 30), user="ana")
        editions.approve(store, name, user="boss")
    con = store.connect()
    try:
        assert editions.latest_published(con)["name"] == "B2"
        assert [e["name"] for e in editions.editions(con)] == ["B2", "Z9", "A1"]
    finally:
        con.close()


def test_revisions_do_not_blame_a_load_that_a_rollback_undid(store, tmp_path):
    _published(store)
    kept = load_file(store, _late_eoi(tmp_path), user="ana")
    undone = load_file(store, _late_eoi(tmp_path, "E9", "2023-06-20", "ITA"), user="ana")
    rollback(store, undone.load_id, user="ana")
    found = {r["kpi"]: r for r in editions.revisions(store, "TDAG-23")}
    assert (found["eois.total"]["edition"], found["eois.total"]["now"]) == (6, 7)
    assert [x["load_id"] for x in found["eois.total"]["loads"]] == [kept.load_id]


def test_editions_record_the_os_accounts_that_prepared_and_approved_them_beside_the_names(store):
    from test_history import os_account

    _published(store)
    assert cli("publish", "TDAG-24", "--as-of", "2023-12-31", "--user", "ana", "--db", store.path).returncode == 0
    approved, draft = json.loads(cli("editions", "--json", "--db", store.path).stdout)[::-1]
    assert (approved["prepared_by"], approved["prepared_by_account"]) == ("ana", os_account())
    assert (approved["approved_by"], approved["approved_by_account"]) == ("boss", os_account())
    assert (draft["prepared_by_account"], draft["approved_by_account"]) == (os_account(), None)
    listed = cli("editions", "--db", store.path).stdout
    assert f"prepared by ana (OS account {os_account()})" in listed and f"approved by boss (OS account {os_account()})" in listed
    said = cli("approve", "TDAG-24", "--user", "carol", "--db", store.path).stdout
    assert said.startswith(f"edition TDAG-24 approved by carol (OS account {os_account()})")
