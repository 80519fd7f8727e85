"""The reading process: read one upload with limited memory and time, write its sheets as Arrow files, and exit.

Started by alliance.ingest.read, it reads one request as a line of JSON: the file, its name and kind, a
folder and the limits. It limits its own address space (RLIMIT_AS) and CPU time, reads the file (alliance.ingest.xlsx
or alliance.ingest.csvfile), writes each chunk of rows of each upload sheet to the folder as an Arrow IPC
stream (alliance.ingest.arrow_ipc), and last manifest.json: the sheets, where their cells lie and which files
hold them, or why the file was refused. It asks the parent nothing and sends it nothing but these files. A large
sheet's rows are converted by two processes at once, this one and a fork of it (_write_split).

Nothing here imports pyarrow, numpy or DuckDB: they would take half of the address space a file may use.
"""

import gc
import json
import os
import signal
import sys
from collections.abc import Collection
from pathlib import Path

from alliance.ingest.arrow_ipc import encode, write_stream
from alliance.ingest.csvfile import read_csv
from alliance.ingest.limits import MAX_ROWS, FileRefused
from alliance.ingest.xlsx import read_workbook

MANIFEST = "manifest.json"
# A sheet of this many rows or more is converted in two processes at once (_write_split); the first takes this
# share of its rows.
_SPLIT_ROWS = 20_000
_SPLIT_SHARE = 0.6


def main() -> None:
    """Serve the request on the first line of standard input; whatever happens, end with a manifest (or die, and
    the parent says why). A process started ahead of its request waits for it here; one never given any ends."""
    import defusedxml.ElementTree  # noqa: F401  (imported before the limits, as the interpreter's own modules are)

    line = sys.stdin.readline()
    if not line:
        os._exit(0)
    request = json.loads(line)
    folder = Path(request["folder"])

    def refuse_now(message: str) -> None:
        # Called by the scan of a large sheet beside its parse: no need to wait for the parse.
        _write_manifest(folder, {"refused": message})
        os._exit(0)

    _limit_self(request["max_mb"], request["max_seconds"])
    # Converting a sheet makes a list per row and no cycles; left on, the collector rescans the rows of each chunk
    # again and again (measured on the bench workbook: the rows' conversion and writing take 0.214 s instead of 0.255 s).
    gc.disable()
    manifest: dict = {"memory": True}
    try:
        path, name, kind, wanted = Path(request["path"]), request["name"], request["kind"], set(request["sheet_keys"])
        manifest = {"sheets": read(path, name, kind, folder, wanted, request["max_rows"], refuse_now)}
    except FileRefused as refused:
        manifest = {"refused": str(refused)}
    except MemoryError:
        pass  # the sheets read so far are freed on leaving this block, so that the manifest can be written
    _write_manifest(folder, manifest)
    os._exit(0)


def read(
    path: Path, name: str, kind: str, folder: Path, sheet_keys: Collection[str], max_rows: int = MAX_ROWS, refuse_now=None
) -> list[dict]:
    """Read an .xlsx workbook or a CSV file (`kind`) into Arrow files in `folder`; describe each sheet.

    A workbook's sheets are read when their names' keys are among `sheet_keys`; the others are only named.
    """
    if kind == "csv":
        sheets = [read_csv(path, name, max_rows)]
    else:
        sheets = read_workbook(path, name, sheet_keys, max_rows, refuse_now)
    described = []
    for index, (placement, chunks) in enumerate(sheets):
        if chunks is None:
            files, rows, width = [], 0, 0
        elif getattr(chunks, "count", 0) >= _SPLIT_ROWS and chunks.parts_alone:
            # Not a sheet converted whole: both processes would convert all of it, twice the memory for no time.
            files, rows, width = _write_split(folder, f"sheet{index}", chunks, name)
        else:
            files, rows, width = _write_chunks(folder, f"sheet{index}", chunks, name)
        described.append({**placement, "read": chunks is not None, "files": files, "rows": rows, "width": width})
    return described


def _write_chunks(folder: Path, prefix: str, chunks, name: str) -> tuple[list[str], int, int]:
    """Write chunks of rows as Arrow files named from `prefix`; return the files, the rows and the width."""
    files, rows, width = [], 0, 0
    for number, chunk in enumerate(chunks):
        files.append(f"{prefix}-{number}.arrows")
        width = max(width, _write_chunk(folder / files[-1], chunk, name))
        rows += len(chunk)
    return files, rows, width


def _write_split(folder: Path, prefix: str, sheet_rows, name: str) -> tuple[list[str], int, int]:
    """Write a large sheet's rows in two processes at once: its first rows here, the others in a fork of this one.

    Turning calamine's cells into Python objects and Arrow holds the interpreter's lock: a second process is the
    only way onto the second core. The fork shares the parsed sheet (copy on write) and inherits this process's
    limits; it skips the rows before its own, at about a quarter of the cost of converting them, hence the split
    at _SPLIT_SHARE (measured on the bench workbook, 100,000 rows: 0.19 s instead of 0.25 s; a share of 0.55 or
    0.65 takes 0.21 s). What it found comes back as a file: its Arrow files, or why the file is refused.
    """
    split = int(sheet_rows.count * _SPLIT_SHARE)
    said = folder / f".{prefix}-rest.json"
    pid = os.fork()
    if pid == 0:  # the fork: it never returns to the caller
        code = 1
        try:
            _die_with_parent()
            _write_json(said, _write_rest(folder, f"{prefix}-rest", sheet_rows.part(split), name))
            code = 0
        except BaseException:
            import traceback

            traceback.print_exc()  # its last line is what the parent says, as when the reading process stops
        finally:
            os._exit(code)
    try:
        files, rows, width = _write_chunks(folder, prefix, sheet_rows.part(0, split), name)
    except BaseException:
        os.kill(pid, signal.SIGKILL)  # the first rows' refusal wins, as when read in order
        os.waitpid(pid, 0)
        raise
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        os.kill(os.getpid(), os.WTERMSIG(status))  # ended as it was (memory, CPU time): the parent says why
        os._exit(128 + os.WTERMSIG(status))  # a signal this process ignores
    if os.WEXITSTATUS(status):
        os._exit(os.WEXITSTATUS(status))  # what it printed on the way out is the parent's to read
    try:
        rest = json.loads(said.read_text())
    except (OSError, ValueError):
        rest = {}  # it could not say: out of memory
    said.unlink(missing_ok=True)
    if "refused" in rest:
        raise FileRefused(rest["refused"])
    if "files" not in rest:
        raise MemoryError
    return files + rest["files"], rows + rest["rows"], max(width, rest["width"])


def _write_rest(folder: Path, prefix: str, chunks, name: str) -> dict:
    """In the fork: write its rows; say which files hold them, or why the file is refused."""
    try:
        files, rows, width = _write_chunks(folder, prefix, chunks, name)
    except FileRefused as refused:
        return {"refused": str(refused)}
    except MemoryError:
        return {"memory": True}
    return {"files": files, "rows": rows, "width": width}


def _die_with_parent() -> None:
    """Have the kernel end this process when the one that forked it ends (ended on a timeout, say)."""
    import ctypes

    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended before the call
        os._exit(1)


def _write_chunk(path: Path, rows: list[list], name: str) -> int:
    """Write rows of cells as one Arrow stream, a column per spreadsheet column and kind of cell; return the width."""
    width = max(map(len, rows), default=0)
    if min(map(len, rows), default=0) < width:  # a CSV's short lines
        rows = [row + [None] * (width - len(row)) for row in rows]
    columns = []
    # Column by column: a comprehension a column takes half the time zip(*rows) takes to turn the rows.
    for position, cells in enumerate([row[j] for row in rows] for j in range(width)):
        try:
            parts = encode(cells)
        except ValueError as error:
            raise FileRefused(f"{name}: the workbook could not be read ({error}).") from None
        columns += [(f"{position}:{part[0]}", part) for part in parts]
    write_stream(path, columns, len(rows))
    return width


def _write_manifest(folder: Path, manifest: dict) -> None:
    _write_json(folder / MANIFEST, manifest)


def _write_json(path: Path, found: dict) -> None:
    # Written whole under another name, then renamed: the reader never reads half of it.
    partial = path.with_name(f".{path.name}.{os.getpid()}.{id(found)}")
    partial.write_text(json.dumps(found))
    os.replace(partial, path)


def _limit_self(megabytes: float, seconds: float) -> None:
    import resource

    limit = int(megabytes * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # The parent ends a child that takes too long; this stops one whose parent is gone. Two threads
    # (the scan beside the parse) spend CPU time up to twice as fast as the clock.
    cpu = int(2 * seconds) + 5 + int(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


if __name__ == "__main__":
    main()
