"""Figures TDAG can quote: flows in the period, stocks at the as-of date, every plan cycle, seed 001 reproduced."""

import json
from datetime import date

import handcount
import openpyxl
import pytest
from conftest import ROOT, cli

from alliance.ingest.load import seed
from alliance.kpis import summary
from alliance.queries import frame, rows
from alliance.store import Store

H1_2023 = {"period_start": date(2023, 1, 25), "as_of": date(2023, 6, 30)}


@pytest.fixture(scope="module")
def builtin_store(tmp_path_factory) -> Store:
    """The built-in records of the seeds, without the demo set."""
    store = Store(tmp_path_factory.mktemp("builtin") / "alliance.duckdb").ensure()
    seed(store, demo=False)
    return store


def _kpis(store, *args) -> dict:
    done = cli("kpis", "--db", store.path, "--json", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_kpis_from_counts_flows_in_the_period_and_stocks_at_as_of(store):
    k = _kpis(store, "--from", "2023-04-01", "--as-of", "2023-06-30")
    assert (k["from"], k["as_of"]) == ("2023-04-01", "2023-06-30")
    # Flows: E3 (15 Apr), E4 (10 May), E6 (30 Jun); E1, E2 and E7 came before the period.
    assert (k["eois"]["total"], k["eois"]["countries"], k["eois"]["center_requests"]) == (3, 3, 2)
    assert k["eois"]["by_status"]["received"] == 1 and k["eois"]["by_status"]["validated"] == 0
    # V2 (4 Apr, 300 participants) and V3 (8 May, none stated); V1 (23 Mar) is before the period.
    # Neither states people trained: not recorded (null), never 0.
    events = k["events"]
    assert (events["total"], events["participants"], events["participants_stated"]) == (2, 300, 1)
    assert (events["trained_certified"], events["trained_stated"]) == (None, 0)
    assert (k["activities"]["total"], k["activities"]["completed"]) == (2, 1)  # A2, A3
    assert k["activities"]["by_initiative"] == {"AFR4": 1, "EUR5": 1}
    assert k["resources_usd"] == 304000  # R1 (1 May) and R2 (3 Apr, no amount)
    assert k["centers"]["launched"] == 1  # C1, launched 1 May
    assert k["milestones"]["done"] == 0  # M1 was done on 25 Jan, before the period
    # Stocks whatever the period start: every center exists by 30 June, M3 is overdue.
    assert k["centers"]["total"] == 4 and k["milestones"]["total"] == 4 and k["milestones"]["overdue"] == 1
    assert k["capabilities"]["TRR"] == {"eois": 1, "centers": 1}  # E6; C1


def test_kpis_without_from_counts_everything_up_to_as_of(store):
    k = _kpis(store, "--as-of", "2023-06-30")
    assert k["from"] is None and k["eois"]["total"] == 6


def test_kpis_refuses_a_period_that_starts_after_it_ends(store):
    done = cli("kpis", "--db", store.path, "--json", "--from", "2023-07-01", "--as-of", "2023-06-30")
    assert done.returncode == 2 and not done.stdout and "after --as-of" in done.stderr


def test_centers_do_not_exist_before_their_first_known_date(store):
    k = _kpis(store, "--as-of", "2023-03-01")
    # C1 exists from E1 (1 Feb); C2 from E2 (15 Mar) and C3 from E4 (10 May) not yet; C4 has no date: always.
    assert k["centers"]["total"] == 2
    assert k["centers"]["by_type"] == {"TAC": 1, "REEC": 0, "IDTAC": 0, "IAC": 1}
    directory = frame(
        store.connect(),
        "directory",
        as_of=date(2023, 3, 1),
        period_start=None,
        region=None,
        capability=None,
        search=None,
        limit=50,
    )
    assert sorted(directory.loc[directory["kind"] == "Center", "id"]) == ["C1", "C4"]


def test_selected_on_is_a_centers_first_known_date(store, tmp_path):
    path = tmp_path / "centers.csv"
    path.write_text(
        "center_id,name,country,center_type,scope,status,selected_on\nC9,Center Nine,KEN,TAC,national,selected,2023-09-01\n"
    )
    assert cli("load", path, "--db", store.path).returncode == 0
    assert _kpis(store, "--as-of", "2023-08-31")["centers"]["total"] == 4
    assert _kpis(store, "--as-of", "2023-09-01")["centers"]["total"] == 5
    profile = frame(store.connect(), "country_centers", country="KEN", as_of=date(2023, 9, 1), capability=None)
    assert profile.set_index("center_id").loc["C9", "first_known_on"].date() == date(2023, 9, 1)


def test_no_2018_figure_in_a_2023_period(builtin_store):
    con = builtin_store.connect()
    k = summary(con, H1_2023["as_of"], period_start=H1_2023["period_start"])
    # Every participant and trainee the seeds count is from 2018 events: none of 2023 states one,
    # so the figures are not recorded (None), never 0.
    assert k["events"]["participants"] is None and k["events"]["trained_certified"] is None
    assert k["events"]["participants_stated"] == 0 and k["events"]["trained_stated"] == 0
    for table, kpi in (("events", k["events"]["total"]), ("activities", k["activities"]["total"])):
        query = f"select count(*) from {table} where start_date between $period_start and $as_of"
        assert kpi == con.execute(query, H1_2023).fetchall()[0][0], table
    params = {**H1_2023, "region": None, "capability": None}
    for name, column in (
        ("events_list", "start_date"),
        ("events_by_month_region", "month"),
        ("eois_cumulative", "received_on"),
    ):
        table = frame(con, name, limit=1000, **params)
        assert (table[column].dt.date >= date(2023, 1, 1)).all(), name
    assert frame(con, "kpis_by_region", **params)["event_participants"].sum() == 0


def test_seed_001_actions_by_region_2018_is_reproduced_exactly(builtin_store):
    table = rows(
        builtin_store.connect(), "actions_by_region", year=2018, period_start=None, as_of=date(2018, 12, 31), region=None
    )
    got = {
        r["region_name"]: (r["knowledge_sharing"], r["capacity_building"], r["innovation_assessment"], r["project_cocreation"])
        for r in table
    }
    # Seed 001, section 3.1: the table of actions by region in 2018.
    assert got == {
        "Africa": (1, 0, 2, 1),
        "Americas": (0, 0, 0, 0),
        "Arab States": (0, 0, 0, 0),
        "Asia and the Pacific": (1, 1, 1, 0),
        "Commonwealth of Independent States": (0, 0, 1, 0),
        "Europe": (2, 1, 4, 2),
    }


def test_builtin_records_keep_how_exact_their_source_is(builtin_store):
    con = builtin_store.connect()
    wsis = con.execute("select participants, participants_over from events where title like 'WSIS 2018%'").fetchall()
    assert wsis == [(300, True)]
    japan = con.execute("select date_precision from resources where amount_usd = 304000").fetchall()
    assert japan == [("not_stated",)]
    assert not con.execute("select * from events where title like 'World Telecommunication Development Conference%'").fetchall()


ACTIVITY_HEADER = ["activity_id", "regional_initiative", "title", "product", "start_date", "status"]


def test_register_with_wtdc17_codes_from_every_region_loads(empty_store, tmp_path):
    codes = ["AFR1", "AMS1", "ARB5", "ASP4", "CIS5", "EUR5"]
    activities = [[f"A{i}", code, "T", "knowledge_sharing", "2019-03-01", "completed"] for i, code in enumerate(codes)]
    events = [
        ["event_id", "title", "start_date", "event_type", "regional_initiatives"],
        ["V1", "Forum", "2018-05-01", "forum", "ASP4"],
    ]
    handcount.write(tmp_path / "r.xlsx", {"Activities": [ACTIVITY_HEADER, *activities], "Events": events})
    done = cli("load", tmp_path / "r.xlsx", "--db", empty_store.path)
    assert done.returncode == 0, done.stderr
    regions = dict(empty_store.connect().execute("select regional_initiative, region_code from activities").fetchall())
    assert regions == {"AFR1": "AFR", "AMS1": "AMS", "ARB5": "ARB", "ASP4": "ASP", "CIS5": "CIS", "EUR5": "EUR"}


def test_2026_activities_with_baku_codes_load_and_count(empty_store, tmp_path):
    activities = [
        ["B1", "ASP1", "Baku-cycle workshop", "capacity_building", "2026-03-02", "completed"],
        ["B2", "AMS1", "Baku-cycle assessment", "innovation_assessment", "2026-09-15", "ongoing"],
        ["K1", "AMS3", "Kigali-cycle assessment", "innovation_assessment", "2025-09-15", "completed"],
    ]
    handcount.write(tmp_path / "r.xlsx", {"Activities": [ACTIVITY_HEADER, *activities]})
    done = cli("load", tmp_path / "r.xlsx", "--db", empty_store.path)
    assert done.returncode == 0, done.stderr
    k = _kpis(empty_store, "--from", "2026-01-01", "--as-of", "2026-11-28")
    assert k["activities"] == {"total": 2, "completed": 1, "by_initiative": {"AMS1": 1, "ASP1": 1}}
    cycles = dict(empty_store.connect().execute("select activity_id, cycle from activities").fetchall())
    assert cycles == {"B1": "WTDC-25", "B2": "WTDC-25", "K1": "WTDC-22"}


def test_a_code_unknown_in_its_cycle_is_refused_with_the_cycle_named(empty_store, tmp_path):
    handcount.write(
        tmp_path / "r.xlsx", {"Activities": [ACTIVITY_HEADER, ["B1", "ASP9", "T", "knowledge_sharing", "2026-03-02", "planned"]]}
    )
    done = cli("load", tmp_path / "r.xlsx", "--db", empty_store.path)
    assert done.returncode == 1 and "'ASP9' is not a WTDC-25 regional initiative" in done.stderr


def test_replace_with_the_blank_padded_template_removes_nothing(store, tmp_path):
    """The template's empty sheets (Initiatives, Outcomes, EoIs, ...) once counted as "replace with nothing"."""
    template = tmp_path / "template.xlsx"
    assert cli("template", "--out", template, "--db", store.path).returncode == 0
    wb = openpyxl.load_workbook(template)
    header = [c.value for c in wb["Resources"][1]]
    for row in [*handcount.SHEETS["Resources"][1:], ["R9", "Partner Z", "mou", "", "2023-06-01", "KEN"]]:
        wb["Resources"].append(dict(zip(handcount.SHEETS["Resources"][0], row)).get(c, "") for c in header)
    wb.save(template)
    before = _table_counts(store)
    done = cli("load", template, "--replace", "--json", "--db", store.path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert list(result["sheets"]) == ["resources"]
    assert result["sheets"]["resources"]["removed"] == 0 and result["sheets"]["resources"]["inserted"] == 1
    assert _table_counts(store) == {**before, "resources": before["resources"] + 1}


def _table_counts(store) -> dict:
    con = store.connect()
    tables = ("eois", "centers", "events", "activities", "milestones", "resources", "initiatives", "outcomes", "targets")
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in tables}
    finally:
        con.close()


def test_workbook_with_no_known_sheet_names_the_sheets_found(empty_store, tmp_path):
    handcount.write(tmp_path / "r.xlsx", {"Budget": [["a", "b"], [1, 2]], "Notes": [["x"]]})
    done = cli("load", tmp_path / "r.xlsx", "--db", empty_store.path)
    assert done.returncode == 1 and "sheets found: 'Budget', 'Notes'" in done.stderr


@pytest.mark.parametrize("name, iso3", [("Nepal (Republic of)", "NPL"), ("Venezuela", "VEN")])
def test_itu_spellings_of_countries_are_accepted(empty_store, tmp_path, name, iso3):
    path = tmp_path / "eois.csv"
    path.write_text(f'eoi_id,received_on,country,organization,request,status\nE1,2023-02-01,"{name}",Body,other,received\n')
    assert cli("load", path, "--db", empty_store.path).returncode == 0
    assert empty_store.connect().execute("select country from eois").fetchall() == [(iso3,)]


def _empty_app(empty_store, monkeypatch, page: str):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ALLIANCE_DB", str(empty_store.path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at.switch_page(f"app_pages/{page}.py").run()


def test_empty_store_first_page_offers_an_analyst_the_builtin_and_demo_loads(empty_store, monkeypatch):
    at = _empty_app(empty_store, monkeypatch, "overview")
    assert not at.exception
    assert "holds no records yet" in " ".join(i.value for i in at.info)
    assert not at.get("plotly_chart") and not at.metric
    labels = [b.label for b in at.button]
    assert "Load the built-in records" in labels and "Load the demo set" in labels
    at.button(key="first_builtin").click().run()
    assert not at.exception
    con = empty_store.connect()
    assert con.execute("select count(*) from events").fetchall()[0][0] > 0
    assert con.execute("select count(*) from eois where is_demo").fetchall()[0][0] == 0


def test_empty_store_tells_a_viewer_the_data_is_not_loaded(empty_store, monkeypatch):
    monkeypatch.setenv("ALLIANCE_READ_ONLY", "1")
    at = _empty_app(empty_store, monkeypatch, "overview")
    assert not at.exception
    assert "has not been loaded" in " ".join(i.value for i in at.info)
    assert not [b for b in at.button if b.label.startswith("Load the")]


def test_report_refuses_an_empty_store_plainly(empty_store, tmp_path):
    done = cli("report", "--as-of", "2023-06-30", "--out", tmp_path / "r.docx", "--no-images", "--db", empty_store.path)
    assert done.returncode == 1 and "holds no records yet" in done.stderr and "Traceback" not in done.stderr


def test_a_launch_counts_in_its_period_even_before_the_centers_first_known_date(store, tmp_path):
    """A center launched before its EoI was received was left out of centers launched."""
    path = tmp_path / "r.xlsx"
    handcount.write(
        path,
        {
            "EoIs": [handcount.SHEETS["EoIs"][0], ["E9", "2023-04-10", "KEN", "Late EoI", "", "other", "", "", "received", ""]],
            "Centers": [
                ["center_id", "name", "country", "center_type", "scope", "status", "launched_on", "eoi_id"],
                ["C9", "Early center", "KEN", "TAC", "national", "launched", "2023-03-01", "E9"],
            ],
        },
    )
    assert cli("load", path, "--db", store.path).returncode == 0
    k = _kpis(store, "--from", "2023-03-01", "--as-of", "2023-03-31", "--region", "AFR")
    assert k["centers"]["launched"] == 1  # C9, launched 1 March
    assert k["centers"]["total"] == 1  # C2 (from E2, 15 March); C9 exists from E9 (10 April) only


def test_a_closed_cycles_scorecard_does_not_move_after_its_end(store, tmp_path):
    """Kigali's final results changed with every 2026 row that named a Kigali outcome code."""

    def kigali(as_of):
        scored = frame(store.connect(), "outcome_scorecard", cycle="WTDC-22", as_of=as_of, region=None)
        return scored.set_index(["outcome_code", "measure"])["actual"].to_dict()

    before = kigali(date(2026, 6, 30))
    path = tmp_path / "activities.csv"
    path.write_text(
        "activity_id,regional_initiative,title,product,start_date,status,kap_outcome\n"
        "B1,ASP1,Baku-cycle workshop,capacity_building,2026-03-02,completed,DT1\n"
    )
    assert cli("load", path, "--db", store.path).returncode == 0
    assert kigali(date(2026, 6, 30)) == before == kigali(date(2025, 12, 31))


def test_report_counts_actions_by_region_over_its_period(store, tmp_path):
    from docx import Document

    out = tmp_path / "r.docx"
    done = cli("report", "--db", store.path, "--from", "2023-04-01", "--as-of", "2023-06-30", "--out", out, "--no-images")
    assert done.returncode == 0, done.stderr
    table = next(t for t in Document(str(out)).tables if "Knowledge Sharing" in t.rows[0].cells[1].text)
    cells = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows}
    # A2 (1 May, AFR4, capacity building) and A3 (1 June, EUR5, knowledge sharing); A1 (1 March) is before.
    assert cells["Africa"] == ["0", "1", "0", "0"] and cells["Europe"] == ["1", "0", "0", "0"]


