"""The About page's sections: the Alliance, its KPIs, its results framework and where the data comes from."""

import pandas as pd
import streamlit as st

from alliance.store import Store
from alliance.words import agree, count, count_of, stamp
from components import auth
from components.charts import render_downloads
from components.escape import plain

# Seed 003 (ITU-D Innovation brochure, "Our Mission"), verbatim.
MISSION = (
    "We help members to bridge the Digital Innovation Divide (Gap) – by bringing stakeholders together to develop "
    "coherent strategy and coordinated policy across sectors to create the foundation for vibrant ICT centric "
    "innovation ecosystems at systemic level."
)
# Seed 000 §2.2, summarised.
VEHICLES = [
    (
        "Digital Transformation Lab",
        "in Geneva and reachable virtually: supports the design and running of the network of centers and gives "
        "technical assistance, on request, to countries lacking capabilities in sandboxing and in developing initiatives.",
    ),
    (
        "Network of Acceleration Centers",
        "global, regional and national centers that build innovation capabilities for technology, policy and flagship "
        "initiatives, combining sense making, systems thinking and design thinking.",
    ),
    (
        "Digital Innovation Board",
        "guides the Alliance's work and its accountability, coordinates at a high level, advocates at the UN and with "
        "regional and international organizations, and helps mobilize resources and partnerships.",
    ),
]
# The reference tables and where each comes from, by the documents' titles (data/README.md has the detail).
REFERENCE_SOURCES = [
    ("ITU-D regions", "the six regions, and Global for events with no country", "ITU-D regional office pages"),
    (
        "Countries and aliases",
        "the 194 ITU Member States: ISO alpha-3, ITU, UN and ISO names, ITU-D region; other spellings analysts type",
        "ISO 3166-1; UN M49; ITU-D regional office pages (Georgia, Moldova and Ukraine counted in Europe)",
    ),
    (
        "Strategic capabilities",
        "the five capabilities and their descriptions",
        "TDAG report on the Innovation and Entrepreneurship Alliance for Digital Development (2023)",
    ),
    (
        "Center types",
        "the four types of acceleration center: ownership, scope, resources",
        "TDAG report on the Innovation and Entrepreneurship Alliance for Digital Development (2023)",
    ),
    ("Plan cycles", "WTDC-17 (2018-2022), WTDC-22 (2023-2025), WTDC-25 (2026-2029)", "WTDC Final Reports"),
    (
        "Regional initiatives",
        "every regional initiative of the six regions in WTDC-17, WTDC-22 and WTDC-25; titles not found in a public "
        "source are marked so",
        "ITU-D regional pages (Regional Initiatives per period); the Alliance's own from the TDAG report on the Innovation and Entrepreneurship Alliance for Digital Development (2023)",
    ),
    (
        "Action-plan priorities and outcomes",
        "each plan cycle's priorities; the outcomes KPIs report against (Baku's were not found in public text)",
        "WTDC-22 Final Report; TDAG report on the Innovation and Entrepreneurship Alliance for Digital Development (2023)",
    ),
    ("Resolution 90", "Resolution 90 (Kigali, 2022), resolves 1 to 7, verbatim", "WTDC Resolution 90 (Kigali, 2022)"),
    (
        "KPIs and targets",
        "every KPI's definition; targets analysts upload",
        "the Alliance's upload and KPI rules; Targets sheets",
    ),
]


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if pd.isna(value) else str(value)


def render_text_table(frame: pd.DataFrame, columns: dict[str, str] | None = None) -> None:
    """A static table whose cells wrap, drawn as a Markdown table with every cell escaped.

    Markdown, not st.table: st.table sends Arrow, and the tab then loads Streamlit's 0.7 MB Arrow formatting
    script before it draws; the Markdown renderer is loaded by every page already (make bench's fresh tab).
    """
    frame = frame.rename(columns=columns or {})
    rows = [[plain(column) for column in frame.columns]] + [
        [plain(_cell(value)) for value in row] for row in frame.itertuples(index=False)
    ]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + " --- |" * len(frame.columns))
    st.markdown("\n".join(lines))


