"""Every figure is what it says: unknown is not zero, money counts where it goes, published totals have a home,
milestones exist from when they were set, and undated facts count in no period."""

import json
from datetime import date

import pandas as pd
import pytest
from conftest import ROOT, cli

from alliance.ingest.load import seed
from alliance.kpis import summary
from alliance.queries import frame, rows
from alliance.store import Store

EVENTS = (
    "event_id,title,start_date,event_type,country,participants,trained_certified\n"
    "X1,Forum,2023-03-01,forum,KEN,120,\n"
    "X2,Webinar,2023-03-02,webinar,,,\n"
    "X3,Workshop,2023-03-03,workshop,KEN,,\n"
    "X4,Training,2023-03-04,training,IND,235,10\n"
)
RESOURCES = (
    "resource_id,partner,kind,amount_usd,signed_on,country,for_region\n"
    "R1,MIC Japan,voluntary_contribution,304000,2023-05-01,JPN,\n"
    "R2,Partner for Asia,voluntary_contribution,50000,2023-05-02,JPN,Asia and the Pacific\n"
    "R3,Partner for Africa,in_kind,,2023-05-03,FRA,AFR\n"
)
REPORTED = (
    "reported_id,kpi,as_of,from,region,value,qualifier,source\n"
    "P1,eois.total,2023-04-15,,,70,over,TDAG report (2023)\n"
    "P2,eois.countries,2023-04-15,,,55,More than,TDAG report (2023)\n"
    "P3,events.participants,2023-06-30,2023-01-01,ASP,300,about,Regional report (2023)\n"
    "P4,eois.total,2024-01-31,,,99,exact,Later report (2024)\n"
    "P5,events.total,2023-06-30,,AFR,5,over,Africa memo (2023)\n"
)
MILESTONES = (
    "milestone_id,title,due_on,announced_on,completed_on\n"
    "M1,Set in 2023,2023-06-30,2023-02-01,\n"
    "M2,Always there,,,\n"
    "M3,Set in 2023 and late,2023-03-31,2023-03-01,\n"
)


@pytest.fixture
def empty_store(tmp_path) -> Store:
    return Store(tmp_path / "store" / "alliance.duckdb").ensure()


