"""The Regions page on the hand-counted store: map, the six regions side by side, country profile."""

import base64
import json
from datetime import date

import numpy as np
import pytest
from handcount import AS_OF, EXPECTED_AFR, EXPECTED_ALL

from alliance import QUERIES_DIR
from alliance.kpis import REGIONS, summary
from alliance.queries import frame

NEW_QUERIES = [
    "kpis_by_region",
    "eois_by_country",
    "centers_by_country",
    "country_row_counts",
    "country_eois",
    "country_centers",
    "country_events",
    "country_activities",
]


def _values(value) -> list:
    """A figure array from the chart JSON (plotly sends numbers as typed base64 arrays)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
    return list(value)


def _charts(at) -> dict:
    """Each drawn chart's first trace, by trace type."""
    traces = {}
    for chart in at.get("plotly_chart"):
        trace = json.loads(chart.proto.spec)["data"][0]
        traces[trace["type"]] = trace
    return traces


def _map(at) -> dict:
    trace = _charts(at)["choropleth"]
    return dict(zip(trace["locations"], _values(trace["z"])))


def _region_table(at):
    [table] = [d.value for d in at.dataframe if "eois_total" in d.value.columns]
    return table.set_index("region_code")


def _summary_row(figures: dict, region: str) -> dict:
    """The region table's columns, read from the contract summary for one region."""
    return {
        "eois_total": figures["eois"]["total"],
        "eois_countries": figures["eois"]["countries"],
        "eoi_center_requests": figures["eois"]["center_requests"],
        "centers_total": figures["centers"]["total"],
        "centers_launched": figures["centers"]["launched"],
        "events_total": figures["events"]["total"],
        "event_participants": figures["events"]["participants"],
        "trained_certified": figures["events"]["trained_certified"],
        "activities_total": figures["activities"]["total"],
        "resources_usd": figures["resources_usd"],
    }


@pytest.mark.parametrize("as_of", [AS_OF, date(2024, 6, 30)])
@pytest.mark.parametrize("capability", [None, "ESM", "OTI"])
@pytest.mark.parametrize("period_start", [None, date(2023, 4, 1)])
def test_kpis_by_region_agrees_with_the_contract_summary_for_every_region(store, as_of, capability, period_start):
    con = store.connect()
    table = frame(con, "kpis_by_region", as_of=as_of, period_start=period_start, capability=capability)
    table = table.set_index("region_code")
    assert list(table.index) == list(REGIONS)
    for region in REGIONS:
        expected = _summary_row(summary(con, as_of, region, capability, period_start), region)
        assert table.loc[region, list(expected)].to_dict() == expected, region


def test_kpis_by_region_matches_the_hand_count(store):
    table = frame(store.connect(), "kpis_by_region", as_of=AS_OF, period_start=None, capability=None).set_index("region_code")
    assert table.loc["AFR", ["eois_total", "centers_total", "activities_total"]].tolist() == [2, 1, 2]
    assert _summary_row(EXPECTED_AFR, "AFR") == table.loc["AFR", list(_summary_row(EXPECTED_AFR, "AFR"))].to_dict()
    assert table.loc["EUR", ["events_total", "activities_total", "centers_launched"]].tolist() == [1, 1, 0]
    # Japan's USD 304,000 (R1) is for no region: the whole Alliance's, in no region's row.
    assert table.loc["ASP", ["event_participants", "trained_certified", "resources_usd"]].tolist() == [120, 20, 0]
    assert table["resources_usd"].sum() == 0
    # The six regions add up to the Alliance-wide figures, less the global webinar (V2, no country).
    assert table["eois_total"].sum() == EXPECTED_ALL["eois"]["total"]
    assert table["events_total"].sum() == EXPECTED_ALL["events"]["total"] - EXPECTED_ALL["events"]["by_region"]["GLB"]
    assert table["event_participants"].sum() == EXPECTED_ALL["events"]["participants"] - 300


