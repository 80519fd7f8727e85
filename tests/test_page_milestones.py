"""The Milestones and outcomes page, the outcome scorecard's rule, and its queries, on the hand-counted store."""

import json
import re
from datetime import date

import pandas as pd
import pytest
from handcount import AS_OF, EXPECTED_ALL

from alliance.ingest.load import load_file
from alliance.queries import frame
from alliance.scorecard import RULE, expected_share, measure_status, outcome_status, score

MEASURES = ("Activities", "Completed", "Beneficiaries", "Milestones", "Done", "Overdue")
# At 2023-06-30, from the hand-counted rows: DT1 has A1 (completed, 30 beneficiaries), M1 done and M2
# (due 2023-06-30, done 2023-07-15: neither done nor overdue yet); DT2 has A2 (ongoing, no beneficiaries)
# and M3 (due 2023-05-31, open: overdue). RM1 has nothing linked. No activity of DT2 or RM1 states its
# beneficiaries: not recorded, never 0.
HAND_COUNT = {
    "DT1": ["1", "1", "30", "2", "1", "0"],
    "DT2": ["1", "0", "not recorded", "1", "0", "1"],
    "RM1": ["0", "0", "not recorded", "0", "0", "0"],
}
SHARE = 180 / 364  # 2023-01-01 (WTDC-22 starts) to 2023-06-30, over 2023-01-01 to 2023-12-31


def cards(at) -> dict:
    """Outcome code -> the six metric values, in the order the page draws them."""
    metrics = [(m.label, m.value) for m in at.metric]
    assert [label for label, _ in metrics] == list(MEASURES) * 3
    return {code: [v for _, v in metrics[i * 6 : i * 6 + 6]] for i, code in enumerate(("DT1", "DT2", "RM1"))}


def statuses(at) -> dict:
    """Outcome code -> the status badge drawn above it."""
    texts = [m.value for m in at.markdown]
    badges = [t for t in texts if "-badge[" in t]
    codes = [t.split("**")[1] for t in texts if t.startswith("**") and " · " in t]
    return {code: badge.split(": ", 1)[1].rstrip("]") for code, badge in zip(codes, badges)}


def load_targets(store, tmp_path, rows: str) -> None:
    """Load a hand-made Targets sheet into this test's copy of the store."""
    path = tmp_path / "targets.csv"
    path.write_text("kpi,period_end,region,target,kap_outcome\n" + rows)
    load_file(store, path, user="tester")


@pytest.mark.parametrize(
    ("as_of", "start", "end", "share"),
    [
        (date(2023, 6, 30), date(2023, 1, 1), date(2023, 12, 31), SHARE),
        (date(2022, 6, 30), date(2023, 1, 1), date(2023, 12, 31), 0.0),
        (date(2024, 6, 30), date(2023, 1, 1), date(2023, 12, 31), 1.0),
        (date(2023, 6, 30), date(2023, 1, 1), date(2023, 1, 1), 1.0),
    ],
)
def test_scorecard_expected_share_is_time_elapsed_over_the_target_period(as_of, start, end, share):
    assert expected_share(as_of, start, end) == pytest.approx(share)


@pytest.mark.parametrize(
    ("actual", "target", "share", "status"),
    [
        (1, 2, 0.5, "on track"),
        (0.75, 2, 0.5, "at risk"),
        (0.74, 2, 0.5, "off track"),
        (0, 0, 0.5, "on track"),
        (5, None, None, "no target"),
        (5, float("nan"), None, "no target"),
    ],
)
def test_scorecard_measure_status_against_the_share_expected_by_now(actual, target, share, status):
    assert measure_status(actual, target, share) == status


@pytest.mark.parametrize(
    ("measures", "overdue", "status"),
    [
        (["on track", "no target"], 0, "on track"),
        (["on track", "at risk"], 0, "at risk"),
        (["at risk", "off track", "on track"], 0, "off track"),
        (["no target"], 0, "no target"),
        (["on track"], 1, "at risk"),
        (["no target"], 2, "at risk"),
        (["off track"], 1, "off track"),
    ],
)
def test_scorecard_outcome_takes_the_worst_and_overdue_makes_it_at_least_at_risk(measures, overdue, status):
    assert outcome_status(measures, overdue) == status


def test_outcome_queries_run(store):
    con = store.connect()
    for region in (None, "AFR"):
        assert len(frame(con, "outcome_scorecard", cycle="WTDC-22", as_of=AS_OF, region=region)) == 18
    res90 = frame(con, "outcome_res90")
    assert list(res90.loc[res90["outcome_code"] == "DT1", "res90_number"]) == [1, 2, 4, 6]


def test_outcome_scorecard_matches_the_hand_count(store):
    rows = frame(store.connect(), "outcome_scorecard", cycle="WTDC-22", as_of=AS_OF, region=None)
    got = {
        code: ["not recorded" if pd.isna(v) else str(v) for v in part["actual"]] for code, part in rows.groupby("outcome_code")
    }
    assert got == HAND_COUNT
    linked_milestones = sum(int(v[3]) for v in got.values())
    assert linked_milestones == EXPECTED_ALL["milestones"]["total"] - 1  # M4 has no outcome
    assert set(rows["priority_title"]) == {"Digital transformation", "Resource mobilization and international cooperation"}


