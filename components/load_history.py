"""The History page's parts: the table of loads, rollback and demo removal, each confirmed first."""

import re

import pandas as pd
import streamlit as st

from alliance import AllianceError, i18n
from alliance.history import ROLLBACK_KINDS, remove_demo, rollback
from alliance.i18n import N_, _, n_
from alliance.schema import SHEETS
from alliance.store import Store
from alliance.words import NOT_RECORDED, count, stamp
from components import auth, data
from components.charts import render_downloads
from components.escape import plain

# What each kind of load reads as (shown through _(): kind_label); the keys are the codes the store keeps.
KINDS = {
    "load": N_("upload"),
    "rollback": N_("rollback"),
    "remove_demo": N_("demo removal"),
    "builtin": N_("built-in data"),
    "demo": N_("demo data"),
    "publish": N_("edition prepared"),
    "approve": N_("edition approved"),
    "prune": N_("old states deleted"),
}
# A table's headers as shown (the frames keep these names: the pages pick columns by them).
_HEADERS = {
    "load": N_("load"),
    "kind": N_("kind"),
    "rollback": N_("rollback"),
    "by": N_("by"),
    "OS account": N_("OS account"),
    "when": N_("when"),
    "file": N_("file"),
    "sheet": N_("sheet"),
    "new": N_("new"),
    "updated": N_("updated"),
    "removed": N_("removed"),
    "unchanged": N_("unchanged"),
    "per sheet (+new ~updated -removed =unchanged)": N_("per sheet (+new ~updated -removed =unchanged)"),
    "replace": N_("replace"),
    "note": N_("note"),
}
# history() writes each sheet as "eois: +1 ~2 -0 =3"; table names hold no ':' or ';'.
_SHEET = re.compile(r"^(\w+): \+(\d+) ~(\d+) -(\d+) =(\d+)$")
_DONE = "history_done"
_NONCE = "history_nonce"


def kind_label(kind: str) -> str:
    """A kind of load in words, in the language spoken (a code not known: as stored)."""
    return _(KINDS[kind]) if kind in KINDS else kind


def _kind(load: dict) -> str:
    if load["kind"] == "rollback" and load["rolled_back_load_id"]:
        return _("rollback of load {load}").format(load=load["rolled_back_load_id"])
    return kind_label(load["kind"])


