"""Nothing a colleague or a stray request does surprises anyone: rollbacks, replaces, the lock, storage errors, privacy."""

import json
import os
from types import SimpleNamespace

import pytest
from conftest import cli

from alliance import AllianceError
from alliance.history import rollback
from alliance.ingest.load import load_file


def _add_eoi(store, tmp_path, eoi_id: str) -> None:
    path = tmp_path / "eois.csv"
    path.write_text(f"eoi_id,received_on,country,organization,request,status\n{eoi_id},2023-02-01,KEN,Org,other,received\n")
    load_file(store, path, user="colleague@itu.int")


def test_rollback_refuses_when_the_store_changed_since_it_was_confirmed(store, tmp_path):
    """A rollback silently undid a colleague's load made after the confirmation was ticked."""
    seen = store.snapshot_name()
    _add_eoi(store, tmp_path, "X1")  # a colleague loads meanwhile
    with pytest.raises(AllianceError, match=r"changed since you confirmed \(load 2 \(load\) by colleague@itu.int"):
        rollback(store, 1, user="me", expected_snapshot=seen)
    con = store.connect()
    assert con.execute("select count(*) from eois where eoi_id = 'X1'").fetchall() == [(1,)]
    con.close()
    rollback(store, 1, user="me", expected_snapshot=store.snapshot_name())  # confirmed on what is there now


def test_history_page_lists_every_later_load_a_rollback_undoes(app, store, tmp_path):
    _add_eoi(store, tmp_path, "X1")
    _add_eoi(store, tmp_path, "X2")
    at = app("history")
    at.selectbox(key="rollback_load_0").set_value(1).run()
    later = at.dataframe[-1].value
    assert list(later["load"]) == [2, 3] and set(later["by"]) == {"colleague@itu.int"}
    assert "The 2 later loads below are undone too." in " ".join(w.value for w in at.warning)


def test_replacing_initiatives_that_rows_still_name_is_refused_naming_them(store, tmp_path):
    """A one-row Initiatives sheet with --replace left 67 of 75 activities pointing nowhere."""
    path = tmp_path / "initiatives.csv"
    path.write_text("code,cycle,region,title\nEUR5,WTDC-22,EUR,Kept\n")
    done = cli("load", path, "--replace", "--db", store.path)
    assert done.returncode == 1
    assert "would remove WTDC-22 AFR4, which activity 'A1' and 1 more name" in done.stderr
    con = store.connect()
    assert con.execute("select count(*) from initiatives where cycle = 'WTDC-22'").fetchall()[0][0] > 1
    con.close()


def test_a_writer_waits_for_the_lock_then_names_who_holds_it(store, monkeypatch):
    monkeypatch.setenv("ALLIANCE_LOCK_WAIT_S", "0.3")
    with store.lock():
        with pytest.raises(AllianceError, match=r"The store is busy: process \d+ of .* has been writing since"):
            with store.write():
                pass


