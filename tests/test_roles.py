"""Who may change the data: the role map, read-only mode, and pages left out of the navigation."""

import time

import pytest

from alliance.roles import allows, role_of
from components.escape import plain

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "9f2c47e1b05a8d3e6c71f0a4b2d95e8c3a6f1b7d0e4c9a2f5b8d1e7c3a0f6b94",
    "client_id": "c",
    "client_secret": "s",
    "server_metadata_url": "https://id.example/.well-known/openid-configuration",
}
ROLE_MAP = {"admin": ["Chief@itu.int"], "analyst": ["@itu.int", "consultant@example.org"], "default": "viewer"}


@pytest.mark.parametrize(
    "email, role",
    [
        ("chief@itu.int", "admin"),
        ("someone@itu.int", "analyst"),
        ("CONSULTANT@example.org", "analyst"),
        ("delegate@gov.example", "viewer"),
        (None, "viewer"),
        ("x@itu.int.evil.org", "viewer"),
    ],
)
def test_role_of_matches_addresses_then_domains(email, role):
    assert role_of(email, ROLE_MAP) == role


def test_allows_ranks_roles():
    assert allows("admin", "analyst") and allows("analyst", "analyst") and not allows("viewer", "analyst")


def test_read_only_app_offers_no_upload_or_rollback(app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_READ_ONLY", "1")
    at = app("history", as_of="2023-06-30")
    assert not at.exception
    assert not [b for b in at.button if b.label in ("Roll back", "Remove demo rows")]
    assert "Rolling back needs the analyst role." in " ".join(c.value for c in at.caption)
    assert "Read-only" in " ".join(c.value for c in at.sidebar.caption)


def test_read_only_app_does_not_open_the_upload_page_by_url(app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_READ_ONLY", "1")
    at = app("upload")
    assert not at.file_uploader
    assert "Upload" not in [t.value for t in at.title]


def test_signed_in_viewer_gets_no_upload_and_analyst_does(store, monkeypatch):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ALLIANCE_DB", str(store.path))
    monkeypatch.delenv("ALLIANCE_ROLE")
    secrets = {"auth": AUTH, "roles": ROLE_MAP}
    for email, can_upload in (("delegate@gov.example", False), ("someone@itu.int", True)):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.secrets.update(secrets)
        at.user = {"is_logged_in": True, "email": email, "iat": time.time()}
        at.switch_page("app_pages/upload.py")
        at.run()
        assert not at.exception
        assert bool(at.file_uploader) == can_upload, email
        assert f"Signed in as {plain(email)}" in " ".join(c.value for c in at.sidebar.caption)


def test_sign_in_configured_and_not_signed_in_shows_only_sign_in(store, monkeypatch):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ALLIANCE_DB", str(store.path))
    monkeypatch.delenv("ALLIANCE_ROLE")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets.update({"auth": AUTH})
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Alliance Dashboard"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric
