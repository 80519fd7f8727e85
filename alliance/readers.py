"""Read uploaded workbooks and CSV files safely into raw sheets of cells.

Everything that can be refused is refused before a parser sees the file: size, kind (by content,
not by name), and a zip archive's declared uncompressed size (zip bombs).
"""

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import python_calamine

from alliance import AllianceError

MAX_FILE_MB = float(os.environ.get("ALLIANCE_MAX_FILE_MB", "50"))
MAX_UNCOMPRESSED_MB = float(os.environ.get("ALLIANCE_MAX_UNCOMPRESSED_MB", "400"))
# Highest compression ratio accepted for a member over 1 MB; real sheets stay far below it.
MAX_RATIO = 200

TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ""}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_VALUE = re.compile(rb"<v>([^<]+)</v>")
# A sheet's header is looked for in its first rows; a workbook's rows after these are converted
# to Python only when validation reaches them.
HEADER_SEARCH_ROWS = 200
# Empty rows above a sheet's data are generated one by one by a lazy read: above this many, the
# sheet is read whole instead.
_MAX_LAZY_OFFSET = 1000


class FileRefused(AllianceError):
    """The file cannot be read at all: wrong kind, too large, damaged or hostile."""


@dataclass
class RawSheet:
    """A sheet's cells as read, with the spreadsheet row number of each row.

    `rows` holds every row, or, for a long workbook sheet, the first HEADER_SEARCH_ROWS: the rest
    wait in `more` until `blocks()` converts them.
    """

    name: str
    rows: list[list]
    row_numbers: list[int]
    first_column: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formula_cells: list[tuple[str, str]] = field(default_factory=list)
    more: Iterator[list] | None = field(default=None, repr=False, compare=False)
    file_name: str = field(default="", repr=False, compare=False)  # for messages about `more`
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
        except BaseException as exc:  # calamine converts cells here; a damaged cell may raise
            if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError, GeneratorExit)):
                raise
            raise FileRefused(
                f"{self.file_name or self.name}: the workbook could not be read (sheet {self.name!r}: {_short(exc)})."
            ) from None


def read_upload(path: str | os.PathLike, name: str | None = None, max_mb: float | None = None) -> list[RawSheet]:
    """Read an .xlsx workbook or a .csv file into raw sheets, refusing what is unsafe."""
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
        return _read_workbook(path, name)
    if head.startswith(OLE2_MAGIC):
        raise FileRefused(_ole2_message(path, name))
    if Path(name).suffix.lower() not in TEXT_SUFFIXES:
        raise FileRefused(
            f"{name}: this is not an .xlsx workbook or a .csv file (its content is neither); "
            "upload the register as .xlsx, or one sheet as .csv."
        )
    return [_read_csv(path.read_bytes(), name)]


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


def _read_workbook(path: Path, name: str) -> list[RawSheet]:
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive, name)
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                raise FileRefused(f"{name}: this is an OpenDocument (.ods) spreadsheet. Save it as .xlsx and upload it again.")
            if "xl/workbook.bin" in names:
                raise FileRefused(f"{name}: this is a binary (.xlsb) workbook. Save it as .xlsx and upload it again.")
            if "xl/workbook.xml" not in names:
                raise FileRefused(f"{name}: this is a zip archive, not an Excel workbook.")
            targets = _sheet_targets(archive)
    except zipfile.BadZipFile:
        raise FileRefused(f"{name}: the workbook is damaged (not a readable zip archive).") from None
    # The scan for formulas without values decompresses the sheets again; zlib releases the GIL,
    # so it runs beside calamine's parse instead of after it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        scan = pool.submit(_formulas_without_value, path, targets)
        sheets = _parse(path, name)
        formulas = scan.result()
    for sheet in sheets:
        sheet.formula_cells = formulas.get(sheet.name, [])
    return sheets


def _parse(path: Path, name: str) -> list[RawSheet]:
    from alliance.validate import match_sheet

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = []
        for sheet_name in workbook.sheet_names:
            if match_sheet(sheet_name, exact_only=True) is None:
                # Not a sheet of the upload format: validation names it as ignored, unread.
                sheets.append(RawSheet(name=sheet_name, rows=[], row_numbers=[]))
                continue
            sheet = workbook.get_sheet_by_name(sheet_name)
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
                    more=more if sheet.height > len(rows) else None,
                    file_name=name,
                )
            )
        workbook.close()
        return sheets
    except FileRefused:
        raise
    except BaseException as exc:  # calamine raises its own errors and, on some damaged files, a panic
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        raise FileRefused(f"{name}: the workbook could not be read ({_short(exc)}).") from None


def _formulas_without_value(path: Path, targets: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Return, per sheet of the upload format, cells whose value calamine would read as blank:
    formulas with no saved value, and spreadsheet errors (#N/A ...), as (cell, error text or "")."""
    from alliance.validate import match_sheet

    found: dict[str, list[tuple[str, str]]] = {}
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        return found
    with archive:
        for sheet_name, member in targets.items():
            if match_sheet(sheet_name) is None:
                continue
            try:
                if not _may_hold_formulas(archive, member):
                    continue
                data = archive.read(member)
            except (KeyError, OSError, zipfile.BadZipFile, EOFError, ValueError):
                continue
            for match in _CELL.finditer(data):
                attributes, inner = match.group(1), match.group(2) or b""
                if (b"<f" in inner and not _VALUE.search(inner)) or b't="e"' in attributes:
                    ref = _REF.search(attributes)
                    error = _VALUE.search(inner) if b't="e"' in attributes else None
                    found.setdefault(sheet_name, []).append(
                        (ref.group(1).decode() if ref else "?", error.group(1).decode(errors="replace") if error else "")
                    )
    return found


def _may_hold_formulas(archive: zipfile.ZipFile, member: str) -> bool:
    """Whether a sheet's XML holds a formula or an error cell, read in 1 MB pieces.

    Most sheets hold neither; streaming the search keeps a 100,000-row sheet (tens of MB of
    XML) out of memory, so it does not slow the parse that runs beside it.
    """
    tail = b""
    with archive.open(member) as stream:
        while piece := stream.read(1 << 20):
            window = tail + piece
            if b"<f" in window or b't="e"' in window:
                return True
            tail = window[-5:]
    return False


def _sheet_targets(archive: zipfile.ZipFile) -> dict[str, str]:
    from defusedxml import ElementTree

    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return {}
    rel_target = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        rel_target[rel.get("Id")] = target
    result = {}
    for element in workbook.iter():
        if element.tag.endswith("}sheet") or element.tag == "sheet":
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            if rid in rel_target:
                result[element.get("name")] = rel_target[rid]
    return result


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def decode_text(data: bytes, name: str) -> str:
    """Decode a CSV's bytes: UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in data[:65536]:
        raise FileRefused(f"{name}: this is not a CSV file or an .xlsx workbook.")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(f"{name}: the text encoding could not be read.")  # unreachable: latin-1 decodes all


def _read_csv(data: bytes, name: str) -> RawSheet:
    text = decode_text(data, name)
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [row for row in reader]
    except csv.Error as exc:
        raise FileRefused(f"{name}: the CSV file could not be read ({exc}).") from None
    stem = Path(name).stem
    return RawSheet(name=stem, rows=rows, row_numbers=list(range(1, len(rows) + 1)))
