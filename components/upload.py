"""The Upload page's steps: template, check, preview, commit. Nothing is written before commit."""

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from alliance import AllianceError, i18n, words
from alliance.i18n import N_, _, n_
from alliance.ingest.apply import LoadResult, apply, preview
from alliance.ingest.limits import MAX_FILE_MB
from alliance.ingest.load import check
from alliance.schema import SHEETS
from alliance.store import Store
from alliance.words import counted
from alliance.workbook import template
from components import auth, data
from components.charts import render_downloads
from components.escape import plain

# Session keys: the checked upload (by file SHA-256), the last commit, and a counter that
# gives the uploader a fresh key after a commit so the loaded file is not offered again.
_CHECKED = "upload_checked"
_DONE = "upload_done"
_NONCE = "upload_nonce"


# Rows of each sheet, counted in words (each form a literal, for the catalogues).
_ROWS_OF = {
    "eois": lambda n: counted(n, "{count} EoI", "{count} EoIs"),
    "centers": lambda n: counted(n, "{count} center", "{count} centers"),
    "events": lambda n: counted(n, "{count} event", "{count} events"),
    "activities": lambda n: counted(n, "{count} activity", "{count} activities"),
    "milestones": lambda n: counted(n, "{count} milestone", "{count} milestones"),
    "resources": lambda n: counted(n, "{count} resource", "{count} resources"),
    "initiatives": lambda n: counted(n, "{count} regional initiative", "{count} regional initiatives"),
    "outcomes": lambda n: counted(n, "{count} outcome", "{count} outcomes"),
    "targets": lambda n: counted(n, "{count} target", "{count} targets"),
    "reported": lambda n: counted(n, "{count} published figure", "{count} published figures"),
}
# What a table's headers read where shown (the frames keep these names: tests and downloads' code read them).
_HEADERS = {
    "sheet": N_("sheet"),
    "row": N_("row"),
    "column": N_("column"),
    "value": N_("value"),
    "problem": N_("problem"),
    "suggestion": N_("suggestion"),
    "new": N_("new"),
    "updated": N_("updated"),
    "removed": N_("removed"),
    "unchanged": N_("unchanged"),
    "id": N_("id"),
}
# In the table of updated values, old and new are values (elsewhere "new" counts rows).
_VALUE_HEADERS = {**_HEADERS, "old": N_("old value"), "new": N_("new value")}


def _headed(frame: pd.DataFrame, headers: dict[str, str] = _HEADERS) -> pd.DataFrame:
    """The frame with its headers in the language spoken (the register's own column names stay as the file has them)."""
    if i18n.current() == i18n.ENGLISH:
        return frame
    return frame.rename(columns={c: _(label) for c, label in headers.items() if c in frame.columns})


def _join(parts: list[str]) -> str:
    """'a, b and c'; in another language as CLDR joins a list there."""
    if i18n.current() == i18n.ENGLISH:
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    from babel.lists import format_list

    return format_list(parts, locale=i18n.locale())


def _template_bytes(store: Store) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "template.xlsx"
        con = store.connect()
        try:
            template(con, str(out))
        finally:
            con.close()
        return out.read_bytes()


def render_template_download(store: Store) -> None:
    """Offer the empty upload workbook (instructions, headers, drop-downs), built when clicked."""
    st.download_button(
        _("Download the upload template (.xlsx)"),
        data=lambda: _template_bytes(store),
        file_name="alliance_upload_template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="template",
        icon=":material/download:",
    )


def render_uploader():
    """Draw the file picker and the replace option; return the uploaded file (or None) and the option."""
    nonce = st.session_state.get(_NONCE, 0)
    file = st.file_uploader(
        _("Upload a register: an .xlsx workbook, or one sheet as .csv named after it (eois.csv, centers.csv, ...)"),
        # Any file: the reader tells every kind it cannot take (.xls, .ods, a PDF) in plain words, as `load` does.
        # Streamlit's own check of a file's extension raised an exception that broke the session on every rerun.
        type=None,
        max_upload_size=int(MAX_FILE_MB),
        key=f"upload_{nonce}",
    )
    replace = st.checkbox(
        _("Replace the sheets in this file (their rows become the whole set)"),
        key=f"replace_{nonce}",
        help=_(
            "Without this, rows are added or updated by their id and no row is removed. "
            "With it, rows of these sheets that the file does not hold are removed."
        ),
    )
    return file, replace


