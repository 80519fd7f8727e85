"""Validate raw sheets against the upload contract, collecting every problem before reporting."""

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from alliance.readers import HEADER_SEARCH_ROWS, MAX_ROWS, RawSheet
from alliance.reference import Reference
from alliance.schema import EXTRA_COLUMNS, KPI_BREAKDOWNS, KPI_PATH_PATTERN, KPI_PATHS, LOAD_ORDER, SHEETS, Column, Sheet
from alliance.text import key, unescape_formula
from alliance.words import day
from alliance.workbook import TEMPLATE_SHEETS

# Other headers people use for a contract column.
COLUMN_ALIASES = {
    "eois": {"id": "eoi_id", "date_received": "received_on", "received": "received_on", "organization_name": "organization"},
    "centers": {"id": "center_id", "center_name": "name", "type": "center_type", "launch_date": "launched_on"},
    "events": {"id": "event_id", "date": "start_date", "type": "event_type", "trained": "trained_certified"},
    "activities": {"id": "activity_id", "initiative": "regional_initiative", "product_line": "product"},
    "milestones": {
        "id": "milestone_id",
        "due": "due_on",
        "due_date": "due_on",
        "completed": "completed_on",
        "announced": "announced_on",
    },
    "resources": {"id": "resource_id", "amount": "amount_usd", "kind_of_resource": "kind", "region": "for_region"},
    "reported": {"id": "reported_id", "from": "from_date", "figure": "value", "kpi_path": "kpi"},
}
_COMMON_ALIASES = {"country_name": "country", "capability": "capabilities", "strategic_capabilities": "capabilities"}

SPREADSHEET_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%d/%m/%y",
    "%d.%m.%y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%d-%b-%Y",
    "%d-%B-%Y",
    "%Y/%m/%d",
)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
# Plausible values only (the contract, section 1): anything else is a slip of the keyboard, refused.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
MAX_AMOUNT = 100_000_000_000  # an amount in USD, a target, a count
_LIST_SPLIT = re.compile(r"[;,]")
_EXCEL_EPOCH = date(1899, 12, 30)
_EMPTY = frozenset({None, ""})
_BLOCK_ROWS = 512
_TEMPLATE_KEYS = frozenset(key(name) for name in TEMPLATE_SHEETS)
# No text may hold these: C0 controls but tab, line feed and carriage return; DEL; C1 controls; lone
# surrogates; and the two non-characters. XML (so the Word report) refuses most of them, and every view
# hides them. Each is refused at load, the cell named, rather than removed: nothing changes unseen.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# The same but NUL, which separates the cells _convert_cells searches at once.
_CONTROL_BUT_NUL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# An upload's problems are listed up to PROBLEMS_LISTED in all and PROBLEMS_PER_COLUMN per sheet and
# column; past either, one line per sheet and column says how many more there are. A sheet of 200,000
# error cells once gave 1,400,000 problems, 33 s and 3.3 GB. Every problem row of a small file is named.
PROBLEMS_LISTED = 1000
PROBLEMS_PER_COLUMN = 100


def _cut(text, limit: int):
    """Control characters shown as escapes, then at most `limit` characters ('...' marks a cut)."""
    text = visible(text)
    if isinstance(text, str) and len(text) > limit:
        return text[: limit - 3] + "..."
    return text


def visible(text: str) -> str:
    """Show control characters as escapes (\\x0b), so that a message never carries one."""
    if not isinstance(text, str) or not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


@dataclass
class Problem:
    """One thing wrong in an upload, located as the spreadsheet shows it."""

    sheet: str
    row: int | None
    column: str
    value: str
    problem: str
    suggestion: str = ""  # the closest allowed value, or several joined by " or "
    alternatives: tuple[str, ...] = ()  # the suggested values one by one, when there are several

    def __post_init__(self):
        if isinstance(self.suggestion, (list, tuple)):
            self.alternatives = tuple(_cut(s, 100) for s in self.suggestion)
            self.suggestion = " or ".join(self.alternatives)
        # A problem quotes cells and headers: what it shows or prints never carries a control character.
        # A cell can hold 32,767 characters and a crafted file repeats it in every row: each part is
        # cut to a length a person reads, so a rejection stays small whatever the file holds.
        self.sheet, self.column, self.value = _cut(self.sheet, 100), _cut(self.column, 100), _cut(self.value, 200)
        self.problem, self.suggestion = _cut(self.problem, 400), _cut(self.suggestion, 200)

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}" if self.row else self.sheet
        text = f"{where}, {self.column}: {self.problem}" if self.column else f"{where}: {self.problem}"
        if self.alternatives:
            return text + f" (did you mean {' or '.join(map(repr, self.alternatives))}?)"
        return text + (f" (did you mean {self.suggestion!r}?)" if self.suggestion else "")

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "problem": self.problem,
            "suggestion": self.suggestion,
            "message": str(self),
        }


