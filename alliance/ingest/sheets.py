"""A sheet as read: its cells as an Arrow table, and where they lie in the spreadsheet.

The reading process writes a sheet's cells as Arrow (alliance.ingest.arrow_ipc): one Arrow column per
spreadsheet column and type of cell it holds, named `<position>:<kind>` ("1:str", "1:date"), each null where
a cell is of another type. Validation reads them column by column (alliance.ingest.validate).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa

from alliance.ingest.arrow_ipc import encode

ARROW_TYPES = {
    "str": pa.string(),
    "float": pa.float64(),
    "int": pa.int64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
    "time": pa.time64("us"),
    "duration": pa.duration("us"),
}


@dataclass
class RawSheet:
    """A sheet's cells as read, with the spreadsheet row number of the first row and the column of the first cell."""

    name: str
    cells: pa.Table | None = None  # None: not read (not a sheet of the upload format)
    num_rows: int = 0
    width: int = 0  # spreadsheet columns, from the first filled one
    first_row: int = 1
    first_column: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formula_cells: list[tuple[str, str]] = field(default_factory=list)
    # How the file writes numbers as text: "." for a CSV delimited by "," (1,250,000.5), "," for one delimited by ";"
    # (1.250.000,5), "" for a workbook, which has no convention of its own: a text cell must then read as one number
    # whichever way it is taken.
    decimal_mark: str = ""
    file_name: str = ""

    @property
    def row_numbers(self) -> range:
        """The spreadsheet row number of each row."""
        return range(self.first_row, self.first_row + self.num_rows)

    def parts(self, position: int) -> list[tuple[str, pa.ChunkedArray]]:
        """The Arrow columns holding spreadsheet column `position` (0: the first filled one), one per kind of cell."""
        if self.cells is None:
            return []
        prefix = f"{position}:"
        return [(name[len(prefix) :], self.cells.column(name)) for name in self.cells.column_names if name.startswith(prefix)]

    def rows(self, start: int = 0, stop: int | None = None) -> list[list]:
        """Rows `start` to `stop` as Python values, each `width` long (None where a row had no cell)."""
        stop = self.num_rows if stop is None else min(stop, self.num_rows)
        if start >= stop:
            return []
        count = stop - start
        columns = []
        for position in range(self.width):
            merged = [None] * count
            for _, column in self.parts(position):
                for i, value in enumerate(column.slice(start, count).to_pylist()):
                    if value is not None:
                        merged[i] = value
            columns.append(merged)
        return [list(row) for row in zip(*columns)] if columns else [[] for _ in range(count)]


def cells_table(rows: list[list]) -> tuple[pa.Table, int]:
    """Rows of cells (of any length) as an Arrow table of cell columns, and its width; written as the reading process writes them."""
    width = max(map(len, rows), default=0)
    if any(len(row) < width for row in rows):
        rows = [list(row) + [None] * (width - len(row)) for row in rows]
    arrays, names = [], []
    # Column by column: a comprehension a column takes half the time zip(*rows) takes to turn the rows.
    for position, cells in enumerate([row[j] for row in rows] for j in range(width)):
        for kind, nulls, buffers in encode(cells):
            # No validity bitmap (b""): nothing is null.
            buffers = [None if i == 0 and not b else pa.py_buffer(b) for i, b in enumerate(buffers)]
            arrays.append(pa.Array.from_buffers(ARROW_TYPES[kind], len(rows), buffers, null_count=nulls))
            names.append(f"{position}:{kind}")
    return pa.table(arrays, names=names) if arrays else pa.table({}), width


def from_rows(name: str, rows: Iterable[list], decimal_mark: str = "") -> RawSheet:
    """A sheet held in memory (the built-in and demo data), as if read from a file."""
    rows = list(rows)
    table, width = cells_table(rows)
    return RawSheet(name, table, num_rows=len(rows), width=width, decimal_mark=decimal_mark)
