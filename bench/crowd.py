"""A crowd of headless sessions: reruns timed over Streamlit's own websocket, with no browser.

    python -m bench crowd --url http://127.0.0.1:8501 --sessions 50 --think 2 --minutes 1
    python -m bench crowd --url http://127.0.0.1:8501 --sessions 40 --think 4 --minutes 0.5 --noisy reruns --rounds 3

Each session is one browser tab without a browser, speaking what Streamlit 1.67's frontend speaks
(static/static/js/index.*.js, web/server/starlette/starlette_websocket.py, runtime/app_session.py):

1. GET /_stcore/health, as the frontend does before it opens the websocket, with the session's own
   cookies; keep what the answer sets: a proxy's sticky-session cookie (HAProxy `cookie SERVERID
   insert`) and Streamlit's `_streamlit_xsrf`.
2. Open ws(s)://HOST/_stcore/stream with those cookies, an Origin, and the subprotocols
   ["streamlit", <the xsrf cookie or "PLACEHOLDER_AUTH_TOKEN">, <last session id>]. The server selects
   the first; it resumes a session it still holds from the third and starts a new one otherwise (a
   restarted server, another replica).
3. Send BackMsg.rerun_script: `query_string` without the "?", `page_name` (the URL path under the
   base) the first time and `page_script_hash` (from the `navigation` ForwardMsg) once known, and
   `widget_states`: here only the region select box, found by its `query_param_key`, as the browser
   sends a changed select box (its option label) with the URL parameter it is bound to.
4. Read ForwardMsgs to the end of the run chain. `new_session` starts a run; `script_finished` with
   FINISHED_EARLY_FOR_RERUN means st.rerun() goes on (the app does that once on a fresh server);
   FINISHED_SUCCESSFULLY ends it. A rerun is timed from sending the BackMsg to that end.

The message cache: the server replaces a message by a `ref_hash` only when the rerun's
`cached_message_hashes` lists its hash (ScriptRunContext.enqueue). These sessions list none, so
every message arrives whole and none has to be looked up.

Errors: a rerun that ends with another status, shows an exception element, is answered with
`page_not_found`, or takes longer than 30 s; only reruns without errors are timed. A rerun still
going when the time is up may finish (30 s at most). When the websocket closes (a server or replica died),
the session reconnects to the same URL with backoff and, as Streamlit's frontend does, keeps its
page until its next action reruns it; it records how long it took to connect again and to be served
again.

A noisy client (`--noisy`, run_noisy) runs beside the crowd in a process of its own: one tab asking
for reruns of the Events page at a fixed rate whatever the server answers (issue 24 measured one at
110 a second), or one client opening many tabs at once. It connects from another local address
(127.0.0.2), so that a proxy on loopback tells it from the crowd. The crowd runs alone and beside it,
in turn; `python -m bench noisy` records the trials of NOISY_TRIALS, without and with the limits.
"""

import argparse
import asyncio
import json
import math
import os
import random
import socket
import ssl
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

ROOT = Path(__file__).resolve().parent.parent

RERUN_TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 10.0
BACKOFF_FIRST_S, BACKOFF_MAX_S = 0.1, 3.0
# Where delegates go, by weight: mostly the overview and the regions. URL paths under the app's base.
PAGES = {"": 35, "regions": 30, "capabilities": 10, "centers": 10, "events": 7, "milestones": 5, "about": 3}
SWITCH_PAGE = 0.5  # share of actions that open another page; the others change the region
# Share of region changes back to the select box's first option (all regions).
ALL_REGIONS = 0.3
LINKED_REGION = 0.3  # share of sessions opened from a link that names a region
REGION_CODES = ("AFR", "AMS", "ARB", "ASP", "CIS", "EUR")  # the ITU-D regions of alliance.kpis.REGIONS
USER_AGENT = "alliance-crowd (websockets)"

FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY
# A run chain goes on after these: st.rerun(), or a fragment of the page run on its own.
GOES_ON = {ForwardMsg.FINISHED_EARLY_FOR_RERUN, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
# What a connection can fail with: refused, reset, closed, a handshake a proxy answered 503, too slow.
LOST = (WebSocketException, OSError, EOFError, TimeoutError, asyncio.LimitOverrunError)


@dataclass
class Tally:
    """What one session measured."""

    rerun_ms: list[float] = field(default_factory=list)  # successful reruns, opening included
    reconnect_ms: list[float] = field(default_factory=list)  # from a lost connection to connected again
    served_again_ms: list[float] = field(default_factory=list)  # from a lost connection to the next rerun answered
    errors: Counter = field(default_factory=Counter)  # kind of failed rerun -> count
    reconnects: int = 0
    connect_failures: int = 0  # attempts to connect that failed (a server down, a proxy's 503)
    unserved: bool = False  # the session ended without being served again after losing its connection


class Session:
    """One headless tab: its cookies, its websocket, the page it shows, and what it measured."""

    def __init__(
        self,
        url: str,
        think_s: float = 2.0,
        rng: random.Random | None = None,
        timeout_s: float = RERUN_TIMEOUT_S,
        pages: dict[str, float] | None = None,
        source: str | None = None,
    ):
        parts = urlsplit(url)
        self.secure = parts.scheme in ("https", "wss")
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if self.secure else 80)
        self.origin = f"{'https' if self.secure else 'http'}://{parts.netloc}"
        self.base = parts.path.rstrip("/")
        self.stream_url = f"{'wss' if self.secure else 'ws'}://{parts.netloc}{self.base}/_stcore/stream"
        self.netloc = parts.netloc
        self.think_s = think_s
        self.rng = rng or random.Random(0)
        self.timeout_s = timeout_s
        self.pages = pages or PAGES  # URL path -> weight of the pages this tab goes to
        # The local address to connect from (127.0.0.2, say: a proxy then tells this tab from the others).
        self.local_addr = (source, 0) if source else None
        self.cookies: dict[str, str] = {}
        self.ws: ClientConnection | None = None
        self.session_id = ""  # Streamlit's id for this tab, offered back when reconnecting
        self.page = ""  # URL path of the page shown ("" is the default page)
        self.query = ""  # the URL's query string, as the app last set it
        self.region: str | None = None  # the region select box's label this tab chose (None: never touched)
        self.region_box: tuple[str, list[str]] | None = None  # (widget id, option labels)
        self.page_hashes: dict[str, str] = {}  # URL path -> page_script_hash, from `navigation`
        self.tally = Tally()

    async def connect(self) -> None:
        """GET the health check with this tab's cookies, then open the websocket with them."""
        await self._get(f"{self.base}/_stcore/health")
        token = self.cookies.get("_streamlit_xsrf") or "PLACEHOLDER_AUTH_TOKEN"
        headers = {"Cookie": self._cookie_header()} if self.cookies else {}
        self.ws = await connect(
            self.stream_url,
            subprotocols=["streamlit", token, *([self.session_id] if self.session_id else [])],
            additional_headers=headers,
            origin=self.origin,
            user_agent_header=USER_AGENT,
            proxy=None,
            open_timeout=CONNECT_TIMEOUT_S,
            ping_interval=None,  # the server pings; a browser does not
            close_timeout=2,
            max_size=None,  # a chart's message can be megabytes
            local_addr=self.local_addr,
        )
        self._keep_cookies(self.ws.response.headers.get_all("Set-Cookie"))

    async def close(self) -> None:
        """Close the websocket, if open."""
        ws, self.ws = self.ws, None
        if ws is not None:
            with suppress(*LOST):
                await ws.close()

    async def open(self, page: str = "", query: str = "") -> float | None:
        """Connect if need be and open a page as a new tab does: by its URL path and query string."""
        if self.ws is None:
            await self.connect()
        self.page, self.query = page, query
        return await self.rerun(query)

    async def goto(self, page: str) -> float | None:
        """Switch to another page, keeping the region, as the navigation menu does."""
        self.page = page
        return await self.rerun(self._query())

    async def choose_region(self, label: str) -> float | None:
        """Pick a region in the sidebar's select box (an option label, e.g. 'Africa')."""
        self.region = label
        return await self.rerun(self._query())

    async def rerun(self, query: str) -> float | None:
        """Run the current page with query; milliseconds to the end of the run, or None if it failed (counted)."""
        started = time.perf_counter()
        self.query = query  # the address bar now holds it; the app may still change it (page_info_changed)
        try:
            async with asyncio.timeout(self.timeout_s):
                await self.ws.send(self._rerun_message(query))
                problem = await self._until_finished()
        except TimeoutError:
            problem = "timeout"
        elapsed_ms = (time.perf_counter() - started) * 1000
        if problem:
            self.tally.errors[problem] += 1
            return None
        self.tally.rerun_ms.append(elapsed_ms)
        return elapsed_ms

    async def idle(self, seconds: float) -> None:
        """Think for seconds, reading (and dropping) what the server still sends, so a closed socket shows at once."""
        try:
            async with asyncio.timeout(max(0.0, seconds)):
                while True:
                    await self.ws.recv(decode=False)
        except TimeoutError:
            pass

    async def act(self) -> float | None:
        """Do what a delegate does next: open another page or change the region (or, with neither, run the page again)."""
        others = {path: weight for path, weight in self.pages.items() if path != self.page}
        if others and (self.region_box is None or self.rng.random() < SWITCH_PAGE):
            return await self.goto(self.rng.choices(list(others), weights=list(others.values()))[0])
        if self.region_box is None:
            return await self.rerun(self._query())
        options = self.region_box[1]
        current = self.region if self.region is not None else options[0]
        if current != options[0] and self.rng.random() < ALL_REGIONS:
            return await self.choose_region(options[0])
        return await self.choose_region(self.rng.choice([label for label in options[1:] if label != current] or options))

    async def run(self, start_at: float, stop_at: float) -> None:
        """From start_at (a perf_counter time), open a page, then act every think time (jittered) until stop_at.

        A lost connection is reconnected with backoff, as the frontend does: the time from noticing the
        loss to connected again is one entry of reconnect_ms; to the next rerun answered (the reader's
        next action), one of served_again_ms.
        """
        await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
        opened = self.ws is not None  # a tab opened before (a test's) goes on from its page
        lost_at = unserved_since = None
        attempt = 0
        while time.perf_counter() < stop_at:
            try:
                if self.ws is None:
                    try:
                        await self.connect()
                    except LOST:
                        self.tally.connect_failures += 1
                        raise
                    attempt = 0
                    if not opened:
                        opened = True
                        served = await self.open(*self._first_page())
                    else:
                        # As Streamlit's frontend does: connected again (to another replica, through a
                        # proxy), the tab keeps its page on screen and reruns at the reader's next action.
                        self.tally.reconnect_ms.append((time.perf_counter() - lost_at) * 1000)
                        unserved_since, lost_at = lost_at, None
                        continue
                else:
                    think = self.think_s * self.rng.uniform(0.5, 1.5)
                    await self.idle(min(think, stop_at - time.perf_counter()))
                    if time.perf_counter() >= stop_at:
                        break
                    served = await self.act()
                if unserved_since is not None and served is not None:
                    self.tally.served_again_ms.append((time.perf_counter() - unserved_since) * 1000)
                    unserved_since = None
            except LOST:
                was_open = self.ws is not None
                await self.close()
                if was_open and opened:
                    self.tally.reconnects += 1
                    lost_at = lost_at or time.perf_counter()
                delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2**attempt) * self.rng.uniform(0.5, 1.5)
                attempt += 1
                await asyncio.sleep(max(0.0, min(delay, stop_at - time.perf_counter())))
        self.tally.unserved = lost_at is not None or unserved_since is not None

    def _first_page(self) -> tuple[str, str]:
        """The page a delegate opens, and whether the link names a region (?region=AFR)."""
        page = self.rng.choices(list(self.pages), weights=list(self.pages.values()))[0]
        query = f"region={self.rng.choice(REGION_CODES)}" if self.rng.random() < LINKED_REGION else ""
        return page, query

    def _query(self) -> str:
        """The URL's query string with the region this tab chose (left out for the first option, as for a default)."""
        if self.region is None or self.region_box is None:
            return self.query
        params = [(name, value) for name, value in parse_qsl(self.query, keep_blank_values=True) if name != "region"]
        if self.region != self.region_box[1][0]:
            params.append(("region", self.region))
        return urlencode(params)

    def _rerun_message(self, query: str) -> bytes:
        """A rerun_script BackMsg for the current page, as the frontend's sendRerunBackMsg builds it."""
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = query
        page_hash = self.page_hashes.get(self.page)
        if page_hash:
            rerun.page_script_hash = page_hash
        else:
            rerun.page_name = self.page
        if self.region is not None and self.region_box is not None:
            state = rerun.widget_states.widgets.add()
            state.id = self.region_box[0]
            state.string_value = self.region
        return msg.SerializeToString()

    async def _until_finished(self) -> str | None:
        """Read ForwardMsgs to the end of the run chain; the kind of problem seen, or None.

        Messages before the first `new_session` belong to an earlier run and are skipped. Only
        top-level fields are read, and of a delta only the element's type (and a select box's
        binding), so that hundreds of sessions stay cheap.
        """
        running = False
        problem = None
        msg = ForwardMsg()
        while True:
            msg.ParseFromString(await self.ws.recv(decode=False))
            kind = msg.WhichOneof("type")
            if kind == "delta":
                if not running:
                    continue
                element = msg.delta.new_element
                what = element.WhichOneof("type")
                if what == "exception":
                    problem = problem or "exception"
                elif what == "selectbox" and element.selectbox.query_param_key == "region":
                    self.region_box = (element.selectbox.id, list(element.selectbox.options))
            elif kind == "new_session":
                running = True
                self.session_id = msg.new_session.initialize.session_id or self.session_id
            elif kind == "script_finished" and running:
                if msg.script_finished == FINISHED:
                    return problem
                if msg.script_finished not in GOES_ON:
                    return problem or ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished).lower()
                running = False
            elif kind == "navigation":
                self.page_hashes = {page.url_pathname: page.page_script_hash for page in msg.navigation.app_pages}
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "page_not_found" and running:
                problem = problem or "page not found"
            elif kind == "session_event" and running and msg.session_event.HasField("script_compilation_exception"):
                problem = problem or "compilation error"

    async def _get(self, path: str) -> None:
        """GET path on a connection of its own with this tab's cookies; keep the cookies the answer sets."""
        async with asyncio.timeout(CONNECT_TIMEOUT_S):
            reader, writer = await asyncio.open_connection(
                self.host, self.port, ssl=_tls() if self.secure else None, local_addr=self.local_addr
            )
            try:
                lines = [f"GET {path} HTTP/1.1", f"Host: {self.netloc}", f"User-Agent: {USER_AGENT}", "Connection: close"]
                if self.cookies:
                    lines.append(f"Cookie: {self._cookie_header()}")
                writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            finally:
                writer.close()
                with suppress(*LOST):
                    await writer.wait_closed()
        try:
            status = int(head[0].split()[1])
        except (IndexError, ValueError):
            raise ConnectionError(f"GET {path}: not an HTTP answer: {head[0][:80]!r}") from None
        self._keep_cookies(line.split(":", 1)[1] for line in head[1:] if line.lower().startswith("set-cookie:"))
        if status != 200:
            raise ConnectionError(f"GET {path}: HTTP {status}")

    def _keep_cookies(self, set_cookies) -> None:
        """Keep NAME=VALUE of each Set-Cookie (one host, so no domain or path matching); Max-Age=0 removes it."""
        for header in set_cookies:
            pair, *attributes = header.strip().split(";")
            name, _, value = pair.partition("=")
            if any(a.strip().lower() == "max-age=0" for a in attributes):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