def check_upload(store: Store, file, replace: bool = False) -> dict:
    """Validate an upload once per content, name and store version; keep it in the session for reruns."""
    content = file.getvalue()
    sha256 = hashlib.sha256(content).hexdigest()
    version = data.live_version()
    checked = st.session_state.get(_CHECKED, {}).get(sha256)
    language = i18n.current()  # its problems are written in the language it was checked in
    if checked and checked["name"] == file.name and checked["version"] == version and checked.get("replace") == replace:
        if checked.get("language") == language:
            return checked
    checked = {
        "language": language,
        "name": file.name,
        "sha256": sha256,
        "version": version,
        "replace": replace,
        "validation": None,
        "error": None,
        "previews": {},
    }
    with st.spinner(_("Reading and checking the file...")):
        with tempfile.TemporaryDirectory() as folder:
            # The temporary name keeps the suffix only; check() gets the original name, which
            # names a CSV file's sheet.
            path = Path(folder) / f"upload{Path(file.name).suffix.lower()[:8]}"
            path.write_bytes(content)
            try:
                checked["validation"] = check(store, path, file.name, replace=replace, keep_file_values=True)
            except AllianceError as error:
                checked["error"] = str(error)
    # Only the latest upload is kept: its validated rows can be large.
    st.session_state[_CHECKED] = {sha256: checked}
    return checked


def render_report(checked: dict) -> bool:
    """Say whether the file can be loaded, its notices, and every problem; return True when ready."""
    if checked["error"]:
        st.error(plain(checked["error"]), icon=":material/block:")
        return False
    validation = checked["validation"]
    if validation.problems:
        total = getattr(validation.problems, "total", len(validation.problems))
        rows = len({(p.sheet, p.row) for p in validation.problems if p.row})
        problems = counted(total, "{count} problem", "{count} problems")
        # Past the listing cap the rows of the problems not listed are unknown: say how many are listed.
        if total > len(validation.problems):
            said = n_(
                "{count} problem (the first {listed} listed below): nothing will be written. Correct the file and "
                "upload it again.",
                "{count} problems (the first {listed} listed below): nothing will be written. Correct the file and "
                "upload it again.",
                total,
            ).format(count=words.count(total), listed=words.count(len(validation.problems)))
        elif rows:
            said = n_(
                "{problems} in {count} row: nothing will be written. Correct the file and upload it again.",
                "{problems} in {count} rows: nothing will be written. Correct the file and upload it again.",
                rows,
            ).format(problems=problems, count=words.count(rows))
        else:
            said = counted(
                total,
                "{count} problem: nothing will be written. Correct the file and upload it again.",
                "{count} problems: nothing will be written. Correct the file and upload it again.",
            )
        st.error(said, icon=":material/error:")
    else:
        st.success(
            _("Ready: {counts}. Check what the load will change, then load it.").format(counts=counts_line(validation)),
            icon=":material/check_circle:",
        )
    for notice in validation.notices:
        st.info(plain(notice), icon=":material/info:")
    if validation.problems:
        table = pd.DataFrame([p.as_dict() for p in validation.problems])[
            ["sheet", "row", "column", "value", "problem", "suggestion"]
        ]
        st.markdown("##### " + _("Problems found"))
        shown = _headed(table)
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            # Rows taller than 4rem wrap their text: a problem reads in full without widening its column.
            row_height=_WRAPPED_ROW_PX,
            height=_WRAPPED_ROW_PX * min(len(table), 8) + 40,
            column_config={
                _("sheet"): st.column_config.TextColumn(width="small"),
                _("row"): st.column_config.NumberColumn(width="small"),
                _("column"): st.column_config.TextColumn(width="small"),
                _("problem"): st.column_config.TextColumn(width="large"),
            },
        )
        render_problem_sentences(validation.problems)
        render_downloads(shown, _("Upload problems"), "upload_problems")
        return False
    return True


# Streamlit wraps a table's text only in rows taller than 4rem (64 px).
_WRAPPED_ROW_PX = 88


def render_problem_sentences(problems) -> None:
    """Every problem as one sentence, readable in full on a phone: sheet, row, column, value, what was expected."""
    said = counted(len(problems), "Read the {count} problem as sentences", "Read the {count} problems as sentences")
    with st.expander(said, expanded=len(problems) <= 10):
        # Each sentence quotes the file: escaped, so that it shows as typed.
        st.markdown("\n".join(f"- {plain(problem)}" for problem in problems))


def counts_line(validation) -> str:
    """'7 rows in 2 sheets; 2 template sheets ignored': what an upload holds, in words."""
    rows = sum(len(sheet.row_numbers) for sheet in validation.sheets.values())
    sheets = len(validation.sheets)
    line = n_("{rows} in {count} sheet", "{rows} in {count} sheets", sheets).format(
        rows=counted(rows, "{count} row", "{count} rows"), count=words.count(sheets)
    )
    empty, templates = len(validation.empty_sheets), len(validation.template_sheets)
    if empty and templates:
        return _("{counts}; {empty} and {templates} ignored").format(
            counts=line,
            empty=counted(empty, "{count} empty sheet", "{count} empty sheets"),
            templates=counted(templates, "{count} template sheet", "{count} template sheets"),
        )
    if empty:
        return n_("{counts}; {count} empty sheet ignored", "{counts}; {count} empty sheets ignored", empty).format(
            counts=line, count=words.count(empty)
        )
    if templates:
        return n_("{counts}; {count} template sheet ignored", "{counts}; {count} template sheets ignored", templates).format(
            counts=line, count=words.count(templates)
        )
    return line


