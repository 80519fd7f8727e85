"""Reruns asked for faster than a person could click wait their turn (components/throttle.py); people never do."""

import asyncio
import itertools

import pytest
from browser import serve
from conftest import copy_store
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.crowd import FINISHED, Session
from components import throttle
from components.filters import ALL
from components.throttle import BURST, BURST_ENV, NOTICE, RATE, RATE_ENV, take


class Clock:
    """A monotonic clock the test moves; sleeping moves it too, and is noted."""

    def __init__(self):
        self.now = 1000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(throttle, "_clock", clock)
    monkeypatch.setattr(throttle, "_sleep", clock.sleep)
    for name in (RATE_ENV, BURST_ENV):
        monkeypatch.delenv(name, raising=False)
    return clock


def waits(gaps: list[float], rate: float = RATE, burst: float = BURST) -> list[float]:
    """Play reruns gaps[i] seconds apart through the bucket; the waits they were given (none: [])."""
    state, now, given = None, 0.0, []
    for gap in gaps:
        now += gap
        state, wait = take(state, now, rate, burst)
        if wait:
            given.append(round(wait, 3))
            now += wait
    return given


# A fast person at the dashboard: a rerun per select-box choice, checkbox, button, page switch, field
# typed and left, or Back; two for a button whose action ends in st.rerun() (a load, an approval).
PEOPLE = {
    "a new tab, then a page a second for a minute": [0] + [1] * 60,
    "a load, an approval and a rollback, each rerun again by st.rerun(), clicked a second apart": [1, 0] * 3,
    "a select box changed three times a second for 10 s": [1 / 3] * 30,
    "a button clicked six times a second for 5 s": [1 / 6] * 30,
    "a region, then every page, twice a second for 10 minutes": [0.5] * 1200,
    "typing into the search box and leaving it, a field every 2 s": [2] * 30,
    "ten clicks in 2 s, then half a minute of reading, for 10 minutes": ([30] + [0.2] * 9) * 20,
}


@pytest.mark.parametrize("gaps", PEOPLE.values(), ids=PEOPLE.keys())
def test_take_never_keeps_a_person_waiting(gaps):
    assert waits(gaps) == []


def test_take_lets_a_burst_through_then_one_rerun_per_token():
    assert waits([0] * 30) == []
    # The 31st at the same moment waits for the next token; so does each one after it.
    assert waits([0] * 33) == [0.5, 0.5, 0.5]
    # A script asking again 0.1 s after each answer: 600 reruns take as long as the tokens beyond the burst.
    gaps = [0.1] * 600
    assert sum(gaps) + sum(waits(gaps)) == pytest.approx((600 - BURST) / RATE, abs=0.2)


def test_take_a_run_that_replaces_a_waiting_one_waits_for_the_same_token():
    state, wait = None, 0.0
    for _ in range(30):
        state, wait = take(state, 10.0, RATE, BURST)
    state, wait = take(state, 10.0, RATE, BURST)
    assert wait == 0.5 and state == (0.0, 10.5, True)
    # Streamlit replaced that run with a newer request 0.2 s into its wait: no new debt.
    again, wait = take(state, 10.2, RATE, BURST)
    assert again == state and wait == pytest.approx(0.3)
    # Once the token has come and gone, the next waits a full token; one asked a second later, none.
    assert take(state, 10.5, RATE, BURST)[1] == 0.5
    assert take(state, 11.5, RATE, BURST) == ((1.0, 11.5, False), 0.0)


