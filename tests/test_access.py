"""Access configuration: refused whole when it is not coherent; read-only by default."""

import secrets as random_secrets

import pytest
from streamlit import config as streamlit_config

from alliance import access
from alliance.access import check, cookie_secret_problem, unreadable
from components.escape import plain

GOOD_SECRET = random_secrets.token_hex(32)
AUTH = {
    "redirect_uri": "https://alliance.example.int/oauth2callback",
    "cookie_secret": GOOD_SECRET,
    "client_id": "dashboard",
    "client_secret": "s3cr3t-from-the-provider",
    "server_metadata_url": "https://login.example.int/.well-known/openid-configuration",
}
ROLES = {"admin": ["chief@itu.int"], "analyst": ["@itu.int"], "default": "viewer"}


def test_no_configuration_serves_viewers_only():
    found = check({}, {})
    assert not found.problems and not found.sign_in and found.local_role == "viewer"


def test_alliance_role_sets_the_role_of_a_desktop_install():
    assert check({}, {"ALLIANCE_ROLE": " Admin "}).local_role == "admin"
    assert check({}, {"ALLIANCE_ROLE": ""}).local_role == "viewer"


def test_coherent_sign_in_is_accepted_with_its_role_map():
    found = check({"auth": AUTH, "roles": ROLES}, {})
    assert not found.problems and found.sign_in and found.role_map == ROLES and found.providers == ()


def test_named_providers_are_offered_by_name():
    provider = {key: AUTH[key] for key in ("client_id", "client_secret", "server_metadata_url")}
    auth = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": GOOD_SECRET, "entra": provider}
    found = check({"auth": auth}, {})
    assert not found.problems and found.providers == ("entra",)


