"""Loading uploads: the data contract's spelling rules, rejections, and idempotence."""

import json

import openpyxl
import pytest
from conftest import cli
from handcount import AS_OF
from workbooks import analyst_register

import alliance.ingest.validate
from alliance.ingest.apply import apply
from alliance.ingest.load import check, load_file
from alliance.ingest.problems import Rejected
from alliance.kpis import summary

HEADER = ["eoi_id", "received_on", "country", "organization", "request", "status"]


def write_sheet(path, name, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = name
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def eoi_values(store):
    con = store.connect()
    return con.execute(
        "select eoi_id, received_on::varchar, country, organization, organization_type, request, "
        "center_type, capabilities, status, call_round from eois order by eoi_id"
    ).fetchall()


def fingerprint(store):
    con = store.connect()
    return [
        con.execute(f"select * from {t} order by all").fetchall()
        for t in ("eois", "centers", "events", "activities", "milestones", "resources", "loads")
    ]


def test_analyst_register_loads_to_the_right_values(empty_store, tmp_path):
    path = tmp_path / "register.xlsx"
    analyst_register(path)
    result = load_file(empty_store, path)
    assert result.sheets["eois"]["inserted"] == 5
    assert result.sheets["centers"]["inserted"] == 2
    assert any("Pivot" in n for n in result.notices) and any("Focal point" in n for n in result.notices)
    assert eoi_values(empty_store) == [
        (
            "E-001",
            "2023-02-01",
            "KOR",
            "Ministry of Science and ICT",
            "government",
            "establish_center",
            "TAC",
            ["TRR", "OTI"],
            "under_review",
            "2023-R1",
        ),
        ("E-002", "2023-03-15", "TUR", "ICTA", "regulator", "strengthen_center", "IDTAC", ["ESM", "PEX"], "validated", "2023-R1"),
        ("E-003", "2023-04-15", "CIV", "Université FHB", "academia", "join_network", None, ["EIA"], "received", "2023-R1"),
        (
            "E-004",
            "2023-04-16",
            "KEN",
            "Konza Technopolis",
            "private_sector",
            "establish_center",
            "REEC",
            ["ESM"],
            "onboarded",
            "2023-R2",
        ),
        ("E-005", "2023-04-16", "VNM", "MIC Viet Nam", "government", "other", None, None, "declined", None),
    ]
    figures = summary(empty_store.connect(), AS_OF)
    assert figures["eois"]["total"] == 5 and figures["eois"]["countries"] == 5
    assert figures["eois"]["by_region"] == {"AFR": 2, "AMS": 0, "ARB": 0, "ASP": 2, "CIS": 0, "EUR": 1}
    assert figures["centers"]["launched"] == 0
    assert summary(empty_store.connect(), AS_OF.replace(month=12, day=31))["centers"]["launched"] == 1


def test_loading_the_same_register_twice_changes_nothing(empty_store, tmp_path):
    path = tmp_path / "register.xlsx"
    analyst_register(path)
    load_file(empty_store, path)
    before = fingerprint(empty_store)[:-1]
    second = load_file(empty_store, path)
    assert all(c["inserted"] == c["updated"] == c["removed"] == 0 for c in second.sheets.values())
    assert second.sheets["eois"]["unchanged"] == 5
    assert fingerprint(empty_store)[:-1] == before


@pytest.mark.parametrize("header", ["EoI ID", "eoi_id", " EOI-ID ", "Eoi Id"])
def test_headers_match_ignoring_case_spaces_hyphens_underscores(empty_store, tmp_path, header):
    path = write_sheet(
        tmp_path / "x.xlsx", "EOIS", [[header, *HEADER[1:]], ["X1", "2023-02-01", "KEN", "Org", "other", "received"]]
    )
    assert load_file(empty_store, path).sheets["eois"]["inserted"] == 1


@pytest.mark.parametrize("sheet", ["EoIs", "eois", " EOIS ", "Expressions of interest"])
def test_sheet_names_match_ignoring_case_and_spaces(empty_store, tmp_path, sheet):
    path = write_sheet(tmp_path / "x.xlsx", sheet, [HEADER, ["X1", "2023-02-01", "KEN", "Org", "other", "received"]])
    assert load_file(empty_store, path).sheets["eois"]["inserted"] == 1


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023-04-15", "2023-04-15"),
        ("15/04/2023", "2023-04-15"),
        ("15.04.2023", "2023-04-15"),
        ("15-04-2023", "2023-04-15"),
        ("15 April 2023", "2023-04-15"),
        ("Apr 15, 2023", "2023-04-15"),
        ("01/02/2023", "2023-02-01"),
        ("2023-04-15 00:00:00", "2023-04-15"),
    ],
)
def test_dates_accept_iso_day_first_and_month_names(empty_store, tmp_path, text, expected):
    path = write_sheet(tmp_path / "x.xlsx", "EoIs", [HEADER, ["X1", text, "KEN", "Org", "other", "received"]])
    load_file(empty_store, path)
    assert eoi_values(empty_store)[0][1] == expected


