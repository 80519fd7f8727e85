"""Run AppTest the way the server runs the app: every page through app.py."""

from streamlit.runtime.pages_manager import PagesManager


def navigation_as_served(setattr_=setattr) -> None:
    """Make AppTest run every page through app.py, as the server does once st.navigation has run.

    AppTest decides afresh on each run that a pages/ folder means the old multipage mode, and then
    runs a page file without app.py (no sidebar, no filters, no role checks). Pass pytest's
    monkeypatch.setattr to undo it after a test.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    setattr_(PagesManager, "__init__", init)
