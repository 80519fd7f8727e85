"""The Publish and Revisions pages' parts: prepare an edition, approve one, list them, and what changed since."""

from datetime import date, datetime

import pandas as pd
import streamlit as st

from alliance import AllianceError, words
from alliance.editions import approve, flatten, label, publish
from alliance.kpis import region_names
from alliance.store import Store
from components import auth, data
from components.charts import render_downloads
from components.escape import plain

_DONE = "publish_done"


def link(name: str) -> str:
    """The edition's permalink: from the public address, else the address this browser used (as the Report page)."""
    from components.report_build import edition_link

    return edition_link(name)


def editions_table(editions: list[dict], identities: bool) -> pd.DataFrame:
    """One row per edition: name, status, period, who prepared and approved it (and from which operating-system
    account: analysts and admins only) and when, and its link."""

    def when(stamp_text: str | None) -> str:
        return words.stamp(datetime.fromisoformat(stamp_text)) if stamp_text else ""

    rows = [
        {
            "Edition": e["name"],
            "Status": "approved" if e["status"] == "published" else "draft",
            "Link": link(e["name"]),
            "Period": words.period(date.fromisoformat(e["from"]) if e["from"] else None, date.fromisoformat(e["as_of"])),
            "Approved": when(e["approved_at"]),
            "Approved by": e["approved_by"] or "",
            "Approved by (OS account)": _account(e["approved_by_account"]) if e["approved_by"] else "",
            "Prepared": when(e["prepared_at"]),
            "Prepared by": e["prepared_by"],
            "Prepared by (OS account)": _account(e["prepared_by_account"]),
            "Note": e["note"],
        }
        for e in editions
    ]
    table = pd.DataFrame(rows, columns=list(rows[0]) if rows else ["Edition"])
    return (
        table
        if identities
        else table.drop(columns=["Prepared by", "Prepared by (OS account)", "Approved by (OS account)", "Note"], errors="ignore")
    )


def _account(account: str | None) -> str:
    """The operating-system account recorded beside a name; editions made before it was kept: not recorded."""
    return account or words.NOT_RECORDED


def render_editions(editions: list[dict], identities: bool = True) -> None:
    """The editions, newest first, each with its permalink; downloads of the list."""
    st.markdown(f"##### Editions ({words.count(len(editions))})")
    if not editions:
        st.caption("No edition yet.")
        return
    table = editions_table(editions, identities)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={"Link": st.column_config.LinkColumn("Link", display_text="open", help="The edition's permalink")},
    )
    render_downloads(table, "Editions of the Alliance's figures", "editions")


