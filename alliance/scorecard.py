"""The outcome scorecard's status rule, kept in this one place: the share of a target expected by now, and the status."""

import math
from collections.abc import Iterable
from datetime import date

import pandas as pd

from alliance.i18n import N_, _

AT_RISK = 0.75
STATUS_ORDER = ("off track", "at risk", "on track", "no target")
# Each status as a reader sees it. The codes stay English: colours, the report and the tests look them up by them.
STATUS_WORDS = {
    "on track": N_("on track"),
    "at risk": N_("at risk"),
    "off track": N_("off track"),
    "no target": N_("no target"),
}
# The measures outcome_scorecard.sql names (in English, as its rows carry them), as a reader sees them.
MEASURE_WORDS = {
    "Activities": N_("Activities"),
    "Activities completed": N_("Activities completed"),
    "Beneficiaries": N_("Beneficiaries"),
    "Milestones": N_("Milestones"),
    "Milestones done": N_("Milestones done"),
    "Milestones overdue": N_("Milestones overdue"),
}

# Shown through _(): _(RULE).
RULE = N_(
    "**How the status is decided.** Each measure with a target is expected to advance steadily over the plan cycle "
    "(a quarter of the way through the cycle, a quarter of the target): it is **on track** when it has reached at least "
    "that share, **at risk** when it has reached at least three quarters of it, and **off track** below that. An outcome "
    "takes the worst status of its measures, is at least **at risk** while one of its milestones is overdue, and shows "
    "**no target** when none of its measures has one (targets come from the Targets sheet)."
)


def status_word(status: str) -> str:
    """A status as shown, in the language spoken (an unknown one as it is)."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def measure_word(measure: str) -> str:
    """A measure's name as shown, in the language spoken (an unknown one as it is)."""
    return _(MEASURE_WORDS[measure]) if measure in MEASURE_WORDS else measure


def _missing(value) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def expected_share(as_of: date, cycle_start: date, period_end: date) -> float:
    """Share of a target expected by the as-of date: time elapsed since the cycle start over the time to the period end."""
    span = (period_end - cycle_start).days
    if span <= 0:
        return 1.0
    return min(max((as_of - cycle_start).days / span, 0.0), 1.0)


def measure_status(actual: float, target: float | None, share: float | None) -> str:
    """On track, at risk, off track against the share of the target expected by now; no target without one."""
    if _missing(target) or _missing(share):
        return "no target"
    expected = target * share
    if actual >= expected:
        return "on track"
    if actual >= AT_RISK * expected:
        return "at risk"
    return "off track"


def outcome_status(statuses: Iterable[str], overdue_milestones: int) -> str:
    """The worst status of an outcome's measures; an overdue milestone makes it at least at risk."""
    worst = min(statuses, key=STATUS_ORDER.index, default="no target")
    if overdue_milestones and worst in ("on track", "no target"):
        return "at risk"
    return worst


def score(frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Add the expected share, the value expected by now and the status to the rows of outcome_scorecard.sql."""
    # Columns as lists: a cycle has a few outcomes of six measures each, fewer rows than a pandas step costs.
    columns = ("actual", "target", "target_cycle_starts_on", "target_period_end", "kpi_code")
    actuals, targets, starts, ends, kpis = (frame[c].tolist() for c in columns)
    outcomes = list(zip(frame["cycle"].tolist(), frame["outcome_code"].tolist()))
    shares, statuses = [], []
    for actual, target, start, end in zip(actuals, targets, starts, ends):
        share = None if _missing(target) or _missing(end) else expected_share(as_of, _day(start), _day(end))
        shares.append(share)
        statuses.append(measure_status(actual, target, share))
    measures: dict[tuple, list[str]] = {}
    overdue: dict[tuple, int] = {}
    for outcome, status, kpi, actual in zip(outcomes, statuses, kpis, actuals):
        measures.setdefault(outcome, []).append(status)
        if kpi == "milestones_overdue" and pd.notna(actual):
            overdue[outcome] = overdue.get(outcome, 0) + int(actual)
    overall = {outcome: outcome_status(found, overdue.get(outcome, 0)) for outcome, found in measures.items()}
    scored = frame.copy()
    scored["expected_share"] = pd.array(shares, dtype="Float64")
    scored["expected_by_now"] = scored["target"].astype("Float64") * scored["expected_share"]
    scored["status"] = statuses
    scored["outcome_status"] = [overall[outcome] for outcome in outcomes]
    return scored


# The Overview's one-line answer to "is the Alliance on track?", from what the store knows.
VERDICTS = ("on track", "at risk", "behind")


def overview_status(tiles: list[dict], milestones: dict, as_of: date, cycles: list[dict]) -> dict:
    """The verdict and its reasons: overdue milestones, and the tiles' targets for the plan cycle of the as-of date.

    tiles: alliance.kpis.tiles() rows; milestones: the summary's {"total", "done", "overdue"}; cycles:
    rows of cycles_list.sql. Returns {"verdict", "cycle", "targets": {status: n}, "overdue", "total"}.
    A target counts when its period ends in the cycle; it is judged like the scorecard's measures.
    """
    cycle = next((c for c in cycles if _day(c["starts_on"]) <= as_of <= _day(c["ends_on"])), None)
    counts = {"on track": 0, "at risk": 0, "off track": 0}
    if cycle:
        start, end = _day(cycle["starts_on"]), _day(cycle["ends_on"])
        for tile in tiles:
            if tile["target"] is None or not start <= _day(tile["target_period_end"]) <= end:
                continue
            actual = tile.get("in_cycle", tile["value"])  # counted from the cycle's start, as its target is
            if actual is None:  # not recorded: neither on track nor behind
                continue
            status = measure_status(actual, tile["target"], expected_share(as_of, start, _day(tile["target_period_end"])))
            counts[status] += 1
    if counts["off track"]:
        verdict = "behind"
    elif counts["at risk"] or milestones["overdue"]:
        verdict = "at risk"
    else:
        verdict = "on track"
    return {
        "verdict": verdict,
        "cycle": cycle["cycle"] if cycle else None,
        "targets": counts,
        "overdue": milestones["overdue"],
        "total": milestones["total"],
    }


def cycle_of(cycles: list[dict], as_of: date) -> str | None:
    """The plan cycle the as-of date falls in (rows of cycles_list.sql), or None."""
    found = [c for c in cycles if _day(c["starts_on"]) <= as_of <= _day(c["ends_on"])]
    return found[0]["cycle"] if found else None


def cycle_start(cycles: list[dict], as_of: date) -> date | None:
    """The first day of the plan cycle the as-of date falls in (rows of cycles_list.sql), or None."""
    found = [c for c in cycles if _day(c["starts_on"]) <= as_of <= _day(c["ends_on"])]
    return _day(found[0]["starts_on"]) if found else None


def _day(value) -> date:
    return pd.Timestamp(value).date()
