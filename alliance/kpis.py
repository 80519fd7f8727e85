"""The KPI summary of the data contract, assembled from one query per result."""

from datetime import date

from alliance.queries import rows

REGIONS = ("AFR", "AMS", "ARB", "ASP", "CIS", "EUR")


def summary(con, as_of: date, region: str | None = None) -> dict:
    """Return the KPI summary exactly in the shape `kpis --json` prints."""
    p = {"as_of": as_of, "region": region}
    eois = rows(con, "eois_summary", **p)[0]
    centers = rows(con, "centers_summary", **p)[0]
    events = rows(con, "events_summary", **p)[0]
    activities = rows(con, "activities_summary", **p)[0]
    milestones = rows(con, "milestones_summary", **p)[0]
    return {
        "as_of": as_of.isoformat(),
        "region": region,
        "eois": {
            "total": eois["eois"],
            "countries": eois["countries"],
            "center_requests": eois["center_requests"],
            "by_region": {r["region_code"]: r["eois"] for r in rows(con, "eois_by_region", **p)},
            "by_status": {r["status"]: r["eois"] for r in rows(con, "eois_by_status", **p)},
        },
        "centers": {
            "total": centers["centers"],
            "launched": centers["launched"],
            "by_region": {r["region_code"]: r["centers"] for r in rows(con, "centers_by_region", **p)},
            "by_type": {r["center_type"]: r["centers"] for r in rows(con, "centers_by_type", **p)},
        },
        "capabilities": {
            r["capability_code"]: {"eois": r["eois"], "centers": r["centers"]} for r in rows(con, "capability_demand_supply", **p)
        },
        "events": {
            "total": events["events"],
            "participants": int(events["participants"]),
            "trained_certified": int(events["trained_certified"]),
            "by_region": {r["region_code"]: r["events"] for r in rows(con, "events_by_region", **p)},
        },
        "activities": {
            "total": activities["activities"],
            "completed": activities["completed"],
            "by_initiative": {r["regional_initiative"]: r["activities"] for r in rows(con, "activities_by_initiative", **p)},
        },
        "milestones": {"total": milestones["milestones"], "done": milestones["done"], "overdue": milestones["overdue"]},
        "resources_usd": _number(rows(con, "resources_summary", **p)[0]["resources_usd"]),
    }


def _number(value: float) -> int | float:
    value = float(value or 0)
    return int(value) if value.is_integer() else round(value, 2)
