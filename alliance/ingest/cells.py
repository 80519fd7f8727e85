"""Turn one cell into the value its column stands for (a date, a number, a country code...), or say why not."""

import difflib
import re
from datetime import date, datetime, timedelta

from alliance import i18n
from alliance.i18n import N_, _
from alliance.ingest.problems import CONTROL, cut, either, numeral
from alliance.reference import Reference
from alliance.schema import KPI_BREAKDOWNS, KPI_PATH_PATTERN, KPI_PATHS, Column
from alliance.text import key, unescape_formula
from alliance.words import day

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
# The same but NUL, which separates the cells convert_cells searches at once.
CONTROL_BUT_NUL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class Invalid(Exception):
    """A cell that does not stand for a value of its column: what is wrong, and the closest allowed value(s)."""

    def __init__(self, problem: str, suggestion: str | tuple[str, ...] = ""):
        self.problem = problem
        self.suggestion = suggestion


class Conversions(dict):
    """Each distinct cell value of a column, converted on first sight (an Invalid if it fails)."""

    def __init__(self, column: Column, ref: Reference, decimal_mark: str = ""):
        super().__init__()
        self.column, self.ref, self.decimal_mark = column, ref, decimal_mark
        self.failing: set[object] = set()  # the cells that give a problem

    def __missing__(self, cell):
        try:
            value = convert(cell, self.column, self.ref, self.decimal_mark)
        except Invalid as invalid:
            value = invalid
        if isinstance(value, Invalid) or (value is None and self.column.required):
            self.failing.add(cell)
        self[cell] = value
        return value


def convert_cells(cells: tuple, converted_of: Conversions) -> tuple[list, list[int] | range]:
    """Convert one column's cells; return the values and the indices of cells that may fail."""
    if converted_of.column.kind != "text":
        return list(map(converted_of.__getitem__, cells)), range(len(cells))
    # Ids and names are mostly distinct: trim plain text in one pass; only the rest (numbers,
    # dates, blanks, escaped text, errors) goes through convert().
    try:
        converted = list(map(str.strip, cells))
        # A few C-level searches find whether any cell is blank, escaped ('), an error (#) or holds a
        # control character (a NUL shows as one separator too many).
        joined = "\x00" + "\x00".join(converted) + "\x00"
        control = bool(CONTROL_BUT_NUL.search(joined)) or joined.count("\x00") != len(converted) + 1
        if not ("\x00\x00" in joined or "\x00'" in joined or "\x00#" in joined or control):
            return converted, []
    except TypeError:  # not all text: numbers, dates or blanks among them
        converted = [c.strip() if type(c) is str else None for c in cells]
        control = bool(CONTROL.search("\n".join(t for t in converted if t)))
    search = CONTROL.search if control else _no_control
    slow = [i for i, t in enumerate(converted) if not t or t[0] in "'#" or search(t)]
    for i in slow:
        converted[i] = converted_of[cells[i]]
    return converted, slow


def _no_control(text: str) -> None:
    return None


def blank(value) -> bool:
    """Whether a cell is empty or holds only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def show(value) -> str:
    """A cell as a problem quotes it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return "" if value is None else str(value)


def convert(value, column: Column, ref: Reference, decimal_mark: str = ""):
    """Return the value a cell stands for in the column's type, None for blank; raise Invalid.

    decimal_mark is how the file writes numbers as text (see RawSheet.decimal_mark).
    """
    if blank(value):
        return None
    if isinstance(value, str):
        value = unescape_formula(value.strip())
        if value.upper() in SPREADSHEET_ERRORS:
            raise Invalid(_("the cell holds the spreadsheet error {error}").format(error=value))
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
            raise Invalid(_("{value} is not a known country").format(value=repr(text)), ref.suggest_country(text) or "")
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
        if not any(code == c for _cycle, c in ref.outcomes):
            known = ", ".join(sorted({c for _cycle, c in ref.outcomes}))
            raise Invalid(
                _("{value} is not a known Kigali Action Plan outcome code (known: {known})").format(value=repr(text), known=known)
            )
        return code
    if kind == "kpi":
        if text not in ref.kpis:
            raise Invalid(_("{value} is not a KPI code the app lists").format(value=repr(text)), _closest(text, ref.kpis))
        return text
    if kind == "region":
        code = ref.region(text)
        if code is None:
            raise Invalid(
                _("{value} is not an ITU-D region (a code: AFR, AMS, ARB, ASP, CIS, EUR, or its name)").format(value=repr(text))
            )
        return code
    if kind == "kpi_path":
        path = text.replace(" ", "")
        for known in (*KPI_PATHS, *KPI_BREAKDOWNS):
            if path.lower() == known.lower():
                return known
        if re.fullmatch(KPI_PATH_PATTERN, path, flags=re.IGNORECASE):
            _head, _dot, code = path.rpartition(".")
            return f"activities.by_initiative.{code.upper()}"
        raise Invalid(
            _(
                "{value} is not a figure of the KPI summary (one of: {paths}, or a breakdown such as "
                "eois.by_region.AFR, capabilities.TRR.eois or activities.by_initiative.AFR4)"
            ).format(value=repr(text), paths=", ".join(KPI_PATHS))
        )
    if kind == "cycle":
        code = text.upper().replace(" ", "")
        if not re.fullmatch(r"WTDC-?\d{2}", code):
            raise Invalid(_("{value} is not a plan cycle such as WTDC-22").format(value=repr(text)))
        code = code if "-" in code else code[:4] + "-" + code[4:]
        if code not in {c for c, *_dates in ref.cycles}:
            known = ", ".join(c for c, *_rest in ref.cycles)
            raise Invalid(_("{value} is not a plan cycle the app knows ({known})").format(value=repr(text), known=known))
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
    control = CONTROL.search(text)
    if control:
        raise Invalid(
            _(
                "{value} holds the control character {character}; "
                "expected text without control characters such as \\v (vertical tab) or \\x00"
            ).format(value=repr(text), character=repr(control.group()))
        )
    return text


