"""KPI names come from data/kpis.csv only, region names from data/regions.csv only, each through one function."""

import csv
import re

import pytest
from conftest import ROOT

from alliance import DATA_DIR, report
from alliance.editions import label
from alliance.figures.theme import region_colors
from alliance.kpis import KPI_COLUMNS, REGIONS, TILES, by_figure, definitions, region_names
from alliance.schema import KPI_PATHS


def _csv(name: str) -> list[dict]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_region_names_are_those_of_regions_csv_in_its_order():
    rows = sorted(_csv("regions.csv"), key=lambda r: int(r["sort_order"]))
    assert region_names() == {r["region_code"]: r["region_name"] for r in rows}
    assert REGIONS == tuple(r["region_code"] for r in rows if r["region_code"] != "GLB")
    assert list(region_colors()) == list(region_names().values())


def test_every_kpi_names_its_figure_and_says_whether_it_is_a_flow_or_a_stock():
    kpis = definitions()
    assert [k["figure"] for k in kpis.values()] == list(KPI_PATHS)
    for code, kpi in kpis.items():
        assert kpi["name"] and kpi["short_name"], code
        assert re.match(r"A (flow|stock): ", kpi["definition"]), code


def test_tiles_and_the_regions_table_use_the_short_names():
    assert [(code, label_) for code, label_, _ in TILES] == [(code, definitions()[code]["short_name"]) for code, _, _ in TILES]
    assert all(".".join(path) == definitions()[code]["figure"] for code, _, path in TILES)
    assert KPI_COLUMNS == {code: definitions()[code]["short_name"] for code in KPI_COLUMNS}


@pytest.mark.parametrize("figure", list(KPI_PATHS))
def test_a_kpi_has_its_name_in_the_revisions_and_the_report(figure):
    """eois.countries was "Countries with an EoI", "Countries with EoIs" and "Countries of the EoIs" by place."""
    name = by_figure()[figure]["name"]
    assert report._figure_label(figure) == name
    assert label(figure).startswith(name)


def test_a_breakdown_by_region_is_named_as_its_total_with_the_region():
    assert label("eois.by_region.AFR") == "EoIs received, Africa"
    assert label("centers.by_region.CIS") == "Centers, Commonwealth of Independent States (as at the as-of date)"
    assert label("events.by_region.GLB") == f"{by_figure()['events.total']['name']}, Global (no country)"


@pytest.mark.parametrize(
    "text",
    ["Countries with an EoI", "Countries with EoIs", "Centers in the network", "Participants in events"],
)
def test_no_module_keeps_a_kpi_name_of_its_own(text):
    written = [
        str(path.relative_to(ROOT))
        for folder in ("alliance", "components", "app_pages")
        for path in (ROOT / folder).rglob("*.py")
        if f'"{text}"' in path.read_text()
    ]
    assert written == []


def test_no_module_keeps_the_region_names():
    written = [
        str(path.relative_to(ROOT))
        for folder in ("alliance", "components", "app_pages")
        for path in (ROOT / folder).rglob("*.py")
        if '"Commonwealth of Independent States":' in path.read_text() or '"CIS": "' in path.read_text()
    ]
    assert written == []
