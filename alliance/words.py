"""Dates and periods in words, written the same way in tiles, charts, tables, downloads and the report."""

import re
from datetime import date, datetime

from alliance import i18n
from alliance.i18n import N_, _, n_

LAUNCH = date(2023, 1, 25)
# What a figure no record states reads as: never 0.
NOT_RECORDED = N_("not recorded")  # shown through _(): _(NOT_RECORDED)
# Characters a terminal or a log acts on rather than shows: C0 controls (line breaks and ESC among them), DEL, C1
# controls, the Unicode line and paragraph separators, and lone surrogates (which cannot be written out at all).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def escaped(text) -> str:
    """Text from outside (a sheet, file, column or edition name, a value, a user) as a terminal or a log line prints
    it: each control character as its escape (\\x1b, \\n, \\u2028), as the pages show them, so none acts or breaks a line."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], str(text))


def control_character(text: str) -> str | None:
    """Why `text` cannot be taken as one line of text: its first control character, named with its position; or None."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    char = found.group()
    return (
        f"holds a control character, U+{ord(char):04X} ({escaped(char)}), at character {found.start() + 1:,} of "
        f"{len(text):,}: '{escaped(text[:80])}{'...' if len(text) > 80 else ''}'"
    )


def day(value: date) -> str:
    """A date as ITU writes it: 25 January 2023 (British English, no leading zero); in another language as CLDR
    writes a long date there: 25 janvier 2023, 2023年1月25日."""
    if i18n.current() == i18n.ENGLISH:
        return f"{value.day} {value:%B %Y}"
    from babel.dates import format_date  # Babel only for a language other than English: the CLI starts without it

    return format_date(value, "long", locale=i18n.locale())


def stamp(value) -> str:
    """A moment: 28 November 2026 09:15."""
    return f"{day(value)} {value:%H:%M}"


def money(value: float) -> str:
    """An amount in US dollars as ITU writes it: USD 304,000 (cents only when there are some)."""
    value = float(value or 0)
    if i18n.current() == i18n.ENGLISH:
        return f"USD {value:,.0f}" if value.is_integer() else f"USD {value:,.2f}"
    # The language's own way with an amount, the currency by its code (as in English), cents only when some.
    from babel.numbers import format_currency

    pattern = i18n.locale().currency_formats["standard"].pattern.split(";")[0].replace("¤", "¤¤")
    if value.is_integer():
        pattern = pattern.replace(".00", "")
    written = format_currency(value, "USD", format=pattern, locale=i18n.locale(), currency_digits=False)
    return re.sub(r"USD(?=\d)", "USD\u00a0", written)  # Chinese writes the sign against the number; a code needs a space


def month(value: date) -> str:
    """A month as ITU writes it: June 2023 (juin 2023, 2023年6月)."""
    if i18n.current() == i18n.ENGLISH:
        return f"{value:%B %Y}"
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", value, locale=i18n.locale())


def period(start: date | None, end: date) -> str:
    """The period a flow counts: 'in the period 25 January 2023 to 30 June 2023' (no start: 'up to ...')."""
    if start is None:
        return _("up to {end}").format(end=day(end))
    return _("in the period {start} to {end}").format(start=day(start), end=day(end))


def as_at(value: date) -> str:
    """The date a stock is counted at: 'as at 30 June 2023'."""
    return _("as at {day}").format(day=day(value))


def since_launch(end: date) -> str:
    """A cumulative figure counted from the Alliance's launch."""
    return _("since the launch ({launch}) to {end}").format(launch=day(LAUNCH), end=day(end))


def dated(value: date | None, precision: str | None) -> str:
    """A stored date with how exact its source is: '2018 (month not stated)', 'date not stated (by 10 May 2023)'."""
    if value is None:
        return _("date not stated") if precision == "not_stated" else ""
    if precision == "year":
        return _("{year} (month not stated)").format(year=value.year)
    if precision == "month":
        return _("{month} (day not stated)").format(month=month(value))
    if precision == "not_stated":
        return _("date not stated (by {day})").format(day=day(value))
    return day(value)


