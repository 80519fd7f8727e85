"""Sign-in in Chromium against a real OpenID Connect provider on loopback (oidc-provider-mock): roles, sign-out,
forged and stale cookies, the approver an edition records, and a broken configuration that serves nothing."""

import json
import re
import secrets
import shutil
import threading
import time
from pathlib import Path

import pytest
from browser import CHROMIUM, free_port, launch, open_page, serve, wait_ready
from conftest import cli, copy_store

pytest.importorskip("playwright")
pytestmark = pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not __import__("os").path.exists(CHROMIUM), reason="Debian chromium is not installed"
)

import httpx  # noqa: E402
import itsdangerous.timed  # noqa: E402
import werkzeug.serving  # noqa: E402
from oidc_provider_mock import app as provider_app  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from streamlit.web.server.starlette.starlette_app_utils import create_signed_value  # noqa: E402

USER_COOKIE = "_streamlit_user"  # Streamlit's signed identity cookie (starlette_server_config.USER_COOKIE_NAME)
ROLE_MAP = """
[roles]
admin = ["chief@itu.int"]
analyst = ["@itu.int"]
default = "viewer"
"""
# Only this machine: the provider's pages ask a CDN for a style sheet, which must not be waited for.
NOT_LOOPBACK = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


@pytest.fixture(scope="module")
def provider():
    """An OpenID Connect provider on a free loopback port that accepts only the client registered with it."""
    server = werkzeug.serving.make_server("127.0.0.1", 0, provider_app(require_client_registration=True), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def auth_section(provider: str, port: int, cookie_secret: str) -> dict:
    """Register a client with the provider for the app on `port`; the [auth] settings that use it."""
    redirect_uri = f"http://127.0.0.1:{port}/oauth2callback"
    client = httpx.post(f"{provider}/oauth2/clients", json={"redirect_uris": [redirect_uri]}, timeout=10).json()
    return {
        "redirect_uri": redirect_uri,
        "cookie_secret": cookie_secret,
        "client_id": client["client_id"],
        "client_secret": client["client_secret"],
        "server_metadata_url": f"{provider}/.well-known/openid-configuration",
    }


def secrets_toml(auth: dict) -> str:
    return "[auth]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in auth.items()) + ROLE_MAP


@pytest.fixture(scope="module")
def served(_handcount_store, provider, tmp_path_factory):
    """The app with sign-in through the provider, on a copy of the hand-counted store, and a Chromium."""
    folder = tmp_path_factory.mktemp("signin")
    store = copy_store(_handcount_store, folder / "store")
    port = free_port()
    auth = auth_section(provider, port, secrets.token_hex(32))
    (folder / "secrets.toml").write_text(secrets_toml(auth))
    args = ["--secrets.files", str(folder / "secrets.toml")]
    with serve(store.path, port=port, env={"ALLIANCE_ROLE": ""}, args=args) as url, sync_playwright() as p:
        browser = launch(p)
        yield {"store": store, "url": url, "browser": browser, "auth": auth, "provider": provider}
        browser.close()


@pytest.fixture
def context(served):
    """A fresh browser context (no cookies) that reaches nothing but this machine."""
    context = served["browser"].new_context(viewport={"width": 1400, "height": 1000})
    context.route(NOT_LOOPBACK, lambda route: route.abort())
    yield context
    context.close()


def sign_in(served, context, email: str):
    """Sign in through the provider's own pages as `email`; return the page, back in the app."""
    url = served["url"]
    page = context.new_page()
    open_page(page, f"{url}/")
    page.get_by_role("button", name="Sign in").click()
    subject = page.locator("input[name=sub]")  # the provider's authorization page: who is signing in
    subject.wait_for(timeout=30000)
    assert page.url.startswith(f"{served['provider']}/oauth2/authorize?")
    subject.fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(url) + r"/(\?.*)?$"), timeout=30000)
    caption(page).wait_for(timeout=30000)
    wait_ready(page)
    return page


def caption(page):
    return page.locator('[data-testid="stSidebar"]').get_by_text(re.compile(r"^Signed in as "))


def signed_in_as(page) -> str:
    """The sidebar's "Signed in as ..." line, without the word joiner escaping may put before "@"."""
    return caption(page).inner_text().replace("\u2060", "").strip()


def navigation(page) -> list[str]:
    """The page titles in the sidebar's navigation (each link's text is its icon's name, then its title)."""
    return [text.strip().splitlines()[-1] for text in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


def settle(page) -> None:
    """Wait until the script has finished (for pages that may have no h1 for wait_ready to find)."""
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=30000)


