"""Retention: deleting stored states no longer needed, crash-safely, on a full disk too.

A prune deletes before it records: the record lives in a new state, a copy of the whole store, which a
full disk has no room for until something is freed. So that a kill at any moment leaves either every
state or the pruned set, and the history says which, a prune first writes its plan where writing needs
no free space, in names of empty files in the snapshot folder: one per state to delete
(`.prune-<id>.state.snap-000001.duckdb`), then one that commits the plan and carries its start, cutoff
and user (`.prune-<id>.plan.<ns>.<cutoff>.<user, base64>`). Only then are the states deleted, and then
the prune is recorded in a new state (its `sha256` column holds the plan's digest, so it is recorded
once). A plan found committed and unrecorded is finished by the next prune or history listing: its
states still there are deleted and the prune recorded, marked as interrupted. The markers of a plan
never committed are removed and its states left alone.
"""

import base64
import errno
import hashlib
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from alliance import AllianceError
from alliance.history import ROLLBACK_KINDS, _record
from alliance.store import Store, fsync_dir
from alliance.who import current_user
from alliance.words import stamp

_PREFIX = ".prune-"
_USER_BYTES = 120  # base64 makes it 160 characters, with the rest of the plan's file name under 255
_DATA_KINDS_SQL = ", ".join(f"'{k}'" for k in ROLLBACK_KINDS)


@dataclass
class Plan:
    """States a prune deletes, and who asked for it with which cutoff."""

    names: list[str]
    cutoff_ns: int  # since the epoch: states last written before it are old
    user: str
    started_ns: int = field(default_factory=time.time_ns)
    token: str = ""  # names the plan's files and, as the start of its digest, its record

    def __post_init__(self):
        self.token = self.token or self.digest[:16]

    @property
    def digest(self) -> str:
        text = "\n".join([f"prune {self.started_ns} {self.cutoff_ns} {self.user}", *sorted(self.names)])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prune(store: Store, keep_days: float, user: str | None = None, now: float | None = None) -> dict:
    """Delete stored states older than keep_days, keeping the newest and every edition's; then record it.

    Returns {"deleted": snapshot names, "unrollbackable": ids of loads that can no longer be rolled back,
    "load_id": the record's id (None when not recorded), "recorded": whether the history says so now,
    "freed_bytes": space given back, "finished": earlier prunes interrupted and finished now}. Nothing to
    delete writes nothing.
    """
    if keep_days < 0:
        raise AllianceError("--keep-days must be 0 or more.")
    cutoff_ns = int(((time.time() if now is None else now) - keep_days * 86400) * 1e9)
    user = user or current_user()
    store.ensure()
    with _lock(store):
        freed = _finish_plans(store)
        plan = _plan(store, cutoff_ns, user)
        if plan:
            _commit(store, plan)
            freed += _delete(store, plan.names)
    result = {"deleted": sorted(plan.names) if plan else [], "unrollbackable": [], "load_id": None}
    result.update(recorded=True, freed_bytes=freed, finished=[], error=None)
    recorded = _record_plans(store, result, own=plan.token if plan else None)
    for entry in recorded:
        if plan and entry["token"] == plan.token:
            result["load_id"], result["unrollbackable"] = entry["load_id"], entry["unrollbackable"]
        elif entry["load_id"] is not None:
            result["finished"].append(entry)
    return result


def finish(store: Store) -> dict:
    """Finish and record any prune a kill or a full disk interrupted (as the next prune would)."""
    if not store.snapshots.is_dir() or not any(store.snapshots.glob(_PREFIX + "*")):
        return {"finished": [], "recorded": True, "error": None, "freed_bytes": 0}
    with _lock(store):
        freed = _finish_plans(store)
    result = {"finished": [], "recorded": True, "error": None, "freed_bytes": freed}
    result["finished"] = [e for e in _record_plans(store, result) if e["load_id"] is not None]
    return result