def count(value: int | float | None, over: bool = False) -> str:
    """A count with thousands separators; 'over 300' when the source gives a lower bound; None: not recorded."""
    if value is None:
        return _(NOT_RECORDED)
    text = _number(value)
    return _("over {count}").format(count=text) if over else text


def decimal(value: float) -> str:
    """A measure that may hold a fraction, with thousands separators: '1,234', '12.5' (one decimal, only when it has one)."""
    return _number(value) if float(value).is_integer() else _number(value, 1)


def signed(value: float) -> str:
    """A change, with its sign and thousands separators: '+3', '-1,250', '+0'."""
    if i18n.current() == i18n.ENGLISH:
        return f"{value:+,.0f}"
    from babel.numbers import format_decimal

    return format_decimal(round(value), "+#,##0;-#,##0", locale=i18n.locale())  # the sign even on 0


def _number(value, decimals: int = 0) -> str:
    """A number with the language's separators, rounded to `decimals` places: 1,234.5 in English, 1 234,5 in
    French, 1234 in Spanish (CLDR groups Spanish thousands from five digits)."""
    if i18n.current() == i18n.ENGLISH:
        return f"{value:,.{decimals}f}"
    from babel.numbers import format_decimal

    return format_decimal(round(value, decimals) if decimals else round(value), locale=i18n.locale())


def agree(value: int, one: str, many: str) -> str:
    """The word that agrees with a count: agree(1, 'was', 'were') -> 'was'; agree(3, 'is', 'are') -> 'are'."""
    return one if value == 1 else many


def span(start: date | None, end: date | None) -> str:
    """The days something lasted, as its source words them: '15 March 2023', '15-16 March 2023', '30 May-2 June 2023'."""
    if start is None:
        return ""
    if end is None or end == start:
        return day(start)
    if i18n.current() != i18n.ENGLISH:
        from babel.dates import format_interval

        return format_interval(start, end, "yMMMMd", locale=i18n.locale())
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{day(end)}"
    if start.year == end.year:
        return f"{start.day} {start:%B}-{day(end)}"
    return f"{day(start)}-{day(end)}"


def since_cycle(start: date | None, cycle: str | None) -> str:
    """From when a plan cycle's target counts: 'since 1 January 2026, the start of WTDC-25'."""
    if start is None:
        return ""
    if cycle:
        return _("since {day}, the start of {cycle}").format(day=day(start), cycle=cycle)
    return _("since {day}").format(day=day(start))


def stated_sum(total: int | None, stated: int, of: int, what: str, recorded: str, over: bool = False) -> str:
    """A sum over the events that state a figure: '355 participants at 3 of 7 events that recorded attendance';
    'participants not recorded at any of the 7 events'. A blank is unknown, never 0."""
    if not of:
        return ""
    if total is None or not stated:
        if of == 1:
            return _("{what} not recorded at the event").format(what=what)
        return n_(
            "{what} not recorded at any of the {count} event", "{what} not recorded at any of the {count} events", of
        ).format(what=what, count=count(of))
    if stated == of:
        if of == 1:
            return _("{total} {what}, recorded at the event").format(total=count(total, over), what=what)
        return n_("{total} {what}, recorded at all {count} event", "{total} {what}, recorded at all {count} events", of).format(
            total=count(total, over), what=what, count=count(of)
        )
    return n_(
        "{total} {what} at {stated} of {count} event that recorded {recorded}",
        "{total} {what} at {stated} of {count} events that recorded {recorded}",
        of,
    ).format(total=count(total, over), what=what, stated=count(stated), count=count(of), recorded=recorded)


DASH = "\u2013"  # a table cell with nothing to count


def stated_cell(total, stated: int, of, over: bool = False) -> str:
    """A table cell of a sum over the events that state it: '55', '55 at 1 of 2 events', 'not recorded', or a
    dash when there was no event to count."""
    if not of:
        return DASH
    if _missing(total) or not stated:
        return _(NOT_RECORDED)
    text = count(total, over)
    if stated == of:
        return text
    return n_("{total} at {stated} of {count} event", "{total} at {stated} of {count} events", int(of)).format(
        total=text, stated=count(stated), count=count(int(of))
    )


def _missing(value) -> bool:
    """None, NaN, NaT or a table's NA (whose comparisons are neither true nor false)."""
    try:
        return value is None or bool(value != value)
    except TypeError:
        return True


