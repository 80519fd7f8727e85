"""The signed-in person and their role, checked again on the server before every write."""

import logging
import os
import time
from pathlib import Path

import streamlit as st

from alliance import AllianceError, i18n, words
from alliance.access import Access, check, record_sign_out, sign_in_ended, signed_out_at, unreadable
from alliance.i18n import N_, _, n_
from alliance.roles import allows, published_only, read_only, role_of
from alliance.store import Store, default_path
from alliance.who import current_user
from components.escape import plain

# Session keys this module alone writes: the access configuration and this person's last sign-out.
_ACCESS = "_access"
_SIGNED_OUT = "_signed_out_at"
_LOG = logging.getLogger("alliance.access")
if not _LOG.handlers:  # the server's log (its standard error), dated as Streamlit's own lines are
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _LOG.addHandler(_handler)
    _LOG.setLevel(logging.INFO)
_logged: set[str] = set()
# The roles as a reader is told them (the role map and the settings name them in English).
ROLE_NAMES = {"viewer": N_("viewer"), "analyst": N_("analyst"), "admin": N_("admin")}


def _role_name(code: str) -> str:
    return _(ROLE_NAMES[code]) if code in ROLE_NAMES else code


def access() -> Access:
    """The access configuration, read once per session; a refused one is logged once per server."""
    if _ACCESS not in st.session_state:
        paths = list(st.get_option("secrets.files"))
        problems = unreadable(paths)
        secrets = {}
        if not problems and st.secrets.load_if_toml_exists():
            secrets = st.secrets.to_dict()
        found = check(secrets, os.environ, problems)
        if found.summary() not in _logged:
            _logged.add(found.summary())
            (_LOG.error if found.problems else _LOG.info)("Access configuration: %s", found.summary())
        st.session_state[_ACCESS] = found
    return st.session_state[_ACCESS]


def refused() -> bool:
    """The access configuration is not coherent: the app serves its configuration error and nothing else."""
    return bool(access().problems)


def sign_in_configured() -> bool:
    """True when the secrets have an [auth] section (OpenID Connect through st.login)."""
    return access().sign_in


def _sign_outs() -> Path:
    """Where sign-outs are kept, beside the store, for every server on it."""
    return Store(default_path()).snapshots


def signed_in() -> bool:
    """Signed in through the provider, and that sign-in not over: Streamlit's cookie lasts 30 days and
    outlives a sign-out, so a sign-in older than ALLIANCE_SIGN_IN_HOURS (default 12), or from before that
    person's last sign-out anywhere, counts as none. The sign-outs are read once per session."""
    if not (sign_in_configured() and st.user.get("is_logged_in")):
        return False
    if _SIGNED_OUT not in st.session_state:
        st.session_state[_SIGNED_OUT] = signed_out_at(_sign_outs(), st.user.get("email"))
    return not sign_in_ended(st.user, time.time(), access().sign_in_hours, st.session_state[_SIGNED_OUT])


def needs_sign_in() -> bool:
    """Sign-in is configured and this browser has not signed in (or its sign-in is over)."""
    return sign_in_configured() and not signed_in()


def _sign_out() -> None:
    """Sign out here and, for a copy of this browser's cookie, everywhere."""
    try:
        record_sign_out(_sign_outs(), st.user.get("email"), time.time())
    except OSError as error:  # e.g. a read-only mirror's store folder: this browser still signs out
        _LOG.error("Sign-out of %s not recorded beside the store: %s", st.user.get("email"), error)
    st.session_state.pop(_SIGNED_OUT, None)
    st.logout()


def _verified_email() -> str | None:
    """The signed-in address the role map is read with; none when the provider says it is not verified."""
    if not signed_in() or st.user.get("email_verified") is False:
        return None
    return st.user.get("email")


def role() -> str:
    """This session's role: from the role map when sign-in is configured, else $ALLIANCE_ROLE (default
    viewer); a viewer when the app runs read-only or its configuration is refused.
    """
    found = access()
    if found.problems or found.read_only:
        return "viewer"
    if found.sign_in:
        return role_of(_verified_email(), found.role_map)
    return found.local_role


def may(needed: str) -> bool:
    """Whether this session may do what needs the role `needed`."""
    return allows(role(), needed)


def require(needed: str) -> None:
    """Refuse a write on the server when the session's role does not allow it."""
    if not may(needed):
        if read_only():
            message = _("Not allowed: this needs the {needed} role, and the app runs read-only.")
        else:
            message = _("Not allowed: this needs the {needed} role, and your role is {role}.")
        raise AllianceError(message.format(needed=_role_name(needed), role=_role_name(role())))


def who() -> str:
    """Who is acting, for the history: the signed-in e-mail, else the operating-system user."""
    if signed_in() and st.user.get("email"):
        return str(st.user.get("email"))
    return current_user()


def render_identity() -> None:
    """Say in the sidebar who is signed in, with what role, and offer to sign out."""
    with st.sidebar:
        if published_only():
            st.caption(":material/verified: " + _("Approved editions only: figures reviewed and approved for TDAG."))
        elif read_only():
            st.caption(":material/lock: " + _("Read-only: nobody can upload or roll back."))
        if signed_in():
            st.caption(_("Signed in as {email} ({role})").format(email=plain(st.user.get("email")), role=_role_name(role())))
            st.button(_("Sign out"), on_click=_sign_out, icon=":material/logout:")


def sign_in_page() -> None:
    """The only page before sign-in."""
    st.title(_("Alliance Dashboard"))
    st.markdown(_("Results reporting for ITU-D's {alliance}.").format(alliance=i18n.name("alliance", "IEA")))
    if st.user.get("is_logged_in"):  # Streamlit still knows the browser, but its sign-in is over
        hours = float(access().sign_in_hours)
        st.info(
            n_(
                "Your sign-in has ended (it lasts {hours} hour, and signing out ends it everywhere): sign in again.",
                "Your sign-in has ended (it lasts {hours} hours, and signing out ends it everywhere): sign in again.",
                # A fraction of an hour takes the form of 2 (plural in English, 'часа' in Russian).
                int(hours) if hours.is_integer() else 2,
            ).format(hours=words.decimal(hours))
        )
    providers = access().providers
    if not providers:
        st.button(_("Sign in"), type="primary", on_click=st.login, icon=":material/login:")
    for provider in providers:
        st.button(
            _("Sign in with {provider}").format(provider=provider),
            type="primary",
            on_click=st.login,
            args=(provider,),
            icon=":material/login:",
        )


def configuration_error_page() -> None:
    """The only page of an app whose access configuration is refused: what is wrong and what to do, no data."""
    st.title(_("Configuration error"))
    st.markdown(
        _(
            "The dashboard's access configuration is not coherent, so it shows no data to anyone until it is "
            "corrected. Whoever runs this server: correct what follows (in `.streamlit/secrets.toml` or the "
            "environment), then restart the server. The server's log says the same."
        )
    )
    # The problems themselves stay in English: the server's log says them so, and whoever runs it reads them there.
    for problem in access().problems:
        st.error(plain(problem), icon=":material/error:")