def _as_date(value) -> date:
    read = _read_date(value)
    if not FIRST_DAY <= read <= LAST_DAY:
        raise Invalid(
            _("{value} is {date}: dates before {first} or after {last} are refused").format(
                value=repr(show(value)), date=day(read), first=day(FIRST_DAY), last=day(LAST_DAY)
            )
        )
    return read


def _read_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or isinstance(value, timedelta):
        raise Invalid(_("{value} is not a date").format(value=repr(show(value))))
    if isinstance(value, (int, float)):
        # An unformatted spreadsheet date stays a serial number.
        # Serials from 1950 to 2099 only: a bare 2023 is a year typed as a number, not a date.
        if 18264 <= value < 73051 and float(value).is_integer():
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise Invalid(_("{value} is not a date").format(value=repr(show(value))))
    text = str(value).strip()
    match = _ISO.match(text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise Invalid(_("{value} is not a valid date").format(value=repr(text))) from None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise Invalid(
        _("{value} is not a date; write {iso}, {numeric} or {written}").format(
            value=repr(text), iso="2023-04-15", numeric="15/04/2023", written="15 April 2023"
        )
    )


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
    raise Invalid(_("{value} is not yes or no").format(value=repr(show(value))), either(("true", "false")))


def _as_number(value, whole: bool, decimal_mark: str = "", usd: bool = False):
    if isinstance(value, bool):
        raise Invalid(_("{value} is not a number").format(value=repr(show(value))))
    # A number cell is a number: it is never read again as text.
    number = value if isinstance(value, (int, float)) else _number_in_text(str(value).strip(), whole, decimal_mark)
    if number != number:
        raise Invalid(_("{value} is not a number").format(value=repr(show(value))))
    if number < 0:
        raise Invalid(_("{value} is negative; expected a number of 0 or more").format(value=repr(show(value))))
    if number > MAX_AMOUNT:
        kind = "count" if whole else "usd" if usd else "number"
        if number <= 1e15:
            raise Invalid(_(_IMPLAUSIBLE[kind]).format(value=repr(show(value)), number=figure(number)))
        # Far above: a number cell says how far in few digits (1e+300), a text cell as it was written.
        said = str(value).strip() if isinstance(value, str) else f"{number:g}"
        raise Invalid(_(_FAR_IMPLAUSIBLE[kind]).format(value=repr(cut(said, 40))))
    if whole:
        if not float(number).is_integer():
            raise Invalid(_("{value} is not a whole number").format(value=repr(show(value))))
        return int(number)
    return float(number)


# A value not in a list of choices, by the list: one sentence each, the allowed values (codes to type) as they are.
NOT_ALLOWED = {
    "organization_type": N_("{value} is not an allowed organization type; expected one of {allowed}"),
    "request": N_("{value} is not an allowed request; expected one of {allowed}"),
    "eoi_status": N_("{value} is not an allowed eoi status; expected one of {allowed}"),
    "scope": N_("{value} is not an allowed scope; expected one of {allowed}"),
    "ownership": N_("{value} is not an allowed ownership; expected one of {allowed}"),
    "center_status": N_("{value} is not an allowed center status; expected one of {allowed}"),
    "center_type": N_("{value} is not an allowed center type; expected one of {allowed}"),
    "event_type": N_("{value} is not an allowed event type; expected one of {allowed}"),
    "format": N_("{value} is not an allowed format; expected one of {allowed}"),
    "product": N_("{value} is not an allowed product; expected one of {allowed}"),
    "activity_status": N_("{value} is not an allowed activity status; expected one of {allowed}"),
    "date_precision": N_("{value} is not an allowed date precision; expected one of {allowed}"),
    "qualifier": N_("{value} is not an allowed qualifier; expected one of {allowed}"),
    "resource_kind": N_("{value} is not an allowed resource kind; expected one of {allowed}"),
    "capability": N_("{value} is not an allowed capability; expected one of {allowed}"),
}
# Why a number too large is refused, by what it counts: in one sentence each, with the number read, or without it.
_IMPLAUSIBLE = {
    "count": N_("{value} is {number}: counts above 100 billion are refused as implausible"),
    "usd": N_("{value} is {number}: amounts above USD 100 billion are refused as implausible"),
    "number": N_("{value} is {number}: numbers above 100 billion are refused as implausible"),
}
_FAR_IMPLAUSIBLE = {
    "count": N_("{value}: counts above 100 billion are refused as implausible"),
    "usd": N_("{value}: amounts above USD 100 billion are refused as implausible"),
    "number": N_("{value}: numbers above 100 billion are refused as implausible"),
}
# Spaces that group thousands as some locales write them: no-break, narrow no-break and thin spaces.
_SPACES = re.compile("[\u00a0\u202f\u2009]")
_NUMBER_LIKE = re.compile(r"[+-]?[0-9., ]*[0-9][0-9., ]*")
# How the two conventions write 1250000.5: "1,250,000.5" and "1.250.000,5"; either may group with spaces. A text
# that is no number written so says which its file uses, in one sentence: (decimal mark, whole number) -> message.
_NOT_WRITTEN_SO = {
    (".", False): N_(
        "{value} is not a number; a file delimited by ',' writes numbers as 1,250,000.5 (',' or a space between "
        "thousands, '.' before decimals)"
    ),
    (".", True): N_(
        "{value} is not a whole number; a file delimited by ',' writes numbers as 1,250,000.5 (',' or a space between "
        "thousands, '.' before decimals)"
    ),
    (",", False): N_(
        "{value} is not a number; a file delimited by ';' writes numbers as 1.250.000,5 ('.' or a space between "
        "thousands, ',' before decimals)"
    ),
    (",", True): N_(
        "{value} is not a whole number; a file delimited by ';' writes numbers as 1.250.000,5 ('.' or a space between "
        "thousands, ',' before decimals)"
    ),
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
    """The number a text cell writes, read as its file writes numbers; raise Invalid if it is none, or
    if a workbook's text could be either of two numbers (a number is never guessed)."""
    if len(text) <= 15 and text.isascii() and text.isdigit():
        return float(text)  # most cells: no sign, separator or exponent
    text = _SPACES.sub(" ", text)
    if decimal_mark:
        number = _reading(text, decimal_mark)
        if number is None:
            if _NUMBER_LIKE.fullmatch(text):
                raise Invalid(_(_NOT_WRITTEN_SO[decimal_mark, whole]).format(value=repr(text)))
            raise Invalid(_not_a_number(text, whole))
        return number
    readings = [n for n in (_reading(text, "."), _reading(text, ",")) if n is not None]
    if not readings:
        raise Invalid(_not_a_number(text, whole))
    if readings[0] != readings[-1]:
        raise Invalid(
            _("{value} reads as {one} or as {other}: write it as a number cell or without separators").format(
                value=repr(text), one=figure(readings[0]), other=figure(readings[1])
            )
        )
    return readings[0]


def _not_a_number(text: str, whole: bool) -> str:
    if whole:
        return _("{value} is not a whole number").format(value=repr(text))
    return _("{value} is not a number").format(value=repr(text))


def figure(value: float) -> str:
    """A number as the upload report writes it: 1,250,000 or 12.5 (1 250 000 or 12,5 in French)."""
    if i18n.current() not in (i18n.ENGLISH, i18n.PSEUDO):
        return numeral(value)
    if float(value).is_integer() and abs(value) < 1e21:
        return f"{int(value):,}"
    return f"{value:,}"


def _as_choice(text: str, mapping: dict[str, str], name: str) -> str:
    code = mapping.get(key(text))
    if code is None:
        allowed = sorted(set(mapping.values()))
        raise Invalid(
            _(NOT_ALLOWED[name]).format(value=repr(text), allowed=", ".join(allowed))
            if name in NOT_ALLOWED
            else f"{text!r} is not an allowed {name.replace('_', ' ')}; expected one of {', '.join(allowed)}",
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
