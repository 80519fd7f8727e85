"""The Upload page's steps: template, check, preview, commit. Nothing is written before commit."""

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from alliance import AllianceError
from alliance.ingest.apply import LoadResult, apply, preview
from alliance.ingest.limits import MAX_FILE_MB
from alliance.ingest.load import check
from alliance.schema import SHEETS
from alliance.store import Store
from alliance.words import count_of
from alliance.workbook import template
from components import auth, data
from components.charts import render_downloads
from components.escape import plain

# Session keys: the checked upload (by file SHA-256), the last commit, and a counter that
# gives the uploader a fresh key after a commit so the loaded file is not offered again.
_CHECKED = "upload_checked"
_DONE = "upload_done"
_NONCE = "upload_nonce"


# One row of each sheet, in words.
_ROW_NOUNS = {
    "eois": "EoI",
    "centers": "center",
    "events": "event",
    "activities": "activity",
    "milestones": "milestone",
    "resources": "resource",
    "initiatives": "regional initiative",
    "outcomes": "outcome",
    "targets": "target",
}


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


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
        "Download the upload template (.xlsx)",
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
        "Upload a register: an .xlsx workbook, or one sheet as .csv named after it (eois.csv, centers.csv, ...)",
        # Any file: the reader tells every kind it cannot take (.xls, .ods, a PDF) in plain words, as `load` does.
        # Streamlit's own check of a file's extension raised an exception that broke the session on every rerun.
        type=None,
        max_upload_size=int(MAX_FILE_MB),
        key=f"upload_{nonce}",
    )
    replace = st.checkbox(
        "Replace the sheets in this file (their rows become the whole set)",
        key=f"replace_{nonce}",
        help="Without this, rows are added or updated by their id and no row is removed. "
        "With it, rows of these sheets that the file does not hold are removed.",
    )
    return file, replace


def check_upload(store: Store, file, replace: bool = False) -> dict:
    """Validate an upload once per content, name and store version; keep it in the session for reruns."""
    content = file.getvalue()
    sha256 = hashlib.sha256(content).hexdigest()
    version = data.live_version()
    checked = st.session_state.get(_CHECKED, {}).get(sha256)
    if checked and checked["name"] == file.name and checked["version"] == version and checked.get("replace") == replace:
        return checked
    checked = {
        "name": file.name,
        "sha256": sha256,
        "version": version,
        "replace": replace,
        "validation": None,
        "error": None,
        "previews": {},
    }
    with st.spinner("Reading and checking the file..."):
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
        # Past the listing cap the rows of the problems not listed are unknown: say how many are listed.
        in_rows = f" in {count_of(rows, 'row')}" if rows and total == len(validation.problems) else ""
        listed = f" (the first {len(validation.problems):,} listed below)" if total > len(validation.problems) else ""
        st.error(
            f"{count_of(total, 'problem')}{in_rows}{listed}: nothing will be written. Correct the file and upload it again.",
            icon=":material/error:",
        )
    else:
        st.success(
            f"Ready: {counts_line(validation)}. Check what the load will change, then load it.",
            icon=":material/check_circle:",
        )
    for notice in validation.notices:
        st.info(plain(notice), icon=":material/info:")
    if validation.problems:
        table = pd.DataFrame([p.as_dict() for p in validation.problems])[
            ["sheet", "row", "column", "value", "problem", "suggestion"]
        ]
        st.markdown("##### Problems found")
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            # Rows taller than 4rem wrap their text: a problem reads in full without widening its column.
            row_height=_WRAPPED_ROW_PX,
            height=_WRAPPED_ROW_PX * min(len(table), 8) + 40,
            column_config={
                "sheet": st.column_config.TextColumn(width="small"),
                "row": st.column_config.NumberColumn(width="small"),
                "column": st.column_config.TextColumn(width="small"),
                "problem": st.column_config.TextColumn(width="large"),
            },
        )
        render_problem_sentences(validation.problems)
        render_downloads(table, "Upload problems", "upload_problems")
        return False
    return True


# Streamlit wraps a table's text only in rows taller than 4rem (64 px).
_WRAPPED_ROW_PX = 88


def render_problem_sentences(problems) -> None:
    """Every problem as one sentence, readable in full on a phone: sheet, row, column, value, what was expected."""
    with st.expander(f"Read the {count_of(len(problems), 'problem')} as sentences", expanded=len(problems) <= 10):
        # Each sentence quotes the file: escaped, so that it shows as typed.
        st.markdown("\n".join(f"- {plain(problem)}" for problem in problems))


def counts_line(validation) -> str:
    """'7 rows in 2 sheets; 2 template sheets ignored': what an upload holds, in words."""
    rows = sum(len(sheet.row_numbers) for sheet in validation.sheets.values())
    line = f"{count_of(rows, 'row')} in {count_of(len(validation.sheets), 'sheet')}"
    ignored = []
    if validation.empty_sheets:
        ignored.append(count_of(len(validation.empty_sheets), "empty sheet"))
    if validation.template_sheets:
        ignored.append(count_of(len(validation.template_sheets), "template sheet"))
    if ignored:
        line += f"; {' and '.join(ignored)} ignored"
    return line