def _plan(store: Store, cutoff_ns: int, user: str) -> Plan | None:
    """The states older than the cutoff that neither the current state nor an edition needs (read-only)."""
    current = store.current()
    con = duckdb.connect(str(current), read_only=True)
    try:
        editions = {s for (s,) in con.execute("select snapshot from editions").fetchall()}
    finally:
        con.close()
    kept = {current.name} | editions
    names = sorted(p.name for p in store.snapshots.glob("snap-*.duckdb") if p.name not in kept and _mtime_ns(p) < cutoff_ns)
    # The user is kept in a file name (255 bytes at most): a longer name is cut, the same way here and when read.
    user = user.encode("utf-8")[:_USER_BYTES].decode("utf-8", "ignore")
    return Plan(names, cutoff_ns, user) if names else None


def _mtime_ns(path: Path) -> float:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return float("inf")  # gone meanwhile: nothing to delete


def _commit(store: Store, plan: Plan) -> None:
    """Write the plan as empty files (no free space needed), committed by the last one."""
    folder = store.snapshots
    for name in plan.names:
        _touch(folder / f"{_PREFIX}{plan.token}.state.{name}")
    fsync_dir(folder)
    _step("planned")
    who = base64.urlsafe_b64encode(plan.user.encode("utf-8")).decode("ascii")
    _touch(folder / f"{_PREFIX}{plan.token}.plan.{plan.started_ns}.{plan.cutoff_ns}.{who}")
    fsync_dir(folder)
    _step("committed")


def _plans(store: Store) -> tuple[list[Plan], set[str]]:
    """The committed plans found in the snapshot folder, and the tokens of plans never committed."""
    states: dict[str, list[str]] = {}
    heads: dict[str, tuple[int, int, str]] = {}
    for path in store.snapshots.glob(_PREFIX + "*"):
        token, _, rest = path.name[len(_PREFIX) :].partition(".")
        kind, _, rest = rest.partition(".")
        if kind == "state":
            states.setdefault(token, []).append(rest)
        elif kind == "plan":
            started, cutoff, who = (rest.split(".", 2) + ["", "", ""])[:3]
            try:
                user = base64.urlsafe_b64decode(who + "=" * (-len(who) % 4)).decode("utf-8", "replace")
                heads[token] = (int(started), int(cutoff), user)
            except ValueError:
                continue  # not a plan this code wrote
    committed = [Plan(sorted(states.get(t, [])), c, u, s, t) for t, (s, c, u) in heads.items()]
    return sorted(committed, key=lambda p: p.started_ns), set(states) - set(heads)


def _finish_plans(store: Store) -> int:
    """Delete what committed plans left (they were interrupted); drop the markers of uncommitted ones."""
    committed, abandoned = _plans(store)
    for token in abandoned:  # killed before its plan was complete: nothing was deleted
        for path in store.snapshots.glob(f"{_PREFIX}{token}.state.*"):
            path.unlink(missing_ok=True)
    freed = 0
    if committed:
        kept = _needed(store)
        for plan in committed:
            freed += _delete(store, [n for n in plan.names if n not in kept])
    return freed


def _needed(store: Store) -> set[str]:
    """The states that must never be deleted, read again: the current one and every edition's."""
    current = store.current()
    con = duckdb.connect(str(current), read_only=True)
    try:
        return {current.name} | {s for (s,) in con.execute("select snapshot from editions").fetchall()}
    finally:
        con.close()


def _delete(store: Store, names: list[str]) -> int:
    """Delete states with their checksums and upgraded copies; return the bytes freed."""
    freed = 0
    for name in names:
        state = store.snapshots / name
        for path in [state, *store.snapshots.glob(f"{name}.*"), *(store.snapshots / ".upgraded").glob(f"{state.stem}-*")]:
            try:
                size = path.stat().st_size
                path.unlink()
                freed += size
            except FileNotFoundError:
                pass
        _step(f"deleted {name}")
    fsync_dir(store.snapshots)
    return freed


