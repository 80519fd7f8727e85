"""Read an .xlsx workbook in the reading process: refuse what is unsafe before calamine allocates for it, then
hand over each upload sheet's cells a chunk of rows at a time.

Refused before the parse: a zip archive's declared uncompressed size (zip bombs), another kind of file in a zip
(.ods, .xlsb), the number of shared strings, and the grid each sheet's cell references imply (a streaming scan of
its XML). Only the sheets of the upload format are parsed (their names' keys come with the request,
alliance.schema.sheet_keys); the others are named, unread, so that validation can say they were ignored.
"""

import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator
from itertools import islice
from pathlib import Path

import python_calamine

from alliance.ingest.limits import (
    HEADER_SEARCH_ROWS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_SHARED_STRINGS,
    MAX_UNCOMPRESSED_MB,
    FileRefused,
    column_letters,
    grid_rows,
    short,
)
from alliance.text import key

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
# Cells converted to Python at a time (a chunk of rows): the converted cells of a sheet are never all held at once.
CHUNK_CELLS = 1 << 18
# Empty rows above a sheet's data are generated one by one by calamine's row iterator: above this many,
# the sheet is converted whole instead.
_MAX_SKIPPED_ROWS = 1000


def read_workbook(
    path: Path,
    name: str,
    sheet_keys: Collection[str],
    max_rows: int = MAX_ROWS,
    refuse_now: Callable[[str], None] | None = None,
) -> list[tuple[dict, "SheetRows | None"]]:
    """Check and parse a workbook; return each sheet's placement and its rows, a chunk at a time (None: not read).

    Only the sheets whose names' keys (alliance.text.key) are among `sheet_keys` are read. `refuse_now`, called
    from the scan of a large sheet beside the parse, stops everything at once with a refusal.
    """
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
    wanted = {i for i, sheet_name in enumerate(sheet_names) if key(sheet_name) in sheet_keys}
    members = {sheet_names[i]: targets[sheet_names[i]] for i in sorted(wanted) if targets.get(sheet_names[i]) in sizes}
    scan = _Scan(path, name, members, max_rows)
    if sum(sizes[member] for member in scan.members.values()) <= _SCAN_FIRST_BYTES:
        scan.run()
        scan.check()
    else:
        scan.refuse_now = refuse_now
        scan.start()
    return _parse(workbook, name, sheet_names, wanted, scan, max_rows)


def _parse(workbook, name: str, sheet_names: list[str], wanted: set[int], scan: "_Scan", max_rows: int) -> list:
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
                sheets.append(({"name": sheet_name}, None))
                continue
            sheet = parsed[index]
            _check_extent(sheet, name, sheet_name, max_rows)
            start_row, start_col = sheet.start or (0, 0)
            placement = {
                "name": sheet_name,
                "first_row": start_row + 1,
                "first_column": start_col,
                "merged": [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])],
                "formula_cells": scan.formulas.get(sheet_name, []),
            }
            sheets.append((placement, SheetRows(sheet, name, sheet_name)))
        return sheets
    except FileRefused:
        raise
    except BaseException as exc:  # calamine raises its own errors and, on some damaged files, a panic
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        raise FileRefused(f"{name}: the workbook could not be read ({short(exc)}).") from None


class SheetRows:
    """A parsed sheet's rows from its first filled one, converted to Python a chunk at a time when iterated."""

    def __init__(self, sheet, name: str, sheet_name: str):
        self.sheet, self.name, self.sheet_name = sheet, name, sheet_name
        self.count = 0 if sheet.start is None else sheet.end[0] - sheet.start[0] + 1
        # Whether a part of the rows is converted alone: a sheet whose data starts far down is converted whole
        # (_rows), whatever part of it is asked for.
        self.parts_alone = sheet.start is not None and sheet.start[0] <= _MAX_SKIPPED_ROWS

    def __iter__(self) -> Iterator[list[list]]:
        return _rows(self.sheet, self.name, self.sheet_name)

    def part(self, first: int, stop: int | None = None) -> Iterator[list[list]]:
        """Rows `first` to `stop` (counted from the first filled one), a chunk at a time."""
        return _rows(self.sheet, self.name, self.sheet_name, first, stop)


def _rows(sheet, name: str, sheet_name: str, first: int = 0, stop: int | None = None) -> Iterator[list[list]]:
    """The sheet's rows `first` to `stop` from its first filled one, converted to Python a chunk at a time."""
    try:
        if sheet.start is None:
            return
        start_row, start_col = sheet.start
        end_row, end_col = sheet.end
        size = max(1, CHUNK_CELLS // (end_col - start_col + 1))
        if start_row > _MAX_SKIPPED_ROWS:
            rows = sheet.to_python(skip_empty_area=True)[first:stop]
            for at in range(0, len(rows), size):
                yield rows[at : at + size]
            return
        more = sheet.iter_rows()
        for _ in range(start_row + first):  # the iterator starts at the sheet's first row, not its data
            next(more)
        if stop is not None:
            more = islice(more, max(0, stop - first))
        while chunk := list(islice(more, size)):
            yield chunk
    except BaseException as exc:  # calamine converts cells here; a damaged cell may raise
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError, GeneratorExit)):
            raise
        raise FileRefused(f"{name}: the workbook could not be read (sheet {sheet_name!r}: {short(exc)}).") from None


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
