"""KPI tiles: value, change since the comparison date, progress to a target."""

import pandas as pd
import streamlit as st

from alliance.words import DASH, NOT_RECORDED, count, count_of, money, month, reported, signed
from components.escape import plain

TILE_WIDTH = 165  # pixels: 5 to a row in the main column at 1400 px, 2 at 390 px


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
    flows = ", ".join(t["label"] for t in tiles if not t["stock"])
    stocks = ", ".join(t["label"] for t in tiles if t["stock"])
    scope = (
        f" Counted for {region_name}, except the tiles marked Alliance-wide (milestones belong to the whole Alliance)."
        if region_name
        else ""
    )
    st.caption(
        f"{flows}: {period_label}. {stocks}: {stock_label}.{scope} "
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
            value = tile["value"]
            if tile.get("nothing"):
                shown = DASH  # nothing to count (no event in the period), not an unknown
            elif value is None:
                shown = NOT_RECORDED
            elif tile["kpi"] == "resources_usd":
                shown = money(value).removeprefix("USD ")  # the label says USD; cents where there are some
            else:
                shown = count(value, tile["over"])
            # "not recorded" or a long amount is wider than a tile: it takes two places, so it is read whole.
            with st.container(width=TILE_WIDTH if len(shown) <= 7 else 2 * TILE_WIDTH + 8, gap="small"):
                st.metric(
                    tile["label"],
                    shown,
                    delta=None if change is None else signed(change) + (f" since {compare_label}" if edition else ""),
                    delta_color=("inverse" if worse_when_up else "normal") if change else "off",
                    delta_arrow="auto" if change else "off",
                    help=definitions.get(tile["kpi"]),
                    border=True,
                )
                if tile.get("alliance_wide"):
                    st.caption("Alliance-wide: milestones belong to the whole Alliance, not to one region.")
                if tile.get("note"):
                    st.caption(plain(tile["note"][0].upper() + tile["note"][1:] + "."))
                for item in tile.get("reported", ()):
                    # The published figure's own dates may differ from the tile's: say what the records count over them.
                    counted = item.get("counted", value)
                    over_same = "" if counted == value else f" (the records count {count(counted)} over those dates)"
                    st.caption(plain(reported(item)[0].upper() + reported(item)[1:] + over_same + "."))
                if tile.get("incomplete"):
                    st.caption(":orange[The records count less than was published: they are incomplete.]")
                if tile["target"] is not None:
                    progress = min(max(tile["progress"] or 0, 0), 1)
                    counted = count(tile["in_cycle"])  # None: not recorded
                    st.progress(
                        progress,
                        text=plain(
                            f"{counted} of {count(tile['target'])}{' ' + progress_since if progress_since else ''}; "
                            f"target for {month(tile['target_period_end'])}"
                        ),
                    )


def render_on_track(status: dict, as_at: str, analyst: bool, regional: bool = False) -> None:
    """One line: is the Alliance on track? The verdict, then the milestones and targets behind it.

    regional: a region is shown, whose view still counts the whole Alliance's milestones: the line says so.
    """
    parts = []
    total, overdue = status["total"], status["overdue"]
    whole = " (Alliance-wide)" if regional else ""
    parts.append(
        f"{count_of(overdue, 'milestone')} of {count(total)} overdue {as_at}{whole}"
        if overdue
        else f"no milestone overdue {as_at}{whole}"
    )
    targets = status["targets"]
    cycle = status["cycle"]
    if cycle and any(targets.values()):
        judged = [f"{count(n)} {state}" for state, n in targets.items() if n]
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
