"""Who is acting: the person a write is recorded for, and the operating-system account it runs as."""

import getpass
import os

from alliance import AllianceError
from alliance.words import control_character, escaped


def current_user() -> str:
    """Who is acting, for the history: ALLIANCE_USER, else the operating-system user.

    An ALLIANCE_USER holding a control character is refused (a name is one line of text, as --user is).
    """
    named = os.environ.get("ALLIANCE_USER")
    if named:
        why = control_character(named)
        if why:
            raise AllianceError(f"ALLIANCE_USER {why}; set it to one line of printable text")
        return named
    try:
        return escaped(getpass.getuser())
    except Exception:
        return "unknown"


def account() -> str:
    """The operating-system account this process runs as (its user id's name), as the system spells it."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return str(os.getuid())


def os_account() -> str:
    """The operating-system account this process runs as: the command line's, or the server's when the app writes.

    Recorded beside the user named (--user, ALLIANCE_USER or the signed-in e-mail), which anyone may name at will.
    """
    return escaped(account())
