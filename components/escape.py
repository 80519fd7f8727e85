"""Show text from uploads as typed: escape every character Markdown would read."""

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:&=])")


def plain(text) -> str:
    """Escape Markdown so that text from an upload (names, file names, codes) shows literally."""
    return _MARKDOWN.sub(r"\\\1", str(text))
