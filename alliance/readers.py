"""Read uploaded workbooks and CSV files safely into raw sheets of cells.

Everything that can be refused is refused before a parser allocates for the file: size, kind (by
content, not by name), a zip archive's declared uncompressed size (zip bombs), the number of
shared strings, and the grid each sheet's cell references imply. The reading itself runs in a
child process with memory and time limits (alliance.sandbox): whatever a parser does with a
hostile file, the caller gets a refusal and keeps running.
"""

import csv
import io
import os
import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import python_calamine

from alliance import AllianceError

MAX_FILE_MB = float(os.environ.get("ALLIANCE_MAX_FILE_MB", "50"))
MAX_UNCOMPRESSED_MB = float(os.environ.get("ALLIANCE_MAX_UNCOMPRESSED_MB", "400"))
# Highest compression ratio accepted for a member over 1 MB; real sheets stay far below it.
MAX_RATIO = 200
# The grid an upload sheet may use. The real workload is 100,000 rows x 12 columns (1.2 million
# cells); a sheet of 3 million cells needs about 360 MB to read (bench workbook, 250,000 rows).
# MAX_ROWS counts rows of data, below the header: validation counts them once it has found the header
# (alliance.validate); before that, a reader refuses a sheet reaching past grid_rows(), where not even
# a header in the last row searched for one leaves MAX_ROWS below it.
MAX_COLUMNS = 200
MAX_ROWS = 1_000_000
MAX_CELLS = int(os.environ.get("ALLIANCE_MAX_CELLS", "3000000"))
# Distinct texts a workbook may declare or hold: calamine reserves room for every declared one.
MAX_SHARED_STRINGS = MAX_CELLS

TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ""}
# A CSV's delimiter says how it writes numbers: Excel writes ";" where the decimal mark is a comma
# (most European locales). A tab-delimited file says neither: it has no convention.
DECIMAL_MARKS = {",": ".", ";": ","}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# A cell's content stops at its </c>, never past the next <c: an unclosed tag cannot make the scan quadratic.
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>((?:(?!<c\b).)*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_VALUE = re.compile(rb"<v>([^<]+)</v>")
# A reference beyond column GR (200) or row 999,999: three letters, two letters after GR, or seven
# digits. It starts with the rare-enough literal "r", so a sheet without one is searched at C speed.
_FAR = re.compile(rb"""r\s*=\s*["'](?:[A-Za-z]{3}|[H-Zh-z][A-Za-z]|[Gg][S-Zs-z]|[A-Za-z]{0,3}0*[1-9][0-9]{6})""")
_REF_VALUE = re.compile(rb"""r\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
_TAG_NAME = re.compile(rb"(?:[\w.-]+:)?([\w.-]+)")
_CELL_TAG = re.compile(rb"\s*<(?:[\w.-]+:)?c[\s>/]([^>]*)>")
_SST_TAG = re.compile(rb"<(?:[\w.-]+:)?sst\b[^>]*>")
_UNIQUE_COUNT = re.compile(rb"""\buniqueCount\s*=\s*["']\s*([0-9]+)""")
# Far references that turn out harmless (a blank cell, text that only looks like one) are skipped
# one by one; past this many in a sheet, the limits of the reading process are left to catch it.
_MAX_SKIPPED = 10_000
# Sheets this large or smaller are scanned before calamine starts; larger ones beside its parse,
# which reads their XML about three times slower than the scan (the scan's result is awaited
# before any cell is converted).
_SCAN_FIRST_BYTES = 4 << 20
# A sheet's header is looked for in its first rows; a workbook's rows after these are converted
# to Python only when validation reaches them.
HEADER_SEARCH_ROWS = 200
# Empty rows above a sheet's data are generated one by one by a lazy read: above this many, the
# sheet is read whole instead.
_MAX_LAZY_OFFSET = 1000


def grid_rows(max_rows: int = MAX_ROWS) -> int:
    """The rows a sheet may reach: `max_rows` of data below a header that may sit in any of the first
    HEADER_SEARCH_ROWS (title rows above it)."""
    return max_rows + HEADER_SEARCH_ROWS


class FileRefused(AllianceError):
    """The file cannot be read at all: wrong kind, too large, damaged or hostile."""


@dataclass
class RawSheet:
    """A sheet's cells as read, with the spreadsheet row number of each row.

    `rows` holds every row, or, for a long sheet, the first HEADER_SEARCH_ROWS: the rest wait in
    `more` until `blocks()` converts them.
    """

    name: str
    rows: list[list]
    row_numbers: list[int]
    first_column: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formula_cells: list[tuple[str, str]] = field(default_factory=list)
    more: Iterator[list] | None = field(default=None, repr=False, compare=False)
    file_name: str = field(default="", repr=False, compare=False)  # for messages about `more`
    # How the file writes numbers as text: "." for a CSV delimited by "," (1,250,000.5), "," for one
    # delimited by ";" (1.250.000,5), "" for a workbook, which has no convention of its own: a text cell
    # must then read as one number whichever way it is taken.
    decimal_mark: str = ""
    # What holds `more` open (the reading process), closed by release().
    source: object = field(default=None, repr=False, compare=False)
    _more_read: bool = field(default=False, init=False, repr=False, compare=False)

    def blocks(self, start: int, size: int) -> Iterator[tuple[int, list[list]]]:
        """Yield (index of its first row, rows) for the rows from index `start` on, about `size` at a time.

        Rows in `more` are converted here, a block at a time, and not kept: the caller works on
        each block while its cells are still in the processor's cache. They can be read once.
        """
        for first in range(start, len(self.rows), size):
            yield first, self.rows[first : first + size]
        if self.more is None:
            return
        if self._more_read:
            raise RuntimeError(f"the rows of sheet {self.name!r} were read already")
        self._more_read = True
        first = max(start, len(self.rows))
        for _ in range(len(self.rows), first):  # rows before `start` that were not read yet
            self._next_block(1)
        while block := self._next_block(size):
            yield first, block
            first += len(block)

    def _next_block(self, size: int) -> list[list]:
        try:
            return list(islice(self.more, size))
        except FileRefused:  # the reading process ran out of memory or time
            raise
        except BaseException as exc:  # calamine converts cells here; a damaged cell may raise
            if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError, GeneratorExit)):
                raise
            raise FileRefused(
                f"{self.file_name or self.name}: the workbook could not be read (sheet {self.name!r}: {short(exc)})."
            ) from None


def read_upload(
    path: str | os.PathLike, name: str | None = None, max_mb: float | None = None, max_rows: int = MAX_ROWS
) -> list[RawSheet]:
    """Read an .xlsx workbook or a .csv file into raw sheets, refusing what is unsafe.

    The file is read in a child process with memory and time limits; long sheets keep it open
    until their rows are read: call release() on the result when done with it. `max_rows` (rows of
    data a sheet may hold, MAX_ROWS) is a parameter so that tests can reach it with small files.
    """
    from alliance.sandbox import read_in_child

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


def release(sheets: list[RawSheet]) -> None:
    """End the reading process behind `sheets`, if it still runs (their unread rows are dropped)."""
    for sheet in sheets:
        done = getattr(sheet.source, "release", None)
        if done is not None:
            done()


def read_here(
    path: Path,
    name: str,
    kind: str,
    choose: Callable[[list[str]], list[int]] | None = None,
    refuse_now: Callable[[str], None] | None = None,
    max_rows: int = MAX_ROWS,
) -> list[RawSheet]:
    """Read a workbook or CSV file in this process, with every check (the reading process's work).

    `choose` says which of a workbook's sheets to parse (by index); `refuse_now`, called from the
    scan of a large sheet beside the parse, stops everything at once with a refusal.
    """
    if kind == "csv":
        return [_read_csv(path, name, max_rows)]
    return _read_workbook(path, name, choose or _upload_sheets, refuse_now, max_rows)


def _upload_sheets(names: list[str]) -> list[int]:
    from alliance.validate import match_sheet

    return [i for i, sheet_name in enumerate(names) if match_sheet(sheet_name, exact_only=True) is not None]


