"""The Events and initiatives page, and its queries, on the hand-counted store."""

import base64
import json
from datetime import date

import numpy as np
import pytest
from handcount import AS_OF, EXPECTED_AFR, EXPECTED_ALL

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


@pytest.mark.parametrize(
    "name", ["events_by_month_region", "events_list", "activities_by_initiative_product_status", "action_years"]
)
def test_new_event_queries_run_with_every_filter(store, name):
    con = store.connect()
    for capability in (None, "TRR"):
        result = frame(con, name, **{**PARAMS, "capability": capability, "region": "AFR"})
        assert len(result.columns) > 0


def test_events_by_month_region_matches_the_hand_count(store):
    rows = frame(store.connect(), "events_by_month_region", **PARAMS)
    got = {(r.month.strftime("%Y-%m"), r.region_name): (r.events, r.participants, r.trained_certified) for r in rows.itertuples()}
    assert got == {
        ("2023-03", "Asia and the Pacific"): (1, 120, 20),
        ("2023-04", "Global (no country)"): (1, 300, 0),
        ("2023-05", "Europe"): (1, 0, 0),
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


def test_action_years_lists_years_up_to_the_as_of_date(store):
    assert list(frame(store.connect(), "action_years", as_of=AS_OF)["year"]) == [2023]
    assert list(frame(store.connect(), "action_years", as_of=date(2022, 12, 31))["year"]) == []


def test_events_page_shows_hand_counted_participants_by_region_and_month(app):
    at = app("events", as_of="2023-06-30")
    assert not at.exception
    bars = traces(at, "events_by_month")
    assert bars["Asia and the Pacific"] == {"2023-03-01": 120}
    assert bars["Global (no country)"] == {"2023-04-01": 300}
    assert sum(sum(v.values()) for v in bars.values()) == EXPECTED_ALL["events"]["participants"]
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
    assert sum(sum(v.values()) for v in traces(at, "events_by_month").values()) == EXPECTED_ALL["events"]["trained_certified"]
    # Europe's only event (V3) has no participants: its bar exists, at 0, and the chart says so in its table.
    assert "Europe" in traces(at, "events_by_month")


def test_events_page_region_filter_changes_the_figures(app):
    at = app("events", as_of="2023-06-30", region="AFR")
    assert not at.exception
    assert EXPECTED_AFR["events"]["total"] == 0
    assert "No events starting in this period" in " ".join(i.value for i in at.info)
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith("chart_events_by_month")]
    later = app("events", as_of="2023-12-31", region="AFR")
    assert traces(later, "events_by_month") == {"Africa": {"2023-09-01": 50}}


def test_events_page_activities_by_initiative_and_status_toggle(app):
    at = app("events", as_of="2023-06-30")
    bars = traces(at, "activities_by_initiative")
    assert bars == {
        "Knowledge sharing": {"EUR5 (WTDC-22)": 1},
        "Capacity building": {"AFR4 (WTDC-22)": 1},
        "Innovation assessment": {"AFR4 (WTDC-22)": 1},
    }
    at.radio(key="activity_status").set_value("completed").run()
    assert not at.exception
    assert set(traces(at, "activities_by_initiative")) == {"Knowledge sharing", "Innovation assessment"}
    assert "Completed activities by regional initiative" in " ".join(m.value for m in at.markdown)


def test_events_page_actions_table_counts_up_to_the_as_of_date(app):
    at = app("events", as_of="2023-06-30")
    assert not at.exception
    assert at.selectbox(key="year").value == 2023
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
    captions = " ".join(c.value for c in at.caption)
    assert "2019 TDAG report on ITU-D Innovation" in captions and "not counted yet" in captions
    assert "events that count as a product line" in captions


def test_events_page_year_from_the_url_counts_the_whole_year(app):
    at = app("events", as_of="2024-06-30", year="2023")
    assert not at.exception
    assert at.selectbox(key="year").value == 2023
    assert actions(at)["Asia and the Pacific"] == [0, 0, 0, 1]
    assert "starting in 2023 (the whole year)" in " ".join(c.value for c in at.caption)
    at.selectbox(key="year").set_value(2024).run()
    assert sum(sum(v) for v in actions(at).values()) == 0


def test_events_list_is_cut_to_its_limit_and_says_how_many_there_are(store):
    rows = frame(store.connect(), "events_list", **{**PARAMS, "limit": 2})
    assert list(rows["event_id"]) == ["V3", "V2"]
    assert set(rows["events_all"]) == {3}
