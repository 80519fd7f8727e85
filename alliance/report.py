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
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from alliance import DATA_DIR, AllianceError, words
from alliance.editions import permalink
from alliance.kpis import by_figure, definitions, region_names, summary
from alliance.queries import frame
from alliance.words import LAUNCH
from alliance.workbook import frames_to_xlsx

TITLE = "Report on the Innovation and Entrepreneurship Alliance for Digital Development"
# Before the Alliance's launch the work was ITU-D Innovation, as the 2019 TDAG report is titled.
TITLE_BEFORE_LAUNCH = "Report on ITU-D Innovation"
ALLIANCE_REPORT = "TDAG report on the Innovation and Entrepreneurship Alliance for Digital Development (2023)"
INNOVATION_REPORT = "TDAG report on ITU-D Innovation (2019)"

# A4 with 2 cm margins: every table is laid out in this width, at TABLE_PT.
PAGE_CM = (21.0, 29.7)
MARGIN_CM = 2.0
TEXT_CM = PAGE_CM[0] - 2 * MARGIN_CM
TABLE_PT = 9
DASH = words.DASH

PRODUCT_HEADERS = [
    "Region",
    "Knowledge Sharing Products",
    "Capacity Building Products",
    "Innovation Assessments Products",
    "Project Co-creation Products",
]


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
    # The plan cycles the period overlaps, oldest first (rows of cycles_list): they set the Background.
    cycles: list[dict] = field(default_factory=list)
    # Every event of the period in every region, for the regions table's global row.
    events_everywhere: pd.DataFrame = field(default_factory=pd.DataFrame)


def gather(
    con, as_of: date, period_start: date | None = LAUNCH, region: str | None = None, edition: dict | None = None
) -> Report:
    """Read every figure and table the report shows, for one period (None: no start) and region.

    With an edition, con reads the edition's stored state and the period is the edition's.
    """
    params = {"as_of": as_of, "period_start": period_start, "region": region, "capability": None}
    if not con.execute(
        "select exists(select 1 from eois) or exists(select 1 from centers) or exists(select 1 from events) "
        "or exists(select 1 from activities) or exists(select 1 from milestones) or exists(select 1 from resources) "
        "or exists(select 1 from reported)"
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
        # A link only as a whole address (the configured public one, or the one a reader's browser used): a
        # document read elsewhere cannot follow a relative one, and a guessed host would not open.
        link = edition.get("permalink") or permalink(edition["name"])
        report.edition = {**edition, "permalink": link if "://" in link else None}
        report.source = (
            f"Edition {edition['name']} of the Alliance store (load {last[0][0]} of {words.day(last[0][1])})"
            if last
            else report.source
        )
    report.demo_rows = int(frame(con, "demo_rows")["demo_rows"].iloc[0])
    report.cycles = plan_cycles(frame(con, "cycles_list"), period_start, as_of)
    report.events_everywhere = frame(con, "events_list", limit=100_000, **{**params, "region": None})
    milestones = frame(con, "milestones_status", as_of=as_of, limit=100_000)
    done = milestones[milestones["status"] == "done"]
    reached = done[pd.to_datetime(done["completed_on"]) >= pd.Timestamp(period_start or date.min.replace(year=1900))]
    report.tables = {
        "Milestones reached": reached[["completed_on", "completed_precision", "title", "kap_outcome", "source"]].sort_values(
            "completed_on"
        ),
        # Done on a date the source does not state: in no period's count, said apart.
        "Milestones reached, date not stated": done[done["completed_on"].isna()][["title", "kap_outcome", "source"]],
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


def plan_cycles(cycles: pd.DataFrame, start: date | None, end: date) -> list[dict]:
    """The plan cycles a period overlaps, oldest first, each with its plan's name ('Kigali Action Plan')."""
    overlapping = []
    for row in cycles.sort_values("starts_on").to_dict("records"):
        starts, ends = pd.Timestamp(row["starts_on"]).date(), pd.Timestamp(row["ends_on"]).date()
        if starts <= end and (start is None or ends >= start):
            city = str(row["conference"]).split(",")[0].strip()
            overlapping.append({**row, "starts_on": starts, "ends_on": ends, "plan": f"{city} Action Plan"})
    return overlapping


def figures(report: Report) -> dict:
    """The three charts, from the same figure functions the pages use."""
    from alliance.figures.capabilities import demand_supply_bars
    from alliance.figures.milestones import milestone_timeline_as_of
    from alliance.figures.regions import kpi_by_region

    eois = report.tables["EoIs by region"].rename(columns={"eois": "eois_total"})
    period, at = words.period(report.period_start, report.as_of), words.as_at(report.as_of)
    supply = report.tables["Capability demand and supply"]
    # The time line places milestones by due date (done ones with none, by completion): one with neither has no
    # place on it (the Way forward lists it),
    # and a time line of one milestone says less than its line in the Way forward.
    timeline = report.tables["Milestone timeline"]
    dated = timeline[timeline["due_on"].notna() | timeline["completed_on"].notna()]
    undated_due = len(dated) < len(timeline)
    charts = {
        f"EoIs received by region, {period}": (eois["eois_total"].any(), lambda: kpi_by_region(eois, "eois_total", "EoIs")),
        f"Capability demand (EoIs received {period}) against supply (centers {at})": (
            supply[["eois", "centers"]].to_numpy().any(),
            lambda: demand_supply_bars(supply),
        ),
        f"Milestone timeline, {at} (Alliance-wide{', milestones with a due date' if undated_due else ''})": (
            len(dated) >= 2,
            lambda: milestone_timeline_as_of(dated, report.as_of),
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
        # Chromium sometimes closes at once when the machine is busy: a second start usually works.
        for attempt in (1, 2):
            try:
                if not _kaleido_running:
                    kaleido.start_sync_server()
                    atexit.register(kaleido.stop_sync_server)
                    _kaleido_running = True
                return {title: fig.to_image(format="png", width=width, height=height, scale=2) for title, fig in figs.items()}
            except Exception as error:  # kaleido and choreographer raise their own kinds
                if _kaleido_running:
                    try:
                        kaleido.stop_sync_server()
                    except Exception:
                        pass
                    _kaleido_running = False
                if attempt == 2:
                    raise AllianceError(
                        "The charts could not be drawn: the browser that draws them did not start "
                        f"({type(error).__name__}). Try again, or write the report without charts (--no-images)."
                    ) from None
    return {}


def write_docx(report: Report, images: dict[str, bytes] | None, out: Path) -> None:
    """Write the report in the shape of the TDAG contributions."""
    k = report.kpis
    region = region_names().get(report.region, "All regions")
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
        section.left_margin = section.right_margin = Cm(MARGIN_CM)

    doc.add_heading(title(report), level=0)
    details = [
        ("Period", f"{_span(report)} (every count of EoIs, events, activities, launches and resources)"),
        ("Region", region),
        ("As at", f"{words.day(report.as_of)} (the network of centers and the milestones)"),
        ("Data source", report.source),
        *((("Edition", edition_text(report.edition)),) if report.edition else ()),
    ]
    _table(doc, None, [list(row) for row in details], [3.2, TEXT_CM - 3.2], style="Light List Accent 1", size=10, align=[0, 0])
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
    _write_framing(doc, report, "background")
    doc.add_heading("2. Objectives", level=1)
    _write_framing(doc, report, "objectives")

    doc.add_heading("3. Key actions and results", level=1)
    period, at = words.period(report.period_start, report.as_of), words.as_at(report.as_of)
    if _alliance_began(report):
        doc.add_paragraph(
            f"EoIs and centers: {period}, {n(k['eois']['total'], 'expression')} of interest from "
            f"{n(k['eois']['countries'], 'country', 'countries')}, {words.count(k['eois']['center_requests'])} of them requests to "
            f"establish or strengthen a center, and {n(k['centers']['launched'], 'center')} launched; {at}, "
            f"{n(k['centers']['total'], 'center')} in the network."
        )
    if report.since_launch:
        s = report.since_launch
        doc.add_paragraph(
            f"Since the launch on {words.day(LAUNCH)} (to {words.day(report.as_of)}): {n(s['eois']['total'], 'expression')} of "
            f"interest from {n(s['eois']['countries'], 'country', 'countries')}, {n(s['events']['total'], 'event')} and "
            f"{n(s['centers']['launched'], 'center')} launched."
        )
    _write_published(doc, report)

    reached = report.tables["Milestones reached"]
    existing = k["milestones"]["total"]
    doc.add_heading("Milestones reached in the period" + (" (the whole Alliance)" if report.region else ""), level=2)
    if not existing:
        doc.add_paragraph(f"No milestone had been set {at}.")
    elif reached.empty:
        doc.add_paragraph("No milestone was reached in the period.")
    for row in reached.itertuples(index=False):
        when = words.dated(pd.Timestamp(row.completed_on).date(), row.completed_precision)
        doc.add_paragraph(f"{when}: {_xml_safe(row.title)}", style="List Bullet")
    undated = report.tables["Milestones reached, date not stated"]
    if not undated.empty:
        doc.add_paragraph(
            f"Also reached {at}, on a date its source does not state (so counted in no period):"
            if len(undated) == 1
            else f"Also reached {at}, on dates their source does not state (so counted in no period):"
        )
        for row in undated.itertuples(index=False):
            doc.add_paragraph(_xml_safe(row.title), style="List Bullet")

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
        start = pd.Timestamp(row.start_date).date()
        # The days as the source words them: "8-9 May 2018", "15-16 March 2023".
        when = (
            words.span(start, None if pd.isna(row.end_date) else pd.Timestamp(row.end_date).date())
            if row.date_precision in (None, "day")
            else words.dated(start, row.date_precision)
        )
        doc.add_paragraph(f"{when}: {_xml_safe(row.title)}" + (f" ({figures_text})" if figures_text else ""), style="List Bullet")

    _write_results_by_region(doc, report)
    doc.add_heading(f"Actions by region and product line, {period}", level=2)
    actions = report.tables["Actions by region"]
    _table(
        doc,
        PRODUCT_HEADERS,
        [[name, *(_number(v) for v in values)] for name, *values in actions.itertuples(index=False)],
        [4.2] + [(TEXT_CM - 4.2) / 4] * 4,
    )
    _note(
        doc,
        f"Activities, and events that count as a product line, starting {period}, each in the region of its "
        "regional initiative (else of its country), in the layout of the 2019 TDAG report on ITU-D Innovation.",
    )

    # images is None when the charts were not asked for; {} when every chart had nothing to show.
    if images is not None and len(images) < 3:
        timeline_out = not any(title.startswith("Milestone timeline") for title in images)
        _note(
            doc,
            "Charts with nothing to show for this period are left out"
            + (
                " (the milestone timeline needs two milestones with a due or completion date; the Way forward lists every "
                "open milestone)."
                if timeline_out
                else "."
            ),
        )
    for chart_title, png in (images or {}).items():
        doc.add_heading(chart_title, level=2)
        doc.add_picture(io.BytesIO(png), width=Cm(16.5))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("4. Way forward", level=1)
    open_milestones = report.tables["Open milestones"].sort_values("due_on")
    if not existing:
        doc.add_paragraph(f"No milestone {'of the Alliance ' if _alliance_began(report) else ''}had been set {at}.")
    elif open_milestones.empty:
        doc.add_paragraph(f"Every milestone of the Alliance set by {words.day(report.as_of)} was reached by then.")
    else:
        doc.add_paragraph(f"Open milestones of the whole Alliance, {at}:")
    for row in open_milestones.itertuples(index=False):
        late = " (OVERDUE)" if row.status == "overdue" else ""
        due = (
            "due date not stated" if pd.isna(row.due_on) or row.status == "open" else f"due {words.day(pd.Timestamp(row.due_on))}"
        )
        doc.add_paragraph(f"{_xml_safe(row.title)}: {due}{late}", style="List Bullet")
    doc.add_paragraph("TDAG is invited to note this report and provide advice as deemed necessary.")
    doc.save(str(out))


def title(report: Report) -> str:
    """The report's title: ITU-D Innovation for a period that ends before the Alliance's launch."""
    return TITLE if _alliance_began(report) else TITLE_BEFORE_LAUNCH


def _alliance_began(report: Report) -> bool:
    return report.as_of >= LAUNCH


# Background and Objectives of each plan cycle, in the words of the TDAG report written in it. A report
# speaks of the cycles its period overlaps, so a report on 2018 says nothing of the 2023 Alliance.
def _write_framing(doc, report: Report, part: str) -> None:
    """Write the Background (part='background') or the Objectives of every plan cycle the period overlaps."""
    cycles = report.cycles
    if not cycles:
        doc.add_paragraph(
            f"The period {_span(report)} precedes the plan cycles this report describes, the first of which "
            "(WTDC-17, Buenos Aires) began on 1 January 2018."
        )
        return
    if len(cycles) > 1 and part == "background":
        spans = _NUMBERS.get(len(cycles), len(cycles))
        doc.add_paragraph(f"The period spans {spans} plan cycles of the ITU Development Sector; each is described in turn.")
    codes = [c["cycle"] for c in cycles]
    for cycle in cycles:
        if len(cycles) > 1:
            doc.add_heading(f"{cycle['plan']} ({cycle['cycle']}), {cycle['starts_on'].year}-{cycle['ends_on'].year}", level=2)
        if cycle["cycle"] == "WTDC-17":
            (_wtdc17_background if part == "background" else _wtdc17_objectives)(doc, report)
        elif cycle["cycle"] == "WTDC-22":
            (_wtdc22_background if part == "background" else _wtdc22_objectives)(doc, report)
        else:
            _later_cycle(doc, report, cycle, part, recap="WTDC-22" not in codes)


_NUMBERS = {2: "two", 3: "three", 4: "four"}


def _wtdc17_background(doc, report: Report) -> None:
    doc.add_paragraph(
        "The Innovation program was initially requested by ITU-D membership at WTDC-14 in Dubai, with the aim to "
        "\u201cstrengthen membership capacity to integrate ICT innovations in national development agenda\u201d. The "
        "program was further enhanced at WTDC-17 in Buenos Aires with an additional aim to \u201cdevelop strategies that "
        "promote innovation initiatives, including through public, private and public private partnerships\u201d. "
        "Innovation was also highlighted as an internal goal for BDT, with the aim of helping BDT re-invent its products "
        "and services to adapt to the changing ICT/telecommunication environment. Thus, innovation in BDT has "
        "synergistic internal and external dimensions."
    )
    doc.add_paragraph(
        "Innovation is also one of the goals of the United Nations Sustainable Development Goals, namely Goal 9: "
        "\u201cto build resilient infrastructure, promote inclusive and sustainable industrialization and foster innovation\u201d."
    )
    # PP-18 met in the last months of 2018; the 2019 report, covering the year, is the source: a period
    # that ends before the year did says nothing of it.
    if report.as_of >= date(2018, 12, 31):
        doc.add_paragraph(
            "Furthermore, at PP-18 in Dubai, ITU membership adopted a new resolution (Resolution 205) on \u201cITU's role "
            "in fostering telecommunication/information and communication technology-centric innovation to support the "
            "digital economy and society\u201d, as well as a goal on innovation (ITU strategic goal 4) with specific target "
            "that \u201cBy 2023, all countries should have policies/strategies fostering telecommunication/ICT-centric "
            "innovation\u201d."
        )
    _source(doc, INNOVATION_REPORT)


def _wtdc17_objectives(doc, report: Report) -> None:
    doc.add_paragraph(
        "In accordance with WTDC-17, the main objectives of ITU-D innovation are to provide assistance in the form of "
        "products to support ITU membership to actively foster the development of vibrant innovation ecosystems and "
        "accelerate digital transformation that fosters sustainable growth of the digital economy."
    )
    doc.add_paragraph(
        "Output 3.4 of the Buenos Aires Action Plan (BaAP) specifies some expectations on how to deliver on the "
        "innovation objective of WTDC-17, namely through:"
    )
    for item in (
        "undertaking ecosystem mapping exercises to coordinate efforts and create new projects;",
        "developing updated ICT policies (with new pillars innovation and entrepreneurship);",
        "bridging gaps in the ecosystem with concrete activities (e.g. linking ecosystems);",
        "developing high-impact projects with new approaches;",
        "developing mechanisms to reach, engage, support and nurture ICT-centric innovation ecosystems with diverse "
        "stakeholder groups;",
        "disseminating information, conducting studies, and providing assistance upon request;",
        "creating mechanisms to foster new partnerships and initiatives that support the scale-up;",
        "providing a regional platform for strengthening regional cooperation; and",
        "supporting Member States in raising awareness about digital innovation ecosystems and related emerging "
        "technological trends as well as best practices that influence digital transformation.",
    ):
        doc.add_paragraph(item, style="List Bullet")
    doc.add_paragraph(
        "BDT delivers these through four product lines, via technical assistance to membership, projects, and support "
        "from key strategic partners:"
    )
    for line in (
        "Knowledge sharing;",
        "Capacity building: empowering stakeholders through innovation capacity building;",
        "Innovation assessments: both comprehensive and rapid innovation ecosystem assessments;",
        "Project co-creation: in consultation with membership and concerned key stakeholders.",
    ):
        doc.add_paragraph(line, style="List Number")
    doc.add_paragraph("The table of actions by region and product line in section 3 counts the period's actions by these lines.")
    _source(doc, INNOVATION_REPORT)


def _wtdc22_background(doc, report: Report) -> None:
    doc.add_paragraph(
        "At the World Telecommunication Development Conference (WTDC-22), the Membership identified innovation and "
        "entrepreneurship as of high priority with the aim of putting in place new, more resilient, and forward-thinking "
        "approaches to guarantee that they can safely navigate a digital world that is increasingly Volatile, Uncertain, "
        "Complex and Ambiguous (VUCA) within the framework of the Kigali Action Plan."
    )
    if _alliance_began(report):
        doc.add_paragraph(
            f"The Innovation and Entrepreneurship Alliance for Digital Development was launched on {words.day(LAUNCH)} "
            "with a call for expression of interest. It will build critical local enablers to lead in the changing "
            "digital environment. It will also enable BDT to develop new organizational and human excellence "
            "capabilities, deliver new products and services for ITU Membership and strengthen the engagement of the "
            "private sector and academia in the critical work of BDT."
        )
        doc.add_paragraph("The work of the Alliance is aligned with:")
        for item in (
            "WTDC Resolutions 90, 89 and 85 (Kigali, 2022) providing clear guidance on the role of innovation in digital "
            "transformation of society;",
            "ITU Regional Initiatives for all regions further calling for greater attention to this area;",
            "PP Resolution 205 (Rev. Bucharest, 2022) on \u2018Fostering ICT-centric innovation to support the digital "
            "economy and society\u2019, which reiterated the leading roles of BDT in innovation for digital development; and",
            "ITU Strategic Plan (PP Resolution 71 (Rev. Bucharest, 2022)).",
        ):
            doc.add_paragraph(item, style="List Bullet")
    _source(doc, ALLIANCE_REPORT)


def _wtdc22_objectives(doc, report: Report) -> None:
    if not _alliance_began(report):
        doc.add_paragraph(
            f"The Innovation and Entrepreneurship Alliance for Digital Development, launched on {words.day(LAUNCH)} after "
            "this period, sets out the objectives of innovation work under the Kigali Action Plan."
        )
        _source(doc, ALLIANCE_REPORT)
        return
    doc.add_paragraph(
        "The Alliance will support the achievement of the following outcomes under the ITU-D Priority on Digital Transformation:"
    )
    for outcome in (
        "Strengthened capacity of the ITU membership to integrate telecommunication/ICT innovation and digitalization in "
        "their national development agendas and to develop strategies to promote innovation initiatives, including "
        "through public, private and public-private partnerships.",
        "Enhanced human and institutional capacity of the ITU membership in telecommunications/ICTs to foster digital "
        "transformation.",
    ):
        doc.add_paragraph(outcome, style="List Bullet")
    doc.add_paragraph(
        "The Alliance will fast-track five strategic objectives to accelerate countries' journey towards an "
        "innovation-driven digital economy:"
    )
    for row in report.tables["Capabilities"].itertuples(index=False):
        doc.add_paragraph(f"{row.capability_name}: {row.description}", style="List Bullet")
    doc.add_paragraph("It will operationalize the needed capabilities through three main vehicles:")
    for vehicle in (
        "A Digital Transformation Lab, supporting the design and implementation of the network of centers and providing "
        "technical assistance, upon request.",
        "A Network of Acceleration Centers, enhancing global, regional and national innovation capabilities for "
        "technology, policy and flagship initiative development.",
        "A Digital Innovation Board, guiding the work of the Alliance and ensuring its effectiveness, accountability, "
        "and sound decision-making toward accelerating the implementation of the Kigali Action Plan.",
    ):
        doc.add_paragraph(vehicle, style="List Number")
    _source(doc, ALLIANCE_REPORT)


def _later_cycle(doc, report: Report, cycle: dict, part: str, recap: bool) -> None:
    """A cycle the sources of this report predate: only what is known (its plan and dates), nothing of its content."""
    years = f"{cycle['starts_on'].year}-{cycle['ends_on'].year}"
    if part == "background":
        doc.add_paragraph(
            f"The {cycle['plan']} {years} ({cycle['cycle']}, {cycle['conference']}) is in force from "
            f"{words.day(cycle['starts_on'])}. This report does not restate its content: the documents this report "
            "draws on predate it."
        )
        if recap:
            doc.add_paragraph("The Alliance, as set at its launch under the Kigali Action Plan (WTDC-22):")
            _wtdc22_background(doc, report)
    else:
        doc.add_paragraph(
            f"The objectives under the {cycle['plan']} {years} are those that plan sets; this report does not restate them."
        )
        if recap:
            doc.add_paragraph("The objectives as set at the Alliance's launch under the Kigali Action Plan (WTDC-22):")
            _wtdc22_objectives(doc, report)


def _source(doc, document: str) -> None:
    _note(doc, f"Source: {document}.")


def _note(doc, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(4)
    paragraph.add_run(text).italic = True


def _write_published(doc, report: Report) -> None:
    """Figures a document published for the period, beside what the records count; never added to them."""
    items = report.kpis.get("reported") or []
    if not items:
        return
    doc.add_heading("Counted in the records and as published", level=2)
    rows = [
        # The records' count over the published figure's own window, which the comparison is about.
        [_figure_label(i["kpi"]), _counted(i["kpi"], i.get("counted", _pick(report.kpis, i["kpi"]))), words.reported(i)]
        for i in _published(report.kpis)
    ]
    _table(doc, ["Figure", "Counted in the records", "As published"], rows, [4.6, 3.4, TEXT_CM - 8.0], align=[0, 1, 0])
    missed = _missed(report.kpis)
    text = (
        "Counted in the records: over the same dates and region as the published figure beside it (from its start, or "
        "the beginning, to its date). A published figure is shown beside the count, never added to it."
    ) + (f" For {_and(missed)} the records count less than was published: the records are incomplete." if missed else "")
    _note(doc, text)


def _write_results_by_region(doc, report: Report) -> None:
    """The regions' figures in two tables that fit the page, each with a total that meets the Summary's."""
    period = words.period(report.period_start, report.as_of)
    regions = report.tables["Results by region"]
    mine = region_names().get(report.region)
    total_label = "All regions"
    doc.add_heading(f"Results by region, {period}", level=2)
    eois = [
        [r.region_name, r.eois_total, r.eois_countries, r.eoi_center_requests, r.centers_total, r.centers_launched]
        for r in regions.itertuples(index=False)
    ]
    eois.append([total_label, *(sum(row[i] for row in eois) for i in range(1, 6))])
    # Before the launch there were no calls for EoIs nor a network: a table of zeros would say otherwise.
    if _alliance_began(report) or any(eois[-1][1:]):
        _write_eois_by_region(doc, report, eois, mine, total_label)
    _write_events_by_region(doc, report, regions, mine, total_label)


def _write_eois_by_region(doc, report: Report, eois: list[list], mine: str | None, total_label: str) -> None:
    period, at = words.period(report.period_start, report.as_of), words.as_at(report.as_of)
    _table(
        doc,
        ["Region", *_short_names("eois_total", "eois_countries", "eoi_center_requests", "centers_total", "centers_launched")],
        [[row[0], *(_number(v) for v in row[1:])] for row in eois],
        [4.2] + [(TEXT_CM - 4.2) / 5] * 5,
        bold_rows={len(eois)} | {i + 1 for i, row in enumerate(eois) if row[0] == mine},
    )
    _note(
        doc,
        f"EoIs, their countries, center requests and centers launched: {period}; centers: {at}. Every EoI and center has "
        "a country, so each counts in one region"
        + (
            f". This report counts {mine}: its row gives the Summary's figures; the others are for comparison."
            if mine
            else f"; the row {total_label} gives the Summary's figures."
        ),
    )


def _write_events_by_region(doc, report: Report, regions: pd.DataFrame, mine: str | None, total_label: str) -> None:
    k = report.kpis
    period = words.period(report.period_start, report.as_of)
    over = report.events_everywhere.groupby("region_name")["participants_over"].any().to_dict()
    lines = [
        (
            r.region_name,
            r.events_total,
            r.event_participants,
            r.participants_stated,
            r.trained_certified,
            r.trained_stated,
            r.activities_total,
            # No resource for the region: nothing to count; some, none stating an amount: not recorded.
            None if not r.resources_counted else (words.NOT_RECORDED if not r.resources_stated else r.resources_usd),
            bool(over.get(r.region_name, False)),
        )
        for r in regions.itertuples(index=False)
    ]
    glb = report.events_everywhere[report.events_everywhere["region_name"] == region_names()["GLB"]]
    if not glb.empty:
        lines.append(
            (
                region_names()["GLB"],
                len(glb),
                _sum(glb["participants"]),
                int(glb["participants"].notna().sum()),
                _sum(glb["trained_certified"]),
                int(glb["trained_certified"].notna().sum()),
                None,
                None,
                bool(glb["participants_over"].fillna(False).any()),
            )
        )
    alliance_wide = (k.get("resources") or {}).get("alliance_wide_usd")
    if alliance_wide:
        lines.append(("Whole Alliance (no region)", None, None, 0, None, 0, None, alliance_wide, False))
    total = (
        total_label,
        sum(line[1] or 0 for line in lines),
        _sum_known(line[2] for line in lines),
        sum(line[3] for line in lines),
        _sum_known(line[4] for line in lines),
        sum(line[5] for line in lines),
        sum(line[6] or 0 for line in lines),
        # Money: the amounts stated; 'not recorded' where resources were counted but none states one.
        words.NOT_RECORDED
        if any(isinstance(line[7], str) for line in lines) and not any(isinstance(line[7], (int, float)) for line in lines)
        else sum(line[7] for line in lines if isinstance(line[7], (int, float))),
        any(line[8] for line in lines),
    )
    lines.append(total)
    detail = k.get("resources") or {}
    # USD 0 where resources were signed but none states an amount would read as nothing mobilized.
    usd_unknown = not report.region and detail.get("counted") and not detail.get("stated")
    rows = [
        [
            name,
            DASH if events is None else _number(events),
            _stated(participants, stated_p, events, over_),
            _stated(trained, stated_t, events),
            DASH if activities is None else _number(activities),
            DASH
            if usd is None
            else usd
            if isinstance(usd, str)
            else (words.NOT_RECORDED if usd_unknown and name == total_label else _number(usd)),
        ]
        for name, events, participants, stated_p, trained, stated_t, activities, usd, over_ in lines
    ]
    _table(
        doc,
        ["Region", *_short_names("events_total", "event_participants", "trained_certified", "activities_total", "resources_usd")],
        rows,
        [3.9, 1.9, 3.1, 3.1, 2.5, TEXT_CM - 14.5],
        bold_rows={len(rows)} | {i + 1 for i, row in enumerate(rows) if row[0] == mine},
    )
    notes = [f"Events, activities and USD mobilized: {period}."]
    if not glb.empty:
        notes.append(
            f"{region_names()['GLB']}: {n(len(glb), 'event')} held with no country (global or virtual), in no region's figures."
        )
    if alliance_wide:
        notes.append(f"Whole Alliance: resources for the whole Alliance ({words.money(alliance_wide)}), in no region's figures.")
    notes.append(
        "Participants and people trained or certified are summed over the events that recorded them; "
        "\u2018not recorded\u2019: no event recorded the figure; a dash: nothing to count. "
        "An activity counts under its regional initiative's region."
    )
    notes.append(
        f"This report counts {mine}: its row gives the Summary's figures; the others are for comparison."
        if mine
        else f"The row {total_label} gives the Summary's figures."
    )
    _note(doc, " ".join(notes))


def _stated(total, stated: int, events, over: bool = False) -> str:
    """A sum over the events that state it: '55', '55 at 1 of 2 events', 'not recorded', a dash with no event."""
    return words.stated_cell(total, stated, events, over)


def _sum(values: pd.Series):
    return None if values.notna().sum() == 0 else float(values.sum())


def _sum_known(values) -> float | None:
    known = [v for v in values if v is not None and not pd.isna(v)]
    return sum(known) if known else None


def _number(value) -> str:
    if value is None or pd.isna(value):
        return DASH
    return words.count(value)


def _pick(kpis: dict, path: str):
    value = kpis
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _figure_label(path: str) -> str:
    """A KPI's name in data/kpis.csv; a breakdown ('eois.by_region.AFR') as the revisions name it."""
    from alliance.editions import label

    kpi = by_figure().get(path)
    return kpi["name"] if kpi else label(path)


def _short_names(*codes: str) -> list[str]:
    return [definitions()[code]["short_name"] for code in codes]


def _counted(path: str, value) -> str:
    if value is None:
        return words.NOT_RECORDED
    return words.money(value) if path == "resources_usd" else words.count(value)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _span(report: Report) -> str:
    """The report's period in full: '25 January 2023 to 30 June 2023', or 'up to 30 June 2023' with no start."""
    if report.period_start is None:
        return f"up to {words.day(report.as_of)}"
    return f"{words.day(report.period_start)} to {words.day(report.as_of)}"


def edition_text(edition: dict) -> str:
    """What the report's header says of its edition: name, approval, that it does not move, and how to open it."""
    from urllib.parse import quote

    if edition["status"] == "published":
        approved = f"approved by {edition['approved_by']} on {words.day(datetime.fromisoformat(edition['approved_at']))}"
    else:
        approved = "a DRAFT, not approved yet: do not quote"
    name = edition["name"]
    how = (
        f"Permalink: {edition['permalink']}"
        if edition.get("permalink")
        else f"To see it, open the dashboard and choose edition {name} under Figures, or add ?edition={quote(name)} to "
        "its address."
    )
    return f"{name}, {approved}. The figures of an edition are frozen: this edition gives the same figures every time. {how}"


def n(value: int, noun: str, plural: str | None = None) -> str:
    return words.count_of(value, noun, plural)


def were(value: int) -> str:
    return words.agree(value, "was", "were")


def summary_text(report: Report) -> str:
    """The Summary paragraph, written from the figures; an unknown is said to be unknown, never 0."""
    k = report.kpis
    at = words.day(report.as_of)
    where = f" {words.in_region(region_names()[report.region])}" if report.region else ""
    subject = (
        "the Innovation and Entrepreneurship Alliance for Digital Development" if _alliance_began(report) else "ITU-D innovation"
    )
    parts = [
        f"This document reports progress of {subject}{where} {'in the period ' if report.period_start else ''}{_span(report)}."
    ]
    eois, centers = k["eois"], k["centers"]
    if _alliance_began(report) or eois["total"] or centers["total"]:
        parts.append(
            f"In the period, {n(eois['total'], 'expression')} of interest {were(eois['total'])} received from "
            f"{n(eois['countries'], 'country', 'countries')}, including {n(eois['center_requests'], 'request')} to "
            f"establish or strengthen an acceleration center, and {n(centers['launched'], 'center')} "
            f"{were(centers['launched'])} launched; as at {at} the network counts {n(centers['total'], 'center')}."
        )
    else:
        parts.append(
            f"The Alliance, with its calls for expressions of interest and its network of acceleration centers, was "
            f"launched on {words.day(LAUNCH)}, after this period."
        )
    parts.append(_events_sentence(k["events"]))
    parts.append(_resources_sentence(report))
    milestones = k["milestones"]
    if milestones["total"]:
        whose = "the whole Alliance's" if report.region else "the Alliance's"
        parts.append(
            f"Of {whose} {n(milestones['total'], 'milestone')}{' (milestones belong to the whole Alliance)' if report.region else ''}, "
            f"{words.count(milestones['done'])} {were(milestones['done'])} done in the period and "
            f"{words.count(milestones['overdue'])} {words.agree(milestones['overdue'], 'is', 'are')} overdue as at {at}."
        )
    parts.extend(_published_sentences(k))
    return " ".join(parts)


def _published_sentences(k: dict) -> list[str]:
    """The published figures of the period in a sentence per document and date, and whether the records fall short."""
    by_document: dict[str, list[str]] = {}
    for item in _published(k):
        value, _, where = words.reported(item).partition(", as published in ")
        by_document.setdefault(where, []).append(f"{value} ({_lower(_figure_label(item['kpi']))})")
    sentences = [f"As published in {where}: {_and(values)}." for where, values in by_document.items()]
    missed = _missed(k)
    if missed:
        sentences.append(f"The records count less than was published for {_and(missed)}: they are incomplete.")
    return sentences


def _published(k: dict) -> list[dict]:
    """The period's published figures, in the order of the summary's figures, then oldest first."""
    order = list(by_figure())
    items = k.get("reported") or []
    return sorted(items, key=lambda i: (order.index(i["kpi"]) if i["kpi"] in order else len(order), i["as_of"]))


def _missed(k: dict) -> list[str]:
    """Figures the records count below a published lower bound, in words."""
    missed = [
        _lower(_figure_label(i["kpi"]))
        for i in _published(k)
        if words.lower_bound_missed(i.get("counted", _pick(k, i["kpi"])), i)
    ]
    return list(dict.fromkeys(missed))


def _lower(label: str) -> str:
    """'Countries of the EoIs' -> 'countries of the EoIs'; 'EoIs received' stays."""
    first = label.split(" ", 1)[0]
    return label if any(c.isupper() for c in first[1:]) else label[0].lower() + label[1:]


def _events_sentence(events: dict) -> str:
    """'7 events were held: 355 participants at 3 of 7 events that recorded attendance; ...'."""
    held = events["total"]
    if not held:
        return "No event was held in the period."
    participants = words.stated_sum(
        events["participants"],
        events["participants_stated"],
        held,
        "participants",
        "attendance",
        events.get("participants_over", False),
    )
    trained = words.stated_sum(events["trained_certified"], events["trained_stated"], held, "people trained or certified", "them")
    return f"{n(held, 'event')} {were(held)} held in the period: {participants}; {trained}."


def _resources_sentence(report: Report) -> str:
    """USD mobilized, saying how many resources state an amount, and what a region's figure leaves out."""
    k = report.kpis
    detail = k.get("resources") or {}
    counted, stated = detail.get("counted"), detail.get("stated")
    for_whom = f" for {region_names()[report.region]}" if report.region else ""
    if counted is None:
        text = f"Resources mobilized{for_whom} in the period amount to {words.money(k['resources_usd'])}."
    elif not counted:
        text = f"No resource or partnership agreement{for_whom} was signed in the period."
    elif not stated:
        signed = n(counted, "resource or partnership agreement", "resources or partnership agreements")
        states = "it states no amount" if counted == 1 else "none states an amount"
        text = f"{signed}{for_whom} {were(counted)} signed in the period; {states}."
    else:
        text = f"Resources mobilized{for_whom} in the period amount to {words.money(k['resources_usd'])}" + (
            f", as stated by {words.count(stated)} of the {words.count(counted)} resources and agreements signed (the others state no amount)."
            if stated < counted
            else "."
        )
    if report.region and detail.get("alliance_wide_usd"):
        text += f" Resources for the whole Alliance ({words.money(detail['alliance_wide_usd'])} in the period) are in no region's figures."
    undated = k.get("undated") or {}
    # Undated records are the Alliance's (the built-in ones come from its 2023 report): not said of earlier periods.
    if undated.get("resources") and _alliance_began(report):
        amount = f" ({words.money(undated['resources_usd'])} among them)" if undated.get("resources_usd") else ""
        many = undated["resources"]
        text += (
            f" {n(many, 'resource')}{amount} {words.agree(many, 'has', 'have')} no date in "
            f"{words.agree(many, 'its', 'their')} source, so {words.agree(many, 'it counts', 'they count')} in no period."
        )
    return text


# Characters a Word document cannot hold. The load refuses them; a store filled before it did may
# still hold some, and one title must not stop the report for everyone.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def _table(
    doc,
    header: list[str] | None,
    rows: list[list],
    widths_cm: list[float],
    style: str = "Light Grid Accent 1",
    size: float = TABLE_PT,
    align: list[int] | None = None,
    bold_rows: set[int] = frozenset(),
) -> None:
    """A table of fixed column widths that fits the page: its header row repeats on every page, no row splits.

    align: per column, 1 to right-align (numbers); by default the first column left, the others right.
    """
    grid = doc.add_table(rows=0, cols=len(widths_cm))
    grid.style = style
    grid.autofit = False
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    align = align or [0] + [1] * (len(widths_cm) - 1)
    lines = ([header] if header else []) + rows
    for index, values in enumerate(lines):
        row = grid.add_row()
        trPr = row._tr.get_or_add_trPr()
        # A row is never cut across two pages; the header row is repeated on each page the table runs onto.
        trPr.append(_on("w:cantSplit"))
        if header and index == 0:
            trPr.append(_on("w:tblHeader"))
        for column, (cell, value) in enumerate(zip(row.cells, values)):
            cell.width = Cm(widths_cm[column])
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(_xml_safe(value))
            run.font.size = Pt(size)
            if (header and index == 0) or index in bold_rows:
                run.bold = True
            if align[column] and not (header and index == 0 and column == 0):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if index < len(lines) - 1:
                paragraph.paragraph_format.keep_with_next = bool(header and index == 0)
    for column, width in zip(grid.columns, widths_cm):
        column.width = Cm(width)


def _on(tag: str):
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    return element


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
    pngs = render_images(figures(report)) if images else None
    write_docx(report, pngs, Path(out))
    annex = annex or Path(out).with_name(Path(out).stem + "-annex.xlsx")
    Path(annex).write_bytes(frames_to_xlsx(report.tables))
    return report
