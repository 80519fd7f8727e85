"""The Alliance Dashboard: page config, the shared sidebar, and navigation. No queries here."""

from pathlib import Path

import streamlit as st

from alliance.i18n import N_, _
from alliance.roles import published_only
from components import auth, edition_picker, sidebar, throttle, upload_guard
from components.filters import sidebar_filters

PAGES = Path(__file__).parent / "app_pages"
SECTIONS = {
    N_("Results"): [
        ("overview.py", N_("Overview"), ":material/dashboard:"),
        ("regions.py", N_("Regions"), ":material/public:"),
        ("capabilities.py", N_("Capabilities"), ":material/hub:"),
        ("centers.py", N_("Centers and EoIs"), ":material/apartment:"),
        ("events.py", N_("Events and regional initiatives"), ":material/event:"),
        ("milestones.py", N_("Milestones and outcomes"), ":material/flag:"),
    ],
    N_("Data"): [
        ("report.py", N_("TDAG report"), ":material/description:"),
        ("revisions.py", N_("Revisions"), ":material/difference:"),
        ("publish.py", N_("Publish"), ":material/verified:"),
        ("upload.py", N_("Upload"), ":material/upload_file:"),
        ("history.py", N_("History"), ":material/history:"),
        ("about.py", N_("About"), ":material/info:"),
    ],
}

# Pages a role may not use are left out of the navigation, so their URLs do not open them either.
NEEDS = {"upload.py": "analyst", "publish.py": "analyst"}
# Pages that show unreviewed data, left out when the app serves approved editions only.
NOT_PUBLISHED = {"revisions.py", "history.py"}


def serve_only(page, title: str, icon: str) -> None:
    """Serve one page (sign-in, a configuration error) at every page's address, then stop: a link to
    /regions opens it too, with no "page not found" in front of it."""
    upload_guard.guard(False)
    at_every_address = [
        st.Page(page, title=_(title), icon=icon, url_path=file.removesuffix(".py"), default=file == "overview.py")
        for items in SECTIONS.values()
        for file, _title, _icon in items
    ]
    st.navigation(at_every_address, position="hidden").run()
    st.stop()


# The language first (it writes no element): the tab's title and the throttle's notice speak it.
sidebar.speak()
st.set_page_config(page_title=_("Alliance Dashboard"), page_icon=":material/hub:", layout="wide")
throttle.admit()
# A configuration that is broken, half there or a placeholder serves its error and nothing else.
if auth.refused():
    serve_only(auth.configuration_error_page, N_("Configuration error"), ":material/error:")
if auth.needs_sign_in():
    serve_only(auth.sign_in_page, N_("Sign in"), ":material/login:")
sidebar.restore_url()
edition = edition_picker.choose()
if edition is edition_picker.NO_EDITION:
    upload_guard.guard(False)
    st.navigation(
        [st.Page(edition_picker.no_edition_page, title=_("Alliance Dashboard"), icon=":material/hourglass_empty:")]
    ).run()
    st.stop()
# The page frame (components/layout.py) takes the sidebar's choice from here.
sidebar.hand_over(sidebar_filters(edition), edition)
# Under the filters, where the sidebar's boxes end: the filters keep their place for readers who know them.
sidebar.render_language()
sidebar.remember_url()
auth.render_identity()
pages = {
    _(section): [
        st.Page(PAGES / file, title=_(title), icon=icon, url_path=file.removesuffix(".py"), default=file == "overview.py")
        for file, title, icon in items
        if auth.may(NEEDS.get(file, "viewer")) and not (published_only() and file in NOT_PUBLISHED)
    ]
    for section, items in SECTIONS.items()
}
# A file reaches the server's memory only for a session that may upload (see components/upload_guard.py).
upload_guard.guard(auth.may(NEEDS["upload.py"]))
upload_guard.forget_closed_sessions()
page = st.navigation(pages)
sidebar.remember_page()
page.run()
