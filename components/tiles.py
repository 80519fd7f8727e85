"""KPI tiles: value, change since the comparison date, progress to a target."""

import streamlit as st


def _number(value, usd: bool) -> str:
    if usd:
        return f"USD {value:,.0f}"
    return f"{value:,.0f}"


def render_tiles(tiles: list[dict], compare_label: str, definitions: dict[str, str], per_row: int = 5) -> None:
    """Draw KPI tiles in rows; each says its definition on hover."""
    for start in range(0, len(tiles), per_row):
        columns = st.columns(per_row)
        for column, tile in zip(columns, tiles[start : start + per_row]):
            usd = tile["kpi"] == "resources_usd"
            worse_when_up = tile["kpi"] == "milestones_overdue"
            with column:
                st.metric(
                    tile["label"],
                    _number(tile["value"], usd),
                    delta=f"{tile['change']:+,.0f} since {compare_label}"
                    if tile["change"]
                    else f"no change since {compare_label}",
                    delta_color=("inverse" if worse_when_up else "normal") if tile["change"] else "off",
                    help=definitions.get(tile["kpi"]),
                    border=True,
                )
                if tile["target"] is not None:
                    progress = min(max(tile["progress"] or 0, 0), 1)
                    st.progress(
                        progress,
                        text=f"{tile['progress']:.0%} of target {_number(tile['target'], usd)} by {tile['target_period_end']:%d %b %Y}",
                    )
