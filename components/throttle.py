"""Reruns a session asks for faster than a person could click wait their turn: a token bucket per session.

Every rerun takes a token; a session holds at most ALLIANCE_RERUN_BURST of them (default 30) and
gains ALLIANCE_RERUNS_PER_SECOND (default 2) a second. A person never runs dry: the fastest clicking
is a handful of reruns a second for a few seconds, and reading a dashboard leaves seconds between
clicks. A tab that does (a script, a stuck control) gets a notice, and its rerun waits for the next
token, at most 1 / ALLIANCE_RERUNS_PER_SECOND seconds, asleep: the interpreter lock is free for the
other sessions meanwhile.

The wait is where surplus reruns are dropped: a request that comes during the wait replaces the
waiting run (Streamlit stops it at its next call, or hands it the request when runner.fastReruns is
off), and the newest run waits for the same token; only the last request runs on, with the latest
widget states. The page on screen stays as it was until that run redraws it. (st.stop() after the
notice would have blanked the page and lost widget values: see deploy/README.md.)

ALLIANCE_RERUNS_PER_SECOND=0 turns the limit off. The bucket lives under one session-state key that
only this module touches.
"""

import os
import time

import streamlit as st

from alliance.i18n import N_, _

RATE_ENV, BURST_ENV = "ALLIANCE_RERUNS_PER_SECOND", "ALLIANCE_RERUN_BURST"
RATE, BURST = 2.0, 30.0
NOTICE = N_("This tab asks for updates faster than anyone could click: the dashboard waits a moment.")
_KEY = "_rerun_tokens"  # (tokens, at, waited): tokens left at monotonic time `at` (a token promised then, if later)

# Tests replace these to play a person's clicks without waiting.
_clock = time.monotonic
_sleep = time.sleep


def limits() -> tuple[float, float]:
    """Reruns a second a session may keep up (0: no limit) and how many it may ask for at once."""
    return _number(RATE_ENV, RATE), max(1.0, _number(BURST_ENV, BURST))


def _number(name: str, default: float) -> float:
    # A knob set to something that is not a number keeps its default: this limit protects the
    # server, and no value of it gives anyone access to anything.
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value >= 0 else default


def take(
    state: tuple[float, float, bool] | None, now: float, rate: float, burst: float
) -> tuple[tuple[float, float, bool], float]:
    """One rerun at time now: the bucket after it, and the seconds it must wait first (0: none).

    A run that waits is given the next token at the moment it falls due. A run that starts while an
    earlier one of the session still waits (Streamlit replaced it) waits for that same token, so a
    tab asking without pause gets `rate` runs a second, however many it asks for. The state's last
    item says whether this run waited.
    """
    tokens, at, _ = state if state is not None else (burst, now, False)
    if now < at:
        return (tokens, at, True), at - now
    tokens = min(burst, tokens + (now - at) * rate)
    if tokens >= 1:
        return (tokens - 1, now, False), 0.0
    wait = (1 - tokens) / rate
    return (0.0, now + wait, True), wait


def admit() -> None:
    """Let this rerun go on: at once, or after a wait when the session asks for reruns faster than a person could."""
    rate, burst = limits()
    if rate <= 0:
        return
    previous = st.session_state.get(_KEY)
    state, wait = take(previous, _clock(), rate, burst)
    # Written before the wait: a rerun asked for meanwhile replaces this run, and must find the token taken.
    st.session_state[_KEY] = state
    if wait > 0:
        if not (previous and previous[2]):
            # Once for a stretch of waits: a tab that keeps asking is not told again and again.
            st.toast(_(NOTICE), icon=":material/hourglass_top:")
        _sleep(wait)
