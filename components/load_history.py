"""The History page's parts: the table of loads, rollback and demo removal, each confirmed first."""

import re

import pandas as pd
import streamlit as st

from alliance import AllianceError
from alliance.history import ROLLBACK_KINDS, remove_demo, rollback
from alliance.schema import SHEETS
from alliance.store import Store
from alliance.words import NOT_RECORDED, agree, count, count_of, stamp
from components import auth, data
from components.charts import render_downloads
from components.escape import plain

KINDS = {
    "load": "upload",
    "rollback": "rollback",
    "remove_demo": "demo removal",
    "builtin": "built-in data",
    "demo": "demo data",
    "publish": "edition prepared",
    "approve": "edition approved",
    "prune": "old states deleted",
}
# history() writes each sheet as "eois: +1 ~2 -0 =3"; table names hold no ':' or ';'.
_SHEET = re.compile(r"^(\w+): \+(\d+) ~(\d+) -(\d+) =(\d+)$")
_DONE = "history_done"
_NONCE = "history_nonce"


def _kind(load: dict) -> str:
    kind = KINDS.get(load["kind"], load["kind"])
    if load["kind"] == "rollback" and load["rolled_back_load_id"]:
        kind += f" of load {load['rolled_back_load_id']}"
    return kind


def history_table(loads: list[dict], identities: bool = True) -> pd.DataFrame:
    """One row per load, rollback and demo removal, newest first, with row counts.

    Without identities (a viewer's table and downloads) there is no uploader, OS account or file name:
    names and addresses are for analysts and admins. "OS account" is the operating-system account of the process
    that wrote (the command line's, or the app server's); loads recorded before it was kept read "not recorded".
    """
    table = pd.DataFrame(
        [
            {
                "load": load["load_id"],
                "kind": _kind(load),
                "rollback": _rollback_word(load),
                "by": load["loaded_by"],
                "OS account": load.get("loaded_by_account") or NOT_RECORDED,
                "when": load["loaded_at"],
                "file": load["file_name"],
                "new": int(load["inserted"]),
                "updated": int(load["updated"]),
                "removed": int(load["removed"]),
                "unchanged": int(load["unchanged"]),
                "per sheet (+new ~updated -removed =unchanged)": load["sheets"] or "",
                "sha256": (load["sha256"] or "")[:12],
                "replace": bool(load["replace_sheets"]),
                "note": load["note"] or "",
            }
            for load in loads
        ]
    )
    return table if identities else table.drop(columns=["by", "OS account", "file", "note", "rollback"], errors="ignore")


def _rollback_word(load: dict) -> str:
    if load["kind"] not in ROLLBACK_KINDS:
        return ""
    return "possible" if load["can_roll_back"] else "no longer (state deleted)"


def sheets_table(load: dict) -> pd.DataFrame:
    """One row per sheet a load touched: rows new, updated, removed, unchanged."""
    rows = []
    for part in (load["sheets"] or "").split("; "):
        found = _SHEET.match(part)
        if found:
            table, *counts = found.groups()
            label = SHEETS[table].label if table in SHEETS else table
            rows.append(dict(zip(("sheet", "new", "updated", "removed", "unchanged"), [label, *map(int, counts)])))
    return pd.DataFrame(rows, columns=["sheet", "new", "updated", "removed", "unchanged"])


def render_history(loads: list[dict], identities: bool = True) -> None:
    """Draw every load as a table with CSV and Excel downloads (who and which file only with identities)."""
    table = history_table(loads, identities)
    st.markdown(f"##### Loads, rollbacks, editions and prunes ({count(len(table))})")
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "kind": st.column_config.TextColumn("kind", width="medium"),
            "when": st.column_config.DatetimeColumn("when", format="YYYY-MM-DD HH:mm"),
            "sha256": st.column_config.TextColumn("SHA-256 (start)", help="First 12 hex digits of the file's SHA-256"),
        },
    )
    render_downloads(table, "Load history", "load_history")


def _confirm(label: str, key: str) -> bool:
    """A confirmation box; ticking it records the state of the store the person saw."""
    nonce = st.session_state.get(_NONCE, 0)
    return st.checkbox(label, key=f"{key}_{nonce}", on_change=_remember_version, args=(key,))


def _remember_version(key: str) -> None:
    st.session_state[f"{key}_seen"] = data.live_version().split(":")[0]