def _record_plans(store: Store, result: dict, own: str | None = None) -> list[dict]:
    """Record every committed plan the history lacks, in one new state; then remove their markers.

    `own` is the token of the plan this process has just carried out; any other was interrupted. On a
    disk still too full for the new state, records nothing and says so in result.
    """
    committed, _ = _plans(store)
    if not committed:
        return []
    entries = []
    try:
        with store.write() as con:
            for plan in committed:
                entry = {"token": plan.token, "deleted": plan.names, "load_id": None, "unrollbackable": []}
                entries.append(entry)
                found = con.execute(
                    "select load_id from loads where kind = 'prune' and starts_with(sha256, ?)", [plan.token]
                ).fetchall()
                if found:
                    continue  # recorded before its markers could be removed
                entry["load_id"], entry["unrollbackable"] = _record_plan(con, store, plan, plan.token != own)
            if all(e["load_id"] is None for e in entries):
                raise _Unchanged()
            _step("recording")
    except _Unchanged:
        pass
    except (OSError, duckdb.IOException) as error:
        if not _disk_full(error):
            raise
        result["recorded"] = False
        result["error"] = "the disk is still too full to write the record"
        return []
    _step("recorded")
    for plan in committed:  # the plan first: states' markers left alone are an abandoned plan's
        for path in store.snapshots.glob(f"{_PREFIX}{plan.token}.plan.*"):
            path.unlink(missing_ok=True)
        for path in store.snapshots.glob(f"{_PREFIX}{plan.token}.state.*"):
            path.unlink(missing_ok=True)
    return entries


def _disk_full(error: Exception) -> bool:
    if isinstance(error, OSError):
        return error.errno == errno.ENOSPC
    return "no space left on device" in str(error).lower()


def _record_plan(con, store: Store, plan: Plan, interrupted: bool) -> tuple[int, list[int]]:
    """Write a plan's history row; return its load id and the loads it leaves without a state before them."""
    names = set(plan.names)
    lost = [
        load_id
        for load_id, before in con.execute(
            f"select load_id, snapshot_before from loads where kind in ({_DATA_KINDS_SQL}) order by load_id"
        ).fetchall()
        if before in names
    ]
    load_id = con.execute("select coalesce(max(load_id), 0) + 1 from loads").fetchall()[0][0]
    cut = stamp(datetime.fromtimestamp(plan.cutoff_ns / 1e9).replace(microsecond=0))
    text = f"{len(names)} stored state{'s' if len(names) != 1 else ''} from before {cut} deleted"
    if interrupted:
        started = stamp(datetime.fromtimestamp(plan.started_ns / 1e9).replace(microsecond=0))
        text += f" (a prune started at {started} and interrupted, finished later)"
    _record(con, store, load_id, "prune", text, plan.user, [])
    note = "states deleted: " + ", ".join(sorted(names))
    if lost:
        note += "; loads that can no longer be rolled back: " + ", ".join(map(str, lost))
    digest = plan.digest if plan.digest.startswith(plan.token) else plan.token  # a plan's files changed by hand
    con.execute("update loads set sha256 = ?, note = ? where load_id = ?", [digest, note[:4000], load_id])
    return load_id, lost


class _Unchanged(Exception):
    """Raised inside a write to leave the store as it was."""


def _lock(store: Store):
    """The store's writer lock (it holds on a full disk too)."""
    return store.lock()


def _touch(path: Path) -> None:
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o644))


def _step(name: str) -> None:
    """For crash tests: with $ALLIANCE_PRUNE_PAUSE_AT naming a step (or its first word), say so on standard
    error and wait there, to be killed."""
    at = os.environ.get("ALLIANCE_PRUNE_PAUSE_AT")
    if at and (name == at or name.split()[0] == at):
        print(f"prune paused at: {name}", file=sys.stderr, flush=True)
        time.sleep(60)
