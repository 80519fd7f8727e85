"""Drawing for the Regions page: the clickable world map, the regions side by side, the country profile."""

from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from alliance import i18n, words
from alliance.editions import label
from alliance.figures.regions import kpi_by_region
from alliance.i18n import N_, _
from alliance.kpis import KPI_COLUMNS, STATED_COLUMNS, capability_names, kpi_columns
from alliance.schema import CHOICES, SHEETS
from components import auth
from components.charts import (
    chart_config,
    figure,
    listed,
    render_chart,
    render_downloads,
    render_empty,
    render_table,
    render_table_downloads,
)
from components.escape import plain

COUNTRY_KEY = "country"
# What the map can show, keyed by query stem (<key>_by_country.sql): label, and how the contract counts it.
MEASURES = {
    "eois": (N_("EoIs"), N_("EoIs received in the period.")),
    "centers": (
        N_("Centers"),
        N_("Every center existing at the as-of date, whatever its status (as the contract counts centers)."),
    ),
}
# The map's title (with when it counts) and what its empty state says is missing, by measure.
MAP_TITLES = {"eois": N_("EoIs per country, {when}"), "centers": N_("Centers per country, {when}")}
MAP_EMPTY = {"eois": N_("EoIs by country"), "centers": N_("Centers by country")}
# The region table uses alliance.kpis.KPI_COLUMNS, short enough for a laptop screen; each header's
# KPI name and definition from data/kpis.csv show on hover.
# The profile's tables (queries country_<part>), in the order their tabs show.
PROFILE = ("eois", "centers", "events", "activities")
# Each profile table's tab ({count}: its rows), download title and empty state ({country}: the country's name).
PROFILE_TABS = {
    "eois": N_("EoIs ({count})"),
    "centers": N_("Centers ({count})"),
    "events": N_("Events ({count})"),
    "activities": N_("Activities ({count})"),
}
PROFILE_DOWNLOADS = {
    "eois": N_("{country} EoIs"),
    "centers": N_("{country} centers"),
    "events": N_("{country} events"),
    "activities": N_("{country} activities"),
}
PROFILE_EMPTY = {
    "eois": N_("No EoIs in {country} for this selection: the period and capability in the sidebar."),
    "centers": N_("No centers in {country} for this selection: the period and capability in the sidebar."),
    "events": N_("No events in {country} for this selection: the period and capability in the sidebar."),
    "activities": N_("No activities in {country} for this selection: the period and capability in the sidebar."),
}
# Each profile table's headers in words, in the queries' column order. Coded columns are labelled from
# alliance.schema.CHOICES (the labels the upload accepts); center types and capabilities come named from SQL.
PROFILE_HEADERS = {
    "eois": {
        "eoi_id": N_("EoI"),
        "received_on": N_("Received"),
        "organization": N_("Organization"),
        "organization_type": N_("Organization type"),
        "request": N_("Request"),
        "center_type": N_("Center type"),
        "capabilities": N_("Capabilities"),
        "status": N_("Status"),
        "call_round": N_("Call round"),
    },
    "centers": {
        "center_id": N_("Center"),
        "name": N_("Name"),
        "city": N_("City"),
        "center_type": N_("Center type"),
        "scope": N_("Scope"),
        "ownership": N_("Ownership"),
        "host_organization": N_("Host organization"),
        "status": N_("Status"),
        "first_known_on": N_("First known"),
        "selected_on": N_("Selected"),
        "launched_on": N_("Launched"),
        "eoi_id": N_("EoI"),
        "capabilities": N_("Capabilities"),
    },
    "events": {
        "event_id": N_("Event"),
        "title": N_("Title"),
        "start_date": N_("Starts"),
        "end_date": N_("Ends"),
        "event_type": N_("Event type"),
        "format": N_("Format"),
        "city": N_("City"),
        "participants": N_("Participants"),
        "trained_certified": N_("Trained or certified"),
        "partners": N_("Partners"),
        "capabilities": N_("Capabilities"),
        "regional_initiatives": N_("Regional initiatives"),
    },
    "activities": {
        "activity_id": N_("Activity"),
        "regional_initiative": N_("Regional initiative"),
        "title": N_("Title"),
        "product": N_("Product line"),
        "start_date": N_("Starts"),
        "status": N_("Status"),
        "kap_outcome": N_("Outcome"),
        "beneficiaries": N_("Beneficiaries"),
    },
}