def _finish(message: str) -> None:
    """After a write: forget cached results, keep the confirmation for the rerun, untick the boxes."""
    data.clear()
    st.session_state[_DONE] = message
    st.session_state[_NONCE] = st.session_state.get(_NONCE, 0) + 1
    st.rerun()


def render_done() -> None:
    """Confirm the rollback or demo removal just done (once)."""
    message = st.session_state.pop(_DONE, None)
    if message:
        st.success(message, icon=":material/check_circle:")
        st.toast(message, icon=":material/check_circle:")


def render_rollback(store: Store, loads: list[dict]) -> None:
    """Pick a load, see what it changed, confirm, and return the store to its state before it."""
    st.markdown("##### Roll back a load")
    # Preparing, approving an edition or deleting old states changed no records: nothing to undo.
    by_id = {load["load_id"]: load for load in loads if load["kind"] in ROLLBACK_KINDS}
    if not by_id:
        st.caption("No load changed records yet.")
        return
    # A fresh key after each rollback, so the newest load is offered again.
    load_id = st.selectbox(
        "Load to roll back",
        list(by_id),
        format_func=lambda i: (
            f"Load {i}: {_kind(by_id[i])}, {by_id[i]['file_name']}, {stamp(by_id[i]['loaded_at'])}"
            + ("" if by_id[i]["can_roll_back"] else " (can no longer be rolled back)")
        ),
        key=f"rollback_load_{st.session_state.get(_NONCE, 0)}",
    )
    load = by_id[load_id]
    if not load["can_roll_back"]:
        st.caption(
            f"Load {load_id} can no longer be rolled back: the stored state before it was deleted when old states "
            "were pruned (editions keep theirs)."
        )
        st.button("Roll back", type="primary", key="rollback", disabled=True, icon=":material/undo:")
        return
    changes = sheets_table(load)
    if changes.empty:
        st.caption("This load changed no sheet.")
    else:
        st.dataframe(changes, hide_index=True, width="stretch")
    later = [by_id[i] for i in sorted(by_id) if i > load_id]
    st.warning(
        f"Rolling back returns the whole store to its state just before load {load_id}."
        + (f" The {count_of(len(later), 'later load')} below {agree(len(later), 'is', 'are')} undone too." if later else "")
        + " The rollback is itself recorded here, and can be rolled back in turn.",
        icon=":material/warning:",
    )
    if later:
        st.dataframe(
            history_table(later)[["load", "kind", "by", "OS account", "when", "file"]],
            hide_index=True,
            width="stretch",
            column_config={"when": st.column_config.DatetimeColumn("when", format="YYYY-MM-DD HH:mm")},
        )
    confirmed = _confirm(f"I understand: return the store to its state before load {load_id}", "rollback_confirm")
    if st.button("Roll back", type="primary", key="rollback", disabled=not confirmed, icon=":material/undo:"):
        if not confirmed:
            st.error("Tick the confirmation first.")
            return
        try:
            auth.require("analyst")
            seen = st.session_state.get("rollback_confirm_seen")
            new_id = rollback(store, load_id, user=auth.who(), expected_snapshot=seen)
        except AllianceError as error:
            st.error(plain(str(error)), icon=":material/error:")
            return
        _finish(f"Rolled back to the state before load {load_id}; recorded as load {new_id}.")


def render_remove_demo(store: Store, demo: pd.DataFrame) -> None:
    """Offer to delete every demo row, confirmed first; say nothing when there are none."""
    counts = demo.iloc[0]
    if not counts["demo_rows"]:
        return
    st.markdown("##### Remove the demo rows")
    parts = [f"{count(int(counts[t]))} {SHEETS[t].label}" for t in SHEETS if t in counts and counts[t]]
    st.caption(
        f"The store holds {count_of(int(counts['demo_rows']), 'generated demo row')} ({', '.join(parts)}), not real data. "
        "Removing them is recorded here and can be rolled back."
    )
    confirmed = _confirm("I understand: delete every demo row", "demo_confirm")
    if st.button("Remove demo rows", key="remove_demo", disabled=not confirmed, icon=":material/delete:"):
        if not confirmed:
            st.error("Tick the confirmation first.")
            return
        try:
            auth.require("admin")
            new_id = remove_demo(store, user=auth.who())
        except AllianceError as error:
            st.error(plain(str(error)), icon=":material/error:")
            return
        _finish(f"Removed {count_of(int(counts['demo_rows']), 'demo row')}; recorded as load {new_id}.")
