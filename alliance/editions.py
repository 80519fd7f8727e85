"""Editions: named, approved, kept snapshots whose figures are handed to TDAG and never move.

An edition is prepared (status draft) from the data as it is at that moment: it names the
snapshot file the store's pointer named then, and its period. A second person approves it
(status published). Snapshot files are never written again, so every page, the report and the
KPI summary give the edition's figures for ever; the figures are also kept, as the contract's
JSON for the whole Alliance and each region, in the edition's row. Loads, rollbacks and
prunes leave editions alone: a rollback restores every table but the history and the editions,
and a prune keeps every snapshot an edition names.
"""

import json
import os
import re
import unicodedata
from datetime import date, datetime

import duckdb

from alliance import AllianceError, integrity
from alliance.history import ROLLBACK_KINDS, _record
from alliance.kpis import REGIONS, summary
from alliance.store import Store, readable
from alliance.who import current_user, os_account

# Names appear in links (?edition=TDAG-26) and file names: letters, digits, space, dot, dash, underscore.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,59}$")
# The figures kept with an edition: the whole Alliance ("all") and each region, GLB included.
FIGURE_SCOPES = ("all", *REGIONS, "GLB")
# The tables behind each top-level figure of the summary, to name the loads that may have changed
# a figure when the states between them were pruned.
_TABLES = {
    "eois": {"eois"},
    "centers": {"centers", "eois"},
    "capabilities": {"centers", "eois"},
    "events": {"events"},
    "activities": {"activities", "initiatives"},
    "milestones": {"milestones"},
    "resources_usd": {"resources"},
}
_COLUMNS = (
    "name, period_start, as_of, status, prepared_by, prepared_at, approved_by, approved_at, note, snapshot, last_load_id, "
    "prepared_seq, approved_seq, prepared_by_account, approved_by_account"
)
# Labels of the app's own choices beside the editions (components/edition_picker.py): no edition may take them.
RESERVED = ("live data", "a date")


def person(name: str | None) -> str:
    """Who acts, as recorded and compared: Unicode-normalised (NFKC), invisible characters dropped,
    spaces collapsed. Refuses a blank name: an approval must say who gave it."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc"))
    text = " ".join(text.split())
    if not text:
        raise AllianceError("Say who you are (--user, or $ALLIANCE_USER): an edition records who prepared and approved it.")
    return text


def check_name(name: str) -> str:
    """The name, stripped; refuse one that would not make a clean link."""
    name = (name or "").strip()
    if name.casefold() in RESERVED:
        raise AllianceError(f"{name!r} is a label of the dashboard's own choices; give the edition another name.")
    if not _NAME.match(name):
        raise AllianceError(
            f"{name[:80]!r} is not a usable edition name: 1 to 60 letters, digits, spaces, dots, dashes or underscores, "
            "starting with a letter or digit (for example TDAG-26)."
        )
    return name


def editions(con, include_drafts: bool = True) -> list[dict]:
    """Every edition, newest first, in the contract's shape (plus its snapshot and last load)."""
    where = "" if include_drafts else "where status = 'published'"
    result = con.execute(f"select {_COLUMNS} from editions {where} order by prepared_seq desc")
    return [_shape(dict(zip([d[0] for d in result.description], row))) for row in result.fetchall()]


def get(con, name: str) -> dict:
    """One edition by name; an AllianceError naming the editions there are when there is none."""
    found = [e for e in editions(con) if e["name"].casefold() == (name or "").strip().casefold()]
    if not found:
        known = ", ".join(e["name"] for e in editions(con)) or "none yet"
        raise AllianceError(f"There is no edition called {name[:80]!r} (editions: {known}).")
    return found[0]


def latest_published(con) -> dict | None:
    """The edition approved last, or None."""
    found = editions(con, include_drafts=False)
    return max(found, key=lambda e: e["approved_seq"]) if found else None


def _shape(row: dict) -> dict:
    stamp = lambda value: value.isoformat(sep=" ") if value else None  # noqa: E731
    return {
        "name": row["name"],
        "from": row["period_start"].isoformat() if row["period_start"] else None,
        "as_of": row["as_of"].isoformat(),
        "status": row["status"],
        "prepared_by": row["prepared_by"],
        "prepared_at": stamp(row["prepared_at"]),
        "approved_by": row["approved_by"],
        "approved_at": stamp(row["approved_at"]),
        "note": row["note"] or "",
        "snapshot": row["snapshot"],
        "last_load_id": row["last_load_id"],
        "prepared_seq": row["prepared_seq"],
        "approved_seq": row["approved_seq"],
        # The operating-system accounts that prepared and approved it (None: not recorded, before schema 6).
        "prepared_by_account": row["prepared_by_account"],
        "approved_by_account": row["approved_by_account"],
    }


