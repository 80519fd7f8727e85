"""The Publish and Revisions pages' parts: prepare an edition, approve one, list them, and what changed since."""

from datetime import date, datetime

import pandas as pd
import streamlit as st

from alliance import AllianceError, i18n, words
from alliance.editions import approve, flatten, label, publish
from alliance.i18n import N_, _, n_
from alliance.kpis import region_names
from alliance.store import Store
from components import auth, data
from components.charts import render_downloads
from components.escape import plain

_DONE = "publish_done"
# The tables' headers as shown (the frames keep these names: the pages and the downloads' code pick columns by them).
_HEADERS = {
    "Edition": N_("Edition"),
    "Status": N_("Status"),
    "Link": N_("Link"),
    "Period": N_("Period"),
    "Approved": N_("Approved"),
    "Approved by": N_("Approved by"),
    "Approved by (OS account)": N_("Approved by (OS account)"),
    "Prepared": N_("Prepared"),
    "Prepared by": N_("Prepared by"),
    "Prepared by (OS account)": N_("Prepared by (OS account)"),
    "Note": N_("Note"),
    "Figure": N_("Figure"),
    "Value": N_("Value"),
    "In the edition": N_("In the edition"),
    "Now": N_("Now"),
    "Change": N_("Change"),
    "Changed by": N_("Changed by"),
}


