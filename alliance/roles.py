"""Who may change the data: viewer, analyst (upload, rollback), admin (also demo removal)."""

import os

ROLES = ("viewer", "analyst", "admin")
RANK = {role: i for i, role in enumerate(ROLES)}


def read_only() -> bool:
    """True when the app was started with ALLIANCE_READ_ONLY=1: nobody may change the data."""
    return os.environ.get("ALLIANCE_READ_ONLY", "").strip().lower() in ("1", "true", "yes", "on")


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