def preview_upload(store: Store, checked: dict, replace: bool) -> LoadResult:
    """What the load would change, computed once per replace option (read-only)."""
    previews = checked["previews"]
    if replace not in previews:
        with st.spinner(_("Comparing the file with the store...")):
            previews[replace] = preview(store, checked["validation"], replace)
    return previews[replace]


def preview_table(result: LoadResult) -> pd.DataFrame:
    """One row per sheet: rows new, updated, removed and unchanged."""
    return pd.DataFrame(
        [
            {
                "sheet": SHEETS[table].label,
                "new": counts["inserted"],
                "updated": counts["updated"],
                "removed": counts["removed"],
                "unchanged": counts["unchanged"],
            }
            for table, counts in result.sheets.items()
        ],
        columns=["sheet", "new", "updated", "removed", "unchanged"],
    )


def render_preview(result: LoadResult, replace: bool) -> None:
    """Draw what the load would change per sheet: new rows as filed and stored, changed values old and new."""
    st.markdown("##### " + _("What this load will change"))
    if replace:
        st.warning(
            _("Replace is on: rows of these sheets that the file does not hold will be removed."),
            icon=":material/warning:",
        )
    summary = _headed(preview_table(result))
    st.dataframe(summary, hide_index=True, width="stretch")
    render_downloads(summary, _("Load preview"), "upload_preview")
    for table, changes in result.changes.items():
        label = SHEETS[table].label
        counts = result.sheets[table]
        changed = counts["inserted"] + counts["updated"] + counts["removed"]
        said = n_("{sheet}: {count} row would change", "{sheet}: {count} rows would change", changed)
        with st.expander(said.format(sheet=label, count=words.count(changed)), expanded=changed > 0):
            if not changed:
                st.caption(_("No row of this sheet would change."))
                continue
            if max(counts["inserted"], counts["updated"], counts["removed"]) > 200:
                st.caption(_("Showing the first 200 rows of each kind of change, in the file's order."))
            render_new_rows(label, table, result.new_rows.get(table, []), counts["inserted"])
            render_changed_rows(label, table, changes, counts)


def render_new_rows(label: str, table: str, rows: list[dict], count: int) -> None:
    """New rows in the file's order, each value as stored, with what the file wrote where it differs."""
    if not rows:
        return
    st.markdown(counted(count, "**{count} new row**, by their row in the file", "**{count} new rows**, by their row in the file"))
    if any("→" in str(value) for row in rows for value in row.values()):
        st.caption(_("Where the file wrote a value another way, the cell shows it as written → as it will be stored."))
    # Only the row number is ours: the other headers are the register's column names, as the file has them.
    frame = pd.DataFrame(rows)
    frame = frame.rename(columns={"row": _("row")}) if i18n.current() != i18n.ENGLISH else frame
    row = _("row")
    st.dataframe(frame, hide_index=True, width="stretch", column_config={row: st.column_config.NumberColumn(width="small")})
    render_downloads(frame, _("{sheet}: new rows").format(sheet=label), f"upload_new_{table}")


def render_changed_rows(label: str, table: str, changes: list[dict], counts: dict[str, int]) -> None:
    """Updated rows (each changed value, old and new) in the file's order, then removed rows."""
    updated = [c for c in changes if c["change"] == "updated"]
    removed = [c for c in changes if c["change"] == "removed"]
    if updated:
        st.markdown(
            counted(
                counts["updated"],
                "**{count} updated row**: the values that change, old and new",
                "**{count} updated rows**: the values that change, old and new",
            )
        )
        frame = _headed(pd.DataFrame(updated, columns=["row", "id", "column", "old", "new"]), _VALUE_HEADERS)
        row = _("row")
        st.dataframe(frame, hide_index=True, width="stretch", column_config={row: st.column_config.NumberColumn(width="small")})
        render_downloads(frame, _("{sheet}: updated values").format(sheet=label), f"upload_changes_{table}")
    if removed:
        st.markdown(
            counted(
                counts["removed"],
                "**{count} removed row**: in the store, not in the file",
                "**{count} removed rows**: in the store, not in the file",
            )
        )
        frame = _headed(pd.DataFrame(removed, columns=["id"]))
        st.dataframe(frame, hide_index=True, width="stretch")
        render_downloads(frame, _("{sheet}: removed rows").format(sheet=label), f"upload_removed_{table}")


