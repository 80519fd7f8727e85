"""Who may use the app and how: the access configuration, read once and refused whole when it is not coherent.

The configuration is the secrets (Streamlit's `.streamlit/secrets.toml`: `[auth]` for sign-in through
OpenID Connect, `[roles]` for the role map) and the environment (ALLIANCE_ROLE, ALLIANCE_READ_ONLY,
ALLIANCE_PUBLISHED_ONLY). `check` returns an `Access` whose `problems` name each key that is wrong and
what to do; a configuration with any problem serves no data at all (components/auth.py), since a half
configuration read as it happens to parse could give anyone more rights than a correct one would.
With no configuration at all, everyone is a viewer.
"""

import importlib.util
import ipaddress
import json
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from alliance.roles import ROLES, flag_problem, flag_set

# What a cookie_secret must be: long, and not an example copied from documentation.
MIN_SECRET = 32
# Words only a placeholder holds ("a long random string", "change-me", "your-secret-here", "xxxx...").
_PLACEHOLDER_WORDS = ("random", "secret", "change", "example", "placeholder", "password", "replace", "xxx", "todo")
_MIN_DISTINCT = 10
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
_ROLE_MAP_KEYS = (*ROLES, "default")
# How long a sign-in lasts (ALLIANCE_SIGN_IN_HOURS): Streamlit's own cookie lasts 30 days.
SIGN_IN_HOURS = 12.0
_SIGN_IN_HOURS_RANGE = (0.25, 720.0)
# What st.login imports (Streamlit's "auth" extra).
NEEDED = ("authlib", "httpx")
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+|@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class Access:
    """The access configuration: how people sign in and which role each gets."""

    problems: tuple[str, ...] = ()
    sign_in: bool = False
    providers: tuple[str, ...] = ()  # the named [auth.<name>] providers; () with sign-in = the default one
    role_map: Mapping = field(default_factory=dict)
    local_role: str = "viewer"  # the role of everyone when there is no sign-in
    read_only: bool = False
    published_only: bool = False
    sign_in_hours: float = SIGN_IN_HOURS

    def summary(self) -> str:
        """One line for the server log: how this server lets people in."""
        if self.problems:
            return "refused: " + " ".join(self.problems)
        how = "sign-in through OpenID Connect" if self.sign_in else f"no sign-in, everyone {self.local_role}"
        if self.published_only:
            how += ", approved editions only"
        elif self.read_only:
            how += ", read-only"
        return how


def shown_path(path: str) -> str:
    """A secrets file's path as the page shows it: relative to the app's folder or the home folder."""
    resolved = Path(path).expanduser().resolve()
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        if resolved.is_relative_to(base):
            return prefix + str(resolved.relative_to(base))
    return str(resolved)


