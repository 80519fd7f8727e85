"""The TDAG report: a Word document and its XLSX annex, written from the same store and figures as the pages."""

import atexit
import io
import re
import threading
from contextlib import contextmanager, nullcontext
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

from alliance import DATA_DIR, AllianceError, i18n, words
from alliance.editions import permalink
from alliance.i18n import N_, _, n_
from alliance.kpis import by_figure, capability_names, definitions, region_names, summary
from alliance.queries import frame
from alliance.words import LAUNCH
from alliance.workbook import frames_to_xlsx

TITLE = N_("Report on the Innovation and Entrepreneurship Alliance for Digital Development")
# Before the Alliance's launch the work was ITU-D Innovation, as the 2019 TDAG report is titled.
TITLE_BEFORE_LAUNCH = N_("Report on ITU-D Innovation")
# Titles of ITU documents: cited as written, in every language.
ALLIANCE_REPORT = "TDAG report on the Innovation and Entrepreneurship Alliance for Digital Development (2023)"
INNOVATION_REPORT = "TDAG report on ITU-D Innovation (2019)"

# A4 with 2 cm margins: every table is laid out in this width, at TABLE_PT.
PAGE_CM = (21.0, 29.7)
MARGIN_CM = 2.0
TEXT_CM = PAGE_CM[0] - 2 * MARGIN_CM
TABLE_PT = 9
DASH = words.DASH