_TLS: ssl.SSLContext | None = None


def _tls() -> ssl.SSLContext:
    """One TLS context for every session (making one costs milliseconds)."""
    global _TLS
    _TLS = _TLS or ssl.create_default_context()
    return _TLS


# The noisy client: what one client asks for beyond any person, beside the crowd (--noisy).
NOISY_PAGE = "events"  # the page issue 24 timed while one tab asked for 110 reruns a second
NOISY_RATE = 100.0  # reruns a second the noisy tab asks for, whatever the server answers
NOISY_CONNECTIONS = 1500  # websockets the noisy client keeps open through a proxy, at most
NOISY_RETRY_S = 1.0  # how soon a refused tab of the noisy client tries again
NOISY_SOURCE = "127.0.0.2"  # its local address: a proxy on loopback tells it from the crowd (127.0.0.1)


async def noisy_reruns(url: str, seconds: float, rate: float = NOISY_RATE, source: str | None = None) -> dict:
    """One tab asking for reruns of the Events page rate times a second, whatever the server answers.

    rate 0: each as soon as the server finished the last. Its region changes with every request, as a
    stuck control's would. Counts the reruns it asked for, the runs the server started and finished for
    it, and the notices that it asks too fast (components/throttle.py).
    """
    stop_at = time.perf_counter() + seconds
    tab = Session(url, source=source)
    counts = Counter()
    try:
        await tab.open(NOISY_PAGE)
        labels = tab.region_box[1] if tab.region_box else []
        finished = asyncio.Event()

        async def read() -> None:
            msg = ForwardMsg()
            while True:
                msg.ParseFromString(await tab.ws.recv(decode=False))
                kind = msg.WhichOneof("type")
                if kind == "new_session":
                    counts["runs_started"] += 1
                elif kind == "script_finished" and msg.script_finished == FINISHED:
                    counts["runs_finished"] += 1
                    finished.set()
                elif kind == "delta" and msg.delta.new_element.WhichOneof("type") == "toast":
                    counts["notices"] += 1

        reader = asyncio.create_task(read())
        next_at = time.perf_counter()
        try:
            while time.perf_counter() < stop_at and not reader.done():
                if labels:
                    tab.region = labels[counts["asked"] % len(labels)]
                finished.clear()
                await tab.ws.send(tab._rerun_message(tab._query()))
                counts["asked"] += 1
                if rate > 0:
                    next_at = max(next_at + 1 / rate, time.perf_counter() - 1)
                    await asyncio.sleep(max(0.0, min(next_at, stop_at) - time.perf_counter()))
                else:
                    with suppress(TimeoutError):
                        async with asyncio.timeout(max(0.0, stop_at - time.perf_counter())):
                            await finished.wait()
        finally:
            reader.cancel()
            with suppress(asyncio.CancelledError, *LOST):
                await reader
    except LOST:
        counts["lost"] += 1
    finally:
        await tab.close()
    return {"kind": "reruns", "rate": rate, "seconds": seconds, **counts}


