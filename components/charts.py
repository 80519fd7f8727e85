"""One look for every chart: the Plotly template, the palette, and a chart with its table and downloads."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from alliance.workbook import frame_to_csv, frames_to_xlsx

# Plotly's own camera button saves a PNG in the browser: no server, works offline.
CHART_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "topojsonURL": "/app/static/",
}


def render_chart(
    fig: go.Figure, table: pd.DataFrame, title: str, key: str, caption: str | None = None, height: int = 380
) -> None:
    """Draw a chart under a title that says what is counted, with its table and downloads."""
    st.markdown(f"##### {title}")
    if caption:
        st.caption(caption)
    fig.update_layout(height=height)
    st.plotly_chart(
        fig,
        config={**CHART_CONFIG, "toImageButtonOptions": {**CHART_CONFIG["toImageButtonOptions"], "filename": key}},
        key=f"chart_{key}",
    )
    render_table_downloads(table, title, key)


def render_table_downloads(table: pd.DataFrame, title: str, key: str, expanded: bool = False) -> None:
    """The table behind a chart, in an expander, with CSV and XLSX built only when clicked."""
    with st.expander("Table behind this chart" if not expanded else title, expanded=expanded):
        st.dataframe(table, hide_index=True, width="stretch")
        render_downloads(table, title, key)


def render_downloads(table: pd.DataFrame, title: str, key: str) -> None:
    """CSV and XLSX downloads of a table, formula-escaped, built when clicked."""
    stem = f"{key}_{date.today():%Y%m%d}"
    left, right = st.columns(2)
    left.download_button(
        "CSV",
        data=lambda: frame_to_csv(table),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"csv_{key}",
        icon=":material/download:",
        width="stretch",
    )
    right.download_button(
        "Excel",
        # The title says what the table counts and for which period; a sheet name holds only 31 characters.
        data=lambda: frames_to_xlsx({"Data": table, "About": pd.DataFrame({"About this table": [title]})}),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{key}",
        icon=":material/download:",
        width="stretch",
    )


def render_empty(what: str, filters_hint: bool = True) -> None:
    """Say that there is nothing to show, and what the reader can do about it (uploading only to those who may)."""
    from components import auth

    upload = "Upload a register on the Upload page, or widen" if auth.may("analyst") else "Widen"
    hint = f" {upload} the period or region in the sidebar." if filters_hint else ""
    st.info(f"No {what} for this selection yet.{hint}", icon=":material/info:")


def date_columns(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Date columns as dates (DuckDB dates arrive as timestamps), so tables and downloads show no time."""
    return frame.assign(**{c: frame[c].dt.date for c in columns})
