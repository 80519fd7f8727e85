"""The TDAG report as a delegate reads it: the period's own background, tables that fit the page, no unknown printed as 0."""

import re

import pytest
from conftest import cli
from docx import Document
from docx.oxml.ns import qn

from alliance.ingest.load import seed
from alliance.store import Store

TEXT_CM = 17.0  # A4 less two 2 cm margins
CELL_MARGINS_CM = 0.38  # Word's default left and right cell margins, together
PERIODS = {
    "2018": ("--from", "2018-01-01", "--as-of", "2018-12-31"),
    "2023-h1": ("--from", "2023-01-25", "--as-of", "2023-06-30"),
    "2026-h1": ("--from", "2026-01-01", "--as-of", "2026-06-30"),
    "2023-h1-africa": ("--from", "2023-01-25", "--as-of", "2023-06-30", "--region", "AFR"),
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict:
    """The built-in records (the two TDAG reports' facts), reported for each period above."""
    folder = tmp_path_factory.mktemp("layout")
    store = Store(folder / "alliance.duckdb").ensure()
    seed(store, demo=False)
    built = {}
    for name, args in PERIODS.items():
        out = folder / f"{name}.docx"
        done = cli("report", "--db", store.path, *args, "--out", out, "--no-images")
        assert done.returncode == 0, done.stderr
        built[name] = Document(str(out))
    return built


def section(doc, heading: str) -> str:
    """The text under a level-1 heading, up to the next one."""
    lines, inside = [], False
    for p in doc.paragraphs:
        if p.style.name == "Heading 1":
            inside = p.text == heading
        elif inside:
            lines.append(p.text)
    return "\n".join(lines)


def text_of(doc) -> str:
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def table_with(doc, *headers):
    return next(t for t in doc.tables if [c.text for c in t.rows[0].cells][: len(headers)] == list(headers))


def test_report_for_2018_gives_the_itu_d_innovation_background_not_the_alliance(reports):
    doc = reports["2018"]
    background = section(doc, "1. Background") + section(doc, "2. Objectives")
    assert doc.paragraphs[0].text == "Report on ITU-D Innovation"
    for said in ("WTDC-17 in Buenos Aires", "Output 3.4 of the Buenos Aires Action Plan", "four product lines"):
        assert said in background
    for line in ("Knowledge sharing", "Capacity building", "Innovation assessments", "Project co-creation"):
        assert line in background
    assert "TDAG report on ITU-D Innovation (2019)" in background
    for later in ("25 January 2023", "Kigali", "Alliance", "Resolution 90"):
        assert later not in background, later


def test_report_for_first_half_of_2023_gives_the_alliance_background(reports):
    doc = reports["2023-h1"]
    background = section(doc, "1. Background") + section(doc, "2. Objectives")
    for said in ("Kigali Action Plan", "launched on 25 January 2023", "WTDC Resolutions 90, 89 and 85", "three main vehicles"):
        assert said in background
    assert "Output 3.4" not in background and "Buenos Aires" not in background


def test_report_for_2026_says_the_baku_plan_is_in_force_and_restates_none_of_it(reports):
    background = section(reports["2026-h1"], "1. Background")
    assert "The Baku Action Plan 2026-2029 (WTDC-25, Baku, 2025) is in force from 1 January 2026" in background
    assert "does not restate its content" in background


@pytest.mark.parametrize("name", PERIODS)
def test_report_cites_no_file_or_section_of_ours(reports, name):
    assert not re.search(r"§|\bseed\b|\.csv|\.md\b|\.py\b", text_of(reports[name]))


@pytest.mark.parametrize("name", PERIODS)
def test_every_table_repeats_its_header_row_and_splits_no_row(reports, name):
    details, *tables = reports[name].tables  # the period, region and source: label and value, no header row
    assert [r.cells[0].text for r in details.rows][:2] == ["Period", "Region"]
    for table in tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None, table.rows[0].cells[0].text
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)


def _width_cm(word: str, size_pt: float, bold: bool) -> float:
    # Calibri averages about half an em a character; a capital-heavy or bold word is wider: 0.55 and 0.58 em.
    return len(word) * size_pt * (0.58 if bold else 0.55) / 72 * 2.54


