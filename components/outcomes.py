"""The outcomes of the Milestones and outcomes page: the plan cycle picker, the scorecard by outcome, and target progress."""

from datetime import date

import pandas as pd
import streamlit as st

from alliance import words
from alliance.figures.milestones import outcome_progress
from alliance.scorecard import RULE
from components.charts import date_columns, figure, render_chart, render_downloads, render_empty, render_table
from components.escape import plain

BADGES = {
    "on track": ("green", ":material/check_circle:"),
    "at risk": ("orange", ":material/warning:"),
    "off track": ("red", ":material/error:"),
    "no target": ("gray", ":material/remove:"),
}
SCORECARD_COLUMNS = {
    "outcome_code": "Outcome",
    "cycle": "Plan cycle",
    "priority_code": "Priority",
    "priority_title": "Priority title",
    "outcome_title": "Outcome title",
    "res90_resolves": "Resolution 90 resolves",
    "outcome_status": "Outcome status",
    "measure": "Measure",
    "kpi_code": "KPI code",
    "actual": "Actual",
    "target": "Target",
    "target_period_end": "Target period end",
    "target_cycle_starts_on": "Cycle start",
    "expected_share": "Share expected by now",
    "expected_by_now": "Expected by now",
    "status": "Measure status",
}
# Short labels so that six metrics fit on one line; the full measure name is in the help.
METRIC_LABELS = {1: "Activities", 2: "Completed", 3: "Beneficiaries", 4: "Milestones", 5: "Done", 6: "Overdue"}
TARGET_COLUMNS = {
    "measure": "Measure",
    "actual": "Actual",
    "target": "Target",
    "target_period_end": "By",
    "expected_share": "Share expected by now",
    "expected_by_now": "Expected by now",
    "status": "Status",
}


# What an outcome's card shows, read from the scored rows.
CARD_COLUMNS = (
    "cycle",
    "outcome_code",
    "outcome_status",
    "priority_code",
    "priority_title",
    "outcome_title",
    "res90_resolves",
    "measure_order",
    "measure",
    "actual",
    "target",
)


def _records(frame: pd.DataFrame, columns) -> list[dict]:
    """Rows as dicts of some columns (DataFrame.to_dict costs several times more for a few dozen rows)."""
    return [dict(zip(columns, values)) for values in zip(*(frame[c].tolist() for c in columns))]


def _number(value) -> str:
    if pd.isna(value):  # a measure none of the linked rows states (beneficiaries, say) is unknown, not 0
        return words.NOT_RECORDED
    return words.decimal(value)


PLANS = {"WTDC-17": "Buenos Aires Action Plan", "WTDC-22": "Kigali Action Plan", "WTDC-25": "Baku Action Plan"}
CYCLE_KEY = "cycle"


def default_cycle(cycles: pd.DataFrame, as_of: date) -> str:
    """The cycle the page opens on: the as-of date's when it has outcomes, else the latest earlier one that has.

    When none has, the as-of date's cycle (its scorecard says how to add outcomes), else the first cycle.
    """
    # Plain rows: there are three cycles, fewer than a pandas filter costs.
    rows = cycles.to_dict("records")
    started = [r for r in rows if pd.Timestamp(r["starts_on"]) <= pd.Timestamp(as_of)]
    scored = [r for r in started if r["outcomes"] > 0]
    for found in (scored, started):
        if found:
            return found[-1]["cycle"]
    return rows[0]["cycle"]


def render_cycle_picker(cycles: pd.DataFrame, as_of: date) -> dict:
    """Choose the plan cycle whose outcomes the scorecard shows, kept in the URL (a link may give the cycle's code)."""
    rows = {r["cycle"]: r for r in cycles.to_dict("records")}
    for r in rows.values():
        starts, ends = pd.Timestamp(r["starts_on"]).date(), pd.Timestamp(r["ends_on"]).date()
        # The option's name is what the URL keeps: it must not change with the as-of date, as the state does.
        r["name"] = f"{PLANS.get(r['cycle'], r['cycle'])} ({r['cycle']}, {starts.year}-{ends.year})"
        r["state"] = "final results" if ends < as_of else "not started yet" if starts > as_of else "current"
        r["label"] = f"{r['name']}: {r['state']}"
    in_url = st.query_params.get(CYCLE_KEY)
    if in_url and in_url not in [r["name"] for r in rows.values()] and CYCLE_KEY not in st.session_state:
        code = in_url.strip().upper()
        if code in rows:
            # A link may name the cycle by its code (cycle=WTDC-22), but the select box reads and writes the option's
            # name: put the name in the link and run again (the box reads the link as the run began), so the link
            # still names the cycle once the page is open.
            st.query_params[CYCLE_KEY] = rows[code]["name"]
            st.rerun()
        # The select box drops a value it does not know; say so rather than silently show another cycle.
        st.warning(f"The link's plan cycle '{plain(in_url[:200])}' is unknown; showing the default.", icon=":material/link_off:")
    options, default = list(rows), default_cycle(cycles, as_of)
    chosen = st.selectbox(
        "Plan cycle",
        options,
        index=options.index(default),
        format_func=lambda c: rows[c]["name"],
        key=CYCLE_KEY,
        bind="query-params",
        width=520,
    )
    current = [c for c, r in rows.items() if r["state"] == "current"]
    if chosen == default and current and current[0] != default:
        st.caption(
            f"No outcomes of the {PLANS.get(current[0], current[0])}, the plan cycle of the as-of date, are in the store "
            "yet: the page opens on the latest plan cycle that has them."
        )
    return rows[chosen]