PRODUCT_HEADERS = [
    N_("Region"),
    N_("Knowledge Sharing Products"),
    N_("Capacity Building Products"),
    N_("Innovation Assessments Products"),
    N_("Project Co-creation Products"),
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


@contextmanager
def _in(language: str | None):
    """Speak `language` inside the block; None: the language already spoken."""
    with i18n.speaking(language) if language else nullcontext():
        yield


def gather(
    con,
    as_of: date,
    period_start: date | None = LAUNCH,
    region: str | None = None,
    edition: dict | None = None,
    language: str | None = None,
) -> Report:
    """Read every figure and table the report shows, for one period (None: no start) and region.

    With an edition, con reads the edition's stored state and the period is the edition's. The names in the tables
    (regions, capabilities, countries) are in `language` (None: the language spoken).
    """
    with _in(language):
        return _gather(con, as_of, period_start, region, edition)


def _gather(con, as_of: date, period_start: date | None, region: str | None, edition: dict | None) -> Report:
    params = {"as_of": as_of, "period_start": period_start, "region": region, "capability": None}
    if not con.execute(
        "select exists(select 1 from eois) or exists(select 1 from centers) or exists(select 1 from events) "
        "or exists(select 1 from activities) or exists(select 1 from milestones) or exists(select 1 from resources) "
        "or exists(select 1 from reported)"
    ).fetchall()[0][0]:
        raise AllianceError(
            _("The store holds no records yet, so there is nothing to report. Load the built-in records or a register first.")
        )
    report = Report(as_of, period_start, region, summary(con, as_of, region, period_start=period_start, detail=True))
    if period_start not in (LAUNCH, None) and as_of >= LAUNCH:
        report.since_launch = summary(con, as_of, region, period_start=LAUNCH, detail=True)
    last = con.execute("select load_id, loaded_at from loads order by load_id desc limit 1").fetchall()
    report.source = (
        _("Alliance store, load {load} of {day}").format(load=last[0][0], day=words.day(last[0][1]))
        if last
        else _("Alliance store, no load yet")
    )
    if edition:
        # A link only as a whole address (the configured public one, or the one a reader's browser used): a
        # document read elsewhere cannot follow a relative one, and a guessed host would not open.
        link = edition.get("permalink") or permalink(edition["name"])
        report.edition = {**edition, "permalink": link if "://" in link else None}
        report.source = (
            _("Edition {name} of the Alliance store (load {load} of {day})").format(
                name=edition["name"], load=last[0][0], day=words.day(last[0][1])
            )
            if last
            else report.source
        )
    report.demo_rows = int(frame(con, "demo_rows")["demo_rows"].iloc[0])
    report.cycles = plan_cycles(frame(con, "cycles_list"), period_start, as_of)
    report.events_everywhere = i18n.localized(frame(con, "events_list", limit=100_000, **{**params, "region": None}))
    milestones = frame(con, "milestones_status", as_of=as_of, limit=100_000)
    done = milestones[milestones["status"] == "done"]
    reached = done[pd.to_datetime(done["completed_on"]) >= pd.Timestamp(period_start or date.min.replace(year=1900))]
    report.tables = {
        N_("Milestones reached"): reached[["completed_on", "completed_precision", "title", "kap_outcome", "source"]].sort_values(
            "completed_on"
        ),
        # Done on a date the source does not state: in no period's count, said apart.
        N_("Milestones reached, date not stated"): done[done["completed_on"].isna()][["title", "kap_outcome", "source"]],
        N_("Events held"): frame(con, "events_list", limit=100_000, **params).sort_values("start_date"),
        # Every region side by side, whatever the report's region: the report says so.
        N_("Results by region"): frame(con, "kpis_by_region", **params),
        N_("Actions by region"): frame(con, "actions_by_region", year=None, **params),
        N_("EoIs by region"): frame(con, "eois_by_region", **params),
        N_("Capability demand and supply"): frame(con, "capability_demand_supply", **params),
        N_("Milestone timeline"): milestones,
        N_("Open milestones"): milestones[milestones["status"] != "done"][
            ["due_on", "title", "status", "days_past_due", "kap_outcome"]
        ],
        N_("Capabilities"): frame(con, "capabilities_list"),
        N_("KPI definitions"): frame(con, "kpi_definitions"),
    }
    # The annex and the document are read by delegates: sources name documents, not our files.
    # Names of regions, capabilities and countries in the language spoken (the same frames in English).
    report.tables = {title: i18n.localized(words.cite_sources(table)) for title, table in report.tables.items()}
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


def chart_titles(report: Report) -> dict[str, str]:
    """The three charts' titles by kind (eois, capabilities, timeline), in the language spoken."""
    period, at = words.period(report.period_start, report.as_of), words.as_at(report.as_of)
    timeline = report.tables["Milestone timeline"]
    dated = timeline[timeline["due_on"].notna() | timeline["completed_on"].notna()]
    return {
        "eois": _("EoIs received by region, {period}").format(period=period),
        "capabilities": _("Capability demand (EoIs received {period}) against supply (centers {at})").format(
            period=period, at=at
        ),
        "timeline": (
            _("Milestone timeline, {at} (Alliance-wide, milestones with a due date)")
            if len(dated) < len(timeline)
            else _("Milestone timeline, {at} (Alliance-wide)")
        ).format(at=at),
    }


def figures(report: Report, language: str | None = None) -> dict:
    """The three charts, from the same figure functions the pages use (in `language`; None: the one spoken)."""
    from alliance.figures.capabilities import demand_supply_bars
    from alliance.figures.milestones import milestone_timeline_as_of
    from alliance.figures.regions import kpi_by_region

    with _in(language):
        eois = report.tables["EoIs by region"].rename(columns={"eois": "eois_total"})
        supply = report.tables["Capability demand and supply"]
        # The time line places milestones by due date (done ones with none, by completion): one with neither has no
        # place on it (the Way forward lists it),
        # and a time line of one milestone says less than its line in the Way forward.
        timeline = report.tables["Milestone timeline"]
        dated = timeline[timeline["due_on"].notna() | timeline["completed_on"].notna()]
        titles = chart_titles(report)
        charts = {
            titles["eois"]: (eois["eois_total"].any(), lambda: kpi_by_region(eois, "eois_total", _("EoIs"))),
            titles["capabilities"]: (
                supply[["eois", "centers"]].to_numpy().any(),
                lambda: demand_supply_bars(supply),
            ),
            titles["timeline"]: (
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
                        _(
                            "The charts could not be drawn: the browser that draws them did not start ({error}). "
                            "Try again, or write the report without charts (--no-images)."
                        ).format(error=type(error).__name__)
                    ) from None
    return {}


def write_docx(report: Report, images: dict[str, bytes] | None, out: Path, language: str | None = None) -> None:
    """Write the report in the shape of the TDAG contributions, in `language` (None: the language spoken)."""
    with _in(language):
        _write_docx(report, images, out)


def _write_docx(report: Report, images: dict[str, bytes] | None, out: Path) -> None:
    k = report.kpis
    region = region_names().get(report.region, _("All regions"))
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
        (
            _("Period"),
            _("{period} (every count of EoIs, events, activities, launches and resources)").format(period=_span(report)),
        ),
        (_("Region"), region),
        (_("As at"), _("{day} (the network of centers and the milestones)").format(day=words.day(report.as_of))),
        (_("Data source"), report.source),
        *(((_("Edition"), edition_text(report.edition)),) if report.edition else ()),
    ]
    _table(doc, None, [list(row) for row in details], [3.2, TEXT_CM - 3.2], style="Light List Accent 1", size=10, align=[0, 0])
    if report.demo_rows:
        mark = doc.add_paragraph()
        run = mark.add_run(
            n_(
                "DEMO DATA INCLUDED: the store holds {count} generated demo rows (EoIs, centers, activities, KPI targets). "
                "Figures that count them are illustrative and must not be quoted.",
                "DEMO DATA INCLUDED: the store holds {count} generated demo rows (EoIs, centers, activities, KPI targets). "
                "Figures that count them are illustrative and must not be quoted.",
                report.demo_rows,
            ).format(count=words.count(report.demo_rows))
        )
        run.bold = True
        run.font.color.rgb = RGBColor(0xD5, 0x5E, 0x00)

    doc.add_heading(_("Summary"), level=1)
    doc.add_paragraph(summary_text(report))
    doc.add_heading(_("Action required"), level=1)
    doc.add_paragraph(_("TDAG is invited to note this report and provide any guidance as deemed necessary."))

    doc.add_heading(_("1. Background"), level=1)
    _write_framing(doc, report, "background")
    doc.add_heading(_("2. Objectives"), level=1)
    _write_framing(doc, report, "objectives")

    doc.add_heading(_("3. Key actions and results"), level=1)
    period, at = words.period(report.period_start, report.as_of), words.as_at(report.as_of)
    if _alliance_began(report):
        doc.add_paragraph(
            _(
                "EoIs and centers: {period}, {eois} from {countries}, {requests} of them requests to establish or "
                "strengthen a center, and {launched} launched; {at}, {centers} in the network."
            ).format(
                period=period,
                eois=_eois(k["eois"]["total"]),
                countries=_countries(k["eois"]["countries"]),
                requests=words.count(k["eois"]["center_requests"]),
                launched=_centers(k["centers"]["launched"]),
                at=at,
                centers=_centers(k["centers"]["total"]),
            )
        )
    if report.since_launch:
        s = report.since_launch
        doc.add_paragraph(
            _("Since the launch on {launch} (to {end}): {eois} from {countries}, {events} and {launched} launched.").format(
                launch=words.day(LAUNCH),
                end=words.day(report.as_of),
                eois=_eois(s["eois"]["total"]),
                countries=_countries(s["eois"]["countries"]),
                events=words.counted(s["events"]["total"], "{count} event", "{count} events"),
                launched=_centers(s["centers"]["launched"]),
            )
        )
    _write_published(doc, report)

    reached = report.tables["Milestones reached"]
    existing = k["milestones"]["total"]
    doc.add_heading(
        _("Milestones reached in the period (the whole Alliance)") if report.region else _("Milestones reached in the period"),
        level=2,
    )
    if not existing:
        doc.add_paragraph(_("No milestone had been set {at}.").format(at=at))
    elif reached.empty:
        doc.add_paragraph(_("No milestone was reached in the period."))
    for row in reached.itertuples(index=False):
        when = words.dated(pd.Timestamp(row.completed_on).date(), row.completed_precision)
        doc.add_paragraph(_("{date}: {title}").format(date=when, title=_xml_safe(row.title)), style="List Bullet")
    undated = report.tables["Milestones reached, date not stated"]
    if not undated.empty:
        doc.add_paragraph(
            n_(
                "Also reached {at}, on a date its source does not state (so counted in no period):",
                "Also reached {at}, on dates their source does not state (so counted in no period):",
                len(undated),
            ).format(at=at)
        )
        for row in undated.itertuples(index=False):
            doc.add_paragraph(_xml_safe(row.title), style="List Bullet")

    doc.add_heading(_("Events held in the period"), level=2)
    events = report.tables["Events held"]
    if events.empty:
        doc.add_paragraph(_("No event was held in the period."))
    for row in events.itertuples(index=False):
        over = pd.notna(row.participants_over) and bool(row.participants_over)
        counts = [
            n_("{count} participants", "{count} participants", int(row.participants)).format(
                count=words.count(row.participants, over)
            )
            if pd.notna(row.participants)
            else None,
            n_("{count} trained or certified", "{count} trained or certified", int(row.trained_certified)).format(
                count=words.count(row.trained_certified)
            )
            if pd.notna(row.trained_certified)
            else None,
        ]
        counts = [text for text in counts if text]
        figures_text = _("{first}, {second}").format(first=counts[0], second=counts[1]) if len(counts) == 2 else "".join(counts)
        start = pd.Timestamp(row.start_date).date()
        # The days as the source words them: "8-9 May 2018", "15-16 March 2023".
        when = (
            words.span(start, None if pd.isna(row.end_date) else pd.Timestamp(row.end_date).date())
            if row.date_precision in (None, "day")
            else words.dated(start, row.date_precision)
        )
        line = (
            _("{date}: {title} ({figures})").format(date=when, title=_xml_safe(row.title), figures=figures_text)
            if figures_text
            else _("{date}: {title}").format(date=when, title=_xml_safe(row.title))
        )
        doc.add_paragraph(line, style="List Bullet")

    _write_results_by_region(doc, report)
    doc.add_heading(_("Actions by region and product line, {period}").format(period=period), level=2)
    actions = report.tables["Actions by region"]
    _table(
        doc,
        [_(header) for header in PRODUCT_HEADERS],
        [[name, *(_number(v) for v in values)] for name, *values in actions.itertuples(index=False)],
        [4.2] + [(TEXT_CM - 4.2) / 4] * 4,
    )
    _note(
        doc,
        _(
            "Activities, and events that count as a product line, starting {period}, each in the region of its "
            "regional initiative (else of its country), in the layout of the 2019 TDAG report on ITU-D Innovation."
        ).format(period=period),
    )

    # images is None when the charts were not asked for; {} when every chart had nothing to show.
    if images is not None and len(images) < 3:
        timeline_out = chart_titles(report)["timeline"] not in images
        _note(
            doc,
            _(
                "Charts with nothing to show for this period are left out (the milestone timeline needs two milestones "
                "with a due or completion date; the Way forward lists every open milestone)."
            )
            if timeline_out
            else _("Charts with nothing to show for this period are left out."),
        )
    for chart_title, png in (images or {}).items():
        doc.add_heading(chart_title, level=2)
        doc.add_picture(io.BytesIO(png), width=Cm(16.5))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading(_("4. Way forward"), level=1)
    open_milestones = report.tables["Open milestones"].sort_values("due_on")
    if not existing:
        doc.add_paragraph(
            (
                _("No milestone of the Alliance had been set {at}.")
                if _alliance_began(report)
                else _("No milestone had been set {at}.")
            ).format(at=at)
        )
    elif open_milestones.empty:
        doc.add_paragraph(
            _("Every milestone of the Alliance set by {day} was reached by then.").format(day=words.day(report.as_of))
        )
    else:
        doc.add_paragraph(_("Open milestones of the whole Alliance, {at}:").format(at=at))
    for row in open_milestones.itertuples(index=False):
        due = (
            _("due date not stated")
            if pd.isna(row.due_on) or row.status == "open"
            else _("due {day}").format(day=words.day(pd.Timestamp(row.due_on)))
        )
        line = _("{title}: {due} (OVERDUE)") if row.status == "overdue" else _("{title}: {due}")
        doc.add_paragraph(line.format(title=_xml_safe(row.title), due=due), style="List Bullet")
    doc.add_paragraph(_("TDAG is invited to note this report and provide advice as deemed necessary."))
    if i18n.current() not in (i18n.ENGLISH, i18n.PSEUDO):
        _speak(doc, i18n.current())
    doc.save(str(out))


def _eois(count: int) -> str:
    return words.counted(count, "{count} expression of interest", "{count} expressions of interest")


def _countries(count: int) -> str:
    return words.counted(count, "{count} country", "{count} countries")


def _centers(count: int) -> str:
    return words.counted(count, "{count} center", "{count} centers")


def title(report: Report) -> str:
    """The report's title: ITU-D Innovation for a period that ends before the Alliance's launch."""
    return _(TITLE) if _alliance_began(report) else _(TITLE_BEFORE_LAUNCH)


def _alliance_began(report: Report) -> bool:
    return report.as_of >= LAUNCH


# Background and Objectives of each plan cycle, in the words of the TDAG report written in it. A report
# speaks of the cycles its period overlaps, so a report on 2018 says nothing of the 2023 Alliance.
def _write_framing(doc, report: Report, part: str) -> None:
    """Write the Background (part='background') or the Objectives of every plan cycle the period overlaps."""
    cycles = report.cycles
    if not cycles:
        doc.add_paragraph(
            _(
                "The period {period} precedes the plan cycles this report describes, the first of which "
                "({cycle}, Buenos Aires) began on {day}."
            ).format(period=_span(report), cycle=i18n.name("cycle", "WTDC-17"), day=words.day(date(2018, 1, 1)))
        )
        return
    if len(cycles) > 1 and part == "background":
        spans = _(_NUMBERS[len(cycles)]) if len(cycles) in _NUMBERS else words.count(len(cycles))
        doc.add_paragraph(
            n_(
                "The period spans {count} plan cycle of the ITU Development Sector; each is described in turn.",
                "The period spans {count} plan cycles of the ITU Development Sector; each is described in turn.",
                len(cycles),
            ).format(count=spans)
        )
    codes = [c["cycle"] for c in cycles]
    for cycle in cycles:
        if len(cycles) > 1:
            doc.add_heading(
                _("{plan} ({cycle}), {start}-{end}").format(
                    plan=i18n.name("plan", cycle["plan"]),
                    cycle=i18n.name("cycle", cycle["cycle"]),
                    start=cycle["starts_on"].year,
                    end=cycle["ends_on"].year,
                ),
                level=2,
            )
        if cycle["cycle"] == "WTDC-17":
            (_wtdc17_background if part == "background" else _wtdc17_objectives)(doc, report)
        elif cycle["cycle"] == "WTDC-22":
            (_wtdc22_background if part == "background" else _wtdc22_objectives)(doc, report)
        else:
            _later_cycle(doc, report, cycle, part, recap="WTDC-22" not in codes)


_NUMBERS = {2: N_("two"), 3: N_("three"), 4: N_("four")}


@contextmanager
def _quoted(doc, document: str):
    """Paragraphs in the words of an ITU document: in English whatever the language spoken (its dates too), marked
    as quoted in English in another language, and kept left to right."""
    if i18n.current() in (i18n.ENGLISH, i18n.PSEUDO):
        yield
        return
    _note(doc, _("Quoted in English from {document}:").format(document=document))
    before = set(doc.element.body.iterchildren(qn("w:p")))
    with i18n.speaking(i18n.ENGLISH):
        yield
    for paragraph in doc.element.body.iterchildren(qn("w:p")):
        if paragraph not in before:
            paragraph.set(_ENGLISH_MARK, "1")


def _wtdc17_background(doc, report: Report) -> None:
    with _quoted(doc, INNOVATION_REPORT):
        _wtdc17_background_quoted(doc, report)
    _source(doc, INNOVATION_REPORT)


def _wtdc17_background_quoted(doc, report: Report) -> None:
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


def _wtdc17_objectives(doc, report: Report) -> None:
    with _quoted(doc, INNOVATION_REPORT):
        _wtdc17_objectives_quoted(doc)
    doc.add_paragraph(
        _("The table of actions by region and product line in section 3 counts the period's actions by these lines.")
    )
    _source(doc, INNOVATION_REPORT)


def _wtdc17_objectives_quoted(doc) -> None:
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


def _wtdc22_background(doc, report: Report) -> None:
    with _quoted(doc, ALLIANCE_REPORT):
        _wtdc22_background_quoted(doc, report)
    _source(doc, ALLIANCE_REPORT)


def _wtdc22_background_quoted(doc, report: Report) -> None:
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


def _wtdc22_objectives(doc, report: Report) -> None:
    if not _alliance_began(report):
        doc.add_paragraph(
            _(
                "The Innovation and Entrepreneurship Alliance for Digital Development, launched on {day} after "
                "this period, sets out the objectives of innovation work under the {plan}."
            ).format(day=words.day(LAUNCH), plan=i18n.name("plan", "Kigali Action Plan"))
        )
        _source(doc, ALLIANCE_REPORT)
        return
    with _quoted(doc, ALLIANCE_REPORT):
        _wtdc22_objectives_quoted(doc, report)
    _source(doc, ALLIANCE_REPORT)


def _wtdc22_objectives_quoted(doc, report: Report) -> None:
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
    names = capability_names()  # in English, as the quotation around them
    for row in report.tables["Capabilities"].itertuples(index=False):
        doc.add_paragraph(f"{names.get(row.capability_code, row.capability_name)}: {row.description}", style="List Bullet")
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


def _later_cycle(doc, report: Report, cycle: dict, part: str, recap: bool) -> None:
    """A cycle the sources of this report predate: only what is known (its plan and dates), nothing of its content."""
    years = f"{cycle['starts_on'].year}-{cycle['ends_on'].year}"
    plan, code = i18n.name("plan", cycle["plan"]), i18n.name("cycle", cycle["cycle"])
    kigali, wtdc22 = i18n.name("plan", "Kigali Action Plan"), i18n.name("cycle", "WTDC-22")
    if part == "background":
        doc.add_paragraph(
            _(
                "The {plan} {years} ({cycle}, {conference}) is in force from {day}. This report does not restate its "
                "content: the documents this report draws on predate it."
            ).format(plan=plan, years=years, cycle=code, conference=cycle["conference"], day=words.day(cycle["starts_on"]))
        )
        if recap:
            doc.add_paragraph(
                _("The Alliance, as set at its launch under the {plan} ({cycle}):").format(plan=kigali, cycle=wtdc22)
            )
            _wtdc22_background(doc, report)
    else:
        doc.add_paragraph(
            _("The objectives under the {plan} {years} are those that plan sets; this report does not restate them.").format(
                plan=plan, years=years
            )
        )
        if recap:
            doc.add_paragraph(
                _("The objectives as set at the Alliance's launch under the {plan} ({cycle}):").format(plan=kigali, cycle=wtdc22)
            )
            _wtdc22_objectives(doc, report)


def _source(doc, document: str) -> None:
    _note(doc, _("Source: {document}.").format(document=document))


def _note(doc, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(4)
    paragraph.add_run(text).italic = True


def _write_published(doc, report: Report) -> None:
    """Figures a document published for the period, beside what the records count; never added to them."""
    items = report.kpis.get("reported") or []
    if not items:
        return
    doc.add_heading(_("Counted in the records and as published"), level=2)
    rows = [
        # The records' count over the published figure's own window, which the comparison is about.
        [_figure_label(i["kpi"]), _counted(i["kpi"], i.get("counted", _pick(report.kpis, i["kpi"]))), words.reported(i)]
        for i in _published(report.kpis)
    ]
    _table(
        doc,
        [_("Figure"), _("Counted in the records"), _("As published")],
        rows,
        [4.6, 3.4, TEXT_CM - 8.0],
        align=[0, 1, 0],
    )
    missed = _missed(report.kpis)
    text = _(
        "Counted in the records: over the same dates and region as the published figure beside it (from its start, or "
        "the beginning, to its date). A published figure is shown beside the count, never added to it."
    )
    if missed:
        text = _sentences(
            text,
            _("For {figures} the records count less than was published: the records are incomplete.").format(
                figures=_and(missed)
            ),
        )
    _note(doc, text)


def _write_results_by_region(doc, report: Report) -> None:
    """The regions' figures in two tables that fit the page, each with a total that meets the Summary's."""
    period = words.period(report.period_start, report.as_of)
    regions = report.tables["Results by region"]
    mine = region_names().get(report.region)
    total_label = _("All regions")
    doc.add_heading(_("Results by region, {period}").format(period=period), level=2)
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
        [_("Region"), *_short_names("eois_total", "eois_countries", "eoi_center_requests", "centers_total", "centers_launched")],
        [[row[0], *(_number(v) for v in row[1:])] for row in eois],
        [4.2] + [(TEXT_CM - 4.2) / 5] * 5,
        bold_rows={len(eois)} | {i + 1 for i, row in enumerate(eois) if row[0] == mine},
    )
    _note(
        doc,
        _sentences(
            _("EoIs, their countries, center requests and centers launched: {period}; centers: {at}.").format(
                period=period, at=at
            ),
            *(
                (
                    _("Every EoI and center has a country, so each counts in one region."),
                    _("This report counts {region}: its row gives the Summary's figures; the others are for comparison.").format(
                        region=mine
                    ),
                )
                if mine
                else (
                    _(
                        "Every EoI and center has a country, so each counts in one region; the row {total} gives the Summary's figures."
                    ).format(total=total_label),
                )
            ),
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
            None if not r.resources_counted else (_(words.NOT_RECORDED) if not r.resources_stated else r.resources_usd),
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
        lines.append((_("Whole Alliance (no region)"), None, None, 0, None, 0, None, alliance_wide, False))
    total = (
        total_label,
        sum(line[1] or 0 for line in lines),
        _sum_known(line[2] for line in lines),
        sum(line[3] for line in lines),
        _sum_known(line[4] for line in lines),
        sum(line[5] for line in lines),
        sum(line[6] or 0 for line in lines),
        # Money: the amounts stated; 'not recorded' where resources were counted but none states one.
        _(words.NOT_RECORDED)
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
            else (_(words.NOT_RECORDED) if usd_unknown and name == total_label else _number(usd)),
        ]
        for name, events, participants, stated_p, trained, stated_t, activities, usd, over_ in lines
    ]
    _table(
        doc,
        [
            _("Region"),
            *_short_names("events_total", "event_participants", "trained_certified", "activities_total", "resources_usd"),
        ],
        rows,
        [3.9, 1.9, 3.1, 3.1, 2.5, TEXT_CM - 14.5],
        bold_rows={len(rows)} | {i + 1 for i, row in enumerate(rows) if row[0] == mine},
    )
    notes = [_("Events, activities and USD mobilized: {period}.").format(period=period)]
    if not glb.empty:
        notes.append(
            n_(
                "{region}: {count} event held with no country (global or virtual), in no region's figures.",
                "{region}: {count} events held with no country (global or virtual), in no region's figures.",
                len(glb),
            ).format(region=region_names()["GLB"], count=words.count(len(glb)))
        )
    if alliance_wide:
        notes.append(
            _("Whole Alliance: resources for the whole Alliance ({amount}), in no region's figures.").format(
                amount=words.money(alliance_wide)
            )
        )
    notes.append(
        _(
            "Participants and people trained or certified are summed over the events that recorded them; "
            "\u2018not recorded\u2019: no event recorded the figure; a dash: nothing to count. "
            "An activity counts under its regional initiative's region."
        )
    )
    notes.append(
        _("This report counts {region}: its row gives the Summary's figures; the others are for comparison.").format(region=mine)
        if mine
        else _("The row {total} gives the Summary's figures.").format(total=total_label)
    )
    _note(doc, _sentences(*notes))


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
    """'a, b and c' (in another language, as CLDR joins a list there)."""
    if i18n.current() not in (i18n.ENGLISH, i18n.PSEUDO):
        from babel.lists import format_list

        return format_list(items, locale=i18n.locale())
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sentences(*sentences: str) -> str:
    """Sentences one after the other: with a space between, none in Chinese (its full stop closes up)."""
    return ("" if i18n.current() == "zh" else " ").join(sentences)


def _span(report: Report) -> str:
    """The report's period in full: '25 January 2023 to 30 June 2023', or 'up to 30 June 2023' with no start."""
    if report.period_start is None:
        return _("up to {end}").format(end=words.day(report.as_of))
    return _("{start} to {end}").format(start=words.day(report.period_start), end=words.day(report.as_of))


def edition_text(edition: dict) -> str:
    """What the report's header says of its edition: name, approval, that it does not move, and how to open it."""
    from urllib.parse import quote

    if edition["status"] == "published":
        approved = _("approved by {who} on {day}").format(
            who=edition["approved_by"], day=words.day(datetime.fromisoformat(edition["approved_at"]))
        )
    else:
        approved = _("a DRAFT, not approved yet: do not quote")
    name = edition["name"]
    how = (
        _("Permalink: {link}").format(link=edition["permalink"])
        if edition.get("permalink")
        else _(
            "To see it, open the dashboard and choose edition {name} under Figures, or add ?edition={quoted} to its address."
        ).format(name=name, quoted=quote(name))
    )
    return _sentences(
        _("{name}, {approved}.").format(name=name, approved=approved),
        _("The figures of an edition are frozen: this edition gives the same figures every time."),
        how,
    )


def summary_text(report: Report) -> str:
    """The Summary paragraph, written from the figures; an unknown is said to be unknown, never 0."""
    k = report.kpis
    at = words.day(report.as_of)
    period = words.period(report.period_start, report.as_of)
    if _alliance_began(report):
        opening = (
            _(
                "This document reports progress of the Innovation and Entrepreneurship Alliance for Digital Development "
                "{in_region} {period}."
            )
            if report.region
            else _(
                "This document reports progress of the Innovation and Entrepreneurship Alliance for Digital Development {period}."
            )
        )
    else:
        opening = (
            _("This document reports progress of ITU-D innovation {in_region} {period}.")
            if report.region
            else _("This document reports progress of ITU-D innovation {period}.")
        )
    where = words.in_region(region_names()[report.region]) if report.region else ""
    parts = [opening.format(in_region=where, period=period)]
    eois, centers = k["eois"], k["centers"]
    if _alliance_began(report) or eois["total"] or centers["total"]:
        parts.append(
            n_(
                "In the period, {eois} was received from {countries}, including {requests} to establish or strengthen an "
                "acceleration center, and {launched}; as at {day} the network counts {centers}.",
                "In the period, {eois} were received from {countries}, including {requests} to establish or strengthen an "
                "acceleration center, and {launched}; as at {day} the network counts {centers}.",
                eois["total"],
            ).format(
                eois=_eois(eois["total"]),
                countries=_countries(eois["countries"]),
                requests=words.counted(eois["center_requests"], "{count} request", "{count} requests"),
                launched=words.counted(centers["launched"], "{count} center was launched", "{count} centers were launched"),
                day=at,
                centers=_centers(centers["total"]),
            )
        )
    else:
        parts.append(
            _(
                "The Alliance, with its calls for expressions of interest and its network of acceleration centers, was "
                "launched on {day}, after this period."
            ).format(day=words.day(LAUNCH))
        )
    parts.append(_events_sentence(k["events"]))
    parts.append(_resources_sentence(report))
    milestones = k["milestones"]
    if milestones["total"]:
        sentence = (
            _("Of the whole Alliance's {milestones} (milestones belong to the whole Alliance), {done} and {overdue} as at {day}.")
            if report.region
            else _("Of the Alliance's {milestones}, {done} and {overdue} as at {day}.")
        )
        parts.append(
            sentence.format(
                milestones=words.counted(milestones["total"], "{count} milestone", "{count} milestones"),
                done=words.counted(milestones["done"], "{count} was done in the period", "{count} were done in the period"),
                overdue=words.counted(milestones["overdue"], "{count} is overdue", "{count} are overdue"),
                day=at,
            )
        )
    parts.extend(_published_sentences(k))
    return _sentences(*parts)


def _published_sentences(k: dict) -> list[str]:
    """The published figures of the period in a sentence per document and date, and whether the records fall short."""
    by_document: dict[str, list[str]] = {}
    for item in _published(k):
        value, where = _published_parts(item)
        by_document.setdefault(where, []).append(
            _("{value} ({figure})").format(value=value, figure=_lower(_figure_label(item["kpi"])))
        )
    sentences = [
        _("As published in {document}: {figures}.").format(document=where, figures=_and(values))
        for where, values in by_document.items()
    ]
    missed = _missed(k)
    if missed:
        sentences.append(
            _("The records count less than was published for {figures}: they are incomplete.").format(figures=_and(missed))
        )
    return sentences


def _published_parts(item: dict) -> tuple[str, str]:
    """A published figure as words.reported writes it, in two: the value ('over 70') and where and for when it was
    published ('<source> for 25 January 2023 to 15 April 2023')."""
    number = words.money(item["value"]) if item["kpi"] == "resources_usd" else words.count(item["value"])
    value = _(words._QUALIFIERS.get(item["qualifier"], "{value}")).format(value=number)
    when = item["as_of"] if isinstance(item["as_of"], date) else date.fromisoformat(item["as_of"])
    start = item.get("from")
    start = None if words._missing(start) else start if isinstance(start, date) else date.fromisoformat(start)
    if start:
        where = _("{source} for {start} to {end}").format(source=item["source"], start=words.day(start), end=words.day(when))
    else:
        where = _("{source} as at {day}").format(source=item["source"], day=words.day(when))
    return value, where


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
        return _("No event was held in the period.")
    participants = words.stated_sum(
        events["participants"],
        events["participants_stated"],
        held,
        _("participants"),
        _("attendance"),
        events.get("participants_over", False),
    )
    trained = words.stated_sum(
        events["trained_certified"], events["trained_stated"], held, _("people trained or certified"), _("them")
    )
    return n_(
        "{count} event was held in the period: {participants}; {trained}.",
        "{count} events were held in the period: {participants}; {trained}.",
        held,
    ).format(count=words.count(held), participants=participants, trained=trained)


def _resources_sentence(report: Report) -> str:
    """USD mobilized, saying how many resources state an amount, and what a region's figure leaves out."""
    k = report.kpis
    detail = k.get("resources") or {}
    counted, stated = detail.get("counted"), detail.get("stated")
    region = region_names()[report.region] if report.region else None
    amount = words.money(k["resources_usd"])
    if counted is None or (counted and stated and stated >= counted):
        text = (
            _("Resources mobilized for {region} in the period amount to {amount}.")
            if region
            else _("Resources mobilized in the period amount to {amount}.")
        ).format(region=region, amount=amount)
    elif not counted:
        text = (
            _("No resource or partnership agreement for {region} was signed in the period.")
            if region
            else _("No resource or partnership agreement was signed in the period.")
        ).format(region=region)
    elif not stated:
        text = (
            n_(
                "{count} resource or partnership agreement for {region} was signed in the period; it states no amount.",
                "{count} resources or partnership agreements for {region} were signed in the period; none states an amount.",
                counted,
            )
            if region
            else n_(
                "{count} resource or partnership agreement was signed in the period; it states no amount.",
                "{count} resources or partnership agreements were signed in the period; none states an amount.",
                counted,
            )
        ).format(count=words.count(counted), region=region)
    else:
        text = (
            n_(
                "Resources mobilized for {region} in the period amount to {amount}, as stated by {stated} of the {count} "
                "resources and agreements signed (the others state no amount).",
                "Resources mobilized for {region} in the period amount to {amount}, as stated by {stated} of the {count} "
                "resources and agreements signed (the others state no amount).",
                counted,
            )
            if region
            else n_(
                "Resources mobilized in the period amount to {amount}, as stated by {stated} of the {count} resources and "
                "agreements signed (the others state no amount).",
                "Resources mobilized in the period amount to {amount}, as stated by {stated} of the {count} resources and "
                "agreements signed (the others state no amount).",
                counted,
            )
        ).format(region=region, amount=amount, stated=words.count(stated), count=words.count(counted))
    sentences = [text]
    if report.region and detail.get("alliance_wide_usd"):
        sentences.append(
            _("Resources for the whole Alliance ({amount} in the period) are in no region's figures.").format(
                amount=words.money(detail["alliance_wide_usd"])
            )
        )
    undated = k.get("undated") or {}
    # Undated records are the Alliance's (the built-in ones come from its 2023 report): not said of earlier periods.
    if undated.get("resources") and _alliance_began(report):
        many = undated["resources"]
        sentences.append(
            (
                n_(
                    "{count} resource ({amount} among them) has no date in its source, so it counts in no period.",
                    "{count} resources ({amount} among them) have no date in their source, so they count in no period.",
                    many,
                )
                if undated.get("resources_usd")
                else n_(
                    "{count} resource has no date in its source, so it counts in no period.",
                    "{count} resources have no date in their source, so they count in no period.",
                    many,
                )
            ).format(count=words.count(many), amount=words.money(undated.get("resources_usd") or 0))
        )
    return _sentences(*sentences)


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


# The report in a language other than English: the language of its text, the fonts that write it (named on the
# styles and every run, so Word and LibreOffice pick them: Calibri for Latin and Cyrillic, Noto for Chinese and
# Arabic, as Debian's fonts-noto-cjk and fonts-noto-core install them), and Arabic right to left.
LANGUAGE_TAGS = {"ar": "ar-SA", "zh": "zh-CN", "fr": "fr-FR", "ru": "ru-RU", "es": "es-ES", "en": "en-GB"}
FONTS = {"ascii": "Calibri", "hAnsi": "Calibri", "eastAsia": "Noto Sans CJK SC", "cs": "Noto Naskh Arabic"}
# An attribute a quoted paragraph carries while the document is written (removed before it is saved).
_ENGLISH_MARK = "alliance-quoted-in-english"
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
# Where each element goes among its siblings (the order the OOXML schema gives them).
_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
    "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em "
    "lang eastAsianLayout specVanish oMath rPrChange",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
    "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription tblPrChange",
    "sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
    "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings sectPrChange",
}


def _child(parent, tag: str):
    """parent's child `tag` (w:...), added in its place in the schema's order when missing."""
    found = parent.find(qn(f"w:{tag}"))
    if found is not None:
        return found
    order = _ORDER[parent.tag.split("}")[1]].split()
    element = OxmlElement(f"w:{tag}")
    later = {qn(f"w:{name}") for name in order[order.index(tag) + 1 :]}
    for index, sibling in enumerate(parent):
        if sibling.tag in later:
            parent.insert(index, element)
            return element
    parent.append(element)
    return element


def _run_fonts(rPr, tag: str, right_to_left: bool, arabic: bool) -> None:
    """Name the fonts and the language on a run's (or style's) properties; in Arabic, complex-script size and weight."""
    fonts = _child(rPr, "rFonts")
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    for key, font in FONTS.items():
        fonts.set(qn(f"w:{key}"), font)
    lang = _child(rPr, "lang")
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), LANGUAGE_TAGS["zh"] if tag == LANGUAGE_TAGS["zh"] else tag)
    lang.set(qn("w:bidi"), LANGUAGE_TAGS["ar"] if tag in (LANGUAGE_TAGS["ar"], LANGUAGE_TAGS["en"]) else tag)
    if not right_to_left:
        return
    # Arabic is written in the complex-script properties: its size, bold and italic are those, not sz, b and i.
    for latin, complex_ in (("b", "bCs"), ("i", "iCs"), ("sz", "szCs")):
        found = rPr.find(qn(f"w:{latin}"))
        if found is not None and rPr.find(qn(f"w:{complex_}")) is None:
            copy = _child(rPr, complex_)
            for name, value in found.attrib.items():
                copy.set(name, value)
    if arabic:
        _child(rPr, "rtl")


