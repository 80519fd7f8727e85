"""Problems found in an upload: each located as the spreadsheet shows it, listed up to a cap, counted past it."""

import re
from collections import Counter
from dataclasses import dataclass
from functools import reduce

from alliance import AllianceError, i18n
from alliance.i18n import _, n_

# No text may hold these: C0 controls but tab, line feed and carriage return; DEL; C1 controls; lone
# surrogates; and the two non-characters. XML (so the Word report) refuses most of them, and every view
# hides them. Each is refused at load, the cell named, rather than removed: nothing changes unseen.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# An upload's problems are listed up to PROBLEMS_LISTED in all and PROBLEMS_PER_COLUMN per sheet and
# column; past either, one line per sheet and column says how many more there are. A sheet of 200,000
# error cells once gave 1,400,000 problems, 33 s and 3.3 GB. Every problem row of a small file is named.
PROBLEMS_LISTED = 1000
PROBLEMS_PER_COLUMN = 100


def cut(text, limit: int):
    """Control characters shown as escapes, then at most `limit` characters ('...' marks a cut)."""
    text = visible(text)
    if isinstance(text, str) and len(text) > limit:
        return text[: limit - 3] + "..."
    return text


def either(values) -> str:
    """Values to type as a choice between them, in the language spoken: 'a or b or c'."""
    values = list(values)
    return reduce(lambda one, other: _("{one} or {other}").format(one=one, other=other), values) if values else ""


def numeral(value: float, spec: str = ",") -> str:
    """A number in a problem's sentence: as format(value, spec) writes it in English, as CLDR does elsewhere."""
    if i18n.current() in (i18n.ENGLISH, i18n.PSEUDO):
        return format(value, spec)
    from babel.numbers import format_decimal  # Babel only for a language other than English

    decimals = re.search(r"\.(\d+)f", spec)
    pattern = "#,##0" + ("." + "0" * int(decimals.group(1)) if decimals and int(decimals.group(1)) else "")
    if spec == "g" or (spec == "," and not float(value).is_integer()):
        pattern = "#,##0.###"
    return format_decimal(value, pattern, locale=i18n.locale())


def visible(text: str) -> str:
    """Show control characters as escapes (\\x0b), so that a message never carries one."""
    if not isinstance(text, str) or not CONTROL.search(text):
        return text
    return CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


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
        # Its sentence is written in the language it was found in, whenever it is written out.
        self.language = i18n.current()
        if isinstance(self.suggestion, (list, tuple)):
            self.alternatives = tuple(cut(s, 100) for s in self.suggestion)
            self.suggestion = either(self.alternatives)
        # A problem quotes cells and headers: what it shows or prints never carries a control character.
        # A cell can hold 32,767 characters and a crafted file repeats it in every row: each part is
        # cut to a length a person reads, so a rejection stays small whatever the file holds.
        self.sheet, self.column, self.value = cut(self.sheet, 100), cut(self.column, 100), cut(self.value, 200)
        self.problem, self.suggestion = cut(self.problem, 400), cut(self.suggestion, 200)

    def __str__(self) -> str:
        with i18n.speaking(getattr(self, "language", i18n.ENGLISH)):
            return self._sentence()

    def _sentence(self) -> str:
        # The candidates are values to type: quoted as written, only the words between them translated.
        if self.alternatives:
            meant = either(map(repr, self.alternatives))
        else:
            meant = repr(self.suggestion) if self.suggestion else ""
        said = {"sheet": self.sheet, "row": self.row, "column": self.column, "problem": self.problem, "suggestion": meant}
        if self.row and self.column:
            if meant:
                return _("{sheet} row {row}, {column}: {problem} (did you mean {suggestion}?)").format(**said)
            return _("{sheet} row {row}, {column}: {problem}").format(**said)
        if self.row:
            if meant:
                return _("{sheet} row {row}: {problem} (did you mean {suggestion}?)").format(**said)
            return _("{sheet} row {row}: {problem}").format(**said)
        if self.column:
            if meant:
                return _("{sheet}, {column}: {problem} (did you mean {suggestion}?)").format(**said)
            return _("{sheet}, {column}: {problem}").format(**said)
        if meant:
            return _("{sheet}: {problem} (did you mean {suggestion}?)").format(**said)
        return _("{sheet}: {problem}").format(**said)

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
        # English says "problems" whatever the count (as it always has); the catalogues give each count its form.
        if where[1]:
            text = n_(
                "... and {count} more problems in this column, not listed",
                "... and {count} more problems in this column, not listed",
                count,
            ).format(count=numeral(count))
        else:
            text = n_(
                "... and {count} more problems in this sheet, not listed",
                "... and {count} more problems in this sheet, not listed",
                count,
            ).format(count=numeral(count))
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


class Rejected(AllianceError):
    """An upload with problems: nothing was written."""

    def __init__(self, file_name: str, problems: list[Problem]):
        self.file_name = file_name
        self.problems = problems
        # Past the cap, validation lists a summary line per column; its total counts every problem.
        total = getattr(problems, "total", len(problems))
        lines = [
            n_(
                "{file}: rejected, {count} problem(s) found; nothing was written.",
                "{file}: rejected, {count} problem(s) found; nothing was written.",
                total,
            ).format(file=file_name, count=numeral(total))
        ]
        lines += [str(p) for p in problems]
        self.lines = lines  # one a line: a name in a line may hold a line break of its own (words.escaped escapes it)
        super().__init__("\n".join(lines))
