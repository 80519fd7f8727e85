"""The reference data shipped in data/: complete, consistent and sourced."""

import csv

import pytest

from alliance import DATA_DIR
from alliance.text import name_key

REGIONS = {"AFR", "AMS", "ARB", "ASP", "CIS", "EUR"}


def read(name):
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_itu_member_state_once_with_a_region():
    countries = read("countries.csv")
    assert len(countries) == 194
    assert len({c["iso3"] for c in countries}) == 194
    assert {c["region"] for c in countries} == REGIONS


def test_no_name_or_alias_points_to_two_countries():
    seen = {}
    for c in read("countries.csv"):
        for name in (c["iso3"], c["itu_name"], c["un_name"], c["iso_name"]):
            assert seen.setdefault(name_key(name), c["iso3"]) == c["iso3"], name
    for a in read("country_aliases.csv"):
        assert seen.setdefault(name_key(a["alias"]), a["iso3"]) == a["iso3"], a


@pytest.mark.parametrize(
    "iso3, region",
    [
        ("EGY", "ARB"),
        ("MAR", "ARB"),
        ("KEN", "AFR"),
        ("IRN", "ASP"),
        ("KAZ", "CIS"),
        ("TUR", "EUR"),
        ("BRA", "AMS"),
        ("VAT", "EUR"),
    ],
)
def test_regions_follow_itu_d(iso3, region):
    assert {c["iso3"]: c["region"] for c in read("countries.csv")}[iso3] == region


def test_disputed_regions_are_explained():
    for c in read("countries.csv"):
        if c["iso3"] in ("GEO", "MDA", "UKR"):
            assert c["region_note"]


def test_alliance_initiatives_exist_in_wtdc22_with_their_region():
    initiatives = {(i["cycle"], i["code"]): i for i in read("initiatives.csv")}
    for code in ("AFR4", "AMS3", "ARB4", "ASP4", "CIS3", "CIS5", "EUR5"):
        row = initiatives[("WTDC-22", code)]
        assert row["region"] == code[:3] and row["alliance"] == "true" and row["source"]
    for row in initiatives.values():
        assert row["title_verified"] in ("true", "false")


def test_capabilities_center_types_and_kpis_cover_the_contract():
    assert [c["capability_code"] for c in read("capabilities.csv")] == ["TRR", "OTI", "ESM", "PEX", "EIA"]
    assert [c["center_type_code"] for c in read("center_types.csv")] == ["TAC", "REEC", "IDTAC", "IAC"]
    kpis = {k["kpi_code"]: k for k in read("kpis.csv")}
    for code in (
        "eois_total",
        "eois_countries",
        "eoi_center_requests",
        "centers_total",
        "centers_launched",
        "events_total",
        "event_participants",
        "trained_certified",
        "activities_total",
        "activities_completed",
        "milestones_total",
        "milestones_done",
        "milestones_overdue",
        "resources_usd",
    ):
        assert kpis[code]["definition"] and kpis[code]["unit"]
        assert (DATA_DIR.parent / "queries" / f"{kpis[code]['query']}.sql").exists()


def test_kap_priorities_outcomes_and_resolution_90():
    kigali = [p["code"] for p in read("kap_priorities.csv") if p["cycle"] == "WTDC-22"]
    assert kigali == ["P1", "P2", "P3", "P4", "P5"]
    outcomes = {o["code"]: o for o in read("outcomes.csv") if o["cycle"] == "WTDC-22"}
    assert outcomes["DT1"]["priority"] == "P2" and outcomes["DT2"]["priority"] == "P2"
    assert [r["code"] for r in read("res90.csv")] == [f"R90-{n}" for n in range(1, 8)]


def test_every_reference_file_is_named_in_the_data_readme():
    readme = (DATA_DIR / "README.md").read_text()
    for path in DATA_DIR.glob("*.csv"):
        assert path.name in readme, path.name
    for path in (DATA_DIR / "builtin").glob("*.csv"):
        assert path.name in readme, path.name


def test_every_plan_cycle_ships_regional_initiatives_for_every_region():
    initiatives = read("initiatives.csv")
    for cycle in ("WTDC-17", "WTDC-22", "WTDC-25"):
        regions = {i["region"] for i in initiatives if i["cycle"] == cycle}
        assert regions == {"AFR", "AMS", "ARB", "ASP", "CIS", "EUR"}, cycle
    for i in initiatives:
        assert i["code"][:3] == i["region"], i
        # A title not found in a public source is flagged, and the code still ships.
        assert (i["title_verified"] == "true") != i["title"].endswith("(title not found)"), i


def test_every_outcome_reports_against_a_priority_of_its_own_cycle():
    priorities = {(p["cycle"], p["code"]) for p in read("kap_priorities.csv")}
    for outcome in read("outcomes.csv"):
        assert (outcome["cycle"], outcome["priority"]) in priorities, outcome