def render_done() -> None:
    message = st.session_state.pop(_DONE, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def _finish(message: str) -> None:
    data.clear()
    st.session_state[_DONE] = message
    st.rerun()


def render_prepare(store: Store, demo: pd.DataFrame) -> None:
    """A form to prepare an edition (a draft) of the data as it is now (demo: its demo_rows), for a period."""
    st.markdown("##### Prepare an edition")
    st.caption(
        "An edition keeps the data exactly as they are now, for the period you give. It stays a draft, seen by analysts "
        "and admins only, until an admin who did not prepare it approves it; then its figures never change."
    )
    _warn_demo(int(demo["demo_rows"].iloc[0]), "The data now hold")
    with st.form("prepare", border=True):
        name = st.text_input(
            "Name", max_chars=60, placeholder="TDAG-26", help="Letters, digits, spaces, dots, dashes, underscores"
        )
        left, right = st.columns(2)
        start = left.date_input("Period start", value=words.LAUNCH, min_value=date(2015, 1, 1), format="DD/MM/YYYY")
        as_of = right.date_input("As of", value=date.today(), min_value=date(2015, 1, 1), format="DD/MM/YYYY")
        note = st.text_area("Note (optional)", max_chars=500, placeholder="For the TDAG meeting of ...")
        submitted = st.form_submit_button("Prepare the draft", type="primary", icon=":material/edit_note:")
    if submitted:
        if start > as_of:
            st.error(f"The period start {words.day(start)} is after the as-of date {words.day(as_of)}.", icon=":material/error:")
            return
        try:
            auth.require("analyst")
            edition = publish(store, name, as_of, start, note, user=auth.who())
        except AllianceError as error:
            st.error(plain(str(error)), icon=":material/error:")
            return
        _finish(
            f"Draft edition {edition['name']} prepared, {words.period(start, as_of)}. Check it with the link in the list, "
            "then ask an admin who did not prepare it to approve it."
        )


def render_approve(store: Store, drafts: list[dict]) -> None:
    """Pick a draft, see its key figures, and approve it (an admin who did not prepare it)."""
    st.markdown("##### Approve a draft")
    if not drafts:
        st.caption("No draft waits for approval.")
        return
    by_name = {e["name"]: e for e in drafts}
    name = st.selectbox("Draft", list(by_name), key="approve_name")
    edition = by_name[name]
    start = date.fromisoformat(edition["from"]) if edition["from"] else None
    st.caption(
        f"Prepared by {plain(edition['prepared_by'])} (OS account {plain(_account(edition['prepared_by_account']))}) on "
        f"{words.stamp(datetime.fromisoformat(edition['prepared_at']))}; figures {words.period(start, date.fromisoformat(edition['as_of']))}."
    )
    if store.snapshot_path(edition["snapshot"]).exists():
        _warn_demo(int(data.frame_in(edition, "demo_rows")["demo_rows"].iloc[0]), "This draft holds")
    figures = data.edition_figures(name)
    st.dataframe(_key_figures(figures), hide_index=True, width="stretch")
    st.link_button("Open the draft", link(name), icon=":material/open_in_new:")
    if not auth.may("admin"):
        st.caption("Approving needs the admin role.")
        return
    try:
        me = auth.who()
    except AllianceError as error:  # an ALLIANCE_USER that names nobody (a control character in it)
        st.error(plain(str(error)), icon=":material/error:")
        return
    if edition["prepared_by"].strip().casefold() == me.strip().casefold():
        st.caption(f"You ({plain(me)}) prepared this edition: another admin must check and approve it.")
        st.button("Approve and publish", disabled=True, key="approve", icon=":material/verified:")
        return
    confirmed = st.checkbox(f"I have checked the figures of {plain(name)}: publish them", key=f"approve_confirm_{name}")
    if st.button("Approve and publish", type="primary", disabled=not confirmed, key="approve", icon=":material/verified:"):
        try:
            auth.require("admin")
            approve(store, name, user=auth.who())
        except AllianceError as error:
            st.error(plain(str(error)), icon=":material/error:")
            return
        _finish(f"Edition {name} approved: its figures are frozen, and its link is {link(name)}.")


def _warn_demo(rows: int, holder: str) -> None:
    if rows:
        st.warning(
            f"{holder} {words.count_of(rows, 'demo row')} (generated, not real data): an edition of them would hand TDAG "
            "illustrative figures. Remove the demo rows on the History page first.",
            icon=":material/science:",
        )


_KEY_FIGURES = (
    "eois.total",
    "eois.countries",
    "centers.launched",
    "centers.total",
    "events.total",
    "events.participants",
    "resources_usd",
    "milestones.done",
    "milestones.overdue",
)


def _key_figures(figures: dict) -> pd.DataFrame:
    flat = flatten(figures)
    return pd.DataFrame([{"Figure": label(k), "Value": words.count(flat.get(k, 0))} for k in _KEY_FIGURES])


def revisions_table(revisions: list[dict], identities: bool) -> pd.DataFrame:
    """One row per figure the data as it is now gives differently: edition, now, change, and the loads behind it."""

    from components.load_history import KINDS

    def loads(found: list[dict]) -> str:
        if not found:
            return "not found"
        parts = []
        for x in found:
            when = words.stamp(datetime.fromisoformat(str(x["loaded_at"])))
            what = f"{KINDS.get(x['kind'], x['kind'])} of {when}"
            if identities:  # analysts: which load, which file, by whom
                what = f"load {x['load_id']}: {what} ({x['file_name']}, by {x['loaded_by']})"
            parts.append(what + (" (probably: it changed this figure's sheet)" if x.get("found_by") else ""))
        return "; ".join(parts)

    return pd.DataFrame(
        [
            {
                "Figure": label(r["kpi"]),
                # Text, so that a figure no record states reads "not recorded", never an empty or 0 cell.
                "In the edition": words.count(r["edition"]),
                "Now": words.count(r["now"]),
                "Change": "" if r["change"] is None else words.signed(r["change"]),
                "Changed by": loads(r["loads"]),
                "key": r["kpi"],
            }
            for r in revisions
        ],
        columns=["Figure", "In the edition", "Now", "Change", "Changed by", "key"],
    )


def render_revisions(edition: dict, region: str | None, identities: bool) -> None:
    """The edition's figures that the data as it is now gives differently, for its period and the region chosen."""
    start = date.fromisoformat(edition["from"]) if edition["from"] else None
    period = words.period(start, date.fromisoformat(edition["as_of"]))
    where = region_names()[region] if region else "the whole Alliance"
    found = data.revisions(edition["name"], region)
    title = f"Figures of edition {edition['name']} ({where}, {period}) that the data as they are now give differently"
    st.markdown(f"##### {plain(title)}")
    if not found:
        st.success(
            f"No revision: the data as they are now give every figure of {plain(edition['name'])} for {where} as the edition does.",
            icon=":material/check_circle:",
        )
        return
    table = revisions_table(found, identities)
    st.caption(
        f'{words.count_of(len(table), "figure")} {words.agree(len(table), "differs", "differ")}. "Changed by" names the '
        "updates since the edition that changed each figure."
    )
    st.dataframe(
        table.drop(columns=["key"]),
        hide_index=True,
        width="stretch",
        column_config={
            "Figure": st.column_config.TextColumn("Figure", width="medium"),
            "Change": st.column_config.TextColumn("Change"),
            "Changed by": st.column_config.TextColumn("Changed by", width="large"),
        },
    )
    render_downloads(table, title, f"revisions_{edition['name']}")
