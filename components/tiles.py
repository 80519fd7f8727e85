"""KPI tiles: value, change since the comparison date, progress to a target."""

import pandas as pd
import streamlit as st

from alliance.words import count, count_of, month

TILE_WIDTH = 165  # pixels: 5 to a row in the main column at 1400 px, 2 at 390 px


def render_tiles(
    tiles: list[dict],
    compare_label: str,
    kpi_definitions: pd.DataFrame,
    period_label: str,
    stock_label: str,
    edition: bool = False,
) -> None:
    """Draw KPI tiles in rows; each says when it counts, its definition on hover and its change since compare_label
    (an edition's name, shown on every tile: "+3 since TDAG-26"; or a date, said once above them)."""
    definitions = dict(zip(kpi_definitions["kpi_code"], kpi_definitions["definition"]))
    flows = ", ".join(t["label"] for t in tiles if not t["stock"])
    stocks = ", ".join(t["label"] for t in tiles if t["stock"])
    st.caption(
        f"{flows}: {period_label}. {stocks}: {stock_label}. "
        f"Under each figure: the change since {compare_label}"
        + (" (the same figure counted on the data that edition holds)" if edition else "")
        + ". Hover on (?) for the definition."
    )
    # Tiles of a fixed width in a wrapping row: five to a row on a desktop, two on a phone (not ten
    # full-width tiles before the first chart).
    with st.container(horizontal=True, gap="small"):
        for tile in tiles:
            worse_when_up = tile["kpi"] == "milestones_overdue"
            change = tile["change"]
            with st.container(width=TILE_WIDTH, gap="small"):
                st.metric(
                    tile["label"],
                    count(tile["value"], tile["over"]),  # the label says USD: a tile holds no more at a phone's width
                    delta=f"{change:+,.0f}" + (f" since {compare_label}" if edition else ""),
                    delta_color=("inverse" if worse_when_up else "normal") if change else "off",
                    delta_arrow="auto" if change else "off",
                    help=definitions.get(tile["kpi"]),
                    border=True,
                )
                if tile["target"] is not None:
                    progress = min(max(tile["progress"] or 0, 0), 1)
                    st.progress(
                        progress,
                        text=f"{tile['progress']:.0%} of the plan cycle's target, {tile['target']:,.0f} by "
                        f"{month(tile['target_period_end'])}",
                    )


def render_on_track(status: dict, as_at: str, analyst: bool) -> None:
    """One line: is the Alliance on track? The verdict, then the milestones and targets behind it."""
    parts = []
    total, overdue = status["total"], status["overdue"]
    parts.append(f"{count_of(overdue, 'milestone')} of {total:,} overdue {as_at}" if overdue else f"no milestone overdue {as_at}")
    targets = status["targets"]
    cycle = status["cycle"]
    if cycle and any(targets.values()):
        judged = [f"{n:,} {state}" for state, n in targets.items() if n]
        parts.append(f"KPI targets for {cycle}: " + ", ".join(judged))
    elif cycle:
        parts.append(f"no KPI targets are set for {cycle}" + (": add them with a Targets sheet" if analyst else ""))
    text = f"**{status['verdict'].capitalize()}**: " + "; ".join(parts) + "."
    draw = {"on track": st.success, "at risk": st.warning, "behind": st.error}[status["verdict"]]
    draw(
        text,
        icon={"on track": ":material/check_circle:", "at risk": ":material/warning:", "behind": ":material/error:"}[
            status["verdict"]
        ],
    )
