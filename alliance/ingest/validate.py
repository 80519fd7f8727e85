"""Validate sheets as read against the upload contract: cells in, typed columns and every problem out.

Pure: it reads no file and no store, only the sheets (Arrow, alliance.ingest.sheets) and the reference data
given. Each distinct value of a column is converted once (alliance.ingest.cells); problems are collected, every
one, before anything is reported (alliance.ingest.problems), each naming sheet, row, column and value.
"""

import heapq
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import groupby

import pyarrow as pa
import pyarrow.compute as pc

from alliance.i18n import _, n_
from alliance.ingest.cells import Conversions, Invalid, blank, convert_cells, figure, show
from alliance.ingest.limits import HEADER_SEARCH_ROWS, MAX_ROWS
from alliance.ingest.problems import Problem, Problems, cut, numeral, visible
from alliance.ingest.sheets import RawSheet
from alliance.reference import Reference
from alliance.schema import EXTRA_COLUMNS, LOAD_ORDER, SHEETS, Column, Sheet, match_sheet
from alliance.text import key
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

# Problems are handed over, and the blank rows among them dropped, a block of the file's rows at a time: however
# many cells of a hostile file give a problem, only a block's are held at once.
_BLOCK_ROWS = 512
_TEMPLATE_KEYS = frozenset(key(name) for name in TEMPLATE_SHEETS)
# Text a text column's cells may hold as they are (RE2): not empty, no space of any kind at either end, no
# leading ' (an escaped formula) or # (a spreadsheet error), no control character. Any other cell is converted
# one by one (alliance.ingest.cells.convert_cells); a space-like character Python would not strip only costs that.
_SPACE = r"\x00-\x20\x7f-\x9f\x{a0}\x{1680}\x{2000}-\x{200b}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}"
_TEXT_TO_LOOK_AT = rf"^$|^[{_SPACE}'#]|[{_SPACE}]$|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\x{{fffe}}\x{{ffff}}]"
# The Arrow type of a column's values, by its kind (text for every kind not named).
_LIST = pa.list_(pa.string())
VALUE_TYPES = {
    "date": pa.date32(),
    "int": pa.int64(),
    "number": pa.float64(),
    "bool": pa.bool_(),
    "capabilities": _LIST,
    "initiatives": _LIST,
}


def value_type(column: Column) -> pa.DataType:
    """The Arrow type of a column's values once validated."""
    return VALUE_TYPES.get(column.kind, pa.string())


@dataclass
class SheetData:
    """A validated sheet: the columns it provides, its rows as typed Arrow columns, and each row's number in the file."""

    sheet: Sheet
    source_name: str
    columns: list[str]
    table: pa.Table
    row_numbers: list[int]
    # What the file held in each converted (not text) column, as the Arrow columns of its kinds of cell; kept only
    # when asked (the Upload page's preview shows it beside the stored value).
    file_cells: dict[str, list[pa.Array]] = field(default_factory=dict)

    def __post_init__(self):
        self.values = _Values(self.table)

    @property
    def rows(self) -> list[tuple]:
        return list(zip(*(self.values[name] for name in self.columns)))

    def filed(self, name: str, i: int):
        """What the file held in column `name` of row i (None when not kept: text, or not asked)."""
        for part in self.file_cells.get(name, ()):
            cell = part[i].as_py()
            if cell is not None:
                return cell
        return None


class _Values(Mapping):
    """A sheet's columns as Python lists, each made when first asked for."""

    def __init__(self, table: pa.Table):
        self.table, self.made = table, {}

    def __getitem__(self, name: str) -> list:
        if name not in self.made:
            if name not in self.table.column_names:
                raise KeyError(name)
            self.made[name] = self.table.column(name).to_pylist()
        return self.made[name]

    def __contains__(self, name) -> bool:
        return name in self.table.column_names

    def __iter__(self):
        return iter(self.table.column_names)

    def __len__(self) -> int:
        return self.table.num_columns