def render_measure_picker() -> str:
    """Choose what the map counts (EoIs by default); kept in the URL as `map`."""
    return st.segmented_control(
        _("Show on the map"),
        list(MEASURES),
        default="eois",
        required=True,
        format_func=lambda m: _(MEASURES[m][0]),
        key="map",
        bind="query-params",
    )


def _pick_clicked(chart_key: str) -> None:
    """Open the profile of the country clicked on the map (runs before the rerun draws the select box)."""
    points = st.session_state[chart_key]["selection"]["points"]
    location = points[0].get("location") if points else None
    if location:
        st.session_state[COUNTRY_KEY] = location


def render_map(fig: go.Figure, table: pd.DataFrame, title: str, key: str, caption: str | None = None) -> str | None:
    """Draw the world map (a click opens that country's profile), its table and downloads; return the clicked ISO3."""
    st.markdown(f"##### {title}")
    if caption:
        st.caption(caption)
    # A region's map comes with the height its shape needs; the whole world is about twice as wide as high.
    chart_key = f"chart_{key}"
    event = st.plotly_chart(
        fig,
        height=fig.layout.height or 360,
        config=chart_config(key),
        key=chart_key,
        on_select=partial(_pick_clicked, chart_key),
        selection_mode="points",
    )
    render_table_downloads(table, title, key)
    points = event.selection.points if event else []
    return points[0].get("location") if points else None


def render_region_table(
    frame: pd.DataFrame, definitions: pd.DataFrame, title: str, key: str, reported: list[dict] | None = None
) -> None:
    """The six regions, one row each, with every contract KPI; definitions on hover; downloads; then the
    figures documents published for a region in the period (rows of reported_by_region.sql), beside them."""
    names = dict(zip(definitions["kpi_code"], definitions["name"]))
    helps = dict(zip(definitions["kpi_code"], definitions["definition"]))
    st.markdown(f"##### {title}")
    st.caption(
        _(
            "Every region is shown whatever region the sidebar selects. Events with no country (global or virtual) "
            "belong to no region, nor do resources for the whole Alliance. Participants and trained are summed over the "
            "events that record them ('not recorded': no event of the region recorded the figure; a dash: nothing to "
            "count). Activities and resources have no strategic capability: a capability filter leaves them as they are."
        )
    )
    shown = frame.assign(
        event_participants=[
            words.stated_cell(t, s, e)
            for t, s, e in zip(frame["event_participants"], frame["participants_stated"], frame["events_total"])
        ],
        trained_certified=[
            words.stated_cell(t, s, e)
            for t, s, e in zip(frame["trained_certified"], frame["trained_stated"], frame["events_total"])
        ],
        resources_usd=[
            words.usd_cell(t, c, s)
            for t, c, s in zip(frame["resources_usd"], frame["resources_counted"], frame["resources_stated"])
        ],
    )
    # Pinned so it stays in view when a phone scrolls; "Commonwealth of Independent States" is cut a little
    # (whole on hover) so that every figure fits a desktop page.
    config = {"region_name": st.column_config.TextColumn(_("Region"), pinned=True, width=200)}
    for code, header in kpi_columns().items():
        help_text = f"{names.get(code, header)}: {helps.get(code, '')}"
        # Counts summed over what states them are words where unknown ('not recorded'), so text; the header says USD.
        config[code] = (
            st.column_config.TextColumn(header, help=help_text)
            if code in (*STATED_COLUMNS, "resources_usd")
            else st.column_config.NumberColumn(header, help=help_text, format="localized")
        )
    st.dataframe(shown, column_order=list(config), column_config=config, hide_index=True, width="stretch")
    download = shown[["region_name", *KPI_COLUMNS]]
    render_downloads(download.rename(columns={"region_name": _("Region"), **names}), title, key)
    if reported:
        st.caption(_("As published for a region in this period, beside what the records count over the same dates:"))
        for r in reported:
            short = words.lower_bound_missed(r["counted"], r)
            line = (
                _("{region}, {figure}: {published}; the records count {counted}: they are incomplete.")
                if short
                else _("{region}, {figure}: {published}; the records count {counted}.")
            ).format(
                region=r["region_name"],
                figure=label(r["kpi"]),
                published=words.reported(r),
                counted=words.money(r["counted"]) if r["kpi"] == "resources_usd" else words.count(r["counted"]),
            )
            st.caption((":orange[" + plain(line) + "]") if short else plain(line))