async def noisy_connections(
    url: str, seconds: float, count: int = NOISY_CONNECTIONS, source: str | None = None, page: str = ""
) -> dict:
    """One client opening count tabs at once and holding them: each connects, runs its page once and stays.

    A tab refused (a proxy's limit, a full server) tries again every NOISY_RETRY_S until the time is up.
    Counts the tabs connected and served, the refusals, and the most held open at once.
    """
    stop_at = time.perf_counter() + seconds
    counts = Counter()
    open_now = peak = 0

    async def hold(i: int) -> None:
        nonlocal open_now, peak
        tab = Session(url, rng=random.Random(i), source=source)
        while time.perf_counter() < stop_at:
            try:
                await tab.connect()
            except (*LOST, ConnectionError):
                counts["refused"] += 1
                await tab.close()
                await asyncio.sleep(NOISY_RETRY_S)
                continue
            open_now += 1
            peak = max(peak, open_now)
            try:
                counts["served" if await tab.open(page) is not None else "failed"] += 1
                await tab.idle(stop_at - time.perf_counter())
            except LOST:
                counts["lost"] += 1
            finally:
                open_now -= 1
                await tab.close()
            break

    await asyncio.gather(*(hold(i) for i in range(count)))
    return {"kind": "connections", "count": count, "seconds": seconds, "peak_open": peak, **counts}