@pytest.mark.parametrize("name", PERIODS)
def test_every_table_fits_the_page_and_breaks_no_word(reports, name):
    for table in reports[name].tables:
        widths = [c.width.cm for c in table.rows[0].cells]
        assert sum(widths) <= TEXT_CM + 0.01
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                for run in (r for p in cell.paragraphs for r in p.runs):
                    size = run.font.size.pt
                    for word in run.text.split():
                        assert _width_cm(word, size, bool(run.bold)) <= width - CELL_MARGINS_CM, (word, width)


@pytest.mark.parametrize("name", ["2018", "2023-h1"])
def test_regions_table_events_add_up_to_the_summary_with_a_global_row(reports, name):
    doc = reports[name]
    table = table_with(doc, "Region", "Events")
    events = {r.cells[0].text: int(r.cells[1].text) for r in table.rows[1:]}
    total = events.pop("All regions")
    assert events["Global (no country)"] > 0  # events with no country: in no region, said in a row of their own
    assert sum(events.values()) == total
    summary = section(doc, "Summary")
    assert f"{total} events were held in the period" in summary
    assert "held with no country (global or virtual), in no region's figures" in text_of(doc)


def test_report_never_prints_zero_for_participants_no_event_recorded(reports):
    doc = reports["2023-h1"]
    summary = section(doc, "Summary")
    assert "participants not recorded at any of the 6 events" in summary
    assert "0 participants" not in summary
    table = table_with(doc, "Region", "Events", "Participants")
    for row in table.rows[1:]:
        events, participants = row.cells[1].text, row.cells[2].text
        assert participants == ("\u2013" if events in ("0", "\u2013") else "not recorded"), row.cells[0].text


def test_report_for_2018_sums_participants_over_the_events_that_recorded_them(reports):
    summary = section(reports["2018"], "Summary")
    assert "over 355 participants at 2 of 6 events that recorded attendance" in summary
    assert "99 people trained or certified at 3 of 6 events that recorded them" in summary


def test_report_shows_the_published_figures_beside_the_count_and_calls_the_records_incomplete(reports):
    doc = reports["2023-h1"]
    table = table_with(doc, "Figure", "Counted in the records", "As published")
    rows = {r.cells[0].text: (r.cells[1].text, r.cells[2].text) for r in table.rows[1:]}
    counted, published = rows["EoIs received"]
    assert counted == "0" and published.startswith("over 70, as published in TDAG report on the Innovation")
    assert published.endswith("as at 15 April 2023")
    assert "the records are incomplete" in text_of(doc)
    assert "As published in TDAG report on the Innovation" in section(doc, "Summary")


def test_report_for_2018_lists_no_published_figure_of_2023(reports):
    assert "over 70" not in text_of(reports["2018"])
    assert "nearly 100" in text_of(reports["2018"])  # the 2019 report's figure for 2018


def test_regional_report_labels_the_milestones_alliance_wide(reports):
    doc = reports["2023-h1-africa"]
    assert "(milestones belong to the whole Alliance)" in section(doc, "Summary")
    assert any(p.text == "Milestones reached in the period (the whole Alliance)" for p in doc.paragraphs)
    assert "This report counts Africa: its row gives the Summary's figures" in text_of(doc)


def test_charts_that_cannot_be_drawn_give_a_plain_error_not_a_traceback(monkeypatch):
    """When Chromium closed at once, `report` ended in choreographer's BrowserFailedError traceback."""
    import kaleido
    import plotly.graph_objects as go
    import pytest

    from alliance import AllianceError, report

    calls = []

    def fail():
        calls.append(1)
        raise RuntimeError("The browser seemed to close immediately after starting.")

    monkeypatch.setattr(kaleido, "start_sync_server", fail)
    monkeypatch.setattr(report, "_kaleido_running", False)
    with pytest.raises(AllianceError, match="without charts"):
        report.render_images({"A chart": go.Figure()})
    assert len(calls) == 2  # tried once more before giving up
