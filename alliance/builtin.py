"""Built-in data: the dated facts of the seed documents, and the deterministic demo set, as sheets to load.

The store's upgrade refreshes the built-in records in its own write (refresh, on the connection it holds);
loading them into a store is alliance.ingest.load's (seed, load_raw).
"""

import csv

import duckdb

from alliance import DATA_DIR
from alliance.ingest import merge
from alliance.ingest.problems import Rejected
from alliance.ingest.sheets import RawSheet, from_rows
from alliance.ingest.validate import validate
from alliance.reference import load_reference

BUILTIN_DIR = DATA_DIR / "builtin"
REFRESHED = "built-in data refreshed (seed documents, data/builtin)"


def builtin_sheets() -> list[RawSheet]:
    """Read data/builtin/*.csv as raw sheets named after their files."""
    sheets = []
    for path in sorted(BUILTIN_DIR.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        # Written with a comma delimiter and a decimal point, as CSV files are here.
        sheets.append(from_rows(path.stem, rows, decimal_mark="."))
    return sheets


def demo_raw() -> list[RawSheet]:
    """Return the demo set as raw sheets."""
    from alliance.demo import demo_sheets

    sheets = []
    for name, records in demo_sheets().items():
        if not records:
            continue
        header = list(records[0])
        sheets.append(from_rows(name, [header] + [[record.get(c, "") for c in header] for record in records]))
    return sheets


def refresh(con: duckdb.DuckDBPyConnection, snapshot_before: str) -> dict[str, dict[str, int]] | None:
    """Load the built-in records as shipped now over those of an earlier version, in the caller's write, recorded
    as a load; return what it did per sheet, or None when the store holds every one as shipped (nothing written)."""
    validation = validate(builtin_sheets(), load_reference(con), csv_file=True)
    if validation.problems:
        raise Rejected(REFRESHED, validation.problems)
    load_id = merge.next_load_id(con)
    done = merge.write(con, validation, load_id)
    if not merge.changes(done):
        return None
    merge.record(con, load_id, "builtin", REFRESHED, "", "system", False, snapshot_before, validation, done)
    return done