def _headed(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its headers in the language spoken."""
    if i18n.current() == i18n.ENGLISH:
        return frame
    return frame.rename(columns={c: _(label) for c, label in _HEADERS.items() if c in frame.columns})


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
            "Status": _("approved") if e["status"] == "published" else _("draft"),
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
    return account or _(words.NOT_RECORDED)


def render_editions(editions: list[dict], identities: bool = True) -> None:
    """The editions, newest first, each with its permalink; downloads of the list."""
    st.markdown("##### " + _("Editions ({count})").format(count=words.count(len(editions))))
    if not editions:
        st.caption(_("No edition yet."))
        return
    table = _headed(editions_table(editions, identities))
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            _("Link"): st.column_config.LinkColumn(_("Link"), display_text=_("open"), help=_("The edition's permalink"))
        },
    )
    render_downloads(table, _("Editions of the Alliance's figures"), "editions")


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
    st.markdown("##### " + _("Prepare an edition"))
    st.caption(
        _(
            "An edition keeps the data exactly as they are now, for the period you give. It stays a draft, seen by "
            "analysts and admins only, until an admin who did not prepare it approves it; then its figures never change."
        )
    )
    _warn_demo(int(demo["demo_rows"].iloc[0]), draft=False)
    with st.form("prepare", border=True):
        name = st.text_input(
            _("Name"), max_chars=60, placeholder="TDAG-26", help=_("Letters, digits, spaces, dots, dashes, underscores")
        )
        left, right = st.columns(2)
        start = left.date_input(_("Period start"), value=words.LAUNCH, min_value=date(2015, 1, 1), format="DD/MM/YYYY")
        as_of = right.date_input(_("As of"), value=date.today(), min_value=date(2015, 1, 1), format="DD/MM/YYYY")
        note = st.text_area(_("Note (optional)"), max_chars=500, placeholder=_("For the TDAG meeting of ..."))
        submitted = st.form_submit_button(_("Prepare the draft"), type="primary", icon=":material/edit_note:")
    if submitted:
        if start > as_of:
            st.error(
                _("The period start {start} is after the as-of date {as_of}.").format(
                    start=words.day(start), as_of=words.day(as_of)
                ),
                icon=":material/error:",
            )
            return
        try:
            auth.require("analyst")
            edition = publish(store, name, as_of, start, note, user=auth.who())
        except AllianceError as error:
            st.error(plain(str(error)), icon=":material/error:")
            return
        _finish(
            _(
                "Draft edition {name} prepared, {period}. Check it with the link in the list, then ask an admin who did "
                "not prepare it to approve it."
            ).format(name=edition["name"], period=words.period(start, as_of))
        )


def render_approve(store: Store, drafts: list[dict]) -> None:
    """Pick a draft, see its key figures, and approve it (an admin who did not prepare it)."""
    st.markdown("##### " + _("Approve a draft"))
    if not drafts:
        st.caption(_("No draft waits for approval."))
        return
    by_name = {e["name"]: e for e in drafts}
    name = st.selectbox(_("Draft"), list(by_name), key="approve_name", placeholder=_("Choose an option"))
    edition = by_name[name]
    start = date.fromisoformat(edition["from"]) if edition["from"] else None
    st.caption(
        _("Prepared by {name} (OS account {account}) on {when}; figures {period}.").format(
            name=plain(edition["prepared_by"]),
            account=plain(_account(edition["prepared_by_account"])),
            when=words.stamp(datetime.fromisoformat(edition["prepared_at"])),
            period=words.period(start, date.fromisoformat(edition["as_of"])),
        )
    )
    if store.snapshot_path(edition["snapshot"]).exists():
        _warn_demo(int(data.frame_in(edition, "demo_rows")["demo_rows"].iloc[0]), draft=True)
    figures = data.edition_figures(name)
    st.dataframe(_headed(_key_figures(figures)), hide_index=True, width="stretch")
    st.link_button(_("Open the draft"), link(name), icon=":material/open_in_new:")
    if not auth.may("admin"):
        st.caption(_("Approving needs the admin role."))
        return
    try:
        me = auth.who()
    except AllianceError as error:  # an ALLIANCE_USER that names nobody (a control character in it)
        st.error(plain(str(error)), icon=":material/error:")
        return
    if edition["prepared_by"].strip().casefold() == me.strip().casefold():
        st.caption(_("You ({name}) prepared this edition: another admin must check and approve it.").format(name=plain(me)))
        st.button(_("Approve and publish"), disabled=True, key="approve", icon=":material/verified:")
        return
    confirmed = st.checkbox(
        _("I have checked the figures of {name}: publish them").format(name=plain(name)), key=f"approve_confirm_{name}"
    )
    if st.button(_("Approve and publish"), type="primary", disabled=not confirmed, key="approve", icon=":material/verified:"):
        try:
            auth.require("admin")
            approve(store, name, user=auth.who())
        except AllianceError as error:
            st.error(plain(str(error)), icon=":material/error:")
            return
        _finish(_("Edition {name} approved: its figures are frozen, and its link is {link}.").format(name=name, link=link(name)))


def _warn_demo(rows: int, draft: bool) -> None:
    """Warn that the data now (or the draft) hold demo rows, which an edition would hand TDAG."""
    if not rows:
        return
    if draft:
        said = n_(
            "This draft holds {count} demo row (generated, not real data): an edition of them would hand TDAG "
            "illustrative figures. Remove the demo rows on the History page first.",
            "This draft holds {count} demo rows (generated, not real data): an edition of them would hand TDAG "
            "illustrative figures. Remove the demo rows on the History page first.",
            rows,
        )
    else:
        said = n_(
            "The data now hold {count} demo row (generated, not real data): an edition of them would hand TDAG "
            "illustrative figures. Remove the demo rows on the History page first.",
            "The data now hold {count} demo rows (generated, not real data): an edition of them would hand TDAG "
            "illustrative figures. Remove the demo rows on the History page first.",
            rows,
        )
    st.warning(said.format(count=words.count(rows)), icon=":material/science:")


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

    from components.load_history import file_label, kind_label

    def loads(found: list[dict]) -> str:
        if not found:
            return _("not found")
        parts = []
        for x in found:
            when = words.stamp(datetime.fromisoformat(str(x["loaded_at"])))
            what = _("{kind} of {when}").format(kind=kind_label(x["kind"]), when=when)
            if identities:  # analysts: which load, which file, by whom
                what = _("load {load}: {what} ({file}, by {by})").format(
                    load=x["load_id"], what=what, file=file_label(x), by=x["loaded_by"]
                )
            if x.get("found_by"):
                what = _("{what} (probably: it changed this figure's sheet)").format(what=what)
            parts.append(what)
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
    where = region_names()[region] if region else _("the whole Alliance")
    found = data.revisions(edition["name"], region)
    title = _("Figures of edition {name} ({where}, {period}) that the data as they are now give differently").format(
        name=edition["name"], where=where, period=period
    )
    # The whole title escaped (the edition's name among it), as it always was: every character shows as written.
    st.markdown(f"##### {plain(title)}")
    if not found:
        st.success(
            _("No revision: the data as they are now give every figure of {name} for {where} as the edition does.").format(
                name=plain(edition["name"]), where=where
            ),
            icon=":material/check_circle:",
        )
        return
    table = _headed(revisions_table(found, identities))
    st.caption(
        n_(
            '{count} figure differs. "Changed by" names the updates since the edition that changed each figure.',
            '{count} figures differ. "Changed by" names the updates since the edition that changed each figure.',
            len(table),
        ).format(count=words.count(len(table)))
    )
    figure, change, changed_by = _("Figure"), _("Change"), _("Changed by")
    st.dataframe(
        table.drop(columns=["key"]),
        hide_index=True,
        width="stretch",
        column_config={
            figure: st.column_config.TextColumn(figure, width="medium"),
            change: st.column_config.TextColumn(change),
            changed_by: st.column_config.TextColumn(changed_by, width="large"),
        },
    )
    render_downloads(table, title, f"revisions_{edition['name']}")
