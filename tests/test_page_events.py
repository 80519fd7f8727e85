"""The Events and initiatives page, and its queries, on the hand-counted store."""

import base64
import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
from handcount import AS_OF, EXPECTED_AFR, EXPECTED_ALL

from alliance.ingest.load import load_file
from alliance.queries import frame

PARAMS = {"as_of": AS_OF, "period_start": date(2023, 1, 25), "region": None, "capability": None, "limit": 500}


def values(data) -> list:
    """Plotly's JSON holds numbers either as a list or as a typed base64 array."""
    if isinstance(data, dict):
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    # Dates arrive as "2023-09-01T00:00:00.000000": keep the day.
    return [v.removesuffix("T00:00:00.000000") if isinstance(v, str) else v for v in data]


def chart(at, key: str) -> dict:
    [found] = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"chart_{key}")]
    return json.loads(found.proto.spec)


def traces(at, key: str) -> dict:
    """Trace name -> {x: y} of a chart."""
    return {t["name"]: dict(zip(values(t["x"]), values(t["y"]))) for t in chart(at, key)["data"]}


def table(at, first_column: str):
    [found] = [d.value for d in [*at.dataframe, *at.table] if d.value.columns[0] == first_column]
    return found


def actions(at) -> dict:
    """The actions-by-region table as {region: [four counts]}."""
    rows = table(at, "Regions")
    return {r[0]: list(r[1:]) for r in rows.itertuples(index=False)}


@pytest.fixture(scope="module")
def builtin_store(tmp_path_factory):
    """The built-in records of the seeds, without the demo set."""
    from alliance.ingest.load import seed
    from alliance.store import Store

    store = Store(tmp_path_factory.mktemp("builtin") / "alliance.duckdb").ensure()
    seed(store, demo=False)
    return store


def load_initiatives(store, tmp_path, rows: str) -> None:
    """Load a hand-made Initiatives sheet (code, cycle, region, title) into this test's copy of the store."""
    path = tmp_path / "initiatives.csv"
    path.write_text("code,cycle,region,title\n" + rows)
    load_file(store, path, user="tester")


@pytest.mark.parametrize("name", ["events_by_month_region", "events_list", "activities_by_initiative_product_status"])
def test_new_event_queries_run_with_every_filter(store, name):
    con = store.connect()
    for capability in (None, "TRR"):
        result = frame(con, name, **{**PARAMS, "capability": capability, "region": "AFR"})
        assert len(result.columns) > 0


def test_events_by_month_region_matches_the_hand_count(store):
    rows = frame(store.connect(), "events_by_month_region", **PARAMS)
    got = {
        (r.month.strftime("%Y-%m"), r.region_name): tuple(
            None if pd.isna(v) else v for v in (r.events, r.participants, r.trained_certified)
        )
        for r in rows.itertuples()
    }
    # A month whose events state no figure has none (not recorded), never 0.
    assert got == {
        ("2023-03", "Asia and the Pacific"): (1, 120, 20),
        ("2023-04", "Global (no country)"): (1, 300, None),
        ("2023-05", "Europe"): (1, None, None),
    }
    assert rows["events"].sum() == EXPECTED_ALL["events"]["total"]
    assert rows["participants"].sum() == EXPECTED_ALL["events"]["participants"]
    assert rows["trained_certified"].sum() == EXPECTED_ALL["events"]["trained_certified"]


def test_events_period_start_leaves_out_earlier_events(store):
    rows = frame(store.connect(), "events_list", **{**PARAMS, "period_start": date(2023, 4, 1)})
    assert list(rows["event_id"]) == ["V3", "V2"]


