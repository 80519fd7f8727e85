"""A load killed with SIGKILL at random moments leaves the store before or after it, never between."""

import random
import signal
import subprocess
import sys
import time

from conftest import ROOT

from alliance.store import Store


def eoi_count(store: Store) -> int:
    con = store.connect()
    try:
        return con.execute("select count(*) from eois").fetchall()[0][0]
    finally:
        con.close()


def test_load_killed_at_random_points_leaves_store_before_or_after(store, tmp_path):
    path = tmp_path / "eois.csv"
    path.write_text(
        "eoi_id,received_on,country,organization,request,status\n"
        + "".join(f"K-{n},2023-02-01,BRA,Org {n},other,received\n" for n in range(3000))
    )
    rng = random.Random(7)
    before = eoi_count(store)
    outcomes = set()
    for _ in range(8):
        process = subprocess.Popen(
            [sys.executable, "-m", "alliance", "load", str(path), "--db", str(store.path)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        count = eoi_count(store)
        assert count in (before, before + 3000)
        outcomes.add(count)
        if count != before:
            store = _reset(store, before)
    # after all the kills, a load still completes and the store is consistent
    done = subprocess.run(
        [sys.executable, "-m", "alliance", "load", str(path), "--db", str(store.path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert eoi_count(store) == before + 3000
    assert not list(store.snapshots.glob(".tmp-*"))


def _reset(store: Store, count: int) -> Store:
    from alliance.history import history, rollback

    con = store.connect()
    last = history(con)[0]["load_id"]
    con.close()
    rollback(store, last)
    assert eoi_count(store) == count
    return store