def _headed(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its headers in the language spoken."""
    if i18n.current() == i18n.ENGLISH:
        return frame
    return frame.rename(columns={c: _(label) for c, label in _HEADERS.items() if c in frame.columns})


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
                "OS account": load.get("loaded_by_account") or _(NOT_RECORDED),
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
    return _("possible") if load["can_roll_back"] else _("no longer (state deleted)")


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
    table = _headed(history_table(loads, identities))
    st.markdown("##### " + _("Loads, rollbacks, editions and prunes ({count})").format(count=count(len(table))))
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            _("kind"): st.column_config.TextColumn(_("kind"), width="medium"),
            _("when"): st.column_config.DatetimeColumn(_("when"), format="YYYY-MM-DD HH:mm"),
            "sha256": st.column_config.TextColumn(_("SHA-256 (start)"), help=_("First 12 hex digits of the file's SHA-256")),
        },
    )
    render_downloads(table, _("Load history"), "load_history")


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
    st.markdown("##### " + _("Roll back a load"))
    # Preparing, approving an edition or deleting old states changed no records: nothing to undo.
    by_id = {load["load_id"]: load for load in loads if load["kind"] in ROLLBACK_KINDS}
    if not by_id:
        st.caption(_("No load changed records yet."))
        return
    # A fresh key after each rollback, so the newest load is offered again.
    load_id = st.selectbox(
        _("Load to roll back"),
        list(by_id),
        format_func=lambda i: (
            _("Load {load}: {kind}, {file}, {when}")
            if by_id[i]["can_roll_back"]
            else _("Load {load}: {kind}, {file}, {when} (can no longer be rolled back)")
        ).format(load=i, kind=_kind(by_id[i]), file=by_id[i]["file_name"], when=stamp(by_id[i]["loaded_at"])),
        key=f"rollback_load_{st.session_state.get(_NONCE, 0)}",
    )
    load = by_id[load_id]
    if not load["can_roll_back"]:
        st.caption(
            _(
                "Load {load} can no longer be rolled back: the stored state before it was deleted when old states "
                "were pruned (editions keep theirs)."
            ).format(load=load_id)
        )
        st.button(_("Roll back"), type="primary", key="rollback", disabled=True, icon=":material/undo:")
        return
    changes = sheets_table(load)
    if changes.empty:
        st.caption(_("This load changed no sheet."))
    else:
        st.dataframe(_headed(changes), hide_index=True, width="stretch")
    later = [by_id[i] for i in sorted(by_id) if i > load_id]
    if later:
        warning = n_(
            "Rolling back returns the whole store to its state just before load {load}. The {count} later load below "
            "is undone too. The rollback is itself recorded here, and can be rolled back in turn.",
            "Rolling back returns the whole store to its state just before load {load}. The {count} later loads below "
            "are undone too. The rollback is itself recorded here, and can be rolled back in turn.",
            len(later),
        ).format(load=load_id, count=count(len(later)))
    else:
        warning = _(
            "Rolling back returns the whole store to its state just before load {load}. The rollback is itself "
            "recorded here, and can be rolled back in turn."
        ).format(load=load_id)
    st.warning(warning, icon=":material/warning:")
    if later:
        st.dataframe(
            _headed(history_table(later)[["load", "kind", "by", "OS account", "when", "file"]]),
            hide_index=True,
            width="stretch",
            column_config={_("when"): st.column_config.DatetimeColumn(_("when"), format="YYYY-MM-DD HH:mm")},
        )
    confirmed = _confirm(
        _("I understand: return the store to its state before load {load}").format(load=load_id), "rollback_confirm"
    )
    if st.button(_("Roll back"), type="primary", key="rollback", disabled=not confirmed, icon=":material/undo:"):
        if not confirmed:
            st.error(_("Tick the confirmation first."))
            return
        try:
            auth.require("analyst")
            seen = st.session_state.get("rollback_confirm_seen")
            new_id = rollback(store, load_id, user=auth.who(), expected_snapshot=seen)
        except AllianceError as error:
            st.error(plain(str(error)), icon=":material/error:")
            return
        _finish(_("Rolled back to the state before load {load}; recorded as load {new}.").format(load=load_id, new=new_id))


def render_remove_demo(store: Store, demo: pd.DataFrame) -> None:
    """Offer to delete every demo row, confirmed first; say nothing when there are none."""
    counts = demo.iloc[0]
    if not counts["demo_rows"]:
        return
    st.markdown("##### " + _("Remove the demo rows"))
    # Each sheet by the name the register gives it (as in the template), in every language.
    parts = [f"{count(int(counts[t]))} {SHEETS[t].label}" for t in SHEETS if t in counts and counts[t]]
    rows = int(counts["demo_rows"])
    st.caption(
        n_(
            "The store holds {count} generated demo row ({sheets}), not real data. "
            "Removing them is recorded here and can be rolled back.",
            "The store holds {count} generated demo rows ({sheets}), not real data. "
            "Removing them is recorded here and can be rolled back.",
            rows,
        ).format(count=count(rows), sheets=", ".join(parts))
    )
    confirmed = _confirm(_("I understand: delete every demo row"), "demo_confirm")
    if st.button(_("Remove demo rows"), key="remove_demo", disabled=not confirmed, icon=":material/delete:"):
        if not confirmed:
            st.error(_("Tick the confirmation first."))
            return
        try:
            auth.require("admin")
            new_id = remove_demo(store, user=auth.who())
        except AllianceError as error:
            st.error(plain(str(error)), icon=":material/error:")
            return
        _finish(
            n_(
                "Removed {count} demo row; recorded as load {load}.", "Removed {count} demo rows; recorded as load {load}.", rows
            ).format(count=count(rows), load=new_id)
        )
