"""Normalise names, headers and choice values the way the data contract matches them."""

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-_]+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# British spellings are the same words (data contract, section 1).
_BRITISH = (("centre", "center"), ("organisation", "organization"), ("organis", "organiz"))


def key(value: str) -> str:
    """Return the matching key of a header, sheet name or choice value."""
    text = _SEPARATORS.sub("_", str(value).strip().casefold()).strip("_")
    for british, american in _BRITISH:
        text = text.replace(british, american)
    return text


def name_key(value: str) -> str:
    """Return the matching key of a country or other proper name: no case, accents or punctuation."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    text = text.casefold().replace("&", " and ")
    return _NON_ALNUM.sub(" ", text).strip()


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Prefix text a spreadsheet would run as a formula with an apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    """Undo escape_formula, so that an exported workbook loads back to the same values."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text
