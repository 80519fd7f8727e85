"""The crowd client (bench/crowd.py) against running servers: reruns timed, errors counted, a restart reconnected."""

import asyncio
import json
import random
import subprocess
import sys
import time
from contextlib import ExitStack, suppress

import pytest
from browser import free_port, serve
from conftest import ROOT, copy_store

from bench import crowd
from bench.crowd import Session, run_crowd
from components.throttle import BURST, RATE, RATE_ENV

# A one-page app that fails when its link asks it to.
TINY_APP = """
import streamlit as st

st.title("Tiny")
if "boom" in st.query_params:
    raise RuntimeError("boom")
st.write("fine")
"""
TINY_PAGES = {"": 1}


@pytest.fixture(scope="module")
def served(_handcount_store, tmp_path_factory):
    """The dashboard served on a copy of the hand-counted store: (url, server pids)."""
    store = copy_store(_handcount_store, tmp_path_factory.mktemp("crowd"))
    # The shipped rerun limit (tests/conftest.py turns it off for every other server).
    with serve(store.path, env={RATE_ENV: str(RATE)}) as url:
        yield url, crowd.server_pids(url)


@pytest.fixture
def tiny_app(tmp_path):
    script = tmp_path / "tiny.py"
    script.write_text(TINY_APP)
    return script


def test_crowd_times_reruns_of_every_page_without_errors(served, monkeypatch):
    url, pids = served
    result = run_crowd(url, sessions=4, think_s=0.5, seconds=8, pids=pids, seed=1)
    assert result["reruns"] >= 8
    assert result["errors"] == 0, result["error_kinds"]
    assert result["reconnects"] == 0
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"] < 30_000
    assert result["rss_mb"] > 50
    assert result["sessions"] == 4 and result["replicas"] == 1 and result["think_s"] == 0.5


def test_crowd_session_changes_the_region_the_page_shows(served):
    url, _ = served

    async def scenario():
        tab = Session(url)
        try:
            await tab.open("regions")
            assert tab.region_box and tab.region_box[1][:2] == ["All regions", "Africa"]
            received, recv = [], tab.ws.recv

            async def keep(*args, **kwargs):
                received.append(await recv(*args, **kwargs))
                return received[-1]

            tab.ws.recv = keep
            assert await tab.choose_region("Europe") is not None
            return tab.query, tab.tally, b"".join(received)
        finally:
            await tab.close()

    query, tally, received = asyncio.run(scenario())
    assert query == "region=Europe"
    assert b"Europe, in the period" in received  # the scope of what the page counts (Filters.scope_label)
    assert not tally.errors


def test_crowd_session_returns_to_all_regions_without_an_error(served):
    url, _ = served

    async def scenario():
        tab = Session(url)
        try:
            await tab.open("regions")
            await tab.choose_region("Africa")
            await tab.choose_region("All regions")
            return tab.tally
        finally:
            await tab.close()

    assert not asyncio.run(scenario()).errors


def test_crowd_counts_a_script_error(tiny_app, tmp_path):
    async def scenario(url):
        tab = Session(url, pages=TINY_PAGES)
        try:
            fine = await tab.open("")
            failed = await tab.open("", "boom=1")
            return fine, failed, tab.tally
        finally:
            await tab.close()

    with serve(tmp_path / "none.duckdb", script=tiny_app) as url:
        fine, failed, tally = asyncio.run(scenario(url))
    assert fine > 0 and failed is None
    assert tally.errors == {"exception": 1}
    assert len(tally.rerun_ms) == 1


def test_crowd_reconnects_after_the_server_restarts(tiny_app, tmp_path):
    port = free_port()

    async def until(condition, seconds: float) -> None:
        deadline = time.perf_counter() + seconds
        while not condition():
            assert time.perf_counter() < deadline, "timed out"
            await asyncio.sleep(0.05)

    async def scenario():
        with ExitStack() as second:
            first = ExitStack()
            url = await asyncio.to_thread(first.enter_context, serve(tmp_path / "none.duckdb", port=port, script=tiny_app))
            tab = Session(url, think_s=0.2, rng=random.Random(0), pages=TINY_PAGES)
            running = asyncio.create_task(tab.run(time.perf_counter(), time.perf_counter() + 60))
            try:
                await until(lambda: len(tab.tally.rerun_ms) >= 2, 20)
                await asyncio.to_thread(first.close)
                await until(lambda: tab.tally.reconnects, 10)
                served_before = len(tab.tally.rerun_ms)
                await asyncio.to_thread(second.enter_context, serve(tmp_path / "none.duckdb", port=port, script=tiny_app))
                await until(lambda: tab.tally.reconnect_ms and len(tab.tally.rerun_ms) > served_before, 20)
            finally:
                running.cancel()
                with suppress(asyncio.CancelledError):
                    await running
                await tab.close()
                first.close()
        return tab.tally

    tally = asyncio.run(scenario())
    assert tally.reconnects == 1
    assert len(tally.reconnect_ms) == 1 and tally.reconnect_ms[0] > 0
    # Connected again first; served again at the next action, as a browser tab is.
    assert len(tally.served_again_ms) == 1 and tally.served_again_ms[0] >= tally.reconnect_ms[0]
    assert tally.connect_failures >= 1  # tried while the server was down
    assert not tally.errors