class Problems(list):
    """Problems in the order found, up to PROBLEMS_LISTED in all and PROBLEMS_PER_COLUMN per sheet and column.

    Past either limit a problem is counted, not kept: its sheet and column get one line, "... and 199,000
    more problems in this column", placed where the first one left out would have been. `total` counts all.
    """

    def __init__(self, problems=()):
        super().__init__()
        self.limit, self.per_column = PROBLEMS_LISTED, PROBLEMS_PER_COLUMN
        self.total = self.listed = 0
        self._per_column: Counter = Counter()
        self._more: dict[tuple[str, str], Problem] = {}
        self._more_count: Counter = Counter()
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        self.total += 1
        where = (problem.sheet, problem.column)
        if self.listed < self.limit and self._per_column[where] < self.per_column:
            self.listed += 1
            self._per_column[where] += 1
            super().append(problem)
            return
        # A column never listed (a merged range, a cell reference) joins its sheet's line: lines stay few.
        if where not in self._per_column:
            where = (problem.sheet, "")
        self._more_count[where] += 1
        count = self._more_count[where]
        text = f"... and {count:,} more problems in this {'column' if where[1] else 'sheet'}, not listed"
        if where in self._more:
            self._more[where].problem = text
        else:
            self._more[where] = Problem(where[0], None, where[1], "", text)
            super().append(self._more[where])

    def extend(self, problems) -> None:
        for problem in problems:
            self.append(problem)

    def __reduce__(self):
        # Pickled as it stands (a validation may cross to another process): unpickling must not count again.
        return _restore_problems, (list(self), self.__dict__.copy())


def _restore_problems(items: list, state: dict) -> Problems:
    problems = Problems()
    list.extend(problems, items)
    problems.__dict__.update(state)
    return problems


@dataclass
class SheetData:
    """A validated sheet: the columns it provides and its rows as Python values."""

    sheet: Sheet
    source_name: str
    columns: list[str]
    values: dict[str, list]
    row_numbers: list[int]
    # What the file held in each converted (not text) column, row by row; kept only when asked
    # (the Upload page's preview shows it beside the stored value).
    file_values: dict[str, list] = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple]:
        return list(zip(*(self.values[name] for name in self.columns)))


@dataclass
class Validation:
    sheets: dict[str, SheetData] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    notices: list[str] = field(default_factory=list)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    snapshot: str = ""  # the store snapshot the sheets were checked against
    empty_sheets: list[str] = field(default_factory=list)  # a header and no rows: they change nothing
    template_sheets: list[str] = field(default_factory=list)  # our template's own sheets, ignored without a notice


class _Invalid(Exception):
    def __init__(self, problem: str, suggestion: str | tuple[str, ...] = ""):
        self.problem = problem
        self.suggestion = suggestion


class _Conversions(dict):
    """Each distinct cell value of a column, converted on first sight (an _Invalid if it fails)."""

    def __init__(self, column: Column, ref: Reference, decimal_mark: str = ""):
        super().__init__()
        self.column, self.ref, self.decimal_mark = column, ref, decimal_mark
        self.failing: set[object] = set()  # the cells that give a problem

    def __missing__(self, cell):
        try:
            value = _convert(cell, self.column, self.ref, self.decimal_mark)
        except _Invalid as invalid:
            value = invalid
        if isinstance(value, _Invalid) or (value is None and self.column.required):
            self.failing.add(cell)
        self[cell] = value
        return value


def match_sheet(name: str, exact_only: bool = False) -> Sheet | None:
    """Return the contract sheet a sheet or file name stands for, if any."""
    wanted = key(name)
    for sheet in SHEETS.values():
        if wanted in {sheet.table, key(sheet.label), *sheet.aliases}:
            return sheet
    if exact_only:
        return None
    prefixed = [s for s in SHEETS.values() if re.match(rf"^({s.table}|{key(s.label)})(_|$|\()", wanted)]
    return prefixed[0] if len(prefixed) == 1 else None


