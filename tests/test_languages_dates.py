"""Date axes and hover dates in the language spoken: Plotly writes month names in English only, so outside English
a figure carries its own tick labels and hover dates, written by alliance.words (English keeps Plotly's own)."""

import re
from datetime import date

import pandas as pd
import pytest
from handcount import AS_OF

from alliance import i18n
from alliance.figures import date_ticks, eois_over_time, milestone_timeline
from alliance.figures.events import events_by_month
from alliance.figures.milestones import milestone_timeline_as_of
from alliance.queries import frame

PARAMS = {"as_of": AS_OF, "period_start": date(2023, 1, 25), "region": None, "capability": None, "limit": 500}
ENGLISH_MONTH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"
)
FRENCH_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
# A tick or hover date as each language writes it: a day, a month or a year alone.
WRITTEN = {
    "fr": re.compile(rf"((\d{{1,2}} )?({FRENCH_MONTHS}) )?\d{{4}}"),
    "zh": re.compile(r"\d{4}年(\d{1,2}月(\d{1,2}日)?)?"),
}


def _figures(store) -> dict:
    """Every figure with a date axis, from the hand-counted store (built in the language spoken)."""
    con = store.connect()
    eois = frame(con, "eois_cumulative", **PARAMS)
    events = frame(con, "events_by_month_region", **PARAMS)
    milestones = frame(con, "milestones_status", as_of=AS_OF, limit=150)
    dated = milestones[milestones["due_on"].notna()]
    assert len(eois) and len(events) and len(dated), "the hand count has dates to draw"
    return {
        "eois_over_time": eois_over_time(eois),
        **{f"events_by_month {m}": events_by_month(events, m) for m in ("participants", "trained_certified", "events")},
        "milestone_timeline": milestone_timeline(dated),
        "milestone_timeline_as_of": milestone_timeline_as_of(milestones, AS_OF),
    }


def _hover_dates(trace: dict) -> list[str]:
    """The dates a trace's hover shows: the customdata column its template names where Plotly's date was."""
    found = re.search(r"%\{customdata(?:\[(\d)\])?\}", trace["hovertemplate"])
    assert found, trace["hovertemplate"]
    column = found.group(1)
    return [str(row if column is None else row[int(column)]) for row in trace["customdata"]]


@pytest.mark.parametrize("language", ["fr", "zh"])
def test_date_axes_and_hovers_speak_the_language(store, language):
    with i18n.speaking(language):
        figures = _figures(store)
    for name, fig in figures.items():
        spec = fig.to_plotly_json()
        axis = spec["layout"]["xaxis"]
        assert axis["tickmode"] == "array" and len(axis["tickvals"]) == len(axis["ticktext"]) >= 1, name
        for label in axis["ticktext"]:
            assert WRITTEN[language].fullmatch(label), (name, label)
            assert not ENGLISH_MONTH.search(label), (name, label)
        for trace in spec["data"]:
            assert "%{x|" not in trace["hovertemplate"], name
            dates = _hover_dates(trace)
            assert dates and all(WRITTEN[language].fullmatch(d) for d in dates), (name, dates[:3])
            assert not any(ENGLISH_MONTH.search(d) for d in dates), name


def test_english_keeps_plotlys_own_date_formatting(store):
    with i18n.speaking("en"):
        figures = _figures(store)
    for name, fig in figures.items():
        spec = fig.to_plotly_json()
        assert "tickvals" not in spec["layout"]["xaxis"] and "ticktext" not in spec["layout"]["xaxis"], name
        for trace in spec["data"]:
            assert "%{x|" in trace["hovertemplate"], name
    assert figures["events_by_month participants"].layout.xaxis.tickformat == "%b %Y"
    assert figures["eois_over_time"].data[0].customdata is None
    assert {len(row) for row in figures["milestone_timeline"].data[0].customdata} == {2}


def test_a_french_hover_keeps_the_rest_of_its_sentence(store):
    with i18n.speaking("fr"):
        fig = _figures(store)["events_by_month participants"]
    template = fig.data[0].hovertemplate
    assert template.startswith("%{customdata[1]}") and "%{y:,}" in template and "%{customdata[0]}" in template


@pytest.mark.parametrize(
    "start, end, middle, expected",
    [
        # Under 6 months: every month, at its first day inside the span.
        ("2023-01-25", "2023-05-10", False, ["2023-02-01", "2023-03-01", "2023-04-01", "2023-05-01"]),
        # Up to 18 months: every other month.
        ("2023-01-01", "2023-12-31", False, ["2023-01-01", "2023-03-01", "2023-05-01", "2023-07-01", "2023-09-01", "2023-11-01"]),
        # Up to 2 years: quarters; up to 5: half years.
        (
            "2023-01-25",
            "2024-10-31",
            False,
            ["2023-04-01", "2023-07-01", "2023-10-01", "2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01"],
        ),
        ("2023-01-25", "2025-06-30", False, ["2023-07-01", "2024-01-01", "2024-07-01", "2025-01-01"]),
        # Longer: years.
        ("2023-03-16", "2029-12-07", False, ["2024-01-01", "2025-01-01", "2026-01-01", "2027-01-01", "2028-01-01", "2029-01-01"]),
        # Bars by month: each month's middle, where Plotly draws the bar.
        ("2023-02-01", "2023-04-01", True, ["2023-02-15", "2023-03-16 12:00:00", "2023-04-16"]),
        # Shorter than two months: days, a week apart.
        ("2023-01-26", "2023-02-13", False, ["2023-01-29", "2023-02-05", "2023-02-12"]),
        ("2023-06-30", "2023-06-30", False, ["2023-06-30"]),
    ],
)
def test_ticks_follow_the_span(start, end, middle, expected):
    with i18n.speaking("fr"):
        assert date_ticks(start, end, middle)["tickvals"] == expected


def test_ticks_are_labelled_by_month_year_or_day():
    with i18n.speaking("zh"):
        assert date_ticks("2023-02-01", "2023-04-01", True)["ticktext"] == ["2023年2月", "2023年3月", "2023年4月"]
        assert date_ticks("2023-03-16", "2029-12-07")["ticktext"][:2] == ["2024年", "2025年"]
        assert date_ticks("2023-06-30", "2023-06-30")["ticktext"] == ["2023年6月30日"]
    with i18n.speaking("fr"):
        assert date_ticks("2023-05-20", "2023-07-10")["ticktext"] == ["juin 2023", "juillet 2023"]
        assert date_ticks(pd.NaT, pd.NaT) == {}


def test_arabic_figures_keep_their_ticks_when_mirrored(store):
    from components.charts import mirrored

    with i18n.speaking("ar"):
        fig = _figures(store)["eois_over_time"]
        axis = mirrored(fig).to_plotly_json()["layout"]["xaxis"]
    assert axis["autorange"] == "reversed"
    assert axis["tickvals"] == list(fig.layout.xaxis.tickvals) and axis["ticktext"] == list(fig.layout.xaxis.ticktext)
    assert not any(ENGLISH_MONTH.search(t) for t in axis["ticktext"])