def usd_cell(total, counted: int, stated: int) -> str:
    """A table cell of money: a dash with no resource, 'not recorded' when none states an amount, else the amount."""
    if not counted:
        return DASH
    return _(NOT_RECORDED) if not stated else _number(float(total))


_QUALIFIERS = {"exact": "{value}", "over": N_("over {value}"), "nearly": N_("nearly {value}"), "about": N_("about {value}")}


def reported(item: dict) -> str:
    """A figure as a document published it: 'over 70, as published in <source> for 15 April 2023'."""
    value = money(item["value"]) if item["kpi"] == "resources_usd" else count(item["value"])
    when = item["as_of"] if isinstance(item["as_of"], date) else date.fromisoformat(item["as_of"])
    start = item.get("from")
    if _missing(start):  # blank
        start = None
    elif not isinstance(start, date):
        start = date.fromisoformat(start)
    qualified = _(_QUALIFIERS.get(item["qualifier"], "{value}")).format(value=value)
    if start:
        return _("{value}, as published in {source} for {start} to {end}").format(
            value=qualified, source=item["source"], start=day(start), end=day(when)
        )
    return _("{value}, as published in {source} as at {day}").format(value=qualified, source=item["source"], day=day(when))


def lower_bound_missed(counted, item: dict) -> bool:
    """True when the records count less than a published figure that is a lower bound (exact or 'over')."""
    # Counted None (no record states it) is short of any published figure.
    return item["qualifier"] in ("exact", "over") and (counted is None or counted < item["value"])


# Region names that take "the" in a sentence: "in the Americas", "in Africa".
_WITH_ARTICLE = {"Americas", "Arab States", "Commonwealth of Independent States"}


def in_region(name: str) -> str:
    """'in Africa', 'in the Commonwealth of Independent States'; in another language, as its catalogue words it."""
    if i18n.current() != i18n.ENGLISH:
        return _("in {region}").format(region=name)
    return f"in the {name}" if name in _WITH_ARTICLE else f"in {name}"


def counted(value: int, singular: str, plural: str) -> str:
    """A count in the message that agrees with it: counted(3, "{count} center", "{count} centers") -> '3 centers'
    ('3 центра', '5 центров' in Russian). Both forms are literals, for the catalogues."""
    return n_(singular, plural, int(value)).format(count=count(value))