def validate(
    raw_sheets: list[RawSheet],
    ref: Reference,
    csv_file: bool = False,
    replace: bool = False,
    keep_file_values: bool = False,
    max_rows: int = MAX_ROWS,
) -> Validation:
    """Check every sheet of an upload; return its clean rows and every problem found.

    With keep_file_values, each sheet also keeps what the file held in its converted columns. A sheet
    may hold `max_rows` rows of data below its header.
    """
    result = Validation()
    seen: dict[str, str] = {}
    order = {table: i for i, table in enumerate(LOAD_ORDER)}
    matched = [(match_sheet(raw.name, exact_only=not csv_file), raw) for raw in raw_sheets]
    # Reference sheets first: an upload may add the initiative its activities use.
    matched.sort(key=lambda pair: order[pair[0].table] if pair[0] else -1)
    for sheet, raw in matched:
        if sheet is None:
            if csv_file:
                names = ", ".join(f"{s.table}.csv" for s in SHEETS.values())
                result.problems.append(
                    Problem(
                        raw.name, None, "", raw.name, f"the file name does not say which sheet it holds; name it one of {names}"
                    )
                )
            elif key(raw.name) in _TEMPLATE_KEYS:
                # Our own template's instructions and drop-down lists: expected, so not worth a notice.
                result.template_sheets.append(visible(raw.name.strip()))
            else:
                result.notices.append(f"Sheet '{visible(raw.name)}' is not part of the upload format and was ignored.")
            continue
        if sheet.table in seen:
            result.problems.append(
                Problem(
                    raw.name, None, "", raw.name, f"sheet '{seen[sheet.table]}' already holds {sheet.label}; keep one of them"
                )
            )
            continue
        seen[sheet.table] = raw.name
        _validate_sheet(raw, sheet, ref, result, keep_file_values, max_rows)
    if not seen and not result.problems:
        expected = ", ".join(s.label for s in SHEETS.values())
        found = ", ".join(f"'{raw.name.strip()}'" for raw in raw_sheets) or "none"
        result.problems.append(
            Problem(
                "(workbook)",
                None,
                "",
                "",
                f"no sheet of the upload format was found (sheets found: {found}); expected one of: {expected}",
            )
        )
    if result.empty_sheets and replace:  # without replace, the counts say they were ignored
        names = ", ".join(f"'{name}'" for name in result.empty_sheets)
        one = len(result.empty_sheets) == 1
        result.notices.append(
            f"Sheet{'' if one else 's'} {names} {'has' if one else 'have'} a header but no rows: "
            f"{'it changes' if one else 'they change'} nothing, even with replace."
        )
    reference_problems(result, ref.existing_eois, ref.existing_center_eois, replace, into=result.problems)
    return result


