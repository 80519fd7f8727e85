"""The TDAG report: a Word document and its XLSX annex, written from the same store and figures as the pages."""

import atexit
import io
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from alliance import DATA_DIR, AllianceError, words
from alliance.editions import permalink
from alliance.kpis import KPI_COLUMNS, REGION_NAMES, summary
from alliance.queries import frame
from alliance.words import LAUNCH
from alliance.workbook import frames_to_xlsx

TITLE = "Report on the Innovation and Entrepreneurship Alliance for Digital Development"
PRODUCT_HEADERS = [
    "Region",
    "Knowledge Sharing Products",
    "Capacity Building Products",
    "Innovation Assessments Products",
    "Project Co-creation Products",
]
# The report has room for the two longer labels.
KPI_HEADERS = {
    "region_name": "Region",
    **KPI_COLUMNS,
    "trained_certified": "Trained/ certified",
    "resources_usd": "USD mobilized",
}


@dataclass
class Report:
    """What the report says, as figures and tables (the annex holds every table)."""

    as_of: date
    period_start: date
    region: str | None
    kpis: dict
    since_launch: dict | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    source: str = ""
    demo_rows: int = 0
    # The edition the figures come from (alliance/editions.py), with its permalink; None: live data.
    edition: dict | None = None


def gather(
    con, as_of: date, period_start: date | None = LAUNCH, region: str | None = None, edition: dict | None = None
) -> Report:
    """Read every figure and table the report shows, for one period (None: no start) and region.

    With an edition, con reads the edition's stored state and the period is the edition's.
    """
    params = {"as_of": as_of, "period_start": period_start, "region": region, "capability": None}
    if not con.execute(
        "select exists(select 1 from eois) or exists(select 1 from centers) or exists(select 1 from events) "
        "or exists(select 1 from activities) or exists(select 1 from milestones) or exists(select 1 from resources)"
    ).fetchall()[0][0]:
        raise AllianceError(
            "The store holds no records yet, so there is nothing to report. Load the built-in records or a register first."
        )
    report = Report(as_of, period_start, region, summary(con, as_of, region, period_start=period_start, detail=True))
    if period_start not in (LAUNCH, None) and as_of >= LAUNCH:
        report.since_launch = summary(con, as_of, region, period_start=LAUNCH, detail=True)
    last = con.execute("select load_id, loaded_at from loads order by load_id desc limit 1").fetchall()
    report.source = f"Alliance store, load {last[0][0]} of {words.day(last[0][1])}" if last else "Alliance store, no load yet"
    if edition:
        report.edition = {**edition, "permalink": edition.get("permalink") or permalink(edition["name"])}
        report.source = (
            f"Edition {edition['name']} of the Alliance store (load {last[0][0]} of {words.day(last[0][1])})"
            if last
            else report.source
        )
    report.demo_rows = int(frame(con, "demo_rows")["demo_rows"].iloc[0])
    milestones = frame(con, "milestones_status", as_of=as_of, limit=100_000)
    reached = milestones[
        (milestones["status"] == "done")
        & (pd.to_datetime(milestones["completed_on"]) >= pd.Timestamp(period_start or date.min.replace(year=1900)))
    ]
    report.tables = {
        "Milestones reached": reached[["completed_on", "completed_precision", "title", "kap_outcome", "source"]].sort_values(
            "completed_on"
        ),
        "Events held": frame(con, "events_list", limit=100_000, **params).sort_values("start_date"),
        # Every region side by side, whatever the report's region: the report says so.
        "Results by region": frame(con, "kpis_by_region", **params),
        "Actions by region": frame(con, "actions_by_region", year=None, **params),
        "EoIs by region": frame(con, "eois_by_region", **params),
        "Capability demand and supply": frame(con, "capability_demand_supply", **params),
        "Milestone timeline": milestones,
        "Open milestones": milestones[milestones["status"] != "done"][
            ["due_on", "title", "status", "days_past_due", "kap_outcome"]
        ],
        "Capabilities": frame(con, "capabilities_list"),
        "KPI definitions": frame(con, "kpi_definitions"),
    }
    # The annex and the document are read by delegates: sources name documents, not our files.
    report.tables = {title: words.cite_sources(table) for title, table in report.tables.items()}
    return report


def figures(report: Report) -> dict:
    """The three charts, from the same figure functions the pages use."""
    from alliance.figures.capabilities import demand_supply_bars
    from alliance.figures.milestones import milestone_timeline_as_of
    from alliance.figures.regions import kpi_by_region

    eois = report.tables["EoIs by region"].rename(columns={"eois": "eois_total"})
    period, at = words.period(report.period_start, report.as_of), words.as_at(report.as_of)
    supply = report.tables["Capability demand and supply"]
    charts = {
        f"EoIs received by region, {period}": (eois["eois_total"].any(), lambda: kpi_by_region(eois, "eois_total", "EoIs")),
        f"Capability demand (EoIs received {period}) against supply (centers {at})": (
            supply[["eois", "centers"]].to_numpy().any(),
            lambda: demand_supply_bars(supply),
        ),
        f"Milestone timeline, {at} (Alliance-wide)": (
            not report.tables["Milestone timeline"].empty,
            lambda: milestone_timeline_as_of(report.tables["Milestone timeline"], report.as_of),
        ),
    }
    # A chart of nothing but zeros says less than a sentence: the report leaves it out (write_docx says so).
    return {title: draw() for title, (has_data, draw) in charts.items() if has_data}


_KALEIDO = threading.Lock()
_kaleido_running = False


def render_images(figs: dict, width: int = 1000, height: int = 520) -> dict[str, bytes]:
    """PNG images of the figures through kaleido and the system Chromium (maps draw offline).

    kaleido's Chromium starts with the first report of a process and stays up until the process ends
    (starting it is most of a report's time: about 2 s, then 0.2 s an image); one report draws at a time.
    """
    import kaleido
    import plotly.io as pio

    global _kaleido_running
    pio.defaults.topojson = str(DATA_DIR.parent / "static")
    with _KALEIDO:
        if not _kaleido_running:
            kaleido.start_sync_server()
            atexit.register(kaleido.stop_sync_server)
            _kaleido_running = True
        return {title: fig.to_image(format="png", width=width, height=height, scale=2) for title, fig in figs.items()}


def write_docx(report: Report, images: dict[str, bytes], out: Path) -> None:
    """Write the report in the shape of the TDAG contributions."""
    k = report.kpis
    region = REGION_NAMES.get(report.region, "All regions")
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2)

    doc.add_heading(TITLE, level=0)
    header = doc.add_table(rows=0, cols=2)
    header.style = "Light List Accent 1"
    for label, value in (
        (
            "Period",
            f"{_span(report)} (every count of EoIs, events, activities, launches and resources)",
        ),
        ("Region", region),
        ("As at", f"{words.day(report.as_of)} (the network of centers and the milestones)"),
        ("Data source", report.source),
        *((("Edition", edition_text(report.edition)),) if report.edition else ()),
    ):
        cells = header.add_row().cells
        cells[0].text, cells[1].text = label, value
    if report.demo_rows:
        mark = doc.add_paragraph()
        run = mark.add_run(
            f"DEMO DATA INCLUDED: the store holds {report.demo_rows} generated demo rows (EoIs, centers, activities, KPI targets). "
            "Figures that count them are illustrative and must not be quoted."
        )
        run.bold = True
        run.font.color.rgb = RGBColor(0xD5, 0x5E, 0x00)

    doc.add_heading("Summary", level=1)
    doc.add_paragraph(summary_text(report))
    doc.add_heading("Action required", level=1)
    doc.add_paragraph("TDAG is invited to note this report and provide any guidance as deemed necessary.")

    doc.add_heading("1. Background", level=1)
    doc.add_paragraph(
        "At the World Telecommunication Development Conference (WTDC-22), the Membership identified innovation and "
        "entrepreneurship as of high priority within the framework of the Kigali Action Plan. The Innovation and "
        "Entrepreneurship Alliance for Digital Development was launched on 25 January 2023 with a call for expressions "
        "of interest, to build critical local enablers to lead in the changing digital environment (TDAG report on the Alliance, 2023)."
    )
    doc.add_heading("2. Objectives", level=1)
    doc.add_paragraph(
        "The Alliance fast-tracks five strategic objectives to accelerate countries' journey towards an innovation-driven digital economy:"
    )
    for row in report.tables["Capabilities"].itertuples(index=False):
        doc.add_paragraph(f"{row.capability_name}: {row.description}", style="List Bullet")
    doc.add_paragraph("It operates through three main vehicles:")
    for vehicle in (
        "A Digital Transformation Lab, supporting the design of the network of centers and technical assistance on request.",
        "A Network of Acceleration Centers, enhancing global, regional and national innovation capabilities.",
        "A Digital Innovation Board, guiding the work of the Alliance and ensuring its effectiveness and accountability.",
    ):
        doc.add_paragraph(vehicle, style="List Number")

    doc.add_heading("3. Key actions and results", level=1)
    period, at = words.period(report.period_start, report.as_of), words.as_at(report.as_of)
    doc.add_paragraph(
        f"EoIs and centers: {period}, {n(k['eois']['total'], 'expression')} of interest from "
        f"{n(k['eois']['countries'], 'country', 'countries')}, {k['eois']['center_requests']:,} of them requests to establish or "
        f"strengthen a center, and {n(k['centers']['launched'], 'center')} launched; {at}, "
        f"{n(k['centers']['total'], 'center')} in the network."
    )
    if report.since_launch:
        s = report.since_launch
        doc.add_paragraph(
            f"Since the launch on {words.day(LAUNCH)} (to {words.day(report.as_of)}): {n(s['eois']['total'], 'expression')} of "
            f"interest from {n(s['eois']['countries'], 'country', 'countries')}, {n(s['events']['total'], 'event')} and "
            f"{n(s['centers']['launched'], 'center')} launched."
        )
    reached = report.tables["Milestones reached"]
    doc.add_heading("Milestones reached in the period" + (" (the whole Alliance)" if report.region else ""), level=2)
    if reached.empty:
        doc.add_paragraph("No milestone was reached in the period.")
    for row in reached.itertuples(index=False):
        when = words.dated(pd.Timestamp(row.completed_on).date(), row.completed_precision)
        doc.add_paragraph(f"{when}: {_xml_safe(row.title)}", style="List Bullet")
    doc.add_heading("Events held in the period", level=2)
    events = report.tables["Events held"]
    if events.empty:
        doc.add_paragraph("No event was held in the period.")
    for row in events.itertuples(index=False):
        figures_text = ", ".join(
            f"{words.count(value, label == 'participants' and pd.notna(row.participants_over) and bool(row.participants_over))} {label}"
            for value, label in ((row.participants, "participants"), (row.trained_certified, "trained or certified"))
            if pd.notna(value)
        )
        when = words.dated(pd.Timestamp(row.start_date).date(), row.date_precision)
        doc.add_paragraph(f"{when}: {_xml_safe(row.title)}" + (f" ({figures_text})" if figures_text else ""), style="List Bullet")

    doc.add_heading("Results by region", level=2)
    _table(doc, report.tables["Results by region"][list(KPI_HEADERS)].rename(columns=KPI_HEADERS), last_cm=1.9)
    doc.add_paragraph(
        f"All six regions, for comparison{', whatever the region of this report' if report.region else ''}: counts "
        f"{period}; centers {at}. An activity counts under its regional initiative's region."
    ).italic = True
    doc.add_heading(f"Actions by region and product line, {period}", level=2)
    actions = report.tables["Actions by region"]
    actions.columns = PRODUCT_HEADERS
    _table(doc, actions)
    doc.add_paragraph(
        f"Activities, and events that count as a product line, starting {period}, each in the region of its "
        "regional initiative (else of its country), in the layout of the 2019 TDAG report on ITU-D Innovation."
    ).italic = True

    if images and len(images) < 3:
        doc.add_paragraph("Charts with nothing to show for this period are left out.").italic = True
    for title, png in images.items():
        doc.add_heading(title, level=2)
        doc.add_picture(io.BytesIO(png), width=Cm(16.5))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("4. Way forward", level=1)
    doc.add_paragraph(f"Open milestones of the whole Alliance, {at}:")
    open_milestones = report.tables["Open milestones"].sort_values("due_on")
    if open_milestones.empty:
        doc.add_paragraph("Every milestone in the store is done.")
    for row in open_milestones.itertuples(index=False):
        late = " (OVERDUE)" if row.status == "overdue" else ""
        due = "due date not stated" if row.status == "open" else f"due {words.day(pd.Timestamp(row.due_on))}"
        doc.add_paragraph(f"{_xml_safe(row.title)}: {due}{late}", style="List Bullet")
    doc.add_paragraph("TDAG is invited to note this report and provide advice as deemed necessary.")
    doc.save(str(out))


def _span(report: Report) -> str:
    """The report's period in full: '25 January 2023 to 30 June 2023', or 'up to 30 June 2023' with no start."""
    if report.period_start is None:
        return f"up to {words.day(report.as_of)}"
    return f"{words.day(report.period_start)} to {words.day(report.as_of)}"


def edition_text(edition: dict) -> str:
    """What the report's header says of its edition: name, approval, permalink, and that it does not move."""
    if edition["status"] == "published":
        approved = f"approved by {edition['approved_by']} on {words.day(datetime.fromisoformat(edition['approved_at']))}"
    else:
        approved = "a DRAFT, not approved yet: do not quote"
    return (
        f"{edition['name']}, {approved}. The figures of an edition are frozen: this edition gives the same figures "
        f"every time. Permalink: {edition['permalink']}"
    )


def n(value: int, noun: str, plural: str | None = None) -> str:
    return words.count_of(value, noun, plural)


def were(value: int) -> str:
    return "was" if value == 1 else "were"


def summary_text(report: Report) -> str:
    """The Summary paragraph, written from the figures."""
    k = report.kpis
    where = f" {words.in_region(REGION_NAMES[report.region])}" if report.region else ""
    participants = words.count(k["events"]["participants"], k["events"].get("participants_over", False))
    return (
        f"This document reports progress of the Innovation and Entrepreneurship Alliance for Digital Development{where} "
        f"{'in the period ' if report.period_start else ''}{_span(report)}. In the period, "
        f"{n(k['eois']['total'], 'expression')} of interest {were(k['eois']['total'])} received from "
        f"{n(k['eois']['countries'], 'country', 'countries')}, including {n(k['eois']['center_requests'], 'request')} to "
        f"establish or strengthen an acceleration center, and {n(k['centers']['launched'], 'center')} "
        f"{were(k['centers']['launched'])} launched; as at {words.day(report.as_of)} the network counts "
        f"{n(k['centers']['total'], 'center')}. {n(k['events']['total'], 'event')} gathered {participants} "
        f"{'participant' if k['events']['participants'] == 1 else 'participants'}, and "
        f"{n(k['events']['trained_certified'], 'person', 'people')} {were(k['events']['trained_certified'])} trained or "
        f"certified. Resources mobilized in the period amount to {words.money(k['resources_usd'])}. Of the Alliance's "
        f"{n(k['milestones']['total'], 'milestone')}, {k['milestones']['done']:,} {were(k['milestones']['done'])} done in the "
        f"period and {k['milestones']['overdue']:,} {'is' if k['milestones']['overdue'] == 1 else 'are'} overdue as at "
        f"{words.day(report.as_of)}."
    )


# Characters a Word document cannot hold. The load refuses them; a store filled before it did may
# still hold some, and one title must not stop the report for everyone.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def _table(doc, table: pd.DataFrame, first_cm: float = 3.4, last_cm: float | None = None, total_cm: float = 17.0) -> None:
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = "Light Grid Accent 1"
    grid.autofit = False
    for cell, name in zip(grid.rows[0].cells, table.columns):
        cell.text = _xml_safe(name)
    for values in table.itertuples(index=False):
        cells = grid.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = f"{value:,.0f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else _xml_safe(value)
    # Fixed widths: the region names need room; Word and LibreOffice read the cell widths.
    n = len(table.columns)
    other = (total_cm - first_cm - (last_cm or 0)) / max(n - 1 - (1 if last_cm else 0), 1)
    widths = [first_cm] + [other] * (n - 1)
    if last_cm:
        widths[-1] = last_cm
    for column, width in zip(grid.columns, widths):
        column.width = Cm(width)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8.5)


def build(
    con,
    out: Path,
    as_of: date,
    period_start: date = LAUNCH,
    region: str | None = None,
    annex: Path | None = None,
    images: bool = True,
    edition: dict | None = None,
) -> Report:
    """Write the report (.docx) and its annex (.xlsx); return what they hold."""
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    report = gather(con, as_of, period_start, region, edition)
    pngs = render_images(figures(report)) if images else {}
    write_docx(report, pngs, Path(out))
    annex = annex or Path(out).with_name(Path(out).stem + "-annex.xlsx")
    Path(annex).write_bytes(frames_to_xlsx(report.tables))
    return report
