"""One look for every chart: the Plotly template, the palette, and a chart with its table and downloads."""

import hashlib
import threading
from collections import OrderedDict
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from alliance import i18n
from alliance.i18n import N_, _
from alliance.workbook import frame_to_csv, frames_to_xlsx

# Plotly's own camera button saves a PNG in the browser: no server, works offline.
CHART_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "topojsonURL": "/app/static/",
}
# Plotly's own words on our charts (its mode bar's tooltips and notices): given to it in the language spoken.
PLOTLY_WORDS = (
    N_("Download plot as a PNG"),
    N_("Preparing image - this may take a few seconds"),
    N_("Image download succeeded"),
    N_("Sorry, there was a problem downloading your image!"),
    N_("Zoom"),
    N_("Pan"),
    N_("Zoom in"),
    N_("Zoom out"),
    N_("Autoscale"),
    N_("Reset axes"),
    N_("Reset"),
    N_("Double-click to zoom back out"),
    N_("Double-click on legend to isolate one trace"),
)


def chart_config(key: str) -> dict:
    """Plotly's configuration for a chart saved as `key`.png; in a language other than English, its mode bar's words
    and the numbers in its hovers and axes (thousands and decimal separators) in that language."""
    config = {**CHART_CONFIG, "toImageButtonOptions": {**CHART_CONFIG["toImageButtonOptions"], "filename": key}}
    if i18n.current() == i18n.ENGLISH:
        return config
    from babel.numbers import get_decimal_symbol, get_group_symbol

    cldr = i18n.locale()
    spoken = {
        "dictionary": {word: _(word) for word in PLOTLY_WORDS},
        "format": {"decimal": get_decimal_symbol(cldr), "thousands": get_group_symbol(cldr)},
    }
    return {**config, "locale": i18n.current(), "locales": {i18n.current(): spoken}}


# Figures built on this server, by builder and content: every session showing the same view shares one.
_FIGURES: OrderedDict = OrderedDict()
_FIGURES_LOCK = threading.Lock()
_MAX_FIGURES = 256


