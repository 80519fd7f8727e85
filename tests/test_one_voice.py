"""One voice: numbers, money, dates and plurals written one way, and no internal wording in what a viewer reads."""

import re
from datetime import date, datetime

import pytest

from alliance import words

PAGES = ("overview", "regions", "capabilities", "centers", "events", "milestones", "report", "revisions", "history", "about")
# What a viewer must never read: our files, section signs, commands, load kinds, leading zeros in dates.
INTERNAL = re.compile(
    r"§|\b[\w/-]+\.(?:py|csv|md)\b|python -m|remove-demo|\bload \d+ \(|\bseed 00\d|\b0\d (?:January|February|March|April|May|June|"
    r"July|August|September|October|November|December)\b|\b\d{1,2} (?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b"
)


def test_dates_money_and_plurals_are_written_as_itu_writes_them():
    assert words.day(date(2024, 1, 1)) == "1 January 2024"
    assert words.month(date(2023, 6, 30)) == "June 2023"
    assert words.stamp(datetime(2026, 11, 28, 9, 5)) == "28 November 2026 09:05"
    assert words.money(304000) == "USD 304,000" and words.money(1000.5) == "USD 1,000.50"
    assert (words.count_of(1, "center"), words.count_of(0, "center"), words.count_of(2, "country", "countries")) == (
        "1 center",
        "0 centers",
        "2 countries",
    )
    assert words.in_region("Commonwealth of Independent States") == "in the Commonwealth of Independent States"
    assert words.in_region("Africa") == "in Africa"


def _texts(at) -> str:
    parts = [*at.title, *at.markdown, *at.caption, *at.info, *at.warning, *at.success, *at.error, *at.subheader]
    return " ".join(str(p.value) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_a_viewer_reads_no_internal_wording_on_any_page(app, monkeypatch, page):
    monkeypatch.setenv("ALLIANCE_ROLE", "viewer")
    at = app(page, as_of="2023-06-30")
    assert not at.exception
    found = INTERNAL.findall(_texts(at).replace("\\", ""))
    assert found == [], found