def period(edition: dict) -> tuple[date | None, date]:
    """An edition's period start (None: no start) and as-of date, as dates."""
    start = date.fromisoformat(edition["from"]) if edition["from"] else None
    return start, date.fromisoformat(edition["as_of"])


def _figures(snapshot_path, as_of: date, period_start: date | None) -> dict:
    """The contract's summary for the Alliance and each region, read from one snapshot file."""
    con = duckdb.connect(str(readable(snapshot_path)), read_only=True)
    try:
        return {
            scope: summary(con, as_of, None if scope == "all" else scope, period_start=period_start) for scope in FIGURE_SCOPES
        }
    finally:
        con.close()


def publish(
    store: Store, name: str, as_of: date, period_start: date | None = None, note: str = "", user: str | None = None
) -> dict:
    """Prepare an edition (a draft) of the data as it is now, for the period given; return it."""
    name = check_name(name)
    if period_start and period_start > as_of:
        raise AllianceError(f"The period start {period_start.isoformat()} is after the as-of date {as_of.isoformat()}.")
    note = (note or "").strip()[:500]
    user = person(user or current_user())
    store.ensure()  # an older store is upgraded (and its built-in records refreshed) before its state is kept
    with store.write() as con:
        if con.execute("select count(*) from editions where lower(name) = lower(?)", [name]).fetchall()[0][0]:
            raise AllianceError(f"An edition called {name!r} exists already: an edition's name is given once.")
        snapshot = store.snapshot_name()  # the state being copied: the edition's data, never written again
        last_load = con.execute("select coalesce(max(load_id), 0) from loads").fetchall()[0][0]
        figures = _figures(store.snapshot_path(snapshot), as_of, period_start)
        now = datetime.now().replace(microsecond=0)
        con.execute(
            f"insert into editions ({_COLUMNS}, figures) values (?, ?, ?, 'draft', ?, ?, null, null, ?, ?, ?, ?, null, ?, null, ?)",
            [name, period_start, as_of, user, now, note, snapshot, last_load, last_load + 1, os_account(), json.dumps(figures)],
        )
        _record(con, store, last_load + 1, "publish", f"edition {name} prepared", user, [])
    return _get_from(store, name)


def approve(store: Store, name: str, user: str | None = None) -> dict:
    """Publish a draft; refused, changing nothing, when the approver prepared it or it is published already."""
    user = person(user or current_user())
    store.ensure()
    with store.write() as con:
        edition = get(con, name)
        name = edition["name"]
        if edition["status"] == "published":
            raise AllianceError(
                f"The edition {name!r} was approved already, by {edition['approved_by']} at {edition['approved_at']}."
            )
        if person(edition["prepared_by"]).casefold() == user.casefold():
            raise AllianceError(
                f"{user} prepared the edition {name!r}, so cannot approve it: another person must check and approve it."
            )
        start, as_of = period(edition)
        path = store.snapshot_path(edition["snapshot"])
        if not path.exists():
            raise AllianceError(
                f"The stored state of the edition {name!r} ({edition['snapshot']}) is missing, so it cannot be approved: "
                "prepare a new edition under another name."
            )
        # The state must still be the one prepared; its checksum is then recorded with the approval.
        sha256 = integrity.approving(store.snapshots, edition)
        # Frozen as approved: the figures of the edition's snapshot, read again now.
        figures = _figures(path, as_of, start)
        last_load = con.execute("select coalesce(max(load_id), 0) from loads").fetchall()[0][0]
        con.execute(
            "update editions set status = 'published', approved_by = ?, approved_by_account = ?, approved_at = ?, "
            "approved_seq = ?, figures = ? where name = ?",
            [user, os_account(), datetime.now().replace(microsecond=0), last_load + 1, json.dumps(figures), name],
        )
        _record(con, store, last_load + 1, "approve", f"edition {name} approved", user, [])
        integrity.record_edition(store.snapshots, name, edition["snapshot"], sha256)
    return _get_from(store, name)


def _get_from(store: Store, name: str) -> dict:
    con = store.connect()
    try:
        return get(con, name)
    finally:
        con.close()


