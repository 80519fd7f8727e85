"""Checksums of stored states: recorded when a state is written and when an edition is approved, checked
before an edition is read.

A stored state `<db>.d/snap-NNNNNN.duckdb` gets a sidecar `snap-NNNNNN.duckdb.sha256` (the line
`sha256sum` writes, so `sha256sum -c` checks it too), written and made durable before the store's
pointer names the state; both are then read-only (0444). Approving an edition records its state's
checksum again in `<db>.d/editions/<name, casefolded>.sha256`, so that an edition keeps its own word
whatever happens to the state's sidecar. An edition whose state no longer matches is refused by name:
no figure is shown under its name. A state or edition made before checksums existed has no record; it
is reported as "not recorded" and read, never blessed on sight (a tampered file would be blessed too),
except at the first write this version makes to a store made before checksums (its upgrade), which
records each edition's checksum as its state then is.

A checksum is a guard against files changed by mistake or by hand (renamed over, copied over,
restored wrongly), not a signature: whoever may write the folder may rewrite the records too.
"""

import hashlib
import os
import re
import stat
from pathlib import Path

import duckdb

from alliance import AllianceError

SUFFIX = ".sha256"
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH  # 0444
_HEX = re.compile(r"^[0-9a-f]{64}$")
# (path, size, mtime_ns, ctime_ns, inode) -> sha256: a state is hashed once per process while its file is the same
# file (renaming another file over it changes the inode; writing to it, the times). Hashing 9 MB takes ~20 ms.
_digests: dict[tuple, str] = {}

OK, MISMATCH, UNRECORDED, MISSING = "ok", "mismatch", "not recorded", "missing"


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable before anything depends on it (the store, checksums, backup and prune)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Tampered(AllianceError):
    """An edition whose stored state no longer matches the checksum recorded for it."""

    def __init__(self, message: str, edition: str):
        super().__init__(message)
        self.edition = edition


