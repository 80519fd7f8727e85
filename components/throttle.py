"""Reruns a session asks for faster than a person could click are dropped (filled in by issue 24's work)."""


def admit() -> None:
    """Let this rerun go on, or stop it when the session asks for reruns faster than a person could."""