def unreadable(paths: list[str]) -> list[str]:
    """What stops the secrets files at `paths` (Streamlit's secrets.files) from being read: one line each.

    A file that is not there is fine (Streamlit looks in two places); one that is there must parse.
    Reading them here, not through st.secrets, tells a file that does not parse from one that is missing:
    Streamlit treats both as no secrets at all.
    """
    problems = []
    for path in paths:
        shown = shown_path(path)
        if path.endswith(".toml"):
            try:
                text = Path(path).read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            except (OSError, UnicodeDecodeError) as error:
                problems.append(f"The secrets file {shown} cannot be read ({type(error).__name__}): make it readable UTF-8 text.")
                continue
            try:
                tomllib.loads(text)
            except tomllib.TOMLDecodeError as error:
                # The message gives the line and column, never the text around them (it may be a secret).
                problems.append(
                    f"The secrets file {shown} does not parse as TOML ({error}): correct it, e.g. a string left open."
                )
        elif os.path.isdir(path):
            strays = [entry for entry in sorted(os.listdir(path)) if not os.path.isdir(os.path.join(path, entry))]
            if strays:
                problems.append(f"The secrets folder {shown} holds files beside its folders: each secret is a folder.")
        else:
            problems.append(f"The secrets path {shown} is neither a .toml file nor a folder: correct secrets.files.")
    return problems


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _url_problem(key: str, value, must_end: str = "") -> str | None:
    """Why a URL in [auth] will not do: not https (plain http only on this machine's loopback)."""
    if not isinstance(value, str) or not value.strip():
        return f"[auth] {key} is missing: give the full https address."
    parts = urlsplit(value.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return f"[auth] {key} is not an http(s) address: give the full https address."
    if parts.scheme == "http" and not _loopback(parts.hostname):
        return f"[auth] {key} uses plain http on another machine: use https (http only for 127.0.0.1 or localhost)."
    if must_end and not parts.path.endswith(must_end):
        return f"[auth] {key} must end with {must_end}, the address Streamlit answers the provider on."
    return None


def cookie_secret_problem(secret) -> str | None:
    """Why a cookie_secret will not do: missing, shorter than 32 characters, or a documented placeholder."""
    what = "generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
    if not isinstance(secret, str) or not secret:
        return f"[auth] cookie_secret is missing: {what}."
    if len(secret) < MIN_SECRET:
        return f"[auth] cookie_secret has {len(secret)} characters, fewer than {MIN_SECRET}: {what}."
    letters = re.sub(r"[^a-z0-9]", "", secret.lower())
    # A generated secret holds no spaces or angle brackets; "<the characters generated above>" does.
    placeholder = re.search(r"[\s<>]", secret) or any(word in letters for word in _PLACEHOLDER_WORDS)
    if placeholder or len(set(secret)) < _MIN_DISTINCT:
        return f"[auth] cookie_secret is a placeholder (anyone who read the example can sign in as anyone): {what}."
    return None


def _provider_problems(name: str, section: Mapping) -> list[str]:
    where = "[auth]" if name == "" else f"[auth.{name}]"
    problems = []
    missing = [key for key in _PROVIDER_KEYS if not section.get(key)]
    if missing:
        problems.append(f"{where} misses {', '.join(missing)}: copy them from the identity provider's app registration.")
    if "server_metadata_url" not in missing:
        problem = _url_problem("server_metadata_url", section.get("server_metadata_url"))
        if problem:
            problems.append(problem.replace("[auth]", where, 1))
    if "_" in name:
        problems.append(f"{where}: a provider's name may not hold an underscore (Streamlit refuses it).")
    return problems


def _auth_problems(auth) -> tuple[list[str], tuple[str, ...]]:
    if not isinstance(auth, Mapping):
        return ["[auth] is not a table: write it as a [auth] section."], ()
    problems = []
    for module in NEEDED:
        if importlib.util.find_spec(module) is None:
            problems.append(f"[auth] needs the Python package {module}, which is not installed: pip install -r requirements.txt.")
    problem = _url_problem("redirect_uri", auth.get("redirect_uri"), must_end="/oauth2callback")
    if problem:
        problems.append(problem)
    problem = cookie_secret_problem(auth.get("cookie_secret"))
    if problem:
        problems.append(problem)
    named = tuple(name for name, value in auth.items() if isinstance(value, Mapping) and name != "client_kwargs")
    if any(key in auth for key in _PROVIDER_KEYS) or not named:
        problems += _provider_problems("", auth)
        named = ()
    for name in named:
        problems += _provider_problems(name, auth[name])
    return problems, named


def _role_map_problems(role_map) -> list[str]:
    if not isinstance(role_map, Mapping):
        return ["[roles] is not a table: write it as a [roles] section."]
    problems = []
    for key, value in role_map.items():
        if key not in _ROLE_MAP_KEYS:
            problems.append(f"[roles] names {key!r}, which is not a role: use {', '.join(_ROLE_MAP_KEYS)}.")
        elif key == "default":
            if not isinstance(value, str) or value.strip().lower() not in ROLES:
                problems.append(f"[roles] default is not a role: set it to one of {', '.join(ROLES)}.")
        elif not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
            problems.append(f'[roles] {key} is not a list of addresses: write {key} = ["name@itu.int", "@itu.int"].')
        else:
            for number, entry in enumerate(value, start=1):
                if not _ADDRESS.fullmatch(entry.strip()):
                    problems.append(f"[roles] {key}: entry {number} is neither an e-mail address nor @domain.")
    return problems


def check(secrets: Mapping, environ: Mapping[str, str], problems: list[str] | None = None) -> Access:
    """The access configuration in `secrets` and `environ`, with every problem in it (see the module's text)."""
    problems = list(problems or [])
    for name in ("ALLIANCE_READ_ONLY", "ALLIANCE_PUBLISHED_ONLY"):
        problem = flag_problem(name, environ.get(name))
        if problem:
            problems.append(problem)
    local = (environ.get("ALLIANCE_ROLE") or "").strip()
    if local and local.lower() not in ROLES:
        problems.append(f"ALLIANCE_ROLE is {local!r}, which is not a role: set it to {', '.join(ROLES)}, or leave it unset.")
    hours = _sign_in_hours(environ.get("ALLIANCE_SIGN_IN_HOURS"), problems)
    sign_in = "auth" in secrets
    providers: tuple[str, ...] = ()
    if sign_in:
        auth_problems, providers = _auth_problems(secrets["auth"])
        problems += auth_problems
        if local:
            problems.append("ALLIANCE_ROLE is set and so is [auth]: with sign-in, roles come from [roles]; unset ALLIANCE_ROLE.")
    role_map = secrets.get("roles", {})
    if "roles" in secrets:
        problems += _role_map_problems(role_map)
        if not sign_in:
            problems.append(
                "[roles] is there but [auth] is not: without sign-in nobody is known by address; add [auth] or remove [roles]."
            )
    published_only = flag_set(environ.get("ALLIANCE_PUBLISHED_ONLY"))
    return Access(
        problems=tuple(problems),
        sign_in=sign_in,
        providers=providers,
        role_map=dict(role_map) if isinstance(role_map, Mapping) else {},
        local_role=local.lower() if local.lower() in ROLES else "viewer",
        read_only=published_only or flag_set(environ.get("ALLIANCE_READ_ONLY")),
        published_only=published_only,
        sign_in_hours=hours,
    )


def _sign_in_hours(value: str | None, problems: list[str]) -> float:
    if not (value or "").strip():
        return SIGN_IN_HOURS
    low, high = _SIGN_IN_HOURS_RANGE
    try:
        hours = float(value)
    except ValueError:
        hours = math.nan
    if not low <= hours <= high:  # NaN fails too
        problems.append(
            f"ALLIANCE_SIGN_IN_HOURS is {value!r}: give a number of hours from {low:g} to {high:g}, or leave it unset."
        )
        return SIGN_IN_HOURS
    return hours


def _claim_time(user: Mapping) -> float | None:
    """When the person signed in at the provider (auth_time, else the ID token's iat), in seconds since 1970."""
    for claim in ("auth_time", "iat"):
        value = user.get(claim)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    return None


def sign_in_ended(user: Mapping, now: float, hours: float, signed_out_at: float | None) -> bool:
    """Whether a signed-in browser's sign-in is over: older than `hours`, from before that person's last
    sign-out, or with no time to tell (Streamlit's cookie alone lasts 30 days and outlives a sign-out)."""
    signed_in_at = _claim_time(user)
    if signed_in_at is None or signed_in_at > now + 300:  # no time, or one from the future
        return True
    if now - signed_in_at > hours * 3600:
        return True
    return signed_out_at is not None and signed_in_at <= signed_out_at


def _address(email) -> str:
    return str(email or "").strip().lower()


def record_sign_out(folder: Path, email, at: float) -> None:
    """Remember that `email` signed out at `at`, for every server on the store (one appended line)."""
    line = json.dumps({"email": _address(email), "at": at}) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder / "sign-outs", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line.encode())
    finally:
        os.close(descriptor)


def signed_out_at(folder: Path, email) -> float | None:
    """When `email` last signed out (record_sign_out), if ever; unreadable lines are skipped."""
    try:
        text = (folder / "sign-outs").read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    address, latest = _address(email), None
    for line in text.splitlines():
        try:
            entry = json.loads(line)
            at = float(entry["at"])
        except (ValueError, TypeError, KeyError):
            continue
        if entry.get("email") == address and (latest is None or at > latest):
            latest = at
    return latest
