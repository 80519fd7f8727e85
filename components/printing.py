"""How a page prints: the page's own content only, full width (a delegate prints a country's profile)."""

import streamlit as st

# Our own constant style sheet (no text from data or links ever goes in here): on paper, no sidebar,
# toolbar, buttons or downloads, and the main column takes the page's width.
_PRINT_CSS = """<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stDownloadButton"], [data-testid="stExpander"], [data-testid="stBaseButton-secondary"],
  [data-testid="stSidebarCollapsedControl"] { display: none !important; }
  [data-testid="stMain"] { margin-left: 0 !important; }
  [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0.5rem 1rem !important; }
  [data-testid="stElementContainer"], [data-testid="stDataFrame"], .js-plotly-plot { break-inside: avoid; }
}
</style>"""


def print_cleanly() -> None:
    """Add the print style sheet to this page (it draws nothing on screen)."""
    st.html(_PRINT_CSS)
