"""One voice: numbers, money, dates and plurals written one way, and no internal wording in what a viewer reads."""

import re
from datetime import date, datetime

import pytest

from alliance import words

PAGES = ("overview", "regions", "capabilities", "centers", "events", "milestones", "report", "revisions", "history", "about")
# What a viewer must never read: our files, section signs, commands, load kinds, column names of the
# upload format, the Upload page (a viewer cannot upload), leading zeros in dates.
INTERNAL = re.compile(
    r"§|kap_outcome|period_end|res90_resolves|\b[a-z]+_[a-z_]+ (?:column|sheet)\b|Upload page|History page|\b[\w/-]+\.(?:py|csv|md)\b|python -m|remove-demo|\bload \d+ \(|\bseed 00\d|\b0\d (?:January|February|March|April|May|June|"
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
    parts = [*at.title, *at.markdown, *at.caption, *at.info, *at.warning, *at.success, *at.error, *at.subheader, *at.text]
    tables = [" ".join(map(str, frame.value.to_numpy().ravel())) for frame in [*at.dataframe, *at.table]]
    return " ".join([*(str(p.value) for p in parts), *tables])


@pytest.fixture(scope="module")
def builtin_store(tmp_path_factory):
    """The built-in records (their sources cite the seed documents by file and section) and the demo set."""
    from alliance.ingest.load import seed
    from alliance.store import Store

    store = Store(tmp_path_factory.mktemp("voice") / "alliance.duckdb").ensure()
    seed(store, demo=True)
    return store


@pytest.mark.parametrize("page", PAGES)
def test_a_viewer_reads_no_internal_wording_on_any_page(builtin_store, monkeypatch, page):
    import streamlit as st
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ALLIANCE_DB", str(builtin_store.path))
    monkeypatch.setenv("ALLIANCE_ROLE", "viewer")
    st.cache_data.clear()
    for as_of in ("2018-12-31", "2025-06-30"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params.update({"as_of": as_of, "from": "2018-01-01"})
        at.switch_page(f"app_pages/{page}.py")
        at.run()
        # Open every "Table behind this chart" (closed, they send no table) and read those too.
        closed = [e.proto.id.split("-", 2)[-1] for e in at.expander if e.proto.id.split("-", 2)[-1].startswith("table_")]
        for key in closed:
            at.session_state[key] = True
        if closed:
            at.run()
            assert len(at.dataframe) >= len(closed)
        assert not at.exception
        found = INTERNAL.findall(_texts(at).replace("\\", ""))
        assert found == [], (as_of, found)
