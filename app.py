"""The Alliance Dashboard: page config, the shared sidebar, and navigation. No queries here."""

from pathlib import Path

import streamlit as st

from components import auth, upload_guard
from components.filters import sidebar_filters

PAGES = Path(__file__).parent / "pages"
SECTIONS = {
    "Results": [
        ("overview.py", "Overview", ":material/dashboard:"),
        ("regions.py", "Regions", ":material/public:"),
        ("capabilities.py", "Capabilities", ":material/hub:"),
        ("centers.py", "Centers and EoIs", ":material/apartment:"),
        ("events.py", "Events and regional initiatives", ":material/event:"),
        ("milestones.py", "Milestones and outcomes", ":material/flag:"),
    ],
    "Data": [
        ("report.py", "TDAG report", ":material/description:"),
        ("upload.py", "Upload", ":material/upload_file:"),
        ("history.py", "History", ":material/history:"),
        ("about.py", "About", ":material/info:"),
    ],
}

# Pages a role may not use are left out of the navigation, so their URLs do not open them either.
NEEDS = {"upload.py": "analyst"}

st.set_page_config(page_title="Alliance Dashboard", page_icon=":material/hub:", layout="wide")
if auth.needs_sign_in():
    upload_guard.guard(False)
    st.navigation([st.Page(auth.sign_in_page, title="Sign in", icon=":material/login:")]).run()
    st.stop()
st.session_state["filters"] = sidebar_filters()
auth.render_identity()
pages = {
    section: [
        st.Page(PAGES / file, title=title, icon=icon, url_path=file.removesuffix(".py"), default=file == "overview.py")
        for file, title, icon in items
        if auth.may(NEEDS.get(file, "viewer"))
    ]
    for section, items in SECTIONS.items()
}
# A file reaches the server's memory only for a session that may upload (see components/upload_guard.py).
upload_guard.guard(auth.may(NEEDS["upload.py"]))
upload_guard.forget_closed_sessions()
st.navigation(pages).run()