def _validate_sheet(
    raw: RawSheet, sheet: Sheet, ref: Reference, result: Validation, keep_file_values: bool = False, max_rows: int = MAX_ROWS
) -> None:
    label = visible(raw.name.strip())
    # A sheet's own column (the Reported sheet's required source) wins over the optional extra one.
    columns = {c.name: c for c in (*EXTRA_COLUMNS, *sheet.columns)}
    aliases = {**_COMMON_ALIASES, **COLUMN_ALIASES.get(sheet.table, {})}
    header_index = _header_index(raw.rows, columns, aliases)
    if header_index is None:
        result.notices.append(f"Sheet '{label}' is empty and was ignored.")
        return
    header_row = raw.row_numbers[header_index]
    # The limit counts rows of data: every row below the header to the sheet's last, never the header or title rows
    # above it. Refused before any of them is converted.
    below = raw.row_numbers[-1] - header_row
    if below > max_rows:
        result.problems.append(
            Problem(
                label,
                None,
                "",
                "",
                f"the sheet has {below:,} rows of data below its header (row {header_row:,}); an upload sheet may hold "
                f"at most {max_rows:,}: load it in parts",
            )
        )
        return
    positions: dict[str, int] = {}
    ignored = []
    for position, header in enumerate(raw.rows[header_index]):
        if _blank(header):
            continue
        name = key(header)
        name = name if name in columns else aliases.get(name, name)
        if name not in columns:
            ignored.append(visible(str(header).strip()))
        elif name in positions:
            result.problems.append(Problem(label, header_row, str(header).strip(), str(header), "this column appears twice"))
        else:
            positions[name] = position
    if ignored:
        result.ignored_columns[sheet.table] = ignored
        result.notices.append(f"Sheet '{label}': column(s) {', '.join(ignored)} are not part of the format and were ignored.")
    missing = [c.name for c in sheet.columns if c.required and c.name not in positions]
    for name in missing:
        result.problems.append(Problem(label, header_row, name, "", "this required column is missing"))
    if missing:
        return

    # A cell holding a spreadsheet error reads as blank: it is named once, as the error.
    reported = _check_cells(raw, sheet, header_index, label, result)
    # Each distinct cell value of a column is converted once: a 100,000-row sheet holds few.
    # A block of rows at a time: its cells are still in the processor's cache when each column
    # converts them. Measured on the bench's 100,000 rows: 0.18 to 0.21 s in blocks of 512 rows,
    # 0.35 to 0.48 s in one block.
    present = list(positions)
    conversions = {name: _Conversions(columns[name], ref, raw.decimal_mark) for name in present}
    values: dict[str, list] = {name: [] for name in present}
    # Text columns hold what the file said, trimmed; the others are kept as the file held them.
    file_values: dict[str, list] = {name: [] for name in present if columns[name].kind != "text"} if keep_file_values else {}
    numbers: list[int] = []
    blank_rows: set[int] = set()
    # A fact whose source gives no date (date_precision "not_stated", as the built-in records use it)
    # is kept undated, out of every period's counts, rather than given an invented date.
    undatable, undated = "date_precision" in positions, []
    for first, block in raw.blocks(header_index + 1, _BLOCK_ROWS):
        block_numbers = raw.row_numbers[first : first + len(block)]
        # any() is a fast first test for an empty row; rows it calls empty are checked exactly.
        filled = list(map(any, block))
        if not all(filled):
            keep = [i for i, f in enumerate(filled) if f or not _EMPTY.issuperset(block[i])]
            block, block_numbers = [block[i] for i in keep], [block_numbers[i] for i in keep]
        if not block:
            continue
        offset, bad = len(numbers), []
        numbers.extend(block_numbers)
        widths = set(map(len, block))
        if len(widths) > 1:
            width = max(widths)
            block = [list(row) + [None] * (width - len(row)) for row in block]
        transposed = list(zip(*block))
        for name in present:
            converted_of, position = conversions[name], positions[name]
            cells = transposed[position] if position < len(transposed) else (None,) * len(block)
            converted, slow = _convert_cells(cells, converted_of)
            if name in file_values:
                file_values[name].extend(cells)
            if converted_of.failing:
                for i in slow:
                    cell = cells[i]
                    if cell in converted_of.failing:
                        value = converted_of[cell]
                        if isinstance(value, _Invalid):
                            problem = Problem(label, block_numbers[i], name, _show(cell), value.problem, value.suggestion)
                            converted[i] = None
                        elif (block_numbers[i], position) in reported:
                            continue
                        elif undatable and converted_of.column.kind == "date":
                            undated.append((block_numbers[i], name))  # allowed where the row says its date is not stated
                            continue
                        else:
                            problem = Problem(label, block_numbers[i], name, "", "a value is required")
                        bad.append((i, problem))
            values[name].extend(converted)
        if bad:
            # A row of blanks and spaces is empty too: it is dropped, with what was said about it.
            converted_rows = zip(*(values[name][offset:] for name in present))
            blank = {
                i for i, row in enumerate(converted_rows) if row.count(None) == len(row) and all(_blank(v) for v in block[i])
            }
            blank_rows.update(offset + i for i in blank)
            # Handed over a block at a time, so that past the limits they are counted, never held.
            result.problems.extend(problem for i, problem in sorted(bad, key=lambda pair: pair[0]) if i not in blank)
    if raw.decimal_mark == ",":
        _say_decimal_comma(label, conversions.values(), result)
    if blank_rows:
        keep = [i for i in range(len(numbers)) if i not in blank_rows]
        values = {name: [column[i] for i in keep] for name, column in values.items()}
        file_values = {name: [column[i] for i in keep] for name, column in file_values.items()}
        numbers = [numbers[i] for i in keep]
    if not numbers:
        # A header with no rows (a blank template's sheet) changes nothing, even with replace.
        result.empty_sheets.append(label)
        return
    if undated:
        index = {number: i for i, number in enumerate(numbers)}
        for number, name in undated:
            if number in index and values["date_precision"][index[number]] != "not_stated":
                result.problems.append(Problem(label, number, name, "", "a value is required"))
    data = SheetData(sheet, label, present, values, numbers, file_values)
    _check_rows(data, ref, result)
    result.sheets[sheet.table] = data
    if sheet.table in ("initiatives", "outcomes"):
        i, c = present.index("code"), present.index("cycle")
        for row in data.rows:
            if row[i] and row[c]:
                if sheet.table == "initiatives":
                    ref.initiatives[(row[c], row[i])] = row[present.index("region")]
                else:
                    ref.outcomes.add((row[c], row[i]))


def _say_decimal_comma(label: str, conversions, result: Validation) -> None:
    """Say, with one of the sheet's own numbers, that its numbers were read with a decimal comma."""
    for converted_of in conversions:
        if converted_of.column.kind in ("int", "number"):
            for cell, value in converted_of.items():
                if isinstance(cell, str) and isinstance(value, (int, float)) and ("," in cell or "." in cell):
                    result.notices.append(
                        f"Sheet '{label}': numbers were read as a file delimited by ';' writes them, with a decimal "
                        f"comma: {_cut(cell.strip(), 40)!r} is {_figure(value)}."
                    )
                    return


