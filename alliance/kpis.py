"""The KPI summary of the data contract, assembled from one query per result."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from alliance.queries import rows

REGIONS = ("AFR", "AMS", "ARB", "ASP", "CIS", "EUR")
# As data/regions.csv writes them; GLB counts events with no country.
REGION_NAMES = {
    "AFR": "Africa",
    "AMS": "Americas",
    "ARB": "Arab States",
    "ASP": "Asia and the Pacific",
    "CIS": "Commonwealth of Independent States",
    "EUR": "Europe",
    "GLB": "Global (no country)",
}
# The five strategic capabilities, as data/capabilities.csv names them.
CAPABILITY_NAMES = {
    "TRR": "Trends research readiness",
    "OTI": "Open technology innovation",
    "ESM": "Entrepreneurship and SMEs growth",
    "PEX": "Policy experimentation",
    "EIA": "Ecosystem initiatives acceleration",
}


# The queries behind the summary, one per result. They are independent, and at this size DuckDB
# runs each on one core: two run at a time.
SUMMARY_QUERIES = (
    "eois_summary",
    "eois_by_region",
    "eois_by_status",
    "centers_summary",
    "centers_by_region",
    "centers_by_type",
    "capability_demand_supply",
    "events_summary",
    "events_by_region",
    "activities_summary",
    "activities_by_initiative",
    "milestones_summary",
    "resources_summary",
)


def summary(
    con,
    as_of: date,
    region: str | None = None,
    capability: str | None = None,
    period_start: date | None = None,
    detail: bool = False,
) -> dict:
    """Return the KPI summary exactly in the shape `kpis --json` prints (capability: the app's filter).

    Flows count the period from period_start (None: no start) to as_of; stocks are the state at as_of.
    With detail, events also say whether the participants figure is a lower bound (a counted event
    has "over N" participants): the app shows it, the contract's JSON has no such key.
    """
    p = {"as_of": as_of, "period_start": period_start, "region": region, "capability": capability}
    with ThreadPoolExecutor(max_workers=2) as pool:
        q = dict(zip(SUMMARY_QUERIES, pool.map(lambda name: rows(con, name, **p), SUMMARY_QUERIES)))
    eois, centers, events = q["eois_summary"][0], q["centers_summary"][0], q["events_summary"][0]
    activities, milestones = q["activities_summary"][0], q["milestones_summary"][0]
    result = {
        "as_of": as_of.isoformat(),
        "from": period_start.isoformat() if period_start else None,
        "region": region,
        "eois": {
            "total": eois["eois"],
            "countries": eois["countries"],
            "center_requests": eois["center_requests"],
            "by_region": {r["region_code"]: r["eois"] for r in q["eois_by_region"]},
            "by_status": {r["status"]: r["eois"] for r in q["eois_by_status"]},
        },
        "centers": {
            "total": centers["centers"],
            "launched": centers["launched"],
            "by_region": {r["region_code"]: r["centers"] for r in q["centers_by_region"]},
            "by_type": {r["center_type"]: r["centers"] for r in q["centers_by_type"]},
        },
        "capabilities": {
            r["capability_code"]: {"eois": r["eois"], "centers": r["centers"]} for r in q["capability_demand_supply"]
        },
        "events": {
            "total": events["events"],
            "participants": int(events["participants"]),
            "trained_certified": int(events["trained_certified"]),
            "by_region": {r["region_code"]: r["events"] for r in q["events_by_region"]},
        },
        "activities": {
            "total": activities["activities"],
            "completed": activities["completed"],
            "by_initiative": {r["regional_initiative"]: r["activities"] for r in q["activities_by_initiative"]},
        },
        "milestones": {"total": milestones["milestones"], "done": milestones["done"], "overdue": milestones["overdue"]},
        "resources_usd": _number(q["resources_summary"][0]["resources_usd"]),
    }
    if detail:
        result["events"]["participants_over"] = bool(events["participants_over"])
    return result


def _number(value: float) -> int | float:
    value = float(value or 0)
    return int(value) if value.is_integer() else round(value, 2)


# Short column labels for the regions-by-KPI table (queries/kpis_by_region.sql), on the Regions
# page and in the report.
KPI_COLUMNS = {
    "eois_total": "EoIs",
    "eois_countries": "Countries",
    "eoi_center_requests": "Center requests",
    "centers_total": "Centers",
    "centers_launched": "Launched",
    "events_total": "Events",
    "event_participants": "Participants",
    "trained_certified": "Trained",
    "activities_total": "Activities",
    "resources_usd": "USD",
}

# The Overview's tiles: KPI code, label, and where its value sits in the summary.
TILES = (
    ("eois_total", "EoIs", ("eois", "total")),
    ("eois_countries", "Countries", ("eois", "countries")),
    ("eoi_center_requests", "Center requests", ("eois", "center_requests")),
    ("centers_launched", "Centers launched", ("centers", "launched")),
    ("events_total", "Events", ("events", "total")),
    ("event_participants", "Participants", ("events", "participants")),
    ("trained_certified", "Trained, certified", ("events", "trained_certified")),
    ("resources_usd", "USD mobilized", ("resources_usd",)),
    ("milestones_done", "Milestones done", ("milestones", "done")),
    ("milestones_overdue", "Milestones overdue", ("milestones", "overdue")),
)


# Tiles that count a state at the as-of date; the others count the period.
STOCK_TILES = frozenset({"milestones_overdue"})


def tiles(current: dict, previous: dict, targets: list[dict], in_cycle: dict | None = None) -> list[dict]:
    """Each tile's value now, its change since the comparison date, and its progress to a target.

    in_cycle: the same summary counted from the start of the plan cycle of the as-of date; a target is
    set for a cycle, so progress (and the Overview's verdict) counts the cycle's flows, whatever period is shown.
    """
    by_kpi = {t["kpi"]: t for t in targets}
    result = []
    for code, label, path in TILES:
        now, before = _pick(current, path), _pick(previous, path)
        counted = _pick(in_cycle, path) if in_cycle else now
        target = by_kpi.get(code)
        result.append(
            {
                "kpi": code,
                "label": label,
                "value": now,
                "change": now - before,
                "target": target["target"] if target else None,
                "target_period_end": target["period_end"] if target else None,
                "progress": (counted / target["target"]) if target and target["target"] else None,
                "in_cycle": counted,
                "stock": code in STOCK_TILES,
                "over": code == "event_participants" and current["events"].get("participants_over", False),
            }
        )
    return result


def _pick(summary_: dict, path: tuple) -> float:
    value = summary_
    for part in path:
        value = value[part]
    return value
