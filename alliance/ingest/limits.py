"""The limits an upload is held to, and the refusal that names the one it broke.

Read by both sides of the reading process (alliance.ingest.read starts it, alliance.ingest.child is it),
so nothing here imports more than the standard library.
"""

import os

from alliance import AllianceError

MAX_FILE_MB = float(os.environ.get("ALLIANCE_MAX_FILE_MB", "50"))
MAX_UNCOMPRESSED_MB = float(os.environ.get("ALLIANCE_MAX_UNCOMPRESSED_MB", "400"))
# Highest compression ratio accepted for a member over 1 MB; real sheets stay far below it.
MAX_RATIO = 200
# The grid an upload sheet may use. The real workload is 100,000 rows x 12 columns (1.2 million
# cells); a sheet of 3 million cells needs about 360 MB to read (bench workbook, 250,000 rows).
# MAX_ROWS counts rows of data, below the header: validation counts them once it has found the header
# (alliance.ingest.validate); before that, the reader refuses a sheet reaching past grid_rows(), where not
# even a header in the last row searched for one leaves MAX_ROWS below it.
MAX_COLUMNS = 200
MAX_ROWS = 1_000_000
MAX_CELLS = int(os.environ.get("ALLIANCE_MAX_CELLS", "3000000"))
# Distinct texts a workbook may declare or hold: calamine reserves room for every declared one.
MAX_SHARED_STRINGS = MAX_CELLS
# A sheet's header is looked for in its first rows.
HEADER_SEARCH_ROWS = 200


def grid_rows(max_rows: int = MAX_ROWS) -> int:
    """The rows a sheet may reach: `max_rows` of data below a header that may sit in any of the first
    HEADER_SEARCH_ROWS (title rows above it)."""
    return max_rows + HEADER_SEARCH_ROWS


def max_mb() -> float:
    """The reading process's address-space limit in MB (ALLIANCE_PARSE_MAX_MB, default 512)."""
    return float(os.environ.get("ALLIANCE_PARSE_MAX_MB", "512"))


def max_seconds() -> float:
    """Seconds a file's reading may take, its cells' conversion included (ALLIANCE_PARSE_MAX_SECONDS, default 10)."""
    return float(os.environ.get("ALLIANCE_PARSE_MAX_SECONDS", "10"))


class FileRefused(AllianceError):
    """The file cannot be read at all: wrong kind, too large, damaged or hostile."""


def column_letters(number: int) -> str:
    """Spreadsheet column letters for a 1-based column number (1 = A, 200 = GR)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def short(exc: BaseException) -> str:
    """The first line of an error's message, at most 160 characters."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
