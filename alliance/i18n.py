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
import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
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