def test_dates_accept_real_spreadsheet_dates_and_serials(empty_store, tmp_path):
    from datetime import datetime

    path = write_sheet(
        tmp_path / "x.xlsx",
        "EoIs",
        [
            HEADER,
            ["X1", datetime(2023, 4, 15), "KEN", "Org", "other", "received"],
            ["X2", 45031, "KEN", "Org", "other", "received"],
        ],
    )
    load_file(empty_store, path)
    assert [r[1] for r in eoi_values(empty_store)] == ["2023-04-15", "2023-04-15"]


@pytest.mark.parametrize(
    "name, iso3",
    [
        ("Korea (Rep. of)", "KOR"),
        ("Republic of Korea", "KOR"),
        ("Korea, Republic of", "KOR"),
        ("kor", "KOR"),
        ("Türkiye", "TUR"),
        ("turkiye", "TUR"),
        ("COTE D'IVOIRE", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("Lao P.D.R.", "LAO"),
        ("Viet Nam", "VNM"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("Dem. Rep. of the Congo", "COD"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Bolivia, Plurinational State of", "BOL"),
    ],
)
def test_countries_accept_iso3_and_itu_un_iso_names(empty_store, tmp_path, name, iso3):
    path = write_sheet(tmp_path / "x.xlsx", "EoIs", [HEADER, ["X1", "2023-02-01", name, "Org", "other", "received"]])
    load_file(empty_store, path)
    assert eoi_values(empty_store)[0][2] == iso3


@pytest.mark.parametrize("status", ["Under review", "under_review", "UNDER-REVIEW", " under review "])
def test_choices_accept_code_or_label_in_any_case_and_separator(empty_store, tmp_path, status):
    path = write_sheet(tmp_path / "x.xlsx", "EoIs", [HEADER, ["X1", "2023-02-01", "KEN", "Org", "other", status]])
    load_file(empty_store, path)
    assert eoi_values(empty_store)[0][8] == "under_review"


def test_british_spellings_match_in_sheet_names_headers_and_values(empty_store, tmp_path):
    rows = [
        ["Centre ID", "Name", "Country", "Centre type", "Scope", "Status", "Host organisation"],
        ["C1", "Hub", "KEN", "Research and Entrepreneurship Excellence Centre", "National", "Prospective", "Uni"],
    ]
    load_file(empty_store, write_sheet(tmp_path / "x.xlsx", "Centres", rows))
    con = empty_store.connect()
    assert con.execute("select center_type, host_organization from centers").fetchall() == [("REEC", "Uni")]


def test_numbers_as_text_and_lists_with_either_separator(empty_store, tmp_path):
    rows = [
        ["event_id", "title", "start_date", "event_type", "participants", "trained_certified", "capabilities"],
        ["V1", "Forum", "2023-03-23", "Forum", " 55 ", "13", "TRR, Open technology innovation; esm"],
    ]
    load_file(empty_store, write_sheet(tmp_path / "x.xlsx", "Events", rows))
    con = empty_store.connect()
    assert con.execute("select participants, trained_certified, capabilities from events").fetchall() == [
        (55, 13, ["TRR", "OTI", "ESM"])
    ]


def rejected(store, tmp_path, sheet, rows):
    path = write_sheet(tmp_path / "bad.xlsx", sheet, rows)
    before = fingerprint(store)
    with pytest.raises(Rejected) as caught:
        load_file(store, path)
    assert fingerprint(store) == before
    return caught.value


def test_load_rejects_unknown_country_naming_row_column_and_suggestion(store, tmp_path):
    error = rejected(
        store,
        tmp_path,
        "EoIs",
        [
            HEADER,
            ["X1", "2023-02-01", "KEN", "Org", "other", "received"],
            ["X2", "2023-02-01", "Atlantis", "Org", "other", "received"],
            ["X3", "2023-02-01", "Keyna", "Org", "other", "received"],
        ],
    )
    messages = [str(p) for p in error.problems]
    assert "EoIs row 3, country: 'Atlantis' is not a known country" in messages
    assert any(m.startswith("EoIs row 4, country: 'Keyna' is not a known country") and "Kenya" in m for m in messages)


@pytest.mark.parametrize(
    "row, column, words",
    [
        (["X1", "31/02/2023", "KEN", "Org", "other", "received"], "received_on", "not a date"),
        (["X1", "2023-02-01", "KEN", "Org", "other", "pending"], "status", "not an allowed"),
        (["X1", "2023-02-01", "KEN", "", "other", "received"], "organization", "required"),
        (["X1", "", "KEN", "Org", "other", "received"], "received_on", "required"),
        (["X1", "2023-02-01", "KEN", "Org", "build a center", "received"], "request", "not an allowed"),
        (["X1", "2023-02-01", "KEN", "Org", "other", "#N/A"], "status", "spreadsheet error"),
    ],
)
def test_load_rejects_bad_cells_naming_sheet_row_column_and_value(store, tmp_path, row, column, words):
    error = rejected(store, tmp_path, "EoIs", [HEADER, row])
    assert {(p.sheet, p.row, p.column) for p in error.problems} == {("EoIs", 2, column)}
    assert any(words in p.problem for p in error.problems)


def test_load_rejects_missing_required_column(store, tmp_path):
    error = rejected(store, tmp_path, "EoIs", [HEADER[:-1], ["X1", "2023-02-01", "KEN", "Org", "other"]])
    assert [(p.row, p.column) for p in error.problems] == [(1, "status")]


def test_load_rejects_duplicate_ids_in_a_sheet(store, tmp_path):
    row = ["X1", "2023-02-01", "KEN", "Org", "other", "received"]
    error = rejected(store, tmp_path, "EoIs", [HEADER, row, row])
    assert error.problems[0].row == 3 and "row 2" in error.problems[0].problem


@pytest.mark.parametrize(
    "sheet, rows, column",
    [
        (
            "Events",
            [["event_id", "title", "start_date", "end_date", "event_type"], ["V9", "T", "2023-05-02", "2023-05-01", "forum"]],
            "end_date",
        ),
        (
            "Events",
            [
                ["event_id", "title", "start_date", "event_type", "participants", "trained_certified"],
                ["V9", "T", "2023-05-02", "forum", "10", "11"],
            ],
            "trained_certified",
        ),
        (
            "Events",
            [["event_id", "title", "start_date", "event_type", "participants"], ["V9", "T", "2023-05-02", "forum", "-1"]],
            "participants",
        ),
        (
            "Events",
            [["event_id", "title", "start_date", "event_type", "participants"], ["V9", "T", "2023-05-02", "forum", "10.5"]],
            "participants",
        ),
        (
            "Centers",
            [
                ["center_id", "name", "country", "center_type", "scope", "status"],
                ["C9", "N", "KEN", "TAC", "national", "launched"],
            ],
            "launched_on",
        ),
        (
            "Centers",
            [
                ["center_id", "name", "country", "center_type", "scope", "status", "eoi_id"],
                ["C9", "N", "KEN", "TAC", "national", "selected", "NOPE"],
            ],
            "eoi_id",
        ),
        (
            "Activities",
            [
                ["activity_id", "regional_initiative", "title", "product", "start_date", "status"],
                ["A9", "AFR7", "T", "capacity_building", "2019-03-01", "completed"],
            ],
            "regional_initiative",
        ),
        (
            "Activities",
            [
                ["activity_id", "regional_initiative", "title", "product", "start_date", "status", "kap_outcome"],
                ["A9", "AFR4", "T", "capacity_building", "2023-03-01", "completed", "ZZ9"],
            ],
            "kap_outcome",
        ),
        (
            "Resources",
            [["resource_id", "partner", "kind", "amount_usd", "signed_on"], ["R9", "P", "gift", "10", "2023-01-01"]],
            "kind",
        ),
        ("Targets", [["kpi", "period_end", "region", "target"], ["not_a_kpi", "2025-12-31", "", "10"]], "kpi"),
    ],
)
def test_load_rejects_rule_breaks_across_sheets(store, tmp_path, sheet, rows, column):
    error = rejected(store, tmp_path, sheet, rows)
    assert [(p.row, p.column) for p in error.problems] == [(2, column)]


def test_load_reports_every_problem_at_once(store, tmp_path):
    error = rejected(store, tmp_path, "EoIs", [HEADER, ["X1", "bad", "Atlantis", "", "nope", "received"]])
    assert {p.column for p in error.problems} == {"received_on", "country", "organization", "request"}


def test_center_may_name_an_eoi_in_the_same_upload(empty_store, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "EoIs"
    wb["EoIs"].append(HEADER)
    wb["EoIs"].append(["X1", "2023-02-01", "KEN", "Org", "establish_center", "validated"])
    ws = wb.create_sheet("Centers")
    ws.append(["center_id", "name", "country", "center_type", "scope", "status", "eoi_id"])
    ws.append(["C1", "N", "KEN", "TAC", "national", "selected", "X1"])
    wb.save(tmp_path / "x.xlsx")
    assert load_file(empty_store, tmp_path / "x.xlsx").sheets["centers"]["inserted"] == 1


def test_upload_may_add_the_initiative_its_activities_use(empty_store, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Initiatives"
    wb["Initiatives"].append(["code", "cycle", "region", "title"])
    wb["Initiatives"].append(["AFR9", "WTDC-25", "AFR", "New initiative"])
    ws = wb.create_sheet("Activities")
    ws.append(["activity_id", "regional_initiative", "title", "product", "start_date", "status"])
    ws.append(["A1", "afr9", "T", "capacity_building", "2026-03-01", "planned"])
    wb.save(tmp_path / "x.xlsx")
    load_file(empty_store, tmp_path / "x.xlsx")
    figures = summary(empty_store.connect(), AS_OF.replace(year=2026))
    assert figures["activities"]["by_initiative"] == {"AFR9": 1}
    assert figures["activities"]["total"] == 1


def test_update_changes_only_the_changed_row(store, tmp_path):
    path = write_sheet(
        tmp_path / "x.xlsx",
        "EoIs",
        [
            HEADER,
            ["E1", "2023-02-01", "KOR", "Ministry A", "establish_center", "onboarded"],
            ["E2", "2023-03-15", "KEN", "University B", "strengthen_center", "under_review"],
        ],
    )
    result = load_file(store, path)
    assert result.sheets["eois"] == {"inserted": 0, "updated": 1, "removed": 0, "unchanged": 1}
    con = store.connect()
    assert con.execute("select status, capabilities from eois where eoi_id = 'E1'").fetchall() == [("onboarded", ["TRR", "OTI"])]


def test_replace_makes_the_sheet_the_whole_set(store, tmp_path):
    path = write_sheet(tmp_path / "x.xlsx", "Milestones", [["milestone_id", "title", "due_on"], ["M1", "Launch", "2023-01-25"]])
    result = load_file(store, path, replace=True)
    assert result.sheets["milestones"]["removed"] == 3
    assert summary(store.connect(), AS_OF)["milestones"]["total"] == 1


def test_load_cli_exit_codes_and_messages(store, tmp_path):
    good = write_sheet(tmp_path / "good.xlsx", "EoIs", [HEADER, ["X1", "2023-02-01", "KEN", "Org", "other", "received"]])
    bad = write_sheet(tmp_path / "bad.xlsx", "EoIs", [HEADER, ["X1", "2023-02-01", "Atlantis", "Org", "other", "received"]])
    done = cli("load", good, "--db", store.path, "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["sheets"]["eois"]["inserted"] == 1
    done = cli("load", bad, "--db", store.path)
    assert done.returncode == 1
    assert "EoIs row 2, country: 'Atlantis' is not a known country" in done.stderr
    assert "Traceback" not in done.stderr
    done = cli("load", bad, "--db", store.path, "--json")
    assert json.loads(done.stdout)["problems"][0]["row"] == 2
    assert cli("load", "--db", store.path).returncode == 2
    assert cli("load", tmp_path / "missing.xlsx", "--db", store.path).returncode == 1


def test_formula_escaped_text_loads_back_unescaped(empty_store, tmp_path):
    path = write_sheet(tmp_path / "x.xlsx", "EoIs", [HEADER, ["X1", "2023-02-01", "KEN", "'=Org", "other", "received"]])
    load_file(empty_store, path)
    assert eoi_values(empty_store)[0][3] == "=Org"


def test_replace_refuses_to_orphan_centers(store, tmp_path):
    """Replacing EoIs with a set that lacks an EoI a center names would leave that center dangling."""
    path = write_sheet(
        tmp_path / "x.xlsx", "EoIs", [HEADER, ["E1", "2023-02-01", "KOR", "Ministry A", "establish_center", "validated"]]
    )
    with pytest.raises(Rejected) as caught:
        load_file(store, path, replace=True)
    assert any("'E2', which center 'C2' names" in p.problem for p in caught.value.problems)


def test_apply_checks_references_again_when_the_store_changed_since_the_check(empty_store, tmp_path):
    """A preview checked against one snapshot must not be written over another that lost its EoI."""
    eois = [HEADER, ["X1", "2023-02-01", "KEN", "Org", "establish_center", "validated"]]
    load_file(
        empty_store, write_sheet(tmp_path / "both.xlsx", "EoIs", [*eois, ["X2", "2023-02-01", "KEN", "Org", "other", "received"]])
    )
    centers = write_sheet(
        tmp_path / "centers.xlsx",
        "Centers",
        [
            ["center_id", "name", "country", "center_type", "scope", "status", "eoi_id"],
            ["C1", "N", "KEN", "TAC", "national", "selected", "X1"],
        ],
    )
    checked = check(empty_store, centers)
    assert checked.problems == []
    load_file(
        empty_store,
        write_sheet(tmp_path / "x2.xlsx", "EoIs", [HEADER, ["X2", "2023-02-01", "KEN", "Org", "other", "received"]]),
        replace=True,
    )
    with pytest.raises(Rejected) as caught:
        apply(empty_store, checked, "centers.xlsx", "")
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(2, "eoi_id", "X1")]
    assert empty_store.connect().execute("select count(*) from centers").fetchall() == [(0,)]


def test_number_in_a_date_column_is_a_date_only_as_a_plausible_serial(empty_store, tmp_path):
    """A year typed as a number (2023) was read as the serial date 1905-07-15."""
    path = write_sheet(tmp_path / "x.xlsx", "EoIs", [HEADER, ["X1", 2023, "KEN", "Org", "other", "received"]])
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, path)
    assert caught.value.problems[0].column == "received_on"


def test_row_with_only_invalid_values_is_reported_not_dropped(empty_store, tmp_path):
    """A row whose only value was invalid used to vanish as if blank, and the file was accepted."""
    path = write_sheet(
        tmp_path / "x.xlsx",
        "EoIs",
        [HEADER, ["X1", "2023-02-01", "KEN", "Org", "other", "received"], [None, None, "Atlantis", None, None, None]],
    )
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, path)
    assert any(p.column == "country" and p.row == 3 for p in caught.value.problems)


def test_huge_count_is_refused_not_a_crash(empty_store, tmp_path):
    """participants = 1e20 passed validation and crashed the load with OverflowError."""
    rows = [["event_id", "title", "start_date", "event_type", "participants"], ["V1", "T", "2023-05-02", "forum", "1e20"]]
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, write_sheet(tmp_path / "x.xlsx", "Events", rows))
    assert caught.value.problems[0].problem == "'1e20': counts above 100 billion are refused as implausible"


def test_problems_repeating_across_row_blocks_are_reported_on_every_row(empty_store, tmp_path, monkeypatch):
    """Validation converts rows a block at a time: a bad value seen in one block is bad in the next,
    blank rows are dropped wherever they fall, and short rows read as blank cells."""
    monkeypatch.setattr(alliance.ingest.validate, "_BLOCK_ROWS", 2)
    good = ["X1", "2023-02-01", "KEN", "Org", "other", "received"]
    rows = [
        HEADER,
        good,
        ["X2", "2023-02-01", "Atlantis", "Org", "other", "received"],
        [None] * 6,
        ["X3", "2023-02-01", "Atlantis", "Org", "other", "pending"],
        ["X4", "2023-02-01", "KEN", "Org", "other"],
        ["X5", "2023-02-01", "KEN", " ", "other", "pending"],
    ]
    path = write_sheet(tmp_path / "x.xlsx", "EoIs", rows)
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, path)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (3, "country"),
        (5, "country"),
        (5, "status"),
        (6, "status"),
        (7, "organization"),
        (7, "status"),
    ]


def test_rows_load_the_same_whatever_the_block_size(empty_store, tmp_path, monkeypatch):
    """Values, trimmed text and country codes do not depend on where the blocks fall."""
    rows = [HEADER] + [
        [f"X{i}", f"2023-02-{1 + i % 27:02d}", ["KEN", "Kenya", "BRA"][i % 3], f" Org {i} ", "other", "received"]
        for i in range(7)
    ]
    path = write_sheet(tmp_path / "x.xlsx", "EoIs", rows)
    monkeypatch.setattr(alliance.ingest.validate, "_BLOCK_ROWS", 3)
    small = check(empty_store, path).sheets["eois"]
    monkeypatch.setattr(alliance.ingest.validate, "_BLOCK_ROWS", 10_000)
    whole = check(empty_store, path).sheets["eois"]
    assert small.rows == whole.rows and small.row_numbers == whole.row_numbers == list(range(2, 9))
    assert [row[2] for row in whole.rows[:3]] == ["KEN", "KEN", "BRA"] and whole.rows[0][3] == "Org 0"