def _ole2_message(path: Path, name: str) -> str:
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data:
        return f"{name}: the workbook is password protected. Remove the password in Excel and upload it again."
    return (
        f"{name}: this is an Excel 97-2003 (.xls) workbook, which is not accepted. "
        "Open it in Excel or LibreOffice and save it as .xlsx."
    )


def _check_archive(archive: zipfile.ZipFile, name: str) -> None:
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileRefused(
                f"{name}: part {info.filename} would expand {info.file_size // max(info.compress_size, 1)}-fold "
                "when opened; the file looks like a zip bomb and was not read."
            )
    if total > MAX_UNCOMPRESSED_MB * 1024 * 1024:
        raise FileRefused(
            f"{name}: the workbook would expand to {total / 1048576:.0f} MB when opened; the limit is {MAX_UNCOMPRESSED_MB:g} MB."
        )


def _read_workbook(
    path: Path, name: str, choose: Callable[[list[str]], list[int]], refuse_now: Callable[[str], None] | None, max_rows: int
) -> list[RawSheet]:
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive, name)
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    if b"opendocument" in member.read(200):
                        raise FileRefused(
                            f"{name}: this is an OpenDocument (.ods) spreadsheet. Save it as .xlsx and upload it again."
                        )
            if "xl/workbook.bin" in names:
                raise FileRefused(f"{name}: this is a binary (.xlsb) workbook. Save it as .xlsx and upload it again.")
            if "xl/workbook.xml" not in names:
                raise FileRefused(f"{name}: this is a zip archive, not an Excel workbook.")
            targets = _sheet_targets(archive)
            _check_shared_strings(archive, name, names)
            sizes = {member: archive.getinfo(member).file_size for member in set(targets.values()) & names}
    except zipfile.BadZipFile:
        raise FileRefused(f"{name}: the workbook is damaged (not a readable zip archive).") from None
    except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error) as exc:
        raise FileRefused(f"{name}: the workbook could not be read ({short(exc)}).") from None
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet_names = list(workbook.sheet_names)
    except BaseException as exc:  # calamine raises its own errors and, on some damaged files, a panic
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        raise FileRefused(f"{name}: the workbook could not be read ({short(exc)}).") from None
    wanted = choose(sheet_names)
    members = {sheet_names[i]: targets[sheet_names[i]] for i in wanted if targets.get(sheet_names[i]) in sizes}
    scan = _Scan(path, name, members, max_rows)
    if sum(sizes[member] for member in scan.members.values()) <= _SCAN_FIRST_BYTES:
        scan.run()
        scan.check()
    else:
        scan.refuse_now = refuse_now
        scan.start()
    return _parse(workbook, name, sheet_names, set(wanted), scan, max_rows)


def _parse(workbook, name: str, sheet_names: list[str], wanted: set[int], scan: "_Scan", max_rows: int) -> list[RawSheet]:
    try:
        parsed = {}
        for index in sorted(wanted):
            parsed[index] = workbook.get_sheet_by_name(sheet_names[index])
        # Nothing is converted before the scan has found the grid within bounds.
        scan.join()
        scan.check()
        sheets = []
        for index, sheet_name in enumerate(sheet_names):
            if index not in wanted:
                # Not a sheet of the upload format: validation names it as ignored, unread.
                sheets.append(RawSheet(name=sheet_name, rows=[], row_numbers=[]))
                continue
            sheet = parsed[index]
            _check_extent(sheet, name, sheet_name, max_rows)
            start_row, start_col = sheet.start or (0, 0)
            more = None
            if sheet.start is None or start_row > _MAX_LAZY_OFFSET:
                rows = sheet.to_python(skip_empty_area=True)
            else:
                # The header rows now; the others when validation reaches them (RawSheet.blocks).
                more = sheet.iter_rows()
                for _ in range(start_row):  # iter_rows starts at the sheet's first row, not its data
                    next(more)
                rows = list(islice(more, HEADER_SEARCH_ROWS))
            sheets.append(
                RawSheet(
                    name=sheet_name,
                    rows=rows,
                    row_numbers=list(range(start_row + 1, start_row + 1 + (sheet.height if more is not None else len(rows)))),
                    first_column=start_col,
                    merged=[(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])],
                    formula_cells=scan.formulas.get(sheet_name, []),
                    more=more if sheet.height > len(rows) else None,
                    file_name=name,
                )
            )
        return sheets
    except FileRefused:
        raise
    except BaseException as exc:  # calamine raises its own errors and, on some damaged files, a panic
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        raise FileRefused(f"{name}: the workbook could not be read ({short(exc)}).") from None


