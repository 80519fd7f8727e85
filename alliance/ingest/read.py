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
import re
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc

from alliance import ROOT, i18n
from alliance.i18n import N_, _
from alliance.ingest.child import MANIFEST
from alliance.ingest.limits import MAX_FILE_MB, MAX_ROWS, FileRefused, max_mb, max_seconds
from alliance.ingest.problems import numeral
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
        raise FileRefused(_("{name}: cannot be opened ({error}).").format(name=name, error=exc.strerror)) from None
    if size > max_mb * 1024 * 1024:
        raise FileRefused(
            _("{name}: the file is {size} MB; the limit is {limit} MB.").format(
                name=name, size=numeral(size / 1048576, ".1f"), limit=numeral(max_mb, "g")
            )
        )
    if size == 0:
        raise FileRefused(_("{name}: the file is empty.").format(name=name))
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(ZIP_MAGIC):
        return read_in_child(path, name, "xlsx", max_rows)
    if head.startswith(OLE2_MAGIC):
        raise FileRefused(_ole2_message(path, name))
    if Path(name).suffix.lower() not in TEXT_SUFFIXES:
        raise FileRefused(
            _(
                "{name}: this is not an .xlsx workbook or a .csv file (its content is neither); "
                "upload the register as .xlsx, or one sheet as .csv."
            ).format(name=name)
        )
    return read_in_child(path, name, "csv", max_rows)


def is_workbook(path: Path) -> bool:
    """Whether the file is a zip archive (an .xlsx workbook), by its content."""
    with open(path, "rb") as handle:
        return handle.read(4) == ZIP_MAGIC


def _ole2_message(path: Path, name: str) -> str:
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data:
        return _("{name}: the workbook is password protected. Remove the password in Excel and upload it again.").format(
            name=name
        )
    return _(
        "{name}: this is an Excel 97-2003 (.xls) workbook, which is not accepted. "
        "Open it in Excel or LibreOffice and save it as .xlsx."
    ).format(name=name)


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
            raise FileRefused(
                _("{name}: this file could not be read (the reading process did not start: {error}).").format(
                    name=name, error=exc
                )
            ) from None
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
            raise FileRefused(from_child(manifest["refused"]))
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
    process, said, _settings_ = _spawn()
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
            process, said, _settings_ = _spare.pop()
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
    return FileRefused(_("{name}: this file could not be read (the reader stopped: {error}).").format(name=name, error=last))


def _time_refusal(name: str, limit_s: float) -> FileRefused:
    return FileRefused(
        _("{name}: this file could not be read: it took longer than {limit} s (the limit for reading an upload).").format(
            name=name, limit=numeral(limit_s, "g")
        )
    )


def _memory_refusal(name: str, limit_mb: float) -> FileRefused:
    return FileRefused(
        _("{name}: this file could not be read: it needs more memory than an upload may use (limit {limit} MB).").format(
            name=name, limit=numeral(limit_mb, "g")
        )
    )


