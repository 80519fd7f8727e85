"""Tiny workbooks that declare or imply a huge grid are refused plainly, fast and in little memory.

Each crafted workbook is built here from its few XML parts. Before the limits, a 5 KB workbook with
a value in cell XFD1048576 aborted the loader ("memory allocation of 549755813888 bytes failed")
and took the Streamlit server down with it, as did a shared-strings part declaring
uniqueCount="2147483647"; one value at XFD30000 used 15 GB and 81 s.
"""

import json
import subprocess
import sys
import time
import zipfile

import handcount
import pytest
from conftest import ROOT

from alliance.ingest.limits import FileRefused, column_letters
from alliance.ingest.load import load_file
from alliance.ingest.problems import Rejected
from alliance.ingest.read import read_upload

HEADER = ["eoi_id", "received_on", "country", "organization", "request", "status"]
ROW = ["E1", "2023-02-01", "KEN", "Org", "other", "received"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Runs `python -m alliance load`, then prints its exit status, standard error, seconds and the peak
# resident memory of it and every process it started (the reading process included).
MEASURE = (
    "import json, resource, subprocess, sys, time; t = time.perf_counter();"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
    "print(json.dumps([done.returncode, done.stderr, time.perf_counter() - t,"
    " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))"
)


def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{column_letters(i + 1)}{number}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def minimal_xlsx(path, rows_xml: str, shared_strings: str | None = None):
    """An .xlsx of one sheet, EoIs: a header, one good row, then `rows_xml`."""
    overrides = '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    overrides += '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    relations = f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared_strings is not None:
        overrides += '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        relations += f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
        ),
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="EoIs" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS}">{relations}</Relationships>',
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><sheetData>{inline_row(1, HEADER)}{inline_row(2, ROW)}{rows_xml}</sheetData></worksheet>'
        ),
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in parts.items():
            archive.writestr(part, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text)
    return path