@pytest.mark.parametrize(
    "rate, burst, expected",
    [(None, None, (RATE, BURST)), ("0", None, (0.0, BURST)), ("5", "10", (5.0, 10.0)), ("fast", "-3", (RATE, BURST))],
)
def test_limits_come_from_the_environment_else_the_defaults(monkeypatch, rate, burst, expected):
    for name, value in ((RATE_ENV, rate), (BURST_ENV, burst)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert throttle.limits() == expected


def toasts(at) -> list[str]:
    return [t.value for t in at.toast]


def scope(at) -> str:
    """The line under the title that says what the page counts ("Showing Africa, in the period ...")."""
    return " ".join(c.value for c in at.caption)


def test_reruns_beyond_the_burst_wait_with_the_notice_and_run_with_the_latest_choice(app, clock, monkeypatch):
    monkeypatch.setenv(BURST_ENV, "3")
    at = app("regions", as_of="2023-06-30")
    at.run().run()
    assert clock.waits == [] and toasts(at) == []
    # The fourth rerun at the same moment: a choice made while over the limit.
    at.selectbox(key="region").select("AFR").run()
    assert clock.waits == [0.5]
    assert toasts(at) == [NOTICE]
    assert not at.exception
    assert at.title[0].value == "Regions"
    assert "Africa" in scope(at)
    # Asked again at once, it waits again, without a second notice.
    at.run()
    assert clock.waits == [0.5, 0.5] and toasts(at) == []
    # Once the token has come, the next rerun goes at once and keeps the choice.
    clock.now += 0.5
    at.run()
    assert clock.waits == [0.5, 0.5] and toasts(at) == []
    assert at.selectbox(key="region").value == "AFR" and "Africa" in scope(at)


def test_a_person_clicking_fast_through_the_dashboard_never_waits(app, clock):
    at = app(as_of="2023-06-30")
    regions = itertools.cycle(["AFR", "EUR", "ASP", ALL])
    for page in ["regions", "capabilities", "centers", "events", "milestones", "overview"] * 2:
        at.switch_page(f"app_pages/{page}.py").run()
        clock.now += 0.5
        for _ in range(3):  # three region choices in a second
            at.selectbox(key="region").set_value(next(regions)).run()
            clock.now += 1 / 3
        if page == "centers":
            for text in ("ITU", "Kenya", ""):
                at.text_input(key="q").input(text).run()
                clock.now += 2
        assert not at.exception
    assert clock.waits == [] and toasts(at) == []


def test_no_limit_when_the_rate_is_zero(app, clock, monkeypatch):
    monkeypatch.setenv(RATE_ENV, "0")
    at = app()
    for _ in range(40):
        at.run()
    assert clock.waits == [] and toasts(at) == []


@pytest.fixture(scope="module")
def served(_handcount_store, tmp_path_factory):
    """The dashboard on a copy of the hand-counted store, with a burst of 2 so that a test's burst is short."""
    store = copy_store(_handcount_store, tmp_path_factory.mktemp("throttle"))
    with serve(store.path, env={BURST_ENV: "2", RATE_ENV: "2"}) as url:
        yield url


def test_a_burst_over_the_websocket_is_dropped_and_the_latest_choice_is_shown(served):
    """Twenty choices 50 ms apart: the notice comes, the page is drawn for few of them, and last for the latest."""

    async def scenario():
        tab = Session(served)
        try:
            await tab.open("regions", "as_of=2023-06-30")
            labels = [label for label in tab.region_box[1] if label != "All regions"]
            asked = [labels[i % len(labels)] for i in range(19)] + ["Europe"]
            seen = {"drawn": 0, "notices": 0, "finished": []}
            drawn_for = None

            async def read():
                nonlocal drawn_for
                msg = ForwardMsg()
                while True:
                    msg.ParseFromString(await tab.ws.recv(decode=False))
                    kind = msg.WhichOneof("type")
                    if kind == "new_session":
                        drawn_for = None
                    elif kind == "delta":
                        element = msg.delta.new_element
                        what = element.WhichOneof("type")
                        if what == "toast" and element.toast.body == NOTICE:
                            seen["notices"] += 1
                        elif what == "heading" and element.heading.body == "Regions":
                            seen["drawn"] += 1
                        elif what == "markdown" and element.markdown.body.startswith("Showing "):
                            drawn_for = element.markdown.body
                    elif kind == "script_finished" and msg.script_finished == FINISHED:
                        seen["finished"].append(drawn_for)

            reader = asyncio.create_task(read())
            try:
                started = asyncio.get_running_loop().time()
                for label in asked:
                    tab.region = label
                    await tab.ws.send(tab._rerun_message(tab._query()))
                    await asyncio.sleep(0.05)
                sent_s = asyncio.get_running_loop().time() - started
                async with asyncio.timeout(30):
                    while not any(body and body.startswith("Showing Europe,") for body in seen["finished"]):
                        await asyncio.sleep(0.05)
            finally:
                reader.cancel()
            return seen, sent_s
        finally:
            await tab.close()

    seen, sent_s = asyncio.run(scenario())
    assert seen["notices"] >= 1
    # The opening and the burst (2 tokens), then a token each half second while the choices came and
    # after: only those runs reach the page; the others were dropped on the way.
    assert seen["drawn"] <= 2 + 1 + int(2 * (sent_s + 1)), seen
    assert seen["finished"][-1].startswith("Showing Europe,"), seen