def _remember_snapshot(key: str, version: str) -> None:
    st.session_state[f"{key}_seen"] = version.split(":")[0]


def render_commit(store: Store, checked: dict, result: LoadResult, replace: bool) -> None:
    """The one button that writes; on success record the confirmation and start afresh."""
    validation = checked["validation"]
    rows = sum(len(sheet.row_numbers) for sheet in validation.sheets.values())
    if not any(c["inserted"] or c["updated"] or c["removed"] for c in result.sheets.values()):
        # A load that changes nothing writes nothing (not even a history row): there is nothing to press.
        st.info(
            _(
                "Nothing to load: every row of this file is already in the store, with the same values. Loading it would "
                "change nothing, so nothing will be written and the History stays as it is."
            ),
            icon=":material/info:",
        )
        st.button(_("Nothing to load"), key="commit", icon=":material/upload:", disabled=True)
        return
    removing = [(table, c["removed"]) for table, c in result.sheets.items() if c["removed"]]
    label = n_("Load {count} row into the store", "Load {count} rows into the store", rows).format(count=words.count(rows))
    confirmed = True
    if removing:
        removed = _join([_ROWS_OF[table](n) for table, n in removing])
        label = n_("Remove {removed} and load {count} row", "Remove {removed} and load {count} rows", rows).format(
            removed=removed, count=words.count(rows)
        )
        st.error(
            _("Replace will remove {removed} that this file does not hold.").format(removed=removed),
            icon=":material/delete_forever:",
        )
        # The key names what is confirmed (in no language: the box stays ticked when the language changes): other
        # removals are a new question. Ticking records the state of the store the person saw; the load is refused
        # if it changed before the click.
        what = ",".join(f"{table}:{n}" for table, n in removing)
        key = f"confirm_removal_{st.session_state.get(_NONCE, 0)}_{what}"
        confirmed = st.checkbox(
            _("Yes, remove {removed} from the store").format(removed=removed),
            key=key,
            on_change=_remember_snapshot,
            args=(key, checked["version"]),
        )
    if not st.button(label, type="primary", key="commit", icon=":material/upload:", disabled=not confirmed):
        return
    with st.status(_("Loading into the store..."), expanded=False) as status:
        try:
            auth.require("analyst")
            seen = st.session_state.get(f"{key}_seen") if removing else None
            loaded = apply(
                store, validation, checked["name"], checked["sha256"], replace=replace, user=auth.who(), expected_snapshot=seen
            )
        except AllianceError as error:
            status.update(label=_("The load failed: nothing was written."), state="error")
            st.error(plain(str(error)), icon=":material/error:")
            return
        if loaded.unchanged:  # another load brought the same rows since the preview
            status.update(label=_("Nothing was written: the store holds every row already."), state="complete")
        else:
            status.update(label=_("Loaded as load {load}.").format(load=loaded.load_id), state="complete")
    data.clear()
    st.session_state[_DONE] = {
        "load_id": loaded.load_id,
        "name": checked["name"],
        "sheets": preview_table(loaded),
        "unchanged": loaded.unchanged,
    }
    st.session_state.pop(_CHECKED, None)
    st.session_state[_NONCE] = st.session_state.get(_NONCE, 0) + 1
    st.rerun()


def render_done() -> None:
    """Confirm the load just committed (once), with its counts and a link to the History page."""
    done = st.session_state.pop(_DONE, None)
    if not done:
        return
    sheets = done["sheets"]
    if done.get("unchanged"):
        st.info(
            _(
                "Nothing was loaded from {file}: every row of it is already in the store, with the same values. "
                "Nothing was written, and the History lists no load for it."
            ).format(file=plain(done["name"])),
            icon=":material/info:",
        )
        st.dataframe(_headed(sheets), hide_index=True, width="stretch")
        return
    new, updated, removed, unchanged = (words.count(int(sheets[c].sum())) for c in ("new", "updated", "removed", "unchanged"))
    st.success(
        _("Loaded {file} as load {load}: {new} new, {updated} updated, {removed} removed, {unchanged} unchanged.").format(
            file=plain(done["name"]), load=done["load_id"], new=new, updated=updated, removed=removed, unchanged=unchanged
        ),
        icon=":material/check_circle:",
    )
    st.toast(_("Load {load} is in the store.").format(load=done["load_id"]), icon=":material/check_circle:")
    st.dataframe(_headed(sheets), hide_index=True, width="stretch")
    st.page_link("app_pages/history.py", label=_("See it in the History (and undo it there)"), icon=":material/history:")