def test_activities_by_initiative_product_status_matches_the_hand_count(store):
    rows = frame(store.connect(), "activities_by_initiative_product_status", **PARAMS)
    got = {(r.regional_initiative, r.product, r.status): r.activities for r in rows.itertuples()}
    assert got == {
        ("AFR4", "capacity_building", "ongoing"): 1,
        ("AFR4", "innovation_assessment", "completed"): 1,
        ("EUR5", "knowledge_sharing", "completed"): 1,
    }
    assert set(rows["region_name"]) == {"Africa", "Europe"} and set(rows["cycle"]) == {"WTDC-22"}
    # The reference data know no title for AFR4 or EUR5 of WTDC-22 ("AFR4 (title not found)"): none is given.
    assert rows["initiative_title"].isna().all()
    totals = rows.groupby("regional_initiative")["activities"].sum().to_dict()
    assert totals == EXPECTED_ALL["activities"]["by_initiative"]


@pytest.mark.parametrize(
    ("as_of", "region", "expected"),
    [
        # A4 (ASP4, co-creation, India) starts 2023-08-01: counted only once the as-of date reaches it.
        (AS_OF, None, {"Africa": [0, 1, 1, 0], "Asia and the Pacific": [0, 0, 0, 0], "Europe": [1, 0, 0, 0]}),
        (date(2023, 12, 31), None, {"Africa": [0, 1, 1, 0], "Asia and the Pacific": [0, 0, 0, 1], "Europe": [1, 0, 0, 0]}),
        (date(2023, 12, 31), "AFR", {"Africa": [0, 1, 1, 0], "Asia and the Pacific": [0, 0, 0, 0], "Europe": [0, 0, 0, 0]}),
    ],
)
def test_actions_by_region_query_takes_a_year(store, as_of, region, expected):
    rows = frame(store.connect(), "actions_by_region", year=2023, period_start=None, as_of=as_of, region=region)
    assert list(rows["region_name"]) == [
        "Africa",
        "Americas",
        "Arab States",
        "Asia and the Pacific",
        "Commonwealth of Independent States",
        "Europe",
    ]
    got = {r[0]: list(r[1:]) for r in rows.itertuples(index=False)}
    for region_name, counts in got.items():
        assert counts == expected.get(region_name, [0, 0, 0, 0]), region_name
    assert (
        frame(store.connect(), "actions_by_region", year=2022, period_start=None, as_of=as_of, region=None)
        .iloc[:, 1:]
        .sum()
        .sum()
        == 0
    )


def test_events_page_shows_hand_counted_participants_by_region_and_month(app):
    at = app("events", as_of="2023-06-30")
    assert not at.exception
    bars = traces(at, "events_by_month")
    assert bars["Asia and the Pacific"] == {"2023-03-01": 120}
    assert bars["Global (no country)"] == {"2023-04-01": 300}
    assert (
        sum(sum(n for n in v.values() if n is not None and n == n) for v in bars.values())
        == EXPECTED_ALL["events"]["participants"]
    )
    headings = " ".join(m.value for m in at.markdown)
    assert (
        "Participants by region and month of the events' start, all regions, in the period 25 January 2023 to 30 June 2023"
        in headings
    )
    # Latest first, by title (the event IDs are in the downloads, not on the page).
    assert list(table(at, "Title")["Title"]) == ["Workshop", "Webinar", "Forum"]


def test_events_page_trained_toggle_and_fallback_to_event_counts(app):
    at = app("events", as_of="2023-06-30")
    at.radio(key="events_measure").set_value("trained_certified").run()
    assert not at.exception
    bars = traces(at, "events_by_month").values()
    assert (
        sum(sum(n for n in v.values() if n is not None and n == n) for v in bars) == EXPECTED_ALL["events"]["trained_certified"]
    )
    # Europe's only event (V3) states no participants: its month is in the chart, with no bar (not recorded, not 0).
    assert "Europe" in traces(at, "events_by_month")