def _speak(doc, language: str) -> None:
    """Make the written document read in `language`: fonts and language named on every style and run; in Arabic,
    every paragraph, heading and table right to left (quotations in English stay left to right)."""
    tag, right_to_left = LANGUAGE_TAGS[language], i18n.right_to_left(language)
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        default_rPr = defaults.find(qn("w:rPrDefault"))
        if default_rPr is not None and default_rPr.find(qn("w:rPr")) is not None:
            _run_fonts(default_rPr.find(qn("w:rPr")), tag, right_to_left, False)
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) not in ("paragraph", "character", "table"):
            continue
        _run_fonts(style.get_or_add_rPr(), tag, right_to_left, right_to_left)
        if right_to_left and style.get(qn("w:type")) == "paragraph":
            _child(style.get_or_add_pPr(), "bidi")
    body = doc.element.body
    if right_to_left:
        for sectPr in body.iter(qn("w:sectPr")):
            _child(sectPr, "bidi")
        for table in body.iter(qn("w:tbl")):
            _child(table.tblPr, "bidiVisual")
    for paragraph in body.iter(qn("w:p")):
        english = paragraph.attrib.pop(_ENGLISH_MARK, None) is not None
        if right_to_left and english:
            # A quotation in English reads left to right, against its style's direction.
            _child(paragraph.get_or_add_pPr(), "bidi").set(qn("w:val"), "0")
        elif right_to_left:
            pPr = paragraph.get_or_add_pPr()
            # Word and LibreOffice read left and right in a paragraph right to left as its start and end: numbers
            # aligned 'right' in a table go to the end of the line, the left, as the table mirrors the English one.
            _child(pPr, "bidi")
        for run in paragraph.iter(qn("w:r")):
            text = "".join(t.text or "" for t in run.iter(qn("w:t")))
            _run_fonts(
                run.get_or_add_rPr(),
                LANGUAGE_TAGS["en"] if english else tag,
                right_to_left and not english,
                right_to_left and not english and bool(_ARABIC_LETTER.search(text)),
            )


def _annex_header(column: str) -> str:
    """A column of the annex in words: a KPI by its name (data/kpis.csv, the one place KPI names are kept)."""
    if column in definitions():
        return definitions()[column]["name"]
    return _(ANNEX_COLUMNS[column]) if column in ANNEX_COLUMNS else column


# The annex's column headers in words, for a language other than English (English keeps the store's column names,
# as the annex always had them).
ANNEX_COLUMNS = {
    "capabilities": N_("Capabilities"),
    "capability_code": N_("Capability code"),
    "capability_name": N_("Capability"),
    "capacity_building": N_("Capacity building"),
    "centers": N_("Centers"),
    "city": N_("City"),
    "completed_on": N_("Completed on"),
    "completed_precision": N_("Completion date precision"),
    "countries_represented": N_("Countries represented"),
    "country_name": N_("Country"),
    "date_precision": N_("Date precision"),
    "days_past_due": N_("Days past due"),
    "definition": N_("Definition"),
    "description": N_("Description"),
    "due_on": N_("Due on"),
    "end_date": N_("End date"),
    "eois": N_("EoIs"),
    "event_id": N_("Event ID"),
    "event_type": N_("Event type"),
    "events_all": N_("Events in all"),
    "format": N_("Format"),
    "innovation_assessment": N_("Innovation assessments"),
    "kap_outcome": N_("KAP outcome"),
    "kap_outcome_label": N_("KAP outcome in full"),
    "knowledge_sharing": N_("Knowledge sharing"),
    "kpi_code": N_("KPI code"),
    "milestone_id": N_("Milestone ID"),
    "milestones_all": N_("Milestones in all"),
    "name": N_("Name"),
    "owner": N_("Owner"),
    "participants": N_("Participants"),
    "participants_over": N_("Participants: a lower bound"),
    "participants_stated": N_("Events that recorded participants"),
    "partners": N_("Partners"),
    "project_cocreation": N_("Project co-creation"),
    "query": N_("Query"),
    "region_code": N_("Region code"),
    "region_name": N_("Region"),
    "regional_initiatives": N_("Regional initiatives"),
    "resources_counted": N_("Resources signed"),
    "resources_stated": N_("Resources that state an amount"),
    "source": N_("Source"),
    "start_date": N_("Start date"),
    "status": N_("Status"),
    "title": N_("Title"),
    "trained_stated": N_("Events that recorded people trained"),
    "unit": N_("Unit"),
}


def annex_workbook(report: Report, language: str | None = None) -> bytes:
    """The annex (.xlsx): every table of the report, a sheet each, its name and headers in `language` (None: the
    language spoken); in Arabic, sheets right to left."""
    with _in(language):
        if i18n.current() == i18n.ENGLISH:
            return frames_to_xlsx(report.tables)
        tables = {_(name): table.rename(columns=_annex_header) for name, table in report.tables.items()}
        return frames_to_xlsx(tables, right_to_left=i18n.right_to_left())


def build(
    con,
    out: Path,
    as_of: date,
    period_start: date = LAUNCH,
    region: str | None = None,
    annex: Path | None = None,
    images: bool = True,
    edition: dict | None = None,
    language: str = "en",
) -> Report:
    """Write the report (.docx) and its annex (.xlsx) in `language` (ar, zh, en, fr, ru, es); return what they hold."""
    with i18n.speaking(language):
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        report = gather(con, as_of, period_start, region, edition)
        pngs = render_images(figures(report)) if images else None
        write_docx(report, pngs, Path(out))
        annex = annex or Path(out).with_name(Path(out).stem + "-annex.xlsx")
        Path(annex).write_bytes(annex_workbook(report))
        return report
