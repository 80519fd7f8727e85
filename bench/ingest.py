"""A generated 100,000-row workbook: seconds to load it, against seconds for calamine only to read it."""

import time
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

COUNTRIES = ["Kenya", "Korea (Rep. of)", "BRA", "Türkiye", "Viet Nam", "Egypt", "Kazakhstan", "Germany", "India", "Côte d'Ivoire"]
ROWS = 100_000
STATUSES = ["Received", "under_review", "VALIDATED", "declined", "withdrawn", "Onboarded"]


def write_workbook(path: Path, rows: int = ROWS) -> Path:
    """Write an EoIs sheet of `rows` rows with mixed spellings, as analysts' registers have them."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("EoIs")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    header = [
        "EoI ID",
        "Received on",
        "Country",
        "Organisation",
        "Organisation type",
        "Request",
        "Centre type",
        "Capabilities",
        "Status",
        "Call round",
        "Focal point",
        "Notes",
    ]
    sheet.write_row(0, 0, header)
    start = date(2023, 1, 25)
    for i in range(1, rows + 1):
        day = start + timedelta(days=i % 900)
        received = day if i % 3 else day.strftime("%d/%m/%Y")
        values = [
            f"B-{i:06d}",
            None,
            COUNTRIES[i % len(COUNTRIES)],
            f"Organisation {i % 5000}",
            ["Government", "academia", "Private sector"][i % 3],
            ["Establish a centre", "strengthen_center", "join_network", "other"][i % 4],
            ["TAC", "REEC", "IDTAC", "IAC", ""][i % 5],
            ["TRR; OTI", "ESM", "PEX, EIA", ""][i % 4],
            STATUSES[i % 6],
            f"2023-R{1 + i % 2}",
            f"person{i % 700}@example.org",
            "ok",
        ]
        sheet.write_row(i, 0, values)
        if isinstance(received, date):
            sheet.write_datetime(i, 1, received, date_format)
        else:
            sheet.write_string(i, 1, received)
    workbook.close()
    return path


def time_ingest(workbook: Path, store_path: Path, repeats: int = 9) -> dict:
    """Seconds for `load` into a fresh store, and for python-calamine alone to read the file.

    Both in a warm process, as in the running app: one small load first pays the one-time start-up
    of pyarrow and DuckDB. The two take turns `repeats` times, the order alternating so that a
    slow spell of this shared machine falls on both alike; the medians are kept, and every run.
    Nine turns, as for the pages: with five, one slow spell could move a median by a fifth.
    """
    import statistics

    import python_calamine

    from alliance.ingest.load import load_file
    from alliance.store import Store

    warm = store_path.parent / "warm"
    warm.mkdir(parents=True, exist_ok=True)
    (warm / "eois.csv").write_text(
        "eoi_id,received_on,country,organization,request,status\nW1,2023-02-01,KEN,Org,other,received\n"
    )
    load_file(Store(warm / "alliance.duckdb").ensure(), warm / "eois.csv", user="bench")
    reads, loads = [], []

    def read() -> None:
        started = time.perf_counter()
        book = python_calamine.CalamineWorkbook.from_path(str(workbook))
        cells = book.get_sheet_by_name("EoIs").to_python()
        reads.append(time.perf_counter() - started)
        assert len(cells) - 1 == ROWS

    def load(attempt: int) -> None:
        store = Store(store_path.parent / f"load{attempt}" / "alliance.duckdb").ensure()
        started = time.perf_counter()
        result = load_file(store, workbook, user="bench")
        loads.append(time.perf_counter() - started)
        assert result.sheets["eois"]["inserted"] == ROWS, result.sheets

    for attempt in range(repeats):
        if attempt % 2:
            load(attempt)
            read()
        else:
            read()
            load(attempt)
    # Each timed load fills an empty table, which counts its rows without a join. Loading the same
    # file again compares every row with the stored one (and writes none): the cost of a reload.
    reloads = []
    for attempt in range(3):
        store = Store(store_path.parent / f"load{attempt}" / "alliance.duckdb")
        started = time.perf_counter()
        result = load_file(store, workbook, user="bench")
        reloads.append(time.perf_counter() - started)
        assert result.sheets["eois"]["unchanged"] == ROWS, result.sheets
    return {
        "rows": ROWS,
        "load_s": round(statistics.median(loads), 3),
        "calamine_read_s": round(statistics.median(reads), 3),
        "load_runs_s": [round(x, 3) for x in loads],
        "calamine_read_runs_s": [round(x, 3) for x in reads],
        "reload_unchanged_s": round(statistics.median(reloads), 3),
    }


def time_command_line(workbook: Path, folder: Path, repeats: int = 5) -> dict:
    """Seconds for `python -m alliance load` of the workbook into a new store, a process of its own from start
    to exit (Python's start and the imports included, as an analyst at a terminal meets it), against a process
    that only starts Python, imports python-calamine and reads the sheet. Alternated; medians, and every run."""
    import shutil
    import statistics
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    bare = (
        "import sys, python_calamine; "
        "python_calamine.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name('EoIs').to_python()"
    )
    loads, reads = [], []

    def timed(command: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(command, cwd=root, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - started

    for attempt in range(repeats):
        store = folder / f"cli{attempt}" / "alliance.duckdb"
        shutil.rmtree(store.parent, ignore_errors=True)
        subprocess.run(
            [sys.executable, "-m", "alliance", "init", "--db", str(store)], cwd=root, check=True, stdout=subprocess.DEVNULL
        )
        load = [sys.executable, "-m", "alliance", "load", str(workbook), "--db", str(store), "--user", "bench"]
        read = [sys.executable, "-c", bare, str(workbook)]
        if attempt % 2:
            loads.append(timed(load))
            reads.append(timed(read))
        else:
            reads.append(timed(read))
            loads.append(timed(load))
    return {
        "command_line_load_s": round(statistics.median(loads), 3),
        "bare_read_process_s": round(statistics.median(reads), 3),
        "command_line_load_runs_s": [round(x, 3) for x in loads],
        "bare_read_process_runs_s": [round(x, 3) for x in reads],
    }