def count_of(value: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: '1 center', '3 centers', '0 centers', '2 activities'."""
    return f"{value:,} {noun if value == 1 else (plural or _plural(noun))}"


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "o", "u", ""):
        return noun[:-1] + "ies"
    return noun + "s"


# Sources in the reference and built-in data cite the seed documents by file number and section, and
# our own notes by file name (data/README.md explains them). What a reader sees names the documents.
_DOCUMENTS = {
    "000": "TDAG report on the Innovation and Entrepreneurship Alliance (2023)",
    "001": "TDAG report on ITU-D Innovation (2019)",
    "002": "WTDC Resolution 90 (Kigali, 2022)",
    "003": "ITU-D Innovation brochure",
    "004": "ITU contribution to the UN CSTD priority theme (2023)",
}
_SEED = re.compile(r"\bseeds? (00[0-4])(?:\s*(?:§\s*[\d.]+|section [\d.]+)(?:\s*(?:,|and|to)\s*§?\s*[\d.]+)*)?")
_SECTION = re.compile(r"\s*§\s*[\d.]+(?:\s*(?:and|to)\s*§?\s*[\d.]+)*")
_OWN_FILES = re.compile(r"`?\b(?:[\w-]+/)*[\w-]+\.(?:csv|md|py)\b`?(?:\s*(?:section|§)\s*[\d.]+)?")


def cite(source):
    """A row's source as a reader should see it: documents by their titles, none of our own files."""
    if not isinstance(source, str):
        return source
    text = _SEED.sub(lambda m: _DOCUMENTS[m.group(1)], source)
    text = _SECTION.sub("", text).replace("alliance/demo.py", "the dashboard's demo generator")
    text = re.sub(r"(?i)\bdata[ -]contract(?:\.md)?(?:\s*section\s*[\d.]+)?", "the Alliance's data rules", text)
    text = _OWN_FILES.sub("the dashboard's reference notes", text)
    for column, words_ in _COLUMN_WORDS:
        text = column.sub(words_, text)
    return text


# Notes in the built-in sources name upload columns; a reader gets them in words.
_COLUMN_WORDS = (
    (re.compile(r"\(date_precision not_stated(, so )?"), lambda m: "(the date is not stated" + (", so " if m.group(1) else "")),
    (re.compile(r"\bdate_precision not_stated\b"), "the date is not stated"),
    (re.compile(r"\bcompleted_precision not_stated\b"), "the completion date is not stated"),
    (re.compile(r"\bannounced_on is\b"), "the date it was set is"),
    (re.compile(r"\bannounced_on\b"), "the date it was set"),
    (re.compile(r"\bfor_region\b"), "the region it serves"),
    (re.compile(r"\bcompleted_on and due_on\b"), "the completion and due dates"),
    (re.compile(r"\bdue_on\b"), "the due date"),
    (re.compile(r"\bcompleted_on\b"), "the completion date"),
    (re.compile(r"\bkap_outcome (\w+) is our reading\b"), r"KAP outcome \1 is the dashboard's reading"),
    (re.compile(r"\bkap_outcome\b"), "KAP outcome"),
    (re.compile(r"\bres90_resolves reasoned\b"), "the Resolution 90 items are the dashboard's reading"),
    (re.compile(r"\bres90_resolves\b"), "the Resolution 90 items"),
    (re.compile(r"\b[Tt]he seed\b"), "the source"),
)


def cite_sources(frame):
    """The frame with its `source` column (if any) cited for readers."""
    if "source" in getattr(frame, "columns", ()):
        # Once per distinct source: a list of events repeats a handful of documents.
        cited = {source: cite(source) for source in frame["source"].dropna().unique()}
        frame = frame.assign(source=frame["source"].map(lambda source: cited.get(source, source)))
    return frame


def shown(value) -> str:
    """A stored value as the upload preview shows it: dates as 15 April 2023, lists joined by '; ', numbers with commas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return day(value)
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:,}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# A number written as the preview writes it (1,250,000.5): text that says the stored value in other
# words (304.000, 12,5, 1 250, 1e6) is shown beside it.
_AS_SHOWN = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


def as_filed(cell, value) -> str:
    """A stored value with what the file said, when it said it otherwise: '15/04/2023 → 15 April 2023', '304.000 → 304,000'."""
    stored = shown(value)
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return stored
    if isinstance(cell, str):
        text = cell.strip()
        if text in (stored, str(value)):
            return stored
        if isinstance(value, list) and [p.strip() for p in re.split(r"[;,]", text) if p.strip()] == value:
            return stored
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # Written as the preview writes it, with or without its thousands commas: no arrow. '304.000' read
            # as 304 in a comma CSV gets one, so a European number in the wrong kind of file shows.
            if _AS_SHOWN.fullmatch(text) and text.replace(",", "") == stored.replace(",", ""):
                return stored
    elif isinstance(cell, datetime):
        if isinstance(value, date) and cell.date() == value and cell.time() == datetime.min.time():
            return stored
        text = cell.isoformat(sep=" ")
    elif isinstance(cell, date) or cell == value:
        return stored
    else:
        text = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell)
    return f"{text} → {stored}"


# How a language ends a sentence and joins clauses (Chinese its full-width marks, Arabic its own semicolon, French a
# narrow space before the semicolon); English and the rest as the code writes them.
_FULL_STOP = {"zh": "。"}
_CLAUSES = {"zh": "；", "ar": "؛ ", "fr": "\u202f; "}


def sentence(text: str) -> str:
    """Text made a sentence in the language spoken: its first letter a capital (where the script has them) and the
    language's full stop."""
    if not text:
        return text
    return text[0].upper() + text[1:] + _FULL_STOP.get(i18n.current(), ".")


def clauses(parts) -> str:
    """Clauses joined as the language joins them: 'a; b' in English, 'a ; b' in French, 'a；b' in Chinese."""
    return _CLAUSES.get(i18n.current(), "; ").join(parts)
