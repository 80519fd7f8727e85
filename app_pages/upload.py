"""Upload, for analysts: check a register against the format, see what it would change, then load it."""

import streamlit as st

from alliance.i18n import _
from alliance.schema import SHEETS
from components import data
from components.layout import page_start
from components.upload import (
    check_upload,
    preview_upload,
    render_commit,
    render_done,
    render_preview,
    render_report,
    render_template_download,
    render_uploader,
)

page_start(
    _("Upload"),
    _(
        "Load the register kept in Excel. The file is checked first and nothing is written until you "
        "press the load button below the preview. Every load is recorded and can be undone on the History page."
    ),
    needs_data=False,
    live=True,
)
store = data.store()
render_done()
render_template_download(store)
file, replace = render_uploader()
if file is None:
    # The sheets by the names the register gives them (as in the template), in every language.
    st.caption(
        _(
            "Any subset of the sheets {sheets}; other sheets and columns are ignored and reported. "
            "A row whose id exists updates it."
        ).format(sheets=", ".join(s.label for s in SHEETS.values()))
    )
else:
    checked = check_upload(store, file, replace)
    if render_report(checked):
        result = preview_upload(store, checked, replace)
        render_preview(result, replace)
        render_commit(store, checked, result, replace)