def assert_signed_out(page) -> None:
    """The sign-in page and nothing else: no figures, no navigation, nobody named."""
    assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == "Alliance Dashboard"
    assert page.get_by_role("button", name="Sign in").count() == 1
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert navigation(page) == []
    assert caption(page).count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.parametrize(("email", "role"), [("someone@itu.int", "analyst"), ("chief@itu.int", "admin")])
def test_sign_in_an_address_in_the_role_map_lands_with_its_role(served, context, email, role):
    page = sign_in(served, context, email)
    assert signed_in_as(page) == f"Signed in as {email} ({role})"
    assert "Upload" in navigation(page)
    assert "Overview" in navigation(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_sign_in_an_unknown_address_is_a_viewer_without_upload(served, context):
    url = served["url"]
    page = sign_in(served, context, "delegate@gov.example")
    assert signed_in_as(page) == "Signed in as delegate@gov.example (viewer)"
    assert "Overview" in navigation(page)
    assert "Upload" not in navigation(page)
    assert "Publish" not in navigation(page)
    open_page(page, f"{url}/upload")
    assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() != "Upload"
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
    assert signed_in_as(page) == "Signed in as delegate@gov.example (viewer)"


def test_sign_out_ends_the_session(served, context):
    url = served["url"]
    page = sign_in(served, context, "someone@itu.int")
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    # Streamlit sends the browser to the provider's end-session page, which sends it back when confirmed.
    page.get_by_role("button", name="End session").click(timeout=30000)
    page.wait_for_url(re.compile(re.escape(url) + r"/(\?.*)?$"), timeout=30000)
    page.get_by_role("button", name="Sign in").wait_for(timeout=30000)
    wait_ready(page)
    assert_signed_out(page)
    assert USER_COOKIE not in {cookie["name"] for cookie in context.cookies()}
    page.reload()
    wait_ready(page)
    assert_signed_out(page)


def test_sign_out_refuses_a_copy_of_the_cookie_taken_before(served, context):
    """Streamlit's cookie is stateless: a copy taken before signing out signed in again for 30 days."""
    url = served["url"]
    page = sign_in(served, context, "someone@itu.int")
    copied = [cookie for cookie in context.cookies() if cookie["name"].startswith(USER_COOKIE)]
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click(timeout=30000)
    page.get_by_role("button", name="Sign in").wait_for(timeout=30000)
    replay = served["browser"].new_context(viewport={"width": 1400, "height": 1000})
    replay.route(NOT_LOOPBACK, lambda route: route.abort())
    try:
        replay.add_cookies(copied)
        again = replay.new_page()
        open_page(again, f"{url}/upload")
        assert_signed_out(again)
        assert "Your sign-in has ended" in again.locator('[data-testid="stMain"]').inner_text()
    finally:
        replay.close()


def forged_cookie(served, email: str, secret: str, age_s: int = 0, signed_in_s_ago: int = 0) -> dict:
    """A `_streamlit_user` cookie as Streamlit's OAuth callback writes it (the ID token's claims, origin, is_logged_in,
    provider), signed with `secret` by a signer whose clock is `age_s` seconds behind (the claims are current: only
    the signature's age differs)."""
    url, auth = served["url"], served["auth"]
    now = int(time.time())
    claims = {
        "exp": now + 3600,
        "iss": served["provider"],
        "iat": now - signed_in_s_ago,
        "auth_time": now - signed_in_s_ago,
        "aud": [auth["client_id"]],
        "email": email,
        "sub": email,
    }
    value = json.dumps(dict(claims, origin=url, is_logged_in=True, provider="default"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: int(time.time()) - age_s)
        signed = create_signed_value(secret, USER_COOKIE, value).decode()
    return {"name": USER_COOKIE, "value": signed, "url": url, "httpOnly": True, "sameSite": "Lax"}


# Streamlit's cookie lives 30 days in the browser; its server accepts a signature a day longer than that.
DAY_S = 86400
TOO_OLD_S = 31 * DAY_S + 3600


@pytest.mark.parametrize(
    ("secret", "age_s", "accepted"),
    [("other", 0, False), ("right", TOO_OLD_S, False), ("right", 0, True), ("right", 29 * DAY_S, True)],
    ids=["signed-with-another-secret", "older-than-max-age", "control-right-secret-now", "control-29-days-old"],
)
def test_sign_in_a_forged_or_stale_cookie_is_refused(served, context, secret, age_s, accepted):
    url = served["url"]
    key = served["auth"]["cookie_secret"] if secret == "right" else secrets.token_hex(32)
    # The sign-in itself is an hour old (the app ends one after 12 hours), whatever the signature's age.
    context.add_cookies([forged_cookie(served, "forged@itu.int", key, age_s, signed_in_s_ago=3600)])
    page = context.new_page()
    open_page(page, f"{url}/")
    if accepted:
        caption(page).wait_for(timeout=30000)
        assert signed_in_as(page) == "Signed in as forged@itu.int (analyst)"
        assert "Upload" in navigation(page)
    else:
        assert_signed_out(page)
        open_page(page, f"{url}/upload")
        assert_signed_out(page)


def test_sign_in_the_approver_recorded_for_an_edition_is_the_signed_in_address(served, context):
    store, url = served["store"], served["url"]
    name = "SIGNIN-23"
    prepared = cli(
        "publish", name, "--as-of", "2023-06-30", "--from", "2023-01-01", "--user", "alice@itu.int", "--db", store.path
    )
    assert prepared.returncode == 0, prepared.stderr
    page = sign_in(served, context, "chief@itu.int")
    open_page(page, f"{url}/publish")
    main = page.locator('[data-testid="stMain"]')
    # Names from the store are shown with a word joiner before "@" (components/escape.py keeps them from being links).
    main.get_by_text(re.compile("Prepared by alice\u2060?@itu\\.int")).wait_for(timeout=30000)
    main.get_by_text(f"I have checked the figures of {name}: publish them").click()
    approve = main.get_by_role("button", name="Approve and publish")
    page.wait_for_function("b => !b.disabled", arg=approve.element_handle(), timeout=30000)
    approve.click()
    main.get_by_text(f"Edition {name} approved").wait_for(timeout=60000)
    listed = cli("editions", "--json", "--db", store.path)
    assert listed.returncode == 0, listed.stderr
    edition = next(e for e in json.loads(listed.stdout) if e["name"] == name)
    assert edition["status"] == "published"
    assert edition["prepared_by"] == "alice@itu.int"
    assert edition["approved_by"] == "chief@itu.int"


def test_sign_in_settings_that_do_not_parse_serve_a_configuration_error_and_no_data(_handcount_store, served, tmp_path):
    """A secrets file that does not parse read as no secrets at all: the app served everyone, unsigned, as admin."""
    store = copy_store(_handcount_store, tmp_path / "store")
    port = free_port()
    auth = dict(served["auth"], redirect_uri=f"http://127.0.0.1:{port}/oauth2callback")
    text = secrets_toml(auth)
    broken = text.replace(f'redirect_uri = "{auth["redirect_uri"]}"', f'redirect_uri = "{auth["redirect_uri"]}')
    assert broken != text
    line = next(n for n, row in enumerate(broken.splitlines(), start=1) if row.startswith("redirect_uri"))
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(broken)
    with serve(store.path, port=port, env={"ALLIANCE_ROLE": ""}, args=["--secrets.files", str(secrets_file)]) as url:
        context = served["browser"].new_context(viewport={"width": 1400, "height": 1000})
        context.route(NOT_LOOPBACK, lambda route: route.abort())
        page = context.new_page()
        for path in ("", "overview", "upload"):
            page.goto(f"{url}/{path}")
            heading = page.locator('[data-testid="stMain"]').get_by_role("heading", name="Configuration error")
            heading.first.wait_for(timeout=30000)
            settle(page)
            shown = page.locator('[data-testid="stMain"]').inner_text()
            assert "secrets.toml" in shown and f"line {line}" in shown, path
            assert page.locator('[data-testid="stMetric"]').count() == 0, path
            assert page.locator('.js-plotly-plot, [data-testid="stDataFrame"]').count() == 0, path
            assert "Overview" not in navigation(page), path
            assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0, path
            assert page.get_by_role("button", name="Sign in").count() == 0, path
        context.close()
        log = Path(f"{store.path}.server-{port}.log").read_text()
    assert "secrets.toml" in log and f"line {line}" in log


def test_sign_in_older_than_its_hours_is_refused_though_the_cookie_is_valid(served, context):
    """Streamlit keeps a cookie 30 days; the app ends a sign-in after ALLIANCE_SIGN_IN_HOURS (12)."""
    key = served["auth"]["cookie_secret"]
    context.add_cookies([forged_cookie(served, "chief@itu.int", key, signed_in_s_ago=13 * 3600)])
    page = context.new_page()
    open_page(page, f"{served['url']}/upload")
    assert_signed_out(page)
    assert "Your sign-in has ended" in page.locator('[data-testid="stMain"]').inner_text()
