"""Drawing for the Capabilities page: demand against supply per capability, and by region."""

import pandas as pd
import streamlit as st

from alliance.figures.capabilities import MEASURES, demand_supply_bars, region_capability_heatmap
from components.charts import figure, render_chart

TABLE_COLUMNS = {"capability_name": "Capability", "eois": "Demand (EoIs)", "centers": "Supply (centers)", "gap": "Gap"}
REGION_COLUMNS = {"region_name": "Region", **TABLE_COLUMNS}


def nothing_counted(frame: pd.DataFrame) -> bool:
    """True when no EoI and no center lists any capability in this selection."""
    return frame.empty or int(frame["eois"].sum()) == 0 and int(frame["centers"].sum()) == 0


def demand_supply_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Demand, supply and gap per capability, with names for column headers."""
    table = frame.assign(gap=frame["eois"] - frame["centers"])
    return table[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS)


def render_demand_supply(frame: pd.DataFrame, scope_label: str) -> None:
    """The grouped bars of demand, supply and gap, with the table beside them."""
    table = demand_supply_table(frame)
    chart, side = st.columns([5, 4], gap="medium")
    with chart:
        render_chart(
            figure(demand_supply_bars, frame),
            table,
            f"Demand and supply per strategic capability, {scope_label}",
            "capability_demand_supply",
            caption="Demand: EoIs received by the as-of date that list the capability. "
            "Supply: centers, whatever their launch date, that list it and are not closed. Gap: demand minus supply.",
            height=120 + 90 * len(frame),
        )
    with side:
        st.markdown("##### Demand, supply and gap")
        # A static table wraps long capability names, so all four columns fit beside the chart and on a phone.
        st.table(
            table.rename(columns={"Demand (EoIs)": "Demand", "Supply (centers)": "Supply"}).assign(
                Gap=table["Gap"].map("{:+d}".format)
            ),
            hide_index=True,
            border="horizontal",
        )


def render_measure_toggle() -> str:
    """Let the reader colour the region map by demand, supply or gap; the choice is kept in the URL."""
    return st.radio(
        "Show",
        list(MEASURES),
        format_func=lambda m: {"eois": "Demand", "centers": "Supply", "gap": "Gap"}[m],
        key="measure",
        bind="query-params",
        horizontal=True,
    )


def render_region_heatmap(frame: pd.DataFrame, measure: str, scope_label: str) -> None:
    """Regions by capabilities, coloured by the chosen measure, with the full table behind it."""
    regions = frame["region_name"].nunique()
    title = {"eois": "Demand (EoIs)", "centers": "Supply (centers)", "gap": "Gap (demand minus supply)"}[measure]
    render_chart(
        figure(region_capability_heatmap, frame, measure),
        frame[list(REGION_COLUMNS)].rename(columns=REGION_COLUMNS),
        f"{title} by region and strategic capability, {scope_label}",
        f"capability_by_region_{measure}",
        caption=MEASURES[measure]
        + "."
        + (" Red-orange: more demand than supply; green: more supply than demand." if measure == "gap" else ""),
        height=140 + 70 * regions,
    )
