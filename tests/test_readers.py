"""Files refused before parsing, cells that cannot be trusted, and CSV variants."""

import subprocess
import sys
import time
import zipfile
from datetime import datetime

import openpyxl
import pytest
import python_calamine
from conftest import ROOT, cli

import alliance.ingest.validate
from alliance.ingest.limits import FileRefused
from alliance.ingest.load import load_file
from alliance.ingest.problems import Rejected
from alliance.ingest.read import read_upload

HEADER = "eoi_id,received_on,country,organization,request,status"


def test_file_over_the_size_limit_is_refused_before_reading(empty_store, tmp_path):
    path = tmp_path / "eois.csv"
    path.write_text(HEADER + "\n" + "X,2023-02-01,KEN,Org,other,received\n" * 30000)
    with pytest.raises(FileRefused, match="limit is 0.5 MB"):
        load_file(empty_store, path, max_mb=0.5)


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("report.xlsx", b"%PDF-1.7 not a workbook", "not an .xlsx workbook"),
        ("eois.csv", b"\x00\x01\x02binary", "not a CSV file"),
        ("empty.xlsx", b"", "empty"),
    ],
)
def test_files_that_are_not_workbooks_or_csv_are_refused(empty_store, tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FileRefused, match=words):
        load_file(empty_store, path)


def test_zip_archive_without_a_workbook_is_refused(empty_store, tmp_path):
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(FileRefused, match="not an Excel workbook"):
        load_file(empty_store, path)


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory):
    """An .xlsx whose sheet expands from about 100 KB to 100 MB."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"<row>" + b" " * (1 << 20) + b"</row>"
            for _ in range(100):
                member.write(chunk)
    return path


def test_zip_bomb_is_refused_fast_in_little_memory(empty_store, zip_bomb):
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[3]); sys.path.insert(0, sys.argv[3] + '/tests');"
        "from alliance.ingest.load import load_file; from alliance.store import Store; from alliance import AllianceError;"
        "from corpus_check import peak_rss_mb; t = time.perf_counter()\n"
        "try:\n    load_file(Store(sys.argv[1]), sys.argv[2]); print('loaded')\n"
        "except AllianceError as e:\n    print(time.perf_counter() - t, peak_rss_mb(), str(e))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, empty_store.path, zip_bomb, ROOT], capture_output=True, text=True, timeout=60
    )
    seconds, rss_mb, message = done.stdout.split(" ", 2)
    assert "zip bomb" in message
    assert float(seconds) < 1
    assert float(rss_mb) < 200


def test_formula_without_saved_value_is_an_error_naming_the_cell(empty_store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Events"
    ws.append(["event_id", "title", "start_date", "event_type", "participants"])
    ws.append(["V1", "Forum", "2023-03-23", "forum", "=10+20"])
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, tmp_path / "f.xlsx")
    [problem] = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Events", 2, "participants")
    assert "E2" in problem.problem and "formula with no saved value" in problem.problem


def test_merged_cells_inside_data_are_an_error_naming_the_cells(empty_store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "EoIs"
    ws.append(HEADER.split(","))
    ws.append(["X1", "2023-02-01", "KEN", "Org", "other", "received"])
    ws.append(["X2", "2023-02-01", "KEN", "Org", "other", "received"])
    ws.merge_cells("C2:C3")
    wb.save(tmp_path / "m.xlsx")
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, tmp_path / "m.xlsx")
    assert any("C2:C3" in p.problem and "merged" in p.problem for p in caught.value.problems)


@pytest.mark.parametrize(
    "encoding, delimiter, newline",
    [
        ("utf-8-sig", ",", "\r\n"),
        ("utf-8", ";", "\n"),
        ("latin-1", ";", "\r\n"),
        ("cp1252", "\t", "\n"),
    ],
)
def test_csv_with_bom_semicolons_latin1_and_windows_line_ends_loads(empty_store, tmp_path, encoding, delimiter, newline):
    rows = [HEADER.split(","), ["X1", "15/04/2023", "Côte d'Ivoire", "Université", "Other", "Received"]]
    text = newline.join(delimiter.join(r) for r in rows) + newline
    path = tmp_path / "EoIs.csv"
    path.write_bytes(text.encode(encoding))
    load_file(empty_store, path)
    con = empty_store.connect()
    assert con.execute("select country, organization, received_on::varchar from eois").fetchall() == [
        ("CIV", "Université", "2023-04-15")
    ]


def test_csv_must_be_named_after_its_sheet(empty_store, tmp_path):
    path = tmp_path / "export (3).csv"
    path.write_text(HEADER + "\nX1,2023-02-01,KEN,Org,other,received\n")
    done = cli("load", path, "--db", empty_store.path)
    assert done.returncode == 1 and "eois.csv" in done.stderr


def test_rejected_file_writes_nothing_not_even_a_snapshot(empty_store, tmp_path):
    path = tmp_path / "eois.csv"
    path.write_text(HEADER + "\nX1,2023-02-01,Atlantis,Org,other,received\n")
    before = sorted(p.name for p in empty_store.snapshots.iterdir())
    started = time.perf_counter()
    assert cli("load", path, "--db", empty_store.path).returncode == 1
    assert time.perf_counter() - started < 30
    assert sorted(p.name for p in empty_store.snapshots.iterdir()) == before


def long_register(path, data_rows, first_row=3, first_column=2, blank_at=(), bad_country_at=(), title=True):
    """An EoIs sheet with a title above its header, starting at column `first_column` (1 = A)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "EoIs"
    if title:
        ws.cell(1, first_column, "Register of expressions of interest")
    for c, header in enumerate(HEADER.split(",")):
        ws.cell(first_row, first_column + c, header)
    for i in range(data_rows):
        if i in blank_at:
            continue
        day = datetime(2023, 2, 1 + i % 28) if i % 2 else f"{1 + i % 28:02d}/02/2023"
        country = "Atlantis" if i in bad_country_at else ["KEN", "Brazil", "Viet Nam"][i % 3]
        for c, value in enumerate([f"L{i:04d}", day, country, f"Org {i % 7}", "other", "received"]):
            ws.cell(first_row + 1 + i, first_column + c, value)
    wb.save(path)
    return path