def one_value_at(path, ref: str):
    row = int("".join(c for c in ref if c.isdigit()))
    return minimal_xlsx(path, f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>')


def load_measured(path, store, env=None) -> tuple[int, str, float, float]:
    """(exit status, standard error, seconds, peak MB) of `python -m alliance load path`."""
    command = [sys.executable, "-c", MEASURE, sys.executable, "-m", "alliance", "load", str(path), "--db", str(store.path)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    return tuple(json.loads(done.stdout))


def snapshots(store) -> list[str]:
    return sorted(p.name for p in store.snapshots.iterdir())


def refused_plainly(store, path, *words, env=None) -> str:
    """Load `path` from the command line: exit 1 within 15 s and 600 MB, nothing written, `words` said."""
    before = snapshots(store)
    code, said, seconds, peak_mb = load_measured(path, store, env)
    assert code == 1, said
    assert "Traceback" not in said and all(word in said for word in words), said
    assert seconds < 15 and peak_mb < 600, (seconds, peak_mb)
    assert snapshots(store) == before
    return said


@pytest.mark.parametrize("ref", ["XFD1048576", "XFD30000", "XFD5000"])
def test_a_value_far_out_is_refused_naming_sheet_and_cell_before_any_parse(empty_store, tmp_path, ref):
    """One value at XFD1048576 made calamine allocate 512 GB and abort; at XFD30000, 15 GB and 81 s."""
    path = one_value_at(tmp_path / "far.xlsx", ref)
    assert path.stat().st_size < 5000
    refused_plainly(empty_store, path, "far.xlsx", "sheet 'EoIs'", f"cell {ref}", "200 columns", "columns after GR")


def test_a_value_below_the_last_row_an_upload_may_use_is_refused(empty_store, tmp_path):
    """1,000,000 rows of data below a header that may sit under title rows, in the first 200: row 1,000,200 at most."""
    refused_plainly(
        empty_store,
        one_value_at(tmp_path / "low.xlsx", "B1000201"),
        "cell B1000201",
        "1,000,000 rows of data",
        "rows after 1,000,200",
    )


def test_shared_strings_declaring_two_billion_texts_are_refused_before_calamine_reserves_them(empty_store, tmp_path):
    """A 2 KB shared-strings part declaring uniqueCount="2147483647" aborted the loader as the far cell did."""
    strings = f'<sst xmlns="{MAIN}" count="2147483647" uniqueCount="2147483647"><si><t>x</t></si></sst>'
    path = minimal_xlsx(tmp_path / "strings.xlsx", "", shared_strings=strings)
    refused_plainly(empty_store, path, "strings.xlsx", "declares 2,147,483,647 distinct texts", "at most 3,000,000")


def test_two_hundred_thousand_error_cells_are_read_within_bounds_and_refused(empty_store, tmp_path):
    """200,000 error cells gave 1,400,000 problems, 33 s and 3.3 GB."""
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="e"><v>#N/A</v></c></row>' for n in range(3, 200_003))
    path = minimal_xlsx(tmp_path / "errors.xlsx", rows)
    refused_plainly(empty_store, path, "EoIs row 3", "cell A3 holds the spreadsheet error #N/A")


def test_a_grid_within_the_columns_and_rows_but_over_the_cells_limit_is_refused_by_its_span(empty_store, tmp_path):
    refused_plainly(empty_store, one_value_at(tmp_path / "wide.xlsx", "L300000"), "A1:L300000", "3,600,000 cells")


def test_cells_placed_by_their_order_past_the_last_column_are_refused_after_the_parse(empty_store, tmp_path):
    """Cells without a reference of their own are placed one after the other: the scan cannot see
    where they land, calamine's own extent can."""
    path = minimal_xlsx(tmp_path / "order.xlsx", '<row r="3">' + "<c><v>1</v></c>" * 250 + "</row>")
    refused_plainly(empty_store, path, "cell IP3", "columns after GR")


def test_a_grid_that_needs_more_memory_than_allowed_is_refused_by_the_reading_process_limit(empty_store, tmp_path):
    """GR1000000 is inside the columns and rows, but its 200 million cells would take 6.4 GB: the
    reading process cannot allocate them, and the caller is told so instead of dying."""
    path = one_value_at(tmp_path / "huge.xlsx", "GR1000000")
    refused_plainly(empty_store, path, "huge.xlsx: this file could not be read", "needs more memory", "limit 512 MB")


def test_a_far_value_at_the_end_of_a_large_sheet_is_found_by_the_scan_beside_the_parse(empty_store, tmp_path):
    rows = "".join(inline_row(n, [f"E{n}", "2023-02-01", "KEN", "Org", "other", "received"]) for n in range(3, 30_000))
    path = minimal_xlsx(tmp_path / "large.xlsx", rows + '<row r="30000"><c r="ZZ30000"><v>1</v></c></row>')
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 4 << 20  # scanned beside the parse
    # The scan and the parse race: on a busy machine the parse may reach its memory limit first. Either way the
    # file is refused with a reason, and the server never holds the parse.
    with pytest.raises(FileRefused, match="cell ZZ30000 lies beyond|needs more memory than an upload may use"):
        read_upload(path)


def test_a_read_that_takes_longer_than_the_limit_is_ended_and_refused(empty_store, tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_PARSE_MAX_SECONDS", "0.001")
    path = tmp_path / "handcount.xlsx"
    handcount.write(path)
    started = time.perf_counter()
    with pytest.raises(FileRefused, match=r"could not be read: it took longer than 0.001 s"):
        load_file(empty_store, path)
    assert time.perf_counter() - started < 5


def test_a_csv_line_wider_than_the_columns_limit_is_refused(empty_store, tmp_path):
    path = tmp_path / "eois.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(["x"] * 250) + "\n")
    with pytest.raises(FileRefused, match="line 2 has 250 values, beyond the 200 columns"):
        load_file(empty_store, path)


def test_the_hand_counted_and_a_1500_row_workbook_still_load(empty_store, tmp_path):
    from bench.ingest import write_workbook

    path = tmp_path / "handcount.xlsx"
    handcount.write(path)
    result = load_file(empty_store, path)
    assert result.sheets["eois"]["inserted"] == len(handcount.SHEETS["EoIs"]) - 1
    assert result.sheets["centers"]["inserted"] == len(handcount.SHEETS["Centers"]) - 1
    long = write_workbook(tmp_path / "long.xlsx", rows=1500)
    assert load_file(empty_store, long).sheets["eois"]["inserted"] == 1500


def test_rows_read_in_the_reading_process_equal_a_read_here(tmp_path):
    """Every value crosses from the reading process unchanged: texts, numbers, booleans, dates."""
    from alliance.ingest.xlsx import read_workbook
    from alliance.schema import sheet_keys

    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>E{n}</t></is></c><c r="B{n}"><v>{n}.5</v></c>'
        f'<c r="C{n}" t="b"><v>{n % 2}</v></c><c r="D{n}"><v>1</v></c></row>'
        for n in range(3, 700)
    )
    path = minimal_xlsx(tmp_path / "values.xlsx", rows)
    [there], [(placement, chunks)] = read_upload(path), read_workbook(path, path.name, sheet_keys())
    here = [row for chunk in chunks for row in chunk]
    assert there.rows() == here and list(there.row_numbers) == list(
        range(placement["first_row"], placement["first_row"] + len(here))
    )
    assert [list(map(type, row)) for row in there.rows()] == [list(map(type, row)) for row in here]


def test_the_upload_page_refuses_a_far_cell_and_keeps_serving(app, store, tmp_path):
    data = one_value_at(tmp_path / "far.xlsx", "XFD1048576").read_bytes()
    at = app("upload")
    at.file_uploader[0].set_value(("far.xlsx", data, "application/octet-stream")).run()
    assert not at.exception
    assert any("cell XFD1048576" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "commit"]
    assert not app("overview").exception


def test_rejected_rows_from_the_reading_process_still_name_their_rows(empty_store, tmp_path):
    rows = "".join(
        inline_row(n, [f"E{n}", "2023-02-01", "Atlantis" if n == 650 else "KEN", "Org", "other", "received"])
        for n in range(3, 700)
    )
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, minimal_xlsx(tmp_path / "rows.xlsx", rows))
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(650, "country", "Atlantis")]


