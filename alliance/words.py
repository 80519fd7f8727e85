"""Dates and periods in words, written the same way in tiles, charts, tables, downloads and the report."""

from datetime import date

LAUNCH = date(2023, 1, 25)


def day(value: date) -> str:
    """A date as ITU writes it in a figure's label: 25 Jan 2023."""
    return f"{value.day} {value:%b %Y}"


def period(start: date | None, end: date) -> str:
    """The period a flow counts: 'in the period 25 Jan 2023 to 30 Jun 2023' (no start: 'up to ...')."""
    if start is None:
        return f"up to {day(end)}"
    return f"in the period {day(start)} to {day(end)}"


def as_at(value: date) -> str:
    """The date a stock is counted at: 'as at 30 Jun 2023'."""
    return f"as at {day(value)}"


def since_launch(end: date) -> str:
    """A cumulative figure counted from the Alliance's launch."""
    return f"since the launch (25 Jan 2023) to {day(end)}"


def dated(value: date | None, precision: str | None) -> str:
    """A stored date with how exact its source is: '2018 (month not stated)', 'date not stated (by 10 May 2023)'."""
    if value is None:
        return ""
    if precision == "year":
        return f"{value.year} (month not stated)"
    if precision == "month":
        return f"{value:%b %Y} (day not stated)"
    if precision == "not_stated":
        return f"date not stated (by {day(value)})"
    return day(value)


def count(value: int | float, over: bool = False) -> str:
    """A count with thousands separators; 'over 300' when the source gives a lower bound."""
    text = f"{value:,.0f}"
    return f"over {text}" if over else text