def preview_upload(store: Store, checked: dict, replace: bool) -> LoadResult:
    """What the load would change, computed once per replace option (read-only)."""
    previews = checked["previews"]
    if replace not in previews:
        with st.spinner("Comparing the file with the store..."):
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
    st.markdown("##### What this load will change")
    if replace:
        st.warning(
            "Replace is on: rows of these sheets that the file does not hold will be removed.",
            icon=":material/warning:",
        )
    summary = preview_table(result)
    st.dataframe(summary, hide_index=True, width="stretch")
    render_downloads(summary, "Load preview", "upload_preview")
    for table, changes in result.changes.items():
        label = SHEETS[table].label
        counts = result.sheets[table]
        changed = counts["inserted"] + counts["updated"] + counts["removed"]
        with st.expander(f"{label}: {count_of(changed, 'row')} would change", expanded=changed > 0):
            if not changed:
                st.caption("No row of this sheet would change.")
                continue
            if max(counts["inserted"], counts["updated"], counts["removed"]) > 200:
                st.caption("Showing the first 200 rows of each kind of change, in the file's order.")
            render_new_rows(label, table, result.new_rows.get(table, []), counts["inserted"])
            render_changed_rows(label, table, changes, counts)


def render_new_rows(label: str, table: str, rows: list[dict], count: int) -> None:
    """New rows in the file's order, each value as stored, with what the file wrote where it differs."""
    if not rows:
        return
    st.markdown(f"**{count_of(count, 'new row')}**, by their row in the file")
    if any("→" in str(value) for row in rows for value in row.values()):
        st.caption("Where the file wrote a value another way, the cell shows it as written → as it will be stored.")
    frame = pd.DataFrame(rows)
    st.dataframe(frame, hide_index=True, width="stretch", column_config={"row": st.column_config.NumberColumn(width="small")})
    render_downloads(frame, f"{label}: new rows", f"upload_new_{table}")


def render_changed_rows(label: str, table: str, changes: list[dict], counts: dict[str, int]) -> None:
    """Updated rows (each changed value, old and new) in the file's order, then removed rows."""
    updated = [c for c in changes if c["change"] == "updated"]
    removed = [c for c in changes if c["change"] == "removed"]
    if updated:
        st.markdown(f"**{count_of(counts['updated'], 'updated row')}**: the values that change, old and new")
        frame = pd.DataFrame(updated, columns=["row", "id", "column", "old", "new"])
        st.dataframe(frame, hide_index=True, width="stretch", column_config={"row": st.column_config.NumberColumn(width="small")})
        render_downloads(frame, f"{label}: updated values", f"upload_changes_{table}")
    if removed:
        st.markdown(f"**{count_of(counts['removed'], 'removed row')}**: in the store, not in the file")
        frame = pd.DataFrame(removed, columns=["id"])
        st.dataframe(frame, hide_index=True, width="stretch")
        render_downloads(frame, f"{label}: removed rows", f"upload_removed_{table}")


def _remember_snapshot(key: str, version: str) -> None:
    st.session_state[f"{key}_seen"] = version.split(":")[0]


def render_commit(store: Store, checked: dict, result: LoadResult, replace: bool) -> None:
    """The one button that writes; on success record the confirmation and start afresh."""
    validation = checked["validation"]
    rows = sum(len(sheet.row_numbers) for sheet in validation.sheets.values())
    if not any(c["inserted"] or c["updated"] or c["removed"] for c in result.sheets.values()):
        # A load that changes nothing writes nothing (not even a history row): there is nothing to press.
        st.info(
            "Nothing to load: every row of this file is already in the store, with the same values. Loading it would "
            "change nothing, so nothing will be written and the History stays as it is.",
            icon=":material/info:",
        )
        st.button("Nothing to load", key="commit", icon=":material/upload:", disabled=True)
        return
    removals = [count_of(c["removed"], _ROW_NOUNS[table]) for table, c in result.sheets.items() if c["removed"]]
    label = f"Load {count_of(rows, 'row')} into the store"
    confirmed = True
    if removals:
        removed = _join(removals)
        label = f"Remove {removed} and load {count_of(rows, 'row')}"
        st.error(f"Replace will remove {removed} that this file does not hold.", icon=":material/delete_forever:")
        # The key names what is confirmed: other removals are a new question. Ticking records the
        # state of the store the person saw; the load is refused if it changed before the click.
        key = f"confirm_removal_{st.session_state.get(_NONCE, 0)}_{removed}"
        confirmed = st.checkbox(
            f"Yes, remove {removed} from the store", key=key, on_change=_remember_snapshot, args=(key, checked["version"])
        )
    if not st.button(label, type="primary", key="commit", icon=":material/upload:", disabled=not confirmed):
        return
    with st.status("Loading into the store...", expanded=False) as status:
        try:
            auth.require("analyst")
            seen = st.session_state.get(f"{key}_seen") if removals else None
            loaded = apply(
                store, validation, checked["name"], checked["sha256"], replace=replace, user=auth.who(), expected_snapshot=seen
            )
        except AllianceError as error:
            status.update(label="The load failed: nothing was written.", state="error")
            st.error(plain(str(error)), icon=":material/error:")
            return
        if loaded.unchanged:  # another load brought the same rows since the preview
            status.update(label="Nothing was written: the store holds every row already.", state="complete")
        else:
            status.update(label=f"Loaded as load {loaded.load_id}.", state="complete")
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
            f"Nothing was loaded from {plain(done['name'])}: every row of it is already in the store, with the same values. "
            "Nothing was written, and the History lists no load for it.",
            icon=":material/info:",
        )
        st.dataframe(sheets, hide_index=True, width="stretch")
        return
    totals = ", ".join(f"{int(sheets[c].sum()):,} {c}" for c in ("new", "updated", "removed", "unchanged"))
    st.success(f"Loaded {plain(done['name'])} as load {done['load_id']}: {totals}.", icon=":material/check_circle:")
    st.toast(f"Load {done['load_id']} is in the store.", icon=":material/check_circle:")
    st.dataframe(sheets, hide_index=True, width="stretch")
    st.page_link("app_pages/history.py", label="See it in the History (and undo it there)", icon=":material/history:")
