"""The Upload page: check, preview, and a write only when the load button is pressed."""

import io
from pathlib import Path

import openpyxl
import pytest
from conftest import cli

from alliance.history import history
from alliance.schema import SHEETS
from alliance.workbook import template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

GOOD_CSV = (
    b"eoi_id,received_on,country,organization,request,status\n"
    b"E1,2023-02-01,KOR,Ministry A,establish_center,onboarded\n"
    b"E2,2023-03-15,KEN,University B,strengthen_center,under_review\n"
    b"X1,2023-06-01,FRA,Org X,join_network,received\n"
)


def eoi_count(store) -> int:
    con = store.connect()
    try:
        return con.execute("select count(*) from eois").fetchall()[0][0]
    finally:
        con.close()


def upload(at, name: str, content: bytes, mime: str = "text/csv"):
    at.file_uploader[0].set_value((name, content, mime))
    return at.run()


def texts(elements) -> str:
    return " ".join(e.value for e in elements)


def test_upload_previews_a_good_csv_and_writes_only_on_commit(app, store):
    before = (store.snapshot_name(), eoi_count(store))
    at = upload(app("upload"), "eois.csv", GOOD_CSV)
    assert not at.exception
    assert "Ready: 3 rows in 1 sheet" in texts(at.success)
    preview = at.dataframe[0].value
    assert preview.to_dict("records") == [{"sheet": "EoIs", "new": 1, "updated": 1, "removed": 0, "unchanged": 1}]
    changes = at.dataframe[2].value
    assert {"row": 2, "id": "E1", "column": "status", "old": "validated", "new": "onboarded"} in changes.to_dict("records")
    assert (store.snapshot_name(), eoi_count(store)) == before

    at.checkbox[0].check().run()  # replace on: E4 would go, but center C3 names it: refused, nothing written
    problems = at.dataframe[0].value
    assert "replacing the EoIs would remove 'E4', which center 'C3' names" in " ".join(problems["problem"].astype(str))
    at.checkbox[0].uncheck().run()
    assert (store.snapshot_name(), eoi_count(store)) == before

    at.button(key="commit").click().run()
    assert not at.exception
    assert eoi_count(store) == before[1] + 1
    latest = history(store.connect())[0]
    assert (latest["load_id"], latest["kind"], latest["file_name"], latest["inserted"], latest["updated"]) == (
        2,
        "load",
        "eois.csv",
        1,
        1,
    )
    assert "as load 2" in texts(at.success)
    assert at.file_uploader[0].value is None  # the loaded file is not offered again


def test_upload_bad_country_lists_the_problem_and_writes_nothing(app, store):
    before = (store.snapshot_name(), eoi_count(store))
    bad = GOOD_CSV.replace(b"FRA", b"Atlantis")
    at = upload(app("upload"), "eois.csv", bad)
    assert not at.exception
    assert "1 problem in 1 row: nothing will be written" in texts(at.error)
    [problem] = at.dataframe[0].value.to_dict("records")
    assert (problem["sheet"], problem["row"], problem["column"], problem["value"]) == ("eois", 4, "country", "Atlantis")
    assert not [b for b in at.button if b.key == "commit"]
    assert (store.snapshot_name(), eoi_count(store)) == before


def test_upload_refuses_a_file_that_is_not_a_workbook_plainly(app, store):
    before = store.snapshot_name()
    at = upload(app("upload"), "x.xlsx", b"%PDF-1.4 not a workbook", "application/pdf")
    assert not at.exception
    [error] = at.error
    assert "not an" in error.value and "workbook" in error.value
    assert not at.dataframe
    assert store.snapshot_name() == before


