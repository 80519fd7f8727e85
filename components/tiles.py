"""KPI tiles: value, change since the comparison date, progress to a target."""

import re

import pandas as pd
import streamlit as st

from alliance import i18n
from alliance.figures import eois_over_time
from alliance.i18n import N_, _, n_
from alliance.words import DASH, NOT_RECORDED, count, counted, money, month, reported, sentence, signed
from components.charts import figure, listed, render_chart, render_empty
from components.escape import plain

TILE_WIDTH = 165  # pixels: 5 to a row in the main column at 1400 px, 2 at 390 px
# The Overview's verdict as its line begins, by scorecard.overview_status's verdict.
VERDICTS = {"on track": N_("On track"), "at risk": N_("At risk"), "behind": N_("Behind")}
# The currency code, where the language writes it: a tile's label already says USD.
_USD = re.compile(r"^USD\s+|\s*USD$")


def render_tiles(
    tiles: list[dict],
    compare_label: str,
    kpi_definitions: pd.DataFrame,
    period_label: str,
    stock_label: str,
    edition: bool = False,
    progress_since: str = "",
    region_name: str | None = None,
) -> None:
    """Draw KPI tiles in rows; each says when it counts, its definition on hover and its change since compare_label
    (an edition's name, shown on every tile: "+3 since TDAG-26"; or a date, said once above them).

    A figure no record states reads "not recorded", never 0; a published figure stands beside the counted one;
    progress_since says from when a target's progress counts ("since 1 January 2026, the start of WTDC-25").
    """
    definitions = dict(zip(kpi_definitions["kpi_code"], kpi_definitions["definition"]))
    flows = _listed([t["label"] for t in tiles if not t["stock"]])
    stocks = _listed([t["label"] for t in tiles if t["stock"]])
    sentences = [
        _("{figures}: {when}.").format(figures=flows, when=period_label),
        _("{figures}: {when}.").format(figures=stocks, when=stock_label),
    ]
    if region_name:
        sentences.append(
            _("Counted for {region}, except the tiles marked Alliance-wide (milestones belong to the whole Alliance).").format(
                region=region_name
            )
        )
    if edition:
        sentences.append(
            _(
                "Under each figure: the change since {comparison} (the same figure counted on the data that edition holds)."
            ).format(comparison=compare_label)
        )
    else:
        # Against a date (its own message: "depuis le 7 décembre 2025", "desde el 7 de diciembre de 2025").
        sentences.append(_("Under each figure: the change since {day}.").format(day=compare_label))
    sentences.append(_("Hover on (?) for the definition."))
    st.caption(" ".join(sentences))
    # Tiles of a fixed width in a wrapping row: five to a row on a desktop, two on a phone (not ten
    # full-width tiles before the first chart).
    with st.container(horizontal=True, gap="small"):
        for tile in tiles:
            worse_when_up = tile["kpi"] == "milestones_overdue"
            change = tile["change"]
            value = tile["value"]
            if tile.get("nothing"):
                shown = DASH  # nothing to count (no event in the period), not an unknown
            elif value is None:
                shown = _(NOT_RECORDED)
            elif tile["kpi"] == "resources_usd":
                shown = _USD.sub("", money(value))  # the label says USD; cents where there are some
            else:
                shown = count(value, tile["over"])
            # "not recorded" or a long amount is wider than a tile: it takes two places, so it is read whole.
            with st.container(width=TILE_WIDTH if len(shown) <= 7 else 2 * TILE_WIDTH + 8, gap="small"):
                st.metric(
                    tile["label"],
                    shown,
                    delta=None if change is None else _delta(change, compare_label if edition else None),
                    delta_color=("inverse" if worse_when_up else "normal") if change else "off",
                    delta_arrow="auto" if change else "off",
                    help=definitions.get(tile["kpi"]),
                    border=True,
                )
                if tile.get("alliance_wide"):
                    st.caption(_("Alliance-wide: milestones belong to the whole Alliance, not to one region."))
                if tile.get("note"):
                    st.caption(plain(sentence(tile["note"])))
                for item in tile.get("reported", ()):
                    # The published figure's own dates may differ from the tile's: say what the records count over them.
                    recorded = item.get("counted", value)
                    published = reported(item)
                    published = published[0].upper() + published[1:]
                    if recorded == value:
                        line = sentence(published)
                    else:
                        line = _("{published} (the records count {count} over those dates).").format(
                            published=published, count=count(recorded)
                        )
                    st.caption(plain(line))
                if tile.get("incomplete"):
                    st.caption(":orange[" + _("The records count less than was published: they are incomplete.") + "]")
                if tile["target"] is not None:
                    progress = min(max(tile["progress"] or 0, 0), 1)
                    values = {
                        "count": count(tile["in_cycle"]),  # None: not recorded
                        "target": count(tile["target"]),
                        "month": month(tile["target_period_end"]),
                        "since": progress_since,
                    }
                    text = (
                        _("{count} of {target} {since}; target for {month}")
                        if progress_since
                        else _("{count} of {target}; target for {month}")
                    )
                    st.progress(progress, text=plain(text.format(**values)))