def figures(con, name: str, region: str | None = None, store: Store | None = None) -> dict:
    """The edition's figures in the shape of `kpis --json`, as frozen when it was approved.

    Figures frozen before the contract of 6 December 2026 lack its keys and counted a blank as 0: given the
    store, they are brought to today's shape from the edition's own stored state (every frozen number kept,
    but a sum no counted event states becomes null, as it was unknown).
    """
    edition = get(con, name)
    if store is not None:  # a state that no longer matches its checksum: no figure under its name
        integrity.ensure_edition(store.snapshots, edition)
    stored = con.execute("select figures from editions where name = ?", [edition["name"]]).fetchall()[0][0]
    frozen = json.loads(stored)[region or "all"]
    if "reported" in frozen or store is None:
        return frozen
    start, as_of = period(edition)
    state = duckdb.connect(str(readable(store.snapshot_path(edition["snapshot"]))), read_only=True)
    try:
        fresh = summary(state, as_of, region, period_start=start)
    finally:
        state.close()
    shaped = _shaped_like(fresh, frozen)
    events = shaped["events"]
    for total, stated in (("participants", "participants_stated"), ("trained_certified", "trained_stated")):
        if not events[stated]:
            events[total] = None
    return shaped


def _shaped_like(model: dict, values: dict) -> dict:
    """`model`'s keys in its order, each holding the value `values` has for it (recursively), else the model's."""
    return {
        key: (
            _shaped_like(value, values[key])
            if isinstance(value, dict) and isinstance(values.get(key), dict)
            else values.get(key, value)
        )
        for key, value in model.items()
    }


def flatten(figures_: dict, prefix: str = "") -> dict:
    """A summary as dotted paths to numbers: {"eois.total": 62, "eois.by_region.AFR": 20, ...}."""
    flat = {}
    for key, value in figures_.items():
        if key in ("as_of", "from", "region") and not prefix:
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, path + "."))
        elif value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            flat[path] = value  # None: not recorded, which differs from 0
    return flat


def differences(before: dict, after: dict) -> dict:
    """The dotted paths whose value differs between two flattened summaries (missing counts 0), in order.

    Counts a summary lists only where they are not 0 (by_initiative) are missing when 0; None (not recorded)
    is a value of its own, never 0."""
    keys = [*before, *(k for k in after if k not in before)]  # in the summary's order: totals first
    return {k: (before.get(k, 0), after.get(k, 0)) for k in keys if before.get(k, 0) != after.get(k, 0)}


def revisions(store: Store, name: str, region: str | None = None) -> list[dict]:
    """The edition's figures that the data as it is now gives differently for the same period and region.

    Each names the loads since the edition that changed it: found by reading the figure in the
    state after each load; where those states were pruned, the loads in between that touched the
    figure's tables.
    """
    con = store.connect()
    try:
        edition = get(con, name)
        name = edition["name"]
        frozen = flatten(figures(con, name, region, store))
        start, as_of = period(edition)
        now = flatten(summary(con, as_of, region, period_start=start))
        later = con.execute(
            "select load_id, kind, file_name, loaded_by, loaded_at, snapshot_before from loads where load_id > ? order by load_id",
            [edition["last_load_id"]],
        ).fetchall()
        touched = {}
        for load_id, sheet, n in con.execute(
            "select load_id, sheet, inserted + updated + removed from load_sheets where load_id > ?", [edition["last_load_id"]]
        ).fetchall():
            if n:
                touched.setdefault(load_id, set()).add(sheet)
    finally:
        con.close()
    changed = differences(frozen, now)
    if not changed:
        return []
    blame = _blame(store, _not_undone(later, edition["last_load_id"]), touched, as_of, start, region, set(changed))
    return [
        {
            "kpi": kpi,
            "edition": old,
            "now": new,
            # Between a number and "not recorded" there is no difference to compute.
            "change": None if old is None or new is None else _number(new - old),
            "loads": blame.get(kpi, []),
        }
        for kpi, (old, new) in changed.items()
    ]


def _not_undone(later: list[tuple], edition_load: int) -> list[tuple]:
    """The loads since the edition, those a later rollback undid marked "undone" (and such rollbacks too): a
    rollback of load L, recorded as load N, undoes loads L to N-1; when L came after the edition, the pair
    changed nothing the edition counted."""
    undone = set()
    for load_id, kind, file_name, *_ in later:
        target = _rolled_back(file_name) if kind == "rollback" else None
        if target is not None:
            undone |= set(range(max(target, edition_load + 1), load_id))
            if target > edition_load:
                undone.add(load_id)
    return [(row[0], "undone", *row[2:]) if row[0] in undone else row for row in later]


def _rolled_back(file_name: str) -> int | None:
    found = re.match(r"rollback of load (\d+)$", file_name or "")
    return int(found.group(1)) if found else None