@pytest.mark.parametrize("name", NEW_QUERIES)
def test_every_regions_query_runs_against_the_store(store, name):
    params = dict(as_of=AS_OF, region=None, capability=None, period_start=date(2023, 1, 25), country="KEN")
    result = frame(store.connect(), name, **params)
    assert len(result.columns) > 0
    assert (QUERIES_DIR / f"{name}.sql").read_text().startswith("-- One row")


def test_regions_page_region_table_ignores_the_region_filter(app):
    at = app("regions", as_of="2023-06-30", region="AFR")
    assert not at.exception
    table = _region_table(at)
    assert list(table["region_name"]) == [
        "Africa",
        "Americas",
        "Arab States",
        "Asia and the Pacific",
        "Commonwealth of Independent States",
        "Europe",
    ]
    for region in REGIONS:
        assert table.loc[region, "eois_total"] == EXPECTED_ALL["eois"]["by_region"][region]
        assert table.loc[region, "centers_total"] == EXPECTED_ALL["centers"]["by_region"][region]
        assert table.loc[region, "events_total"] == EXPECTED_ALL["events"]["by_region"][region]
    assert table.loc["AFR", "activities_total"] == 2
    titles = " ".join(m.value for m in at.markdown)
    assert (
        "The six regions on each key figure, all regions, in the period 25 January 2023 to 30 June 2023 (centers as at 30 June 2023)"
        in titles
    )


def test_regions_page_map_shows_hand_counted_eois_per_country(app):
    at = app("regions", as_of="2023-06-30")
    assert not at.exception
    # E5 (Egypt) arrives on 1 July, after the as-of date.
    assert _map(at) == {"KEN": 2, "KOR": 1, "BRA": 1, "KAZ": 1, "DEU": 1}
    [chart] = [c for c in at.get("plotly_chart") if json.loads(c.proto.spec)["data"][0]["type"] == "choropleth"]
    assert json.loads(chart.proto.config)["topojsonURL"] == "/app/static/"
    assert "EoIs per country, all regions, in the period 25 January 2023 to 30 June 2023" in " ".join(
        m.value for m in at.markdown
    )


def test_regions_page_map_honours_region_and_as_of(app):
    assert _map(app("regions", as_of="2023-06-30", region="AFR")) == {"KEN": 2}
    assert _map(app("regions", as_of="2023-06-30", region="Europe")) == {"DEU": 1}
    later = app("regions", as_of="2023-07-01")
    assert _map(later)["EGY"] == 1
    assert _region_table(later).loc["ARB", "eois_total"] == 1


def test_regions_page_map_of_centers_counts_every_center(app):
    at = app("regions", as_of="2023-06-30", map="Centers")
    assert not at.exception
    # Every center, whatever its status: C4 (Germany) is closed, C2 (Kenya) launches in August.
    assert _map(at) == {"KOR": 1, "KEN": 1, "BRA": 1, "DEU": 1}


def test_regions_page_capability_filter_narrows_map_and_table(app):
    at = app("regions", as_of="2023-06-30", capability="ESM")
    assert not at.exception
    assert _map(at) == {"KEN": 2}
    table = _region_table(at)
    assert table.loc["AFR", "eois_total"] == 2 and table.loc["ASP", "eois_total"] == 0
    assert table.loc["AMS", "centers_total"] == 1  # C3 lists EIA and ESM
    # Activities carry no capability, as in the contract summary.
    assert table.loc["AFR", "activities_total"] == 2


def test_regions_page_kpi_select_box_changes_the_bars(app):
    at = app("regions", as_of="2023-06-30", kpi="Event participants")
    assert not at.exception
    bars = _charts(at)["bar"]
    assert dict(zip(bars["y"], _values(bars["x"])))["Asia and the Pacific"] == 120
    assert "Event participants by region, all regions, in the period 25 January 2023 to 30 June 2023" in " ".join(
        m.value for m in at.markdown
    )


