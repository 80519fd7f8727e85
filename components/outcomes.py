"""The outcomes of the Milestones and outcomes page: the plan cycle picker, the scorecard by outcome, and target progress."""

from datetime import date

import pandas as pd
import streamlit as st

from alliance import i18n, words
from alliance.figures.milestones import outcome_progress
from alliance.i18n import N_, _
from alliance.scorecard import RULE, measure_word, status_word
from components.charts import date_columns, figure, render_chart, render_downloads, render_empty, render_table
from components.escape import plain
from components.filters import keep_choice

BADGES = {
    "on track": ("green", ":material/check_circle:"),
    "at risk": ("orange", ":material/warning:"),
    "off track": ("red", ":material/error:"),
    "no target": ("gray", ":material/remove:"),
}
# Headers as shown, through _().
SCORECARD_COLUMNS = {
    "outcome_code": N_("Outcome"),
    "cycle": N_("Plan cycle"),
    "priority_code": N_("Priority"),
    "priority_title": N_("Priority title"),
    "outcome_title": N_("Outcome title"),
    "res90_resolves": N_("Resolution 90 resolves"),
    "outcome_status": N_("Outcome status"),
    "measure": N_("Measure"),
    "kpi_code": N_("KPI code"),
    "actual": N_("Actual"),
    "target": N_("Target"),
    "target_period_end": N_("Target period end"),
    "target_cycle_starts_on": N_("Cycle start"),
    "expected_share": N_("Share expected by now"),
    "expected_by_now": N_("Expected by now"),
    "status": N_("Measure status"),
}
# Short labels so that six metrics fit on one line; the full measure name is in the help.
METRIC_LABELS = {
    1: N_("Activities"),
    2: N_("Completed"),
    3: N_("Beneficiaries"),
    4: N_("Milestones"),
    5: N_("Done"),
    6: N_("Overdue"),
}
TARGET_COLUMNS = {
    "measure": N_("Measure"),
    "actual": N_("Actual"),
    "target": N_("Target"),
    "target_period_end": N_("By"),
    "expected_share": N_("Share expected by now"),
    "expected_by_now": N_("Expected by now"),
    "status": N_("Status"),
}
# What a plan cycle's results are at the as-of date, by state; shown through _().
STATES = {"final": N_("final results"), "future": N_("not started yet"), "current": N_("current")}


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
        return _(words.NOT_RECORDED)
    return words.decimal(value)