def register(path, kind: str, data_rows: int, title_rows: int = 0):
    """EoIs `path` (.csv or .xlsx): `title_rows` lines of title above the header, then `data_rows` rows of data."""
    rows = [["Alliance EoI register"]] * title_rows + [HEADER]
    rows += [[f"E{n}", "2023-02-01", "KEN", "Org", "other", "received"] for n in range(1, data_rows + 1)]
    if kind == "csv":
        path = path.with_name("eois.csv")
        path.write_text("".join(",".join(row) + "\n" for row in rows))
        return path
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "EoIs"
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


@pytest.mark.parametrize("title_rows", [0, 2])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_row_limit_counts_rows_of_data_not_the_header_or_title_rows(empty_store, tmp_path, kind, title_rows):
    """A CSV of exactly 1,000,000 data rows and a header was refused as beyond 1,000,000: the header was counted.
    The limit is a parameter (MAX_ROWS by default), made 5 here so that both sides of it are cheap files."""
    (tmp_path / "at").mkdir()
    (tmp_path / "over").mkdir()
    at = register(tmp_path / "at" / "eois.xlsx", kind, 5, title_rows)
    assert load_file(empty_store, at, max_rows=5).sheets["eois"]["inserted"] == 5
    over = register(tmp_path / "over" / "eois.xlsx", kind, 6, title_rows)
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, over, max_rows=5)
    [problem] = caught.value.problems
    header = title_rows + 1
    assert str(problem) == (
        f"{'eois' if kind == 'csv' else 'EoIs'}: the sheet has 6 rows of data below its header (row {header}); an upload "
        "sheet may hold at most 5: load it in parts"
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_sheet_reaching_past_the_rows_a_header_and_the_limit_allow_is_refused_before_validation(empty_store, tmp_path, kind):
    """Past grid_rows (the limit and the 200 rows a header may be looked for in) the reader refuses the file at once."""
    from alliance.ingest.limits import grid_rows

    path = register(tmp_path / "eois.xlsx", kind, grid_rows(5))  # a header and 205 rows: row 206 lies past 205
    with pytest.raises(FileRefused, match="5 rows of data") as caught:
        load_file(empty_store, path, max_rows=5)
    assert ("line 206" if kind == "csv" else "cell F206") in str(caught.value)
