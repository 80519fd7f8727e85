"""History, rollback, demo removal, export round trips and the template."""

import json

import openpyxl
from conftest import cli
from handcount import AS_OF, EXPECTED_ALL

from alliance.history import history, remove_demo, rollback
from alliance.ingest.load import load_file, seed
from alliance.kpis import summary
from alliance.store import Store


def add_eoi(store, tmp_path, eoi_id="X9", country="BRA"):
    path = tmp_path / f"{eoi_id}.csv"
    path.write_text(f"eoi_id,received_on,country,organization,request,status\n{eoi_id},2023-02-01,{country},Org,other,received\n")
    path = path.rename(tmp_path / "eois.csv")
    return load_file(store, path, user="analyst@itu.int")


def test_every_load_is_recorded_with_file_hash_user_and_counts(store, tmp_path):
    result = add_eoi(store, tmp_path)
    [latest, first] = history(store.connect())
    assert latest["load_id"] == result.load_id == 2
    assert latest["file_name"] == "eois.csv" and len(latest["sha256"]) == 64
    assert latest["loaded_by"] == "analyst@itu.int"
    assert (latest["inserted"], latest["updated"], latest["removed"], latest["unchanged"]) == (1, 0, 0, 0)
    assert first["loaded_by"] == "tester" and first["inserted"] == 26


def test_rollback_returns_exactly_to_the_state_before_the_load_and_is_recorded(store, tmp_path):
    add_eoi(store, tmp_path, "X1")
    add_eoi(store, tmp_path, "X2")
    new_id = rollback(store, 2, user="admin")
    con = store.connect()
    assert summary(con, AS_OF) == EXPECTED_ALL
    assert con.execute("select count(*) from eois").fetchall()[0][0] == 7
    entry = history(con)[0]
    assert (entry["load_id"], entry["kind"], entry["rolled_back_load_id"], entry["loaded_by"]) == (new_id, "rollback", 2, "admin")


def test_rollback_of_the_first_load_empties_the_data(store):
    rollback(store, 1)
    figures = summary(store.connect(), AS_OF)
    assert figures["eois"]["total"] == 0 and figures["milestones"]["total"] == 0


def test_rollback_cli_unknown_load_exits_1_with_message(store):
    done = cli("rollback", "99", "--db", store.path)
    assert done.returncode == 1 and "There is no load 99" in done.stderr


def test_export_then_load_into_empty_store_gives_identical_kpis(store, tmp_path):
    out = tmp_path / "export.xlsx"
    done = cli("export", "--db", store.path, "--out", out)
    assert done.returncode == 0, done.stderr
    fresh = Store(tmp_path / "fresh" / "alliance.duckdb")
    done = cli("load", out, "--db", fresh.path)
    assert done.returncode == 0, done.stderr
    for region in (None, "AFR", "EUR"):
        assert summary(fresh.connect(), AS_OF, region) == summary(store.connect(), AS_OF, region)


def test_export_escapes_cells_that_would_run_as_formulas(empty_store, tmp_path):
    path = tmp_path / "eois.csv"
    path.write_text(
        "eoi_id,received_on,country,organization,request,status,call_round\n"
        'X1,2023-02-01,KEN,=HYPERLINK("http://x"),other,received,+1\n'
        "X2,2023-02-01,KEN,@SUM(A1),other,received,-2\n"
    )
    load_file(empty_store, path)
    out = tmp_path / "export.xlsx"
    assert cli("export", "--db", empty_store.path, "--out", out).returncode == 0
    ws = openpyxl.load_workbook(out)["EoIs"]
    values = [c.value for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://x")' in values and "'@SUM(A1)" in values and "'+1" in values and "'-2" in values
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    fresh = Store(tmp_path / "fresh" / "a.duckdb")
    assert cli("load", out, "--db", fresh.path).returncode == 0
    assert fresh.connect().execute("select organization from eois order by 1").fetchall() == [
        ('=HYPERLINK("http://x")',),
        ("@SUM(A1)",),
    ]


def test_template_has_instructions_headers_and_dropdowns(empty_store, tmp_path):
    out = tmp_path / "template.xlsx"
    assert cli("template", "--db", empty_store.path, "--out", out).returncode == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Instructions"
    assert [c.value for c in wb["EoIs"][1]] == [
        "eoi_id",
        "received_on",
        "country",
        "organization",
        "organization_type",
        "request",
        "center_type",
        "capabilities",
        "status",
        "call_round",
    ]
    validations = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["EoIs"].data_validations.dataValidation}
    assert "Lists!" in validations["I2"]
    lists = wb["Lists"]
    headers = [c.value for c in lists[1]]
    status_col = headers.index("eoi_status") + 1
    assert [lists.cell(r, status_col).value for r in range(2, 8)] == [
        "received",
        "under_review",
        "validated",
        "declined",
        "withdrawn",
        "onboarded",
    ]
    done = cli("load", out, "--db", empty_store.path)
    assert done.returncode == 0, done.stderr