def render_alliance(capabilities: pd.DataFrame, center_types: pd.DataFrame) -> None:
    """What the Alliance is: mission, launch, capabilities, vehicles and center types."""
    st.subheader("The Alliance")
    st.markdown(
        "The **Innovation and Entrepreneurship Alliance for Digital Development** was launched by ITU's "
        "Telecommunication Development Bureau (BDT) on **25 January 2023** with a call for expressions of interest. "
        "It answers the needs for innovation that the ITU membership set out at WTDC-22 in the Kigali Action Plan and "
        "Resolution 90 (Kigali, 2022), and works towards two outcomes of the ITU-D priority on digital transformation."
    )
    st.markdown(f"> {MISSION}\n>\n> ITU-D Innovation, *Our Mission*")
    st.markdown(f"The Alliance fast-tracks **{count_of(len(capabilities), 'strategic capability', 'strategic capabilities')}**:")
    st.markdown(
        "\n".join(
            f"- **{plain(row.capability_name)}** ({plain(row.capability_code)}): {plain(row.description)}"
            for row in capabilities.itertuples()
        )
    )
    st.markdown(f"It works through **{count_of(len(VEHICLES), 'main vehicle')}**:")
    st.markdown("\n".join(f"{i}. **{name}**: {text}" for i, (name, text) in enumerate(VEHICLES, start=1)))
    st.markdown(
        f"The network has **{count_of(len(center_types), 'type')} of acceleration center**. The model is flexible: ITU validates "
        "each expression of interest and advises on the capabilities and scope that suit the requester."
    )
    render_text_table(center_types.drop(columns="source"), {"center_type_code": "code", "center_type_name": "center type"})
    st.caption(
        "Sources: TDAG report on the Innovation and Entrepreneurship Alliance for Digital Development (2023); ITU-D Innovation brochure."
    )


def render_kpi_definitions(kpis: pd.DataFrame) -> None:
    """Every KPI the app shows: code, name, definition and unit, with downloads."""
    st.subheader("How each KPI is defined")
    st.markdown(
        "Figures are of two kinds, and each says which. Flows count what happened in the period chosen in the "
        "sidebar, from the period start (by default the launch, 25 January 2023) to the as-of date: EoIs received, "
        "events and activities started, centers launched, milestones done and resources signed. Stocks are the state "
        "at the as-of date: the centers that exist by then (from their first known date), milestones and milestones "
        "overdue. With a region chosen, only that region's rows count: a row's region is its country's; an activity "
        "counts in the region of its regional initiative; an event with no country is global. Milestones belong to "
        "the whole Alliance and are never filtered."
    )
    # A list, not a table: on a phone a four-column table squeezed each definition to a word a line.
    st.markdown("\n".join(f"- **{plain(row.name)}**, in {plain(row.unit)}: {plain(row.definition)}" for row in kpis.itertuples()))
    table = kpis[["kpi_code", "name", "definition", "unit"]].rename(columns={"kpi_code": "code"})
    st.caption("The downloads give each KPI's code too.")
    render_downloads(table, "KPI definitions", "kpi_definitions")


def render_framework(outcomes: pd.DataFrame, res90: pd.DataFrame) -> None:
    """The outcomes KPIs report against, and the Resolution 90 items they serve."""
    st.subheader("Results framework")
    st.markdown(
        "Activities and milestones report against outcomes of the Kigali Action Plan; each outcome serves items of "
        "Resolution 90, which instructs the Director of BDT."
    )
    outcomes = outcomes.assign(priority=outcomes["priority_code"] + " " + outcomes["priority_title"].fillna(""))
    render_text_table(
        outcomes[["outcome_code", "cycle", "priority", "outcome_title", "res90_resolves", "source"]],
        {"outcome_code": "code", "outcome_title": "outcome", "res90_resolves": "Resolution 90 items"},
    )
    with st.expander(f"Resolution 90 (Kigali, 2022): the {count_of(len(res90), 'item')} the Director of BDT is instructed to do"):
        render_text_table(res90[["item", "item_text"]], {"item_text": "resolves to instruct the Director of BDT"})


