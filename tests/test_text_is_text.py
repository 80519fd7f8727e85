"""Text from files and links is shown as text: never markup, never a formula, never a character that breaks a writer."""

import json
import pickle
import re

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from docx import Document

import alliance.ingest.problems
from alliance import report
from alliance.ingest.load import load_file, seed
from alliance.ingest.problems import Rejected
from alliance.workbook import frame_to_csv, frames_to_xlsx, template
from components.escape import plain

EOI_HEADER = ["eoi_id", "received_on", "country", "organization", "request", "status"]
EVENT_HEADER = ["event_id", "title", "start_date", "event_type"]


def write_xlsx(path, sheets: dict[str, list[list]]):
    """Write with xlsxwriter, which stores control characters as _x000B_ escapes, as Excel does."""
    workbook = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False})
    for name, rows in sheets.items():
        worksheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                worksheet.write_string(r, c, value)
    workbook.close()
    return path


# --- 1. Control characters are refused at load, the row named -----------------------------------


@pytest.mark.parametrize(
    "sheet, header, row, column, bad",
    [
        ("Events", EVENT_HEADER, ["V9", "Regional forum\v session 2", "2023-03-23", "forum"], "title", "\v"),
        ("Events", EVENT_HEADER, ["V9", "Forum\x0c", "2023-03-23", "forum"], "title", None),
        ("Events", [*EVENT_HEADER, "source"], ["V9", "Forum", "2023-03-23", "forum", "TDAG\x1b[31m"], "source", "\x1b"),
        ("Events", EVENT_HEADER, ["V9", "Forum", "2023-03-23", "fo\x07rum"], "event_type", "\x07"),
        ("EoIs", EOI_HEADER, ["X1", "2023-02-01", "KEN", "ICT\x7f Authority", "other", "received"], "organization", "\x7f"),
        ("EoIs", EOI_HEADER, ["X1", "2023-02-01", "Ke\x01nya", "ICT", "other", "received"], "country", "\x01"),
        ("EoIs", EOI_HEADER, ["X1", "2023-02-01", "KEN", "ICT\x85 Authority", "other", "received"], "organization", "\x85"),
        ("Initiatives", ["code", "cycle", "region", "title"], ["AF\x0bR9", "WTDC-22", "AFR", "Title"], "code", "\v"),
    ],
)
def test_text_with_a_control_character_is_refused_naming_row_and_column(empty_store, tmp_path, sheet, header, row, column, bad):
    """Bug: "Regional forum\\v session 2" loaded, and then every TDAG report failed ("must be XML compatible")."""
    path = write_xlsx(tmp_path / "bad.xlsx", {sheet: [header, row]})
    if bad is None:  # a control character at the end is surrounding white space: trimmed, as before
        load_file(empty_store, path)
        assert empty_store.connect().execute("select title from events").fetchall() == [("Forum",)]
        return
    before = empty_store.current().name
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, path)
    assert empty_store.current().name == before
    [problem] = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == (sheet, 2, column)
    assert "control character" in problem.problem and repr(bad)[1:-1] in problem.problem
    # What is shown and printed makes the character visible and never carries it.
    for text in (problem.value, str(problem), json.dumps(problem.as_dict())):
        assert bad not in text
    assert repr(bad)[1:-1] in problem.value


def test_tab_and_line_break_inside_text_load_and_the_report_writes_them(empty_store, tmp_path):
    path = write_xlsx(
        tmp_path / "ok.xlsx", {"Events": [EVENT_HEADER, ["V9", "Regional\tforum\nsession 2", "2023-03-23", "forum"]]}
    )
    load_file(empty_store, path)
    assert empty_store.connect().execute("select title from events").fetchall() == [("Regional\tforum\nsession 2",)]
    report.build(empty_store.connect(), tmp_path / "r.docx", pd.Timestamp("2023-12-31").date(), images=False)
    assert "session 2" in "\n".join(p.text for p in Document(str(tmp_path / "r.docx")).paragraphs)


def test_csv_with_a_control_character_is_refused_naming_the_row(empty_store, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "event_id,title,start_date,event_type\nV1,Forum,2023-03-23,forum\nV2,Regional forum\v session 2,2023-03-24,forum\n"
    )
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "title")]
    assert "'Regional forum\\x0b session 2'" in caught.value.problems[0].problem