def run_noisy(url: str, seconds: float, kind: str = "reruns", **options) -> dict:
    """Run a noisy client (noisy_reruns or noisy_connections, with their options) to its end; for a process of its own."""
    noisy = {"reruns": noisy_reruns, "connections": noisy_connections}[kind]
    return asyncio.run(noisy(url, seconds, **options))


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (so p50 <= p95 <= max always holds); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def rss_mb(pids: list[int]) -> float:
    """Resident MB of the processes pids and all their descendants (VmRSS in /proc), summed."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                # The command name in parentheses may hold spaces: the fields after its ')' are safe to split.
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    seen, todo, total_kb = set(), list(pids), 0
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        todo.extend(children.get(pid, []))
        with suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
    return round(total_kb / 1024, 1)


async def crowd(
    url: str,
    sessions: int,
    think_s: float,
    seconds: float,
    pids: list[int] | None = None,
    replicas: int = 1,
    seed: int = 0,
    pages: dict[str, float] | None = None,
    noisy: dict | None = None,
    raw: bool = False,
) -> dict:
    """Run sessions tabs against url for seconds (their starts spread over the first think time); summarise.

    noisy: a noisy client to run beside them for as long, in a process of its own (run_noisy's options,
    e.g. {"kind": "reruns", "rate": 100}); what it did is in the summary's "noisy". raw: the summary
    keeps every rerun's milliseconds ("rerun_ms"), for pooling rounds.
    """
    noisy_process = await _start_noisy(url, seconds, noisy) if noisy else None
    started, cpu_started = time.perf_counter(), time.process_time()
    server_cpu_started = cpu_seconds(pids) if pids else None
    stop_at = started + seconds
    ramp_s = min(think_s, seconds / 2)
    tabs = [Session(url, think_s, random.Random(f"{seed}:{i}"), pages=pages) for i in range(sessions)]
    rss_peak = 0.0

    async def sample_rss() -> None:
        nonlocal rss_peak
        while True:
            rss_peak = max(rss_peak, rss_mb(pids))
            await asyncio.sleep(2)

    sampler = asyncio.create_task(sample_rss()) if pids else None
    try:
        if noisy_process:
            noisy_process.stdin.write(b"go\n")
            await noisy_process.stdin.drain()
        await asyncio.gather(*(tab.run(started + ramp_s * i / sessions, stop_at) for i, tab in enumerate(tabs)))
    except BaseException:
        if noisy_process and noisy_process.returncode is None:
            noisy_process.kill()
            await noisy_process.wait()
        noisy_process = None
        raise
    finally:
        if sampler:
            sampler.cancel()
        await asyncio.gather(*(tab.close() for tab in tabs))
        noisy_did = await _noisy_result(noisy_process) if noisy_process else None
    wall_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started
    rss = rss_mb(pids) if pids else None
    result = summary(tabs, replicas, think_s, seconds, rss, max(rss_peak, rss or 0) if pids else None, cpu_s, wall_s)
    if pids:
        result["server_cpu_pct"] = round(100 * (cpu_seconds(pids) - server_cpu_started) / wall_s, 1)
    # How busy the machine was with everything else too (processes waiting for its cores, last minute).
    result["load_avg"] = round(os.getloadavg()[0], 1)
    if noisy:
        result["noisy"] = noisy_did
    if raw:
        result["rerun_ms"] = [round(ms, 1) for tab in tabs for ms in tab.tally.rerun_ms]
    return result


async def _start_noisy(url: str, seconds: float, noisy: dict) -> asyncio.subprocess.Process:
    """A process that runs run_noisy when it reads a line, its imports done.

    A process of its own, so that its work slows neither the crowd's client nor its timing; niced, as it
    stands for a client on another machine: 1,500 tabs' handshakes cost that machine's CPU, not the
    server's, and here they would take the cores the server and the crowd share with it.
    """
    code = (
        "import json, os, sys; os.nice(19); sys.path.insert(0, sys.argv[1]); from bench.crowd import run_noisy; "
        "print('ready', flush=True); sys.stdin.readline(); print(json.dumps(run_noisy(**json.loads(sys.argv[2]))))"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        str(ROOT),
        json.dumps({"url": url, "seconds": seconds, **noisy}),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    if (await process.stdout.readline()).strip() != b"ready":
        raise RuntimeError(f"the noisy client did not start (exit status {await process.wait()})")
    return process


async def _noisy_result(process: asyncio.subprocess.Process) -> dict:
    """What the noisy client process reported once it ended (it ends when its time is up)."""
    if process.stdin and not process.stdin.is_closing():
        process.stdin.close()
    out, _ = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"the noisy client failed (exit status {process.returncode})")
    return json.loads(out.decode().strip().splitlines()[-1])


def beside_noisy(
    url: str, sessions: int, think_s: float, seconds: float, noisy: dict, rounds: int = 1, seed: int = 0, **options
) -> tuple[dict, dict]:
    """The crowd alone for seconds, then beside the noisy client as long, rounds times in turn: both summaries.

    Round i runs the same crowd (seed + i) alone and beside; each summary pools its rounds (pooled()),
    so that a machine busy with something else for a while weighs on both alike. The second has the
    first's figures ("alone") and "p95_ratio", its p95 over the first's.
    """
    alone, beside = [], []
    for i in range(rounds):
        alone.append(run_crowd(url, sessions, think_s, seconds, seed=seed + i, raw=True, **options))
        beside.append(run_crowd(url, sessions, think_s, seconds, seed=seed + i, raw=True, noisy=noisy, **options))
    return pooled(alone), _beside(pooled(alone), pooled(beside))


def pooled(runs: list[dict]) -> dict:
    """One summary of runs of the same crowd (with raw rerun times): percentiles over every rerun, counts summed."""
    rerun_ms = [ms for run in runs for ms in run.get("rerun_ms", [])]
    result = {key: value for key, value in runs[-1].items() if key != "rerun_ms"}
    if len(runs) == 1:
        return result
    total = sum(run["minutes"] for run in runs)
    result.update(
        rounds=len(runs),
        minutes=round(total, 3),
        reruns=len(rerun_ms),
        p50_ms=percentile(rerun_ms, 0.50),
        p95_ms=percentile(rerun_ms, 0.95),
        max_ms=max(rerun_ms, default=None),
        error_kinds=dict(sum((Counter(run["error_kinds"]) for run in runs), Counter())),
        rss_peak_mb=max((run["rss_peak_mb"] or 0 for run in runs), default=None) if result["rss_peak_mb"] is not None else None,
        client_cpu_s=round(sum(run["client_cpu_s"] for run in runs), 2),
    )
    for key in ("errors", "reconnects", "connect_failures", "unserved_sessions"):
        result[key] = sum(run[key] for run in runs)
    for key in ("server_cpu_pct", "client_cpu_pct", "load_avg"):  # weighed by each run's length
        if all(run.get(key) is not None for run in runs):
            result[key] = round(sum(run[key] * run["minutes"] for run in runs) / total, 1)
    if all("noisy" in run for run in runs):
        did = [run["noisy"] for run in runs]
        result["noisy"] = {
            **did[-1],
            **{
                key: sum(d.get(key, 0) for d in did)
                for key in {k for d in did for k, v in d.items() if isinstance(v, int) and k != "count"}
            },
            "seconds": sum(d["seconds"] for d in did),
            **({"peak_open": max(d.get("peak_open", 0) for d in did)} if did[-1]["kind"] == "connections" else {}),
        }
    return result


def cpu_seconds(pids: list[int]) -> float:
    """Processor seconds the processes pids have used so far (user and system, from /proc)."""
    total = 0
    for pid in pids:
        with suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def summary(tabs: list[Session], replicas: int, think_s: float, seconds: float, rss, rss_peak, cpu_s, wall_s) -> dict:
    """The crowd's figures: rerun percentiles, errors, reconnects, server memory, the client's own CPU."""
    rerun_ms = [ms for tab in tabs for ms in tab.tally.rerun_ms]
    reconnect_ms = [ms for tab in tabs for ms in tab.tally.reconnect_ms]
    errors = sum((tab.tally.errors for tab in tabs), Counter())

    def rounded(value):
        return None if value is None else round(value, 1)

    return {
        "replicas": replicas,
        "sessions": len(tabs),
        "think_s": think_s,
        "p50_ms": rounded(percentile(rerun_ms, 0.50)),
        "p95_ms": rounded(percentile(rerun_ms, 0.95)),
        "max_ms": rounded(max(rerun_ms, default=None)),
        "errors": sum(errors.values()),
        "reconnects": sum(tab.tally.reconnects for tab in tabs),
        "rss_mb": rss,
        "reruns": len(rerun_ms),
        "reconnect_max_ms": rounded(max(reconnect_ms, default=None)),
        "served_again_max_ms": rounded(max((ms for tab in tabs for ms in tab.tally.served_again_ms), default=None)),
        "minutes": round(seconds / 60, 3),
        "error_kinds": dict(errors),
        "connect_failures": sum(tab.tally.connect_failures for tab in tabs),
        "unserved_sessions": sum(tab.tally.unserved for tab in tabs),
        "rss_peak_mb": rss_peak,
        "client_cpu_s": round(cpu_s, 2),
        "client_cpu_pct": round(100 * cpu_s / wall_s, 1) if wall_s else None,
    }


def run_crowd(url: str, sessions: int, think_s: float, seconds: float, **options) -> dict:
    """Run a crowd (see crowd(): pids, replicas, seed, pages) and return its summary; for code that is not async."""
    return asyncio.run(crowd(url, sessions, think_s, seconds, **options))


def server_pids(url: str) -> list[int]:
    """Processes started as `streamlit run ... --server.port PORT` for url's port (tests/browser.py's serve())."""
    port = str(urlsplit(url).port)
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                args = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
                if "streamlit" in " ".join(args) and any(a == "--server.port" and b == port for a, b in zip(args, args[1:])):
                    found.append(int(entry.name))
    return found


async def warm(url: str) -> None:
    """Open every page once in one session (a server's first runs import and cache what later ones reuse)."""
    tab = Session(url)
    try:
        await tab.open("")
        for page in PAGES:
            await tab.goto(page)
    finally:
        await tab.close()


def time_crowd(
    store_path: Path,
    runs: tuple[tuple[int, float], ...] = ((20, 2.0),),
    minutes: float = 0.5,
    seed: int = 0,
    beside: dict | None = None,
) -> list[dict]:
    """Short crowds against one server on the store, started here and warmed: a summary per (sessions, think_s).

    beside: a noisy client's options (noisy_options()); the first crowd then runs once more beside it, on
    the same server, and that summary (with "alone_p95_ms" and "p95_ratio") ends the list.
    """
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import serve

    with serve(store_path) as url:
        pids = server_pids(url)
        asyncio.run(warm(url))
        timed = [run_crowd(url, sessions, think_s, minutes * 60, pids=pids, seed=seed) for sessions, think_s in runs]
        if beside:
            sessions, think_s = runs[0]
            timed.append(_beside(timed[0], run_crowd(url, sessions, think_s, minutes * 60, pids=pids, seed=seed, noisy=beside)))
            timed[-1].update(kind=BENCH_BESIDE, where="direct", limits="app (as shipped)")
        return timed


BENCH_BESIDE = "bench beside noisy"  # the kind of make bench's crowd beside a noisy tab

# What `python -m bench noisy` measures: the crowd alone and beside each noisy client, on servers started
# with each set of limits. "direct": one server, the noisy tab on its own websocket; "proxy": one replica
# behind HAProxy (deploy/haproxy.cfg), the noisy client from another address than the crowd.
NO_APP_LIMIT = {"ALLIANCE_RERUNS_PER_SECOND": "0"}
NO_PROXY_LIMITS = {
    "ALLIANCE_PROXY_CLIENT_CONNECTIONS": "1000000",
    "ALLIANCE_PROXY_CLIENT_REQUESTS": "100000000",
    "ALLIANCE_PROXY_CLIENT_TABS": "1000000",
}
FAST_RERUNS_ON = {"STREAMLIT_RUNNER_FAST_RERUNS": "true"}  # Streamlit's default; .streamlit/config.toml turns it off
NOISY_TRIALS = (
    ("direct", "none (Streamlit's defaults)", {**NO_APP_LIMIT, **FAST_RERUNS_ON}, (("reruns", 100.0),)),
    ("direct", "app: 2 reruns a second, burst 30; fastReruns on", FAST_RERUNS_ON, (("reruns", 100.0),)),
    (
        "direct",
        "as shipped: the app's limit, and Streamlit's runner.fastReruns off",
        {},
        (("reruns", 100.0), ("reruns", 1000.0), ("reruns", 0.0)),
    ),
    ("proxy", "none", NO_PROXY_LIMITS, (("connections", NOISY_CONNECTIONS),)),
    (
        "proxy",
        "as shipped: 1000 connections, 20000 requests and 50 new tabs in 10 s; the app's limits",
        {},
        (("connections", NOISY_CONNECTIONS), ("reruns", 100.0), ("reruns", 1000.0)),
    ),
    ("proxy", "proxy: 20 new tabs in 10 s", {"ALLIANCE_PROXY_CLIENT_TABS": "20"}, (("connections", NOISY_CONNECTIONS),)),
)


def time_noisy(
    store_path: Path,
    sessions: int = 40,
    think_s: float = 4.0,
    seconds: float = 20.0,
    rounds: int = 3,
    seed: int = 0,
    trials=NOISY_TRIALS,
) -> list[dict]:
    """For each trial, servers started with its environment: the crowd alone and beside each noisy client, in turn.

    One summary per noisy client (beside_noisy): the crowd's beside it, with "alone", "p95_ratio",
    "limits" and "where".
    """
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT))
    from browser import serve

    from deploy.cluster import Cluster

    results = []
    for where, limits, env, noisy_clients in trials:
        print(f"noisy: {where}, limits {limits}", flush=True)
        if where == "direct":
            server = serve(store_path, env=env)
        else:
            server = Cluster(
                store_path,
                replicas=1,
                port=_free_ports(2),
                env=env,
                restart=False,
                haproxy_output=subprocess.DEVNULL,
                report=lambda _: None,
            )
        with server as running:
            if where == "direct":
                url, pids = running, server_pids(running)
                asyncio.run(warm(url))
            else:
                url, pids = running.url, [running.replicas[0].pid]
                asyncio.run(warm(f"http://127.0.0.1:{running.replicas[0].port}"))
            for kind, amount in noisy_clients:
                noisy = noisy_options(kind, rate=amount, connections=int(amount))
                _, beside = beside_noisy(url, sessions, think_s, seconds, noisy, rounds, seed, pids=pids)
                beside.update(kind="beside noisy", where=where, limits=limits)
                results.append(beside)
                print(f"  {describe_noisy(beside['noisy'])}\n  {describe_pair(beside)}", flush=True)
    return results


