"""The shared sidebar filters, kept in the URL so that a copied link opens the same view."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import streamlit as st

from alliance import i18n, words
from alliance.i18n import N_, _
from alliance.kpis import CAPABILITY_NAMES, capability_names, region_names  # noqa: F401 (CAPABILITY_NAMES: also for pages)
from alliance.words import LAUNCH
from components import sidebar
from components.escape import plain

ALL = "all"


@dataclass(frozen=True)
class Filters:
    as_of: date
    period_start: date | None  # None: no start (an edition prepared without one)
    region: str | None
    capability: str | None

    @property
    def params(self) -> dict:
        """Query parameters every page query accepts."""
        return {"as_of": self.as_of, "period_start": self.period_start, "region": self.region, "capability": self.capability}

    @property
    def region_label(self) -> str:
        return region_names()[self.region] if self.region else _("all regions")

    @property
    def where_label(self) -> str:
        """The region and capability shown: 'all regions' or 'Africa, Policy experimentation'."""
        if not self.capability:
            return self.region_label
        return _("{region}, {capability}").format(region=self.region_label, capability=capability_names()[self.capability])

    @property
    def period_label(self) -> str:
        """When flows count: 'in the period 25 January 2023 to 30 June 2023'."""
        return words.period(self.period_start, self.as_of)

    @property
    def stock_label(self) -> str:
        """When stocks are counted: 'as at 30 June 2023'."""
        return words.as_at(self.as_of)

    @property
    def scope_label(self) -> str:
        """Scope of a flow: 'all regions, in the period 25 January 2023 to 30 June 2023'."""
        return _("{where}, {when}").format(where=self.where_label, when=self.period_label)

    @property
    def stock_scope_label(self) -> str:
        """Scope of a stock: 'all regions, as at 30 June 2023'."""
        return _("{where}, {when}").format(where=self.where_label, when=self.stock_label)


def _quoted(value: str, limit: int = 200) -> str:
    """A value from the link, as text (the message quotes it): st.warning reads Markdown, and a link is anyone's
    to write."""
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return plain(value)


def _codes(names: Callable[[], dict[str, str]]) -> dict[str, str]:
    """Every way a link may name a region or capability -> its code: the code, or its name in any of the six
    languages (a link copied in one language opens in another)."""
    found = {code: code for code in names()}
    for language in i18n.LANGUAGES:
        with i18n.speaking(language):
            found.update({name: code for code, name in names().items()})
    return found


_NOT_A_DATE = {
    "as_of": N_("The link's as-of date '{value}' is not a date; showing the default."),
    "from": N_("The link's period start '{value}' is not a date; showing the default."),
}
_UNKNOWN = {
    "region": N_("The link's region '{value}' is unknown; showing all."),
    "capability": N_("The link's capability '{value}' is unknown; showing all."),
}


def _check_url() -> list[str]:
    """Drop URL values that are not valid, so the widgets fall back to their defaults; say so.

    Only on a session's first run: afterwards the widgets own their URL parameters.
    """
    if st.session_state.get("_url_checked"):
        return []
    st.session_state["_url_checked"] = True
    notices = []
    params = st.query_params
    for name in ("as_of", "from"):
        if name in params:
            try:
                date.fromisoformat(params[name])
            except ValueError:
                notices.append(_(_NOT_A_DATE[name]).format(value=_quoted(params[name])))
                del params[name]
    for name, names in (("region", region_names), ("capability", capability_names)):
        # Select boxes write their option's label to the URL (region=Africa, in French region=Afrique); a code
        # works too, and so does a name in another of the six languages: the box shows it in the language spoken.
        code = _codes(names).get(params.get(name)) if name in params else None
        if code:
            sidebar.put(name, code)
            params[name] = names()[code]
        elif name in params and params[name] != ALL:
            notices.append(_(_UNKNOWN[name]).format(value=_quoted(params[name])))
            del params[name]
    return notices


# The language each select box bound to the link was last drawn in.
_DRAWN_IN = "_boxes_language"


def keep_choice(key: str) -> None:
    """Call before drawing a select box bound to the link whose option labels depend on the language: after a
    language switch, write its choice back, so that the browser shows it and the link carries it in the language
    now spoken. (The browser still holds the label in the language it was chosen in, which the box no longer
    offers: the box would show none, and the link would keep the old label.)"""
    drawn = st.session_state.setdefault(_DRAWN_IN, {})
    if drawn.get(key, i18n.current()) != i18n.current() and st.session_state.get(key) is not None:
        # Read through the box's previous run (its labels then), written back as the option itself.
        sidebar.put(key, st.session_state[key])
    drawn[key] = i18n.current()


def sidebar_filters(edition: dict | None = None) -> Filters:
    """Draw the filters in the sidebar and return what they say; an edition fixes the period to its own."""
    notices = _check_url()
    with st.sidebar:
        st.markdown(_("**Filters**"))
        if edition:
            region, capability = _places()
            for notice in notices:
                st.warning(notice, icon=":material/link_off:")
            start = date.fromisoformat(edition["from"]) if edition["from"] else None
            return Filters(date.fromisoformat(edition["as_of"]), start, region, capability)
        as_of = st.date_input(
            _("As of"), value=date.today(), min_value=date(2015, 1, 1), key="as_of", bind="query-params", format="DD/MM/YYYY"
        )
        start = st.date_input(
            _("Period start"), value=LAUNCH, min_value=date(2015, 1, 1), key="from", bind="query-params", format="DD/MM/YYYY"
        )
        region, capability = _places()
        if start > as_of:
            # The launch, or for an as-of date before it, the start of that year.
            fallback = LAUNCH if LAUNCH <= as_of else date(as_of.year, 1, 1)
            notices.append(
                _("The period start {start} is after the as-of date {as_of}; the period starts on {fallback} instead.").format(
                    start=words.day(start), as_of=words.day(as_of), fallback=words.day(fallback)
                )
            )
            start = fallback
        for notice in notices:
            st.warning(notice, icon=":material/link_off:")
    return Filters(as_of, start, region, capability)


def _places() -> tuple[str | None, str | None]:
    """The region and capability select boxes; None for all."""
    # The labels of this run's language, bound to the boxes: a box formats its value again after the run.
    regions = {ALL: _("All regions"), **region_names()}
    capabilities = {ALL: _("All capabilities"), **capability_names()}
    keep_choice("region")
    region = st.selectbox(
        _("Region"),
        [c for c in regions if c != "GLB"],
        format_func=regions.__getitem__,
        key="region",
        bind="query-params",
        placeholder=_("Choose an option"),
    )
    keep_choice("capability")
    capability = st.selectbox(
        _("Strategic capability"),
        list(capabilities),
        format_func=capabilities.__getitem__,
        key="capability",
        bind="query-params",
        placeholder=_("Choose an option"),
    )
    return (None if region == ALL else region), (None if capability == ALL else capability)