def test_report_over_the_built_in_and_demo_data_builds(empty_store, tmp_path):
    seed(empty_store, demo=True)
    con = empty_store.connect()
    for as_of in ("2023-06-30", "2026-12-31"):
        report.build(con, tmp_path / f"{as_of}.docx", pd.Timestamp(as_of).date(), images=False)
        assert (tmp_path / f"{as_of}.docx").stat().st_size > 0


# --- 2. Problems stop being listed after a documented number --------------------------------------


def error_cells_workbook(path, rows: int):
    """One id and five spreadsheet errors (#N/A) a row, as a broken export would hold."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("EoIs")
    ws.append(EOI_HEADER)
    for r in range(rows):
        ws.append([f"X{r}", "#N/A", "#N/A", "#N/A", "#N/A", "#N/A"])
    wb.save(path)
    return path


def more_of(problem) -> int:
    match = re.match(r"\.\.\. and ([\d,]+) more", problem.problem)
    return int(match.group(1).replace(",", "")) if match else 0


def test_problems_stop_after_the_cap_with_one_line_per_column_saying_how_many_more(empty_store, tmp_path):
    """Bug: 200,000 error cells gave 1,400,000 problems, 33 s and 3.3 GB."""
    path = error_cells_workbook(tmp_path / "errors.xlsx", 4000)  # 20,000 error cells
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, path)
    problems = caught.value.problems
    listed = [p for p in problems if not more_of(p)]
    summaries = [p for p in problems if more_of(p)]
    assert len(listed) == min(alliance.ingest.problems.PROBLEMS_LISTED, 5 * alliance.ingest.problems.PROBLEMS_PER_COLUMN)
    for column in ("received_on", "country", "organization", "request", "status"):
        shown = [p for p in listed if p.column == column]
        assert len(shown) <= alliance.ingest.problems.PROBLEMS_PER_COLUMN
        assert [p.row for p in shown] == list(range(2, 2 + len(shown)))  # the first rows, in order
    # One line per column says how many more, naming the sheet and the column; nothing is lost from the count.
    assert sorted(p.column for p in summaries) == ["country", "organization", "received_on", "request", "status"]
    assert all(p.sheet == "EoIs" and p.row is None for p in summaries)
    assert len(listed) + sum(map(more_of, summaries)) == 20_000 == problems.total
    assert len(str(caught.value).splitlines()) < alliance.ingest.problems.PROBLEMS_LISTED + 10


def test_each_error_cell_is_one_problem_not_also_a_missing_value(empty_store, tmp_path):
    path = error_cells_workbook(tmp_path / "errors.xlsx", 1)
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, path)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, c) for c in ("received_on", "country", "organization", "request", "status")
    ]


@pytest.mark.parametrize("bad_rows", [1, 100, 101])
def test_every_problem_row_is_named_up_to_the_cap_per_column(empty_store, tmp_path, bad_rows):
    cap = alliance.ingest.problems.PROBLEMS_PER_COLUMN
    assert cap == 100
    rows = [EOI_HEADER] + [[f"X{r}", "not a date", "KEN", "Org", "other", "received"] for r in range(bad_rows)]
    rows += [["Y1", "2023-02-01", "Atlantis", "Org", "other", "received"]]
    path = write_xlsx(tmp_path / "small.xlsx", {"EoIs": rows})
    with pytest.raises(Rejected) as caught:
        load_file(empty_store, path)
    problems = caught.value.problems
    named = [p.row for p in problems if p.column == "received_on" and p.row]
    assert named == list(range(2, 2 + min(bad_rows, cap)))
    assert [p.row for p in problems if p.column == "country"] == [bad_rows + 2]
    assert [more_of(p) for p in problems if p.row is None] == ([bad_rows - cap] if bad_rows > cap else [])
    assert problems.total == bad_rows + 1


def test_problems_cap_is_configurable(monkeypatch):
    monkeypatch.setattr(alliance.ingest.problems, "PROBLEMS_LISTED", 5)
    monkeypatch.setattr(alliance.ingest.problems, "PROBLEMS_PER_COLUMN", 3)
    problems = alliance.ingest.problems.Problems()
    for row in range(2, 12):
        problems.append(alliance.ingest.problems.Problem("EoIs", row, "country", "x", "bad"))
        problems.append(alliance.ingest.problems.Problem("EoIs", row, "status", "x", "bad"))
    assert [(p.row, p.column, more_of(p)) for p in problems] == [
        (2, "country", 0),
        (2, "status", 0),
        (3, "country", 0),
        (3, "status", 0),
        (4, "country", 0),
        (None, "status", 8),
        (None, "country", 7),
    ]
    assert problems.total == 20
    again = pickle.loads(pickle.dumps(problems))
    assert (list(again), again.total, again.listed) == (list(problems), 20, 5)
    again.append(alliance.ingest.problems.Problem("EoIs", 12, "status", "x", "bad"))
    assert more_of(again[5]) == 9 and len(again) == 7


# --- 3. Values from a link are shown as text ----------------------------------------------------

HOSTILE = "**Your session expired.** [Sign in again](https://evil.example/login) ![t](https://evil.example/p.png)"


def test_plain_escapes_every_markdown_character_and_line_breaks():
    escaped = plain("a[b](c) ![d] *e* _f_ `g` <h> #i |j| ~k~ $l$ m:red[n] @o\np\r\nq")
    assert "\n" not in escaped and "\r" not in escaped
    for char in "[]()!*_`<>#|~$:@":
        assert char not in escaped.replace("\\" + char, "")


@pytest.mark.parametrize("param", ["as_of", "from", "region", "capability"])
def test_url_value_is_echoed_as_text_not_markdown(app, param):
    """Bug: a crafted link showed a bold "session expired" notice with a working link and a fetched image."""
    at = app(**{param: HOSTILE})
    assert not at.exception
    [warning] = [w.value for w in at.warning if "link" in w.value]
    assert "](" not in warning and "**" not in warning
    assert plain(HOSTILE) in warning


# --- 4. Plotly labels from data are escaped -------------------------------------------------------

MARKUP = '<b>x</b><a href="https://evil.example">y</a>'


def strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def figures_from_hostile_frames():
    import alliance.figures as figures
    from alliance.figures import capabilities as figures_capabilities
    from alliance.figures import centers as figures_centers
    from alliance.figures import events as figures_events
    from alliance.figures import milestones as figures_milestones
    from alliance.figures import regions as figures_regions

    day = pd.Timestamp("2023-06-30")
    milestones = pd.DataFrame(
        {
            "milestone_id": ["M1", "M2"],
            "title": [MARKUP, MARKUP + " second"],
            "due_on": [day, day],
            "completed_on": [None, None],
            "status": ["due", "overdue"],
        }
    )
    activities = pd.DataFrame(
        {
            "regional_initiative": [MARKUP],
            "cycle": [MARKUP],
            "product": ["knowledge_sharing"],
            "status": ["completed"],
            "activities": [1],
            "initiative_title": [MARKUP],
            "region_name": [MARKUP],
        }
    )
    events = pd.DataFrame({"month": [day], "region_name": [MARKUP], "participants": [3], "events": [1]})
    regions = pd.DataFrame({"iso3": ["KEN"], "country_name": [MARKUP], "region_name": [MARKUP], "eois_total": [2]})
    capabilities = pd.DataFrame({"capability_name": [MARKUP], "region_name": [MARKUP], "eois": [2], "centers": [1]})
    scored = pd.DataFrame(
        {
            "outcome_code": [MARKUP],
            "measure": [MARKUP],
            "target": [4.0],
            "actual": [1.0],
            "status": ["at risk"],
            "expected_share": [0.5],
            "target_period_end": [day],
        }
    )
    return {
        "milestone_timeline": figures.milestone_timeline(milestones),
        "milestone_timeline_as_of": figures_milestones.milestone_timeline_as_of(milestones, day.date()),
        "outcome_progress": figures_milestones.outcome_progress(scored),
        "activities_by_initiative": figures_events.activities_by_initiative(activities),
        "events_by_month": figures_events.events_by_month(events, "participants"),
        "world_map": figures_regions.world_map(regions, "eois_total", MARKUP),
        "kpi_by_region": figures_regions.kpi_by_region(regions, "eois_total", MARKUP),
        "demand_supply_bars": figures_capabilities.demand_supply_bars(capabilities),
        "heatmap": figures_capabilities.region_capability_heatmap(capabilities.assign(gap=1), "eois"),
        "centers_by_type": figures_centers.centers_by_type_bars(pd.DataFrame({"center_type_name": [MARKUP], "centers": [1]})),
        "centers_scope_status": figures_centers.centers_scope_status_bars(
            pd.DataFrame({"scope_label": [MARKUP], "status_label": [MARKUP], "centers": [1]})
        ),
    }


@pytest.mark.parametrize("name", list(figures_from_hostile_frames()))
def test_figure_labels_from_data_are_html_escaped(name):
    """Bug: a milestone titled "<b>x</b>" was drawn bold, and a link in a title was live in its hover text."""
    fig = figures_from_hostile_frames()[name]
    text = list(strings(json.loads(fig.to_json())))
    assert not [t for t in text if "<b>x" in t or "<a " in t or "</a>" in t], name
    assert any("&lt;b&gt;x&lt;/b&gt;" in t for t in text), name


def test_milestone_hover_text_shows_the_whole_title_escaped():
    from alliance.figures.milestones import milestone_timeline_as_of

    title = "<i>A</i>" + " long words" * 8
    day = pd.Timestamp("2023-06-30")
    frame = pd.DataFrame({"milestone_id": ["M1"], "title": [title], "due_on": [day], "completed_on": [None], "status": ["due"]})
    [trace] = milestone_timeline_as_of(frame, day.date()).data
    assert list(trace.hovertext) == ["&lt;i&gt;A&lt;/i&gt;" + " long words" * 8]
    assert trace.y[0].startswith("&lt;i&gt;A&lt;/i&gt; long") and trace.y[0].endswith("…")


# --- 5. About shows uploaded text as text ---------------------------------------------------------


def test_about_shows_urls_in_uploaded_titles_as_text(app, store, tmp_path):
    """Bug: About turned a URL in an uploaded initiative title into a live link."""
    rows = [
        ["code", "cycle", "region", "title", "source"],
        ["AFR9", "WTDC-22", "AFR", "Apply at https://evil.example/x", "see www.evil.example"],
    ]
    load_file(store, write_xlsx(tmp_path / "initiatives.xlsx", {"Initiatives": rows}))
    at = app("about", region="AFR")
    at = at.toggle(key="about_every_initiative").set_value(True).run()
    assert not at.exception
    shown = [m.value for m in at.markdown]  # About's tables are Markdown tables
    assert any("evil" in text for text in shown)
    for text in shown:
        assert "https://evil" not in text and "www.evil" not in text, text


# --- 6. The template and every download are formula-escaped ---------------------------------------


def test_template_lists_are_formula_escaped(store, tmp_path):
    """Bug: an uploaded initiative code "=1+1" was written into the template's drop-down lists as is."""
    rows = [["code", "cycle", "region", "title"], ["=1+1", "WTDC-22", "AFR", "Formula"], ["@SUM(A1)", "WTDC-22", "AFR", "At"]]
    load_file(store, write_xlsx(tmp_path / "initiatives.xlsx", {"Initiatives": rows}))
    template(store.connect(), tmp_path / "template.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "template.xlsx")
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=1+1" in cells and "'@SUM(A1)" in cells
    assert not [v for v in cells if v.startswith(("=", "+", "-", "@"))]


def test_download_headers_are_formula_escaped(tmp_path):
    frame = pd.DataFrame({"=HYPERLINK(1)": ["=1+1"], "ok": ["-2"]})
    assert frame_to_csv(frame).decode("utf-8-sig").splitlines() == ["'=HYPERLINK(1),ok", "'=1+1,'-2"]
    (tmp_path / "d.xlsx").write_bytes(frames_to_xlsx({"t": frame}))
    ws = openpyxl.load_workbook(tmp_path / "d.xlsx").active
    assert [[c.value for c in row] for row in ws.iter_rows()] == [["'=HYPERLINK(1)", "ok"], ["'=1+1", "'-2"]]
