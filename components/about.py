"""The About page's sections: the Alliance, its KPIs, its results framework and where the data comes from."""

import pandas as pd
import streamlit as st

from alliance import i18n
from alliance.i18n import N_, _, n_
from alliance.store import Store
from alliance.words import LAUNCH, count, counted, day, stamp
from components import auth
from components.charts import render_downloads
from components.escape import plain
from components.load_history import file_label

# Seed 003 (ITU-D Innovation brochure, "Our Mission"), verbatim: quoted in English in every language, as no official
# translation is in the sources.
MISSION = (
    "We help members to bridge the Digital Innovation Divide (Gap) – by bringing stakeholders together to develop "
    "coherent strategy and coordinated policy across sectors to create the foundation for vibrant ICT centric "
    "innovation ecosystems at systemic level."
)
# Seed 000 §2.2, summarised (our words, so translated; each shown through _()).
VEHICLES = [
    (
        N_("Digital Transformation Lab"),
        N_(
            "in Geneva and reachable virtually: supports the design and running of the network of centers and gives "
            "technical assistance, on request, to countries lacking capabilities in sandboxing and in developing "
            "initiatives."
        ),
    ),
    (
        N_("Network of Acceleration Centers"),
        N_(
            "global, regional and national centers that build innovation capabilities for technology, policy and "
            "flagship initiatives, combining sense making, systems thinking and design thinking."
        ),
    ),
    (
        N_("Digital Innovation Board"),
        N_(
            "guides the Alliance's work and its accountability, coordinates at a high level, advocates at the UN and "
            "with regional and international organizations, and helps mobilize resources and partnerships."
        ),
    ),
]
# The English title of the document most reference tables come from: titles stay as the documents give them.
TDAG_2023 = "TDAG report on the Innovation and Entrepreneurship Alliance for Digital Development (2023)"
# The reference tables and where each comes from, by the documents' titles (data/README.md has the detail). Our
# words are translated; the documents' titles stay in English: a source is a message with the titles as its
# placeholders, or (None) the titles alone.
REFERENCE_SOURCES = [
    (
        N_("ITU-D regions"),
        N_("the six regions, and Global for events with no country"),
        N_("ITU-D regional office pages"),
        {},
    ),
    (
        N_("Countries and aliases"),
        N_("the 194 ITU Member States: ISO alpha-3, ITU, UN and ISO names, ITU-D region; other spellings analysts type"),
        N_("{iso}; {un}; ITU-D regional office pages (Georgia, Moldova and Ukraine counted in Europe)"),
        {"iso": "ISO 3166-1", "un": "UN M49"},
    ),
    (N_("Strategic capabilities"), N_("the five capabilities and their descriptions"), None, {"report": TDAG_2023}),
    (
        N_("Center types"),
        N_("the four types of acceleration center: ownership, scope, resources"),
        None,
        {"report": TDAG_2023},
    ),
    (
        N_("Plan cycles"),
        N_("WTDC-17 (2018-2022), WTDC-22 (2023-2025), WTDC-25 (2026-2029)"),
        N_("WTDC Final Reports"),
        {},
    ),
    (
        N_("Regional initiatives"),
        N_(
            "every regional initiative of the six regions in WTDC-17, WTDC-22 and WTDC-25; titles not found in a "
            "public source are marked so"
        ),
        N_("ITU-D regional pages (Regional Initiatives per period); the Alliance's own from the {report}"),
        {"report": TDAG_2023},
    ),
    (
        N_("Action-plan priorities and outcomes"),
        N_("each plan cycle's priorities; the outcomes KPIs report against (Baku's were not found in public text)"),
        None,
        {"final_report": "WTDC-22 Final Report", "report": TDAG_2023},
    ),
    (
        N_("Resolution 90"),
        N_("Resolution 90 (Kigali, 2022), resolves 1 to 7, verbatim"),
        None,
        {"resolution": "WTDC Resolution 90 (Kigali, 2022)"},
    ),
    (
        N_("KPIs and targets"),
        N_("every KPI's definition; targets analysts upload"),
        N_("the Alliance's upload and KPI rules; Targets sheets"),
        {},
    ),
]
# What a load did, as the last-change line names it (by the kind the store records).
LOAD_KINDS = {
    "load": N_("load"),
    "builtin": N_("builtin"),
    "demo": N_("demo"),
    "rollback": N_("rollback"),
    "remove_demo": N_("remove demo"),
    "publish": N_("publish"),
    "approve": N_("approve"),
    "prune": N_("prune"),
}