@dataclass
class Validation:
    sheets: dict[str, SheetData] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    notices: list[str] = field(default_factory=list)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    snapshot: str = ""  # the store snapshot the sheets were checked against
    empty_sheets: list[str] = field(default_factory=list)  # a header and no rows: they change nothing
    template_sheets: list[str] = field(default_factory=list)  # our template's own sheets, ignored without a notice


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
                said = _("the file name does not say which sheet it holds; name it one of {names}").format(names=names)
                result.problems.append(Problem(raw.name, None, "", raw.name, said))
            elif key(raw.name) in _TEMPLATE_KEYS:
                # Our own template's instructions and drop-down lists: expected, so not worth a notice.
                result.template_sheets.append(visible(raw.name.strip()))
            else:
                result.notices.append(
                    _("Sheet '{sheet}' is not part of the upload format and was ignored.").format(sheet=visible(raw.name))
                )
            continue
        if sheet.table in seen:
            said = _("sheet '{other}' already holds {sheet}; keep one of them").format(other=seen[sheet.table], sheet=sheet.label)
            result.problems.append(Problem(raw.name, None, "", raw.name, said))
            continue
        seen[sheet.table] = raw.name
        _validate_sheet(raw, sheet, ref, result, keep_file_values, max_rows)
    if not seen and not result.problems:
        expected = ", ".join(s.label for s in SHEETS.values())
        found = ", ".join(f"'{raw.name.strip()}'" for raw in raw_sheets)
        if found:
            said = _("no sheet of the upload format was found (sheets found: {found}); expected one of: {expected}")
        else:
            said = _("no sheet of the upload format was found (sheets found: none); expected one of: {expected}")
        result.problems.append(Problem(_("(workbook)"), None, "", "", said.format(found=found, expected=expected)))
    if result.empty_sheets and replace:  # without replace, the counts say they were ignored
        names = ", ".join(f"'{name}'" for name in result.empty_sheets)
        result.notices.append(
            n_(
                "Sheet {names} has a header but no rows: it changes nothing, even with replace.",
                "Sheets {names} have a header but no rows: they change nothing, even with replace.",
                len(result.empty_sheets),
            ).format(names=names)
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
    head = raw.rows(0, HEADER_SEARCH_ROWS)
    header_index = _header_index(head, columns, aliases)
    if header_index is None:
        result.notices.append(_("Sheet '{sheet}' is empty and was ignored.").format(sheet=label))
        return
    header, header_row = head[header_index], raw.first_row + header_index
    # The limit counts rows of data: every row below the header to the sheet's last, never the header or title rows
    # above it. Refused before any of them is converted.
    below = raw.row_numbers[-1] - header_row
    if below > max_rows:
        # English says "rows" whatever the count (as it always has); the catalogues give each count its form.
        said = n_(
            "the sheet has {count} rows of data below its header (row {row}); an upload sheet may hold at most {limit}: "
            "load it in parts",
            "the sheet has {count} rows of data below its header (row {row}); an upload sheet may hold at most {limit}: "
            "load it in parts",
            below,
        ).format(count=numeral(below), row=numeral(header_row), limit=numeral(max_rows))
        result.problems.append(Problem(label, None, "", "", said))
        return
    positions: dict[str, int] = {}
    ignored = []
    for position, cell in enumerate(header):
        if blank(cell):
            continue
        name = key(cell)
        name = name if name in columns else aliases.get(name, name)
        if name not in columns:
            ignored.append(visible(str(cell).strip()))
        elif name in positions:
            result.problems.append(Problem(label, header_row, str(cell).strip(), str(cell), _("this column appears twice")))
        else:
            positions[name] = position
    if ignored:
        result.ignored_columns[sheet.table] = ignored
        # English says "column(s) ... are" whatever the count (as it always has); the catalogues give each its form.
        result.notices.append(
            n_(
                "Sheet '{sheet}': column(s) {columns} are not part of the format and were ignored.",
                "Sheet '{sheet}': column(s) {columns} are not part of the format and were ignored.",
                len(ignored),
            ).format(sheet=label, columns=", ".join(ignored))
        )
    missing = [c.name for c in sheet.columns if c.required and c.name not in positions]
    for name in missing:
        result.problems.append(Problem(label, header_row, name, "", _("this required column is missing")))
    if missing:
        return

    # A cell holding a spreadsheet error reads as blank: it is named once, as the error.
    reported = _check_cells(raw, header, header_index, label, result)
    # The rows below the header but the empty ones (every cell blank).
    data = raw.cells.slice(header_index + 1) if raw.cells is not None else pa.table({})
    filled = _filled_rows(data)
    if len(filled) < data.num_rows:
        data = data.take(filled)
    numbers = pc.add(filled, header_row + 1).to_pylist()
    present = list(positions)
    # Each distinct cell value of a column is converted once (a 100,000-row sheet holds few), then every cell
    # takes its value by its place in the column's dictionary of values.
    conversions = {name: Conversions(columns[name], ref, raw.decimal_mark) for name in present}
    values, failing = {}, {}
    for name in present:
        values[name], failing[name] = _convert_column(_parts(data, positions[name]), len(numbers), conversions[name])
    # Text columns hold what the file said, trimmed; the others are kept as the file held them (for the preview).
    kept = [name for name in present if columns[name].kind != "text"] if keep_file_values else []
    file_cells = {name: [part for _kind, part in _parts(data, positions[name])] for name in kept}
    # A fact whose source gives no date (date_precision "not_stated", as the built-in records use it)
    # is kept undated, out of every period's counts, rather than given an invented date.
    undatable, undated = "date_precision" in positions, []
    blank_rows: set[int] = set()
    blank_in_file: dict[int, set[int]] | None = None  # by block

    def block_of(i: int) -> int:
        return (numbers[i] - header_row - 1) // _BLOCK_ROWS

    for block, found in groupby(_in_row_order(present, failing), key=lambda f: block_of(f[0])):
        bad = []
        for i, order, cell in found:
            name = present[order]
            value, row = conversions[name][cell], numbers[i]
            if isinstance(value, Invalid):
                problem = Problem(label, row, name, show(cell), value.problem, value.suggestion)
            elif (row, positions[name]) in reported:
                continue
            elif undatable and columns[name].kind == "date":
                undated.append((row, name))  # allowed where the row says its date is not stated
                continue
            else:
                problem = Problem(label, row, name, "", _("a value is required"))
            bad.append((i, problem))
        if bad:
            # A row of blanks and spaces is empty too: it is dropped, with what was said about it.
            if blank_in_file is None:
                blank_in_file = {}
                for i in _blank_in_file(data, _all_null_rows(values.values(), len(numbers))):
                    blank_in_file.setdefault(block_of(i), set()).add(i)
            dropped = blank_in_file.get(block, set())
            blank_rows |= dropped
            # Handed over a block at a time, so that past the limits they are counted, never held.
            result.problems.extend(problem for i, problem in bad if i not in dropped)
    if raw.decimal_mark == ",":
        _say_decimal_comma(label, conversions.values(), result)
    if blank_rows:
        keep = pa.array([i for i in range(len(numbers)) if i not in blank_rows], pa.int64())
        values = {name: column.take(keep) for name, column in values.items()}
        file_cells = {name: [part.take(keep) for part in parts] for name, parts in file_cells.items()}
        numbers = [numbers[i] for i in keep.to_pylist()]
    if not numbers:
        # A header with no rows (a blank template's sheet) changes nothing, even with replace.
        result.empty_sheets.append(label)
        return
    if undated:
        index = {number: i for i, number in enumerate(numbers)}
        precision = values["date_precision"]
        for number, name in undated:
            if number in index and precision[index[number]].as_py() != "not_stated":
                result.problems.append(Problem(label, number, name, "", _("a value is required")))
    table = pa.table([values[name] for name in present], names=present)
    data = SheetData(sheet, label, present, table, numbers, file_cells)
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


def _parts(data: pa.Table, position: int) -> list[tuple[str, pa.Array]]:
    """The Arrow columns holding one spreadsheet column, one per kind of cell (see alliance.ingest.sheets)."""
    prefix = f"{position}:"
    return [(name[len(prefix) :], data.column(name).combine_chunks()) for name in data.column_names if name.startswith(prefix)]


def _filled_rows(data: pa.Table) -> pa.Array:
    """The indices of the rows with a cell that is neither missing nor empty text."""
    empty = None
    for name in data.column_names:
        column = data.column(name)
        none = pc.fill_null(pc.equal(column, ""), True) if column.type == pa.string() else pc.is_null(column)
        empty = none if empty is None else pc.and_(empty, none)
    if empty is None:  # no cells at all
        return pa.array([], pa.int64())
    return pc.indices_nonzero(pc.invert(empty).combine_chunks() if isinstance(empty, pa.ChunkedArray) else pc.invert(empty))


def _convert_column(parts: list[tuple[str, pa.Array]], count: int, converted_of: Conversions) -> tuple[pa.Array, tuple]:
    """A column's values, typed as the store holds them; and its cells that give a problem, as (rows, cells) in row order.

    A cell missing in every part (a short CSV line, a column past the last filled one) is a blank (None).
    """
    column = converted_of.column
    arrays, rows, cells = [], [], []
    for kind, part in parts:
        if column.kind == "text" and kind == "str" and not pc.any(pc.match_substring_regex(part, _TEXT_TO_LOOK_AT)).as_py():
            arrays.append(part)  # plain text, as it will be stored: ids and names, mostly
            continue
        encoded = part.dictionary_encode()
        distinct = encoded.dictionary.to_pylist()
        converted, slow = convert_cells(distinct, converted_of)
        bad = []
        for k in slow:
            value = converted[k]
            if isinstance(value, Invalid):
                converted[k] = None
                bad.append(k)
            elif value is None and column.required:
                bad.append(k)
        arrays.append(pa.array(converted, type=value_type(column)).take(encoded.indices))
        if bad:
            where = pc.indices_nonzero(pc.is_in(encoded.indices, value_set=pa.array(bad, encoded.indices.type)))
            rows += where.to_pylist()
            cells += [distinct[k] for k in encoded.indices.take(where).to_pylist()]
    missing = _all_null_rows([part for _kind, part in parts], count)
    if missing:
        converted_of[None]  # noqa: B018  (a blank is converted like any cell: it may be failing)
        if column.required:
            rows += missing
            cells += [None] * len(missing)
    if len(arrays) > 1:
        values = pc.coalesce(*arrays)
    elif arrays:
        values = arrays[0]
    else:
        values = pa.nulls(count, value_type(column))
    if len(parts) > 1 or (missing and parts):
        rows, cells = map(list, zip(*sorted(zip(rows, cells), key=lambda pair: pair[0]))) if rows else ([], [])
    return values, (rows, cells)


def _all_null_rows(columns, count: int) -> list[int]:
    """The indices of the rows where every one of `columns` is null (every row when there are no columns)."""
    null = None
    for column in columns:
        if not column.null_count:
            return []
        null = pc.is_null(column) if null is None else pc.and_(null, pc.is_null(column))
    return list(range(count)) if null is None else pc.indices_nonzero(null).to_pylist()


def _in_row_order(present: list[str], failing: dict[str, tuple[list[int], list]]):
    """Every failing cell as (row index, column order, cell): by row, then in the order of the sheet's columns."""
    return heapq.merge(*(_tagged(order, *failing[name]) for order, name in enumerate(present)), key=lambda found: found[:2])


def _tagged(order: int, rows: list[int], cells: list):
    return ((i, order, cell) for i, cell in zip(rows, cells))


def _blank_in_file(data: pa.Table, candidates: list[int]) -> list[int]:
    """Of the rows `candidates` (every value blank), those whose every cell in the file is blank or spaces."""
    if not candidates:
        return []
    taken = data.take(pa.array(candidates, pa.int64()))
    columns = [taken.column(name).to_pylist() for name in taken.column_names]
    return [i for n, i in enumerate(candidates) if all(blank(column[n]) for column in columns)]


def _say_decimal_comma(label: str, conversions, result: Validation) -> None:
    """Say, with one of the sheet's own numbers, that its numbers were read with a decimal comma."""
    for converted_of in conversions:
        if converted_of.column.kind in ("int", "number"):
            for cell, value in converted_of.items():
                if isinstance(cell, str) and isinstance(value, (int, float)) and ("," in cell or "." in cell):
                    result.notices.append(
                        _(
                            "Sheet '{sheet}': numbers were read as a file delimited by ';' writes them, with a decimal "
                            "comma: {value} is {number}."
                        ).format(sheet=label, value=repr(cut(cell.strip(), 40)), number=figure(value))
                    )
                    return


def _header_index(rows: list[list], columns: dict, aliases: dict) -> int | None:
    """The header is the first non-empty row; a title row above a real header is skipped."""
    filled = [i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if any(not blank(v) for v in row)]
    if not filled:
        return None
    for i in filled[:10]:
        known = sum(1 for v in rows[i] if not blank(v) and (key(v) in columns or key(v) in aliases))
        if known >= 2:
            return i
    return filled[0]


def _check_cells(raw: RawSheet, header: list, header_index: int, label: str, result: Validation) -> set[tuple[int, int]]:
    """Report merged cells and formulas without a saved value inside the sheet's data; return the formula
    and error cells named, as (row, position in the sheet's rows)."""
    reported = set()
    header_row0 = raw.first_row + header_index - 1
    for r0, c0, r1, c1 in raw.merged:
        if r1 >= header_row0 and (r0, c0) != (r1, c1):
            cells = f"{_cell_name(r0, c0)}:{_cell_name(r1, c1)}"
            said = _("cells {cells} are merged; unmerge them and fill every cell").format(cells=cells)
            result.problems.append(Problem(label, r0 + 1, cells, "", said))
    for ref, error in raw.formula_cells:
        match = re.match(r"([A-Z]+)(\d+)", ref)
        if not match or int(match.group(2)) - 1 < header_row0:
            continue
        row, position = int(match.group(2)), _column_index(match.group(1)) - raw.first_column
        reported.add((row, position))
        column = _header_name(header, position) or ref
        if error:
            said = _("cell {cell} holds the spreadsheet error {error}").format(cell=ref, error=error)
            result.problems.append(Problem(label, row, column, error, said))
        else:
            said = _(
                "cell {cell} holds a formula with no saved value; "
                "open the file in Excel or LibreOffice and save it, or paste the values"
            ).format(cell=ref)
            result.problems.append(Problem(label, row, column, "", said))
    return reported


def _column_index(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _header_name(header: list, position: int) -> str:
    if 0 <= position < len(header) and not blank(header[position]):
        return key(header[position])
    return ""


def _cell_name(row0: int, col0: int) -> str:
    letters = ""
    col = col0 + 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row0 + 1}"


def _check_rows(data: SheetData, ref: Reference, result: Validation) -> None:
    """Rules across the cells of one row, and unique ids in the sheet."""
    sheet, label, numbers, v = data.sheet, data.source_name, data.row_numbers, data.values
    blank = [None] * len(numbers)

    def column(name):
        return v.get(name, blank)

    if len(sheet.key) == 1 and sheet.key[0] in v:
        # Counted in Arrow: an id column of 100,000 rows is never made into Python objects to find none repeats.
        repeated = pc.count_distinct(data.table.column(sheet.key[0]), mode="all").as_py() != len(numbers)
    else:
        keys = list(zip(*(column(k) for k in sheet.key)))
        repeated = len(set(keys)) != len(keys)
    if repeated:
        keys = list(zip(*(column(k) for k in sheet.key)))
        first_seen: dict[tuple, int] = {}
        for number, ident in zip(numbers, keys):
            if ident[0] is None or (sheet.table != "targets" and None in ident):
                continue
            if ident in first_seen:
                shown = " / ".join("" if x is None else str(x) for x in ident)
                said = _("{value} is already used in row {row}; ids must be unique in the sheet").format(
                    value=repr(shown), row=first_seen[ident]
                )
                result.problems.append(Problem(label, number, sheet.key[0], shown, said))
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
                said = _("ends before it starts ({start})").format(start=start.isoformat())
                result.problems.append(Problem(label, number, "end_date", end.isoformat(), said))
            if people is not None and trained is not None and trained > people:
                said = _("is more than the participants ({participants})").format(participants=people)
                result.problems.append(Problem(label, number, "trained_certified", str(trained), said))
            for code in codes or []:
                _check_initiative(label, number, "regional_initiatives", code, start, ref, result)
    elif sheet.table == "centers":
        for number, status, launched_on in zip(numbers, column("status"), column("launched_on")):
            if status == "launched" and launched_on is None:
                said = _("is required when the status is launched")
                result.problems.append(Problem(label, number, "launched_on", "", said))
    elif sheet.table == "reported":
        for number, as_of, start in zip(numbers, column("as_of"), column("from_date")):
            if as_of and start and start > as_of:
                said = _("{date} is after the figure's date, as_of ({as_of})").format(
                    date=start.isoformat(), as_of=as_of.isoformat()
                )
                result.problems.append(Problem(label, number, "from", start.isoformat(), said))
    elif sheet.table == "activities":
        for number, code, start in zip(numbers, column("regional_initiative"), column("start_date")):
            if code:
                _check_initiative(label, number, "regional_initiative", code, start, ref, result)


def _check_initiative(label, number, column, code, day, ref: Reference, result: Validation) -> None:
    if day is None:
        return
    cycle = ref.cycle_of(day)
    if cycle is None:
        said = _("{date} falls in no plan cycle the app knows").format(date=day.isoformat())
        result.problems.append(Problem(label, number, column, code, said))
    elif (cycle, code) not in ref.initiatives:
        same = sorted(c for (cy, c) in ref.initiatives if cy == cycle and c[:3] == code[:3])
        if same:
            said = _("{code} is not a {cycle} regional initiative, the cycle covering {date} ({prefix} has {codes})")
        else:
            said = _("{code} is not a {cycle} regional initiative, the cycle covering {date}")
        said = said.format(code=repr(code), cycle=cycle, date=day.isoformat(), prefix=code[:3], codes=", ".join(same))
        result.problems.append(Problem(label, number, column, code, said))


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
    if not ((centers and "eoi_id" in centers.columns) or (replace and eois)):
        return problems  # no center names an EoI, and no EoI is removed
    uploaded_eois = set(eois.values["eoi_id"]) if eois else set()
    known = uploaded_eois if (replace and eois) else stored_eois | uploaded_eois
    if centers and "eoi_id" in centers.columns:
        for number, eoi_id in zip(centers.row_numbers, centers.values["eoi_id"]):
            if eoi_id is not None and eoi_id not in known:
                said = _("{eoi} names no EoI in the store or in this upload").format(eoi=repr(eoi_id))
                problems.append(Problem(centers.source_name, number, "eoi_id", eoi_id, said))
    if replace and eois:
        staying = {} if (centers and replace) else dict(stored_centers)
        if centers:
            for center_id in centers.values["center_id"]:
                staying.pop(center_id, None)
        for center_id, eoi_id in sorted(staying.items()):
            if eoi_id is not None and eoi_id not in known:
                said = _("replacing the EoIs would remove {eoi}, which center {center} names").format(
                    eoi=repr(eoi_id), center=repr(center_id)
                )
                problems.append(Problem(eois.source_name, None, "eoi_id", eoi_id, said))
    return problems
