"""The Centers and EoIs page, and its directory and scope-status queries, on the hand-counted store."""

import base64
import json
from datetime import date

import numpy as np
import pytest
from handcount import AS_OF, EXPECTED_AFR, EXPECTED_ALL

from alliance.queries import frame


def values(column) -> list:
    """A trace's values from figure JSON, plain or base64-packed."""
    if isinstance(column, dict) and "bdata" in column:
        return np.frombuffer(base64.b64decode(column["bdata"]), dtype=column["dtype"]).tolist()
    return list(column)


def traces(at) -> dict:
    """Every bar trace of the page's charts, by name: {category: value}."""
    result = {}
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            horizontal = trace.get("orientation") == "h"
            categories, counts = (trace["y"], trace["x"]) if horizontal else (trace["x"], trace["y"])
            result[trace.get("name") or "centers_by_type"] = dict(zip(values(categories), values(counts)))
    return result


def directory_ids(at) -> set:
    return set(at.dataframe[-1].value["ID"])


PIPELINE_LABELS = {
    "received": "Received",
    "under_review": "Under review",
    "validated": "Validated",
    "onboarded": "Onboarded",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}


@pytest.mark.parametrize("region, kpis", [(None, EXPECTED_ALL), ("AFR", EXPECTED_AFR)])
def test_centers_pipeline_and_types_match_hand_count(app, region, kpis):
    at = app("centers", as_of="2023-06-30", **({"region": region} if region else {}))
    assert not at.exception
    charts = traces(at)
    pipeline = {**charts["In the pipeline"], **charts["Left the pipeline"]}
    assert pipeline == {PIPELINE_LABELS[s]: n for s, n in kpis["eois"]["by_status"].items()}
    assert list(charts["In the pipeline"]) == ["Received", "Under review", "Validated", "Onboarded"]
    by_type = charts["centers_by_type"]
    names = {"TAC": "Technology Acceleration<br>Center", "REEC": "Research and<br>Entrepreneurship<br>Excellence Center"}
    assert by_type[names["TAC"]] == kpis["centers"]["by_type"]["TAC"]
    assert by_type[names["REEC"]] == kpis["centers"]["by_type"]["REEC"]
    assert sum(by_type.values()) == kpis["centers"]["total"]


def test_centers_scope_and_status_stack(app):
    at = app("centers", as_of="2023-06-30")
    charts = traces(at)
    # C1 regional launched; C2 national, launched on 1 August 2023, so still selected at 30 June; C3 national
    # selected; C4 national closed.
    assert charts["Launched"] == {"Global": 0, "Regional": 1, "National": 0}
    assert charts["Selected"] == {"Global": 0, "Regional": 0, "National": 2}
    assert charts["Closed"] == {"Global": 0, "Regional": 0, "National": 1}
    assert "Prospective" not in charts  # no center has that status: no empty legend entry


def test_centers_as_of_moves_the_pipeline(app):
    at = app("centers", as_of="2023-03-31")
    assert traces(at)["In the pipeline"] == {"Received": 1, "Under review": 1, "Validated": 1, "Onboarded": 0}


@pytest.mark.parametrize("query", ["KEN", "kenya", "  Ken  "])
def test_centers_directory_search_by_country_from_the_url(app, query):
    at = app("centers", as_of="2023-06-30", q=query)
    assert not at.exception
    assert directory_ids(at) == {"C2", "E2", "E3"}


def test_centers_directory_search_box_finds_a_city(app):
    at = app("centers", as_of="2023-06-30")
    assert directory_ids(at) == {"E1", "E2", "E3", "E4", "E6", "E7", "C1", "C2", "C3", "C4"}
    at.text_input(key="q").set_value("Nairobi").run()
    assert directory_ids(at) == {"C2"}
    at.text_input(key="q").set_value("no such thing").run()
    assert "No EoIs or centers matching this search" in at.info[0].value


def test_centers_directory_honours_region_and_capability(app):
    assert directory_ids(app("centers", as_of="2023-06-30", region="AFR")) == {"C2", "E2", "E3"}
    assert directory_ids(app("centers", as_of="2023-06-30", capability="ESM")) == {"E2", "E3", "C2", "C3"}


def test_centers_directory_says_when_the_list_is_cut(app, monkeypatch):
    import components.centers

    monkeypatch.setattr(components.centers, "DIRECTORY_LIMIT", 3)
    at = app("centers", as_of="2023-06-30")
    assert not at.exception
    assert len(at.dataframe[-1].value) == 3
    assert "Showing the first 3 of 10 rows: refine the search." in at.warning[-1].value


def test_centers_empty_region_says_so(app):
    at = app("centers", as_of="2023-06-30", region="ARB")
    assert not at.exception
    assert not at.get("plotly_chart")
    messages = " ".join(i.value for i in at.info)
    assert "No EoIs received" in messages and "No centers" in messages


@pytest.mark.parametrize(
    "search, ids",
    [
        (None, {"E1", "E2", "E3", "E4", "E6", "E7", "C1", "C2", "C3", "C4"}),
        ("", {"E1", "E2", "E3", "E4", "E6", "E7", "C1", "C2", "C3", "C4"}),
        ("KEN", {"C2", "E2", "E3"}),
        ("ministry", {"E1", "E4", "E6"}),
        ("c3", {"C3"}),
        ("bra", {"C3", "E4"}),  # BRA, Brazil and Brasília
    ],
)
def test_directory_query_searches_ids_names_countries_and_cities(store, search, ids):
    rows = frame(
        store.connect(), "directory", as_of=AS_OF, period_start=None, region=None, capability=None, search=search, limit=500
    )
    assert set(rows["id"]) == ids
    assert (rows["rows_matching"] == len(ids)).all()


def test_directory_query_limit_keeps_the_full_count(store):
    rows = frame(store.connect(), "directory", as_of=AS_OF, period_start=None, region=None, capability=None, search=None, limit=4)
    assert len(rows) == 4 and rows["rows_matching"].iloc[0] == 10
    e2 = frame(
        store.connect(), "directory", as_of=AS_OF, period_start=None, region=None, capability=None, search="E2", limit=5
    ).iloc[0]
    assert (e2["kind"], e2["country_name"], e2["region_name"]) == ("EoI", "Kenya", "Africa")
    assert e2["type_or_request"] == "Strengthen a center (Research and Entrepreneurship Excellence Center)"
    assert e2["capabilities"] == "Entrepreneurship and SMEs growth" and e2["status"] == "under review"


def test_centers_by_scope_status_query_counts_every_pair(store):
    rows = frame(store.connect(), "centers_by_scope_status", as_of=AS_OF, region="AFR", capability=None)
    assert len(rows) == 3 * 5
    assert rows["centers"].sum() == EXPECTED_AFR["centers"]["total"]
    counted = rows.set_index(["scope", "status"])["centers"]
    # C2 is recorded as launched, on 1 August 2023: at 30 June it was selected.
    assert counted[("national", "launched")] == 0 and counted[("national", "selected")] == 1
    later = frame(store.connect(), "centers_by_scope_status", as_of=date(2023, 8, 1), region="AFR", capability=None)
    assert later.set_index(["scope", "status"])["centers"][("national", "launched")] == 1