def render_initiatives(initiatives: pd.DataFrame, region_label: str) -> None:
    """The regional initiatives the Alliance names, then all of them; unverified titles flagged."""
    st.subheader("Regional initiatives")
    if initiatives.empty:
        st.info(f"No regional initiative is recorded for {region_label}.", icon=":material/info:")
        return
    columns = {"initiative_code": "code", "region_name": "region", "title_verified": "title verified"}
    alliance = initiatives[initiatives["named_by_alliance"]].drop(columns=["named_by_alliance", "source"])
    unverified = int((~initiatives["title_verified"]).sum())
    st.markdown(
        f"The Alliance contributes to the regional initiatives its founding report names: {count(len(alliance))} in "
        f"{region_label}, listed below. Of the {count_of(len(initiatives), 'initiative')} the app knows there, "
        f"**{count(unverified)} {agree(unverified, 'has', 'have')} a title not verified** against a public ITU page: those "
        "titles read *code (title not verified)* or are our best reading."
    )
    if not alliance.empty:
        render_text_table(alliance, columns)
    every = initiatives.drop(columns="named_by_alliance")
    title = f"Every regional initiative, {region_label} ({count(len(initiatives))}), with sources"
    # Drawn when asked for, as an expander's content would be seen: drawn with the page, this list doubled the
    # time a fresh tab takes to settle (a table of every initiative and its source, laid out while hidden).
    if st.toggle(title, key="about_every_initiative"):
        render_text_table(every, columns)
    render_downloads(every.rename(columns=columns), title, "initiatives")
    st.caption("Analysts add the initiatives of a new plan cycle with an Initiatives sheet.")


def render_sources(store: Store, loads: list[dict], demo: pd.DataFrame) -> None:
    """Where the data comes from: reference tables, built-in records, the demo set, the store and its last load."""
    st.subheader("Where the data comes from")
    st.markdown("**Reference tables** ship with the app, each row naming its source:")
    render_text_table(pd.DataFrame(REFERENCE_SOURCES, columns=["table", "what it holds", "source"]))
    builtin = [load for load in loads if load["kind"] == "builtin"]
    loaded = f" They came in as load {builtin[-1]['load_id']}." if builtin else ""
    st.markdown(
        "**Built-in records**: every dated fact of the seed documents (the TDAG reports of 2019 and 2023, the ITU "
        "contribution to the UN CSTD, 2023) as milestones, events, resources, the New Delhi innovation center and "
        "activities, each with its source; a date or count the documents give only roughly is shown as they give it "
        f'(a year alone, "date not stated", "over 300").{loaded}'
    )
    demo_rows = int(demo.iloc[0]["demo_rows"])
    if demo_rows:
        st.markdown(
            f"**Demo set**: the store holds **{count_of(demo_rows, 'generated demo row')}** (EoIs, centers, activities and KPI targets "
            "generated for trying the dashboard, not real data), marked as demo."
            + (
                " An admin removes them on the History page; the removal is recorded and can be rolled back."
                if auth.may("analyst")
                else ""
            )
        )
    else:
        st.markdown("**Demo set**: the store holds no demo rows.")
    st.markdown("**Uploads**: everything else comes from the registers analysts load.")
    if auth.may("analyst"):  # where the store lives on the server is for the people who keep it
        st.markdown("**The store** this app reads:")
        # Plain text: st.code would load a 1.5 MB highlighting script into every tab that opens this page (the
        # fresh tab's slowest part after the charts' Plotly, measured by make bench's timeline).
        st.text(f"{store.path}\n(snapshot {store.snapshot_name()})")
    if loads:
        last = loads[0]
        # Who loaded and which file are for analysts and admins.
        if auth.may("analyst"):
            who = f"{last['file_name']}, by {last['loaded_by']}, "
            st.text(f"Last change: load {last['load_id']} ({last['kind'].replace('_', ' ')}), {who}{stamp(last['loaded_at'])}.")
        else:  # load numbers and kinds are the analysts' words
            st.text(f"Data last changed on {stamp(last['loaded_at'])}.")
    else:
        st.text("Nothing has been loaded yet.")
