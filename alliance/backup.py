"""Backup and restore: a whole store (its stored states, history, editions and checksums) as one file.

A backup is a gzipped tar holding MANIFEST.json (which state is current, each file's SHA-256 and size),
the stored states under states/ with their checksum sidecars, and the editions' checksums under
editions/. The history and the editions live inside the states (the loads and editions tables).
States are never written again, so they are copied without the writer lock: the lock is held only
while the list of files is read and the files are opened, so a prune running meanwhile cannot take one
away. Every file is checked against its recorded checksum on the way in and on the way out; a
backup is written to a temporary name and renamed when complete, and a restore builds the new store
in a temporary folder, so a failure or a kill writes nothing under the final names.
"""

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import time
import zlib
from datetime import datetime
from pathlib import Path

import duckdb

from alliance import AllianceError, integrity
from alliance.store import Store, fsync_dir

FORMAT = "alliance-backup"
VERSION = 1
_STATE = re.compile(r"^snap-\d{6}\.duckdb$")
_RECORD = re.compile(r"^[a-z0-9][a-z0-9 ._-]{0,59}\.sha256$")


class _Hashing(io.RawIOBase):
    """A reader that hashes what passes through it."""

    def __init__(self, handle):
        self.handle, self.sha256, self.size = handle, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        chunk = self.handle.read(n)
        self.sha256.update(chunk)
        self.size += len(chunk)
        return chunk


def backup(store: Store, out: str | os.PathLike, only_needed: bool = False) -> dict:
    """Write the store to one file; return its manifest. Refused (nothing written) when a state or an
    edition no longer matches its checksum.

    Every kept state goes in, so the restored store can roll back what this one can; only_needed keeps the
    current state and the editions' (the restored history then says which loads can no longer be rolled back).
    """
    out = Path(out)
    if not store.exists():
        raise AllianceError(f"No store at {store.path} to back up.")
    handles, records = {}, {}
    try:
        with store.lock():  # a consistent list: no write or prune runs while the names are read and opened
            current = store.current()
            if not store.path.is_symlink():
                raise AllianceError(
                    f"The store at {store.path} is a single file made by an older version: open it once with this "
                    f"version (`python -m alliance init --db {store.path}`), then back it up."
                )
            editions = _editions(current)
            needed = {current.name} | {e["snapshot"] for e in editions if e["snapshot"]}
            names = sorted(p.name for p in store.snapshots.glob("snap-*.duckdb") if not only_needed or p.name in needed)
            for name in names:
                try:
                    handles[name] = open(store.snapshots / name, "rb")  # kept readable even if pruned meanwhile
                except FileNotFoundError:
                    continue
                sidecar = integrity.read_record(integrity.sidecar(store.snapshots / name))
                records[f"states/{name}{integrity.SUFFIX}"] = sidecar
            for e in editions:
                record = integrity.edition_record(store.snapshots, e["name"])
                found = integrity.read_record(record)
                if found is not None:
                    records[f"editions/{record.name}"] = found
        missing = sorted(needed - set(handles))
        if missing:
            raise AllianceError(f"The stored state(s) {', '.join(missing)} of the store are missing, so no backup was written.")
        return _write(out, current.name, editions, handles, records)
    finally:
        for handle in handles.values():
            handle.close()


def _editions(state: Path) -> list[dict]:
    con = duckdb.connect(str(state), read_only=True)
    try:
        return integrity.listed_editions(con)
    finally:
        con.close()


