"""The KPI summary of the data contract, assembled from one query per result; KPI and region names."""

import csv
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import cache

from alliance import DATA_DIR, i18n, words
from alliance.i18n import N_, _, n_
from alliance.queries import rows


@cache
def _regions() -> tuple[tuple[str, str], ...]:
    with open(DATA_DIR / "regions.csv", newline="", encoding="utf-8") as handle:
        regions = sorted(csv.DictReader(handle), key=lambda row: int(row["sort_order"]))
    return tuple((row["region_code"], row["region_name"]) for row in regions)


def region_names() -> dict[str, str]:
    """Each region's name by code, as data/regions.csv writes them and in its order: the six ITU-D regions, then
    GLB (events with no country); in the language spoken (data/names.csv)."""
    return {code: i18n.name("region", name) for code, name in _regions()}


@cache
def _definitions() -> dict[str, dict]:
    with open(DATA_DIR / "kpis.csv", newline="", encoding="utf-8") as handle:
        found = list(csv.DictReader(handle))
    return {row["kpi_code"]: {**row, "stock": row["definition"].startswith("A stock:")} for row in found}


def definitions() -> dict[str, dict]:
    """Each KPI of data/kpis.csv by code, in its order: name, short_name (tiles, table columns), definition, unit,
    query, figure (its dotted path in the summary, as `kpis --json` and the Reported sheet name it) and stock
    (True: a state at the as-of date, as its definition says; else a flow over the period). Name, short name,
    definition and unit in the language spoken (data/names.csv); English as kpis.csv writes them."""
    if i18n.current() == i18n.ENGLISH:
        return _definitions()
    return _spoken_definitions(i18n.current())


@cache
def _spoken_definitions(language: str) -> dict[str, dict]:
    with i18n.speaking(language):
        return {
            code: {
                **kpi,
                **{field: i18n.name(f"kpi_{field}", code, kpi[field]) for field in ("name", "short_name", "definition", "unit")},
            }
            for code, kpi in _definitions().items()
        }


def by_figure() -> dict[str, dict]:
    """The KPIs of definitions() keyed by their figure's dotted path ('eois.countries')."""
    return {kpi["figure"]: kpi for kpi in definitions().values()}


@cache
def _capabilities() -> tuple[tuple[str, str], ...]:
    with open(DATA_DIR / "capabilities.csv", newline="", encoding="utf-8") as handle:
        return tuple((row["capability_code"], row["capability_name"]) for row in csv.DictReader(handle))


def capability_names() -> dict[str, str]:
    """The five strategic capabilities' names by code, as data/capabilities.csv writes them and in its order (in the
    language spoken)."""
    return {code: i18n.name("capability", name) for code, name in _capabilities()}


REGIONS = tuple(code for code in region_names() if code != "GLB")
CAPABILITY_NAMES = capability_names()


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
    "reported_list",
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
            # A blank is unknown: None when no counted event states the figure, never 0.
            "participants": _count(events["participants"]),
            "participants_stated": events["participants_stated"],
            "trained_certified": _count(events["trained_certified"]),
            "trained_stated": events["trained_stated"],
            "by_region": {r["region_code"]: r["events"] for r in q["events_by_region"]},
        },
        "activities": {
            "total": activities["activities"],
            "completed": activities["completed"],
            "by_initiative": {r["regional_initiative"]: r["activities"] for r in q["activities_by_initiative"]},
        },
        "milestones": {"total": milestones["milestones"], "done": milestones["done"], "overdue": milestones["overdue"]},
        "resources_usd": _number(q["resources_summary"][0]["resources_usd"]),
        "reported": [
            {
                "kpi": r["kpi"],
                "value": _number(r["value"]),
                "qualifier": r["qualifier"],
                "as_of": r["as_of"].isoformat(),
                "from": r["from_date"].isoformat() if r["from_date"] else None,
                "region": r["region"],
                "source": r["source"],
            }
            for r in q["reported_list"]
        ],
    }
    if detail:
        # A published figure is set beside what the records count over its own window (from its start, or the
        # beginning, to its date) and region: only then can the records be said to fall short of it. Published
        # figures concern no capability: with one chosen, none is shown.
        if capability is None:
            counted(con, result["reported"])
        else:
            result["reported"] = []
        resources = q["resources_summary"][0]
        result["events"]["participants_over"] = bool(events["participants_over"])
        result["resources"] = {
            "counted": resources["resources"],
            "stated": resources["resources_stated"],
            "alliance_wide_usd": None if resources["alliance_wide_usd"] is None else _number(resources["alliance_wide_usd"]),
        }
        result["undated"] = rows(con, "undated_summary", region=region, capability=capability)[0]
    return result


