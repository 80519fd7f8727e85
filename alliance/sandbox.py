"""Read an upload in a child process with memory and time limits, so no file can take its caller down.

The parent (the Upload page's server, or the command line) starts a Python child that limits its
own address space (RLIMIT_AS) and CPU time, reads the file with alliance.readers, and sends back
each sheet's first rows; a long sheet's other rows follow, a chunk at a time, when validation asks
for them, so the child converts the next chunk while the parent validates this one. The parent
waits on the child at most ALLIANCE_PARSE_MAX_SECONDS in all; a child that runs out of memory or
time is ended and the file refused in plain words.

A fresh interpreter rather than fork: forking a server that runs threads (Streamlit) is unsafe.
It starts in about 40 ms, beside the parent's reading of the store's reference data; a process
that reads files again and again keeps the next child started (see _keep_spare). Measured on the
bench's 100,000-row workbook (medians of 15 loads): 1.526 s in process, 1.561 s this way.
"""

import atexit
import io
import json
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock
from itertools import islice
from pathlib import Path

from alliance import ROOT
from alliance.readers import MAX_ROWS, FileRefused, RawSheet

# Rows per message from the child: large enough that pickling costs little per row, small enough
# that the child converts the next chunk while the parent validates this one.
CHUNK_ROWS = 2048
_HEADER = struct.Struct("<Q")
_F_SETPIPE_SZ = 1031  # Linux: a 1 MB pipe lets the child run a chunk ahead
_ALLOWED = {"date": date, "datetime": datetime, "time": clock, "timedelta": timedelta, "timezone": timezone}


def max_mb() -> float:
    """The reading process's address-space limit in MB (ALLIANCE_PARSE_MAX_MB, default 512)."""
    return float(os.environ.get("ALLIANCE_PARSE_MAX_MB", "512"))


def max_seconds() -> float:
    """Seconds a file's reading may take, its rows' conversion included (ALLIANCE_PARSE_MAX_SECONDS, default 10)."""
    return float(os.environ.get("ALLIANCE_PARSE_MAX_SECONDS", "10"))


def read_in_child(path: Path, name: str, kind: str, max_rows: int = MAX_ROWS) -> list[RawSheet]:
    """Read `path` ("xlsx" or "csv") in a child process; return its sheets, long ones still open there."""
    child = _Child(path, name, kind, max_rows)
    try:
        while True:
            what, payload = child.receive()
            if what == "names":
                from alliance.readers import _upload_sheets

                child.send(_upload_sheets(payload))
            elif what == "sheets":
                return [_sheet(child, index, described, name) for index, described in enumerate(payload)]
            else:
                raise child.unexpected(what, payload)
    except BaseException:
        child.close()
        raise


def _sheet(child: "_Child", index: int, described: dict, name: str) -> RawSheet:
    first, count = described["row_numbers"]
    return RawSheet(
        name=described["name"],
        rows=described["rows"],
        row_numbers=list(range(first, first + count)),
        first_column=described["first_column"],
        merged=described["merged"],
        formula_cells=described["formula_cells"],
        more=child.rows(index) if described["more"] else None,
        file_name=name,
        source=child,
        decimal_mark=described["decimal_mark"],
    )


class _Unpickler(pickle.Unpickler):
    """Only plain values and dates come from the child: nothing a damaged child sends can run code."""

    def find_class(self, module: str, name: str):
        if module == "datetime" and name in _ALLOWED:
            return _ALLOWED[name]
        raise pickle.UnpicklingError(f"unexpected {module}.{name} from the reading process")