def _write(out: Path, current: str, editions: list[dict], handles: dict, records: dict) -> dict:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    files, problems = [], []
    try:
        with open(partial, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
                for name, handle in handles.items():
                    info = tarfile.TarInfo(f"states/{name}")
                    info.size, info.mode, info.mtime = os.fstat(handle.fileno()).st_size, 0o444, int(time.time())
                    reader = _Hashing(handle)
                    tar.addfile(info, reader)
                    sha256 = reader.sha256.hexdigest()
                    recorded = records.get(f"states/{name}{integrity.SUFFIX}")
                    if recorded is not None and recorded != (sha256, name):
                        problems.append(f"stored state {name} does not match its checksum")
                    files.append({"name": f"states/{name}", "sha256": sha256, "size": reader.size})
                for e in editions:
                    record = records.get(f"editions/{integrity.edition_record(Path(), e['name']).name}")
                    state = next((f for f in files if f["name"] == f"states/{e['snapshot']}"), None)
                    if record is not None and state is not None and record != (state["sha256"], e["snapshot"]):
                        problems.append(f"edition {e['name']} (stored state {e['snapshot']}) does not match its checksum")
                if problems:
                    raise AllianceError(
                        "No backup was written: " + "; ".join(problems) + ". `python -m alliance verify` lists every mismatch; "
                        "restore those files from an earlier backup first."
                    )
                for member, record in sorted(records.items()):
                    if record is None:
                        continue  # a state made before checksums: its checksum is in the manifest only
                    data = f"{record[0]}  {record[1]}\n".encode()
                    files.append({"name": member, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
                    _add_bytes(tar, member, data)
                manifest = {
                    "format": FORMAT,
                    "version": VERSION,
                    "made_at": datetime.now().replace(microsecond=0).isoformat(),
                    "current": current,
                    "editions": editions,
                    "files": files,
                }
                _add_bytes(tar, "MANIFEST.json", json.dumps(manifest, indent=2).encode())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, out)
        fsync_dir(out.parent)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o444, int(time.time())
    tar.addfile(info, io.BytesIO(data))


def restore(source: str | os.PathLike, store: Store) -> dict:
    """Make a new store at store.path from a backup; return its manifest. Refused, writing nothing, when a
    store is there already or the backup is damaged (a file missing, or not matching its checksum)."""
    source = Path(source)
    if store.exists() or store.snapshots.exists():
        raise AllianceError(
            f"There is a store at {store.path} already: restore makes a new store and never overwrites one. "
            "Give another --db, or move that store away first."
        )
    if not source.is_file():
        raise AllianceError(f"No backup file at {source}.")
    store.path.parent.mkdir(parents=True, exist_ok=True)
    staging = store.path.with_name(f".{store.path.name}.restore-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        manifest = _extract(source, staging)
        for path in staging.rglob("*"):
            if path.is_file():
                os.chmod(path, integrity.READ_ONLY)
                with open(path, "rb") as handle:
                    os.fsync(handle.fileno())
        for folder in (staging / "editions", staging):
            if folder.is_dir():
                fsync_dir(folder)
        if store.exists() or store.snapshots.exists():
            raise AllianceError(f"A store appeared at {store.path} while restoring: nothing was written.")
        os.rename(staging, store.snapshots)
        try:
            os.symlink(os.path.relpath(store.snapshots / manifest["current"], store.path.parent), store.path)
        except FileExistsError:
            shutil.rmtree(store.snapshots, ignore_errors=True)
            raise AllianceError(f"A store appeared at {store.path} while restoring: nothing was written.") from None
        fsync_dir(store.path.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _damaged(source: Path, why: str) -> AllianceError:
    return AllianceError(f"The backup {source} is damaged ({why}), so nothing was restored.")


def _extract(source: Path, staging: Path) -> dict:
    """Unpack a backup into staging, checking every file against the manifest; return the manifest."""
    try:
        with tarfile.open(source, mode="r:*") as tar:
            members = {m.name: m for m in tar.getmembers()}
            if "MANIFEST.json" not in members:
                raise _damaged(
                    source, "its manifest is missing: it is cut short, or not a file made by `python -m alliance backup`"
                )
            manifest = json.loads(tar.extractfile(members["MANIFEST.json"]).read())
            if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
                raise _damaged(source, "it is not a backup of this kind, or of a newer version")
            listed = {f["name"]: f for f in manifest["files"]}
            if f"states/{manifest['current']}" not in listed:
                raise _damaged(source, "its current state is not in it")
            for name, entry in listed.items():
                folder, _, base = name.partition("/")
                if not (
                    folder == "states" and (_STATE.match(base) or _STATE.match(base.removesuffix(integrity.SUFFIX)))
                ) and not (folder == "editions" and _RECORD.match(base)):
                    raise _damaged(source, f"it lists an unexpected file {name[:80]!r}")
                member = members.get(name)
                if member is None or not member.isfile():
                    raise _damaged(source, f"{name} is missing")
                target = staging / base if folder == "states" else staging / "editions" / base
                target.parent.mkdir(exist_ok=True)
                hasher = hashlib.sha256()
                with tar.extractfile(member) as reader, open(target, "wb") as writer:
                    while chunk := reader.read(1 << 20):
                        hasher.update(chunk)
                        writer.write(chunk)
                if hasher.hexdigest() != entry["sha256"]:
                    raise _damaged(source, f"{name} does not match its checksum")
            for name in listed:  # each state's own sidecar, where the backup holds one, names its checksum
                if name.endswith(integrity.SUFFIX) and name.startswith("states/"):
                    record = integrity.read_record(staging / name.removeprefix("states/"))
                    state = listed.get(name.removesuffix(integrity.SUFFIX))
                    if state is None or record != (state["sha256"], Path(state["name"]).name):
                        raise _damaged(source, f"{name} does not match the state it names")
            for edition in manifest.get("editions", []):
                record = integrity.read_record(integrity.edition_record(staging, edition["name"]))
                state = listed.get(f"states/{edition['snapshot']}")
                if record is not None and (state is None or record != (state["sha256"], edition["snapshot"])):
                    raise _damaged(source, f"the edition {edition['name']} does not match its checksum")
            return manifest
    except AllianceError:
        raise
    except OSError as error:
        if error.errno is not None and not isinstance(error, gzip.BadGzipFile):
            raise  # the disk or the folder, not the backup: said as such by the command line
        raise _damaged(source, f"{type(error).__name__}: {str(error)[:200]}") from None
    except (tarfile.TarError, EOFError, zlib.error, ValueError, KeyError, TypeError, AttributeError) as error:
        raise _damaged(source, f"{type(error).__name__}: {str(error)[:200]}") from None
