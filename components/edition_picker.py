"""Which figures a session sees (the live data or an edition: frozen, approved figures), the banner naming the
edition, and the Overview's Compare with.

The choice is a sidebar select box kept in the URL (?edition=TDAG-26) whenever an edition is shown,
so the address in the bar always gives the same figures. Started with ALLIANCE_PUBLISHED_ONLY=1 the app offers approved editions only, the
latest by default. Drafts are listed for analysts and admins only.
"""

from datetime import date, datetime

import streamlit as st

from alliance import words
from alliance.history import ROLLBACK_KINDS
from alliance.i18n import N_, _
from alliance.roles import published_only
from components import auth, data, sidebar
from components.escape import plain
from components.filters import keep_choice

LIVE = N_("Live data")  # the Figures box's first option; shown through _()
NO_EDITION = {"name": None}  # published-only mode, and nothing approved yet


def no_edition_page() -> None:
    """The only page of a published-only app before the first edition is approved."""
    st.title(_("Alliance Dashboard"))
    st.info(
        _(
            "No edition of the Alliance's figures has been approved yet. This dashboard shows approved figures only: "
            "come back once BDT has approved the first edition."
        ),
        icon=":material/hourglass_empty:",
    )


def approved(listed: list[dict]) -> list[dict]:
    """The published editions, approved last first."""
    return sorted((e for e in listed if e["status"] == "published"), key=lambda e: e["approved_seq"], reverse=True)


def readable() -> list[dict]:
    """The editions whose stored state is there to read (a store restored without it keeps their figures
    for `kpis --edition`, but no page can show them)."""
    store = data.store()
    return [e for e in data.editions() if store.snapshot_path(e["snapshot"]).exists()]


def offered() -> list[dict]:
    """The editions this session may open: approved ones, and drafts for analysts and admins."""
    listed = readable()
    drafts = [e for e in listed if e["status"] == "draft"] if auth.may("analyst") and not published_only() else []
    return approved(listed) + drafts


def choose() -> dict | None:
    """Draw the sidebar choice of figures; return the edition chosen (None: live data).

    In published-only mode with no approved edition, return NO_EDITION: the app then shows nothing else.
    """
    editions = offered()
    by_name = {e["name"]: e for e in editions}
    only = published_only()
    options = list(by_name) if only else [LIVE, *by_name]
    if only and not editions:
        return NO_EDITION
    _follow_url(options, only)
    with st.sidebar:
        choice = st.selectbox(
            _("Figures"),
            options,
            # Edition names are as their makers wrote them, in every language.
            format_func=lambda option, live=_(LIVE): live if option == LIVE else option,
            key="edition",
            help=_(
                "Live data: every load as it is now. An edition: the figures approved for TDAG, frozen, "
                "with a link that always gives the same figures."
            ),
            placeholder=_("Choose an option"),
        )
        edition = by_name.get(choice)
        if edition and data.refusal(edition):  # the page says why (components/data.py)
            st.caption(_("Edition {name}: refused, its stored data have changed.").format(name=plain(edition["name"])))
        elif edition and edition["status"] == "published":
            st.caption(_("Edition {name} (approved): {period}.").format(name=plain(edition["name"]), period=_period(edition)))
        elif edition:
            st.caption(
                _("Edition {name} (DRAFT, not approved): {period}.").format(name=plain(edition["name"]), period=_period(edition))
            )
    _name_in_url(edition)
    return edition


# The edition= this session last wrote to the address (None: none, for the live data): a different one there
# came from outside (a link opened, the browser's Back), and wins over the box.
_WRITTEN = "_edition_in_url"


def _follow_url(options: list[str], only: bool) -> None:
    """Set the Figures box: from the address's edition= when the box did not put it there, else as the reader left it.

    The box is not bound to the address (bind="query-params"): a bound box leaves its default out of the
    address, and in published-only mode the default is the latest edition, whose link must name it. Its value
    is set on every run because a widget of app.py changes identity with the page (Streamlit adds the page's
    script to it), and would otherwise fall back to its default.
    """
    asked = st.query_params.get("edition")
    kept = sidebar.value("edition")  # the reader's choice, made in the box on this run or before
    written = st.session_state.get(_WRITTEN)
    if asked is not None and (asked != written or kept not in options):
        # Names are unique whatever the case: a link may write one otherwise (the address then gives it as named).
        canonical = {name.casefold(): name for name in options if name != LIVE}
        choice = canonical.get(asked.strip().casefold())
        if choice is None:
            if only:
                notice = _("The link's edition '{name}' is not an approved edition here; showing the latest approved edition.")
            elif not auth.may("analyst"):
                notice = _("The link's edition '{name}' is not an approved edition here; showing the live data.")
            else:
                notice = _("The link's edition '{name}' is not an edition here; showing the live data.")
            st.session_state["_edition_notice"] = notice.format(name=plain(asked[:80]))
            choice = options[0]
    elif kept in options:
        choice = kept
    else:  # the box lost its value, or its edition is no longer offered
        choice = written if written in options else options[0]
    sidebar.put("edition", choice)


def _name_in_url(edition: dict | None) -> None:
    """Keep edition=NAME in the address while an edition is shown (the latest too), and none for the live data."""
    name = edition["name"] if edition else None
    if st.query_params.get("edition") != name:
        if name is None:
            del st.query_params["edition"]
        else:
            st.query_params["edition"] = name
    st.session_state[_WRITTEN] = name


def _period(edition: dict) -> str:
    start = date.fromisoformat(edition["from"]) if edition["from"] else None
    return words.period(start, date.fromisoformat(edition["as_of"]))


def _when(stamp: str | None) -> str:
    return words.day(datetime.fromisoformat(stamp).date()) if stamp else ""


def render_banner(edition: dict) -> None:
    """Name the edition shown: its period, who approved it and when, and whether the live data changed since."""
    name = plain(edition["name"])
    if edition["status"] == "published":
        # Who approved an edition is part of what it says, for every reader.
        said = _(
            "**Edition {name}**, approved by {who} on {day}. Figures {period}, frozen as approved: this link always "
            "gives the same figures."
        ).format(name=name, who=plain(edition["approved_by"]), day=_when(edition["approved_at"]), period=_period(edition))
    else:
        said = _(
            "**Draft edition {name}**, prepared by {who} on {day}: not approved, not for quoting. Figures {period}, kept "
            "as prepared, for review before approval."
        ).format(name=name, who=plain(edition["prepared_by"]), day=_when(edition["prepared_at"]), period=_period(edition))
    changed = _loads_since(edition)
    if not changed:
        since = _("The data have not changed since it was prepared.")
    elif published_only():
        # A delegate is told that the data moved on (not how): the edition's figures are what was approved.
        since = _("The data have changed since it was prepared; these figures do not.")
    else:
        since = words.counted(
            changed,
            "The data have changed since it was prepared ({count} update); these figures do not.",
            "The data have changed since it was prepared ({count} updates); these figures do not.",
        )
    text = f"{said} {since}"
    if edition["status"] == "published":
        st.info(text, icon=":material/verified:")
    else:
        st.warning(text, icon=":material/edit_note:")
    notice = st.session_state.pop("_edition_notice", None)
    if notice:
        st.warning(notice, icon=":material/link_off:")


def render_notice() -> None:
    """Say once that a link named an edition this session cannot open."""
    notice = st.session_state.pop("_edition_notice", None)
    if notice:
        st.warning(notice, icon=":material/link_off:")


def _loads_since(edition: dict) -> int:
    later = [load for load in data.live_loads() if load["load_id"] > edition["last_load_id"] and load["kind"] in ROLLBACK_KINDS]
    return len(later)


A_DATE = N_("A date")  # the Compare with box's last option; shown through _()


def choose_comparison(view: data.View) -> tuple[dict, str, bool]:
    """The Overview's 'Compare with': the latest approved edition by default (or a date); return the
    figures of the same view there, how to name them ("TDAG-26" or "30 June 2025"), and whether that
    is an edition.

    Against an edition, a figure's change is what the data gained since it was prepared: the same
    period, region and capability counted on the edition's stored state.
    """
    from datetime import timedelta

    f, viewing = view.filters, view.edition
    editions = [e for e in approved(readable()) if not viewing or e["approved_seq"] < (viewing["approved_seq"] or 1 << 62)]
    refused = [e for e in editions if data.refusal(e)]
    if refused:
        # No change is counted against figures that can no longer be vouched for.
        names = ", ".join(plain(e["name"]) for e in refused)
        st.warning(
            _("Not offered for comparison: {names}, whose stored data have changed since approval.").format(names=names),
            icon=":material/gpp_bad:",
        )
        editions = [e for e in editions if e not in refused]
    by_name = {e["name"]: e for e in editions}
    left, right = st.columns([1, 1], width=460)
    keep_choice("compare_with")
    choice = left.selectbox(
        _("Compare with"),
        [*by_name, A_DATE],
        format_func=lambda option, a_date=_(A_DATE): a_date if option == A_DATE else option,
        key="compare_with",
        bind="query-params",
        help=_("An approved edition: the change since its figures were prepared. A date: the change since that date."),
        placeholder=_("Choose an option"),
    )
    if choice in by_name:
        edition = by_name[choice]
        return data.summary_in(edition, f.as_of, f.region, f.capability, f.period_start), edition["name"], True
    default = f.as_of - timedelta(days=365)
    compare = right.date_input(_("Date"), value=default, key="compare", bind="query-params", format="DD/MM/YYYY")
    if compare > f.as_of:
        # A change "since" a later date would subtract figures the as-of date does not know yet.
        st.warning(
            _("The comparison date {compare} is after the as-of date {as_of}; comparing with {default} instead.").format(
                compare=words.day(compare), as_of=words.day(f.as_of), default=words.day(default)
            ),
            icon=":material/event_busy:",
        )
        compare = default
    # The same period cut at the comparison date: a flow's change is what the days after it added.
    return data.summary(view, compare, f.region, f.capability, f.period_start), words.day(compare), False