def _blame(store, later, touched, as_of, start, region, kpis) -> dict:
    """For each figure, the loads after the edition that changed it (see revisions)."""
    cache = {}

    def state(snapshot: str):
        if snapshot not in cache:
            path = store.snapshot_path(snapshot)
            if not path.exists():
                cache[snapshot] = None
            else:
                con = duckdb.connect(str(readable(path)), read_only=True)
                try:
                    cache[snapshot] = flatten(summary(con, as_of, region, period_start=start))
                finally:
                    con.close()
        return cache[snapshot]

    current = store.snapshot_name()
    blame: dict[str, list[dict]] = {}
    for i, (load_id, kind, file_name, loaded_by, loaded_at, before) in enumerate(later):
        if kind not in ROLLBACK_KINDS:  # a publish, approval or prune, or a load a rollback undid
            continue
        after = later[i + 1][5] if i + 1 < len(later) else current
        s_before, s_after = state(before), state(after)
        who = {"load_id": load_id, "kind": kind, "file_name": file_name, "loaded_by": loaded_by, "loaded_at": str(loaded_at)}
        if s_before is not None and s_after is not None:
            found = [k for k in differences(s_before, s_after) if k in kpis]
        else:  # the states around it were pruned: name it where it touched the figure's tables
            found = [k for k in kpis if _TABLES.get(k.split(".")[0], set()) & touched.get(load_id, set())]
            who["found_by"] = "tables touched (the states around this load were pruned)"
        for k in found:
            blame.setdefault(k, []).append(who)
    return blame


def _number(value):
    return int(value) if float(value).is_integer() else round(value, 2)


def prune(store: Store, keep_days: float, user: str | None = None, now: float | None = None) -> dict:
    """Delete stored states older than keep_days, keeping the newest and every edition's; record it.

    Deletes first and records after, crash-safely, so that it frees space on a full disk too (see
    alliance/retention.py). Returns {"deleted": [snapshot names], "unrollbackable": [ids of loads that can
    no longer be rolled back], "load_id": the history record's id, ...}. Nothing to delete writes nothing.
    """
    from alliance import retention

    return retention.prune(store, keep_days, user, now)


def permalink(name: str, base: str | None = None) -> str:
    """The address that opens the dashboard on an edition: base (else $ALLIANCE_PUBLIC_URL) + /?edition=NAME.

    With neither, the address relative to the dashboard's own (/?edition=NAME), good only for a link followed
    inside it: never a guessed host such as localhost. A report or a terminal gives a link only when it is a
    whole address (it holds "://"), else it cites the edition by name.
    """
    from urllib.parse import quote

    base = (base or os.environ.get("ALLIANCE_PUBLIC_URL") or "").strip().rstrip("/")
    return f"{base}/?edition={quote(name)}"


# Breakdowns of the summary's figures, each a format for the code that ends its path (the KPIs' own figures, and
# their breakdowns by region, are named by data/kpis.csv).
_BREAKDOWNS = {
    "eois.by_status": "EoIs with status {}",
    "centers.by_type": "Centers of type {} (as at the as-of date)",
    "events.participants_stated": "Events recording their participants",
    "events.trained_stated": "Events recording people trained or certified",
    "activities.by_initiative": "Activities under {}",
}


def label(kpi: str) -> str:
    """A figure's dotted path in words: 'eois.by_region.AFR' -> 'EoIs received, Africa'."""
    from alliance.kpis import CAPABILITY_NAMES, by_figure, region_names

    parts = kpi.split(".")
    if kpi in by_figure():
        return _named(by_figure()[kpi])
    if parts[0] == "capabilities" and len(parts) == 3:
        what = "EoIs listing" if parts[2] == "eois" else "Centers offering"
        return f"{what} {CAPABILITY_NAMES.get(parts[1], parts[1])}" + (" (as at the as-of date)" if parts[2] == "centers" else "")
    head, tail = ".".join(parts[:2]), ".".join(parts[2:])
    total = by_figure().get(f"{parts[0]}.total")
    if parts[1:2] == ["by_region"] and total and tail:
        return _named(total, region_names().get(tail, tail))
    if head in _BREAKDOWNS and (tail or "{}" not in _BREAKDOWNS[head]):
        return _BREAKDOWNS[head].format(tail.replace("_", " "))
    return kpi


def _named(kpi: dict, region: str | None = None) -> str:
    """A KPI's name, for a region; money says its currency and a stock says that it is a state at the as-of date."""
    return (
        kpi["name"]
        + (f", {region}" if region else "")
        + (f" ({kpi['unit']})" if kpi["unit"] == "USD" else "")
        + (" (as at the as-of date)" if kpi["stock"] else "")
    )
