"""The Upload page: check, preview, and a write only when the load button is pressed."""

import io

import openpyxl

from alliance.history import history

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
    changes = at.dataframe[1].value
    assert {"change": "updated", "id": "E1", "column": "status", "old": "validated", "new": "onboarded"} in changes.to_dict(
        "records"
    )
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