def test_builtin_and_demo_rows_carry_sources_and_remove_demo_removes_only_demo(empty_store):
    seed(empty_store, demo=True)
    con = empty_store.connect()
    for table in ("eois", "centers", "events", "activities", "milestones", "resources"):
        assert con.execute(f"select count(*) from {table} where source is null or source = ''").fetchall()[0][0] == 0
    real_before = {
        t: con.execute(f"select count(*) from {t} where not is_demo").fetchall()[0][0]
        for t in ("eois", "centers", "events", "activities", "milestones", "resources")
    }
    assert con.execute("select count(*) from eois where is_demo").fetchall()[0][0] > 70
    remove_demo(empty_store, user="admin")
    con = empty_store.connect()
    for table, count in real_before.items():
        assert con.execute(f"select count(*), count(*) filter (where is_demo) from {table}").fetchall()[0] == (count, 0)
    assert history(con)[0]["kind"] == "remove_demo"


def test_demo_set_is_consistent_with_the_published_totals(empty_store):
    seed(empty_store, demo=True)
    figures = json.loads(cli("kpis", "--db", empty_store.path, "--as-of", "2023-04-15", "--json").stdout)
    assert figures["eois"]["total"] > 70
    assert figures["eois"]["countries"] > 55
    assert figures["eois"]["center_requests"] > 40
    from alliance.demo import demo_sheets

    assert demo_sheets() == demo_sheets()


def test_builtin_facts_from_the_seeds_are_loaded(empty_store):
    seed(empty_store, demo=False)
    con = empty_store.connect()
    assert con.execute("select count(*) from eois").fetchall()[0][0] == 0
    # Japan's contribution: the seed gives no date, so it is kept undated (in no period).
    assert con.execute(
        "select amount_usd, signed_on, date_precision from resources where kind = 'voluntary_contribution' and country = 'JPN'"
    ).fetchall() == [(304000, None, "not_stated")]
    assert con.execute("select launched_on::varchar, country from centers where status = 'launched'").fetchall() == [
        ("2023-03-22", "IND")
    ]
    # The launch on 25 January 2023 is the starting point, not a milestone achieved.
    assert con.execute("select count(*) from milestones where completed_on = '2023-01-25'").fetchall()[0][0] == 0
    assert con.execute("select participants, trained_certified from events where start_date = '2018-05-08'").fetchall() == [
        (55, 13)
    ]


def os_account() -> str:
    """The operating-system account these tests run as, read from the password database."""
    import os
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


def test_every_write_records_the_os_account_beside_the_user_named(store, tmp_path):
    """--user and ALLIANCE_USER name anyone at will: the account that ran the command is recorded beside them."""
    csv = tmp_path / "eois.csv"
    csv.write_text("eoi_id,received_on,country,organization,request,status\nX9,2023-02-01,BRA,Org,other,received\n")
    assert cli("load", csv, "--user", "boss@itu.int", "--db", store.path).returncode == 0
    assert cli("rollback", "2", "--user", "boss@itu.int", "--db", store.path).returncode == 0
    assert cli("remove-demo", "--user", "boss@itu.int", "--db", store.path).returncode == 0
    assert cli("prune", "--keep-days", "0", "--user", "boss@itu.int", "--db", store.path).returncode == 0
    loads = json.loads(cli("history", "--json", "--db", store.path).stdout)
    assert [(h["kind"], h["loaded_by"], h["loaded_by_account"]) for h in loads] == [
        ("prune", "boss@itu.int", os_account()),
        ("remove_demo", "boss@itu.int", os_account()),
        ("rollback", "boss@itu.int", os_account()),
        ("load", "boss@itu.int", os_account()),
        ("load", "tester", os_account()),  # load_file itself, as the app's server calls it
    ]
    listed = cli("history", "--db", store.path).stdout
    assert f"boss@itu.int (OS account {os_account()})" in listed


def test_a_load_recorded_before_the_os_account_was_kept_lists_it_as_not_recorded(store):
    with store.write() as con:  # as a store of schema 5 upgraded: the column there, blank
        con.execute("update loads set loaded_by_account = null")
    assert json.loads(cli("history", "--json", "--db", store.path).stdout)[0]["loaded_by_account"] is None
    assert "tester (OS account not recorded)" in cli("history", "--db", store.path).stdout
