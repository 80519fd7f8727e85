"""The Report page's build step: progress while the document is written, then the downloads."""

import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

from alliance import AllianceError, i18n
from alliance.editions import permalink
from alliance.i18n import _
from alliance.report import annex_workbook, figures, gather, render_images, write_docx
from components.data import View
from components.escape import plain

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def edition_link(name: str) -> str:
    """The edition's link for a document: from the public address when one is configured (the one its readers
    can open), else from the address this browser used; relative (so cited by name) with neither."""
    link = permalink(name)
    if "://" in link:
        return link
    # st.context.url ends with the page's path (/report): keep the host and the path the server is mounted at.
    url = urlsplit(st.context.url or "")
    mount = st.get_option("server.baseUrlPath").strip("/")
    return permalink(name, f"{url.scheme}://{url.netloc}/{mount}") if url.scheme and url.netloc else link


def render_build(con, view: View, stem: str) -> None:
    """Build the report of the view's period and region with a progress indicator, then offer the .docx and the
    .xlsx annex (of an edition: naming it). con reads the view's data."""
    f, edition = view.filters, view.edition
    as_of, period_start, region = f.as_of, f.period_start, f.region
    # The report is written in the page's language: a built one in another language is not offered.
    key = (stem, as_of, period_start, region, view.version, i18n.current())
    if st.button(_("Build the report"), type="primary", icon=":material/description:"):
        try:
            with st.status(_("Building the report..."), expanded=True) as status:
                st.write(_("Reading the figures and tables from the store..."))
                named = {**edition, "permalink": edition_link(edition["name"])} if edition else None
                report = gather(con, as_of, period_start, region, named)
                st.write(_("Drawing the charts..."))
                images = render_images(figures(report))
                st.write(_("Writing the Word document and the annex..."))
                with tempfile.TemporaryDirectory() as folder:
                    out = Path(folder) / f"{stem}.docx"
                    write_docx(report, images, out)
                    st.session_state["report"] = {
                        "key": key,
                        "docx": out.read_bytes(),
                        "xlsx": annex_workbook(report),
                        "demo": report.demo_rows,
                    }
                status.update(label=_("The report is ready."), state="complete", expanded=False)
        except (AllianceError, OSError, RuntimeError) as error:
            st.error(_("The report could not be built: {error}").format(error=plain(str(error))))
            return
    built = st.session_state.get("report")
    if built and built["key"] == key:
        if built["demo"]:
            st.warning(_("The report includes demo rows; its header says so."), icon=":material/science:")
        left, right = st.columns(2)
        left.download_button(
            _("Download the report (.docx)"),
            built["docx"],
            file_name=f"{stem}.docx",
            mime=DOCX,
            icon=":material/download:",
            width="stretch",
        )
        right.download_button(
            _("Download the annex of tables (.xlsx)"),
            built["xlsx"],
            file_name=f"{stem}-annex.xlsx",
            mime=XLSX,
            icon=":material/download:",
            width="stretch",
        )
    elif built:
        st.info(_("The filters or the data changed since the last build: build the report again."), icon=":material/info:")
