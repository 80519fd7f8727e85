"""The KPI summary the way a plain pandas dashboard computes it: read every table, then groupby."""

from datetime import date

import pandas as pd

REGIONS = ["AFR", "AMS", "ARB", "ASP", "CIS", "EUR"]
STATUSES = ["received", "under_review", "validated", "declined", "withdrawn", "onboarded"]


def pandas_summary(con, as_of: date) -> dict:
    """Compute the contract's KPI summary (all regions) in pandas from full table reads."""
    t = {
        name: con.table(name).df()
        for name in (
            "eois",
            "centers",
            "events",
            "activities",
            "milestones",
            "resources",
            "countries",
            "initiatives",
            "cycles",
            "center_types",
            "capabilities",
        )
    }
    region = t["countries"].set_index("iso3")["region"]
    ts = pd.Timestamp(as_of)
    eois = t["eois"][pd.to_datetime(t["eois"]["received_on"]) <= ts].copy()
    eois["region"] = eois["country"].map(region)
    centers = t["centers"].copy()
    # A center exists from its first known date: selected_on, else its EoI's received_on, else launched_on.
    received = t["eois"].set_index("eoi_id")["received_on"]
    first = pd.to_datetime(centers["selected_on"].fillna(centers["eoi_id"].map(received)).fillna(centers["launched_on"]))
    launched = int(((centers["status"] == "launched") & (pd.to_datetime(centers["launched_on"]) <= ts)).sum())
    centers = centers[first.isna() | (first <= ts)].copy()
    centers["region"] = centers["country"].map(region)
    events = t["events"][pd.to_datetime(t["events"]["start_date"]) <= ts].copy()
    events["region"] = events["country"].map(region).fillna("GLB")
    acts = t["activities"][pd.to_datetime(t["activities"]["start_date"]) <= ts].copy()
    milestones = t["milestones"]
    milestones = milestones[milestones["announced_on"].isna() | (pd.to_datetime(milestones["announced_on"]) <= ts)]
    resources = t["resources"][pd.to_datetime(t["resources"]["signed_on"]) <= ts]
    demand = eois["capabilities"].dropna().explode().value_counts()
    supply = centers[centers["status"] != "closed"]["capabilities"].dropna().explode().value_counts()
    done = pd.to_datetime(milestones["completed_on"]) <= ts
    return {
        "eois": {
            "total": len(eois),
            "countries": eois["country"].nunique(),
            "center_requests": int(eois["request"].isin(["establish_center", "strengthen_center"]).sum()),
            "by_region": {r: int(n) for r, n in eois.groupby("region").size().reindex(REGIONS, fill_value=0).items()},
            "by_status": {s: int(n) for s, n in eois.groupby("status").size().reindex(STATUSES, fill_value=0).items()},
        },
        "centers": {
            "total": len(centers),
            "launched": launched,
            "by_region": {r: int(n) for r, n in centers.groupby("region").size().reindex(REGIONS, fill_value=0).items()},
            "by_type": {
                c: int(n)
                for c, n in centers.groupby("center_type").size().reindex(["TAC", "REEC", "IDTAC", "IAC"], fill_value=0).items()
            },
        },
        "capabilities": {
            c: {"eois": int(demand.get(c, 0)), "centers": int(supply.get(c, 0))} for c in ["TRR", "OTI", "ESM", "PEX", "EIA"]
        },
        "events": {
            "total": len(events),
            # Summed over the events that state the figure; None when none does (a blank is unknown).
            "participants": _stated_sum(events["participants"]),
            "participants_stated": int(events["participants"].notna().sum()),
            "trained_certified": _stated_sum(events["trained_certified"]),
            "trained_stated": int(events["trained_certified"].notna().sum()),
            "by_region": {r: int(n) for r, n in events.groupby("region").size().reindex([*REGIONS, "GLB"], fill_value=0).items()},
        },
        "activities": {
            "total": len(acts),
            "completed": int((acts["status"] == "completed").sum()),
            "by_initiative": {k: int(v) for k, v in acts.groupby("regional_initiative").size().sort_index().items()},
        },
        "milestones": {
            "total": len(milestones),
            "done": int(done.sum()),
            "overdue": int(
                (
                    ~done
                    & (pd.to_datetime(milestones["due_on"]) < ts)
                    & (milestones["date_precision"] != "not_stated")
                    & ~(milestones["completed_on"].isna() & (milestones["completed_precision"] == "not_stated"))
                ).sum()
            ),
        },
        "resources_usd": float(resources["amount_usd"].fillna(0).sum()),
    }


def _stated_sum(column: pd.Series) -> int | None:
    return int(column.sum()) if column.notna().any() else None
