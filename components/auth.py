"""The signed-in person and their role, checked again on the server before every write."""

import streamlit as st

from alliance import AllianceError, loader
from alliance.roles import allows, local_role, published_only, read_only, role_of


def sign_in_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (OIDC through st.login).

    Asked once per session: with no secrets file, Streamlit looks for one again on every question
    (a tenth of a rerun under a crowd, several questions a rerun).
    """
    if "_sign_in_configured" not in st.session_state:
        try:
            st.session_state["_sign_in_configured"] = "auth" in st.secrets
        except Exception:  # no secrets file at all
            st.session_state["_sign_in_configured"] = False
    return st.session_state["_sign_in_configured"]


def _role_map() -> dict:
    try:
        return dict(st.secrets.get("roles", {}))
    except Exception:
        return {}


def needs_sign_in() -> bool:
    """Sign-in is configured and this browser has not signed in."""
    return sign_in_configured() and not st.user.get("is_logged_in")


def role() -> str:
    """This session's role: from the role map when sign-in is configured; else $ALLIANCE_ROLE (default
    admin) on a local desktop.

    Started with ALLIANCE_READ_ONLY=1 or ALLIANCE_PUBLISHED_ONLY=1, everyone is a viewer.
    """
    if read_only():
        return "viewer"
    if sign_in_configured():
        return role_of(st.user.get("email") if st.user.get("is_logged_in") else None, _role_map())
    return local_role()


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
    st.button("Sign in", type="primary", on_click=st.login, icon=":material/login:")