@pytest.mark.parametrize("link", ["Kenya", "KEN", "kenya"])
def test_regions_page_country_profile_from_the_url(app, link):
    at = app("regions", as_of="2023-06-30", country=link)
    assert not at.exception
    assert at.selectbox(key="country").value == "KEN"
    assert "**Kenya, Africa**" in [m.value for m in at.markdown]
    assert any(c.value.startswith("2 EoIs, 1 center, 0 events, 1 activity.") for c in at.caption)
    assert [t.label for t in at.tabs] == ["EoIs (2)", "Centers (1)", "Events (0)", "Activities (1)"]
    shown = {d.value.columns[0]: d.value.iloc[:, 0].tolist() for d in at.dataframe}
    assert shown["EoI"] == ["E2", "E3"]
    assert shown["Center"] == ["C2"]
    assert shown["Activity"] == ["A1"]  # A2 has no country; V4 and R3 come after the as-of date
    assert "No events in Kenya" in " ".join(i.value for i in at.info)


def test_regions_page_country_select_box_writes_the_itu_name(app):
    at = app("regions", as_of="2023-06-30")
    assert at.selectbox(key="country").value is None
    assert not at.tabs
    # With bind="query-params" the browser writes the option's label, the ITU name, to the URL.
    assert "Korea (Rep. of)" in at.selectbox(key="country").options
    at.selectbox(key="country").select("KOR").run()
    assert not at.exception
    assert "**Korea \\(Rep\\. of\\), Asia and the Pacific**" in [m.value for m in at.markdown]


def test_regions_page_country_list_holds_every_member_state(app, store):
    """Only countries with records were listed: a delegate of a Member State with none could not find it."""
    at = app("regions", as_of="2023-06-30")
    member_states = frame(store.connect(), "country_row_counts")
    options = at.selectbox(key="country").options
    assert len(options) == len(member_states) == 194
    assert set(options) == set(member_states["country_name"])
    japan = app("regions", as_of="2023-06-30", country="Japan")
    assert japan.selectbox(key="country").value == "JPN"


def _geo(at) -> dict:
    [chart] = [c for c in at.get("plotly_chart") if json.loads(c.proto.spec)["data"][0]["type"] == "choropleth"]
    return json.loads(chart.proto.spec)


@pytest.mark.parametrize("region", ["AFR", "CIS", "EUR"])
def test_regions_page_map_zooms_to_the_chosen_region(app, store, region):
    """The map stayed on the whole world whatever the region: Kenya was 8 by 12 px on a phone."""
    from alliance.figures.regions import REGION_VIEWS

    at = app("regions", as_of="2023-06-30", region=region)
    assert not at.exception
    spec = _geo(at)
    geo = spec["layout"]["geo"]
    lon, lat = REGION_VIEWS[region]
    assert geo["lonaxis"]["range"] == list(lon) and geo["lataxis"]["range"] == list(lat)
    assert geo["projection"]["rotation"]["lon"] == (lon[0] + lon[1]) / 2
    # Every Member State of the region is drawn (those with nothing counted as land), so each can be clicked.
    member_states = frame(store.connect(), "country_row_counts")
    drawn = {code for trace in spec["data"] for code in trace["locations"]}
    assert drawn == set(member_states.loc[member_states["region_code"] == region, "iso3"])
    # A wide region gets a lower map, so that a phone shows no tall blank bands around it.
    assert spec["layout"]["height"] <= 430


def test_regions_page_map_of_all_regions_shows_the_world(app):
    geo = _geo(app("regions", as_of="2023-06-30"))["layout"]["geo"]
    assert "range" not in geo.get("lonaxis", {})
    assert geo["lataxis"]["range"] == [-58, 84]


def _page_links(at) -> list[str]:
    return [e.proto.page for e in at.get("page_link")]


@pytest.mark.parametrize("role, offered", [("viewer", False), ("analyst", True)])
def test_regions_page_empty_profile_says_so_and_offers_upload_only_to_an_analyst(app, monkeypatch, role, offered):
    """An empty profile told a read-only delegate to 'upload a register'."""
    monkeypatch.setenv("ALLIANCE_ROLE", role)
    at = app("regions", as_of="2023-06-30", country="Belarus")
    assert not at.exception
    assert at.selectbox(key="country").value == "BLR"
    assert "No Alliance records for Belarus yet." in [i.value for i in at.info]
    assert not at.tabs
    assert not any("upload" in i.value.casefold() for i in at.info)
    assert any("upload" in link for link in _page_links(at)) is offered


