"""Region names come from data/regions.csv only, through one function."""

import csv

from conftest import ROOT

from alliance import DATA_DIR
from alliance.figures.theme import REGION_COLORS
from alliance.kpis import REGIONS, region_names


def _csv(name: str) -> list[dict]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_region_names_are_those_of_regions_csv_in_its_order():
    rows = sorted(_csv("regions.csv"), key=lambda r: int(r["sort_order"]))
    assert region_names() == {r["region_code"]: r["region_name"] for r in rows}
    assert REGIONS == tuple(r["region_code"] for r in rows if r["region_code"] != "GLB")
    assert list(REGION_COLORS) == list(region_names().values())


def test_no_module_keeps_the_region_names():
    written = [
        str(path.relative_to(ROOT))
        for folder in ("alliance", "components", "app_pages")
        for path in (ROOT / folder).rglob("*.py")
        if '"Commonwealth of Independent States":' in path.read_text() or '"CIS": "' in path.read_text()
    ]
    assert written == []
