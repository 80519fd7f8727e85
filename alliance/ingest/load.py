"""Load a file into the store: read it (alliance.ingest.read), validate it (alliance.ingest.validate), apply it
(alliance.ingest.apply). Also the built-in and demo data, which are held in memory and skip the reading."""

import contextvars
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from alliance.builtin import builtin_sheets, demo_raw
from alliance.ingest.apply import LoadResult, apply, gc_paused
from alliance.ingest.limits import MAX_ROWS
from alliance.ingest.problems import Rejected, visible
from alliance.ingest.read import is_workbook, read_upload
from alliance.ingest.sheets import RawSheet
from alliance.ingest.validate import Validation, validate
from alliance.reference import load_reference
from alliance.store import Store


def check(
    store: Store,
    path: str | os.PathLike,
    name: str | None = None,
    max_mb: float | None = None,
    replace: bool = False,
    keep_file_values: bool = False,
    max_rows: int = MAX_ROWS,
) -> Validation:
    """Read and validate a file against the store's reference data; write nothing.

    keep_file_values keeps what the file held beside each converted value, for a preview. A sheet may hold
    `max_rows` rows of data below its header (MAX_ROWS; smaller in tests).
    """
    path = Path(path)
    name = visible(name or path.name)  # a file name is text from outside: no control character
    # The file is read in the reading process (alliance.ingest.read) while the store's reference data is read here.
    with gc_paused(), ThreadPoolExecutor(max_workers=1) as pool:
        # In the language spoken here (a thread starts with none of this one's context): its refusals are said in it.
        reading = pool.submit(contextvars.copy_context().run, read_upload, path, name, max_mb, max_rows)
        store.ensure()
        snapshot = store.current()
        con = duckdb.connect(str(snapshot), read_only=True)
        try:
            ref = load_reference(con)
        finally:
            con.close()
        raw = reading.result()
        validation = validate(
            raw,
            ref,
            csv_file=len(raw) == 1 and raw[0].name == Path(name).stem and not is_workbook(path),
            replace=replace,
            keep_file_values=keep_file_values,
            max_rows=max_rows,
        )
    validation.snapshot = str(snapshot)
    return validation


def sha256_of(path: Path) -> str:
    """The file's SHA-256, recorded with its load."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_file(
    store: Store,
    path: str | os.PathLike,
    name: str | None = None,
    replace: bool = False,
    user: str | None = None,
    max_mb: float | None = None,
    max_rows: int = MAX_ROWS,
) -> LoadResult:
    """Load an upload file; raise Rejected (writing nothing) when any problem is found."""
    path = Path(path)
    name = name or path.name
    # One pause for the whole load: the rows are freed before the collector runs again, so it
    # never rescans them.
    # The file's digest is taken while it is read (hashlib lets go of the interpreter's lock).
    with gc_paused(), ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(sha256_of, path)
        validation = check(store, path, name, max_mb, replace, max_rows=max_rows)
        if validation.problems:
            raise Rejected(name, validation.problems)
        result = apply(store, validation, name, digest.result(), replace=replace, user=user)
        del validation
    return result


def load_raw(store: Store, raw: list[RawSheet], name: str, kind: str, demo: bool = False, user: str | None = None) -> LoadResult:
    """Load sheets already in memory (the built-in and demo data) through the same validation."""
    store.ensure()
    con = store.connect()
    try:
        ref = load_reference(con)
    finally:
        con.close()
    validation = validate(raw, ref, csv_file=True)
    if validation.problems:
        raise Rejected(name, validation.problems)
    return apply(store, validation, name, "", replace=False, user=user or "system", kind=kind, demo=demo)


def seed(store: Store, demo: bool = True) -> list[LoadResult]:
    """Load the built-in records, then (unless told not to) the demo set, as two recorded loads."""
    results = [load_raw(store, builtin_sheets(), "built-in data (seed documents, data/builtin)", kind="builtin")]
    if demo:
        results.append(load_raw(store, demo_raw(), "demo data (alliance/demo.py)", kind="demo", demo=True))
    return results
