"""The sidebar's session state, in one place: its boxes' values carried across page switches, and its choice
handed from app.py to the page frame.

The Figures box (edition, components/edition_picker.py) and the filters (components/filters.py) name their keys from
here; outside their own boxes, those values are read and written only through this module.
"""

from typing import TYPE_CHECKING

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from alliance import i18n, words
from alliance.i18n import N_, _
from alliance.ingest.limits import MAX_FILE_MB
from components.escape import css_string

if TYPE_CHECKING:
    from components.filters import Filters

# The boxes' keys, which are also their URL parameters (the filters are bound to the URL; the Figures box writes
# edition= itself on every run: navigation drops it even when it keeps the others).
PARAMS = ("edition", "as_of", "from", "region", "capability", "lang")
LANGUAGE = "lang"
_KEPT = "_sidebar_params"
_SHOWN = "_page_shown"
_CHOSEN = "_sidebar_chosen"


def value(key: str):
    """A sidebar box's value in this session (None before it is drawn)."""
    return st.session_state.get(key)


def put(key: str, value) -> None:
    """Set a sidebar box's value before the box is drawn on this run."""
    st.session_state[key] = value


def hand_over(filters: "Filters", edition: dict | None) -> None:
    """Keep what the sidebar chose on this run (the filters, the edition or None) for the page frame."""
    st.session_state[_CHOSEN] = (filters, edition)


def chosen() -> tuple["Filters", dict | None]:
    """The filters and the edition (None: the live data) the sidebar chose; app.py draws it before the page runs."""
    if _CHOSEN not in st.session_state:
        raise RuntimeError("A page ran before app.py drew the sidebar: run the app with `streamlit run app.py`.")
    return st.session_state[_CHOSEN]


def _requested_page() -> str | None:
    """The page this run was asked for (its script hash), before the navigation runs it."""
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx else None


def remember_page() -> None:
    """Note the page this run shows (call after st.navigation), so the next run can tell a page switch."""
    st.session_state[_SHOWN] = _requested_page()


def restore_url() -> None:
    """After a page switch (the URL has none of the sidebar's parameters), put back the session's choices.

    Streamlit's page navigation may start the new page with an empty query string, which would reset the bound
    boxes. Only after a switch: on the same page, a URL without them means the reader set every box back to its
    default (choosing "All regions" drops region=), which must stand.
    """
    kept = st.session_state.get(_KEPT)
    shown, requested = st.session_state.get(_SHOWN), _requested_page()
    switched = bool(shown) and bool(requested) and shown != requested
    if kept and switched and not any(name in st.query_params for name in PARAMS):
        params, values = kept
        st.query_params.update(params)
        for key, value in values.items():
            st.session_state[key] = value


def remember_url() -> None:
    """Keep the sidebar's choices and their URL parameters of this run for the next page switch."""
    st.session_state[_KEPT] = (
        {name: st.query_params[name] for name in PARAMS if name in st.query_params},
        {name: st.session_state[name] for name in PARAMS if name in st.session_state},
    )


def speak() -> str:
    """The language of this run, spoken from here on: the sidebar's choice, else the link's ?lang=, else the
    browser's preferred language when it is one of the six, else English.

    The link says the language whenever it is not what the browser alone would give, so a copied link opens in
    the language it was copied in (and a French browser's reader who chose English keeps English)."""
    language = st.session_state.get(LANGUAGE)
    if language is None:
        language = i18n.chosen(st.query_params.get(LANGUAGE), st.context.locale)
        st.session_state[LANGUAGE] = language
    i18n.use(language)
    if language != i18n.ENGLISH or i18n.chosen(None, st.context.locale) != i18n.ENGLISH:
        if st.query_params.get(LANGUAGE) != language:
            st.query_params[LANGUAGE] = language
    elif LANGUAGE in st.query_params:
        del st.query_params[LANGUAGE]
    return language