def _convert_cells(cells: tuple, converted_of: _Conversions) -> tuple[list, list[int] | range]:
    """Convert one column's cells; return the values and the indices of cells that may fail."""
    if converted_of.column.kind != "text":
        return list(map(converted_of.__getitem__, cells)), range(len(cells))
    # Ids and names are mostly distinct: trim plain text in one pass; only the rest (numbers,
    # dates, blanks, escaped text, errors) goes through _convert.
    try:
        converted = list(map(str.strip, cells))
        # A few C-level searches find whether any cell is blank, escaped ('), an error (#) or holds a
        # control character (a NUL shows as one separator too many).
        joined = "\x00" + "\x00".join(converted) + "\x00"
        control = bool(_CONTROL_BUT_NUL.search(joined)) or joined.count("\x00") != len(converted) + 1
        if not ("\x00\x00" in joined or "\x00'" in joined or "\x00#" in joined or control):
            return converted, []
    except TypeError:  # not all text: numbers, dates or blanks among them
        converted = [c.strip() if type(c) is str else None for c in cells]
        control = bool(_CONTROL.search("\n".join(t for t in converted if t)))
    search = _CONTROL.search if control else _no_control
    slow = [i for i, t in enumerate(converted) if not t or t[0] in "'#" or search(t)]
    for i in slow:
        converted[i] = converted_of[cells[i]]
    return converted, slow


def _no_control(text: str) -> None:
    return None


def _header_index(rows: list[list], columns: dict, aliases: dict) -> int | None:
    """The header is the first non-empty row; a title row above a real header is skipped."""
    filled = [i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if any(not _blank(v) for v in row)]
    if not filled:
        return None
    for i in filled[:10]:
        known = sum(1 for v in rows[i] if not _blank(v) and (key(v) in columns or key(v) in aliases))
        if known >= 2:
            return i
    return filled[0]


def _check_cells(raw: RawSheet, sheet: Sheet, header_index: int, label: str, result: Validation) -> set[tuple[int, int]]:
    """Report merged cells and formulas without a saved value inside the sheet's data; return the formula
    and error cells named, as (row, position in the sheet's rows)."""
    reported = set()
    header_row0 = raw.row_numbers[header_index] - 1
    for r0, c0, r1, c1 in raw.merged:
        if r1 >= header_row0 and (r0, c0) != (r1, c1):
            cells = f"{_cell_name(r0, c0)}:{_cell_name(r1, c1)}"
            result.problems.append(
                Problem(label, r0 + 1, cells, "", f"cells {cells} are merged; unmerge them and fill every cell")
            )
    for ref, error in raw.formula_cells:
        match = re.match(r"([A-Z]+)(\d+)", ref)
        if not match or int(match.group(2)) - 1 < header_row0:
            continue
        row, position = int(match.group(2)), _column_index(match.group(1)) - raw.first_column
        reported.add((row, position))
        column = _header_name(raw, header_index, position) or ref
        if error:
            result.problems.append(Problem(label, row, column, error, f"cell {ref} holds the spreadsheet error {error}"))
        else:
            result.problems.append(
                Problem(
                    label,
                    row,
                    column,
                    "",
                    f"cell {ref} holds a formula with no saved value; "
                    "open the file in Excel or LibreOffice and save it, or paste the values",
                )
            )
    return reported