def test_regions_page_profile_tables_show_labels_not_codes(app):
    """Profiles showed column names and codes (eoi_id, international_org, join_network, None)."""
    from alliance.schema import CHOICES

    at = app("regions", as_of="2024-06-30", country="KEN")
    assert not at.exception
    grids = [d for tab in at.tabs for d in tab.dataframe]
    tables = [d.value for d in grids]
    assert len(tables) == 4  # EoIs, centers, events and activities in Kenya by mid-2024
    codes = {code for labels in CHOICES.values() for code, label in labels.items() if code != label}
    for grid, table in zip(grids, tables):
        assert not [c for c in table.columns if "_" in c or c != c.strip() or c[0].islower()], list(table.columns)
        # Dates stay dates (written "2 March 2023" by the grid, sorting as dates); a blank is drawn empty.
        assert grid.proto.placeholder == ""
        values = {v for column in table.columns for v in table[column].tolist()}
        assert not values & codes, values & codes
        assert "None" not in values and "nan" not in values
        assert all(
            v is None or isinstance(v, date)
            for c in table.columns
            if any(isinstance(v, date) for v in table[c])
            for v in table[c]
        )
    assert any(isinstance(v, date) for table in tables for c in table.columns for v in table[c])
    eois = next(t for t in tables if "EoI" in t.columns and "Received" in t.columns)
    assert {"Organization type", "Request", "Center type", "Capabilities", "Status"} <= set(eois.columns)


def test_regions_page_unknown_country_in_link_is_shown_as_text(app):
    at = app("regions", as_of="2023-06-30", country="[Kenya](https://evil.example)")
    assert not at.exception
    [warning] = [w.value for w in at.warning if "not an ITU Member State" in w.value]
    assert "](" not in warning and "\\[Kenya\\]" in warning
    assert at.selectbox(key="country").value is None


@pytest.fixture
def empty_app(empty_store, monkeypatch):
    """Open the Regions page on a store holding only the reference data."""
    import streamlit as st
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ALLIANCE_DB", str(empty_store.path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(as_of="2023-06-30")
    at.run()
    return at.switch_page("app_pages/regions.py").run()


def test_regions_page_on_an_empty_store_says_so_instead_of_empty_charts(empty_app):
    assert not empty_app.exception
    assert not empty_app.get("plotly_chart") and not empty_app.dataframe
    assert "This dashboard holds no records yet" in " ".join(i.value for i in empty_app.info)


def test_regions_page_unknown_country_in_link_says_so(app):
    at = app("regions", as_of="2023-06-30", country="Atlantis")
    assert not at.exception
    assert "'Atlantis' is not an ITU Member State" in " ".join(w.value for w in at.warning)
    assert at.selectbox(key="country").value is None


def test_regions_page_map_outlines_the_country_whose_profile_is_open(app):
    from alliance.figures.regions import SELECTED

    outlined = [
        t
        for t in _geo(app("regions", as_of="2023-06-30", country="KEN"))["data"]
        if t.get("marker", {}).get("line", {}).get("color") == SELECTED
    ]
    assert [t["locations"] for t in outlined] == [["KEN"]]
    assert not [
        t
        for t in _geo(app("regions", as_of="2023-06-30"))["data"]
        if t.get("marker", {}).get("line", {}).get("color") == SELECTED
    ]


def test_country_profile_says_what_its_whole_region_did(app):
    """A profile showed the country alone: a delegate had nothing to read it against."""
    at = app("regions", as_of="2023-06-30", country="KEN")
    assert not at.exception
    [line] = [c.value.replace("\\", "") for c in at.caption if "Across" in c.value]
    eois, centers = EXPECTED_AFR["eois"], EXPECTED_AFR["centers"]
    assert line.startswith(
        f"Across Africa, in the same selection: {eois['total']} EoIs from {eois['countries']} country, "
        f"{centers['total']} center, "
    ), line
    empty = app("regions", as_of="2023-06-30", country="Belarus")
    assert any(
        c.value.replace("\\", "").startswith("Across the Commonwealth of Independent States, in the same selection:")
        for c in empty.caption
    )