# Arabic reads right to left: the page's text, tables and the sidebar mirrored; a date keeps its digits' order. A
# folded sidebar slides leftwards as in English, from the right: across the page (a phone showed a strip of it), so
# it is hidden instead.
_RIGHT_TO_LEFT = """
[data-testid="stAppViewContainer"], [data-testid="stSidebar"] { direction: rtl; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] h1, [data-testid="stMain"] h2,
[data-testid="stMain"] h3, [data-testid="stMain"] h4, [data-testid="stMain"] h5, [data-testid="stSidebar"] p { text-align: right; }
[data-testid="stDateInput"] input { direction: ltr; text-align: right; }
[data-testid="stSidebar"][data-collapsed="true"] { display: none; }
.js-plotly-plot svg text { unicode-bidi: plaintext; }
[data-testid="stDateInputCalendar"], [role="listbox"] { direction: rtl; }
[data-testid="InputInstructions"] { right: auto; left: 9px; }
[data-testid="stMetricDelta"] { direction: ltr; }
[data-testid="stDateInputCalendar"] button svg { transform: scaleX(-1); }
"""


def _streamlit_words_style() -> str:
    """Streamlit writes a few words itself, in English whatever the page's language, with no option to change them:
    the Fullscreen button it adds to every chart's mode bar, the file picker's button and size limit, and the hint
    under a text box being typed in. The page's style hides them and draws the words of the language spoken
    (CSS-escaped)."""
    button = '.js-plotly-plot .plotly .modebar-btn[data-title="{title}"]::after {{ content: {words}; }}'
    rules = [button.format(title=title, words=css_string(_(title))) for title in (N_("Fullscreen"), N_("Close fullscreen"))]
    zone, notes = '[data-testid="stFileUploaderDropzone"]', '[data-testid="stFileUploaderDropzoneInstructions"]'
    picker, limit = _("Choose a file"), _("{size} MB per file").format(size=words.count(int(MAX_FILE_MB)))
    rules += [
        f'{zone} button [data-testid="stMarkdownContainer"] p {{ display: none; }}',
        f'{zone} button [data-testid="stMarkdownContainer"]::after {{ content: {css_string(picker)}; }}',
        f"{notes} span {{ display: none; }}",
        f"{notes} > div::after {{ content: {css_string(limit)}; font-size: 0.875rem; opacity: 0.7; }}",
    ]
    hint = '[data-testid="InputInstructions"]'
    rules.append(f"{hint} > span:first-child {{ display: none; }}")
    for box, hint_words in (
        ('[data-testid="stTextInput"]', _("Press Enter to apply")),
        ('[data-testid="stForm"] [data-testid="stTextInput"]', _("Press Enter to submit the form")),
        ('[data-testid="stTextArea"]', _("Press Ctrl+Enter (⌘+Enter on a Mac) to apply")),
        ('[data-testid="stForm"] [data-testid="stTextArea"]', _("Press Ctrl+Enter (⌘+Enter on a Mac) to submit the form")),
    ):
        rules.append(f"{box} {hint}::before {{ content: {css_string(hint_words)}; }}")
    return "\n".join(rules)


# Streamlit cuts a tile's label to one line ("Milestones ov…", "Manifestations d…"): in every language it wraps.
_TILE_LABELS = (
    '[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"], [data-testid="stMetricLabel"] p '
    "{ white-space: normal; text-overflow: clip; }"
)


def render_language() -> None:
    """The language box, each language in its own name (the pseudo-language only while a test asks for it)."""
    spoken = _streamlit_words_style() if i18n.current() != i18n.ENGLISH else ""
    st.html(f"<style>\n{_TILE_LABELS}\n{spoken}\n{_RIGHT_TO_LEFT if i18n.right_to_left() else ''}</style>")
    shown = list(i18n.LANGUAGES) + ([i18n.PSEUDO] if st.session_state.get(LANGUAGE) == i18n.PSEUDO else [])
    with st.sidebar:
        st.selectbox(
            _("Language"),
            shown,
            format_func=lambda code: i18n.LANGUAGES.get(code, code),
            key=LANGUAGE,
            placeholder=_("Choose an option"),
        )