def test_outcome_scorecard_rule_on_hand_made_targets(store, tmp_path):
    load_targets(
        store,
        tmp_path,
        "activities_total,2023-12-31,,2,DT1\nactivities_total,2023-12-31,,2,DT2\nactivities_total,2023-12-31,,2,RM1\n"
        "activities_completed,2023-12-31,,2.6,DT1\nactivities_completed,2023-12-31,,2.6,DT2\nmilestones_done,2023-12-31,AFR,10,DT1\n"
        "milestones_total,2023-12-31,,1000,\n",
    )
    scored = score(frame(store.connect(), "outcome_scorecard", cycle="WTDC-22", as_of=AS_OF, region=None), AS_OF)
    by = {(r.outcome_code, r.kpi_code): r for r in scored.itertuples()}
    # activities_total: expected 2 x 180/364 = 0.99 by now; DT1 and DT2 have 1 each, RM1 none.
    assert by[("DT1", "activities_total")].expected_by_now == pytest.approx(2 * SHARE)
    assert [by[(o, "activities_total")].status for o in ("DT1", "DT2", "RM1")] == ["on track", "on track", "off track"]
    # activities_completed: expected 1.29; 75% of that is 0.96, so DT1's 1 is at risk, DT2's 0 off track.
    assert [by[(o, "activities_completed")].status for o in ("DT1", "DT2")] == ["at risk", "off track"]
    # The AFR target is not Alliance-wide: it does not apply when no region is chosen.
    assert by[("DT1", "milestones_done")].status == "no target"
    # A target that names no outcome is an Alliance-wide KPI target (Overview tiles), not an outcome's.
    assert all(by[(o, "milestones_total")].status == "no target" for o in ("DT1", "DT2", "RM1"))
    outcomes = dict(zip(scored["outcome_code"], scored["outcome_status"]))
    assert outcomes == {"DT1": "at risk", "DT2": "off track", "RM1": "off track"}


def test_outcome_scorecard_overdue_milestone_makes_an_on_track_outcome_at_risk(store, tmp_path):
    load_targets(
        store,
        tmp_path,
        "activities_total,2023-12-31,,2,DT1\nactivities_total,2023-12-31,,2,DT2\nactivities_total,2023-12-31,,2,RM1\n",
    )
    scored = score(frame(store.connect(), "outcome_scorecard", cycle="WTDC-22", as_of=AS_OF, region=None), AS_OF)
    outcomes = dict(zip(scored["outcome_code"], scored["outcome_status"]))
    assert outcomes == {"DT1": "on track", "DT2": "at risk", "RM1": "off track"}


def test_milestones_page_shows_the_hand_counted_scorecard(app):
    at = app("milestones", as_of="2023-06-30")
    assert not at.exception
    assert cards(at) == HAND_COUNT
    assert statuses(at) == {"DT1": "no target", "DT2": "at risk", "RM1": "no target"}
    assert RULE in [m.value for m in at.markdown]
    # The rule in two sentences an adviser reads: the thresholds and what an overdue milestone does.
    body = RULE.removeprefix("**How the status is decided.** ")
    assert len(re.findall(r"\.(?:\s|$)", body)) == 2
    assert "three quarters" in body and "is at least **at risk** while one of its milestones is overdue" in body
    assert "No targets for these outcome measures" in " ".join(i.value for i in at.info)


def test_milestones_page_filters_change_the_scorecard(app):
    at = app("milestones", as_of="2023-06-30", region="EUR")
    assert not at.exception
    # A1 and A2 are African; milestones belong to the whole Alliance and stay.
    assert cards(at)["DT1"] == ["0", "0", "not recorded", "2", "1", "0"]
    later = app("milestones", as_of="2023-07-31")
    assert cards(later)["DT1"] == ["1", "1", "30", "2", "2", "0"]
    assert cards(later)["DT2"][5] == "1"


def test_milestones_page_with_targets_draws_progress_and_statuses(app, store, tmp_path):
    load_targets(
        store,
        tmp_path,
        "activities_total,2023-12-31,,2,DT1\nactivities_total,2023-12-31,,2,DT2\nactivities_total,2023-12-31,,2,RM1\nactivities_completed,2023-12-31,,2.6,DT1\nactivities_completed,2023-12-31,,2.6,DT2\n",
    )
    at = app("milestones", as_of="2023-06-30")
    assert not at.exception
    assert statuses(at) == {"DT1": "at risk", "DT2": "off track", "RM1": "off track"}
    [progress] = [c for c in at.get("plotly_chart") if c.proto.id.endswith("chart_outcome_progress")]
    names = {t["name"] for t in json.loads(progress.proto.spec)["data"]}
    assert names == {"on track", "at risk", "off track", "expected by now"}
    regional = app("milestones", as_of="2023-06-30", region="AFR")
    assert statuses(regional) == {"DT1": "no target", "DT2": "at risk", "RM1": "no target"}


