"""Show text from uploads and links as typed: escape every character Markdown would read."""

import re

# Every ASCII punctuation character may be escaped in CommonMark; escaping them all leaves no link, image,
# emphasis, HTML, table, LaTeX ($), colour directive (:red[...]) or autolink (https\:, www\.) to read.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"\r\n?|\n|[\u2028\u2029]")
# Other control characters are invisible: show them as escapes (\x0b), as the validation report does.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


_AUTOLINK = re.compile(r"(?i)(?:https?|ftp|mailto|www)(?=[:.])")


def plain(text) -> str:
    """Escape Markdown so that text from an upload or a link (names, file names, codes) shows literally.

    Line breaks become spaces: a break could start a heading, a list or a block quote.
    """
    text = _LINE_BREAKS.sub(" ", str(text))
    text = _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)
    # Markdown turns a bare address (https://..., www....) into a link even when escaped; a word
    # joiner inside the scheme keeps it text and looks the same.
    text = _AUTOLINK.sub(lambda match: match.group()[0] + "\u2060" + match.group()[1:], text)
    # An e-mail address becomes a mailto link even with its @ escaped; a word joiner before it does not.
    text = text.replace("@", "\u2060@")
    return _PUNCTUATION.sub(r"\\\1", text)


def css_string(text) -> str:
    """Text as a quoted CSS string (a `content:` value): every character but letters, digits and spaces written as a
    CSS escape, so no quote, backslash, '<' or line break can end the string, the rule or the <style> element."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in str(text)) + '"'