def render_scorecard(scored: pd.DataFrame, res90: pd.DataFrame, scope: str, cycle: dict, analyst: bool = False) -> None:
    """One card per outcome: status, title, its six measures, targets where set, the Resolution 90 items it serves."""
    st.markdown(f"##### Scorecard by outcome, {scope}")
    if scored.empty:
        plan = PLANS.get(cycle["cycle"], cycle["cycle"])
        how = (
            f" Add them on the Upload page with an Outcomes sheet (columns code, cycle, priority, title; cycle "
            f"{cycle['cycle']}), then link activities and milestones to them in their kap_outcome column."
            if analyst
            else ""
        )
        st.info(
            f"No outcomes of the {plan} are in the store yet, so there is no scorecard for {cycle['cycle']}.{how}",
            icon=":material/info:",
        )
        return
    with st.expander("How the status is decided", expanded=True, icon=":material/rule:"):
        st.markdown(RULE)
        if analyst:
            st.caption(
                "Activities count when linked to the outcome (kap_outcome) and started by the as-of date, in the region "
                "chosen. Milestones belong to the whole Alliance and are not filtered by region. A target on milestones "
                "overdue is not used here: the rule counts overdue milestones directly. An outcome's targets are the Targets "
                "rows that name it in the optional kap_outcome column; rows without it are Alliance-wide KPI targets, shown "
                "on the Overview."
            )
        else:
            st.caption(
                "Activities count when linked to the outcome and started by the as-of date, in the region chosen. Milestones "
                "belong to the whole Alliance. Targets set for the Alliance as a whole are on the Overview."
            )
    # Each outcome's rows and Resolution 90 items gathered once, as plain rows: a cycle has a few outcomes, and a
    # pandas filter for each costs more than drawing it.
    outcomes: dict[tuple, list[dict]] = {}
    for row in _records(scored, CARD_COLUMNS):
        outcomes.setdefault((row["cycle"], row["outcome_code"]), []).append(row)
    serves: dict[tuple, list[dict]] = {}
    for item in _records(res90, ("cycle", "outcome_code", "res90_number", "res90_text")):
        serves.setdefault((item["cycle"], item["outcome_code"]), []).append(item)
    for (cycle, code), part in outcomes.items():
        first = part[0]
        color, icon = BADGES[first["outcome_status"]]
        with st.container(border=True):
            st.badge(first["outcome_status"], color=color, icon=icon)
            st.markdown(
                f"**{plain(code)}** · {plain(cycle)} · priority {plain(first['priority_code'])}: {plain(first['priority_title'])}"
            )
            st.text(first["outcome_title"])
            # A wrapping row: six metrics across on a desktop, two or three a line on a phone.
            with st.container(horizontal=True, gap="small"):
                for row in part:
                    st.metric(
                        METRIC_LABELS.get(row["measure_order"], row["measure"]),
                        _number(row["actual"]),
                        border=True,
                        # "not recorded" is wider than any count: its card takes two places, so it is read whole.
                        width=135 if pd.notna(row["actual"]) else 278,
                        help=f"{row['measure']} linked to {plain(code)}",
                    )
            if any(pd.notna(row["target"]) for row in part):
                targets = scored[scored["target"].notna() & (scored["cycle"] == cycle) & (scored["outcome_code"] == code)]
                st.dataframe(
                    date_columns(targets, "target_period_end")[list(TARGET_COLUMNS)].rename(columns=TARGET_COLUMNS),
                    hide_index=True,
                    width="stretch",
                    column_config={
                        "Share expected by now": st.column_config.NumberColumn(format="percent"),
                        "Expected by now": st.column_config.NumberColumn(format="%.1f"),
                    },
                )
            items = serves.get((cycle, code))
            if items:
                with st.expander(f"Serves Resolution 90, resolves {plain(first['res90_resolves'])}"):
                    for item in items:
                        st.text(f"{item['res90_number']}. {item['res90_text']}")
    # A closed expander's table is not sent (as the tables behind the charts): opening it reruns the page with it.
    box = st.expander("The scorecard as a table, with downloads", key="table_outcome_scorecard", on_change="rerun")
    with box:
        if box.open:
            table = date_columns(scored, "target_period_end", "target_cycle_starts_on").rename(columns=SCORECARD_COLUMNS)
            table = table[list(SCORECARD_COLUMNS.values())]
            render_table(table)
            render_downloads(table, f"Outcome scorecard, {scope}", "outcome_scorecard")


def render_target_progress(scored: pd.DataFrame, scope: str, analyst: bool = False) -> None:
    """Actual against target for the outcome measures that have a target; says so when none has."""
    if scored.empty or scored["target"].isna().all():
        st.markdown(f"##### Outcome measures against their targets, {scope}")
        render_empty("targets for these outcome measures", filters_hint=False)
        if analyst:
            st.caption(
                "Targets come from a Targets sheet (kpi, period_end, region, target, kap_outcome) uploaded on the Upload "
                "page, for the KPI codes activities_total, activities_completed, milestones_total or milestones_done and "
                "this outcome's code."
            )
        return
    rows = date_columns(scored[scored["target"].notna()], "target_period_end", "target_cycle_starts_on")
    table = rows.rename(columns=SCORECARD_COLUMNS)[list(SCORECARD_COLUMNS.values())]
    height = 140 + 36 * len(rows)
    render_chart(
        figure(outcome_progress, scored),
        table,
        f"Outcome measures against their targets, {scope}",
        "outcome_progress",
        height=height,
    )
