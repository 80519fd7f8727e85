"""Fresh-tab load of every page in Chromium (navigation to settled) beside a bare Streamlit page, and the report build.

A fresh tab is what a delegate who opens a link pays: a new tab (a new Streamlit session, the
page's script run from the top, every chart drawn) in a browser that has opened the dashboard before. The bare page runs in its own
server in the same run, so a slow spell of the shared machine falls on both sides of the ratio.
"""

import statistics
import sys
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_fresh_loads(store_path: Path, runs: int = 5) -> dict:
    """Median milliseconds from navigation to settled, per page and for the bare page."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import launch, page_urls, serve
    from playwright.sync_api import sync_playwright

    timings: dict[str, list[float]] = {"bare": []}
    with ExitStack() as stack:
        url = stack.enter_context(serve(store_path))
        bare = stack.enter_context(serve(store_path, script=ROOT / "bench" / "bare_app.py"))
        p = stack.enter_context(sync_playwright())
        browser = launch(p)
        pages = [path for path, _ in page_urls() if path not in ("upload",)]  # a file picker: nothing to draw

        # One browser, as a delegate has: a new tab (a new Streamlit session) per load, the browser's cache
        # warm after the first (the scripts a page needs are fetched once, as a real browser keeps them).
        context = browser.new_context(viewport={"width": 1400, "height": 1000})

        def load(target: str) -> float:
            tab = context.new_page()
            started = time.perf_counter()
            tab.goto(target)
            elapsed = (_settled(tab) - started) * 1000
            tab.close()
            return elapsed

        # Warm both servers once (the first run of a process imports everything).
        load(f"{bare}/")
        for path in pages:
            load(f"{url}/{path}")
        for _ in range(runs):
            for path in pages:
                timings.setdefault(path or "overview", []).append(load(f"{url}/{path}"))
                timings["bare"].append(load(f"{bare}/"))
        browser.close()
    result = {name: round(statistics.median(v), 1) for name, v in timings.items()}
    return {"bare_ms": result.pop("bare"), "pages_ms": result}


def _settled(tab, timeout_s: float = 60) -> float:
    """The moment the page had its title and nothing running or loading (polled every 25 ms, confirmed 100 ms later)."""
    deadline = time.perf_counter() + timeout_s
    first_quiet = None
    while time.perf_counter() < deadline:
        quiet = tab.evaluate(
            "() => !!document.querySelector('[data-testid=stMain] h1') && "
            "!document.querySelector('[data-testid=stStatusWidget]') && !document.querySelector('[data-testid=stSkeleton]')"
        )
        now = time.perf_counter()
        if quiet:
            first_quiet = first_quiet or now
            if now - first_quiet >= 0.1:
                return first_quiet
        else:
            first_quiet = None
        tab.wait_for_timeout(25)
    raise TimeoutError("the page kept running")


def time_report(store_path: Path, runs: int = 4) -> dict:
    """Seconds to build the report (figures, chart images, Word document, annex) for the whole Alliance: the
    first build of a process (it starts kaleido's Chromium) and the median of the builds after it (a server's)."""
    import tempfile

    from alliance.report import build
    from alliance.store import Store

    con = Store(store_path).connect()
    timings = []
    try:
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as folder:
                started = time.perf_counter()
                build(con, Path(folder) / "r.docx", date(2025, 6, 30))
                timings.append(time.perf_counter() - started)
    finally:
        con.close()
    return {"first_s": round(timings[0], 2), "then_s": round(statistics.median(timings[1:]), 2)}