def _column_index(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _header_name(raw: RawSheet, header_index: int, position: int) -> str:
    header = raw.rows[header_index]
    if 0 <= position < len(header) and not _blank(header[position]):
        return key(header[position])
    return ""


def _cell_name(row0: int, col0: int) -> str:
    letters = ""
    col = col0 + 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row0 + 1}"


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _show(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return "" if value is None else str(value)


def _convert(value, column: Column, ref: Reference, decimal_mark: str = ""):
    """Return the value a cell stands for in the column's type, None for blank; raise _Invalid.

    decimal_mark is how the file writes numbers as text (see RawSheet.decimal_mark).
    """
    if _blank(value):
        return None
    if isinstance(value, str):
        value = unescape_formula(value.strip())
        if value.upper() in SPREADSHEET_ERRORS:
            raise _Invalid(f"the cell holds the spreadsheet error {value}")
    kind = column.kind
    if kind == "text":
        return _as_text(value)
    if kind == "date":
        return _as_date(value)
    if kind in ("int", "number"):
        return _as_number(value, kind == "int", decimal_mark, column.name.endswith("_usd"))
    if kind == "bool":
        return _as_bool(value)
    text = _as_text(value)
    if kind == "country":
        iso3 = ref.country(text)
        if iso3 is None:
            raise _Invalid(f"{text!r} is not a known country", ref.suggest_country(text) or "")
        return iso3
    if kind == "choice":
        return _as_choice(text, ref.choices[column.choices], column.choices)
    if kind == "capabilities":
        return _as_list(text, ref.choices["capability"], "capability")
    if kind in ("initiative", "code"):
        return text.upper().replace(" ", "")
    if kind == "initiatives":
        return list(dict.fromkeys(p.strip().upper().replace(" ", "") for p in _LIST_SPLIT.split(text) if p.strip()))
    if kind == "outcome":
        code = text.upper()
        if not any(code == c for _, c in ref.outcomes):
            known = ", ".join(sorted({c for _, c in ref.outcomes}))
            raise _Invalid(f"{text!r} is not a known Kigali Action Plan outcome code (known: {known})")
        return code
    if kind == "kpi":
        if text not in ref.kpis:
            raise _Invalid(f"{text!r} is not a KPI code the app lists", _closest(text, ref.kpis))
        return text
    if kind == "region":
        code = ref.region(text)
        if code is None:
            raise _Invalid(f"{text!r} is not an ITU-D region (a code: AFR, AMS, ARB, ASP, CIS, EUR, or its name)")
        return code
    if kind == "kpi_path":
        path = text.replace(" ", "")
        for known in (*KPI_PATHS, *KPI_BREAKDOWNS):
            if path.lower() == known.lower():
                return known
        if re.fullmatch(KPI_PATH_PATTERN, path, flags=re.IGNORECASE):
            head, _, code = path.rpartition(".")
            return f"activities.by_initiative.{code.upper()}"
        raise _Invalid(
            f"{text!r} is not a figure of the KPI summary (one of: {', '.join(KPI_PATHS)}, or a breakdown such as "
            "eois.by_region.AFR, capabilities.TRR.eois or activities.by_initiative.AFR4)"
        )
    if kind == "cycle":
        code = text.upper().replace(" ", "")
        if not re.fullmatch(r"WTDC-?\d{2}", code):
            raise _Invalid(f"{text!r} is not a plan cycle such as WTDC-22")
        code = code if "-" in code else code[:4] + "-" + code[4:]
        if code not in {c for c, _, _ in ref.cycles}:
            raise _Invalid(f"{text!r} is not a plan cycle the app knows ({', '.join(c for c, _, _ in ref.cycles)})")
        return code
    raise AssertionError(kind)


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    control = _CONTROL.search(text)
    if control:
        raise _Invalid(
            f"{text!r} holds the control character {control.group()!r}; "
            "expected text without control characters such as \\v (vertical tab) or \\x00"
        )
    return text


def _as_date(value) -> date:
    read = _read_date(value)
    if not FIRST_DAY <= read <= LAST_DAY:
        raise _Invalid(f"{_show(value)!r} is {day(read)}: dates before 1 January 2000 or after 31 December 2099 are refused")
    return read


def _read_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or isinstance(value, timedelta):
        raise _Invalid(f"{_show(value)!r} is not a date")
    if isinstance(value, (int, float)):
        # An unformatted spreadsheet date stays a serial number.
        # Serials from 1950 to 2099 only: a bare 2023 is a year typed as a number, not a date.
        if 18264 <= value < 73051 and float(value).is_integer():
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise _Invalid(f"{_show(value)!r} is not a date")
    text = str(value).strip()
    match = _ISO.match(text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise _Invalid(f"{text!r} is not a valid date") from None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise _Invalid(f"{text!r} is not a date; write 2023-04-15, 15/04/2023 or 15 April 2023")


_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})


def _as_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise _Invalid(f"{_show(value)!r} is not yes or no", "true or false")


def _as_number(value, whole: bool, decimal_mark: str = "", usd: bool = False):
    if isinstance(value, bool):
        raise _Invalid(f"{_show(value)!r} is not a number")
    # A number cell is a number: it is never read again as text.
    number = value if isinstance(value, (int, float)) else _number_in_text(str(value).strip(), whole, decimal_mark)
    if number != number:
        raise _Invalid(f"{_show(value)!r} is not a number")
    if number < 0:
        raise _Invalid(f"{_show(value)!r} is negative; expected a number of 0 or more")
    if number > MAX_AMOUNT:
        what = "counts above 100 billion" if whole else "amounts above USD 100 billion" if usd else "numbers above 100 billion"
        if number <= 1e15:
            raise _Invalid(f"{_show(value)!r} is {_figure(number)}: {what} are refused as implausible")
        # Far above: a number cell says how far in few digits (1e+300), a text cell as it was written.
        said = str(value).strip() if isinstance(value, str) else f"{number:g}"
        raise _Invalid(f"{_cut(said, 40)!r}: {what} are refused as implausible")
    if whole:
        if not float(number).is_integer():
            raise _Invalid(f"{_show(value)!r} is not a whole number")
        return int(number)
    return float(number)


# Spaces that group thousands as some locales write them: no-break, narrow no-break and thin spaces.
_SPACES = re.compile("[\u00a0\u202f\u2009]")
_NUMBER_LIKE = re.compile(r"[+-]?[0-9., ]*[0-9][0-9., ]*")
# How the two conventions write 1250000.5: "1,250,000.5" and "1.250.000,5"; either may group with spaces.
_CONVENTIONS = {
    ".": "a file delimited by ',' writes numbers as 1,250,000.5 (',' or a space between thousands, '.' before decimals)",
    ",": "a file delimited by ';' writes numbers as 1.250.000,5 ('.' or a space between thousands, ',' before decimals)",
}


