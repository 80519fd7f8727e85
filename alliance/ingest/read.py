"""Read an upload safely: refuse what is plainly not one, then read it in a process that cannot take us down.

What can be refused from the file's first bytes is refused here: its size, and its kind by content (not by
name). Everything else is read by alliance.ingest.child in a fresh Python process that limits its own address
space (ALLIANCE_PARSE_MAX_MB, 512 MB) and CPU time, and is ended after ALLIANCE_PARSE_MAX_SECONDS (10 s):
whatever a parser does with a hostile file, the caller gets a refusal in plain words and keeps running. The
child writes each sheet's cells as Arrow files in a temporary folder and exits; they are opened here, mapped
into memory, and the folder is removed.

A fresh interpreter rather than fork: forking a server that runs threads (Streamlit) is unsafe. A process that
reads again and again keeps the next one started (see _keep_spare).
"""

import atexit
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc

from alliance import ROOT
from alliance.ingest.child import MANIFEST
from alliance.ingest.limits import MAX_FILE_MB, MAX_ROWS, FileRefused, max_mb, max_seconds
from alliance.ingest.sheets import RawSheet
from alliance.schema import sheet_keys

TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ""}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# The package is found from ROOT whatever the caller's path settings (-P, PYTHONSAFEPATH).
_CHILD = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from alliance.ingest.child import main; main()"


def read_upload(
    path: str | os.PathLike, name: str | None = None, max_mb: float | None = None, max_rows: int = MAX_ROWS
) -> list[RawSheet]:
    """Read an .xlsx workbook or a .csv file into raw sheets, refusing what is unsafe (FileRefused).

    `max_rows` (rows of data a sheet may hold, MAX_ROWS) is a parameter so that tests can reach it with small files.
    """
    path = Path(path)
    name = name or path.name
    max_mb = MAX_FILE_MB if max_mb is None else max_mb
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileRefused(f"{name}: cannot be opened ({exc.strerror}).") from None
    if size > max_mb * 1024 * 1024:
        raise FileRefused(f"{name}: the file is {size / 1048576:.1f} MB; the limit is {max_mb:g} MB.")
    if size == 0:
        raise FileRefused(f"{name}: the file is empty.")
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(ZIP_MAGIC):
        return read_in_child(path, name, "xlsx", max_rows)
    if head.startswith(OLE2_MAGIC):
        raise FileRefused(_ole2_message(path, name))
    if Path(name).suffix.lower() not in TEXT_SUFFIXES:
        raise FileRefused(
            f"{name}: this is not an .xlsx workbook or a .csv file (its content is neither); "
            "upload the register as .xlsx, or one sheet as .csv."
        )
    return read_in_child(path, name, "csv", max_rows)


def is_workbook(path: Path) -> bool:
    """Whether the file is a zip archive (an .xlsx workbook), by its content."""
    with open(path, "rb") as handle:
        return handle.read(4) == ZIP_MAGIC


def _ole2_message(path: Path, name: str) -> str:
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data:
        return f"{name}: the workbook is password protected. Remove the password in Excel and upload it again."
    return (
        f"{name}: this is an Excel 97-2003 (.xls) workbook, which is not accepted. "
        "Open it in Excel or LibreOffice and save it as .xlsx."
    )


def read_in_child(path: Path, name: str, kind: str, max_rows: int = MAX_ROWS) -> list[RawSheet]:
    """Read `path` ("xlsx" or "csv") in the limited reading process; return its sheets."""
    limit_mb, limit_s = max_mb(), max_seconds()
    # A fork of the reading process ended on a timeout may write one last file while the folder is removed: the
    # removal then leaves what it could not delete rather than turn the refusal into an error.
    with tempfile.TemporaryDirectory(prefix="alliance-read-", ignore_cleanup_errors=True) as folder:
        request = {
            "path": str(Path(path).resolve()),
            "name": name,
            "kind": kind,
            "folder": folder,
            "max_rows": int(max_rows),
            "max_mb": limit_mb,
            "max_seconds": limit_s,
            # Which of a workbook's sheets to read: those of the upload format, by name.
            "sheet_keys": sheet_keys(),
        }
        try:
            process, said = _take()
        except OSError as exc:
            raise FileRefused(f"{name}: this file could not be read (the reading process did not start: {exc}).") from None
        with said:
            try:
                try:
                    process.stdin.write(json.dumps(request).encode() + b"\n")
                    process.stdin.close()
                except BrokenPipeError:
                    pass  # it ended before its request: its exit says why
                code = process.wait(timeout=limit_s)
            except subprocess.TimeoutExpired:
                raise _time_refusal(name, limit_s) from None
            finally:
                process.kill()  # no-op once it has ended; ends it on a timeout or an interrupt
                process.wait()
            manifest = _manifest(Path(folder)) if code == 0 else None
            if manifest is None:
                said.seek(0)
                raise _ended(name, code, said.read(65536).decode(errors="replace"), limit_mb, limit_s)
        if "refused" in manifest:
            raise FileRefused(manifest["refused"])
        if "sheets" not in manifest:
            raise _memory_refusal(name, limit_mb)
        sheets = [_sheet(Path(folder), described, name) for described in manifest["sheets"]]
    _keep_spare()
    return sheets