def test_report_refuses_a_period_that_starts_after_it_ends(store, tmp_path):
    done = cli("report", "--db", store.path, "--as-of", "2018-12-31", "--out", tmp_path / "r.docx", "--no-images")
    assert done.returncode == 2 and "after --as-of" in done.stderr and not (tmp_path / "r.docx").exists()


def test_overview_refuses_a_comparison_date_after_the_as_of_date(app):
    at = app(None, as_of="2023-06-30", compare="2024-06-30")
    assert not at.exception
    assert "is after the as-of date" in " ".join(w.value for w in at.warning)
    changes = {m.label: m.delta for m in at.metric}
    assert changes["EoIs"] == "+6"  # compared with 30 June 2022, not with a later date


def test_report_prints_a_date_the_seed_does_not_state_as_not_stated(builtin_store, tmp_path):
    """Japan's contribution was printed "10 May 2023", a date the seed never gives; then "date not stated
    (by 10 May 2023)", still a date the seed does not give."""
    from docx import Document

    out = tmp_path / "r.docx"
    done = cli("report", "--db", builtin_store.path, "--as-of", "2023-06-30", "--out", out, "--no-images")
    assert done.returncode == 0, done.stderr
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    # Listed among the milestones reached on a date their source does not state.
    assert "A voluntary contribution of USD 304,000" in text[text.index("Also reached") :]
    assert "10 May 2023: A voluntary contribution" not in text and "by 10 May 2023" not in text
    assert "2018 (month not stated)" not in text  # nothing from 2018 in a 2023 report