class _Child:
    """The parent's handle on one reading process."""

    def __init__(self, path: Path, name: str, kind: str, max_rows: int = MAX_ROWS):
        self.name = name
        self.max_mb, self.max_seconds = max_mb(), max_seconds()
        self.deadline = time.monotonic() + self.max_seconds
        self.streaming: int | None = None
        try:
            self.process, self.stderr = _take()
        except OSError as exc:
            raise FileRefused(f"{name}: this file could not be read (the reading process did not start: {exc}).") from None
        self.fd = self.process.stdout.fileno()
        self.reader = io.FileIO(self.fd, closefd=False)
        self.poll = select.poll()
        self.poll.register(self.fd, select.POLLIN)
        request = {"path": str(Path(path).resolve()), "name": name, "kind": kind, "max_rows": max_rows}
        self.send({**request, "max_mb": self.max_mb, "max_seconds": self.max_seconds})

    def send(self, message) -> None:
        try:
            self.process.stdin.write(json.dumps(message).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            pass  # the child is gone: receive() says why

    def receive(self) -> tuple[str, object]:
        """The child's next message; a refusal if it was refused, died, or the time is up."""
        size = _HEADER.unpack(self._read(_HEADER.size))[0]
        if size > self.max_mb * 1024 * 1024:  # more than the child could hold: not a message of ours
            raise self.unexpected("a message too long", None)
        what, payload = _Unpickler(io.BytesIO(self._read(size))).load()
        if what == "refused":
            self.close()
            raise FileRefused(payload)
        if what == "memory":
            self.close()
            raise self._memory_refusal()
        return what, payload

    def rows(self, index: int):
        """The rows of sheet `index` after its first ones, received a chunk at a time."""
        if self.streaming is not None:  # a sheet left unfinished: skip what remains of it
            while self.receive()[0] == "rows":
                pass
        self.streaming = index
        self.send(index)
        while True:
            what, payload = self.receive()
            if what == "rows":
                yield from payload
            elif what == "end":
                self.streaming = None
                return
            elif what == "error":
                self.streaming = None
                raise _ReadError(payload)
            else:
                raise self.unexpected(what, payload)

    def _read(self, size: int) -> memoryview:
        buffer = memoryview(bytearray(size))
        got = 0
        while got < size:
            left = self.deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise FileRefused(
                    f"{self.name}: this file could not be read: it took longer than {self.max_seconds:g} s "
                    "(the limit for reading an upload)."
                )
            if not self.poll.poll(min(left, 1.0) * 1000):
                continue
            count = self.reader.readinto(buffer[got:])
            if not count:
                raise self._ended()
            got += count
        return buffer

    def _ended(self) -> FileRefused:
        """Why the child stopped without a word."""
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        self.stderr.seek(0)
        said = self.stderr.read(65536).decode(errors="replace")
        self.close()
        if code == -signal.SIGXCPU:
            return FileRefused(
                f"{self.name}: this file could not be read: it took longer than {self.max_seconds:g} s "
                "(the limit for reading an upload)."
            )
        # Rust aborts when an allocation fails; the kernel kills a process it has no memory for.
        if code in (-signal.SIGABRT, -signal.SIGKILL) or "memory allocation" in said or "MemoryError" in said:
            return self._memory_refusal()
        last = said.strip().splitlines()[-1][:160] if said.strip() else f"exit status {code}"
        return FileRefused(f"{self.name}: this file could not be read (the reader stopped: {last}).")

    def _memory_refusal(self) -> FileRefused:
        return FileRefused(
            f"{self.name}: this file could not be read: it needs more memory than an upload may use (limit {self.max_mb:g} MB)."
        )

    def unexpected(self, what: str, payload) -> FileRefused:
        self.close()
        return FileRefused(f"{self.name}: this file could not be read (the reader said {what!r}).")

    def release(self) -> None:
        """The caller is done with the file: end the child and, in a process that reads files
        again and again (the server), have the next one start now rather than when needed."""
        self.close()
        _keep_spare()

    def close(self) -> None:
        """End the child (it keeps nothing worth waiting for) and free its pipes."""
        _end(self.process, self.stderr)

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


def _environment() -> dict[str, str]:
    return {**os.environ, "MALLOC_ARENA_MAX": "2", "RUST_BACKTRACE": "0"}


def _settings() -> tuple:
    """What a child takes from its environment when it starts: a spare started under other
    settings is not used."""
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("ALLIANCE_")))


def _spawn() -> tuple[subprocess.Popen, object, tuple]:
    stderr = tempfile.TemporaryFile()
    # The package is found from ROOT whatever the caller's path settings (-P, PYTHONSAFEPATH).
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from alliance.sandbox import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
    )
    try:
        import fcntl

        fcntl.fcntl(process.stdout.fileno(), _F_SETPIPE_SZ, 1 << 20)
    except OSError:
        pass
    return process, stderr, _settings()


_spare_lock = threading.Lock()
_spare: list = []  # at most one (process, stderr, settings) waiting for a request
_reads = [0]


def _take() -> tuple[subprocess.Popen, object]:
    """A started child: the spare when there is one (started under the same settings), else a new one."""
    with _spare_lock:
        _reads[0] += 1
        spare = _spare.pop() if _spare else None
    if spare is not None:
        process, stderr, settings = spare
        if settings == _settings() and process.poll() is None:
            return process, stderr
        _end(process, stderr)
    process, stderr, _ = _spawn()
    return process, stderr