# Targets judged, by their state in scorecard.overview_status: '3 on track'.
_JUDGED = {
    "on track": lambda n: counted(n, "{count} on track", "{count} on track"),
    "at risk": lambda n: counted(n, "{count} at risk", "{count} at risk"),
    "off track": lambda n: counted(n, "{count} off track", "{count} off track"),
}


def _listed(items: list[str]) -> str:
    """Tiles' labels or judged targets in a row: 'EoIs received, Countries' (English has always written them with
    commas only); as the language lists them in another."""
    return ", ".join(items) if i18n.current() in (i18n.ENGLISH, i18n.PSEUDO) or len(items) < 2 else listed(items)


def _delta(change: float, edition: str | None) -> str:
    """A tile's change: '+3', or '+3 since TDAG-26' against an edition."""
    if edition is None:
        return signed(change)
    return _("{change} since {edition}").format(change=signed(change), edition=edition)


def render_on_track(status: dict, as_at: str, analyst: bool, regional: bool = False) -> None:
    """One line: is the Alliance on track? The verdict, then the milestones and targets behind it.

    regional: a region is shown, whose view still counts the whole Alliance's milestones: the line says so.
    """
    total, overdue = status["total"], status["overdue"]
    values = {"count": count(overdue), "total": count(total), "as_at": as_at}
    if overdue and regional:
        milestones = n_(
            "{count} milestone of {total} overdue {as_at} (Alliance-wide)",
            "{count} milestones of {total} overdue {as_at} (Alliance-wide)",
            overdue,
        )
    elif overdue:
        milestones = n_("{count} milestone of {total} overdue {as_at}", "{count} milestones of {total} overdue {as_at}", overdue)
    else:
        milestones = _("no milestone overdue {as_at} (Alliance-wide)") if regional else _("no milestone overdue {as_at}")
    milestones = milestones.format(**values)
    targets = status["targets"]
    cycle = status["cycle"]
    verdict = VERDICTS[status["verdict"]]
    verdict = _(verdict)
    if cycle and any(targets.values()):
        judged = _listed([_JUDGED[state](n) for state, n in targets.items() if n])
        text = _("**{verdict}**: {milestones}; KPI targets for {cycle}: {judged}.").format(
            verdict=verdict, milestones=milestones, cycle=cycle, judged=judged
        )
    elif cycle:
        text = (
            _("**{verdict}**: {milestones}; no KPI targets are set for {cycle}: add them with a Targets sheet.")
            if analyst
            else _("**{verdict}**: {milestones}; no KPI targets are set for {cycle}.")
        ).format(verdict=verdict, milestones=milestones, cycle=cycle)
    else:
        text = _("**{verdict}**: {milestones}.").format(verdict=verdict, milestones=milestones)
    draw = {"on track": st.success, "at risk": st.warning, "behind": st.error}[status["verdict"]]
    draw(
        text,
        icon={"on track": ":material/check_circle:", "at risk": ":material/warning:", "behind": ":material/error:"}[
            status["verdict"]
        ],
    )


# The EoI trend's table, by its headers in the language spoken (eois_cumulative.sql's columns).
EOI_TREND_COLUMNS = {
    "received_on": N_("Received on"),
    "eois_received": N_("EoIs received that day"),
    "eois_total": N_("Running total"),
}


def render_eoi_trend(eois: pd.DataFrame, scope_label: str) -> None:
    """EoIs received over time, a running total from the first EoI, with its table and downloads."""
    if eois.empty:
        render_empty(_("EoIs received in this period"))
        return
    render_chart(
        figure(eois_over_time, eois),
        eois[list(EOI_TREND_COLUMNS)].rename(columns={c: _(h) for c, h in EOI_TREND_COLUMNS.items()}),
        _("EoIs received, {scope} (running total from the first EoI)").format(scope=scope_label),
        "eois_over_time",
    )