def test_events_page_region_filter_changes_the_figures(app):
    at = app("events", as_of="2023-06-30", region="AFR")
    assert not at.exception
    assert EXPECTED_AFR["events"]["total"] == 0
    assert "No events starting in this period" in " ".join(i.value for i in at.info)
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith("chart_events_by_month")]
    later = app("events", as_of="2023-12-31", region="AFR")
    assert traces(later, "events_by_month") == {"Africa": {"2023-09-01": 50}}


def bars(at, key: str) -> dict:
    """Trace name -> {axis label: count} of a horizontal bar chart."""
    return {t["name"]: dict(zip(values(t["y"]), values(t["x"]))) for t in chart(at, key)["data"]}


def test_events_page_activities_by_initiative_and_status_toggle(app):
    at = app("events", as_of="2023-06-30")
    assert bars(at, "activities_by_initiative") == {
        "Knowledge sharing": {"Europe regional initiative (EUR5)": 1},
        "Capacity building": {"Africa regional initiative (AFR4)": 1},
        "Innovation assessment": {"Africa regional initiative (AFR4)": 1},
    }
    at.radio(key="activity_status").set_value("completed").run()
    assert not at.exception
    assert set(bars(at, "activities_by_initiative")) == {"Knowledge sharing", "Innovation assessment"}
    assert "Completed activities by regional initiative" in " ".join(m.value for m in at.markdown)


def test_events_page_names_initiatives_by_title(app, store, tmp_path):
    """Bug: the chart named initiatives "ARB4 (WTDC-22)", code and plan cycle, where their title belongs."""
    title = "Fostering innovation ecosystems and entrepreneurship for digital transformation in Africa"
    load_initiatives(store, tmp_path, f"AFR4,WTDC-22,AFR,{title}\n")
    at = app("events", as_of="2023-06-30")
    assert not at.exception
    spec = chart(at, "activities_by_initiative")
    labels = {label for t in spec["data"] for label in values(t["y"])}
    # A long title is cut at a word on the axis, whole in the hover and in the table behind the chart.
    assert labels == {"Fostering innovation ecosystems and…", "Europe regional initiative (EUR5)"}
    assert any(title in h for t in spec["data"] for h in values(t["customdata"])[0])
    text = json.dumps(spec)
    assert "(WTDC-22)" not in text and "title not found" not in text
    at.session_state["table_activities_by_initiative"] = True
    at.run()
    shown = table(at, "Initiative")
    assert set(shown["Initiative"]) == {title, "Europe regional initiative (EUR5)"}
    assert set(shown["Code"]) == {"AFR4", "EUR5"}


def test_events_page_says_once_that_the_period_has_no_events(app):
    """Bug: a period without events showed "No events starting in this period" twice, under the chart's place and the list's."""
    at = app("events", **{"as_of": "2022-06-30", "from": "2022-01-01"})
    assert not at.exception
    notices = [i.value for i in at.info]
    assert len([n for n in notices if n.startswith("No events starting in this period")]) == 1
    assert len([n for n in notices if n.startswith("No regional-initiative activities")]) == 1
    assert not [m.value for m in at.markdown if m.value.startswith("##### Events,")]


def test_events_page_actions_table_counts_the_page_period(app):
    at = app("events", as_of="2023-06-30")
    assert not at.exception
    assert list(table(at, "Regions").columns) == [
        "Regions",
        "Knowledge Sharing Products",
        "Capacity Building Products",
        "Innovation Assessments Products",
        "Project Co-creation Products",
    ]
    rows = actions(at)
    assert rows["Africa"] == [0, 1, 1, 0]
    assert rows["Europe"] == [1, 0, 0, 0]
    assert rows["Asia and the Pacific"] == [0, 0, 0, 0]
    headings = " ".join(m.value for m in at.markdown)
    assert "Actions by region and product line, all regions, in the period 25 January 2023 to 30 June 2023" in headings
    captions = " ".join(c.value for c in at.caption)
    assert "2019 TDAG report on ITU-D Innovation" in captions and "events that count as a product line" in captions


