"""The signed-in person and their role, checked again on the server before every write."""

import logging
import os

import streamlit as st

from alliance import AllianceError, loader
from alliance.access import Access, check, unreadable
from alliance.roles import allows, published_only, read_only, role_of
from components.escape import plain

_ACCESS = "_access"  # this session's access configuration, read once (this module alone writes it)
_LOG = logging.getLogger("alliance.access")
if not _LOG.handlers:  # the server's log (its standard error), dated as Streamlit's own lines are
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _LOG.addHandler(_handler)
    _LOG.setLevel(logging.INFO)
_logged: set[str] = set()


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


def needs_sign_in() -> bool:
    """Sign-in is configured and this browser has not signed in."""
    return sign_in_configured() and not st.user.get("is_logged_in")


def role() -> str:
    """This session's role: from the role map when sign-in is configured, else $ALLIANCE_ROLE (default
    viewer); a viewer when the app runs read-only or its configuration is refused.
    """
    found = access()
    if found.problems or found.read_only:
        return "viewer"
    if found.sign_in:
        return role_of(st.user.get("email") if st.user.get("is_logged_in") else None, found.role_map)
    return found.local_role


def may(needed: str) -> bool:
    """Whether this session may do what needs the role `needed`."""
    return allows(role(), needed)


def require(needed: str) -> None:
    """Refuse a write on the server when the session's role does not allow it."""
    if not may(needed):
        reason = "the app runs read-only" if read_only() else f"your role is {role()}"
        raise AllianceError(f"Not allowed: this needs the {needed} role, and {reason}.")


def who() -> str:
    """Who is acting, for the history: the signed-in e-mail, else the operating-system user."""
    if st.user.get("is_logged_in") and st.user.get("email"):
        return str(st.user.get("email"))
    return loader.current_user()


def render_identity() -> None:
    """Say in the sidebar who is signed in, with what role, and offer to sign out."""
    with st.sidebar:
        if published_only():
            st.caption(":material/verified: Approved editions only: figures reviewed and approved for TDAG.")
        elif read_only():
            st.caption(":material/lock: Read-only: nobody can upload or roll back.")
        if sign_in_configured() and st.user.get("is_logged_in"):
            st.caption(f"Signed in as {st.user.get('email')} ({role()})")
            st.button("Sign out", on_click=st.logout, icon=":material/logout:")


def sign_in_page() -> None:
    """The only page before sign-in."""
    st.title("Alliance Dashboard")
    st.markdown("Results reporting for ITU-D's Innovation and Entrepreneurship Alliance for Digital Development.")
    providers = access().providers
    if not providers:
        st.button("Sign in", type="primary", on_click=st.login, icon=":material/login:")
    for provider in providers:
        st.button(f"Sign in with {provider}", type="primary", on_click=st.login, args=(provider,), icon=":material/login:")


def configuration_error_page() -> None:
    """The only page of an app whose access configuration is refused: what is wrong and what to do, no data."""
    st.title("Configuration error")
    st.markdown(
        "The dashboard's access configuration is not coherent, so it shows no data to anyone until it is "
        "corrected. Whoever runs this server: correct what follows (in `.streamlit/secrets.toml` or the "
        "environment), then restart the server. The server's log says the same."
    )
    for problem in access().problems:
        st.error(plain(problem), icon=":material/error:")