def _number_pattern(decimal_mark: str) -> re.Pattern:
    group, mark = re.escape("," if decimal_mark == "." else "."), re.escape(decimal_mark)
    return re.compile(
        r"(?P<sign>[+-]?)"
        rf"(?P<whole>[0-9]{{1,3}}(?:{group}[0-9]{{3}})+|[0-9]{{1,3}}(?: [0-9]{{3}})+|[0-9]*)"
        rf"(?:{mark}(?P<fraction>[0-9]+))?"
        r"(?:[eE](?P<exponent>[+-]?[0-9]+))?"
    )


_NUMBER_PATTERNS = {mark: _number_pattern(mark) for mark in ".,"}


def _reading(text: str, decimal_mark: str) -> float | None:
    """The number `text` writes with this decimal mark, or None when it is not one written so.

    Thousands are grouped by threes after the first one to three digits: 12.5 is no grouping of 125.
    """
    match = _NUMBER_PATTERNS[decimal_mark].fullmatch(text)
    if match is None or not (match["whole"] or match["fraction"]):
        return None
    digits = re.sub("[^0-9]", "", match["whole"]) or "0"
    return float(f"{match['sign']}{digits}.{match['fraction'] or '0'}e{match['exponent'] or '0'}")


def _number_in_text(text: str, whole: bool, decimal_mark: str) -> float:
    """The number a text cell writes, read as its file writes numbers; raise _Invalid if it is none, or
    if a workbook's text could be either of two numbers (a number is never guessed)."""
    if len(text) <= 15 and text.isascii() and text.isdigit():
        return float(text)  # most cells: no sign, separator or exponent
    text = _SPACES.sub(" ", text)
    if decimal_mark:
        number = _reading(text, decimal_mark)
        if number is None:
            hint = f"; {_CONVENTIONS[decimal_mark]}" if _NUMBER_LIKE.fullmatch(text) else ""
            raise _Invalid(f"{text!r} is not a {'whole ' if whole else ''}number{hint}")
        return number
    readings = [n for n in (_reading(text, "."), _reading(text, ",")) if n is not None]
    if not readings:
        raise _Invalid(f"{text!r} is not a {'whole ' if whole else ''}number")
    if readings[0] != readings[-1]:
        raise _Invalid(
            f"{text!r} reads as {_figure(readings[0])} or as {_figure(readings[1])}: "
            "write it as a number cell or without separators"
        )
    return readings[0]


def _figure(number: float) -> str:
    """A number as the upload report writes it: 1,250,000 or 12.5."""
    if float(number).is_integer() and abs(number) < 1e21:
        return f"{int(number):,}"
    return f"{number:,}"


def _as_choice(text: str, mapping: dict[str, str], name: str) -> str:
    code = mapping.get(key(text))
    if code is None:
        allowed = sorted(set(mapping.values()))
        raise _Invalid(
            f"{text!r} is not an allowed {name.replace('_', ' ')}; expected one of {', '.join(allowed)}",
            _closest_choices(text, mapping),
        )
    return code


def _as_list(text: str, mapping: dict[str, str], name: str) -> list[str]:
    codes = []
    for part in _LIST_SPLIT.split(text):
        if part.strip():
            codes.append(_as_choice(part.strip(), mapping, name))
    return list(dict.fromkeys(codes))


def _closest_choices(text: str, mapping: dict[str, str]) -> tuple[str, ...]:
    """The one or two allowed codes spelled most like `text` (a code, a label or an alias of it)."""
    candidates = [k for k in mapping if not (k.endswith("s") and k[:-1] in mapping)]  # not the plurals
    # Choice codes are short words that a wrong value rarely misspells: a looser cutoff than for
    # countries, so that even 'approved' is pointed at the nearest codes (the message lists them all).
    wanted = key(text)
    scored = sorted(((difflib.SequenceMatcher(None, wanted, k).ratio(), k) for k in candidates), reverse=True)
    if not scored or scored[0][0] < 0.45:
        return ()
    # A second code only when it is about as close as the first: 'recieved' means received alone.
    best = scored[0][0]
    return tuple(dict.fromkeys(mapping[k] for score, k in scored if score >= max(0.45, best - 0.05)))[:2]


def _closest(text: str, candidates, mapping: dict[str, str] | None = None) -> str:
    close = difflib.get_close_matches(text, list(candidates), n=1, cutoff=0.7)
    if not close:
        return ""
    return mapping[close[0]] if mapping else close[0]