@pytest.mark.parametrize("title, first_row, first_number", [(True, 3, 1), (False, 40, 40)])
def test_rows_read_in_chunks_equal_a_whole_read(tmp_path, monkeypatch, title, first_row, first_number):
    """The reading process converts and writes a sheet's rows a chunk at a time; each chunk holds a column for
    each kind of cell it has (texts, dates): together they are the sheet calamine reads whole."""
    from alliance.ingest import child, xlsx
    from alliance.ingest.read import _sheet
    from alliance.schema import sheet_keys

    path = long_register(tmp_path / "long.xlsx", 450, first_row=first_row, blank_at={300}, title=title)
    whole = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("EoIs").to_python()
    [raw] = read_upload(path)
    assert raw.rows() == whole and raw.rows(250) == whole[250:]
    assert list(raw.row_numbers) == list(range(first_number, first_number + len(whole)))
    monkeypatch.setattr(xlsx, "CHUNK_CELLS", 64 * 6)
    (tmp_path / "out").mkdir()
    [described] = child.read(path, path.name, "xlsx", tmp_path / "out", sheet_keys())
    assert len(described["files"]) == -(-len(whole) // 64)
    chunked = _sheet(tmp_path / "out", described, path.name)
    assert chunked.rows() == whole and chunked.row_numbers == raw.row_numbers


def test_large_sheet_read_by_two_processes_equals_a_whole_read(tmp_path, monkeypatch):
    """A large sheet's rows are converted in two processes at once (the second a fork of the first): together
    their files are the sheet calamine reads whole, in order."""
    from alliance.ingest import child, xlsx
    from alliance.ingest.read import _sheet
    from alliance.schema import sheet_keys

    path = long_register(tmp_path / "long.xlsx", 450, blank_at={300})
    whole = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("EoIs").to_python()
    monkeypatch.setattr(child, "_SPLIT_ROWS", 100)
    monkeypatch.setattr(xlsx, "CHUNK_CELLS", 64 * 6)
    (tmp_path / "out").mkdir()
    [described] = child.read(path, path.name, "xlsx", tmp_path / "out", sheet_keys())
    assert any("rest" in file for file in described["files"])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(described["files"])
    split = _sheet(tmp_path / "out", described, path.name)
    assert split.rows() == whole and split.num_rows == len(whole)


def test_large_sheet_starting_far_down_is_converted_by_one_process(tmp_path, monkeypatch):
    """A sheet whose data starts below row 1,000 is converted whole, whatever part of it is asked for: split
    between the reading process and its fork, each converted all of it, and the read took half as much memory
    again (a 370,000-row sheet: 435 MB together instead of 295 MB) for no time gained."""
    from alliance.ingest import child, xlsx
    from alliance.ingest.read import _sheet
    from alliance.schema import sheet_keys

    path = long_register(tmp_path / "deep.xlsx", 150, first_row=1100, title=False)
    whole = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("EoIs").to_python()
    monkeypatch.setattr(child, "_SPLIT_ROWS", 100)
    monkeypatch.setattr(xlsx, "CHUNK_CELLS", 64 * 6)
    (tmp_path / "out").mkdir()
    [described] = child.read(path, path.name, "xlsx", tmp_path / "out", sheet_keys())
    assert described["files"] and not any("rest" in file for file in described["files"])
    assert _sheet(tmp_path / "out", described, path.name).rows() == whole


@pytest.mark.parametrize("row", [50, 250])
def test_cell_that_cannot_be_converted_refuses_the_file_alike_in_either_process(tmp_path, monkeypatch, row):
    """Whichever of the two processes converting a large sheet meets the damaged cell, the refusal is the one a
    reading in order gives."""
    from alliance.ingest import child
    from alliance.schema import sheet_keys

    path = damaged_cell_workbook(tmp_path / "x.xlsx", row)
    refusals = []
    for split_rows in (10**9, 100):
        monkeypatch.setattr(child, "_SPLIT_ROWS", split_rows)
        (tmp_path / str(split_rows)).mkdir()
        with pytest.raises(FileRefused) as caught:
            child.read(path, path.name, "xlsx", tmp_path / str(split_rows), sheet_keys())
        refusals.append(str(caught.value))
    assert refusals[0] == refusals[1] and refusals[0].startswith("x.xlsx: the workbook could not be read (sheet 'EoIs'")


@pytest.mark.parametrize("block_rows", [512, 64])
def test_problems_in_lazily_read_rows_name_their_spreadsheet_rows(empty_store, tmp_path, monkeypatch, block_rows):
    monkeypatch.setattr(alliance.ingest.validate, "_BLOCK_ROWS", block_rows)
    path = long_register(tmp_path / "bad.xlsx", 450, first_row=4, blank_at={260}, bad_country_at={5, 250, 449})
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, path)
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [
        (10, "country", "Atlantis"),
        (255, "country", "Atlantis"),
        (454, "country", "Atlantis"),
    ]
    good = long_register(tmp_path / "good.xlsx", 450, first_row=4, blank_at={260})
    assert load_file(empty_store, good).sheets["eois"]["inserted"] == 449