def _keep_spare() -> None:
    """From a process's second read on, start the child for the next read (about 40 ms of start-up,
    spent while the caller writes the store rather than when the next file arrives)."""
    with _spare_lock:
        if _reads[0] < 2 or _spare:
            return
        try:
            _spare.append(_spawn())
        except OSError:
            pass  # the next read starts its own, and says so if it cannot


def _end(process: subprocess.Popen, stderr) -> None:
    try:
        process.kill()
        process.wait(timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        pass
    for stream in (process.stdin, process.stdout, stderr):
        try:
            stream.close()
        except OSError:
            pass


@atexit.register
def _drop_spare() -> None:
    with _spare_lock:
        while _spare:
            process, stderr, _ = _spare.pop()
            _end(process, stderr)


class _ReadError(Exception):
    """A cell the child could not convert (RawSheet names the file and the sheet)."""


# The child's side.


class _Parent:
    """The child's channel: length-prefixed pickles out, JSON lines in."""

    def __init__(self):
        # Anything a library prints goes to standard error, never into the channel.
        self.out = os.dup(1)
        os.dup2(2, 1)
        self.lines = sys.stdin.buffer

    def send(self, what: str, payload=None) -> None:
        data = pickle.dumps((what, payload), protocol=5)
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            view = view[os.write(self.out, view) :]

    def receive(self):
        line = self.lines.readline()
        if not line:
            os._exit(0)  # the parent is gone or done
        return json.loads(line)

    def choose(self, names: list[str]) -> list[int]:
        self.send("names", names)
        return [int(i) for i in self.receive()]

    def refuse_now(self, message: str) -> None:
        self.send("refused", message)
        os._exit(0)


def _limit_self(megabytes: float, seconds: float) -> None:
    import resource

    limit = int(megabytes * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # The parent ends a child that takes too long; this stops one whose parent is gone. Two threads
    # (the scan beside the parse) spend CPU time up to twice as fast as the clock.
    cpu = int(2 * seconds) + 5 + int(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _shared(rows: list[list]) -> list[list]:
    """The rows with equal texts made one object: pickled once, they unpickle about four times
    faster in the parent (the bench workbook's 100,000 rows: 27 ms instead of 98), and validation
    finds their hashes already computed. Only texts: 1, 1.0 and True are equal but not the same."""
    seen: dict[str, str] = {}
    same = seen.setdefault
    return [[same(v, v) if v.__class__ is str else v for v in row] for row in rows]


def _describe(sheet: RawSheet) -> dict:
    numbers = sheet.row_numbers
    return {
        "name": sheet.name,
        "rows": _shared(sheet.rows),
        "row_numbers": (numbers[0] if numbers else 1, len(numbers)),
        "first_column": sheet.first_column,
        "merged": sheet.merged,
        "formula_cells": sheet.formula_cells,
        "more": sheet.more is not None,
        "decimal_mark": sheet.decimal_mark,
    }


def _stream(parent: _Parent, sheet: RawSheet) -> None:
    from alliance.readers import short

    try:
        while chunk := list(islice(sheet.more, CHUNK_ROWS)):
            parent.send("rows", _shared(chunk))
    except BaseException as exc:  # calamine converts cells here; a damaged cell may raise
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        parent.send("error", short(exc))
        return
    parent.send("end")


def main() -> None:
    """Read the file the parent names; answer its requests for rows until it closes the channel."""
    parent = _Parent()
    try:
        import defusedxml.ElementTree  # noqa: F401  (imported while waiting, not once the file is here)

        from alliance.readers import read_here

        request = parent.receive()
        _limit_self(request["max_mb"], request["max_seconds"])
        sheets = read_here(
            Path(request["path"]), request["name"], request["kind"], parent.choose, parent.refuse_now, int(request["max_rows"])
        )
        parent.send("sheets", [_describe(sheet) for sheet in sheets])
        while True:
            sheet = sheets[int(parent.receive())]
            if sheet.more is not None:
                _stream(parent, sheet)
            else:
                parent.send("end")
    except FileRefused as refused:
        parent.send("refused", str(refused))
    except MemoryError:
        sheets = None  # frees the parsed sheets, so that the word can be sent
        parent.send("memory")
    except BrokenPipeError:
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
