"""The Overview's one-line answer to "is the Alliance on track?", and the demo set's targets."""

from datetime import date

from alliance.history import remove_demo
from alliance.scorecard import overview_status

CYCLES = [
    {"cycle": "WTDC-22", "starts_on": date(2023, 1, 1), "ends_on": date(2025, 12, 31)},
    {"cycle": "WTDC-25", "starts_on": date(2026, 1, 1), "ends_on": date(2029, 12, 31)},
]


def _tile(value, target=None, end=None):
    return {"value": value, "target": target, "target_period_end": end}


def test_without_targets_for_the_cycle_the_verdict_rests_on_the_milestones():
    old_target = _tile(10, 100, date(2025, 12, 31))  # WTDC-22's: not judged in 2026
    status = overview_status([old_target], {"total": 4, "done": 1, "overdue": 0}, date(2026, 6, 30), CYCLES)
    assert (status["verdict"], status["cycle"], sum(status["targets"].values())) == ("on track", "WTDC-25", 0)
    late = overview_status([old_target], {"total": 4, "done": 1, "overdue": 2}, date(2026, 6, 30), CYCLES)
    assert late["verdict"] == "at risk"


def test_targets_of_the_cycle_are_judged_against_the_share_of_the_cycle_elapsed():
    # Half-way through 2023-2025 (mid-2024): 50 of 100 is on track, 40 at risk (>= 75 % of 50), 30 off track.
    as_of = date(2024, 7, 1)
    end = date(2025, 12, 31)
    on = overview_status([_tile(50, 100, end)], {"total": 0, "done": 0, "overdue": 0}, as_of, CYCLES)
    risk = overview_status([_tile(40, 100, end)], {"total": 0, "done": 0, "overdue": 0}, as_of, CYCLES)
    off = overview_status([_tile(30, 100, end), _tile(50, 100, end)], {"total": 0, "done": 0, "overdue": 0}, as_of, CYCLES)
    assert (on["verdict"], risk["verdict"], off["verdict"]) == ("on track", "at risk", "behind")
    assert off["targets"] == {"on track": 1, "at risk": 0, "off track": 1}


def _verdict(at) -> str:
    return " ".join(x.value for x in (*at.success, *at.warning, *at.error) if x.value.startswith("**"))


def test_overview_says_plainly_that_no_targets_are_set_and_tells_only_an_analyst_how_to_add_them(app, monkeypatch):
    at = app("overview", as_of="2023-06-30")
    assert not at.exception
    line = _verdict(at)
    assert line.startswith("**At risk**") and "overdue as at 30 June 2023" in line  # M3 was due on 31 May 2023
    assert "no KPI targets are set for WTDC-22: add them with a Targets sheet" in line
    monkeypatch.setenv("ALLIANCE_ROLE", "viewer")
    viewer = _verdict(app("overview", as_of="2023-06-30"))
    assert "no KPI targets are set for WTDC-22" in viewer and "Targets sheet" not in viewer


def test_demo_targets_give_the_verdict_something_to_judge_and_leave_with_the_demo(store, app):
    from alliance.builtin import demo_raw
    from alliance.ingest.load import load_raw

    load_raw(store, demo_raw(), "demo", kind="demo", demo=True)
    line = _verdict(app("overview", as_of="2024-06-30"))
    assert "KPI targets for WTDC-22:" in line
    remove_demo(store, user="boss")
    con = store.connect()
    try:
        assert con.execute("select count(*) from targets").fetchall() == [(0,)]
    finally:
        con.close()
    assert "no KPI targets are set" in _verdict(app("overview", as_of="2024-06-30"))


def test_a_target_is_judged_on_what_its_plan_cycle_counted_not_on_the_period_shown():
    # 200 EoIs since the launch in 2023, but 10 since the Baku cycle began: half-way to a 2029 target of 100.
    tile = {"value": 200, "in_cycle": 10, "target": 100, "target_period_end": date(2029, 12, 31)}
    status = overview_status([tile], {"total": 0, "done": 0, "overdue": 0}, date(2027, 12, 31), CYCLES)
    assert status["verdict"] == "behind" and status["targets"]["off track"] == 1


def test_tiles_count_progress_from_the_plan_cycle_start():
    from alliance.kpis import tiles

    shown = {"eois": {"total": 200, "countries": 0, "center_requests": 0}}
    cycle = {"eois": {"total": 10, "countries": 0, "center_requests": 0}}
    target = [{"kpi": "eois_total", "target": 100, "period_end": date(2029, 12, 31)}]
    with_all = {**_blank_summary(), **shown}
    in_cycle = {**_blank_summary(), **cycle}
    eois = next(t for t in tiles(with_all, with_all, target, in_cycle) if t["kpi"] == "eois_total")
    assert (eois["value"], eois["progress"]) == (200, 0.1)


def _blank_summary() -> dict:
    return {
        "eois": {"total": 0, "countries": 0, "center_requests": 0},
        "centers": {"launched": 0},
        "events": {"total": 0, "participants": None, "participants_stated": 0, "trained_certified": None, "trained_stated": 0},
        "resources_usd": 0,
        "milestones": {"done": 0, "overdue": 0},
    }
