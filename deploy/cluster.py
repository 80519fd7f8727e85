"""Run several Streamlit servers on one store behind HAProxy, and stop them all together.

    .venv/bin/python deploy/cluster.py --replicas 2 --port 8501 [--db PATH]

Replicas listen on 127.0.0.1, ports PORT+1 .. PORT+REPLICAS; HAProxy (deploy/haproxy.cfg) listens
on PORT. When every replica answers its health check the script prints one line:

    cluster: http://127.0.0.1:8501 (replicas: r1 127.0.0.1:8502 pid 101, r2 127.0.0.1:8503 pid 102; haproxy pid 103)

SIGINT, SIGTERM or SIGHUP stops HAProxy and every replica (each runs in its own process group)
and waits for them; so does HAProxy dying. A replica that dies is started again on its port after
a pause that grows while it keeps dying (--no-restart to leave it down); HAProxy's health checks
take it out meanwhile. Children also get SIGTERM if this script is killed outright (Linux).

Python standard library only, so it runs with any interpreter that can run the app.
"""

import argparse
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = Path(__file__).with_name("haproxy.cfg")
MAX_REPLICAS = 8  # server slots in deploy/haproxy.cfg
START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 10


class ClusterError(Exception):
    """A cluster that cannot start, with a message for people."""


def find_haproxy() -> str | None:
    """Path of the haproxy program (Debian puts it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if os.access(p, os.X_OK)), None
    )


def haproxy_env(bind: str, replicas: list[str], environ: dict | None = None) -> dict:
    """The environment deploy/haproxy.cfg reads: where to listen and each replica's host:port."""
    if not 1 <= len(replicas) <= MAX_REPLICAS:
        raise ClusterError(f"deploy/haproxy.cfg has room for 1 to {MAX_REPLICAS} replicas, not {len(replicas)}.")
    env = {
        key: value
        for key, value in (os.environ if environ is None else environ).items()
        if not key.startswith("ALLIANCE_REPLICA_")
    }
    env["ALLIANCE_PROXY_BIND"] = bind
    env.update({f"ALLIANCE_REPLICA_{i}": address for i, address in enumerate(replicas, 1)})
    return env


def _die_with_parent() -> None:
    """Ask Linux to send SIGTERM to this process when its parent dies (no orphans if we are killed)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass


def _caught_signals(pid: int) -> int | None:
    """The mask of signals process pid has handlers for (Linux /proc), or None."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:"):
                return int(line.split()[1], 16)
    except (OSError, ValueError):
        pass
    return None


def make_parent_watch():
    """A function that is True once our parent, if it is make, has started handling SIGINT or SIGHUP.

    make passes SIGTERM on to its recipe but not SIGINT or SIGHUP sent to make's process alone:
    it waits for the recipe to end. Its handler for such a signal first puts the signal's default
    action back, which shows in /proc: that is our cue to stop.
    """
    parent = os.getppid()
    try:
        is_make = Path(f"/proc/{parent}/comm").read_text().strip() == "make"
    except OSError:
        is_make = False
    watched = (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGHUP - 1))
    caught = (_caught_signals(parent) or 0) & watched if is_make else 0
    if not caught:
        return lambda: False

    def stopping() -> bool:
        now = _caught_signals(parent)
        return now is None or os.getppid() != parent or (now & caught) != caught

    return stopping


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


class Replica:
    """One Streamlit server of the cluster, on its own port and in its own process group."""

    def __init__(self, index: int, port: int):
        self.name = f"r{index}"
        self.port = port
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.restart_at: float | None = None
        self.pause_s = 0.5

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None