def test_milestones_page_timeline_marks_done_due_overdue_and_the_as_of_date(app):
    at = app("milestones", as_of="2023-06-30")
    [timeline] = [c for c in at.get("plotly_chart") if c.proto.id.endswith("chart_milestone_timeline")]
    spec = json.loads(timeline.proto.spec)
    assert {t["name"]: len(t["y"]) for t in spec["data"]} == {"done": 1, "due": 2, "overdue": 1}
    assert "As at 30 June 2023" in timeline.proto.spec
    milestones = [d.value for d in at.dataframe if d.value.columns[0] == "Milestone"][0]
    assert dict(zip(milestones["Milestone"], milestones["Status"])) == {"M1": "done", "M2": "due", "M3": "overdue", "M4": "due"}
    assert "1 done, 2 due, 1 overdue" in " ".join(c.value for c in at.caption)


def cycle_heading(at) -> str:
    [heading] = [m.value for m in at.markdown if m.value.startswith("##### Scorecard by outcome, ")]
    return heading


@pytest.mark.parametrize(
    ("as_of", "outcomes", "cycle"),
    [
        # The as-of date's cycle when it has outcomes; else the latest earlier one that has.
        (date(2023, 6, 30), (1, 3, 0), "WTDC-22"),
        (date(2026, 6, 30), (1, 3, 0), "WTDC-22"),
        (date(2026, 6, 30), (1, 3, 2), "WTDC-25"),
        (date(2031, 1, 1), (1, 3, 0), "WTDC-22"),
        (date(2024, 6, 30), (1, 0, 0), "WTDC-17"),
        # None with outcomes: the as-of date's cycle (its scorecard says how to add them); before all, the first.
        (date(2024, 6, 30), (0, 0, 0), "WTDC-22"),
        (date(2016, 6, 30), (0, 3, 0), "WTDC-17"),
    ],
)
def test_milestones_default_cycle_is_the_latest_begun_with_outcomes(as_of, outcomes, cycle):
    from components.outcomes import default_cycle

    cycles = pd.DataFrame(
        {
            "cycle": ["WTDC-17", "WTDC-22", "WTDC-25"],
            "starts_on": pd.to_datetime(["2018-01-01", "2023-01-01", "2026-01-01"]),
            "ends_on": pd.to_datetime(["2022-12-31", "2025-12-31", "2029-12-31"]),
            "outcomes": outcomes,
        }
    )
    assert default_cycle(cycles, as_of) == cycle


def test_milestones_page_opens_on_the_last_cycle_with_outcomes(app):
    """Bug: in 2026 the page opened on the Baku cycle's empty scorecard (no Baku outcomes in the store), the Kigali one a click away."""
    at = app("milestones", as_of="2026-06-30")
    assert not at.exception
    assert at.selectbox(key="cycle").value == "WTDC-22"
    assert cycle_heading(at).startswith("##### Scorecard by outcome, Kigali Action Plan (WTDC-22, 2023-2025): final results")
    assert list(statuses(at)) == ["DT1", "DT2", "RM1"]
    assert not [i.value for i in at.info if i.value.startswith("No outcomes of the")]
    # The default stays out of the link, as the sidebar's defaults do.
    assert "cycle" not in at.query_params


@pytest.mark.parametrize(
    ("link", "cycle", "heading"),
    [
        ("WTDC-25", "WTDC-25", "Baku Action Plan (WTDC-25, 2026-2029): current"),
        ("wtdc-17", "WTDC-17", "Buenos Aires Action Plan (WTDC-17, 2018-2022): final results"),
        ("Buenos Aires Action Plan (WTDC-17, 2018-2022)", "WTDC-17", "Buenos Aires Action Plan (WTDC-17, 2018-2022)"),
    ],
)
def test_milestones_page_opens_on_the_cycle_the_link_names(app, link, cycle, heading):
    at = app("milestones", as_of="2026-06-30", cycle=link)
    assert not at.exception
    assert at.selectbox(key="cycle").value == cycle
    assert cycle_heading(at).startswith(f"##### Scorecard by outcome, {heading}")
    assert not at.warning
    # A code in the link becomes the option's name, so the open page's link still names the cycle.
    assert at.query_params["cycle"] == heading.split(":")[0]


def test_milestones_page_keeps_the_chosen_cycle_in_the_link(app):
    at = app("milestones", as_of="2026-06-30")
    # The browser writes a bound select box's option name to the URL (cycle=Buenos Aires Action Plan (...)).
    assert at.selectbox(key="cycle").proto.query_param_key == "cycle"
    at.selectbox(key="cycle").set_value("WTDC-17").run()
    assert not at.exception
    assert "Buenos Aires Action Plan (WTDC-17, 2018-2022): final results" in cycle_heading(at)


def test_milestones_page_link_with_an_unknown_cycle_opens_the_default_and_says_so(app):
    at = app("milestones", as_of="2026-06-30", cycle="WTDC-99 <b>x</b>")
    assert not at.exception
    assert at.selectbox(key="cycle").value == "WTDC-22"
    [warning] = [w.value for w in at.warning]
    assert warning.startswith("The link's plan cycle 'WTDC") and warning.endswith("' is unknown; showing the default.")
    assert "<b>" not in warning
