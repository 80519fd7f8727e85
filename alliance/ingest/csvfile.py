"""Read a CSV file in the reading process: its encoding, its delimiter (which says how it writes numbers), its rows."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from alliance.ingest.limits import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, FileRefused, grid_rows

# A CSV's delimiter says how it writes numbers: Excel writes ";" where the decimal mark is a comma
# (most European locales). A tab-delimited file says neither: it has no convention.
DECIMAL_MARKS = {",": ".", ";": ","}
# Rows handed over at a time: the rows of a file are never all held at once.
CHUNK_ROWS = 16_384


def _text_encoding(data: bytes, name: str) -> str:
    """A CSV's encoding: UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in data[:65536]:
        raise FileRefused(f"{name}: this is not a CSV file or an .xlsx workbook.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"  # decodes every byte


def read_csv(path: Path, name: str, max_rows: int = MAX_ROWS) -> tuple[dict, Iterator[list[list]]]:
    """The file as one sheet named after it: its placement and its rows, a chunk at a time.

    Refused (FileRefused, raised while the rows are read) past the columns, values or rows an upload may hold.
    """
    data = path.read_bytes()
    encoding = _text_encoding(data, name)
    sample = data[:65536].decode(encoding, errors="ignore")[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    placement = {
        "name": Path(name).stem,
        "first_row": 1,
        "first_column": 0,
        # How the file writes numbers as text: "." for a CSV delimited by "," (1,250,000.5), "," for one delimited
        # by ";" (1.250.000,5), "" when it does not say (a tab-delimited file, like a workbook).
        "decimal_mark": DECIMAL_MARKS.get(delimiter, ""),
    }
    return placement, _rows(data, encoding, delimiter, name, max_rows)


def _rows(data: bytes, encoding: str, delimiter: str, name: str, max_rows: int) -> Iterator[list[list]]:
    # Decoded line by line as csv reads, so the whole text is never held a second time.
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""), delimiter=delimiter)
    chunk: list[list] = []
    cells = count = 0
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
            if count >= grid_rows(max_rows):
                raise FileRefused(
                    f"{name}: the file goes on past line {reader.line_num:,}, beyond the {max_rows:,} rows of data an "
                    "upload may hold."
                )
            count += 1
            chunk.append(row)
            if len(chunk) == CHUNK_ROWS:
                yield chunk
                chunk = []
    except csv.Error as exc:
        raise FileRefused(f"{name}: the CSV file could not be read ({exc}).") from None
    if chunk:
        yield chunk
