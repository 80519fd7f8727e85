"""Built-in data: the dated facts of the seed documents, and the deterministic demo set."""

import csv

from alliance import DATA_DIR
from alliance.loader import LoadResult, load_raw
from alliance.readers import RawSheet
from alliance.store import Store

BUILTIN_DIR = DATA_DIR / "builtin"


def builtin_sheets() -> list[RawSheet]:
    """Read data/builtin/*.csv as raw sheets named after their files."""
    sheets = []
    for path in sorted(BUILTIN_DIR.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        # Written with a comma delimiter and a decimal point, as CSV files are here.
        sheets.append(RawSheet(path.stem, rows, list(range(1, len(rows) + 1)), decimal_mark="."))
    return sheets


def demo_raw() -> list[RawSheet]:
    """Return the demo set as raw sheets."""
    from alliance.demo import demo_sheets

    sheets = []
    for name, records in demo_sheets().items():
        if not records:
            continue
        header = list(records[0])
        rows = [header] + [[record.get(c, "") for c in header] for record in records]
        sheets.append(RawSheet(name, rows, list(range(1, len(rows) + 1))))
    return sheets


def seed(store: Store, demo: bool = True) -> list[LoadResult]:
    """Load the built-in records, then (unless told not to) the demo set, as two recorded loads."""
    results = [load_raw(store, builtin_sheets(), "built-in data (seed documents, data/builtin)", kind="builtin")]
    if demo:
        results.append(load_raw(store, demo_raw(), "demo data (alliance/demo.py)", kind="demo", demo=True))
    return results


def refresh_builtin(store: Store) -> LoadResult:
    """Load the built-in records as shipped now over those of an earlier version (a recorded load)."""
    return load_raw(store, builtin_sheets(), "built-in data refreshed (seed documents, data/builtin)", kind="builtin")