def _shown(scored: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Scored rows as a table shows them: measures and statuses in words, headers in the language spoken."""
    said = {"measure": measure_word, "status": status_word, "outcome_status": status_word}
    table = scored.assign(**{c: scored[c].map(word) for c, word in said.items() if c in columns and c in scored})
    return table[list(columns)].rename(columns={column: _(header) for column, header in columns.items()})


def _plan(cycle: str) -> str:
    """A plan cycle's action plan by its name in the language spoken: 'Kigali Action Plan'."""
    return i18n.name("plan", cycle)


def _name(cycle: str, starts: date, ends: date) -> str:
    """A cycle as the picker names it: 'Kigali Action Plan (WTDC-22, 2023-2025)'."""
    return _("{plan} ({cycle}, {start}-{end})").format(
        plan=_plan(cycle), cycle=i18n.name("cycle", cycle), start=starts.year, end=ends.year
    )


CYCLE_KEY = "cycle"


def _named(rows: dict[str, dict]) -> dict[str, str]:
    """Every name a link may give a cycle -> its code: the option's name or the cycle's (WTDC-22, CMDT-22) in any of
    the six languages, so a link copied in one language opens in another."""
    found = {}
    for language in i18n.LANGUAGES:
        with i18n.speaking(language):
            for code, r in rows.items():
                found[_name(code, *r["years"])] = code
                found[i18n.name("cycle", code).upper()] = code
    return found


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
        r["years"] = (starts, ends)
        # The option's name is what the URL keeps: it must not change with the as-of date, as the state does.
        r["name"] = _name(r["cycle"], starts, ends)
        r["state"] = "final" if ends < as_of else "future" if starts > as_of else "current"
        state = STATES[r["state"]]
        r["label"] = _("{cycle}: {state}").format(cycle=r["name"], state=_(state))
    in_url = st.query_params.get(CYCLE_KEY)
    if in_url and in_url not in [r["name"] for r in rows.values()] and CYCLE_KEY not in st.session_state:
        named = _named(rows)
        code = named.get(in_url) or named.get(in_url.strip().upper()) or in_url.strip().upper()
        if code in rows:
            # A link may name the cycle by its code (cycle=WTDC-22) or in another language, but the select box reads
            # and writes the option's name in the language spoken: put that name in the link and run again (the box
            # reads the link as the run began), so the link still names the cycle once the page is open.
            st.query_params[CYCLE_KEY] = rows[code]["name"]
            st.rerun()
        # The select box drops a value it does not know; say so rather than silently show another cycle.
        st.warning(
            _("The link's plan cycle '{value}' is unknown; showing the default.").format(value=plain(in_url[:200])),
            icon=":material/link_off:",
        )
    options, default = list(rows), default_cycle(cycles, as_of)
    keep_choice(CYCLE_KEY)  # after a language switch, the cycle chosen stays
    chosen = st.selectbox(
        _("Plan cycle"),
        options,
        index=options.index(default),
        format_func=lambda c: rows[c]["name"],
        key=CYCLE_KEY,
        bind="query-params",
        width=520,
        placeholder=_("Choose an option"),
    )
    current = [c for c, r in rows.items() if r["state"] == "current"]
    if chosen == default and current and current[0] != default:
        st.caption(
            _(
                "No outcomes of the {plan}, the plan cycle of the as-of date, are in the store yet: the page opens on "
                "the latest plan cycle that has them."
            ).format(plan=_plan(current[0]))
        )
    return rows[chosen]


def render_scorecard(scored: pd.DataFrame, res90: pd.DataFrame, scope: str, cycle: dict, analyst: bool = False) -> None:
    """One card per outcome: status, title, its six measures, targets where set, the Resolution 90 items it serves."""
    st.markdown("##### " + _("Scorecard by outcome, {scope}").format(scope=scope))
    if scored.empty:
        text = _("No outcomes of the {plan} are in the store yet, so there is no scorecard for {cycle}.").format(
            plan=_plan(cycle["cycle"]), cycle=i18n.name("cycle", cycle["cycle"])
        )
        if analyst:
            # The cycle as the sheet must give it: its code.
            text += " " + _(
                "Add them on the Upload page with an Outcomes sheet (columns code, cycle, priority, title; cycle "
                "{cycle}), then link activities and milestones to them in their kap_outcome column."
            ).format(cycle=cycle["cycle"])
        st.info(text, icon=":material/info:")
        return
    with st.expander(_("How the status is decided"), expanded=True, icon=":material/rule:"):
        st.markdown(_(RULE))
        if analyst:
            st.caption(
                _(
                    "Activities count when linked to the outcome (kap_outcome) and started by the as-of date, in the "
                    "region chosen. Milestones belong to the whole Alliance and are not filtered by region. A target on "
                    "milestones overdue is not used here: the rule counts overdue milestones directly. An outcome's "
                    "targets are the Targets rows that name it in the optional kap_outcome column; rows without it are "
                    "Alliance-wide KPI targets, shown on the Overview."
                )
            )
        else:
            st.caption(
                _(
                    "Activities count when linked to the outcome and started by the as-of date, in the region chosen. "
                    "Milestones belong to the whole Alliance. Targets set for the Alliance as a whole are on the Overview."
                )
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
            st.badge(status_word(first["outcome_status"]), color=color, icon=icon)
            st.markdown(
                _("**{outcome}** · {cycle} · priority {priority}: {title}").format(
                    outcome=plain(code),
                    cycle=plain(i18n.name("cycle", cycle)),
                    priority=plain(first["priority_code"]),
                    title=plain(first["priority_title"]),
                )
            )
            st.text(first["outcome_title"])
            # A wrapping row: six metrics across on a desktop, two or three a line on a phone.
            with st.container(horizontal=True, gap="small"):
                for row in part:
                    label = METRIC_LABELS.get(row["measure_order"])
                    st.metric(
                        _(label) if label else measure_word(row["measure"]),
                        _number(row["actual"]),
                        border=True,
                        # "not recorded" is wider than any count: its card takes two places, so it is read whole.
                        width=135 if pd.notna(row["actual"]) else 278,
                        help=_("{measure} linked to {outcome}").format(measure=measure_word(row["measure"]), outcome=plain(code)),
                    )
            if any(pd.notna(row["target"]) for row in part):
                targets = scored[scored["target"].notna() & (scored["cycle"] == cycle) & (scored["outcome_code"] == code)]
                st.dataframe(
                    _shown(date_columns(targets, "target_period_end"), TARGET_COLUMNS),
                    hide_index=True,
                    width="stretch",
                    column_config={
                        _("Share expected by now"): st.column_config.NumberColumn(format="percent"),
                        _("Expected by now"): st.column_config.NumberColumn(format="%.1f"),
                    },
                )
            items = serves.get((cycle, code))
            if items:
                with st.expander(_("Serves Resolution 90, resolves {items}").format(items=plain(first["res90_resolves"]))):
                    for item in items:
                        st.text(f"{item['res90_number']}. {item['res90_text']}")
    # A closed expander's table is not sent (as the tables behind the charts): opening it reruns the page with it.
    box = st.expander(_("The scorecard as a table, with downloads"), key="table_outcome_scorecard", on_change="rerun")
    with box:
        if box.open:
            table = _shown(date_columns(scored, "target_period_end", "target_cycle_starts_on"), SCORECARD_COLUMNS)
            render_table(table)
            render_downloads(table, _("Outcome scorecard, {scope}").format(scope=scope), "outcome_scorecard")


def render_target_progress(scored: pd.DataFrame, scope: str, analyst: bool = False) -> None:
    """Actual against target for the outcome measures that have a target; says so when none has."""
    title = _("Outcome measures against their targets, {scope}").format(scope=scope)
    if scored.empty or scored["target"].isna().all():
        st.markdown(f"##### {title}")
        render_empty(_("targets for these outcome measures"), filters_hint=False)
        if analyst:
            st.caption(
                _(
                    "Targets come from a Targets sheet (kpi, period_end, region, target, kap_outcome) uploaded on the "
                    "Upload page, for the KPI codes activities_total, activities_completed, milestones_total or "
                    "milestones_done and this outcome's code."
                )
            )
        return
    rows = date_columns(scored[scored["target"].notna()], "target_period_end", "target_cycle_starts_on")
    table = _shown(rows, SCORECARD_COLUMNS)
    height = 140 + 36 * len(rows)
    render_chart(
        figure(outcome_progress, scored),
        table,
        title,
        "outcome_progress",
        height=height,
    )