def render_kpi_comparison(frame: pd.DataFrame, definitions: pd.DataFrame, scope: str, stock_scope: str) -> None:
    """A select box of KPIs and one bar per region for the chosen one."""
    names = dict(zip(definitions["kpi_code"], definitions["name"]))
    helps = dict(zip(definitions["kpi_code"], definitions["definition"]))
    kpi = st.selectbox(
        _("KPI to compare"),
        list(KPI_COLUMNS),
        format_func=lambda c: names.get(c, kpi_columns()[c]),
        key="kpi",
        bind="query-params",
        placeholder=_("Choose an option"),
    )
    name = names.get(kpi, kpi_columns()[kpi])
    usd = kpi == "resources_usd"
    if not frame[kpi].any():
        render_empty(_("regional figures for {figure}").format(figure=name))
        return
    table = frame[["region_name", kpi]].rename(columns={"region_name": _("Region"), kpi: name})
    fig = figure(kpi_by_region, frame, kpi, name, usd=usd)
    # Centers are a stock (as at the as-of date); every other figure here is a flow over the period.
    when = stock_scope if kpi == "centers_total" else scope
    title = _("{figure} by region, {when}").format(figure=name, when=when)
    render_chart(fig, table, title, f"regions_{kpi}", caption=helps.get(kpi), height=320)


def render_country_picker(countries: pd.DataFrame) -> dict | None:
    """Choose any ITU Member State; kept in the URL by its ITU name (a link may give the ISO code). Return its row."""
    names = dict(zip(countries["iso3"], countries["country_name"]))
    in_url = st.query_params.get(COUNTRY_KEY)
    st.markdown("##### " + _("Country profile"))
    if in_url:
        lookup = {**{n.casefold(): c for c, n in names.items()}, **{c.casefold(): c for c in names}}
        code = lookup.get(in_url.strip().casefold())
        if code is None:
            # The select box drops a value it does not know; say so rather than silently show nothing.
            st.warning(
                _("The link's country '{country}' is not an ITU Member State; choose one below.").format(
                    country=plain(in_url[:200])
                ),
                icon=":material/link_off:",
            )
        elif in_url != names[code] and st.session_state.get("_country_link") != in_url:
            # A link may name the country by ISO code or in another case (country=KEN); the select box
            # writes the ITU name. Applied once, so that a later choice in the select box wins.
            st.session_state["_country_link"] = in_url
            st.session_state[COUNTRY_KEY] = code
    iso3 = st.selectbox(
        _("Country"),
        list(names),
        index=None,
        format_func=names.get,
        placeholder=_("Choose a country, or click one on the map"),
        key=COUNTRY_KEY,
        bind="query-params",
    )
    if iso3 is None:
        st.caption(
            _(
                "Choose any ITU Member State above, or click a country on the map, to see its EoIs, centers, events and "
                "activities."
            )
        )
        return None
    return countries[countries["iso3"] == iso3].iloc[0].to_dict()