def counted(con, items: list[dict]) -> list[dict]:
    """Set on each published figure what the records count over its own dates (from its start, or the beginning,
    to its as_of) and region, as "counted": only against that can the records be said to fall short of it."""
    windows: dict = {}
    for item in items:
        as_of, start = (_day(item["as_of"]), _day(item.get("from")))
        window = (as_of, start, item.get("region"))
        if window not in windows:
            windows[window] = summary(con, as_of, item.get("region"), period_start=start)
        # by_initiative lists only initiatives with activities: one missing counts 0.
        item["counted"] = _pick(windows[window], tuple(item["kpi"].split(".")), missing=0)
    return items


def _day(value) -> date | None:
    """A date from ISO text, a date or a table's timestamp; None for a blank (None, NaT)."""
    if value is None or value != value:
        return None
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _count(value) -> int | None:
    return None if value is None else int(value)


def _number(value: float) -> int | float:
    value = float(value or 0)
    return int(value) if value.is_integer() else round(value, 2)


# The columns of the regions-by-KPI table (queries/kpis_by_region.sql), on the Regions page, by their short names:
# every KPI but the milestones (the whole Alliance's) and the activities completed.
KPI_COLUMNS = {
    code: kpi["short_name"]
    for code, kpi in definitions().items()
    if code not in ("activities_completed", "milestones_total", "milestones_done", "milestones_overdue")
}


def kpi_columns() -> dict[str, str]:
    """KPI_COLUMNS with their short names in the language spoken."""
    return {code: definitions()[code]["short_name"] for code in KPI_COLUMNS}


# Columns of kpis_by_region.sql summed over the events that state them: NULL is not recorded, never 0.
STATED_COLUMNS = ("event_participants", "trained_certified")

# The Overview's tiles: KPI code, short name, and where its value sits in the summary.
TILES = tuple(
    (code, definitions()[code]["short_name"], tuple(definitions()[code]["figure"].split(".")))
    for code in (
        "eois_total",
        "eois_countries",
        "eoi_center_requests",
        "centers_launched",
        "events_total",
        "event_participants",
        "trained_certified",
        "resources_usd",
        "milestones_done",
        "milestones_overdue",
    )
)


# Tiles that count a state at the as-of date; the others count the period.
STOCK_TILES = frozenset(code for code, _, _ in TILES if definitions()[code]["stock"])
# Tiles of the whole Alliance whatever region is chosen (data contract section 3).
ALLIANCE_WIDE_TILES = frozenset({"milestones_done", "milestones_overdue"})
# Tiles summed over the events that state the figure: (summary key of how many state it, what they count).
STATED_TILES = {
    "event_participants": ("participants_stated", N_("participants"), N_("attendance")),
    "trained_certified": ("trained_stated", N_("people trained or certified"), N_("them")),
}


