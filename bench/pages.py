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


def open_page(store_path: Path, page: str, as_of: date = AS_OF):
    """An AppTest session on `page` of the store, at `as_of`, run once."""
    from streamlit.testing.v1 import AppTest

    os.environ["ALLIANCE_DB"] = str(store_path)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["as_of"] = as_of.isoformat()
    return at.switch_page(f"app_pages/{page}.py").run()


def choose_as_of(at, as_of: date) -> None:
    """Set the session's as-of date for its next run, with no figure shared between sessions to reuse.

    A new as-of date may leave the built-in data's figures as they were: the figures shared between sessions
    (components.charts.figure) would then be reused, at k=1 only.
    """
    from components.charts import _FIGURES

    _FIGURES.clear()
    at.date_input(key="as_of").set_value(as_of)


def time_pages(stores: dict[int, Path], runs: int = 9) -> dict[int, dict[str, dict]]:
    """Median milliseconds of `runs` reruns per page and store, each after changing the as-of date.

    The machine is shared and noisy, so the stores take turns: for each page there is one app
    session per store, and each round reruns them one after the other (the order alternates),
    so that a slow spell falls on both sides of a ratio alike.
    """
    import streamlit as st

    from alliance import queries

    results: dict[int, dict[str, dict]] = {k: {} for k in stores}
    original = queries.run
    for page in page_files():
        st.cache_data.clear()
        st.cache_resource.clear()
        sessions, timings, calls = {}, {k: [] for k in stores}, {k: [] for k in stores}
        for k, store_path in stores.items():
            sessions[k] = open_page(store_path, page)
        for i in range(1, runs + 1):
            for k in list(stores)[:: 1 if i % 2 else -1]:
                at = sessions[k]
                os.environ["ALLIANCE_DB"] = str(stores[k])
                calls[k].clear()

                def recording(con, name, _calls=calls[k], **params):
                    _calls.append((name, params))
                    return original(con, name, **params)

                queries.run = recording
                choose_as_of(at, AS_OF - timedelta(days=i))
                started = time.perf_counter()
                at.run()
                timings[k].append((time.perf_counter() - started) * 1000)
                queries.run = original
                if at.exception:
                    raise RuntimeError(f"{page}: {at.exception[0].message}")
        for k in stores:
            results[k][page] = {"ms": statistics.median(timings[k]), "runs": runs, "queries": list(calls[k])}
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


def time_edition(store_path: Path, runs: int = 9) -> dict:
    """Median milliseconds of the Overview on the live data and at ?edition= (an approved edition of the
    same store), rerun alternately after a filter change each time (a region and capability not seen yet)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from alliance import editions
    from alliance.store import Store

    store = Store(store_path)
    start = date(2023, 1, 25)
    editions.publish(store, "BENCH", AS_OF, start, user="bench-analyst")
    editions.approve(store, "BENCH", user="bench-admin")
    st.cache_data.clear()
    st.cache_resource.clear()
    os.environ["ALLIANCE_DB"] = str(store_path)
    sessions = {}
    for kind, query in (("live", {"as_of": AS_OF.isoformat(), "from": start.isoformat()}), ("edition", {"edition": "BENCH"})):
        sessions[kind] = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        sessions[kind].query_params.update(query)
        sessions[kind].run()
    regions = ["all", "AFR", "AMS", "ARB", "ASP", "CIS", "EUR"]
    capabilities = ["all", "TRR", "OTI", "ESM", "PEX", "EIA"]
    timings = {k: [] for k in sessions}
    for i in range(1, runs + 1):
        for kind in list(sessions)[:: 1 if i % 2 else -1]:
            at = sessions[kind]
            at.selectbox(key="region").set_value(regions[i % len(regions)])
            at.selectbox(key="capability").set_value(capabilities[(i // len(regions)) % len(capabilities)])
            started = time.perf_counter()
            at.run()
            timings[kind].append((time.perf_counter() - started) * 1000)
            if at.exception:
                raise RuntimeError(f"overview ({kind}): {at.exception[0].message}")
    return {f"{k}_ms": round(statistics.median(v), 1) for k, v in timings.items()}


HARNESS_APP = """
import streamlit as st
st.title("Harness")
st.date_input("As of", key="as_of")
"""


def time_harness(runs: int = 9) -> float:
    """Median milliseconds of AppTest rerunning a page that draws a title and a date box after a change of
    that box: what the harness itself costs each page's timing, not the page."""
    import tempfile

    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "harness.py"
        script.write_text(HARNESS_APP)
        at = AppTest.from_file(str(script), default_timeout=60).run()
        timings = []
        for i in range(1, runs + 1):
            at.date_input(key="as_of").set_value(AS_OF - timedelta(days=i))
            started = time.perf_counter()
            at.run()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)