def _check_extent(sheet, name: str, sheet_name: str, max_rows: int) -> None:
    """Refuse a parsed sheet whose values, by calamine's own count, span more than an upload may.

    The scan finds far cell references before the parse; this catches what it cannot see
    (cells placed by their order rather than a reference), before any cell is converted.
    """
    if sheet.start is None:
        return
    (r0, c0), (r1, c1) = sheet.start, sheet.end
    corner = f"{column_letters(c1 + 1)}{r1 + 1}"
    if c1 + 1 > MAX_COLUMNS or r1 + 1 > grid_rows(max_rows):
        raise FileRefused(_beyond_message(name, sheet_name, f"cell {corner}", c1 + 1, r1 + 1, max_rows, "values reach"))
    cells = (r1 - r0 + 1) * (c1 - c0 + 1)
    if cells > MAX_CELLS:
        raise FileRefused(
            f"{name}: sheet '{sheet_name}': its values span {column_letters(c0 + 1)}{r0 + 1}:{corner} "
            f"({cells:,} cells); an upload sheet may span at most {MAX_CELLS:,} cells. "
            "Delete what lies outside the register's rows and columns."
        )


def _beyond_message(
    name: str, sheet_name: str, where: str, column: int, row: int, max_rows: int, verb: str = "a value in"
) -> str:
    grid = grid_rows(max_rows)
    advice = f"the columns after {column_letters(MAX_COLUMNS)}" if column > MAX_COLUMNS else f"the rows after {grid:,}"
    lead = f"a value in {where} lies" if verb == "a value in" else f"its values reach {where},"
    return (
        f"{name}: sheet '{sheet_name}': {lead} beyond the {MAX_COLUMNS} columns and {grid:,} rows an upload may use "
        f"({max_rows:,} rows of data below a header in the first {HEADER_SEARCH_ROWS}); delete it, or {advice}."
    )


def column_letters(number: int) -> str:
    """Spreadsheet column letters for a 1-based column number (1 = A, 200 = GR)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


class _Scan:
    """One streaming pass over each upload sheet's XML, 1 MB at a time: cell references beyond the
    grid an upload may use, and cells whose value calamine would read as blank (formulas with no
    saved value, spreadsheet errors such as #N/A)."""

    def __init__(self, path: Path, name: str, members: dict[str, str], max_rows: int = MAX_ROWS):
        self.path, self.name, self.members, self.max_rows = path, name, members, max_rows
        self.formulas: dict[str, list[tuple[str, str]]] = {}
        self.refusal: str | None = None
        self.failure: BaseException | None = None
        self.refuse_now: Callable[[str], None] | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="sheet-scan", daemon=True)
        self._thread.start()

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def check(self) -> None:
        if self.refusal:
            raise FileRefused(self.refusal)
        if isinstance(self.failure, MemoryError):
            raise self.failure

    def run(self) -> None:
        try:
            with zipfile.ZipFile(self.path) as archive:
                for sheet_name, member in self.members.items():
                    self.refusal = self._scan(archive, sheet_name, member)
                    if self.refusal:
                        if self.refuse_now is not None:
                            self.refuse_now(self.refusal)
                        return
        except MemoryError as exc:
            self.failure = exc
        except Exception:  # zip and zlib errors: a damaged part, which the parse names in its own words
            return

    def _scan(self, archive: zipfile.ZipFile, sheet_name: str, member: str) -> str | None:
        found: list[tuple[str, str]] = []
        skipped = 0
        carry = b""
        with archive.open(member) as stream:
            while True:
                piece = stream.read(1 << 20)
                window = carry + piece
                carry = b""
                if piece:
                    # Keep the last cell, which may be cut, for the next window; a window then
                    # holds whole cells (an element too long to find its start is cut anywhere).
                    cut = max(window.rfind(b"<c "), window.rfind(b"<c>"))
                    if cut <= 0 or len(window) - cut > (2 << 20):
                        cut = window.rfind(b"<")
                    if cut > 0:
                        window, carry = window[:cut], window[cut:]
                if skipped <= _MAX_SKIPPED:
                    for match in _FAR.finditer(window):
                        far = _far_reference(window, match.start(), grid_rows(self.max_rows))
                        if far:
                            where, column, row = far
                            return _beyond_message(self.name, sheet_name, where, column, row, self.max_rows)
                        skipped += 1
                        if skipped > _MAX_SKIPPED:
                            break
                if b"<f" in window or b't="e"' in window:
                    found.extend(_blank_cells(window))
                if not piece:
                    break
        if found:
            self.formulas[sheet_name] = found
        return None