@pytest.mark.parametrize(
    ("query", "africa", "asia"),
    [
        # A1 (1 March) is before a period starting in April; A2 (1 May) and A3 (1 June) are in it.
        ({"as_of": "2023-06-30", "from": "2023-04-01"}, [0, 1, 0, 0], [0, 0, 0, 0]),
        # A4 (ASP4, co-creation, 1 August 2023) counts once the period reaches it, whatever year the as-of date is in.
        ({"as_of": "2024-06-30", "from": "2023-01-01"}, [0, 1, 1, 0], [0, 0, 0, 1]),
        ({"as_of": "2024-06-30", "from": "2024-01-01"}, [0, 0, 0, 0], [0, 0, 0, 0]),
    ],
)
def test_events_page_actions_table_follows_the_sidebar_period(app, query, africa, asia):
    """Bug: the actions table stayed on the latest year with actions (2025 in the built-in data), whatever the period."""
    at = app("events", **query)
    assert not at.exception
    rows = actions(at)
    assert rows["Africa"] == africa and rows["Asia and the Pacific"] == asia


def test_events_page_actions_table_for_2018_is_the_2019_tdag_reports(app, builtin_store, monkeypatch):
    monkeypatch.setenv("ALLIANCE_DB", str(builtin_store.path))
    at = app("events", **{"as_of": "2018-12-31", "from": "2018-01-01"})
    assert not at.exception
    # The 2019 TDAG report on ITU-D Innovation (seed 001, section 3.1): the table of actions by region in 2018.
    assert actions(at) == {
        "Africa": [1, 0, 2, 1],
        "Americas": [0, 0, 0, 0],
        "Arab States": [0, 0, 0, 0],
        "Asia and the Pacific": [1, 1, 1, 0],
        "Commonwealth of Independent States": [0, 0, 1, 0],
        "Europe": [2, 1, 4, 2],
    }
    assert "Actions by region and product line, all regions, in the period 1 January 2018 to 31 December 2018" in " ".join(
        m.value for m in at.markdown
    )


def test_events_list_is_cut_to_its_limit_and_says_how_many_there_are(store):
    rows = frame(store.connect(), "events_list", **{**PARAMS, "limit": 2})
    assert list(rows["event_id"]) == ["V3", "V2"]
    assert set(rows["events_all"]) == {3}


@pytest.mark.parametrize(
    ("rows", "names"),
    [
        # (code, cycle, title, region): a title when known, else the region with the code in brackets.
        ([("AFR1", "WTDC-22", "Digital Africa", "Africa")], ["Digital Africa"]),
        ([("ARB4", "WTDC-22", None, "Arab States")], ["Arab States regional initiative (ARB4)"]),
        ([("ZZZ1", None, None, None)], ["Regional initiative (ZZZ1)"]),
        # Codes are reused across cycles: two that would read alike carry their cycle.
        (
            [("AFR4", "WTDC-17", None, "Africa"), ("AFR4", "WTDC-22", None, "Africa")],
            ["Africa regional initiative (AFR4, WTDC-17)", "Africa regional initiative (AFR4, WTDC-22)"],
        ),
    ],
)
def test_initiative_names_are_titles_or_region_and_code(rows, names):
    from alliance.figures.events import initiative_names

    frame = pd.DataFrame(rows, columns=["regional_initiative", "cycle", "initiative_title", "region_name"])
    assert initiative_names(frame).tolist() == names


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Africa regional initiative (AFR4)", "Africa regional initiative (AFR4)"),
        ("Commonwealth of Independent States regional initiative (CIS3)", "Commonwealth of Independent… (CIS3)"),
        ("Fostering innovation ecosystems and entrepreneurship in Africa", "Fostering innovation ecosystems and…"),
    ],
)
def test_initiative_axis_names_are_cut_at_a_word_keeping_the_code(name, short):
    from alliance.figures.events import short_name

    assert short_name(name) == short
