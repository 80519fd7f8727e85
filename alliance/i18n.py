"""The six languages ITU works in: which one a page or a report speaks, its words from message catalogues, and
CLDR's way of writing dates and numbers in it (through Babel).

The language is per script run, not per process: a page sets it at its start (`use`), the command line and the
report around what they write (`speaking`), and everything below reads it (`current`). English is the language the
code is written in, so a string without a translation reads as written.

Catalogues: locale/<language>/LC_MESSAGES/alliance.po, compiled in memory at first use (no .mo files to keep in
step); `make translations` extracts new strings into locale/alliance.pot and merges them into every catalogue.
"""

import gettext
import io
import os
import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

# ALLIANCE_LOCALE_DIR: catalogues elsewhere (a translator's working copy, to see them in the app before committing).
LOCALE_DIR = Path(os.environ.get("ALLIANCE_LOCALE_DIR") or Path(__file__).resolve().parent.parent / "locale")
DOMAIN = "alliance"

# Each language by its own name, in the order ITU lists its six official languages.
LANGUAGES = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
ENGLISH = "en"
RIGHT_TO_LEFT = frozenset({"ar"})
# The CLDR locale each language's dates and numbers follow: ITU's English is British ("30 June 2023").
CLDR = {"ar": "ar", "zh": "zh_Hans", "en": "en_GB", "fr": "fr", "ru": "ru", "es": "es"}
# A language tests run to prove that every string goes through a catalogue: each message marked, nothing translated.
PSEUDO = "qps"

_language: ContextVar[str] = ContextVar("alliance_language", default=ENGLISH)


def chosen(asked: str | None, browser: str | None = None) -> str:
    """The language to speak: the one asked for (a link's ?lang=), else the browser's when it is one of the six,
    else English. Anything else asked for is ignored, as an unknown filter value is."""
    for wanted, pseudo_too in ((asked, True), (browser, False)):
        code = re.split(r"[-_]", (wanted or "").strip().lower(), maxsplit=1)[0]
        if code in LANGUAGES or (pseudo_too and code == PSEUDO):
            return code
    return ENGLISH


def use(language: str) -> None:
    """Speak `language` for the rest of this script run (a page's start) or thread."""
    _language.set(language if language in LANGUAGES or language == PSEUDO else ENGLISH)


@contextmanager
def speaking(language: str):
    """Speak `language` inside the block (a report, a command), then what was spoken before."""
    token = _language.set(language if language in LANGUAGES or language == PSEUDO else ENGLISH)
    try:
        yield
    finally:
        _language.reset(token)


def current() -> str:
    return _language.get()


def right_to_left(language: str | None = None) -> bool:
    return (language or current()) in RIGHT_TO_LEFT


def locale(language: str | None = None):
    """The CLDR locale (babel.Locale) of the language spoken (the pseudo-language writes as English does)."""
    from babel import Locale  # imported when a language other than English is spoken: English starts without it

    return Locale.parse(CLDR.get(language or current(), CLDR[ENGLISH]))


def N_(message: str) -> str:
    """Mark a message for the catalogues where it is written (a table of labels at import time); `_` it where shown."""
    return message


def _(message: str) -> str:
    """`message` in the language spoken."""
    return catalogue(current()).gettext(message)


def n_(singular: str, plural: str, number: int) -> str:
    """The form of a message that agrees with `number` in the language spoken (Russian and Arabic have more than two)."""
    return catalogue(current()).ngettext(singular, plural, number)