def test_crowd_command_prints_its_summary_as_json(served):
    url, pids = served
    done = subprocess.run(
        [sys.executable, "-m", "bench", "crowd", "--url", url, "--sessions", "2", "--think", "0.5", "--minutes", "0.05"]
        + ["--pids", ",".join(map(str, pids)), "--replicas", "3", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert {"replicas", "sessions", "think_s", "p50_ms", "p95_ms", "max_ms", "errors", "reconnects", "rss_mb"} <= result.keys()
    assert result["replicas"] == 3 and result["sessions"] == 2 and result["minutes"] == 0.05
    assert result["reruns"] >= 2


def test_noisy_tab_asks_without_pause_and_is_held_to_the_limit(served):
    url, _ = served
    did = crowd.run_noisy(url, 5, "reruns", rate=50, source=crowd.NOISY_SOURCE)
    assert did["kind"] == "reruns" and did["asked"] > BURST + 10, did
    # Past its burst the tab is told it asks too fast, and most of what it asked never ran to the end.
    assert did["notices"] >= 1, did
    assert did.get("runs_finished", 0) < did["asked"] / 2, did
    assert not did.get("lost"), did


def test_noisy_client_opens_and_holds_many_tabs(served):
    url, _ = served
    did = crowd.run_noisy(url, 4, "connections", count=5, source=crowd.NOISY_SOURCE)
    assert did["peak_open"] == 5 and did["served"] == 5
    assert not did.get("refused") and not did.get("failed")


def test_crowd_beside_a_noisy_client_is_timed_alone_then_beside_it(served):
    url, pids = served
    alone, beside = crowd.beside_noisy(url, 2, 0.5, 4, crowd.noisy_options("reruns", rate=20), pids=pids, seed=2)
    assert alone["reruns"] > 0 and beside["reruns"] > 0
    assert beside["alone"]["p95_ms"] == alone["p95_ms"]
    assert beside["p95_ratio"] == round(beside["p95_ms"] / alone["p95_ms"], 2)
    assert beside["noisy"]["asked"] > 0 and "noisy" not in alone
    assert beside["server_cpu_pct"] > 0
    assert "beside" in crowd.describe_pair(beside) and "a tab asking for reruns" in crowd.describe_noisy(beside["noisy"])


def test_pooled_rounds_give_percentiles_over_every_rerun_and_summed_counts():
    def run(rerun_ms, errors, cpu, asked):
        return {
            **dict.fromkeys(("replicas", "sessions", "think_s", "rss_mb", "rss_peak_mb", "reconnect_max_ms"), 1),
            "minutes": 0.5,
            "rerun_ms": rerun_ms,
            "errors": errors,
            "error_kinds": {"timeout": errors} if errors else {},
            **dict.fromkeys(("reconnects", "connect_failures", "unserved_sessions"), 0),
            "client_cpu_s": 1.0,
            "client_cpu_pct": 2.0,
            "server_cpu_pct": cpu,
            "noisy": {"kind": "reruns", "rate": 100.0, "seconds": 30.0, "asked": asked, "notices": 1},
        }

    both = crowd.pooled([run([10.0] * 20, 1, 20.0, 3000), run([20.0] * 19 + [500.0], 0, 40.0, 2990)])
    assert both["reruns"] == 40 and both["rounds"] == 2 and both["minutes"] == 1.0
    assert both["p50_ms"] == 10.0 and both["p95_ms"] == 20.0 and both["max_ms"] == 500.0
    assert both["errors"] == 1 and both["error_kinds"] == {"timeout": 1}
    assert both["server_cpu_pct"] == 30.0
    assert both["noisy"] == {"kind": "reruns", "rate": 100.0, "seconds": 60.0, "asked": 5990, "notices": 2}
    assert "rerun_ms" not in both