def digest(path: Path) -> str:
    """The file's SHA-256 (hex), computed once per process for the same file."""
    info = os.stat(path)
    key = (str(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    found = _digests.get(key)
    if found is None:
        hasher = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                hasher.update(chunk)
        found = _digests[key] = hasher.hexdigest()
        if len(_digests) > 256:  # a long-running server: forget the oldest
            del _digests[next(iter(_digests))]
    return found


def sidecar(path: Path) -> Path:
    """Where a stored state's checksum is kept: beside it."""
    return path.with_name(path.name + SUFFIX)


def edition_record(snapshots: Path, name: str) -> Path:
    """Where an edition's checksum is kept (names are unique whatever their case)."""
    return snapshots / "editions" / f"{name.strip().casefold()}{SUFFIX}"


def read_record(path: Path) -> tuple[str, str] | None:
    """(sha256, file name) of a checksum file, None when there is none; a damaged one reads as ("", "")."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return ("", "")
    parts = text.strip().split(maxsplit=1)
    if len(parts) != 2 or not _HEX.match(parts[0]):
        return ("", "")
    return parts[0], parts[1].lstrip("*")


def write_record(path: Path, sha256: str, file_name: str) -> None:
    """Write a checksum file durably (a temporary file renamed over it), read-only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(f"{sha256}  {file_name}\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, READ_ONLY)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)


def seal(tmp: Path, final: Path, current: Path | None) -> None:
    """Before a finished state is published as `final`: make it read-only and record its checksum beside
    its final name. `current` is the state the store names now (None for a new store): when it has no
    checksum, the store was made before checksums and this is its first write by this version (its
    upgrade), so each edition's checksum is recorded as its state is now."""
    os.chmod(tmp, READ_ONLY)
    write_record(sidecar(final), digest(tmp), final.name)
    if current is not None and current.exists() and not sidecar(current).exists():
        record_unrecorded_editions(final.parent, tmp)


def record_unrecorded_editions(snapshots: Path, state: Path) -> list[str]:
    """Record the checksum of every edition listed in `state` that has none (see seal); return their names."""
    con = duckdb.connect(str(state), read_only=True)
    try:
        listed = listed_editions(con)
    finally:
        con.close()
    recorded = []
    for name, snapshot in ((e["name"], e["snapshot"]) for e in listed):
        path = snapshots / snapshot
        if snapshot and path.exists() and read_record(edition_record(snapshots, name)) is None:
            write_record(edition_record(snapshots, name), digest(path), snapshot)
            recorded.append(name)
    return recorded


def check_state(path: Path) -> tuple[str, str | None, str | None]:
    """(verdict, recorded sha256, actual sha256) of one stored state against its sidecar."""
    if not path.exists():
        return MISSING, None, None
    record = read_record(sidecar(path))
    if record is None:
        return UNRECORDED, None, None
    actual = digest(path)
    return (OK if record == (actual, path.name) else MISMATCH), record[0], actual


def check_edition(snapshots: Path, edition: dict) -> tuple[str, str | None, str | None]:
    """(verdict, recorded sha256, actual sha256) of an edition's stored state: against the checksum recorded
    at its approval, else (a draft) against its state's own."""
    path = snapshots / (edition.get("snapshot") or "")
    record = read_record(edition_record(snapshots, edition["name"]))
    if record is None:
        return check_state(path)
    if not edition.get("snapshot") or not path.exists():
        return MISSING, record[0], None
    actual = digest(path)
    return (OK if record == (actual, path.name) else MISMATCH), record[0], actual


def ensure_edition(snapshots: Path, edition: dict) -> None:
    """Refuse, naming it, an edition whose stored state no longer matches its checksum (a missing state is
    left to whoever reads it: its frozen figures are kept in the store itself)."""
    verdict, recorded, actual = check_edition(snapshots, edition)
    if verdict == MISMATCH:
        what = "approved" if edition.get("status") == "published" else "prepared"
        raise Tampered(
            f"The edition {edition['name']!r} is refused: its stored state ({edition['snapshot']}) no longer matches the "
            f"checksum recorded when it was {what} (recorded {(recorded or '?')[:12]}..., now {(actual or '?')[:12]}...), "
            "so its figures cannot be vouched for. Restore that file from a backup; `python -m alliance verify` lists "
            "every state that changed.",
            edition["name"],
        )


def approving(snapshots: Path, edition: dict) -> str:
    """Check an edition's state before its approval and return the checksum to record (see record_edition)."""
    ensure_edition(snapshots, edition)
    path = snapshots / edition["snapshot"]
    return digest(path)


def record_edition(snapshots: Path, name: str, snapshot: str, sha256: str) -> None:
    """Record an edition's checksum at its approval."""
    write_record(edition_record(snapshots, name), sha256, snapshot)


def verify(store) -> list[dict]:
    """Check every kept state and every edition; one dict per item: {"kind", "name", "state", "verdict",
    "recorded", "actual"} (kind "state" or "edition")."""
    results = []
    for path in sorted(store.snapshots.glob("snap-*.duckdb")):
        verdict, recorded, actual = check_state(path)
        results.append(
            {"kind": "state", "name": path.name, "state": path.name, "verdict": verdict, "recorded": recorded, "actual": actual}
        )
    for edition in _editions(store):
        verdict, recorded, actual = check_edition(store.snapshots, edition)
        results.append(
            {
                "kind": "edition",
                "name": edition["name"],
                "state": edition["snapshot"],
                "verdict": verdict,
                "recorded": recorded,
                "actual": actual,
            }
        )
    return results


def _editions(store) -> list[dict]:
    con = store.connect()
    try:
        return listed_editions(con)
    finally:
        con.close()


def listed_editions(con) -> list[dict]:
    """The editions a stored state lists, in the order they were prepared: name, snapshot and status."""
    try:
        rows = con.execute("select name, snapshot, status from editions order by prepared_seq").fetchall()
    except duckdb.CatalogException:  # a store older than editions
        rows = []
    return [{"name": name, "snapshot": snapshot, "status": status} for name, snapshot, status in rows]


def describe(item: dict) -> str:
    """One line for a person about one verified item."""
    what = f"stored state {item['name']}" if item["kind"] == "state" else f"edition {item['name']} (stored state {item['state']})"
    if item["verdict"] == MISMATCH:
        recorded = "the recorded checksum is damaged" if not item["recorded"] else f"recorded {item['recorded'][:12]}..."
        return f"{what}: does not match its checksum ({recorded}, now {(item['actual'] or '?')[:12]}...)"
    if item["verdict"] == MISSING:
        return f"{what}: the file is missing"
    if item["verdict"] == UNRECORDED:
        return f"{what}: not recorded (made before checksums)"
    return f"{what}: matches"


def failed(item: dict) -> bool:
    """Whether a verified item is a problem: a mismatch, or an edition whose state is gone."""
    return item["verdict"] == MISMATCH or (item["verdict"] == MISSING and item["kind"] == "edition")