def test_a_failed_write_leaves_no_temporary_file(store, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("alliance.store.shutil.copyfile", full_disk)
    with pytest.raises(OSError):
        with store.write():
            pass
    assert not list(store.snapshots.glob(".tmp-*"))


def test_storage_errors_are_plain_messages_and_json_with_json(store):
    snapshot = store.current()
    os.chmod(snapshot, 0o644)
    snapshot.write_bytes(b"not a database at all" * 100)  # a damaged snapshot
    done = cli("kpis", "--db", store.path, "--json")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert json.loads(done.stdout)["status"] == "error"
    assert "could not be read or written, and nothing was changed" in done.stderr


def test_history_prints_file_names_without_terminal_escapes(store, tmp_path):
    import openpyxl

    # A new row: a file that changes nothing is not loaded (nor listed) at all.
    path = tmp_path / "register\x1b[31m.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "EoIs"
    sheet.append(["eoi_id", "received_on", "country", "organization", "request", "status"])
    sheet.append(["E99", "2023-05-01", "KEN", "Org", "other", "received"])
    workbook.save(path)
    load_file(store, path)
    done = cli("history", "--db", store.path)
    assert "\x1b" not in done.stdout and "register\\x1b[31m.xlsx" in done.stdout


def test_viewers_do_not_see_who_loaded(app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_READ_ONLY", "1")
    at = app("history")
    assert not at.exception
    assert "by" not in at.dataframe[0].value.columns and "file" not in at.dataframe[0].value.columns
    captions = " ".join(c.value for c in at.caption)
    assert "tester" not in captions and "handcount.xlsx" not in captions


def test_analysts_see_who_loaded(app):
    at = app("history")
    assert "by" in at.dataframe[0].value.columns


def test_upload_guard_keeps_no_file_for_a_session_that_may_not_upload(monkeypatch):
    """On a read-only server, 20 PUTs of 45 MB to /_stcore/upload_file/... all stayed in memory."""
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    from components import upload_guard

    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    runtime = SimpleNamespace(uploaded_file_mgr=manager, is_active_session=lambda session: True)
    monkeypatch.setattr("streamlit.runtime.exists", lambda: True)
    monkeypatch.setattr("streamlit.runtime.get_instance", lambda: runtime)
    for session, may_upload in (("viewer", False), ("analyst", True)):
        monkeypatch.setattr(upload_guard, "_session_id", lambda session=session: session)
        upload_guard.guard(may_upload)
        manager.add_file(session, UploadedFileRec("f1", "x.xlsx", "application/octet-stream", b"x" * 1000))
    assert manager.get_files("viewer", ["f1"]) == []
    assert len(manager.get_files("analyst", ["f1"])) == 1


def test_report_writes_a_title_with_a_control_character_loaded_before_the_load_refused_them(store, tmp_path):
    """One control character in an event title stopped the TDAG report for everyone."""
    with store.write() as con:
        con.execute("update events set title = 'Regional forum' || chr(11) || ' session 2' where event_id = 'V1'")
    done = cli("report", "--db", store.path, "--as-of", "2023-06-30", "--out", tmp_path / "r.docx", "--no-images")
    assert done.returncode == 0, done.stderr


def test_a_replace_confirmed_before_a_colleagues_load_is_refused(store, tmp_path):
    """A replace removed rows a colleague loaded between the tick and the click, which nobody confirmed."""
    from alliance.ingest.apply import apply
    from alliance.ingest.load import check

    path = tmp_path / "eois.csv"
    path.write_text(
        "eoi_id,received_on,country,organization,request,status\nE1,2023-02-01,KOR,Ministry A,establish_center,validated\n"
    )
    validation = check(store, path, replace=True)
    seen = store.snapshot_name()
    (tmp_path / "colleague").mkdir()
    _add_eoi(store, tmp_path / "colleague", "X1")
    with pytest.raises(AllianceError, match="changed since you confirmed the removals"):
        apply(store, validation, "eois.csv", "", replace=True, expected_snapshot=seen)
    con = store.connect()
    assert con.execute("select count(*) from eois where eoi_id = 'X1'").fetchall() == [(1,)]
    con.close()


def test_rows_loaded_without_a_source_name_their_load_not_the_file(store, tmp_path):
    """A file named after its uploader ("events (maria.lopez@itu.int).csv") reached viewers through every row's source."""
    path = tmp_path / "eois (maria.lopez@itu.int).csv"
    path.write_text("eoi_id,received_on,country,organization,request,status\nX1,2023-02-01,KEN,Org,other,received\n")
    load_file(store, path, name="eois.csv")
    con = store.connect()
    assert con.execute("select source from eois where eoi_id = 'X1'").fetchall() == [("upload (load 2)",)]
    con.close()


def test_a_rejection_counts_every_problem_of_the_cross_sheet_check(store, tmp_path, monkeypatch):
    monkeypatch.setattr("alliance.ingest.problems.PROBLEMS_PER_COLUMN", 10)
    path = tmp_path / "centers.csv"
    rows = "".join(f"C{i},Center,KEN,TAC,national,selected,NOPE{i}\n" for i in range(30))
    path.write_text("center_id,name,country,center_type,scope,status,eoi_id\n" + rows)
    with pytest.raises(AllianceError, match=r"rejected, 30 problem\(s\) found") as refused:
        load_file(store, path)
    assert "... and 20 more problems in this column" in str(refused.value)


def test_a_problem_quotes_at_most_a_readable_length_of_a_cell(store, tmp_path):
    path = tmp_path / "eois.csv"
    path.write_text(
        "eoi_id,received_on,country,organization,request,status\nX1,2023-02-01," + "Z" * 100_000 + ",Org,other,received\n"
    )
    with pytest.raises(AllianceError) as refused:
        load_file(store, path)
    assert len(str(refused.value)) < 2_000


def test_load_json_rejection_counts_every_problem(store, tmp_path, monkeypatch):
    path = tmp_path / "centers.csv"
    rows = "".join(f"C{i},Center,KEN,TAC,national,selected,NOPE{i}\n" for i in range(120))
    path.write_text("center_id,name,country,center_type,scope,status,eoi_id\n" + rows)
    done = cli("load", path, "--json", "--db", store.path)
    result = json.loads(done.stdout)
    assert done.returncode == 1 and result["total"] == 120 and len(result["problems"]) == 101  # 100 and one line
