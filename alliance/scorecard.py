"""The outcome scorecard's status rule, kept in this one place: the share of a target expected by now, and the status."""

import math
from collections.abc import Iterable
from datetime import date

import pandas as pd

AT_RISK = 0.75
STATUS_ORDER = ("off track", "at risk", "on track", "no target")

RULE = (
    "**How the status is decided.** A target (a row of the Targets sheet for the measure's KPI code that names this "
    "outcome in its kap_outcome column, for the region chosen, or Alliance-wide when no region is chosen) is expected to be reached steadily from the start of the plan "
    "cycle to the target's period end. The share expected by now is the time elapsed from the cycle start to the as-of "
    "date, divided by the time from the cycle start to the period end (at most 100%). For each measure with a target: "
    "**on track** when the actual is at least that share of the target; **at risk** when it is at least 75% of that; "
    "**off track** when it is below. An outcome takes the worst status of its measures; **no target** when none of its "
    "measures has a target row. Overdue milestones make an outcome at least **at risk**: an outcome that would be on "
    "track, or that has no target, is at risk while one of its milestones is overdue."
)


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
    scored = frame.copy()
    shares, statuses = [], []
    for row in scored.itertuples(index=False):
        share = None
        if not _missing(row.target) and not _missing(row.target_period_end):
            share = expected_share(
                as_of, pd.Timestamp(row.target_cycle_starts_on).date(), pd.Timestamp(row.target_period_end).date()
            )
        shares.append(share)
        statuses.append(measure_status(row.actual, row.target, share))
    scored["expected_share"] = pd.array(shares, dtype="Float64")
    scored["expected_by_now"] = scored["target"].astype("Float64") * scored["expected_share"]
    scored["status"] = statuses
    overall = {}
    for (cycle, code), part in scored.groupby(["cycle", "outcome_code"], sort=False):
        overdue = int(part.loc[part["kpi_code"] == "milestones_overdue", "actual"].sum())
        overall[(cycle, code)] = outcome_status(part["status"], overdue)
    scored["outcome_status"] = [overall[(c, o)] for c, o in zip(scored["cycle"], scored["outcome_code"])]
    return scored