def _beside(alone: dict, beside: dict) -> dict:
    """The summary beside a noisy client, with the crowd's figures alone and its p95 over theirs."""
    beside["alone"] = {
        key: alone[key]
        for key in ("p50_ms", "p95_ms", "max_ms", "errors", "reruns", "server_cpu_pct", "load_avg")
        if key in alone
    }
    beside["alone_p95_ms"] = alone["p95_ms"]
    beside["p95_ratio"] = round(beside["p95_ms"] / alone["p95_ms"], 2) if alone["p95_ms"] and beside["p95_ms"] else None
    return beside


def describe_pair(beside: dict) -> str:
    """The crowd alone and beside a noisy client, in one line."""
    alone = beside["alone"]
    return (
        f"p95 alone {alone['p95_ms']} ms, beside {beside['p95_ms']} ms ({beside['p95_ratio']} x); errors {alone['errors']}, "
        f"{beside['errors']}; server CPU {alone.get('server_cpu_pct')} %, {beside.get('server_cpu_pct')} %; "
        f"machine load {alone.get('load_avg')}, {beside.get('load_avg')}"
    )


def _free_ports(count: int) -> int:
    """A port p such that p .. p+count-1 are free on loopback (HAProxy's and its replicas')."""
    for _ in range(100):
        first = random.randint(20000, 60000 - count)
        with ExitStack() as held:
            try:
                for port in range(first, first + count):
                    held.enter_context(socket.socket()).bind(("127.0.0.1", port))
            except OSError:
                continue
        return first
    raise RuntimeError("no free ports")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `python -m bench crowd`."""
    parser.add_argument("--url", required=True, help="the app's address, e.g. http://127.0.0.1:8501 (a proxy's works too)")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--think", type=float, default=2.0, help="seconds between a session's actions (jittered 0.5x to 1.5x)")
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--pid", type=int, action="append", default=[], help="a server process to measure (repeatable)")
    parser.add_argument("--pids", default="", help="server processes to measure, comma-separated")
    parser.add_argument("--replicas", type=int, default=1, help="recorded with the results")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--noisy",
        choices=("reruns", "connections"),
        help="run the crowd alone, then beside a noisy client: one tab asking for reruns without pause, "
        "or one client opening many tabs at once (through a proxy)",
    )
    parser.add_argument(
        "--noisy-rate",
        type=float,
        default=NOISY_RATE,
        help="reruns a second the noisy tab asks for (0: each when the last ended)",
    )
    parser.add_argument("--noisy-connections", type=int, default=NOISY_CONNECTIONS, help="tabs the noisy client opens")
    parser.add_argument(
        "--noisy-source", default=NOISY_SOURCE, help="the noisy client's local address (the crowd's is the system's choice)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="with --noisy: runs alone and beside it, in turn")


def command(args: argparse.Namespace) -> int:
    """Run `python -m bench crowd` with parsed args and print the summary."""
    pids = args.pid + [int(p) for p in args.pids.split(",") if p.strip()]
    options = {"pids": pids or None, "replicas": args.replicas}
    if not args.noisy:
        result = run_crowd(args.url, args.sessions, args.think, args.minutes * 60, seed=args.seed, **options)
        print(json.dumps(result, indent=2) if args.json else describe(result, args.url))
        return 0
    noisy = noisy_options(args.noisy, args.noisy_rate, args.noisy_connections, args.noisy_source)
    alone, beside = beside_noisy(args.url, args.sessions, args.think, args.minutes * 60, noisy, args.rounds, args.seed, **options)
    if args.json:
        print(json.dumps({"alone": alone, "beside": beside}, indent=2))
    else:
        print(f"{describe(alone, args.url)}\n\nbeside {describe_noisy(beside['noisy'])}:\n{describe(beside, args.url)}")
        print(f"p95 beside the noisy client: {beside['p95_ratio']} x alone")
    return 0


def noisy_options(
    kind: str, rate: float = NOISY_RATE, connections: int = NOISY_CONNECTIONS, source: str | None = NOISY_SOURCE
) -> dict:
    """run_noisy's options for a noisy client of this kind."""
    if kind == "reruns":
        return {"kind": kind, "rate": rate, "source": source}
    return {"kind": kind, "count": connections, "source": source}


