"""A crowd of headless sessions: reruns timed over Streamlit's own websocket, with no browser.

    python -m bench crowd --url http://127.0.0.1:8501 --sessions 50 --think 2 --minutes 1

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
"""

import argparse
import asyncio
import json
import math
import random
import ssl
import sys
import time
from collections import Counter
from contextlib import suppress
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
            reader, writer = await asyncio.open_connection(self.host, self.port, ssl=_tls() if self.secure else None)
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
) -> dict:
    """Run sessions tabs against url for seconds (their starts spread over the first think time); summarise."""
    started, cpu_started = time.perf_counter(), time.process_time()
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
        await asyncio.gather(*(tab.run(started + ramp_s * i / sessions, stop_at) for i, tab in enumerate(tabs)))
    finally:
        if sampler:
            sampler.cancel()
        await asyncio.gather(*(tab.close() for tab in tabs))
    wall_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started
    rss = rss_mb(pids) if pids else None
    return summary(tabs, replicas, think_s, seconds, rss, max(rss_peak, rss or 0) if pids else None, cpu_s, wall_s)


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
    store_path: Path, runs: tuple[tuple[int, float], ...] = ((20, 2.0),), minutes: float = 0.5, seed: int = 0
) -> list[dict]:
    """Short crowds against one server on the store, started here and warmed: a summary per (sessions, think_s)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import serve

    with serve(store_path) as url:
        pids = server_pids(url)
        asyncio.run(warm(url))
        return [run_crowd(url, sessions, think_s, minutes * 60, pids=pids, seed=seed) for sessions, think_s in runs]


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


def command(args: argparse.Namespace) -> int:
    """Run `python -m bench crowd` with parsed args and print the summary."""
    pids = args.pid + [int(p) for p in args.pids.split(",") if p.strip()]
    result = run_crowd(
        args.url, args.sessions, args.think, args.minutes * 60, pids=pids or None, replicas=args.replicas, seed=args.seed
    )
    print(json.dumps(result, indent=2) if args.json else describe(result, args.url))
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