def test_report_leaves_out_charts_with_nothing_to_show_for_its_period(builtin_store):
    from alliance.report import figures, gather

    con = builtin_store.connect()
    empty = figures(gather(con, date(2026, 11, 28), date(2026, 1, 1)))
    assert not any(title.startswith("EoIs received by region") for title in empty)
    assert any(title.startswith("Milestone timeline") for title in empty)


@pytest.mark.parametrize("page", ["about", "events", "milestones", "overview"])
def test_what_a_viewer_reads_cites_documents_not_our_files(builtin_store, monkeypatch, page):
    """Sources and banners named "seed 000 §3", "data/README.md" and `python -m alliance remove-demo` to delegates."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ALLIANCE_DB", str(builtin_store.path))
    monkeypatch.setenv("ALLIANCE_READ_ONLY", "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(as_of="2018-12-31", **{"from": "2018-01-01"})
    at.run()
    at = at.switch_page(f"app_pages/{page}.py").run()
    if page == "about":  # every initiative with its source
        at = at.toggle(key="about_every_initiative").set_value(True).run()
    assert not at.exception
    texts = [e.value for kind in ("markdown", "caption", "info", "warning", "text") for e in at.get(kind)]
    for element in [*at.dataframe, *at.table]:
        texts += [str(v) for v in element.value.astype(str).to_numpy().ravel()]
    shown = "\n".join(map(str, texts)).replace("\\", "")  # as read: Markdown's escapes removed
    for own in ("seed 0", "§", ".csv", ".md", "python -m", "alliance/"):
        assert own not in shown, own