def test_sheet_whose_data_starts_far_down_is_read_whole(tmp_path):
    path = long_register(tmp_path / "far.xlsx", 5, first_row=1500, title=False)
    [raw] = read_upload(path)
    assert list(raw.row_numbers) == list(range(1500, 1506))
    assert raw.rows()[0][0] == "eoi_id" and len(raw.rows()) == 6


def damaged_cell_workbook(path, row, sheet="EoIs"):
    """An EoIs sheet of 300 good rows, and one cell calamine cannot turn into a Python value
    (1e300 hours) in `sheet` at spreadsheet row `row`."""
    long_register(path, 300, first_row=1, first_column=1, title=False)
    wb = openpyxl.load_workbook(path)
    ws = wb["EoIs"] if sheet == "EoIs" else wb.create_sheet(sheet)
    ws.cell(row, 8, 1e300).number_format = "[h]:mm:ss"
    wb.save(path)
    return path


@pytest.mark.parametrize("row", [50, 250])
def test_cell_that_cannot_be_converted_refuses_the_file_naming_file_and_sheet(empty_store, tmp_path, row):
    path = damaged_cell_workbook(tmp_path / "x.xlsx", row)
    with pytest.raises(FileRefused, match=r"^x\.xlsx: the workbook could not be read"):
        load_file(empty_store, path)


@pytest.mark.parametrize("row", [50, 250])
def test_sheet_outside_the_format_is_not_read_so_its_cells_cannot_refuse_the_file(empty_store, tmp_path, row):
    path = damaged_cell_workbook(tmp_path / "x.xlsx", row, sheet="Notes")
    result = load_file(empty_store, path)
    assert result.sheets["eois"]["inserted"] == 300
    assert any("Sheet 'Notes' is not part of the upload format" in notice for notice in result.notices)
