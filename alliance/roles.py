"""Who may change the data: viewer, analyst (upload, rollback), admin (also demo removal)."""

import os

ROLES = ("viewer", "analyst", "admin")
RANK = {role: i for i, role in enumerate(ROLES)}


_YES = ("1", "true", "yes", "on")
_NO = ("", "0", "false", "no", "off")


def flag_set(value: str | None) -> bool:
    """Whether an on/off environment variable is on. A value that is neither reads as on: these flags take
    rights away, so a typo ("ture") must not leave them off (alliance/access.py also refuses it)."""
    return (value or "").strip().lower() not in _NO


def flag_problem(name: str, value: str | None) -> str | None:
    """Why an on/off environment variable's value will not do, if it will not."""
    if (value or "").strip().lower() in _YES + _NO:
        return None
    return f"{name} is {value!r}, neither on nor off: set it to 1 or 0, or leave it unset."


def read_only() -> bool:
    """True when the app was started with ALLIANCE_READ_ONLY=1 (or published-only): nobody may change the data."""
    return flag_set(os.environ.get("ALLIANCE_READ_ONLY")) or published_only()


def published_only() -> bool:
    """True when the app was started with ALLIANCE_PUBLISHED_ONLY=1: it shows approved editions and nothing else."""
    return flag_set(os.environ.get("ALLIANCE_PUBLISHED_ONLY"))


def role_of(email: str | None, role_map: dict) -> str:
    """The role an e-mail address has in a role map like {"admin": ["a@itu.int"], "analyst": ["@itu.int"]}.

    An exact address wins over a domain (an entry starting with "@"); among equals, the higher role
    wins. Anyone else gets role_map["default"], else viewer. Case does not matter.
    """
    if not email:
        return "viewer"
    email = email.strip().lower()
    domain = "@" + email.rsplit("@", 1)[-1]
    exact, by_domain = [], []
    for role in ROLES:
        for entry in role_map.get(role, []) or []:
            entry = str(entry).strip().lower()
            if entry == email:
                exact.append(role)
            elif entry.startswith("@") and entry == domain:
                by_domain.append(role)
    for found in (exact, by_domain):
        if found:
            return max(found, key=RANK.__getitem__)
    default = str(role_map.get("default", "viewer")).lower()
    return default if default in RANK else "viewer"


def allows(role: str, needed: str) -> bool:
    """Whether a role may do what needs `needed`, read-only mode aside."""
    return RANK.get(role, 0) >= RANK[needed]