def _cell(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
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


def _description(code: str, english) -> str:
    """A capability's description in the language spoken (data/names.csv), else as the store holds it."""
    if i18n.current() == i18n.ENGLISH:
        return english
    found = i18n.name("capability_description", code)
    return english if found == code else found


def render_alliance(capabilities: pd.DataFrame, center_types: pd.DataFrame) -> None:
    """What the Alliance is: mission, launch, capabilities, vehicles and center types."""
    st.subheader(_("The Alliance"))
    st.markdown(
        _(
            "The **Innovation and Entrepreneurship Alliance for Digital Development** was launched by ITU's "
            "Telecommunication Development Bureau (BDT) on **{launch}** with a call for expressions of interest. "
            "It answers the needs for innovation that the ITU membership set out at WTDC-22 in the Kigali Action Plan "
            "and Resolution 90 (Kigali, 2022), and works towards two outcomes of the ITU-D priority on digital "
            "transformation."
        ).format(launch=day(LAUNCH))
    )
    # The brochure's words and title as published; another language says that they are quoted in English.
    quoted = "" if i18n.current() == i18n.ENGLISH else " " + _("(quoted in English)")
    st.markdown(f"> {MISSION}\n>\n> ITU-D Innovation, *Our Mission*{quoted}")
    st.markdown(
        counted(
            len(capabilities),
            "The Alliance fast-tracks **{count} strategic capability**:",
            "The Alliance fast-tracks **{count} strategic capabilities**:",
        )
    )
    st.markdown(
        "\n".join(
            f"- **{plain(row.capability_name)}** ({plain(row.capability_code)}): "
            f"{plain(_description(row.capability_code, row.description))}"
            for row in capabilities.itertuples()
        )
    )
    st.markdown(
        counted(len(VEHICLES), "It works through **{count} main vehicle**:", "It works through **{count} main vehicles**:")
    )
    st.markdown("\n".join(f"{i}. **{_(name)}**: {_(text)}" for i, (name, text) in enumerate(VEHICLES, start=1)))
    st.markdown(
        counted(
            len(center_types),
            "The network has **{count} type of acceleration center**. The model is flexible: ITU validates each "
            "expression of interest and advises on the capabilities and scope that suit the requester.",
            "The network has **{count} types of acceleration center**. The model is flexible: ITU validates each "
            "expression of interest and advises on the capabilities and scope that suit the requester.",
        )
    )
    render_text_table(
        center_types.drop(columns="source"),
        {
            "center_type_code": _("code"),
            "center_type_name": _("center type"),
            "ownership": _("ownership"),
            "scope": _("scope"),
            "resources": _("resources"),
        },
    )
    st.caption(
        _("Sources: {sources}.").format(
            sources="TDAG report on the Innovation and Entrepreneurship Alliance for Digital Development (2023); "
            "ITU-D Innovation brochure"
        )
    )


def render_kpi_definitions(kpis: pd.DataFrame) -> None:
    """Every KPI the app shows: code, name, definition and unit, with downloads."""
    st.subheader(_("How each KPI is defined"))
    st.markdown(
        _(
            "Figures are of two kinds, and each says which. Flows count what happened in the period chosen in the "
            "sidebar, from the period start (by default the launch, {launch}) to the as-of date: EoIs received, "
            "events and activities started, centers launched, milestones done and resources signed. Stocks are the "
            "state at the as-of date: the centers that exist by then (from their first known date), milestones and "
            "milestones overdue. With a region chosen, only that region's rows count: a row's region is its "
            "country's; an activity counts in the region of its regional initiative; an event with no country is "
            "global. Milestones belong to the whole Alliance and are never filtered."
        ).format(launch=day(LAUNCH))
    )
    # A list, not a table: on a phone a four-column table squeezed each definition to a word a line.
    item = _("**{name}**, in {unit}: {definition}")
    st.markdown(
        "\n".join(
            "- " + item.format(name=plain(row.name), unit=plain(row.unit), definition=plain(row.definition))
            for row in kpis.itertuples()
        )
    )
    table = kpis[["kpi_code", "name", "definition", "unit"]].rename(
        columns={"kpi_code": _("code"), "name": _("name"), "definition": _("definition"), "unit": _("unit")}
    )
    st.caption(_("The downloads give each KPI's code too."))
    render_downloads(table, _("KPI definitions"), "kpi_definitions")


def render_framework(outcomes: pd.DataFrame, res90: pd.DataFrame) -> None:
    """The outcomes KPIs report against, and the Resolution 90 items they serve."""
    st.subheader(_("Results framework"))
    st.markdown(
        _(
            "Activities and milestones report against outcomes of the Kigali Action Plan; each outcome serves items of "
            "Resolution 90, which instructs the Director of BDT."
        )
    )
    # A priority by its code and title; a title not found already starts with the code ("P3 (title not found)").
    priority = [
        title if title.startswith(f"{code} ") else f"{code} {title}".strip()
        for code, title in zip(outcomes["priority_code"], outcomes["priority_title"].fillna(""))
    ]
    outcomes = outcomes.assign(priority=priority)
    render_text_table(
        outcomes[["outcome_code", "cycle", "priority", "outcome_title", "res90_resolves", "source"]],
        {
            "outcome_code": _("code"),
            "cycle": _("cycle"),
            "priority": _("priority"),
            "outcome_title": _("outcome"),
            "res90_resolves": _("Resolution 90 items"),
            "source": _("source"),
        },
    )
    label = counted(
        len(res90),
        "Resolution 90 (Kigali, 2022): the {count} item the Director of BDT is instructed to do",
        "Resolution 90 (Kigali, 2022): the {count} items the Director of BDT is instructed to do",
    )
    with st.expander(label):
        render_text_table(
            res90[["item", "item_text"]], {"item": _("item"), "item_text": _("resolves to instruct the Director of BDT")}
        )


def render_initiatives(initiatives: pd.DataFrame, region_label: str) -> None:
    """The regional initiatives the Alliance names, then all of them; unverified titles flagged."""
    st.subheader(_("Regional initiatives"))
    if initiatives.empty:
        st.info(_("No regional initiative is recorded for {region}.").format(region=region_label), icon=":material/info:")
        return
    columns = {
        "cycle": _("cycle"),
        "initiative_code": _("code"),
        "region_name": _("region"),
        "title": _("title"),
        "title_verified": _("title verified"),
        "source": _("source"),
    }
    alliance = initiatives[initiatives["named_by_alliance"]].drop(columns=["named_by_alliance", "source"])
    unverified = int((~initiatives["title_verified"]).sum())
    named = _(
        "The Alliance contributes to the regional initiatives its founding report names: {count} in {region}, listed below."
    ).format(count=count(len(alliance)), region=region_label)
    # Two counts in one sentence: the clause on unverified titles agrees with its own count.
    titles = n_(
        "**{count} has a title not verified** against a public ITU page",
        "**{count} have a title not verified** against a public ITU page",
        unverified,
    ).format(count=count(unverified))
    known = n_(
        "Of the {count} initiative the app knows there, {unverified}: those titles read *code (title not verified)* "
        "or are our best reading.",
        "Of the {count} initiatives the app knows there, {unverified}: those titles read *code (title not verified)* "
        "or are our best reading.",
        len(initiatives),
    ).format(count=count(len(initiatives)), unverified=titles)
    st.markdown(f"{named} {known}")
    if not alliance.empty:
        render_text_table(alliance, columns)
    every = initiatives.drop(columns="named_by_alliance")
    title = _("Every regional initiative, {region} ({count}), with sources").format(
        region=region_label, count=count(len(initiatives))
    )
    # Drawn when asked for, as an expander's content would be seen: drawn with the page, this list doubled the
    # time a fresh tab takes to settle (a table of every initiative and its source, laid out while hidden).
    if st.toggle(title, key="about_every_initiative"):
        render_text_table(every, columns)
    render_downloads(every.rename(columns=columns), title, "initiatives")
    st.caption(_("Analysts add the initiatives of a new plan cycle with an Initiatives sheet."))


def _source(message: str | None, titles: dict[str, str]) -> str:
    """Where a reference table comes from: our words translated, the documents' titles as they are."""
    return _(message).format(**titles) if message else "; ".join(titles.values())


def render_sources(store: Store, loads: list[dict], demo: pd.DataFrame) -> None:
    """Where the data comes from: reference tables, built-in records, the demo set, the store and its last load."""
    st.subheader(_("Where the data comes from"))
    st.markdown(_("**Reference tables** ship with the app, each row naming its source:"))
    render_text_table(
        pd.DataFrame(
            [(_(table), _(holds), _source(source, titles)) for table, holds, source, titles in REFERENCE_SOURCES],
            columns=[_("table"), _("what it holds"), _("source")],
        )
    )
    builtin = [load for load in loads if load["kind"] == "builtin"]
    records = _(
        "**Built-in records**: every dated fact of the seed documents (the TDAG reports of 2019 and 2023, the ITU "
        "contribution to the UN CSTD, 2023) as milestones, events, resources, the New Delhi innovation center and "
        "activities, each with its source; a date or count the documents give only roughly is shown as they give it "
        '(a year alone, "date not stated", "over 300").'
    )
    if builtin:
        records += " " + _("They came in as load {load}.").format(load=builtin[-1]["load_id"])
    st.markdown(records)
    demo_rows = int(demo.iloc[0]["demo_rows"])
    if demo_rows:
        text = counted(
            demo_rows,
            "**Demo set**: the store holds **{count} generated demo row** (EoIs, centers, activities and KPI targets "
            "generated for trying the dashboard, not real data), marked as demo.",
            "**Demo set**: the store holds **{count} generated demo rows** (EoIs, centers, activities and KPI targets "
            "generated for trying the dashboard, not real data), marked as demo.",
        )
        if auth.may("analyst"):
            text += " " + _("An admin removes them on the History page; the removal is recorded and can be rolled back.")
        st.markdown(text)
    else:
        st.markdown(_("**Demo set**: the store holds no demo rows."))
    st.markdown(_("**Uploads**: everything else comes from the registers analysts load."))
    if auth.may("analyst"):  # where the store lives on the server is for the people who keep it
        st.markdown(_("**The store** this app reads:"))
        # Plain text: st.code would load a 1.5 MB highlighting script into every tab that opens this page (the
        # fresh tab's slowest part after the charts' Plotly, measured by make bench's timeline).
        st.text(f"{store.path}\n" + _("(snapshot {name})").format(name=store.snapshot_name()))
    if loads:
        last = loads[0]
        # Who loaded and which file are for analysts and admins.
        if auth.may("analyst"):
            word = LOAD_KINDS.get(last["kind"])
            kind = _(word) if word else last["kind"].replace("_", " ")
            st.text(
                _("Last change: load {load} ({kind}), {file}, by {user}, {when}.").format(
                    load=last["load_id"], kind=kind, file=file_label(last), user=last["loaded_by"], when=stamp(last["loaded_at"])
                )
            )
        else:  # load numbers and kinds are the analysts' words
            st.text(_("Data last changed on {when}.").format(when=stamp(last["loaded_at"])))
    else:
        st.text(_("Nothing has been loaded yet."))
