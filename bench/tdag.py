"""TDAG week on this machine: crowds against a cluster of replicas behind HAProxy (python -m bench tdag).

Measures, in one run, what the README's Performance section reports for many delegates at once:
- capacity: for 1 and for 2 replicas, crowds of growing size (each a short run at the think time);
  the largest crowd whose reruns stay under 1 s at p95 with no error is what that many replicas hold;
- the target run: 2 replicas, 200 sessions, think time 10 s, 3 minutes;
- memory per extra session: the servers' resident memory after two crowds of different size;
- a replica killed with SIGKILL in the middle of a run (not started again): how long its sessions
  take to be served by the other replica, and whether any session saw an error.

Results join bench/results.json's "crowd" list (each run with its "kind") and "crowd_summary".
"""

import asyncio
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.crowd import run_crowd, warm  # noqa: E402
from deploy.cluster import Cluster  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
P95_LIMIT_MS = 1000.0


def _port() -> int:
    """A base port with room for HAProxy and its replicas above it."""
    import socket

    for base in range(18500, 19500, 20):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", base))
            except OSError:
                continue
        return base
    raise RuntimeError("no free port between 18500 and 19500")


def _warm(cluster: Cluster) -> None:
    """Open every page once on every replica (directly, not through the sticky proxy)."""
    for replica in cluster.replicas:
        asyncio.run(warm(f"http://127.0.0.1:{replica.port}"))


def _crowd(cluster: Cluster, sessions: int, think_s: float, seconds: float, kind: str, seed: int = 0) -> dict:
    result = run_crowd(
        cluster.url,
        sessions,
        think_s,
        seconds,
        pids=[r.pid for r in cluster.replicas if r.pid],
        replicas=len(cluster.replicas),
        seed=seed,
    )
    result["kind"] = kind
    print(
        f"  {kind}: {len(cluster.replicas)} replica(s), {sessions} sessions, think {think_s:g} s: "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms, "
        f"{result['errors']} errors, {result['reconnects']} reconnects, servers {result['rss_mb']} MB",
        flush=True,
    )
    return result


def held(result: dict) -> bool:
    """A crowd the servers held: every rerun answered, none in error, p95 under the limit."""
    return (
        result["errors"] == 0
        and result.get("unserved_sessions", 0) == 0
        and result["p95_ms"] is not None
        and result["p95_ms"] < P95_LIMIT_MS
    )


def capacity(store: Path, replicas: int, steps: list[int], think_s: float, seconds: float) -> list[dict]:
    """Crowds of growing size against `replicas` replicas, stopping after the first one not held."""
    runs = []
    with Cluster(store, replicas=replicas, port=_port(), restart=False, report=lambda line: None) as cluster:
        _warm(cluster)
        for sessions in steps:
            runs.append(_crowd(cluster, sessions, think_s, seconds, "capacity"))
            if not held(runs[-1]):
                break
    return runs


def target(store: Path, sessions: int, think_s: float, seconds: float) -> dict:
    with Cluster(store, replicas=2, port=_port(), restart=False, report=lambda line: None) as cluster:
        _warm(cluster)
        return _crowd(cluster, sessions, think_s, seconds, "target")


def kill(store: Path, sessions: int, think_s: float, seconds: float) -> dict:
    """A run during which replica r1 is killed with SIGKILL halfway, and not started again."""
    with Cluster(store, replicas=2, port=_port(), restart=False, report=lambda line: None) as cluster:
        _warm(cluster)
        victim = cluster.replicas[0].pid
        timer = threading.Timer(seconds / 2, lambda: os.kill(victim, signal.SIGKILL))
        timer.start()
        try:
            result = _crowd(cluster, sessions, think_s, seconds, "replica killed")
        finally:
            timer.cancel()
        result["killed_at_s"] = round(seconds / 2, 1)
        return result


def summarise(runs: list[dict]) -> dict:
    """What the runs say: sessions held per replica count, memory per session, the kill's outcome."""
    held_by = {}
    for replicas in (1, 2):
        sizes = [r["sessions"] for r in runs if r["kind"] == "capacity" and r["replicas"] == replicas and held(r)]
        held_by[replicas] = max(sizes, default=0)
    one = sorted((r for r in runs if r["kind"] == "capacity" and r["replicas"] == 1 and r["rss_mb"]), key=lambda r: r["sessions"])
    per_session = None
    if len(one) >= 2 and one[-1]["sessions"] > one[0]["sessions"]:
        per_session = round((one[-1]["rss_mb"] - one[0]["rss_mb"]) / (one[-1]["sessions"] - one[0]["sessions"]), 2)
    target_run = next((r for r in runs if r["kind"] == "target"), None)
    killed = next((r for r in runs if r["kind"] == "replica killed"), None)
    return {
        "sessions_held_p95_under_1s": {str(k): v for k, v in held_by.items()},
        "two_to_one_ratio": round(held_by[2] / held_by[1], 2) if held_by[1] else None,
        "mb_per_extra_session": per_session,
        "target_met": bool(target_run and held(target_run)),
        "kill": None
        if killed is None
        else {
            "reconnects": killed["reconnects"],
            "reconnect_max_ms": killed.get("reconnect_max_ms"),
            "errors": killed["errors"],
            "met": killed["errors"] == 0
            and killed.get("unserved_sessions", 0) == 0
            and (killed.get("reconnect_max_ms") or 0) <= 5000
            and killed["reconnects"] > 0,
        },
    }


def main(args) -> int:
    store = Path(args.db).absolute()
    started = time.perf_counter()
    steps = [int(n) for n in args.steps.split(",")]
    step_s = args.step_minutes * 60
    print(f"TDAG week on {store} ({os.cpu_count()} cores)", flush=True)
    runs = [*capacity(store, 1, steps, args.think, step_s), *capacity(store, 2, steps, args.think, step_s)]
    runs.append(target(store, args.sessions, args.think, args.minutes * 60))
    runs.append(kill(store, args.sessions, args.think, args.kill_minutes * 60))
    summary = summarise(runs)
    summary["seconds"] = round(time.perf_counter() - started)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    # The short crowd of `make bench` stays; an earlier TDAG run is replaced.
    results["crowd"] = [r for r in results.get("crowd", []) if r.get("kind", "bench") == "bench"] + runs
    results["crowd_summary"] = summary
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(json.dumps(summary, indent=2))
    return 0 if summary["target_met"] and summary["kill"] and summary["kill"]["met"] else 1


def add_arguments(parser) -> None:
    parser.add_argument(
        "--db",
        default=str(ROOT / "bench" / "stores" / "k1" / "alliance.duckdb"),
        help="the store to serve (make bench makes this one)",
    )
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--think", type=float, default=10.0)
    parser.add_argument("--minutes", type=float, default=3.0, help="length of the target run")
    parser.add_argument("--kill-minutes", type=float, default=1.5, help="length of the run that kills a replica")
    parser.add_argument("--steps", default="50,100,150,200,300,400", help="crowd sizes tried for capacity")
    parser.add_argument("--step-minutes", type=float, default=1.0)
