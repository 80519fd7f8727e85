"""The Capabilities page, and its region-by-capability query, on the hand-counted store."""

from datetime import date

import pytest
from handcount import AS_OF, EXPECTED_AFR, EXPECTED_ALL

from alliance.queries import frame
from components.filters import CAPABILITY_NAMES


def table(at) -> dict:
    """The page's demand, supply and gap table as {capability name: (demand, supply, gap)}."""
    rows = at.table[0].value
    return {r["Capability"]: (int(r["Demand"]), int(r["Supply"]), r["Gap"]) for _, r in rows.iterrows()}


def expected(kpis: dict) -> dict:
    return {
        CAPABILITY_NAMES[code]: (c["eois"], c["centers"], f"{c['eois'] - c['centers']:+d}")
        for code, c in kpis["capabilities"].items()
    }


def test_capabilities_shows_hand_counted_demand_supply_and_gap(app):
    at = app("capabilities", as_of="2023-06-30")
    assert not at.exception
    assert table(at) == expected(EXPECTED_ALL)
    titles = " ".join(m.value for m in at.markdown)
    assert (
        "Demand and supply per strategic capability, all regions: EoIs in the period 25 January 2023 to 30 June 2023, centers as at 30 June 2023"
        in titles
    )
    bars, heatmap = at.get("plotly_chart")
    assert "Entrepreneurship and SMEs" in bars.proto.spec and "Gap (demand minus supply)" in bars.proto.spec
    assert "Commonwealth of" in heatmap.proto.spec


def test_capabilities_region_filter_changes_the_figures(app):
    at = app("capabilities", as_of="2023-06-30", region="AFR")
    assert not at.exception
    assert table(at) == expected(EXPECTED_AFR)


def test_capabilities_as_of_moves_demand_not_supply(app):
    at = app("capabilities", as_of="2023-03-31")
    # E1 (TRR, OTI), E2 (ESM) and E7 (OTI) were in by then; supply counts the centers existing by
    # then and not closed: C1 (from E1) and C2 (from E2), not yet C3 (from E4, 10 May).
    assert table(at)["Open technology innovation"] == (2, 1, "+1")
    assert table(at)["Entrepreneurship and SMEs growth"] == (1, 1, "+0")
    assert table(at)["Policy experimentation"] == (0, 0, "+0")


def test_capabilities_capability_filter_keeps_one_row(app):
    at = app("capabilities", as_of="2023-06-30", capability="ESM")
    assert not at.exception
    assert table(at) == {"Entrepreneurship and SMEs growth": (2, 2, "+0")}


def test_capabilities_toggle_shows_the_gap_by_region(app):
    at = app("capabilities", as_of="2023-06-30")
    at.radio(key="measure").set_value("gap").run()
    assert not at.exception
    assert "Gap (demand minus supply) by region and strategic capability" in " ".join(m.value for m in at.markdown)


def test_capabilities_empty_selection_says_so(app):
    at = app("capabilities", as_of="2023-06-30", region="ARB")
    assert not at.exception
    assert not at.get("plotly_chart")
    assert "No EoIs or centers listing a strategic capability" in at.info[0].value


@pytest.mark.parametrize("as_of", [AS_OF, date(2023, 3, 31), date(2024, 12, 31)])
@pytest.mark.parametrize("region", [None, "AFR", "EUR"])
@pytest.mark.parametrize("capability", [None, "ESM"])
@pytest.mark.parametrize("period_start", [None, date(2023, 4, 1)])
def test_capability_by_region_totals_equal_capability_demand_supply(store, as_of, region, capability, period_start):
    con = store.connect()
    params = {"as_of": as_of, "period_start": period_start, "region": region, "capability": capability}
    by_region = frame(con, "capability_by_region", **params)
    totals = by_region.groupby("capability_code")[["eois", "centers"]].sum()
    overall = frame(con, "capability_demand_supply", **params).set_index("capability_code")
    assert totals.loc[overall.index].astype(int).to_dict() == overall[["eois", "centers"]].astype(int).to_dict()
    assert (by_region["gap"] == by_region["eois"] - by_region["centers"]).all()


def test_capability_by_region_hand_count(store):
    rows = frame(store.connect(), "capability_by_region", as_of=AS_OF, period_start=None, region=None, capability=None)
    cells = {(r.region_code, r.capability_code): (r.eois, r.centers, r.gap) for r in rows.itertuples()}
    assert len(cells) == 6 * 5
    assert cells[("AFR", "ESM")] == (2, 1, 1)  # E2, E3; C2
    assert cells[("ASP", "TRR")] == (1, 1, 0)  # E1; C1
    assert cells[("CIS", "TRR")] == (1, 0, 1)  # E6
    assert cells[("EUR", "OTI")] == (1, 0, 1)  # E7; C4 is closed
    assert cells[("AMS", "ESM")] == (0, 1, -1)  # C3