# A process that reads files again and again (the server, the bench) keeps the next reading process started: its
# start (Python and its modules, 40 to 80 ms) is then spent between reads rather than in one. Measured on the bench
# workbook, 20 reads each way in alternation on this 2-core machine: a read 46 ms shorter (median of the differences).
_spare_lock = threading.Lock()
_spare: list = []  # at most one (process, its output file, the settings it started under) waiting for a request
_reads = [0]


def _settings() -> tuple:
    """What a reading process takes from its environment when it starts (the limits): a spare started under other
    settings is not used."""
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("ALLIANCE_")))


def _spawn() -> tuple[subprocess.Popen, object, tuple]:
    said = tempfile.TemporaryFile()  # what it prints: the last line says why, if it dies
    process = subprocess.Popen(
        [sys.executable, "-c", _CHILD],
        cwd=ROOT,
        env={**os.environ, "MALLOC_ARENA_MAX": "2", "RUST_BACKTRACE": "0"},
        stdin=subprocess.PIPE,
        stdout=said,
        stderr=said,
    )
    return process, said, _settings()


def _take() -> tuple[subprocess.Popen, object]:
    """A started reading process: the spare when there is one (started under the same settings), else a new one."""
    with _spare_lock:
        _reads[0] += 1
        spare = _spare.pop() if _spare else None
    if spare is not None:
        process, said, settings = spare
        if settings == _settings() and process.poll() is None:
            return process, said
        _end(process, said)
    process, said, _ = _spawn()
    return process, said


def _keep_spare() -> None:
    """From a process's second read on, start the reading process of the next one."""
    with _spare_lock:
        if _reads[0] < 2 or _spare:
            return
        try:
            _spare.append(_spawn())
        except OSError:
            pass  # the next read starts its own, and says so if it cannot


def _end(process: subprocess.Popen, said) -> None:
    process.kill()
    process.wait()
    said.close()


@atexit.register
def _drop_spare() -> None:
    with _spare_lock:
        while _spare:
            process, said, _ = _spare.pop()
            _end(process, said)


def _manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def _ended(name: str, code: int | None, said: str, limit_mb: float, limit_s: float) -> FileRefused:
    """Why the reading process stopped without a word."""
    if code == -signal.SIGXCPU:
        return _time_refusal(name, limit_s)
    # Rust aborts when an allocation fails; the kernel kills a process it has no memory for.
    if code in (-signal.SIGABRT, -signal.SIGKILL) or "memory allocation" in said or "MemoryError" in said:
        return _memory_refusal(name, limit_mb)
    last = said.strip().splitlines()[-1][:160] if said.strip() else f"exit status {code}"
    return FileRefused(f"{name}: this file could not be read (the reader stopped: {last}).")


def _time_refusal(name: str, limit_s: float) -> FileRefused:
    return FileRefused(
        f"{name}: this file could not be read: it took longer than {limit_s:g} s (the limit for reading an upload)."
    )


def _memory_refusal(name: str, limit_mb: float) -> FileRefused:
    return FileRefused(
        f"{name}: this file could not be read: it needs more memory than an upload may use (limit {limit_mb:g} MB)."
    )


def _sheet(folder: Path, described: dict, name: str) -> RawSheet:
    """A sheet the reading process described, its Arrow files mapped into memory (they outlive the folder)."""
    sheet = RawSheet(
        described["name"],
        num_rows=described.get("rows", 0),
        width=described.get("width", 0),
        first_row=described.get("first_row", 1),
        first_column=described.get("first_column", 0),
        merged=[tuple(m) for m in described.get("merged", [])],
        formula_cells=[tuple(f) for f in described.get("formula_cells", [])],
        decimal_mark=described.get("decimal_mark", ""),
        file_name=name,
    )
    if described.get("read"):
        tables = [pa.ipc.open_stream(pa.memory_map(str(folder / file))).read_all() for file in described["files"]]
        # A chunk holds a column for each kind of cell it has: the kinds missing from one are null there.
        sheet.cells = pa.concat_tables(tables, promote_options="default") if tables else pa.table({})
    return sheet
