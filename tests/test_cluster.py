"""Several servers on one store behind HAProxy (deploy/cluster.py): sticky sessions, a replica's death, loads, stopping."""

import http.client
import importlib.util
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser import CHROMIUM, launch, wait_ready
from conftest import ROOT, cli, copy_store

_spec = importlib.util.spec_from_file_location("deploy_cluster", ROOT / "deploy" / "cluster.py")
deploy_cluster = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(deploy_cluster)

HAPROXY = deploy_cluster.find_haproxy()
needs_haproxy = pytest.mark.skipif(not HAPROXY, reason="haproxy is not installed (make haproxy, as root on Debian)")
needs_browser = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")
SERVED_AGAIN_S = 5


def free_port_run(count: int) -> int:
    """A port p such that p .. p+count-1 are all free on loopback."""
    for _ in range(200):
        first = random.randint(20000, 60000 - count)
        sockets = []
        try:
            for port in range(first, first + count):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free ports")


@dataclass
class Running:
    """A deploy/cluster.py process and what it printed."""

    process: subprocess.Popen
    url: str = ""
    replicas: dict = field(default_factory=dict)  # name -> pid now
    haproxy_pid: int = 0
    lines: list = field(default_factory=list)
    pids_seen: set = field(default_factory=set)
    reader: threading.Thread | None = None

    def read(self) -> None:
        # Each line is parsed before it is appended: a test that waits for a line then finds its pids set.
        for line in self.process.stdout:
            for name, pid in re.findall(r"\b(r\d+) (?:127\.0\.0\.1:\d+ pid|restarted on 127\.0\.0\.1:\d+, pid) (\d+)", line):
                self.replicas[name] = int(pid)
                self.pids_seen.add(int(pid))
            if match := re.search(r"haproxy pid (\d+)", line):
                self.haproxy_pid = int(match[1])
                self.pids_seen.add(self.haproxy_pid)
            if match := re.match(r"cluster: (http://\S+) \(", line):
                self.url = match[1]
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout_s: float = 60, since: int = 0) -> str:
        """The first line from the since-th on that matches pattern."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for line in self.lines[since:]:
                if re.search(pattern, line):
                    return line
            if self.process.poll() is not None:
                # Exited: the reader may still hold its last lines; let it finish, then look once more.
                self.reader.join(timeout=5)
                return next((line for line in self.lines[since:] if re.search(pattern, line)), None) or self._fail(pattern)
            time.sleep(0.05)
        self._fail(pattern)

    def _fail(self, pattern: str):
        raise AssertionError(f"no line matching {pattern!r}; the cluster said:\n" + "\n".join(self.lines))


def start_cluster(db: Path, logs: Path, replicas: int = 2) -> Running:
    port = free_port_run(replicas + 1)
    command = [sys.executable, "deploy/cluster.py", "--replicas", str(replicas), "--port", str(port), "--db", str(db)]
    process = subprocess.Popen(
        [*command, "--log-dir", str(logs)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    running = Running(process, pids_seen={process.pid})
    running.reader = threading.Thread(target=running.read, daemon=True)
    running.reader.start()
    try:
        running.wait_for(r"^cluster: http://", timeout_s=90)
    except BaseException:
        stop_cluster(running)
        raise
    assert running.haproxy_pid > 0 and all(pid > 0 for pid in running.replicas.values()), running.lines
    return running


def stop_cluster(running: Running) -> None:
    if running.process.poll() is None:
        running.process.send_signal(signal.SIGINT)
        try:
            running.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            running.process.kill()
            running.process.wait()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"


def served_by(url: str, replica: str) -> str | None:
    """The replica that answers a request carrying SERVERID=replica (HAProxy names another in Set-Cookie)."""
    request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": f"SERVERID={replica}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        cookies = response.headers.get_all("Set-Cookie") or []
    moved = [c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("SERVERID=")]
    return moved[0] if moved else replica


def wait_all_up(running: Running, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while any(served_by(running.url, name) != name for name in running.replicas):
        assert time.monotonic() < deadline, "a replica did not come back: " + "\n".join(running.lines)
        time.sleep(0.3)


@pytest.fixture(scope="module")
def running(_handcount_store, tmp_path_factory):
    if not HAPROXY:
        pytest.skip("haproxy is not installed (make haproxy, as root on Debian)")
    folder = tmp_path_factory.mktemp("cluster")
    store = copy_store(_handcount_store, folder / "store")
    running = start_cluster(store.path, folder / "logs")
    running.store = store
    yield running
    stop_cluster(running)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


def metric(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def replica_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "SERVERID")


@pytest.fixture(scope="module")
def tabs(running, browser):
    """Three tabs opened through the proxy, each in its own browser context (its own cookies)."""
    tabs = []
    for _ in range(3):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(running.url + "/?as_of=2023-06-30")
        # Drawn, so its websocket is open: the next tab then finds the other replica with fewer connections.
        wait_ready(page)
        tabs.append((context, page))
    yield tabs
    for context, _ in tabs:
        context.close()


@needs_haproxy
@pytest.mark.parametrize("replicas", [1, 2, 8])
def test_haproxy_accepts_the_shipped_configuration(replicas):
    addresses = [f"127.0.0.1:{8502 + i}" for i in range(replicas)]
    env = deploy_cluster.haproxy_env("127.0.0.1:8501", addresses)
    done = subprocess.run([HAPROXY, "-c", "-f", str(deploy_cluster.CONFIG)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Configuration file is valid" in done.stdout


@needs_haproxy
def test_haproxy_refuses_the_configuration_without_replicas():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLIANCE_REPLICA_")}
    done = subprocess.run([HAPROXY, "-c", "-f", str(deploy_cluster.CONFIG)], env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "ALLIANCE_REPLICA_1" in done.stderr


@needs_haproxy
def test_haproxy_refuses_a_client_limit_that_is_not_a_number():
    env = deploy_cluster.haproxy_env("127.0.0.1:8501", ["127.0.0.1:8502"])
    env["ALLIANCE_PROXY_CLIENT_CONNECTIONS"] = "lots"
    done = subprocess.run([HAPROXY, "-c", "-f", str(deploy_cluster.CONFIG)], env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "'lots' is neither a number" in done.stderr


class Answer(BaseHTTPRequestHandler):
    """A replica's stand-in: 200 to every GET, on a connection kept open."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class Backend(ThreadingHTTPServer):
    """The stand-in replica's server."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # HAProxy resets the connections it no longer needs: nothing went wrong


# Limits small enough to reach in a test. Each test is one client address (all of 127.0.0.0/8 is loopback).
CLIENT_CONNECTIONS, CLIENT_REQUESTS, CLIENT_TABS = 5, 20, 3


@pytest.fixture(scope="module")
def limited_proxy(tmp_path_factory):
    """HAProxy with the shipped configuration and small client limits, in front of a stand-in replica: its port."""
    if not HAPROXY:
        pytest.skip("haproxy is not installed (make haproxy, as root on Debian)")
    backend = Backend(("127.0.0.1", 0), Answer)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    port = free_port_run(1)
    env = deploy_cluster.haproxy_env(f"127.0.0.1:{port}", [f"127.0.0.1:{backend.server_port}"])
    env.update(
        ALLIANCE_PROXY_CLIENT_CONNECTIONS=str(CLIENT_CONNECTIONS),
        ALLIANCE_PROXY_CLIENT_REQUESTS=str(CLIENT_REQUESTS),
        ALLIANCE_PROXY_CLIENT_TABS=str(CLIENT_TABS),
    )
    log = open(tmp_path_factory.mktemp("haproxy") / "haproxy.log", "w")
    proxy = subprocess.Popen([HAPROXY, "-db", "-f", str(deploy_cluster.CONFIG)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while status(port, "127.0.0.1")[0] != 200:
            assert proxy.poll() is None and time.monotonic() < deadline, f"haproxy did not serve: see {log.name}"
            time.sleep(0.2)
        yield port
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        backend.shutdown()
        log.close()


def status(
    port: int, source: str, connection: http.client.HTTPConnection | None = None, path: str = "/"
) -> tuple[int | None, dict]:
    """GET path through the proxy from the local address source: (status, headers), or (None, {}) when refused."""
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=(source, 0))
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, {name.lower(): value for name, value in response.headers.items()}
    except (ConnectionError, http.client.HTTPException, OSError):
        return None, {}


def test_a_client_over_the_connection_limit_is_refused_while_another_is_served(limited_proxy):
    port = limited_proxy
    # Five connections held open by one client, each answered once (so HAProxy has counted it).
    held = [http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=("127.0.0.2", 0)) for _ in range(5)]
    try:
        assert [status(port, "127.0.0.2", c)[0] for c in held] == [200] * CLIENT_CONNECTIONS
        assert status(port, "127.0.0.2") == (None, {})
        assert status(port, "127.0.0.4")[0] == 200
    finally:
        held.pop().close()
    # The limit is on connections held at once: with one closed, the client is served again.
    deadline = time.monotonic() + 10
    while status(port, "127.0.0.2")[0] != 200:
        assert time.monotonic() < deadline, "the client was still refused with one connection closed"
        time.sleep(0.1)
    for connection in held:
        connection.close()


def test_a_client_over_the_request_rate_is_answered_429_while_another_is_served(limited_proxy):
    port = limited_proxy
    answers = [status(port, "127.0.0.3") for _ in range(CLIENT_REQUESTS + 5)]
    assert [code for code, _ in answers] == [200] * CLIENT_REQUESTS + [429] * 5
    assert answers[-1][1]["retry-after"] == "10"
    assert status(port, "127.0.0.5")[0] == 200


def test_a_client_opening_tabs_faster_than_the_tab_rate_is_answered_429_and_its_refused_tries_do_not_count(limited_proxy):
    port = limited_proxy
    stream = "/_stcore/stream"  # where a tab opens its websocket (the stand-in answers it as a page)
    tries = [status(port, "127.0.0.6", path=stream) for _ in range(CLIENT_TABS + 6)]
    assert [code for code, _ in tries] == [200] * CLIENT_TABS + [429] * 6
    assert tries[-1][1]["retry-after"] == "10"
    # Only tabs are limited so: the same address still gets pages and scripts, another address its tabs.
    assert status(port, "127.0.0.6")[0] == 200
    assert status(port, "127.0.0.7", path=stream)[0] == 200
    # The six refused tries were not counted: once the rate falls under the limit (a 10 s window),
    # the address is let in again, rather than kept out for as long as it keeps trying.
    deadline = time.monotonic() + 30
    while status(port, "127.0.0.6", path=stream)[0] != 200:
        assert time.monotonic() < deadline, "the address was still refused 30 s after its last tab was let in"
        time.sleep(1)


def test_cluster_refuses_more_replicas_than_the_configuration_holds():
    with pytest.raises(deploy_cluster.ClusterError, match="1 to 8 replicas"):
        deploy_cluster.Cluster(replicas=9)


@needs_browser
def test_tabs_are_spread_over_both_replicas_and_served(tabs):
    assert {replica_of(context) for context, _ in tabs} == {"r1", "r2"}
    for _, page in tabs:
        assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == "Overview"
        assert metric(page, "EoIs") == "6"


@needs_browser
def test_load_from_command_line_reaches_every_replica_without_restart(running, tabs, tmp_path):
    before = {id(page): int(metric(page, "EoIs")) for _, page in tabs}
    path = tmp_path / "eois.csv"
    path.write_text("eoi_id,received_on,country,organization,request,status\nCLU-1,2023-02-01,BRA,Org,other,received\n")
    done = cli("load", path, "--db", running.store.path)
    assert done.returncode == 0, done.stderr
    seen_on = set()
    for context, page in tabs:
        replica = replica_of(context)
        page.reload()
        wait_ready(page)
        assert replica_of(context) == replica
        assert int(metric(page, "EoIs")) == before[id(page)] + 1, replica
        seen_on.add(replica)
    assert seen_on == {"r1", "r2"}


@needs_browser
def test_an_upload_through_the_proxy_reaches_the_store_and_every_replica(running, tabs, tmp_path):
    """The upload's PUT carries Streamlit's XSRF cookie and goes to the replica holding the session."""
    before = {id(page): int(metric(page, "EoIs")) for _, page in tabs}
    context, page = tabs[0]
    uploaded_by = replica_of(context)
    path = tmp_path / "eois.csv"
    path.write_text("eoi_id,received_on,country,organization,request,status\nCLU-2,2023-03-01,BRA,Org,other,received\n")
    page.goto(running.url + "/upload")
    wait_ready(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    load_button = page.get_by_role("button", name="Load 1 row into the store")
    load_button.wait_for(timeout=30000)
    load_button.click()
    page.get_by_text("Loaded eois.csv as load").first.wait_for(timeout=60000)
    assert replica_of(context) == uploaded_by
    for _, page in tabs:
        page.goto(running.url + "/?as_of=2023-06-30")
        wait_ready(page)
        assert int(metric(page, "EoIs")) == before[id(page)] + 1


def choose_region(page, region: str) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Region").locator("input")
    # Scrolling the sidebar closes an open list: scroll first, then open it.
    box.scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    box.click()
    page.get_by_role("option", name=region).click()


@needs_browser
def test_tabs_of_a_killed_replica_are_served_again_by_the_other_within_seconds(running, tabs):
    wait_all_up(running)
    victim = replica_of(tabs[0][0])
    survivor = "r2" if victim == "r1" else "r1"
    moved = [page for context, page in tabs if replica_of(context) == victim]
    stayed = {id(page): metric(page, "EoIs") for context, page in tabs if replica_of(context) == survivor}
    reconnected = {}
    for page in moved:
        page.on("websocket", lambda _, page=page: reconnected.setdefault(id(page), time.monotonic()))

    killed_at = time.monotonic()
    os.kill(running.replicas[victim], signal.SIGKILL)
    while len(reconnected) < len(moved) and time.monotonic() - killed_at < 30:
        moved[0].wait_for_timeout(50)
    assert len(reconnected) == len(moved), "a tab did not reconnect within 30 s"
    reconnect_s = sorted(t - killed_at for t in reconnected.values())

    # Streamlit's frontend reconnects by itself, to a session that is new on the survivor: the
    # page stays on screen and the user's next action reruns it there.
    answer_s = []
    for page in moved:
        clicked_at = time.monotonic()
        choose_region(page, "Africa")
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid="stMetric"]')].some(m =>
                m.innerText.includes('EoIs') && m.querySelector('[data-testid="stMetricValue"]').innerText.trim() === '2')""",
            timeout=30000,
        )
        answer_s.append(time.monotonic() - clicked_at)
    print(
        f"\nthe killed replica's tabs reconnected to the survivor after {', '.join(f'{t:.2f}' for t in reconnect_s)} s; "
        f"their first filter change was answered in {', '.join(f'{t:.2f}' for t in answer_s)} s"
    )
    assert max(reconnect_s) < SERVED_AGAIN_S
    for context, page in tabs:
        assert replica_of(context) == survivor
        assert page.locator('[data-testid="stException"]').count() == 0
        if id(page) in stayed:
            assert metric(page, "EoIs") == stayed[id(page)]