@cache
def catalogue(language: str) -> gettext.NullTranslations:
    """The language's messages, compiled from its .po file; English (and a language with no file) as written."""
    if language == PSEUDO:
        return _Pseudo()
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == ENGLISH or not path.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        compiled = read_po(handle, locale=CLDR[language], domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, compiled, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


# What a message keeps in every language: {name} fields and %-style conversions.
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
_ACCENTED = str.maketrans("AaCcEeIiNnOoSsUuYyZz", "ÅåÇçÉéÎîÑñÖöŠšÛûÝýŽž")


def pseudo(message: str) -> str:
    """A message as the pseudo-language shows it: ⟦Åççéñtéð⟧, placeholders untouched, so a test sees at once any
    text on a page that did not come through a catalogue."""
    parts, last = [], 0
    for found in PLACEHOLDER.finditer(message):
        parts.append(message[last : found.start()].translate(_ACCENTED))
        parts.append(found.group())
        last = found.end()
    parts.append(message[last:].translate(_ACCENTED))
    return "⟦" + "".join(parts) + "⟧"


class _Pseudo(gettext.NullTranslations):
    def gettext(self, message):
        return pseudo(message)

    def ngettext(self, singular, plural, n):
        return pseudo(singular if n == 1 else plural)


# What a name in a frame's column names, by the column: these are translated where shown (values from uploads,
# titles and organisations, are shown as written).
NAMED_COLUMNS = {
    "region_name": "region",
    "capability_name": "capability",
    "center_type_name": "center_type",
    "country_name": "country",
    "itu_name": "country",
}


@cache
def _names(language: str) -> dict[tuple[str, str], str]:
    """(kind, English name or code) -> the name in `language`: data/names.csv (ITU's names where a public ITU page
    gives them, else our translations), and every Member State as CLDR names it (Babel)."""
    import csv

    from alliance import DATA_DIR

    found: dict[tuple[str, str], str] = {}
    with open(DATA_DIR / "names.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    english = {(row["kind"], row["code"]): row["name"] for row in rows if row["language"] == ENGLISH}
    for row in rows:
        if row["language"] == language:
            found[(row["kind"], row["code"])] = row["name"]
            if (row["kind"], row["code"]) in english:
                found[(row["kind"], english[(row["kind"], row["code"])])] = row["name"]
    if language in (ENGLISH, PSEUDO):
        return found
    from babel.core import get_global

    alpha2 = get_global("territory_aliases")
    territories = locale(language).territories
    with open(DATA_DIR / "countries.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            written = territories.get((alpha2.get(row["iso3"]) or [""])[0])
            if written:
                for key in (row["iso3"], row["itu_name"], row["un_name"], row["iso_name"]):
                    found[("country", key)] = written
    return found


def name(kind: str, key: str, default: str | None = None) -> str:
    """A region's, capability's, center type's, cycle's, plan's, country's or KPI's name (by code or English name) in
    the language spoken; `default` (else the key itself) when English, or not known in that language."""
    fallback = key if default is None else default
    if not isinstance(key, str):
        return key
    if current() == ENGLISH:
        return fallback if default is not None or kind == "country" else _names(ENGLISH).get((kind, key), key)
    if current() == PSEUDO:
        return pseudo(fallback if default is not None or kind == "country" else _names(ENGLISH).get((kind, key), key))
    return _names(current()).get((kind, key), fallback)


# How data/*.csv write a title no public page gave ("AMS2 (title not found)"): those words are ours, in the columns
# that carry reference titles (the titles themselves are quoted as their source writes them).
TITLE_NOT_FOUND = " (title not found)"
TITLE_COLUMNS = ("title", "initiative_title", "priority_title", "outcome_title", "kap_outcome_label")


def _title(value):
    if isinstance(value, str) and value.endswith(TITLE_NOT_FOUND):
        return _("{code} (title not found)").format(code=value[: -len(TITLE_NOT_FOUND)])
    return value


def localized(frame):
    """The frame with the names in its NAMED_COLUMNS in the language spoken, and "(title not found)" in its words
    (the same frame in English)."""
    if current() == ENGLISH:
        return frame
    present = getattr(frame, "columns", ())
    columns = {column: kind for column, kind in NAMED_COLUMNS.items() if column in present}
    changed = {column: frame[column].map(lambda v, k=kind: name(k, v)) for column, kind in columns.items()}
    for column in TITLE_COLUMNS:
        if column in present:
            changed[column] = frame[column].map(_title)
    if "kpi_code" in present:  # a KPI's words by its code (data/kpis.csv's, as the store keeps them)
        for field in ("name", "short_name", "definition", "unit"):
            if field in present:
                changed[field] = [name(f"kpi_{field}", code, text) for code, text in zip(frame["kpi_code"], frame[field])]
    return frame.assign(**changed) if changed else frame