def _far_reference(window: bytes, at: int, rows: int) -> tuple[str, int, int] | None:
    """(where, column, row) of a reference at `at` beyond the upload grid, if it places a value there.

    Only the `r` attribute of a cell or row counts; a self-closing (blank) cell or an empty row
    places nothing, and text that merely looks like a reference is no reference. `rows`: the last row a
    sheet may reach (grid_rows).
    """
    if at == 0 or window[at - 1 : at] not in (b" ", b"\t", b"\r", b"\n"):
        return None
    opened, closed = window.rfind(b"<", 0, at), window.rfind(b">", 0, at)
    if opened < 0 or closed > opened:
        return None
    tag = _TAG_NAME.match(window, opened + 1)
    local = tag.group(1) if tag else b""
    if local not in (b"c", b"row"):
        return None
    end = window.find(b">", at)
    if end < 0 or window[end - 1 : end] == b"/":
        return None
    if local == b"row":
        # Only a row whose first cell has no reference of its own places a value in the row; other
        # cells are checked on their own (one cut off by the window end, in the next window).
        cell = _CELL_TAG.match(window, end + 1)
        if not cell or _REF_VALUE.search(cell.group(1)):
            return None
    ref = _REF_VALUE.match(window, at)
    if not ref or not ref.group(2) or (local == b"row" and ref.group(1)):
        return None
    digits = ref.group(2)
    # More digits than any sheet has rows is far, however the number ends.
    column, row = _column_number(ref.group(1)), int(digits) if len(digits) <= 12 else 10**12
    if column <= MAX_COLUMNS and row <= rows:
        return None
    if local == b"row":
        return f"row {row:,}", column, row
    return f"cell {ref.group(1).decode().upper()}{row}", column, row


def _blank_cells(window: bytes) -> list[tuple[str, str]]:
    """Cells of a window with a formula and no saved value, or a spreadsheet error, as (cell, error text or "")."""
    found = []
    for match in _CELL.finditer(window):
        attributes, inner = match.group(1), match.group(2) or b""
        if (b"<f" in inner and not _VALUE.search(inner)) or b't="e"' in attributes:
            ref = _REF.search(attributes)
            error = _VALUE.search(inner) if b't="e"' in attributes else None
            found.append((ref.group(1).decode() if ref else "?", error.group(1).decode(errors="replace") if error else ""))
    return found


def _check_shared_strings(archive: zipfile.ZipFile, name: str, names: set[str]) -> None:
    """Refuse a workbook declaring or holding more distinct texts than an upload may.

    calamine reserves room for the declared number (uniqueCount) before reading any: 2 KB
    declaring 2,147,483,647 asks for 48 GB.
    """
    for member in sorted({"xl/sharedStrings.xml", *_shared_string_targets(archive)} & names):
        head, tail, counted = b"", b"", 0
        with archive.open(member) as stream:
            while piece := stream.read(1 << 20):
                if head is not None:
                    head += piece
                    tag = _SST_TAG.search(head)
                    if tag or len(head) > (1 << 20):
                        unique = _UNIQUE_COUNT.search(tag.group(0)) if tag else None
                        digits = unique.group(1).lstrip(b"0") if unique else b""
                        if len(digits) > 12 or (digits and int(digits) > MAX_SHARED_STRINGS):
                            declared = f"{int(digits):,}" if len(digits) <= 12 else "more than a trillion"
                            raise FileRefused(_strings_message(name, f"declares {declared}"))
                        head = None
                window = tail + piece
                counted += sum(window.count(p) for p in (b"<si>", b"<si ", b":si>", b":si "))
                if counted > MAX_SHARED_STRINGS:
                    raise FileRefused(_strings_message(name, f"holds more than {MAX_SHARED_STRINGS:,}"))
                tail = window[-3:]