def _shown(value, kind: str):
    """One cell of a profile table: blanks empty, dates as dates (the table writes them in words; they sort),
    counts with separators."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None if kind == "date" else ""
    if kind == "date":
        return pd.Timestamp(value).date()
    if kind == "number":
        return words.count(value)
    return str(value)


def profile_table(part: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A profile table as a reader sees it: headers in words, coded values as their labels, blanks empty."""
    columns = {c.name: c for c in SHEETS[part].columns}
    table = frame.copy()
    for name in table.columns:
        column = columns.get(name)
        if column is not None and column.choices in CHOICES:
            labels = CHOICES[column.choices]
            table[name] = table[name].map(lambda v, labels=labels: labels.get(v, v))
        if pd.api.types.is_datetime64_any_dtype(table[name]) or name.endswith(("_on", "_date")):
            table[name] = table[name].map(lambda v: _shown(v, "date"))
        elif pd.api.types.is_numeric_dtype(table[name]) and table[name].isna().any():
            # A number column with a blank would show "None": written as text instead.
            table[name] = table[name].map(lambda v: _shown(v, "number"))
        elif not pd.api.types.is_numeric_dtype(table[name]):
            table[name] = table[name].map(lambda v: _shown(v, "text"))
    return table.rename(columns={column: _(header) for column, header in PROFILE_HEADERS[part].items()})


def _count(n: int, part: str) -> str:
    if part == "eois":
        return words.counted(n, "{count} EoI", "{count} EoIs")
    if part == "centers":
        return words.counted(n, "{count} center", "{count} centers")
    if part == "events":
        return words.counted(n, "{count} event", "{count} events")
    return words.counted(n, "{count} activity", "{count} activities")


def _region_line(region: dict) -> str:
    """What the country's region did in the same selection, for a profile to be read against."""
    if i18n.current() == i18n.ENGLISH:
        # "Across the Americas", "Across Africa": English's article, as words.in_region writes it.
        across = "Across " + words.in_region(region["region_name"]).removeprefix("in ")
    else:
        across = _("Across {region}").format(region=region["region_name"])
    return _(
        "{across}, in the same selection: {eois} from {countries}, {centers}, {events} and {activities}; the six "
        "regions are compared below."
    ).format(
        across=across,
        eois=words.counted(int(region["eois_total"]), "{count} EoI", "{count} EoIs"),
        countries=words.counted(int(region["eois_countries"]), "{count} country", "{count} countries"),
        centers=words.counted(int(region["centers_total"]), "{count} center", "{count} centers"),
        events=words.counted(int(region["events_total"]), "{count} event", "{count} events"),
        activities=words.counted(
            int(region["activities_total"]),
            "{count} regional-initiative activity",
            "{count} regional-initiative activities",
        ),
    )


def render_country_profile(
    country: dict, tables: dict[str, pd.DataFrame], scope: str, capability: str | None, region: dict | None = None
) -> None:
    """A country's EoIs, centers, events and activities: one-line counts, then a tab per table with downloads;
    with `region` (its region's row of kpis_by_region), a line on what the whole region did."""
    name = country["country_name"]
    st.markdown(_("**{country}, {region}**").format(country=plain(name), region=plain(country["region_name"])))
    if region:
        st.caption(plain(_region_line(region)))
    if not country["rows_total"]:
        st.info(_("No Alliance records for {country} yet.").format(country=plain(name)), icon=":material/info:")
        if auth.may("analyst"):
            st.page_link("app_pages/upload.py", label=_("Upload a register that names it"), icon=":material/upload_file:")
        return
    counts = _listed_counts([_count(len(tables[part]), part) for part in PROFILE])
    if capability:
        scope = _("{scope}; only rows listing {capability} (activities carry no capability)").format(
            scope=scope, capability=capability_names()[capability]
        )
    st.caption(_("{counts}. {scope}.").format(counts=counts, scope=scope))
    tabs = st.tabs([_(PROFILE_TABS[part]).format(count=words.count(len(tables[part]))) for part in PROFILE])
    for tab, part in zip(tabs, PROFILE):
        with tab:
            if tables[part].empty:
                st.info(_(PROFILE_EMPTY[part]).format(country=plain(name)), icon=":material/info:")
                continue
            table = profile_table(part, tables[part])
            render_table(table)
            render_downloads(table, _(PROFILE_DOWNLOADS[part]).format(country=name), f"{country['iso3']}_{part}")


def _listed_counts(counts: list[str]) -> str:
    """'2 EoIs, 1 center, 0 events, 0 activities' (English has always written them with commas only)."""
    return ", ".join(counts) if i18n.current() in (i18n.ENGLISH, i18n.PSEUDO) else listed(counts)