def describe_noisy(did: dict) -> str:
    """What a noisy client did, in one line for people."""
    if did["kind"] == "reruns":
        pace = f"{did['rate']:g} a second" if did["rate"] else "each when the last ended"
        return (
            f"a tab asking for reruns ({pace}): asked {did.get('asked', 0)}, runs started {did.get('runs_started', 0)}, "
            f"finished {did.get('runs_finished', 0)}, notices {did.get('notices', 0)}"
        )
    return (
        f"a client opening {did['count']} tabs: {did.get('peak_open', 0)} open at most, served {did.get('served', 0)}, "
        f"refused {did.get('refused', 0)} times"
    )


def add_noisy_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `python -m bench noisy`."""
    parser.add_argument(
        "--db",
        default=str(ROOT / "bench" / "stores" / "k1" / "alliance.duckdb"),
        help="the store to serve (make bench makes this one)",
    )
    # 40 delegates acting every 4 s: 10 reruns a second, about a third of one server's core.
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--think", type=float, default=4.0)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each run (alone, then beside a noisy client)")
    parser.add_argument("--rounds", type=int, default=3, help="runs alone and beside, in turn, for each noisy client")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--where", choices=("direct", "proxy"), help="only the trials of one kind (the others' results are kept)")


def noisy_command(args: argparse.Namespace, results_path: Path) -> int:
    """Run `python -m bench noisy`: every trial of NOISY_TRIALS; the summaries replace results.json's "noisy" ones."""
    started = time.perf_counter()
    trials = [trial for trial in NOISY_TRIALS if args.where in (None, trial[0])]
    runs = time_noisy(Path(args.db).absolute(), args.sessions, args.think, args.seconds, args.rounds, args.seed, trials)
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    # make bench's own run beside a noisy tab stays; an earlier `bench noisy` is replaced (of the kind run).
    kept = [r for r in results.get("noisy", []) if r["kind"] == BENCH_BESIDE or args.where not in (None, r.get("where"))]
    results["noisy"] = kept + runs
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"{len(runs)} noisy clients in {time.perf_counter() - started:.0f} s; bench/results.json updated")
    return 0