def _strings_message(name: str, how_many: str) -> str:
    return (
        f"{name}: the workbook {how_many} distinct texts (shared strings); an upload may hold at most "
        f"{MAX_SHARED_STRINGS:,}. Save it again from Excel or LibreOffice, or upload its sheets as .csv files."
    )


def _relationships(archive: zipfile.ZipFile) -> list[tuple[str, str, str]]:
    """The workbook's relationships as (id, type, part name), part names as calamine resolves them."""
    from defusedxml import ElementTree

    try:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return []
    found = []
    for rel in rels:
        target = rel.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = "xl/" + target
        found.append((rel.get("Id"), rel.get("Type", ""), target))
    return found


def _shared_string_targets(archive: zipfile.ZipFile) -> list[str]:
    return [target for _, kind, target in _relationships(archive) if kind.endswith("/sharedStrings")]


def _sheet_targets(archive: zipfile.ZipFile) -> dict[str, str]:
    from defusedxml import ElementTree

    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except Exception:
        return {}
    rel_target = {rid: target for rid, _, target in _relationships(archive)}
    result = {}
    for element in workbook.iter():
        if element.tag.endswith("}sheet") or element.tag == "sheet":
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            if rid in rel_target:
                result[element.get("name")] = rel_target[rid]
    return result


def short(exc: BaseException) -> str:
    """The first line of an error's message, at most 160 characters."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def decode_text(data: bytes, name: str) -> str:
    """Decode a CSV's bytes: UTF-8 (with or without BOM), else Windows-1252."""
    return data.decode(_text_encoding(data, name))


def _text_encoding(data: bytes, name: str) -> str:
    if b"\x00" in data[:65536]:
        raise FileRefused(f"{name}: this is not a CSV file or an .xlsx workbook.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"  # decodes every byte


def _read_csv(path: Path, name: str, max_rows: int = MAX_ROWS) -> RawSheet:
    data = path.read_bytes()
    encoding = _text_encoding(data, name)
    sample = data[:65536].decode(encoding, errors="ignore")[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # Decoded line by line as csv reads, so the whole text is never held a second time.
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    rows: list[list] = []
    cells = 0
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise FileRefused(
                    f"{name}: line {reader.line_num} has {len(row):,} values, beyond the {MAX_COLUMNS} columns an upload may use."
                )
            cells += len(row)
            if cells > MAX_CELLS:
                raise FileRefused(
                    f"{name}: the file goes on past line {reader.line_num:,}, beyond the {MAX_CELLS:,} values an upload may hold."
                )
            # Rows of data are counted below the header, which validation finds; past grid_rows() there are too many
            # whichever line it is.
            if len(rows) >= grid_rows(max_rows):
                raise FileRefused(
                    f"{name}: the file goes on past line {reader.line_num:,}, beyond the {max_rows:,} rows of data an "
                    "upload may hold."
                )
            rows.append(row)
    except csv.Error as exc:
        raise FileRefused(f"{name}: the CSV file could not be read ({exc}).") from None
    stem = Path(name).stem
    head = rows[:HEADER_SEARCH_ROWS]
    more = iter(rows[HEADER_SEARCH_ROWS:]) if len(rows) > HEADER_SEARCH_ROWS else None
    return RawSheet(
        name=stem,
        rows=head,
        row_numbers=list(range(1, len(rows) + 1)),
        more=more,
        file_name=name,
        decimal_mark=DECIMAL_MARKS.get(delimiter, ""),
    )
