"""Time every page in AppTest after a filter change, and the DuckDB queries it ran (the floor)."""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 6, 30)


def page_files() -> list[str]:
    """Page file stems in the order app.py lists them."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import page_urls

    return [path or "overview" for path, _ in page_urls()]


def time_pages(stores: dict[int, Path], runs: int = 7) -> dict[int, dict[str, dict]]:
    """Median milliseconds of `runs` reruns per page and store, each after changing the as-of date.

    For each page the stores are timed one after the other, so that the machine's drift (it is
    shared and noisy) falls on both sides of a ratio alike.
    """
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from alliance import queries

    sys.path.insert(0, str(ROOT / "tests"))
    from apptest import navigation_as_served

    navigation_as_served()
    results: dict[int, dict[str, dict]] = {k: {} for k in stores}
    original = queries.run
    for page in page_files():
        for k, store_path in stores.items():
            os.environ["ALLIANCE_DB"] = str(store_path)
            st.cache_data.clear()
            st.cache_resource.clear()
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            at.query_params["as_of"] = AS_OF.isoformat()
            at.switch_page(f"pages/{page}.py").run()
            timings, calls = [], []
            for i in range(1, runs + 1):
                calls.clear()

                def recording(con, name, _calls=calls, **params):
                    _calls.append((name, params))
                    return original(con, name, **params)

                queries.run = recording
                at.date_input(key="as_of").set_value(AS_OF - timedelta(days=i))
                started = time.perf_counter()
                at.run()
                timings.append((time.perf_counter() - started) * 1000)
                queries.run = original
                if at.exception:
                    raise RuntimeError(f"{page}: {at.exception[0].message}")
            results[k][page] = {"ms": statistics.median(timings), "runs": len(timings), "queries": list(calls)}
    return results


def time_floor(store_path: Path, calls: list[tuple[str, dict]], repeats: int = 5) -> float:
    """Median milliseconds to run a page's queries alone on a fresh read-only connection."""
    from alliance import queries
    from alliance.store import Store

    con = Store(store_path).connect()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        for name, params in calls:
            queries.run(con, name, **params).fetchall()
        timings.append((time.perf_counter() - started) * 1000)
    con.close()
    return statistics.median(timings)