def describe(result: dict, url: str = "") -> str:
    """The summary in a few lines for people."""

    def ms(value):
        return "-" if value is None else f"{value:.0f} ms"

    lines = [
        f"crowd: {result['sessions']} sessions, think {result['think_s']:g} s, {result['minutes']:g} min, "
        f"{result['replicas']} replica(s) {url}".rstrip(),
        f"reruns {result['reruns']}: p50 {ms(result['p50_ms'])}, p95 {ms(result['p95_ms'])}, max {ms(result['max_ms'])}",
        f"errors {result['errors']} {result['error_kinds'] or ''}".rstrip()
        + f"; reconnects {result['reconnects']} (max {ms(result['reconnect_max_ms'])} to connect again, "
        + f"{ms(result.get('served_again_max_ms'))} to be served again)"
        + (f"; {result['unserved_sessions']} sessions not served again" if result["unserved_sessions"] else ""),
    ]
    if result["rss_mb"] is not None:
        lines.append(f"server RSS {result['rss_mb']:.0f} MB at the end (peak sampled {result['rss_peak_mb']:.0f} MB)")
    lines.append(f"client CPU {result['client_cpu_s']:.1f} s ({result['client_cpu_pct']:.0f} % of one core)")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.crowd")
    add_arguments(parser)
    sys.exit(command(parser.parse_args()))