def _load(store: Store, tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    done = cli("load", path, "--db", store.path)
    assert done.returncode == 0, done.stderr
    return done


def _kpis(store: Store, *args) -> dict:
    done = cli("kpis", "--db", store.path, "--json", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_kpis_sum_only_the_events_that_state_a_figure_and_say_how_many_do(empty_store, tmp_path):
    _load(empty_store, tmp_path, "events.csv", EVENTS)
    events = _kpis(empty_store, "--as-of", "2023-12-31")["events"]
    # Hand count: participants stated by X1 (120) and X4 (235); trained only by X4 (10).
    assert (events["total"], events["participants"], events["participants_stated"]) == (4, 355, 2)
    assert (events["trained_certified"], events["trained_stated"]) == (10, 1)
    kenya = _kpis(empty_store, "--as-of", "2023-12-31", "--region", "AFR")["events"]
    # X1 and X3 in Kenya; X3 states nothing; nobody was trained there: not recorded, never 0.
    assert (kenya["participants"], kenya["participants_stated"]) == (120, 1)
    assert (kenya["trained_certified"], kenya["trained_stated"]) == (None, 0)


def test_blank_counts_are_stored_as_unknown_and_the_region_table_keeps_them_unknown(empty_store, tmp_path):
    _load(empty_store, tmp_path, "events.csv", EVENTS)
    con = empty_store.connect()
    assert con.execute("select participants from events where event_id = 'X3'").fetchall() == [(None,)]
    by_region = frame(con, "kpis_by_region", as_of=date(2023, 12, 31), period_start=None, capability=None)
    africa = by_region.set_index("region_code").loc["AFR"]
    assert africa["events_total"] == 2 and africa["event_participants"] == 120 and africa["participants_stated"] == 1
    assert africa["trained_stated"] == 0 and pd.isna(africa["trained_certified"])  # not recorded, never 0
    europe = by_region.set_index("region_code").loc["EUR"]
    assert europe["events_total"] == 0 and pd.isna(europe["event_participants"])


def test_a_resource_for_no_region_is_in_no_regions_figures(empty_store, tmp_path):
    _load(empty_store, tmp_path, "resources.csv", RESOURCES)
    assert _kpis(empty_store, "--as-of", "2023-12-31")["resources_usd"] == 354000
    # R2 is for Asia-Pacific (by name); R1 (Japan, for the whole Alliance) is in no region's figure.
    assert _kpis(empty_store, "--as-of", "2023-12-31", "--region", "ASP")["resources_usd"] == 50000
    assert _kpis(empty_store, "--as-of", "2023-12-31", "--region", "AFR")["resources_usd"] == 0
    con = empty_store.connect()
    by_region = frame(con, "kpis_by_region", as_of=date(2023, 12, 31), period_start=None, capability=None)
    assert by_region["resources_usd"].sum() == 50000
    detail = summary(con, date(2023, 12, 31), "ASP", detail=True)
    assert detail["resources"]["alliance_wide_usd"] == 304000


def test_load_rejects_an_unknown_region_for_a_resource(empty_store, tmp_path):
    path = tmp_path / "resources.csv"
    path.write_text("resource_id,partner,kind,signed_on,for_region\nR9,P,mou,2023-05-01,Atlantis\n")
    done = cli("load", path, "--db", empty_store.path)
    assert done.returncode == 1
    assert "row 2, for_region: 'Atlantis' is not an ITU-D region" in done.stderr


def test_reported_rows_are_listed_for_their_period_and_region(empty_store, tmp_path):
    _load(empty_store, tmp_path, "reported.csv", REPORTED)
    k = _kpis(empty_store, "--as-of", "2023-06-30")
    assert [r["kpi"] for r in k["reported"]] == ["eois.countries", "eois.total"]  # oldest first, Alliance-wide only
    assert k["reported"][1] == {
        "kpi": "eois.total",
        "value": 70,
        "qualifier": "over",
        "as_of": "2023-04-15",
        "from": None,
        "region": None,
        "source": "TDAG report (2023)",
    }
    assert k["reported"][0]["qualifier"] == "over"  # "More than" as the file wrote it
    assert k["eois"]["total"] == 0  # shown beside the count, never added to it
    assert _kpis(empty_store, "--as-of", "2023-06-30", "--from", "2023-05-01")["reported"] == []
    asia = _kpis(empty_store, "--as-of", "2023-06-30", "--region", "ASP")["reported"]
    assert [(r["kpi"], r["from"], r["qualifier"]) for r in asia] == [("events.participants", "2023-01-01", "about")]


@pytest.mark.parametrize(
    "row, expected",
    [
        ("P9,eois.everything,2023-04-15,,,70,over,Doc", "'eois.everything' is not a figure of the KPI summary"),
        ("P9,eois.total,2023-04-15,,,70,perhaps,Doc", "'perhaps' is not an allowed qualifier"),
        ("P9,eois.total,2023-04-15,,,70,over,", "source: a value is required"),
        ("P9,eois.total,,,,70,over,Doc", "as_of: a value is required"),
    ],
)
def test_load_rejects_a_reported_row_that_breaks_the_contract(empty_store, tmp_path, row, expected):
    path = tmp_path / "reported.csv"
    path.write_text("reported_id,kpi,as_of,from,region,value,qualifier,source\n" + row + "\n")
    done = cli("load", path, "--db", empty_store.path)
    assert done.returncode == 1
    assert expected in done.stderr


def test_a_milestone_exists_from_its_announcement(empty_store, tmp_path):
    _load(empty_store, tmp_path, "milestones.csv", MILESTONES)
    at_2018 = _kpis(empty_store, "--as-of", "2018-12-31")["milestones"]
    assert at_2018 == {"total": 1, "done": 0, "overdue": 0}  # only M2, which has no announcement date
    at_may = _kpis(empty_store, "--as-of", "2023-05-01")["milestones"]
    assert at_may == {"total": 3, "done": 0, "overdue": 1}  # M3 overdue; M2 has no due date: never overdue
    con = empty_store.connect()
    listed = rows(con, "milestones_status", as_of=date(2018, 12, 31), limit=50)
    assert [r["milestone_id"] for r in listed] == ["M2"]


def test_a_2018_report_lists_no_milestone_announced_in_2023(tmp_path):
    store = Store(tmp_path / "b" / "alliance.duckdb").ensure()
    seed(store, demo=False)
    out = tmp_path / "r.docx"
    done = cli("report", "--db", store.path, "--from", "2018-01-01", "--as-of", "2018-12-31", "--out", out, "--no-images")
    assert done.returncode == 0, done.stderr
    from docx import Document

    text = "\n".join(p.text for p in Document(out).paragraphs)
    for table in Document(out).tables:
        text += "\n".join(cell.text for row in table.rows for cell in row.cells)
    assert "304,000" not in text and "Launch of the initiative" not in text
    assert "Develop playbooks" not in text


@pytest.fixture(scope="module")
def builtin_store(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("builtin") / "alliance.duckdb").ensure()
    seed(store, demo=False)
    return store


def test_builtin_data_invents_no_date(builtin_store):
    con = builtin_store.connect()
    # The launch is the starting point, not a milestone achieved.
    assert con.execute("select count(*) from milestones where title ilike 'Launch of the initiative%'").fetchall() == [(0,)]
    # No due date where the seed states none; only "by the end of June 2023" is a stated due date.
    assert con.execute("select milestone_id, due_on from milestones where due_on is not null").fetchall() == [
        ("MS-2023-11", date(2023, 6, 30))
    ]
    undated = con.execute("select count(*) from resources where date_precision = 'not_stated' and signed_on is not null")
    assert undated.fetchall() == [(0,)]
    for table, column in (("events", "start_date"), ("activities", "start_date"), ("resources", "signed_on")):
        invented = con.execute(f"select count(*) from {table} where date_precision = 'not_stated' and {column} is not null")
        assert invented.fetchall() == [(0,)], table
    # The seed's "15 and 16 March 2023" sessions span both days, as the seed words them.
    assert con.execute("select start_date, end_date from events where event_id = 'EV-2023-01'").fetchall() == [
        (date(2023, 3, 15), date(2023, 3, 16))
    ]


def test_undated_facts_count_in_no_period_and_are_said_apart(builtin_store):
    con = builtin_store.connect()
    k = summary(con, date(2026, 12, 6), detail=True)
    # Japan's USD 304,000 is undated in the seed: in no period's sum, said apart.
    assert k["resources_usd"] == 0
    assert k["undated"]["resources"] == 4 and k["undated"]["resources_usd"] == 304000
    assert k["undated"]["activities"] == 5 and k["undated"]["events"] == 1
    h1 = summary(con, date(2023, 6, 30), period_start=date(2023, 1, 25))
    assert h1["activities"]["total"] == 0 and h1["events"]["total"] == 6
    published = {r["kpi"]: (r["qualifier"], r["value"]) for r in h1["reported"]}
    assert published["eois.total"] == ("over", 70) and published["eois.countries"] == ("over", 55)
    assert published["eois.center_requests"] == ("over", 40) and h1["eois"]["total"] == 0


def _overview(store, monkeypatch, **params):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ALLIANCE_DB", str(store.path))
    monkeypatch.setenv("ALLIANCE_READ_ONLY", "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(**params)
    at.run()
    assert not at.exception
    return at


def test_overview_shows_not_recorded_and_the_published_figure_beside_the_count(builtin_store, monkeypatch):
    at = _overview(builtin_store, monkeypatch, as_of="2023-04-15", **{"from": "2023-01-25"})
    values = {m.label: m.value for m in at.metric}
    assert values["Participants"] == "not recorded" and values["Trained, certified"] == "not recorded"
    assert values["EoIs"] == "0"
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Over 70, as published in TDAG report on the Innovation and Entrepreneurship Alliance" in captions
    assert "as at 15 April 2023" in captions
    assert "they are incomplete" in captions
    assert "Participants not recorded at any of the 4 events" in captions  # the four events of 15 March to 4 April


def test_overview_progress_says_from_when_it_counts(builtin_store, monkeypatch):
    from alliance.kpis import tiles

    current = summary(builtin_store.connect(), date(2026, 12, 6))
    target = [{"kpi": "eois_total", "target": 250, "period_end": date(2029, 12, 31)}]
    eois = next(t for t in tiles(current, current, target, current) if t["kpi"] == "eois_total")
    assert eois["in_cycle"] == 0 and eois["target"] == 250
    from alliance import words

    assert words.since_cycle(date(2026, 1, 1), "WTDC-25") == "since 1 January 2026, the start of WTDC-25"


def test_regions_page_leaves_unknown_empty_and_lists_a_regions_published_figure(empty_store, tmp_path, monkeypatch):
    _load(empty_store, tmp_path, "events.csv", EVENTS)
    _load(empty_store, tmp_path, "reported.csv", REPORTED)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ALLIANCE_DB", str(empty_store.path))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(as_of="2023-06-30", **{"from": "2023-01-01"})
    at.run()
    at = at.switch_page("app_pages/regions.py").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "event_participants" in d.value.columns).set_index("region_code")
    # Europe had no event (nothing to count); Africa's two state participants once and training never.
    assert table.loc["EUR", "event_participants"] == "\u2013"
    assert table.loc["AFR", ["event_participants", "trained_certified"]].tolist() == ["120 at 1 of 2 events", "not recorded"]
    assert "0" not in table[["event_participants", "trained_certified"]].to_numpy().ravel()
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Asia and the Pacific, Participants" in captions or "Asia and the Pacific, " in captions
    assert "about 300, as published in Regional report (2023) for 1 January 2023 to 30 June 2023" in captions
    # Africa's two events (X1, X3) fall short of the published "over 5": the page says the records are incomplete.
    assert (
        "Africa, Events: over 5, as published in Africa memo (2023) as at 30 June 2023; the records count 2: they are incomplete."
        in captions
    )


def test_events_list_gives_the_days_as_the_seed_words_them(builtin_store, monkeypatch):
    """Both WSIS 2023 sessions ("15 and 16 March 2023") printed as 15 March."""
    at = _overview(builtin_store, monkeypatch, as_of="2023-06-30", **{"from": "2023-01-25"})
    at = at.switch_page("app_pages/events.py").run()
    assert not at.exception
    listed = next(d.value for d in at.dataframe if "Dates" in d.value.columns).set_index("Title")
    wsis = [t for t in listed.index if t.startswith("High-level ministerial session at the WSIS forum")]
    assert listed.loc[wsis[0], "Dates"] == "15-16 March 2023"
    assert "Workshop with OICT to develop the framework of the joint programme" not in listed.index  # undated


def test_overview_says_how_many_events_have_no_date(builtin_store, monkeypatch):
    at = _overview(builtin_store, monkeypatch, as_of="2023-06-30", **{"from": "2023-01-25"})
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "1 event with no date stated, in no period." in captions


def test_report_regions_table_says_not_recorded_for_money_no_resource_states(builtin_store, tmp_path):
    """The 2018 report's regions gave USD 0 where no resource was for the region, and the total 'not recorded'."""
    from docx import Document

    out = tmp_path / "r.docx"
    done = cli("report", "--db", builtin_store.path, "--from", "2018-01-01", "--as-of", "2018-12-31", "--out", out, "--no-images")
    assert done.returncode == 0, done.stderr
    table = next(t for t in Document(str(out)).tables if t.rows[0].cells[-1].text == "USD mobilized")
    usd = {row.cells[0].text: row.cells[-1].text for row in table.rows[1:]}
    # 2018's resources (Korea's funding, three partners) state no amount and serve the whole Alliance.
    assert usd["Africa"] == "\u2013" and usd["Europe"] == "\u2013"
    assert usd["All regions"] == "not recorded"
    assert "0" not in usd.values()


def test_milestones_page_says_a_completion_date_is_not_stated(builtin_store, monkeypatch):
    """Japan's contribution, done on a date the seed does not give, showed an empty completion (read as not done)."""
    at = _overview(builtin_store, monkeypatch, as_of="2026-12-06")
    at = at.switch_page("app_pages/milestones.py").run()
    assert not at.exception
    listed = next(d.value for d in at.dataframe if "Completed" in d.value.columns).set_index("Milestone")
    assert listed.loc["MS-2023-09", ["Due", "Completed", "Status"]].tolist() == ["not stated", "date not stated", "done"]


def test_report_names_the_figures_the_records_fall_short_of(builtin_store, tmp_path):
    """The report wrote "For eoIs received, ..." (a label lowercased mid-word)."""
    from docx import Document

    out = tmp_path / "r.docx"
    done = cli("report", "--db", builtin_store.path, "--from", "2023-01-25", "--as-of", "2023-06-30", "--out", out, "--no-images")
    assert done.returncode == 0, done.stderr
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "For EoIs received, countries of the EoIs and requests to establish or strengthen a center" in text
    assert "eoIs" not in text and "eols" not in text.lower()


def test_published_figure_is_compared_with_the_count_over_its_own_dates(empty_store, tmp_path, monkeypatch):
    """A tile counting 10 April to 30 June set "over 2 as at 15 April" beside 1 EoI and called the records incomplete."""
    _load(
        empty_store,
        tmp_path,
        "eois.csv",
        "eoi_id,received_on,country,organization,request,status\n"
        "E1,2023-02-01,KEN,A,other,received\nE2,2023-03-01,BRA,B,other,received\nE3,2023-04-12,IND,C,other,received\n",
    )
    _load(
        empty_store,
        tmp_path,
        "reported.csv",
        "reported_id,kpi,as_of,value,qualifier,source\nP1,eois.total,2023-04-15,2,over,Doc\n",
    )
    k = summary(empty_store.connect(), date(2023, 6, 30), period_start=date(2023, 4, 10), detail=True)
    assert k["eois"]["total"] == 1 and k["reported"][0]["counted"] == 3  # E1 to E3 up to 15 April
    at = _overview(empty_store, monkeypatch, as_of="2023-06-30", **{"from": "2023-04-10"})
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Over 2, as published in Doc as at 15 April 2023 (the records count 3 over those dates)." in captions
    assert "incomplete" not in captions
    # With a capability chosen, published figures (which concern none) are not set beside the count.
    assert summary(empty_store.connect(), date(2023, 6, 30), capability="TRR", detail=True)["reported"] == []


def test_money_no_resource_states_is_not_recorded_on_the_tile_and_the_chart(builtin_store, monkeypatch):
    """The 2018 Overview showed 'USD mobilized 0' beside '0 of 4 resources state an amount'."""
    at = _overview(builtin_store, monkeypatch, as_of="2018-12-31", **{"from": "2018-01-01"})
    assert {m.label: m.value for m in at.metric}["USD mobilized"] == "not recorded"
    from alliance.figures.regions import kpi_by_region

    table = frame(
        builtin_store.connect(), "kpis_by_region", as_of=date(2018, 12, 31), period_start=date(2018, 1, 1), capability=None
    )
    bars = kpi_by_region(table, "event_participants", "Participants")
    assert list(bars.data[0].text) == ["\u2013", "\u2013", "\u2013", "55 at 1 of 2 events", "\u2013", "not recorded"]
    assert "<NA>" not in " ".join(kpi_by_region(table, "trained_certified", "Trained").data[0].text)


@pytest.mark.parametrize(
    "written, stored",
    [
        ("milestones.overdue", "milestones.overdue"),
        ("eois.by_region.afr", "eois.by_region.AFR"),
        ("capabilities.TRR.eois", "capabilities.TRR.eois"),
        ("activities.by_initiative.afr4", "activities.by_initiative.AFR4"),
        ("events.by_region.GLB", "events.by_region.GLB"),
    ],
)
def test_reported_sheet_takes_every_figure_of_the_kpi_summary(empty_store, tmp_path, written, stored):
    """Only the totals were accepted, while the contract names any dotted path of kpis --json."""
    _load(
        empty_store,
        tmp_path,
        "reported.csv",
        f"reported_id,kpi,as_of,value,qualifier,source\nP1,{written},2023-04-15,3,about,Doc\n",
    )
    k = summary(empty_store.connect(), date(2023, 6, 30), detail=True)
    assert [(r["kpi"], r["counted"]) for r in k["reported"]] == [(stored, 0)]
    out = tmp_path / "r.docx"
    done = cli("report", "--db", empty_store.path, "--as-of", "2023-06-30", "--out", out, "--no-images")
    assert done.returncode == 0, done.stderr


def test_load_rejects_a_reported_period_that_starts_after_its_date(empty_store, tmp_path):
    path = tmp_path / "reported.csv"
    path.write_text("reported_id,kpi,as_of,from,value,qualifier,source\nP1,eois.total,2023-04-15,2023-06-01,3,exact,Doc\n")
    done = cli("load", path, "--db", empty_store.path)
    assert done.returncode == 1
    assert "row 2, from: 2023-06-01 is after the figure's date, as_of (2023-04-15)" in done.stderr


def test_scorecard_counts_a_milestone_done_on_an_unstated_date_as_done(builtin_store):
    """RM1's card said Done 1 while the table beneath marked three of its milestones done."""
    card = frame(builtin_store.connect(), "outcome_scorecard", cycle="WTDC-22", as_of=date(2026, 12, 6), region=None)
    done = card[(card["outcome_code"] == "RM1") & (card["measure"] == "Milestones done")]["actual"].tolist()
    listed = rows(builtin_store.connect(), "milestones_status", as_of=date(2026, 12, 6), limit=100)
    assert done == [sum(1 for r in listed if r["kap_outcome"] == "RM1" and r["status"] == "done")] == [3]


def test_built_in_sources_read_in_words_not_column_names(builtin_store):
    from alliance.words import cite

    sources = [cite(s) for (s,) in builtin_store.connect().execute("select source from milestones").fetchall()]
    for name in ("announced_on", "completed_precision", "date_precision", "due_on", "completed_on"):
        assert not any(name in s for s in sources), name


def test_preview_shows_a_european_number_in_a_comma_file_with_its_reading():
    """'304.000' in a comma CSV is 304: the preview showed '304' alone, hiding what the file said."""
    from alliance.words import as_filed

    assert as_filed("304.000", 304.0) == "304.000 → 304"
    assert as_filed("1250000", 1250000) == "1,250,000" and as_filed("12.5", 12.5) == "12.5"


def test_overview_tiles_say_nothing_to_count_and_write_cents(empty_store, tmp_path, monkeypatch):
    """A region with no event read 'not recorded' (the Regions table a dash); USD 12.5 read 12; 1,554,... was cut."""
    _load(empty_store, tmp_path, "events.csv", EVENTS)
    _load(
        empty_store,
        tmp_path,
        "resources.csv",
        "resource_id,partner,kind,amount_usd,signed_on,for_region\nR1,P,in_kind,12.5,2023-05-01,EUR\nR2,Q,in_kind,1554000,2023-05-01,\n",
    )
    europe = _overview(empty_store, monkeypatch, as_of="2023-12-31", region="EUR")
    values = {m.label: m.value for m in europe.metric}
    assert values["Participants"] == "\u2013" and values["USD mobilized"] == "12.50"
    assert "No event in this period: nothing to count." in [c.value.replace("\\", "") for c in europe.caption]
    everywhere = _overview(empty_store, monkeypatch, as_of="2023-12-31")
    assert {m.label: m.value for m in everywhere.metric}["USD mobilized"] == "1,554,012.50"


def test_overview_of_2018_says_nothing_of_the_alliances_undated_records(builtin_store, monkeypatch):
    """The 2018 Overview mentioned '4 resources with no date stated, USD 304,000' of the 2023 Alliance."""
    at = _overview(builtin_store, monkeypatch, as_of="2018-12-31", **{"from": "2018-01-01"})
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "304,000" not in captions and "no date stated" not in captions
    africa = _overview(builtin_store, monkeypatch, as_of="2023-06-30", **{"from": "2023-01-25"}, region="AFR")
    assert {m.label: m.value for m in africa.metric}["USD mobilized"] == "\u2013"  # no resource: nothing to count