class Cluster:
    """Replicas of the app on one store behind HAProxy; a context manager that stops everything on exit.

    with Cluster(db, replicas=2, port=8501) as cluster:
        cluster.url, [r.pid for r in cluster.replicas], cluster.haproxy.pid

    env adds to the environment of the replicas and HAProxy (deploy/haproxy.cfg's settings, the app's).

    Start and stop it from one thread that lives as long as the cluster: the children are told to
    stop when the thread that started them ends. Nothing restarts a replica unless check() is called.
    """

    def __init__(
        self,
        db: str | os.PathLike | None = None,
        replicas: int = 2,
        port: int = 8501,
        host: str = "127.0.0.1",
        restart: bool = True,
        log_dir: str | os.PathLike | None = None,
        haproxy_output=None,
        report=None,
        env: dict | None = None,
    ):
        if not 1 <= replicas <= MAX_REPLICAS:
            raise ClusterError(f"Choose 1 to {MAX_REPLICAS} replicas (deploy/haproxy.cfg has {MAX_REPLICAS} server slots).")
        self.db = Path(db or os.environ.get("ALLIANCE_DB") or ROOT / "data" / "alliance.duckdb").absolute()
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}"
        # Where this machine reaches HAProxy when it listens on every address.
        self._probe = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"
        self.restart = restart
        self.replicas = [Replica(i, port + i) for i in range(1, replicas + 1)]
        self.log_dir = Path(log_dir) if log_dir else None
        self.haproxy: subprocess.Popen | None = None
        self._haproxy_output = haproxy_output
        self._report = report or (lambda line: print(f"cluster: {line}", flush=True))
        # Every replica signs cookies (sign-in) with the same secret, so a session moved to another
        # replica keeps its sign-in; [auth] cookie_secret in secrets.toml takes precedence.
        self._env = {
            **os.environ,
            "ALLIANCE_DB": str(self.db),
            "STREAMLIT_SERVER_COOKIE_SECRET": os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_hex(32),
            **(env or {}),  # e.g. HAProxy's limits (ALLIANCE_PROXY_CLIENT_CONNECTIONS) or the app's
        }

    def __enter__(self) -> "Cluster":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def describe(self) -> str:
        """The line that says where the cluster serves and which processes make it up."""
        replicas = ", ".join(f"{r.name} 127.0.0.1:{r.port} pid {r.pid}" for r in self.replicas)
        haproxy = self.haproxy.pid if self.haproxy else None
        return f"{self.url} (replicas: {replicas}; haproxy pid {haproxy})"

    def pids(self) -> list[int]:
        """Process ids of every child running now."""
        return [p.pid for p in [self.haproxy, *(r.process for r in self.replicas)] if p and p.poll() is None]

    def start(self) -> None:
        """Start the replicas, wait until each is healthy, then start HAProxy in front of them."""
        haproxy = find_haproxy()
        if not haproxy:
            raise ClusterError("haproxy is not installed: `apt-get install haproxy` (Debian), or `make haproxy` as root.")
        if not (self.db.exists() or self.db.is_symlink()):
            raise ClusterError(f"No store at {self.db}: create it with `python -m alliance init --builtin`.")
        busy = [
            p
            for p in [self.port, *(r.port for r in self.replicas)]
            if not _port_is_free(self.host if p == self.port else "127.0.0.1", p)
        ]
        if busy:
            ports = f"Port {busy[0]} is" if len(busy) == 1 else f"Ports {', '.join(map(str, busy))} are"
            raise ClusterError(f"{ports} already in use: choose another --port (make cluster PORT=...).")
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
        else:
            self.log_dir = Path(tempfile.mkdtemp(prefix="alliance-cluster-"))
        self._report(f"starting {len(self.replicas)} replicas on {self.db} (logs in {self.log_dir})")
        for replica in self.replicas:
            self._spawn(replica)
        deadline = time.monotonic() + START_TIMEOUT_S
        waiting = list(self.replicas)
        while waiting:
            for replica in list(waiting):
                if replica.process.poll() is not None:
                    raise ClusterError(
                        f"Replica {replica.name} stopped while starting ({_describe_exit(replica.process.returncode)}); "
                        f"its log, {self._log(replica)}, ends:\n{_tail(self._log(replica))}"
                    )
                if _healthy(f"http://127.0.0.1:{replica.port}/_stcore/health"):
                    waiting.remove(replica)
            if waiting and time.monotonic() > deadline:
                raise ClusterError(
                    f"Replica {waiting[0].name} did not answer within {START_TIMEOUT_S} s: see {self._log(waiting[0])}."
                )
            time.sleep(0.2)
        env = haproxy_env(f"{self.host}:{self.port}", [f"127.0.0.1:{r.port}" for r in self.replicas], self._env)
        self.haproxy = self._popen([haproxy, "-db", "-f", str(CONFIG)], env, self._haproxy_output)
        while not _healthy(f"{self._probe}/_stcore/health"):
            if self.haproxy.poll() is not None:
                raise ClusterError(
                    f"haproxy stopped at start ({_describe_exit(self.haproxy.returncode)}): see its messages above."
                )
            if time.monotonic() > deadline:
                raise ClusterError(f"haproxy did not answer on {self.url} within {START_TIMEOUT_S} s.")
            time.sleep(0.1)

    def _log(self, replica: Replica) -> Path:
        return self.log_dir / f"{replica.name}-{replica.port}.log"

    def _spawn(self, replica: Replica) -> None:
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(replica.port),
        ]
        with open(self._log(replica), "a") as log:
            replica.process = self._popen(command, self._env, log)
        replica.started_at = time.monotonic()
        replica.restart_at = None

    @staticmethod
    def _popen(command: list[str], env: dict, output) -> subprocess.Popen:
        # Its own process group: a terminal's Ctrl-C reaches this script only, which stops the
        # children and waits for them. Linux sends the child SIGTERM when the thread that started
        # it ends (PR_SET_PDEATHSIG), so nothing outlives a cluster that is killed outright.
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=None if output is None else subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    def check(self) -> bool:
        """Restart replicas that died (if asked to); False once HAProxy has stopped."""
        now = time.monotonic()
        for replica in self.replicas:
            code = replica.process.poll()
            if code is None:
                continue
            if replica.restart_at is None:
                if not self.restart:
                    replica.restart_at = float("inf")
                    self._report(f"{replica.name} (pid {replica.pid}) stopped: {_describe_exit(code)}; left down (--no-restart)")
                    continue
                # A replica that lived a while is restarted at once; one that keeps dying, ever more slowly.
                replica.pause_s = 1.0 if now - replica.started_at > 60 else min(replica.pause_s * 2, 30.0)
                replica.restart_at = now + replica.pause_s
                self._report(
                    f"{replica.name} (pid {replica.pid}) stopped: {_describe_exit(code)}; "
                    f"restarting it in {replica.pause_s:g} s (log: {self._log(replica)})"
                )
            elif now >= replica.restart_at:
                self._spawn(replica)
                self._report(f"{replica.name} restarted on 127.0.0.1:{replica.port}, pid {replica.pid}")
        return self.haproxy is not None and self.haproxy.poll() is None

    def stop(self) -> bool:
        """Stop HAProxy and every replica: SIGTERM to each process group, SIGKILL after a grace period.

        Returns whether anything had been started.
        """
        children = [p for p in [self.haproxy, *(r.process for r in self.replicas)] if p is not None]
        for child in children:
            if child.poll() is None:
                try:
                    os.killpg(child.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            # Whatever is left in the group (the leader if it ignored SIGTERM, anything it started).
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            child.wait()
        return bool(children)


class _Stop(Exception):
    def __init__(self, signum: int):
        self.signum = signum


def _on_signal(signum, frame):
    # Once stopping, further signals are ignored so the cleanup runs to the end (it escalates itself).
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    raise _Stop(signum)


def main(argv: list[str] | None = None) -> int:
    """Run the cluster until a signal arrives or HAProxy stops."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="Streamlit servers to run (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="HAProxy's port; replicas take the next ones (default 8501)")
    parser.add_argument("--host", default="127.0.0.1", help="address HAProxy listens on (default 127.0.0.1)")
    parser.add_argument("--db", help="the store (default $ALLIANCE_DB, else data/alliance.duckdb)")
    parser.add_argument("--log-dir", help="folder for the replicas' logs (default: a new temporary folder)")
    parser.add_argument("--no-restart", dest="restart", action="store_false", help="leave a replica that died down")
    args = parser.parse_args(argv)

    _die_with_parent()  # run by make: if make is killed outright, stop too
    make_stopping = make_parent_watch()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    cluster = None
    stopped_by = None
    try:
        cluster = Cluster(args.db, args.replicas, args.port, args.host, args.restart, args.log_dir)
        cluster.start()
        print(f"cluster: {cluster.describe()}", flush=True)
        while cluster.check():
            if make_stopping():
                raise _Stop(signal.SIGINT)
            time.sleep(0.3)
        cluster._report(f"haproxy stopped ({_describe_exit(cluster.haproxy.returncode)}): stopping the replicas")
        return 1
    except _Stop as stop:
        stopped_by = stop.signum
        return 0
    except ClusterError as error:
        print(f"cluster: {error}", file=sys.stderr, flush=True)
        return 2
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        if cluster and cluster.stop():
            cluster._report("stopped")
        if stopped_by is not None:
            # Die of the signal that stopped us, so the shell or make that waits sees why.
            signal.signal(stopped_by, signal.SIG_DFL)
            os.kill(os.getpid(), stopped_by)


if __name__ == "__main__":
    sys.exit(main())