def tiles(current: dict, previous: dict, targets: list[dict], in_cycle: dict | None = None) -> list[dict]:
    """Each tile's value now (None: not recorded), its change since the comparison, its progress to a target,
    the published figures beside it, and the notes a reader needs to read it right.

    in_cycle: the same summary counted from the start of the plan cycle of the as-of date; a target is
    set for a cycle, so progress (and the Overview's verdict) counts the cycle's flows, whatever period is shown.
    """
    by_kpi = {t["kpi"]: t for t in targets}
    regional = current.get("region") is not None
    result = []
    for code, _label, path in TILES:
        now, before = _tile_value(current, code, path), _tile_value(previous, code, path)
        counted = _tile_value(in_cycle, code, path) if in_cycle else now
        target = by_kpi.get(code)
        dotted = ".".join(path)
        reported = [r for r in current.get("reported", ()) if r["kpi"] == dotted]
        result.append(
            {
                "kpi": code,
                "label": definitions()[code]["short_name"],  # in the language spoken
                "value": now,
                "change": None if now is None or before is None else now - before,
                "target": target["target"] if target else None,
                "target_period_end": target["period_end"] if target else None,
                "progress": (counted / target["target"]) if target and target["target"] and counted is not None else None,
                "in_cycle": counted,
                "stock": code in STOCK_TILES,
                "over": code == "event_participants" and current["events"].get("participants_over", False),
                "alliance_wide": regional and code in ALLIANCE_WIDE_TILES,
                # A sum over events with no event counted: nothing to count, not an unknown.
                "nothing": (code in STATED_TILES and not current["events"]["total"])
                or (code == "resources_usd" and "resources" in current and not current["resources"]["counted"]),
                "reported": reported,
                "incomplete": any(words.lower_bound_missed(r.get("counted", now), r) for r in reported),
                "note": _tile_note(code, current),
            }
        )
    return result


def _tile_value(summary_: dict, code: str, path: tuple):
    """A tile's figure; money is not recorded (None) where resources were signed but none states an amount."""
    resources = summary_.get("resources")
    if code == "resources_usd" and resources and resources["counted"] and not resources["stated"]:
        return None
    return _pick(summary_, path)


def _tile_note(code: str, current: dict) -> str:
    """What a tile's number covers, where the number alone would mislead."""
    events = current["events"]
    if code in STATED_TILES:
        stated, what, recorded = STATED_TILES[code]
        if not events["total"]:
            return _("No event in this period: nothing to count")
        total = _pick(current, ("events", code.replace("event_", "")))
        return words.stated_sum(
            total,
            events[stated],
            events["total"],
            _(what),
            _(recorded),
            code == "event_participants" and events.get("participants_over", False),
        )
    if code == "events_total" and (current.get("undated") or {}).get("events") and current["as_of"] >= words.LAUNCH.isoformat():
        return words.counted(
            current["undated"]["events"],
            "{count} event with no date stated, in no period",
            "{count} events with no date stated, in no period",
        )
    if code == "resources_usd" and "resources" in current:
        resources, notes = current["resources"], []
        if not resources["counted"]:
            notes.append(_("No resource in this period: nothing to count"))
        elif resources["counted"] > resources["stated"]:
            notes.append(
                n_(
                    "{stated} of {count} resource state an amount",
                    "{stated} of {count} resources state an amount",
                    resources["counted"],
                ).format(stated=words.count(resources["stated"]), count=words.count(resources["counted"]))
            )
        if current.get("region") and resources.get("alliance_wide_usd"):
            notes.append(
                _("Alliance-wide resources ({amount}) are in no region's figure").format(
                    amount=words.money(resources["alliance_wide_usd"])
                )
            )
        undated = current.get("undated") or {}
        # Undated records are the Alliance's (the built-in ones come from its 2023 report): not said of earlier periods.
        if undated.get("resources") and current["as_of"] >= words.LAUNCH.isoformat():
            if undated.get("resources_usd"):
                notes.append(
                    n_(
                        "{count} resource with no date stated, {amount}, in no period",
                        "{count} resources with no date stated, {amount}, in no period",
                        undated["resources"],
                    ).format(count=words.count(undated["resources"]), amount=words.money(undated["resources_usd"]))
                )
            else:
                notes.append(
                    words.counted(
                        undated["resources"],
                        "{count} resource with no date stated, in no period",
                        "{count} resources with no date stated, in no period",
                    )
                )
        return words.clauses(notes)
    return ""


def _pick(summary_: dict, path: tuple, missing=KeyError):
    value = summary_
    for part in path:
        if part not in value and missing is not KeyError:
            return missing
        value = value[part]
    return value