@pytest.mark.parametrize(
    "secrets, environ, words",
    [
        ({"roles": ROLES}, {}, "[roles] is there but [auth] is not"),
        ({}, {"ALLIANCE_ROLE": "viewers"}, "ALLIANCE_ROLE is 'viewers', which is not a role"),
        ({"auth": AUTH}, {"ALLIANCE_ROLE": "admin"}, "unset ALLIANCE_ROLE"),
        ({}, {"ALLIANCE_READ_ONLY": "ture"}, "ALLIANCE_READ_ONLY is 'ture', neither on nor off"),
        ({}, {"ALLIANCE_PUBLISHED_ONLY": "y"}, "ALLIANCE_PUBLISHED_ONLY is 'y'"),
        ({"auth": AUTH, "roles": {**ROLES, "admins": ["x@itu.int"]}}, {}, "[roles] names 'admins', which is not a role"),
        ({"auth": AUTH, "roles": {"default": "boss"}}, {}, "[roles] default is not a role"),
        ({"auth": AUTH, "roles": {"admin": "chief@itu.int"}}, {}, "[roles] admin is not a list"),
        ({"auth": AUTH, "roles": {"analyst": ["itu.int"]}}, {}, "entry 1 is neither an e-mail address nor @domain"),
        ({"auth": {**AUTH, "cookie_secret": "x"}}, {}, "cookie_secret has 1 characters, fewer than 32"),
        ({"auth": {k: v for k, v in AUTH.items() if k != "cookie_secret"}}, {}, "cookie_secret is missing"),
        ({"auth": {k: v for k, v in AUTH.items() if k != "client_secret"}}, {}, "[auth] misses client_secret"),
        ({"auth": {**AUTH, "redirect_uri": "https://alliance.example.int/"}}, {}, "must end with /oauth2callback"),
        ({"auth": {**AUTH, "server_metadata_url": "http://login.example.int/x"}}, {}, "plain http on another machine"),
        ({"auth": {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": GOOD_SECRET}}, {}, "[auth] misses client_id"),
    ],
)
def test_incoherent_configuration_is_refused_naming_the_key(secrets, environ, words):
    problems = " ".join(check(secrets, environ).problems)
    assert words in problems


@pytest.mark.parametrize(
    "secret",
    [
        "a long random string",  # the README's old example
        "a long random string that nobody will ever guess",
        "change-me-change-me-change-me-change-me",
        "your-cookie-secret-goes-here-please-1234",
        "<the 64 hexadecimal characters generated above>",  # the README's example
        "x" * 64,
        "abababababababababababababababababab",
    ],
)
def test_placeholder_or_short_cookie_secret_is_refused(secret):
    assert cookie_secret_problem(secret)


def test_generated_cookie_secret_is_accepted():
    assert cookie_secret_problem(random_secrets.token_hex(32)) is None
    assert cookie_secret_problem(random_secrets.token_urlsafe(32)) is None


def test_sign_in_without_its_packages_is_refused(monkeypatch):
    monkeypatch.setattr(access, "NEEDED", ("authlib_not_installed_here",))
    assert "needs the Python package authlib_not_installed_here" in " ".join(check({"auth": AUTH}, {}).problems)


def test_secrets_file_that_does_not_parse_is_named_without_its_text(tmp_path):
    broken = tmp_path / "secrets.toml"
    broken.write_text(f'[auth]\ncookie_secret = "{GOOD_SECRET}\nclient_id = "x"\n')
    problems = unreadable([str(broken), str(tmp_path / "missing.toml")])
    assert len(problems) == 1 and "does not parse as TOML" in problems[0] and "line 2" in problems[0]
    assert GOOD_SECRET not in problems[0]


def test_missing_secrets_file_is_no_problem(tmp_path):
    assert unreadable([str(tmp_path / "secrets.toml")]) == []


def test_summary_never_holds_a_secret():
    found = check({"auth": {**AUTH, "cookie_secret": "short-secret"}}, {})
    assert "short-secret" not in found.summary() and "s3cr3t" not in found.summary()


# The app: a refused configuration shows its error on every page and no data.

BROKEN = {
    "roles without auth": ({"roles": ROLES}, {}),
    "typo in ALLIANCE_ROLE": ({}, {"ALLIANCE_ROLE": "viewers"}),
    "placeholder cookie secret": ({"auth": {**AUTH, "cookie_secret": "a long random string"}, "roles": ROLES}, {}),
    "unknown role in the map": ({"auth": AUTH, "roles": {"admins": ["x@itu.int"]}}, {}),
    "read-only flag not understood": ({}, {"ALLIANCE_READ_ONLY": "ture"}),
}


def open_app(store, monkeypatch, page: str, secrets: dict, environ: dict, user: dict | None = None):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ALLIANCE_DB", str(store.path))
    monkeypatch.delenv("ALLIANCE_ROLE", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets.update(secrets)
    if user is not None:
        at.user = user
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def assert_configuration_error_only(at, words: str) -> None:
    assert not at.exception
    assert [t.value for t in at.title] == ["Configuration error"]
    assert plain(words) in " ".join(e.value for e in at.error)
    assert not at.metric and not at.dataframe and not at.file_uploader and not at.sidebar.selectbox


@pytest.mark.parametrize("case", BROKEN)
@pytest.mark.parametrize("page", ["overview", "upload", "history"])
def test_broken_configuration_shows_its_error_on_every_page_and_no_data(store, monkeypatch, case, page):
    secrets, environ = BROKEN[case]
    at = open_app(store, monkeypatch, page, secrets, environ, user={"is_logged_in": True, "email": "chief@itu.int"})
    expected = check(secrets, environ).problems
    assert expected
    assert_configuration_error_only(at, expected[0].split(":")[0])


def test_secrets_file_that_does_not_parse_shows_the_error_not_an_admin_app(store, monkeypatch, tmp_path):
    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nredirect_uri = "https://alliance.example.int/oauth2callback\n')
    previous = streamlit_config.get_option("secrets.files")
    streamlit_config.set_option("secrets.files", [str(broken)])
    try:
        at = open_app(store, monkeypatch, "publish", {}, {})
    finally:
        streamlit_config.set_option("secrets.files", previous)
    assert_configuration_error_only(at, "does not parse as TOML")


def test_no_configuration_gives_a_viewer_no_upload(store, monkeypatch):
    at = open_app(store, monkeypatch, "upload", {}, {})
    assert not at.exception and not at.file_uploader
    assert "Upload" not in [t.value for t in at.title]
    at = open_app(store, monkeypatch, "history", {}, {})
    assert not [b for b in at.button if b.label in ("Roll back", "Remove demo rows")]


def test_refused_configuration_is_logged_with_each_problem(store, monkeypatch, caplog):
    typo = f"analyst-{random_secrets.token_hex(4)}"  # a problem no earlier test logged
    with caplog.at_level("INFO", logger="alliance.access"):
        open_app(store, monkeypatch, "overview", {}, {"ALLIANCE_ROLE": typo})
    [record] = [r for r in caplog.records if r.name == "alliance.access" and typo in r.getMessage()]
    assert record.levelname == "ERROR" and "which is not a role" in record.getMessage()


# A sign-in ends: after ALLIANCE_SIGN_IN_HOURS, and everywhere when its person signs out.

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    "user, signed_out, ended",
    [
        ({"iat": NOW - 3600}, None, False),
        ({"iat": NOW - 13 * 3600}, None, True),  # older than the default 12 hours
        ({"auth_time": NOW - 13 * 3600, "iat": NOW - 60}, None, True),  # the sign-in, not the token, counts
        ({"iat": NOW - 3600}, NOW - 60, True),  # signed out after signing in: a replayed cookie
        ({"iat": NOW - 60}, NOW - 3600, False),  # signed in again after signing out
        ({}, None, True),  # no time to tell
        ({"iat": "yesterday"}, None, True),
        ({"iat": NOW + 86400}, None, True),  # from the future
    ],
)
def test_sign_in_ends_after_its_hours_or_a_later_sign_out(user, signed_out, ended):
    assert access.sign_in_ended(user, NOW, 12, signed_out) is ended


def test_sign_outs_are_kept_per_address_beside_the_store(tmp_path):
    folder = tmp_path / "alliance.duckdb.d"
    assert access.signed_out_at(folder, "chief@itu.int") is None
    access.record_sign_out(folder, "Chief@ITU.int", NOW - 10)
    access.record_sign_out(folder, "chief@itu.int", NOW)
    access.record_sign_out(folder, "someone@itu.int", NOW + 5)
    with open(folder / "sign-outs", "a") as handle:
        handle.write("not json\n")
    assert access.signed_out_at(folder, "chief@itu.int") == NOW
    assert access.signed_out_at(folder, "nobody@itu.int") is None


def test_sign_in_hours_must_be_a_number_of_hours():
    assert check({}, {"ALLIANCE_SIGN_IN_HOURS": "8"}).sign_in_hours == 8
    for value in ("forever", "0", "nan", "100000"):
        assert "ALLIANCE_SIGN_IN_HOURS" in " ".join(check({}, {"ALLIANCE_SIGN_IN_HOURS": value}).problems)


def signed_in_app(store, monkeypatch, user: dict, page: str = "upload"):
    return open_app(store, monkeypatch, page, {"auth": AUTH, "roles": ROLES}, {}, user={"is_logged_in": True, **user})


def test_sign_in_older_than_its_hours_asks_to_sign_in_again(store, monkeypatch):
    import time

    at = signed_in_app(store, monkeypatch, {"email": "chief@itu.int", "iat": time.time() - 13 * 3600})
    assert not at.exception and [b.label for b in at.button] == ["Sign in"]
    assert "Your sign-in has ended" in " ".join(i.value for i in at.info)
    assert not at.metric and not at.file_uploader


def test_cookie_from_before_a_sign_out_is_refused(store, monkeypatch):
    import time

    signed_in = time.time() - 600
    assert signed_in_app(store, monkeypatch, {"email": "chief@itu.int", "iat": signed_in}).file_uploader
    access.record_sign_out(store.snapshots, "chief@itu.int", time.time())
    at = signed_in_app(store, monkeypatch, {"email": "chief@itu.int", "iat": signed_in})
    assert [b.label for b in at.button] == ["Sign in"] and not at.file_uploader


def test_address_the_provider_says_is_unverified_gets_the_default_role(store, monkeypatch):
    import time

    at = signed_in_app(store, monkeypatch, {"email": "chief@itu.int", "email_verified": False, "iat": time.time()})
    assert not at.exception and not at.file_uploader
    assert "(viewer)" in " ".join(c.value for c in at.sidebar.caption)
