"""The shared sidebar filters, kept in the URL so that a copied link opens the same view."""

from dataclasses import dataclass
from datetime import date

import streamlit as st

from alliance import words
from alliance.kpis import CAPABILITY_NAMES, region_names  # noqa: F401 (CAPABILITY_NAMES: also for pages)
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
        return region_names()[self.region] if self.region else "all regions"

    @property
    def where_label(self) -> str:
        """The region and capability shown: 'all regions' or 'Africa, Policy experimentation'."""
        text = self.region_label
        if self.capability:
            text += f", {CAPABILITY_NAMES[self.capability]}"
        return text

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
        return f"{self.where_label}, {self.period_label}"

    @property
    def stock_scope_label(self) -> str:
        """Scope of a stock: 'all regions, as at 30 June 2023'."""
        return f"{self.where_label}, {self.stock_label}"


def _quoted(value: str, limit: int = 200) -> str:
    """A value from the link, in quotes, as text: st.warning reads Markdown, and a link is anyone's to write."""
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return f"'{plain(value)}'"


def _check_url() -> list[str]:
    """Drop URL values that are not valid, so the widgets fall back to their defaults; say so.

    Only on a session's first run: afterwards the widgets own their URL parameters.
    """
    if st.session_state.get("_url_checked"):
        return []
    st.session_state["_url_checked"] = True
    notices = []
    params = st.query_params
    for name, label in (("as_of", "as-of date"), ("from", "period start")):
        if name in params:
            try:
                date.fromisoformat(params[name])
            except ValueError:
                notices.append(f"The link's {label} {_quoted(params[name])} is not a date; showing the default.")
                del params[name]
    for name, allowed, label in (("region", region_names(), "region"), ("capability", CAPABILITY_NAMES, "capability")):
        # Select boxes write their option's label to the URL (region=Africa); a code works too.
        if name in params and params[name] in allowed:
            sidebar.put(name, params[name])
            params[name] = allowed[params[name]]
        if name in params and params[name] not in (*allowed.values(), ALL):
            notices.append(f"The link's {label} {_quoted(params[name])} is unknown; showing all.")
            del params[name]
    return notices


def sidebar_filters(edition: dict | None = None) -> Filters:
    """Draw the filters in the sidebar and return what they say; an edition fixes the period to its own."""
    notices = _check_url()
    with st.sidebar:
        st.markdown("**Filters**")
        if edition:
            region, capability = _places()
            for notice in notices:
                st.warning(notice, icon=":material/link_off:")
            start = date.fromisoformat(edition["from"]) if edition["from"] else None
            return Filters(date.fromisoformat(edition["as_of"]), start, region, capability)
        as_of = st.date_input(
            "As of", value=date.today(), min_value=date(2015, 1, 1), key="as_of", bind="query-params", format="DD/MM/YYYY"
        )
        start = st.date_input(
            "Period start", value=LAUNCH, min_value=date(2015, 1, 1), key="from", bind="query-params", format="DD/MM/YYYY"
        )
        region, capability = _places()
        if start > as_of:
            # The launch, or for an as-of date before it, the start of that year.
            fallback = LAUNCH if LAUNCH <= as_of else date(as_of.year, 1, 1)
            notices.append(
                f"The period start {words.day(start)} is after the as-of date {words.day(as_of)}; "
                f"the period starts on {words.day(fallback)} instead."
            )
            start = fallback
        for notice in notices:
            st.warning(notice, icon=":material/link_off:")
    return Filters(as_of, start, region, capability)


def _places() -> tuple[str | None, str | None]:
    """The region and capability select boxes; None for all."""
    region = st.selectbox(
        "Region",
        [ALL, *[c for c in region_names() if c != "GLB"]],
        format_func=lambda c: "All regions" if c == ALL else region_names()[c],
        key="region",
        bind="query-params",
    )
    capability = st.selectbox(
        "Strategic capability",
        [ALL, *CAPABILITY_NAMES],
        format_func=lambda c: "All capabilities" if c == ALL else CAPABILITY_NAMES[c],
        key="capability",
        bind="query-params",
    )
    return (None if region == ALL else region), (None if capability == ALL else capability)