def test_a_killed_replica_is_restarted_and_rejoins(running):
    wait_all_up(running)
    victim = "r2"
    old_pid, said = running.replicas[victim], len(running.lines)
    os.kill(old_pid, signal.SIGKILL)
    running.wait_for(rf"{victim} restarted on .* pid \d+", timeout_s=30, since=said)
    assert running.replicas[victim] != old_pid
    wait_all_up(running)
    assert served_by(running.url, victim) == victim


def test_a_crowd_through_the_proxy_outlives_a_killed_replica_without_errors(running):
    """Ten headless sessions (bench/crowd.py) for 20 s; one replica is SIGKILLed after 8 s."""
    crowd = pytest.importorskip("bench.crowd")
    wait_all_up(running)
    killer = threading.Timer(8, os.kill, (running.replicas["r1"], signal.SIGKILL))
    killer.start()
    # In a thread of its own: Playwright's browser (another test's) keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(crowd.run_crowd, running.url, sessions=10, think_s=2, seconds=20, replicas=2, seed=3).result()
    killer.cancel()
    print(f"\ncrowd through the proxy, r1 killed after 8 s: {result}")
    assert result["reconnects"] > 0
    assert result["errors"] == 0, result["error_kinds"]
    assert result["reruns"] > 0


def test_stopping_the_cluster_leaves_no_process_behind(running):
    wait_all_up(running)
    pids = set(running.pids_seen)
    assert all(alive(pid) for pid in [running.process.pid, running.haproxy_pid, *running.replicas.values()])
    running.process.send_signal(signal.SIGINT)
    running.process.wait(timeout=30)
    running.wait_for(r"^cluster: stopped")
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in pids if alive(pid)] == []


@needs_haproxy
def test_the_cluster_stops_every_replica_when_haproxy_dies(_handcount_store, tmp_path):
    store = copy_store(_handcount_store, tmp_path / "store")
    running = start_cluster(store.path, tmp_path / "logs", replicas=1)
    try:
        os.kill(running.haproxy_pid, signal.SIGKILL)
        assert running.process.wait(timeout=30) == 1
        assert [pid for pid in running.pids_seen if alive(pid)] == []
    finally:
        stop_cluster(running)