# Why the reading process refused a file, as it writes it (alliance.ingest.xlsx, alliance.ingest.csvfile,
# alliance.ingest.child): in English always, since it knows no language and loads no catalogue (Babel would take
# a good part of the memory it may use). Each sentence is recognised here, in the process that asked, and said in
# the language spoken there; its names and values as the child wrote them, its numbers as the language writes them.
# A sentence none of these matches is shown as written.
CHILD_REFUSALS = (
    N_("{name}: this is an OpenDocument (.ods) spreadsheet. Save it as .xlsx and upload it again."),
    N_("{name}: this is a binary (.xlsb) workbook. Save it as .xlsx and upload it again."),
    N_("{name}: this is a zip archive, not an Excel workbook."),
    N_("{name}: the workbook is damaged (not a readable zip archive)."),
    N_("{name}: the workbook could not be read (sheet {sheet}: {error})."),
    N_("{name}: the workbook could not be read ({error})."),
    N_("{name}: part {part} would expand {ratio}-fold when opened; the file looks like a zip bomb and was not read."),
    N_("{name}: the workbook would expand to {size} MB when opened; the limit is {limit} MB."),
    N_(
        "{name}: sheet '{sheet}': its values span {span} ({cells} cells); an upload sheet may span at most {limit} "
        "cells. Delete what lies outside the register's rows and columns."
    ),
    N_(
        "{name}: sheet '{sheet}': a value in cell {cell} lies beyond the {columns} columns and {rows} rows an upload "
        "may use ({data_rows} rows of data below a header in the first {header_rows}); delete it, or the columns after "
        "{column}."
    ),
    N_(
        "{name}: sheet '{sheet}': a value in cell {cell} lies beyond the {columns} columns and {rows} rows an upload "
        "may use ({data_rows} rows of data below a header in the first {header_rows}); delete it, or the rows after "
        "{after}."
    ),
    N_(
        "{name}: sheet '{sheet}': a value in row {row} lies beyond the {columns} columns and {rows} rows an upload "
        "may use ({data_rows} rows of data below a header in the first {header_rows}); delete it, or the columns after "
        "{column}."
    ),
    N_(
        "{name}: sheet '{sheet}': a value in row {row} lies beyond the {columns} columns and {rows} rows an upload "
        "may use ({data_rows} rows of data below a header in the first {header_rows}); delete it, or the rows after "
        "{after}."
    ),
    N_(
        "{name}: sheet '{sheet}': its values reach cell {cell}, beyond the {columns} columns and {rows} rows an upload "
        "may use ({data_rows} rows of data below a header in the first {header_rows}); delete it, or the columns after "
        "{column}."
    ),
    N_(
        "{name}: sheet '{sheet}': its values reach cell {cell}, beyond the {columns} columns and {rows} rows an upload "
        "may use ({data_rows} rows of data below a header in the first {header_rows}); delete it, or the rows after "
        "{after}."
    ),
    N_(
        "{name}: the workbook declares {count} distinct texts (shared strings); an upload may hold at most {limit}. "
        "Save it again from Excel or LibreOffice, or upload its sheets as .csv files."
    ),
    N_(
        "{name}: the workbook holds more than {count} distinct texts (shared strings); an upload may hold at most "
        "{limit}. Save it again from Excel or LibreOffice, or upload its sheets as .csv files."
    ),
    N_("{name}: this is not a CSV file or an .xlsx workbook."),
    N_("{name}: line {line} has {count} values, beyond the {limit} columns an upload may use."),
    N_("{name}: the file goes on past line {line}, beyond the {limit} values an upload may hold."),
    N_("{name}: the file goes on past line {line}, beyond the {limit} rows of data an upload may hold."),
    N_("{name}: the CSV file could not be read ({error})."),
)
# The placeholders that hold a number (written by the child as English writes it: 1,000,000).
_NUMBERS = frozenset({"size", "limit", "count", "line", "rows", "cells", "columns", "ratio", "data_rows", "header_rows", "row"})
_ENGLISH_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def _pattern(message: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", message)
    return re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)), re.DOTALL)


_CHILD_PATTERNS = [(message, _pattern(message)) for message in CHILD_REFUSALS]


def _read_number(written: str) -> float:
    number = float(written.replace(",", ""))
    return int(number) if number.is_integer() else number


def from_child(refusal: str) -> str:
    """The reading process's refusal in the language spoken (as written in English, or when not recognised)."""
    if i18n.current() == i18n.ENGLISH:
        return refusal
    for message, pattern in _CHILD_PATTERNS:
        found = pattern.fullmatch(refusal)
        if found:
            said = {
                name: numeral(_read_number(value)) if name in _NUMBERS and _ENGLISH_NUMBER.fullmatch(value) else value
                for name, value in found.groupdict().items()
            }
            return _(message).format(**said)
    return refusal


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