def _fingerprint(value):
    """What a builder's argument contributes to a figure's key: a frame by its columns, types and every value."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        digest = hashlib.blake2b(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes(), digest_size=16)
        frame = value if isinstance(value, pd.DataFrame) else value.to_frame()
        # An object column hashes its cells as text ("1" and 1 alike): its cells' types join the key.
        dtypes = frame.dtypes.tolist()  # read once: looking each column up by name was a third of the key
        kinds = tuple(
            tuple(sorted({type(v).__name__ for v in frame.iloc[:, i].tolist()})) if pd.api.types.is_object_dtype(dtype) else ()
            for i, dtype in enumerate(dtypes)
        )
        return ("frame", tuple(map(str, frame.columns)), tuple(map(str, dtypes)), kinds, digest.hexdigest())
    hash(value)
    return (type(value).__name__, value)


def figure(builder, *args, **kwargs) -> go.Figure:
    """builder(*args, **kwargs), built once for every session of this server that shows the same content.

    The figure is shared between sessions: draw it, never change it. Arguments that cannot be fingerprinted
    (a frame holding lists, say) build a figure of the session's own.
    """
    try:
        key = (
            builder,  # the function itself: two closures of one name are two builders
            i18n.current(),  # a figure's titles and labels are in the language it was built in
            tuple(_fingerprint(a) for a in args),
            tuple(sorted((name, _fingerprint(v)) for name, v in kwargs.items())),
        )
        hash(key)
    except (TypeError, ValueError):
        return builder(*args, **kwargs)
    with _FIGURES_LOCK:
        found = _FIGURES.get(key)
        if found is not None:
            _FIGURES.move_to_end(key)
            return found
    built = builder(*args, **kwargs)
    with _FIGURES_LOCK:
        _FIGURES[key] = built
        while len(_FIGURES) > _MAX_FIGURES:
            _FIGURES.popitem(last=False)
    return built


def mirrored(fig: go.Figure) -> go.Figure:
    """A copy of the figure read right to left (Arabic): the horizontal axes run leftwards, the vertical axes and the
    legend stand on the right. The figure itself is shared with other sessions and stays as it is."""
    copy = go.Figure(fig)
    # An axis given its range (room for the labels beyond the longest bar) keeps it, reversed.
    copy.for_each_xaxis(
        lambda axis: axis.update(range=list(axis.range)[::-1]) if axis.range else axis.update(autorange="reversed")
    )
    copy.update_yaxes(side="right")
    copy.update_layout(legend=dict(x=1, xanchor="right"))
    margin = fig.layout.margin
    if margin.l is not None or margin.r is not None:  # the room kept on one side goes to the other
        copy.update_layout(margin=dict(l=margin.r, r=margin.l))
    return copy


def render_chart(
    fig: go.Figure, table: pd.DataFrame, title: str, key: str, caption: str | None = None, height: int = 380
) -> None:
    """Draw a chart under a title that says what is counted, with its table and downloads."""
    st.markdown(f"##### {title}")
    if caption:
        st.caption(caption)
    # The height goes to the element, not the figure: the figure may be shared with other sessions.
    st.plotly_chart(
        mirrored(fig) if i18n.right_to_left() else fig,
        height=height,
        config=chart_config(key),
        key=f"chart_{key}",
    )
    render_table_downloads(table, title, key)


# What a table may take on a 1400-pixel desktop beside the sidebar, and a character's width in the grid's font.
TABLE_WIDTH_PX = 900
_CHAR_PX, _PAD_PX, _MIN_PX = 7.2, 26, 100


def fitted_widths(frame: pd.DataFrame, budget: int = TABLE_WIDTH_PX) -> dict[str, int]:
    """Pixel widths that fit every column on the page: the widest columns are narrowed to one cap, others keep theirs.

    A column's natural width is its header's or its 90th-percentile cell's length, whichever is longer; a cut
    cell shows its whole text when clicked, and the downloads hold it all.
    """
    natural = {}
    sample = frame.head(200)  # the rows a reader sees first; enough to size a column
    for column in frame.columns:
        lengths = sorted(0 if v is None else len(str(v)) for v in sample[column].tolist())
        chars = max(len(str(column)), lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0)
        natural[str(column)] = max(_MIN_PX, int(chars * _CHAR_PX + _PAD_PX))
    if sum(natural.values()) <= budget:
        return {}
    widths = sorted(natural.values())
    cap, left, rest = budget, budget, len(widths)
    for width in widths:  # the largest cap c with sum(min(w, c)) <= budget
        if width * rest > left:
            cap = max(_MIN_PX, left // rest)
            break
        left -= width
        rest -= 1
    return {column: cap for column, width in natural.items() if width > cap}


def _date_columns(frame: pd.DataFrame) -> list[str]:
    """Columns holding dates (a date a cell shows as '30 June 2023' still sorts as a date)."""
    found = []
    for column, dtype in frame.dtypes.items():
        if pd.api.types.is_datetime64_any_dtype(dtype):
            found.append(column)
        elif not _never_dates(dtype):
            values = frame[column].head(50).dropna()
            if len(values) and all(isinstance(v, date) for v in values):
                found.append(column)
    return found


def _never_dates(dtype) -> bool:
    """True for a column type whose cells cannot be dates (text, numbers, booleans): no cell needs looking at."""
    return isinstance(dtype, pd.StringDtype) or pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)


def grid_date_format() -> str:
    """How a data grid writes a date: "30 June 2023" in English; in another language the grid would still name the
    month in English (it has no language of its own), so the digits the date boxes show, 30/06/2023."""
    return "D MMMM YYYY" if i18n.current() == i18n.ENGLISH else "DD/MM/YYYY"


def render_table(frame: pd.DataFrame, column_config: dict | None = None, shown: list[str] | None = None, **options) -> None:
    """A data grid as wide as the page: long text columns are narrowed so no column hides off to the right,
    and dates read as the rest of the app writes them ("30 June 2023"). With `shown`, only those columns are
    drawn (the downloads beside the grid give them all)."""
    drawn = frame[shown] if shown else frame  # only what is drawn is sent; the downloads take the whole frame
    dates = _date_columns(drawn)
    # A date is drawn with its month's name: measure it as the longest such date, not as 2023-09-30.
    measured = drawn.assign(**{c: "30 September 2023" for c in dates})
    config = {column: st.column_config.DateColumn(format=grid_date_format()) for column in dates}
    for column, width in fitted_widths(measured).items():
        config[column] = {**config.get(column, st.column_config.Column()), "width": width}
    for column, given in (column_config or {}).items():  # a caller's own configuration keeps the fitted width
        config[column] = {**given, "width": config.get(column, {}).get("width") or given.get("width")}
    st.dataframe(drawn, hide_index=True, width="stretch", column_config=config or None, **{"placeholder": "", **options})
    if shown and len(shown) < len(frame.columns):
        others = [str(c) for c in frame.columns if c not in shown]
        st.caption(_("The downloads also give {columns}.").format(columns=listed(others)))


def listed(items: list[str]) -> str:
    """Items in a sentence, as the language lists them: 'a, b and c', 'a, b et c', 'a、b和c'."""
    if i18n.current() in (i18n.ENGLISH, i18n.PSEUDO):
        return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]
    from babel.lists import format_list  # Babel only for a language other than English

    return format_list(items, locale=i18n.locale())


def render_table_downloads(
    table: pd.DataFrame, title: str, key: str, expanded: bool = False, shown: list[str] | None = None
) -> None:
    """The table behind a chart, in an expander, with CSV and XLSX built only when clicked.

    A closed expander's table is not sent: most readers never open it, and a grid costs a rerun its
    serialisation (opening it reruns the page with the table).
    """
    box = (
        st.expander(title, expanded=True)
        if expanded
        else st.expander(_("Table behind this chart"), key=f"table_{key}", on_change="rerun")
    )
    with box:
        if expanded or box.open:
            render_table(table, shown=shown)
            render_downloads(table, title, key)


def render_downloads(table: pd.DataFrame, title: str, key: str) -> None:
    """CSV and XLSX downloads of a table, formula-escaped, built when clicked."""
    stem = f"{key}_{date.today():%Y%m%d}"
    left, right = st.columns(2)
    left.download_button(
        _("CSV"),
        data=lambda: frame_to_csv(table),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"csv_{key}",
        icon=":material/download:",
        width="stretch",
    )
    right.download_button(
        _("Excel"),
        # The title says what the table counts and for which period; a sheet name holds only 31 characters.
        # The sheets keep their English names, which the workbook's readers know them by; the About sheet's header speaks.
        data=lambda about=_("About this table"): frames_to_xlsx({"Data": table, "About": pd.DataFrame({about: [title]})}),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{key}",
        icon=":material/download:",
        width="stretch",
    )


def render_empty(what: str, filters_hint: bool = True) -> None:
    """Say that there is nothing to show, and what the reader can do about it (uploading only to those who may)."""
    from components import auth

    text = _("No {what} for this selection yet.").format(what=what)
    if filters_hint:
        hint = (
            _("Upload a register on the Upload page, or widen the period or region in the sidebar.")
            if auth.may("analyst")
            else _("Widen the period or region in the sidebar.")
        )
        text += " " + hint
    st.info(text, icon=":material/info:")


def date_columns(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Date columns as dates (DuckDB dates arrive as timestamps), so tables and downloads show no time."""
    return frame.assign(**{c: frame[c].dt.date for c in columns})
