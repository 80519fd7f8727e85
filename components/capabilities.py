"""Drawing for the Capabilities page: demand against supply per capability, and by region."""

import pandas as pd
import streamlit as st

from alliance import words
from alliance.figures.capabilities import MEASURES, demand_supply_bars, region_capability_heatmap
from alliance.i18n import N_, _
from components.charts import figure, render_chart

TABLE_COLUMNS = {
    "capability_name": N_("Capability"),
    "eois": N_("Demand (EoIs)"),
    "centers": N_("Supply (centers)"),
    "gap": N_("Gap"),
}
REGION_COLUMNS = {"region_name": N_("Region"), **TABLE_COLUMNS}
# The static table beside the chart: short headers, so four columns fit beside it and on a phone.
SIDE_COLUMNS = {**TABLE_COLUMNS, "eois": N_("Demand"), "centers": N_("Supply")}
# Each measure's name on the toggle, and in a title ({scope}: where and when it counts).
MEASURE_NAMES = {"eois": N_("Demand"), "centers": N_("Supply"), "gap": N_("Gap")}
HEATMAP_TITLES = {
    "eois": N_("Demand (EoIs) by region and strategic capability, {scope}"),
    "centers": N_("Supply (centers) by region and strategic capability, {scope}"),
    "gap": N_("Gap (demand minus supply) by region and strategic capability, {scope}"),
}


def _headed(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The columns of `frame` named in `columns`, headed with their names in the language spoken."""
    return frame[list(columns)].rename(columns={column: _(header) for column, header in columns.items()})


def nothing_counted(frame: pd.DataFrame) -> bool:
    """True when no EoI and no center lists any capability in this selection."""
    return frame.empty or int(frame["eois"].sum()) == 0 and int(frame["centers"].sum()) == 0


def demand_supply_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Demand, supply and gap per capability, with names for column headers."""
    return _headed(frame.assign(gap=frame["eois"] - frame["centers"]), TABLE_COLUMNS)


def render_demand_supply(frame: pd.DataFrame, scope_label: str) -> None:
    """The grouped bars of demand, supply and gap, with the table beside them."""
    table = demand_supply_table(frame)
    chart, side = st.columns([5, 4], gap="medium")
    with chart:
        render_chart(
            figure(demand_supply_bars, frame),
            table,
            _("Demand and supply per strategic capability, {scope}").format(scope=scope_label),
            "capability_demand_supply",
            caption=_(
                "Demand: EoIs received by the as-of date that list the capability. "
                "Supply: centers, whatever their launch date, that list it and are not closed. Gap: demand minus supply."
            ),
            height=120 + 90 * len(frame),
        )
    with side:
        st.markdown("##### " + _("Demand, supply and gap"))
        # A static table wraps long capability names, so all four columns fit beside the chart and on a phone.
        gap = frame["eois"] - frame["centers"]
        st.table(
            _headed(frame.assign(gap=gap.map("{:+d}".format)), SIDE_COLUMNS),
            hide_index=True,
            border="horizontal",
        )


def render_measure_toggle() -> str:
    """Let the reader colour the region map by demand, supply or gap; the choice is kept in the URL."""
    return st.radio(
        _("Show"),
        list(MEASURES),
        format_func=lambda m: _(MEASURE_NAMES[m]),
        key="measure",
        bind="query-params",
        horizontal=True,
    )


def render_region_heatmap(frame: pd.DataFrame, measure: str, scope_label: str) -> None:
    """Regions by capabilities, coloured by the chosen measure, with the full table behind it."""
    regions = frame["region_name"].nunique()
    caption = words.sentence(_(MEASURES[measure]))
    if measure == "gap":
        caption += " " + _("Red-orange: more demand than supply; green: more supply than demand.")
    render_chart(
        figure(region_capability_heatmap, frame, measure),
        _headed(frame, REGION_COLUMNS),
        _(HEATMAP_TITLES[measure]).format(scope=scope_label),
        f"capability_by_region_{measure}",
        caption=caption,
        height=140 + 70 * regions,
    )