def test_upload_reports_an_ignored_extra_sheet(app):
    wb = openpyxl.Workbook()
    wb.active.title = "EoIs"
    wb["EoIs"].append(["eoi_id", "received_on", "country", "organization", "request", "status"])
    wb["EoIs"].append(["X2", "2023-05-01", "Kenya", "Org Y", "other", "received"])
    wb.create_sheet("Pivot")["A1"] = "Region"
    buffer = io.BytesIO()
    wb.save(buffer)
    at = upload(
        app("upload"),
        "register.xlsx",
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert not at.exception
    notices = texts(at.info)
    assert "Pivot" in notices and "ignored" in notices
    assert at.dataframe[0].value.iloc[0]["new"] == 1


def frame_with(at, column: str):
    """The first table on the page holding `column`."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_preview_shows_new_rows_as_filed_and_stored_in_file_order(app):
    csv = (
        b"eoi_id,received_on,country,organization,request,status\n"
        b"Z9,15/04/2023,Korea (Rep. of),Org Z,other,Under review\n"
        b"A1,2023-05-01,KEN,Org A,other,received\n"
    )
    at = upload(app("upload"), "eois.csv", csv)
    assert not at.exception
    new = frame_with(at, "received_on")
    # The spreadsheet's order and row numbers, not the ids' order.
    assert list(new["row"]) == [2, 3] and list(new["eoi_id"]) == ["Z9", "A1"]
    first, second = new.to_dict("records")
    assert first["received_on"] == "15/04/2023 \u2192 15 April 2023"
    assert first["country"] == "Korea (Rep. of) \u2192 KOR"
    assert first["status"] == "Under review \u2192 under_review"
    # Written as stored: the stored value alone.
    assert (second["received_on"], second["country"], second["status"]) == ("1 May 2023", "KEN", "received")


def test_preview_shows_old_and_new_values_of_a_changed_row(app):
    csv = (
        b"eoi_id,received_on,country,organization,request,status\n"
        b"E2,2023-03-15,KEN,University B,strengthen_center,under_review\n"
        b"E1,02/03/2023,KOR,Ministry A,establish_center,validated\n"
    )
    at = upload(app("upload"), "eois.csv", csv)
    assert not at.exception
    changes = frame_with(at, "old").to_dict("records")
    assert changes == [
        {"row": 3, "id": "E1", "column": "received_on", "old": "1 February 2023", "new": "02/03/2023 \u2192 2 March 2023"}
    ]


def test_wrong_choice_value_gets_a_suggestion_of_the_closest_allowed_values(app):
    bad = GOOD_CSV.replace(b"join_network,received", b"join_network,recieved").replace(b"onboarded", b"approved")
    at = upload(app("upload"), "eois.csv", bad)
    assert not at.exception
    problems = {p["value"]: p for p in at.dataframe[0].value.to_dict("records")}
    assert problems["recieved"]["suggestion"] == "received"
    assert problems["approved"]["suggestion"] == "received or onboarded"
    # The sentences, readable in full at any width (escaped Markdown: read without the backslashes).
    sentences = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "eois row 2, status: 'approved' is not an allowed eoi status" in sentences
    assert "(did you mean 'received' or 'onboarded'?)" in sentences


def template_with_eois(store, rows: list[list]) -> bytes:
    """Our own template (Instructions, Lists and every sheet) with rows typed into EoIs."""
    path = store.path.parent / "template.xlsx"
    con = store.connect()
    try:
        template(con, str(path))
    finally:
        con.close()
    workbook = openpyxl.load_workbook(path)
    for row in rows:
        workbook["EoIs"].append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_template_upload_with_one_filled_sheet_raises_no_notice_about_its_own_sheets(app, store):
    content = template_with_eois(
        store,
        [
            ["N1", "2023-05-01", "Kenya", "Org N", None, "other", None, None, "received"],
            ["N2", "2023-05-02", "KEN", "Org M", None, "other", None, None, "received"],
        ],
    )
    at = upload(app("upload"), "alliance_upload_template.xlsx", content, XLSX)
    assert not at.exception
    notices = texts(at.info) + texts(at.warning)
    assert "Instructions" not in notices and "Lists" not in notices and "no rows" not in notices
    empty = len(SHEETS) - 1  # the template's other sheets, with a header and no rows
    assert f"Ready: 2 rows in 1 sheet; {empty} empty sheets and 2 template sheets ignored." in texts(at.success)


def test_other_unknown_sheets_still_raise_a_notice_beside_the_template(app, store):
    workbook = openpyxl.load_workbook(io.BytesIO(template_with_eois(store, [["N1", "2023-05-01", "KEN", "Org", None, "other"]])))
    workbook["EoIs"]["I2"] = "received"
    workbook.create_sheet("Pivot")["A1"] = "Region"
    buffer = io.BytesIO()
    workbook.save(buffer)
    at = upload(app("upload"), "register.xlsx", buffer.getvalue(), XLSX)
    assert not at.exception
    assert "Pivot" in texts(at.info) and "Instructions" not in texts(at.info)


def test_counts_line_says_one_row_in_the_singular(app):
    at = upload(
        app("upload"),
        "eois.csv",
        b"eoi_id,received_on,country,organization,request,status\nQ1,2023-05-01,KEN,Org,other,received\n",
    )
    assert not at.exception
    assert "Ready: 1 row in 1 sheet." in texts(at.success)


FIXTURES = Path(__file__).parent / "fixtures"


def test_an_xls_workbook_gets_the_command_lines_refusal_and_the_session_goes_on(app, store):
    """Streamlit refused the .xls extension itself: an exception instead of the page, on every rerun while the file
    stayed in the picker (register-excel97.xls: an EoIs sheet saved as Excel 97-2003 by LibreOffice)."""
    content = (FIXTURES / "register-excel97.xls").read_bytes()
    before = store.snapshot_name()
    at = upload(app("upload"), "register.xls", content, "application/vnd.ms-excel")
    assert not at.exception
    said = cli("load", FIXTURES / "register-excel97.xls", "--db", store.path).stderr.strip()
    assert said.startswith("register-excel97.xls: this is an Excel 97-2003 (.xls) workbook, which is not accepted.")
    [error] = at.error
    assert error.value.replace("\\", "") == said.replace("register-excel97.xls", "register.xls")
    assert not [b for b in at.button if b.key == "commit"]
    assert not at.run().exception  # a rerun with the file still picked
    assert not at.switch_page("app_pages/overview.py").run().exception
    at = upload(at.switch_page("app_pages/upload.py").run(), "eois.csv", GOOD_CSV)  # the same session takes a good file
    assert not at.exception and "Ready: 3 rows in 1 sheet" in texts(at.success)
    assert store.snapshot_name() == before


@pytest.mark.parametrize(
    "name, content, said",
    [
        ("notes.pdf", b"%PDF-1.4 a report", "notes.pdf: this is not an .xlsx workbook or a .csv file"),
        ("register.ods", (FIXTURES / "register-excel97.xls").read_bytes(), "register.ods: this is an Excel 97-2003 (.xls)"),
        ("register", GOOD_CSV, "register: the file name does not say which sheet it holds"),
    ],
)
def test_a_file_of_any_other_kind_is_refused_in_words_never_by_an_exception(app, name, content, said):
    at = upload(app("upload"), name, content, "application/octet-stream")
    assert not at.exception
    assert said in " ".join(e.value for e in [*at.error, *at.markdown]).replace("\\", "")  # escaped Markdown, read plain
    assert not [b for b in at.button if b.key == "commit"]


def test_a_load_from_the_app_records_the_server_process_os_account_beside_who(app, store, monkeypatch):
    from test_history import os_account

    monkeypatch.setenv("ALLIANCE_USER", "analyst@itu.int")
    at = upload(app("upload"), "eois.csv", GOOD_CSV)
    at.button(key="commit").click().run()
    assert not at.exception
    latest = history(store.connect())[0]
    assert (latest["load_id"], latest["loaded_by"], latest["loaded_by_account"]) == (2, "analyst@itu.int", os_account())
