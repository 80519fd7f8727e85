"""Numbers as the file writes them, and plausible values only (the data contract, section 1)."""

import json

import openpyxl
import pytest
from conftest import cli
from test_load import fingerprint
from test_page_upload import frame_with, upload

from alliance.ingest.apply import preview
from alliance.ingest.load import check, load_file
from alliance.ingest.problems import Rejected
from alliance.ingest.read import read_upload
from alliance.words import as_filed

RESOURCES = ["resource_id", "partner", "kind", "amount_usd", "signed_on"]


def resources_csv(path, delimiter: str, amounts: list[str]):
    """resources.csv delimited by `delimiter`, one row per amount, each cell quoted when it holds the delimiter."""
    lines = [delimiter.join(RESOURCES)]
    for i, amount in enumerate(amounts, 1):
        cell = f'"{amount}"' if delimiter in amount else amount
        lines.append(delimiter.join([f"R{i}", "Partner", "mou", cell, "2023-01-05"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def resources_xlsx(path, amounts: list):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Resources"
    ws.append(RESOURCES)
    for i, amount in enumerate(amounts, 1):
        ws.append([f"R{i}", "Partner", "mou", amount, "2023-01-05"])
    wb.save(path)
    return path


def amounts(store) -> list:
    return [a for (a,) in store.connect().execute("select amount_usd from resources order by resource_id").fetchall()]


def refused(store, path) -> Rejected:
    """Load `path`, which must be refused; the store must not change."""
    before = fingerprint(store)
    with pytest.raises(Rejected) as caught:
        load_file(store, path)
    assert fingerprint(store) == before
    return caught.value


@pytest.mark.parametrize(
    "text, stored",
    [
        ("304.000", 304000),
        ("1.250.000", 1250000),
        ("12,5", 12.5),
        ("1.250.000,5", 1250000.5),
        ("1 250 000", 1250000),
        ("1\u00a0250", 1250),
        ("55", 55),
    ],
)
def test_semicolon_csv_reads_numbers_with_a_decimal_comma(empty_store, tmp_path, text, stored):
    """A CSV as Excel writes it in a European locale stored 304.000 as USD 304, silently, and refused
    1.250.000 and 12,5: its numbers were read with a decimal point whatever the file's convention."""
    load_file(empty_store, resources_csv(tmp_path / "resources.csv", ";", [text]))
    assert amounts(empty_store) == [stored]


@pytest.mark.parametrize(
    "text, stored",
    [("1,250,000", 1250000), ("12.5", 12.5), ("304.000", 304), ("1 250", 1250), ("1,250,000.5", 1250000.5)],
)
def test_comma_csv_reads_numbers_with_a_decimal_point(empty_store, tmp_path, text, stored):
    load_file(empty_store, resources_csv(tmp_path / "resources.csv", ",", [text]))
    assert amounts(empty_store) == [stored]


@pytest.mark.parametrize(
    "delimiter, text, convention",
    [
        (";", "1,250.5", "1.250.000,5"),
        (";", "1,250,000", "1.250.000,5"),
        (";", "12.5", "1.250.000,5"),
        (",", "1.250.000", "1,250,000.5"),
        (",", "12,5", "1,250,000.5"),
        (",", "1,25,000", "1,250,000.5"),
    ],
)
def test_number_written_against_the_files_convention_is_refused_saying_how_the_file_writes_them(
    empty_store, tmp_path, delimiter, text, convention
):
    error = refused(empty_store, resources_csv(tmp_path / "resources.csv", delimiter, [text]))
    [problem] = error.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("resources", 2, "amount_usd", text)
    assert problem.problem.startswith(f"{text!r} is not a number; a file delimited by '{delimiter}' writes numbers as ")
    assert convention in problem.problem


@pytest.mark.parametrize(
    "text, message",
    [
        ("304.000", "'304.000' reads as 304 or as 304,000: write it as a number cell or without separators"),
        ("1,250", "'1,250' reads as 1,250 or as 1.25: write it as a number cell or without separators"),
        ("1.250", "'1.250' reads as 1.25 or as 1,250: write it as a number cell or without separators"),
    ],
)
def test_workbook_text_cell_that_reads_as_two_numbers_is_refused_naming_the_cell_and_both(empty_store, tmp_path, text, message):
    """A workbook's text cell has no convention of its own: 304.000 was stored as 304, a guess."""
    error = refused(empty_store, resources_xlsx(tmp_path / "r.xlsx", [text]))
    [problem] = error.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("Resources", 2, "amount_usd", text)
    assert str(problem) == f"Resources row 2, amount_usd: {message}"


@pytest.mark.parametrize(
    "cell, stored",
    [
        ("55", 55),
        ("12.5", 12.5),  # 12.5 groups no thousands: the decimal comma's reading does not exist
        ("12,5", 12.5),
        ("1,250.5", 1250.5),
        ("1.250.000", 1250000),
        ("1,250,000", 1250000),
        ("1 250", 1250),
        (304000, 304000),  # a number cell is a number
        (12.5, 12.5),
        (100_000_000_000, 100_000_000_000),  # the largest plausible amount
    ],
)
def test_workbook_cell_with_one_reading_loads(empty_store, tmp_path, cell, stored):
    load_file(empty_store, resources_xlsx(tmp_path / "r.xlsx", [cell]))
    assert amounts(empty_store) == [stored]


@pytest.mark.parametrize(
    "kind, cell, message",
    [
        ("csv", "1e300", "'1e300': amounts above USD 100 billion are refused as implausible"),
        (
            "csv",
            "100.000.000.001",
            "'100.000.000.001' is 100,000,000,001: amounts above USD 100 billion are refused as implausible",
        ),
        ("xlsx", 1e300, "'1e+300': amounts above USD 100 billion are refused as implausible"),
        ("xlsx", "1e300", "'1e300': amounts above USD 100 billion are refused as implausible"),
    ],
)
def test_implausible_amount_is_refused_naming_the_rule(empty_store, tmp_path, kind, cell, message):
    """An amount of 1e300 was stored, and Overview printed a tile 301 digits wide."""
    if kind == "csv":
        path = resources_csv(tmp_path / "resources.csv", ";", [cell])
    else:
        path = resources_xlsx(tmp_path / "r.xlsx", [cell])
    [problem] = refused(empty_store, path).problems
    assert (problem.row, problem.column, problem.problem) == (2, "amount_usd", message)


def test_implausible_count_is_refused_naming_the_rule(empty_store, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("event_id,title,start_date,event_type,participants\nEV1,Forum,2023-05-01,forum,1e12\n")
    [problem] = refused(empty_store, path).problems
    assert (
        str(problem)
        == "events row 2, participants: '1e12' is 1,000,000,000,000: counts above 100 billion are refused as implausible"
    )


@pytest.mark.parametrize(
    "due_on, read",
    [
        ("9999-12-31", "31 December 9999"),
        ("1999-12-31", "31 December 1999"),
        ("31/12/1999", "31 December 1999"),
        ("01.01.2100", "1 January 2100"),
        ("31/12/99", "31 December 1999"),
    ],
)
def test_date_outside_2000_to_2099_is_refused_naming_the_rule(empty_store, tmp_path, due_on, read):
    """9999-12-31 in a CSV was accepted as a due date."""
    path = tmp_path / "milestones.csv"
    path.write_text(f"milestone_id,title,due_on\nM1,Launch,{due_on}\n")
    [problem] = refused(empty_store, path).problems
    assert str(problem) == (
        f"milestones row 2, due_on: {due_on!r} is {read}: dates before 1 January 2000 or after 31 December 2099 are refused"
    )


@pytest.mark.parametrize("due_on", ["2000-01-01", "2099-12-31"])
def test_dates_at_the_ends_of_the_plausible_range_load(empty_store, tmp_path, due_on):
    path = tmp_path / "milestones.csv"
    path.write_text(f"milestone_id,title,due_on\nM1,Launch,{due_on}\n")
    load_file(empty_store, path)
    assert empty_store.connect().execute("select due_on::varchar from milestones").fetchall() == [(due_on,)]


@pytest.mark.parametrize(
    "delimiter, mark",
    [(";", ","), (",", "."), ("\t", "")],
)
def test_csv_reading_carries_the_files_decimal_mark_out_of_the_reading_process(tmp_path, delimiter, mark):
    [raw] = read_upload(resources_csv(tmp_path / "resources.csv", delimiter, ["55"]))
    assert raw.decimal_mark == mark


def test_workbook_has_no_decimal_mark_of_its_own(tmp_path):
    [raw] = read_upload(resources_xlsx(tmp_path / "r.xlsx", [55]))
    assert raw.decimal_mark == ""


@pytest.mark.parametrize(
    "cell, stored, shown",
    [
        ("304.000", 304000.0, "304.000 \u2192 304,000"),
        ("12,5", 12.5, "12,5 \u2192 12.5"),
        ("1.250.000,5", 1250000.5, "1.250.000,5 \u2192 1,250,000.5"),
        ("1 250", 1250.0, "1 250 \u2192 1,250"),
        ("1e6", 1000000.0, "1e6 \u2192 1,000,000"),
        ("1,250,000", 1250000.0, "1,250,000"),
        ("1250000", 1250000.0, "1,250,000"),
        ("12.5", 12.5, "12.5"),
        (304000.0, 304000.0, "304,000"),
    ],
)
def test_number_converted_from_text_shows_beside_what_the_file_said(cell, stored, shown):
    assert as_filed(cell, stored) == shown


def test_load_preview_shows_the_semicolon_files_numbers_as_filed_and_stored(empty_store, tmp_path):
    path = resources_csv(tmp_path / "resources.csv", ";", ["304.000", "12,5", "55"])
    result = preview(empty_store, check(empty_store, path, keep_file_values=True))
    assert [row["amount_usd"] for row in result.new_rows["resources"]] == ["304.000 \u2192 304,000", "12,5 \u2192 12.5", "55"]
    assert "'304.000' is 304,000" in " ".join(result.notices)


def test_load_cli_reads_a_semicolon_csv_and_refuses_an_ambiguous_workbook_cell(empty_store, tmp_path):
    done = cli("load", resources_csv(tmp_path / "resources.csv", ";", ["1.250.000"]), "--db", empty_store.path, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["sheets"]["resources"]["inserted"] == 1 and any("decimal comma" in n for n in report["notices"])
    assert amounts(empty_store) == [1250000]
    done = cli("load", resources_xlsx(tmp_path / "r.xlsx", ["1,250"]), "--db", empty_store.path, "--json")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    [problem] = json.loads(done.stdout)["problems"]
    assert (problem["sheet"], problem["row"], problem["column"], problem["value"]) == ("Resources", 2, "amount_usd", "1,250")
    assert problem["problem"] == "'1,250' reads as 1,250 or as 1.25: write it as a number cell or without separators"
    assert amounts(empty_store) == [1250000]


def test_upload_page_previews_a_semicolon_csv_with_its_numbers_as_filed(app):
    content = ";".join(RESOURCES).encode() + b"\nR9;Partner;mou;304.000;05/01/2023\n"
    at = upload(app("upload"), "resources.csv", content)
    assert not at.exception
    [row] = frame_with(at, "amount_usd").to_dict("records")
    assert row["amount_usd"] == "304.000 \u2192 304,000"
    assert any("decimal comma" in info.value for info in at.info)


@pytest.mark.parametrize(
    "delimiter, target, period_end, outcome",
    [
        (";", "1.250", "31.12.2027", 1250),
        (",", "1,250", "31/12/2027", 1250),
        (";", "12,5", "2027-12-31", 12.5),
        (";", "1.250", "31.12.1999", "dates before 1 January 2000 or after 31 December 2099 are refused"),
        (";", "200.000.000.000", "2027-12-31", "numbers above 100 billion are refused as implausible"),
    ],
)
def test_targets_sheet_follows_the_same_rules(empty_store, tmp_path, delimiter, target, period_end, outcome):
    path = tmp_path / "targets.csv"
    cell = f'"{target}"' if delimiter in target else target
    path.write_text(
        delimiter.join(["kpi", "period_end", "region", "target"])
        + "\n"
        + delimiter.join(["centers_total", period_end, "", cell])
        + "\n"
    )
    if isinstance(outcome, str):
        [problem] = refused(empty_store, path).problems
        assert problem.row == 2 and problem.problem.endswith(outcome)
        return
    load_file(empty_store, path)
    stored = empty_store.connect().execute("select target from targets where kpi = 'centers_total'").fetchall()
    assert stored == [(outcome,)]