def _check_rows(data: SheetData, ref: Reference, result: Validation) -> None:
    """Rules across the cells of one row, and unique ids in the sheet."""
    sheet, label, numbers, v = data.sheet, data.source_name, data.row_numbers, data.values
    blank = [None] * len(numbers)

    def column(name):
        return v.get(name, blank)

    keys = column(sheet.key[0]) if len(sheet.key) == 1 else list(zip(*(column(k) for k in sheet.key)))
    if len(set(keys)) != len(keys):
        keys = list(zip(*(column(k) for k in sheet.key)))
        first_seen: dict[tuple, int] = {}
        for number, ident in zip(numbers, keys):
            if ident[0] is None or (sheet.table != "targets" and None in ident):
                continue
            if ident in first_seen:
                shown = " / ".join("" if x is None else str(x) for x in ident)
                result.problems.append(
                    Problem(
                        label,
                        number,
                        sheet.key[0],
                        shown,
                        f"{shown!r} is already used in row {first_seen[ident]}; ids must be unique in the sheet",
                    )
                )
            else:
                first_seen[ident] = number
    if sheet.table == "events":
        for number, start, end, people, trained, codes in zip(
            numbers,
            column("start_date"),
            column("end_date"),
            column("participants"),
            column("trained_certified"),
            column("regional_initiatives"),
        ):
            if start and end and end < start:
                result.problems.append(
                    Problem(label, number, "end_date", end.isoformat(), f"ends before it starts ({start.isoformat()})")
                )
            if people is not None and trained is not None and trained > people:
                result.problems.append(
                    Problem(label, number, "trained_certified", str(trained), f"is more than the participants ({people})")
                )
            for code in codes or []:
                _check_initiative(label, number, "regional_initiatives", code, start, ref, result)
    elif sheet.table == "centers":
        for number, status, launched_on in zip(numbers, column("status"), column("launched_on")):
            if status == "launched" and launched_on is None:
                result.problems.append(Problem(label, number, "launched_on", "", "is required when the status is launched"))
    elif sheet.table == "reported":
        for number, as_of, start in zip(numbers, column("as_of"), column("from_date")):
            if as_of and start and start > as_of:
                result.problems.append(
                    Problem(
                        label,
                        number,
                        "from",
                        start.isoformat(),
                        f"{start.isoformat()} is after the figure's date, as_of ({as_of.isoformat()})",
                    )
                )
    elif sheet.table == "activities":
        for number, code, start in zip(numbers, column("regional_initiative"), column("start_date")):
            if code:
                _check_initiative(label, number, "regional_initiative", code, start, ref, result)


def _check_initiative(label, number, column, code, day, ref: Reference, result: Validation) -> None:
    if day is None:
        return
    cycle = ref.cycle_of(day)
    if cycle is None:
        result.problems.append(Problem(label, number, column, code, f"{day.isoformat()} falls in no plan cycle the app knows"))
    elif (cycle, code) not in ref.initiatives:
        same = sorted(c for (cy, c) in ref.initiatives if cy == cycle and c[:3] == code[:3])
        hint = f" ({code[:3]} has {', '.join(same)})" if same else ""
        result.problems.append(
            Problem(
                label,
                number,
                column,
                code,
                f"{code!r} is not a {cycle} regional initiative, the cycle covering {day.isoformat()}{hint}",
            )
        )


def reference_problems(
    result: Validation, stored_eois: set[str], stored_centers: dict[str, str | None], replace: bool, into=None
) -> list[Problem]:
    """A center's eoi_id must name an EoI in the store or in the same upload, after the load.

    With replace, an uploaded EoIs sheet becomes the whole set: the centers that stay must name
    one of its EoIs. Called again inside the writer's transaction, against the store as it is then.
    Problems go into `into` (another list's count and cap) when given.
    """
    problems = Problems() if into is None else into
    eois, centers = result.sheets.get("eois"), result.sheets.get("centers")
    uploaded_eois = set(eois.values["eoi_id"]) if eois else set()
    known = uploaded_eois if (replace and eois) else stored_eois | uploaded_eois
    if centers and "eoi_id" in centers.columns:
        for number, eoi_id in zip(centers.row_numbers, centers.values["eoi_id"]):
            if eoi_id is not None and eoi_id not in known:
                problems.append(
                    Problem(
                        centers.source_name, number, "eoi_id", eoi_id, f"{eoi_id!r} names no EoI in the store or in this upload"
                    )
                )
    if replace and eois:
        staying = {} if (centers and replace) else dict(stored_centers)
        if centers:
            for center_id in centers.values["center_id"]:
                staying.pop(center_id, None)
        for center_id, eoi_id in sorted(staying.items()):
            if eoi_id is not None and eoi_id not in known:
                problems.append(
                    Problem(
                        eois.source_name,
                        None,
                        "eoi_id",
                        eoi_id,
                        f"replacing the EoIs would remove {eoi_id!r}, which center {center_id!r} names",
                    )
                )
    return problems
