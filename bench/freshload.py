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


def time_fresh_loads(store_path: Path, runs: int = 5, pages: list[str] | None = None, breakdown: bool = True) -> dict:
    """Median milliseconds from navigation to settled, per page and for the bare page, and where that time went.

    pages: url paths to time ("" or "overview" for the Overview), every page by default. breakdown: record
    each tab's timeline (bench/timeline.py) and add result["breakdown"][page] (and ["bare"]), medians in ms
    from navigation start. The timed tabs are the recorded ones: the timeline is read after the tab settled,
    and recording it cost 7 ms of a 2,000 ms Overview tab (instrumentation_overhead, medians of 5 each).
    Example, two pages once: time_fresh_loads(Path("bench/stores/k1/alliance.duckdb"), 1, ["overview", "about"]).
    """
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import launch, page_urls, serve
    from playwright.sync_api import sync_playwright

    from bench import timeline

    timings: dict[str, list[float]] = {"bare": []}
    loads: dict[str, list[dict]] = {"bare": []}
    with ExitStack() as stack:
        url = stack.enter_context(serve(store_path))
        bare = stack.enter_context(serve(store_path, script=ROOT / "bench" / "bare_app.py"))
        p = stack.enter_context(sync_playwright())
        browser = launch(p)
        paths = [path for path, _ in page_urls() if path not in ("upload",)]  # a file picker: nothing to draw
        if pages is not None:
            wanted = {"" if name == "overview" else name for name in pages}
            paths = [path for path in paths if path in wanted]

        # One browser, as a delegate has: a new tab (a new Streamlit session) per load, the browser's cache
        # warm after the first (the scripts a page needs are fetched once, as a real browser keeps them).
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        if breakdown:
            timeline.install(context)

        def load(target: str, name: str | None = None) -> float:
            tab = context.new_page()
            cdp, before = timeline.start(context, tab) if breakdown else (None, None)
            started = time.perf_counter()
            tab.goto(target)
            settled, settled_ms = _settled(tab)
            elapsed = (settled - started) * 1000
            if breakdown and name:
                loads.setdefault(name, []).append(timeline.collect(tab, cdp, before, settled_ms))
            tab.close()
            return elapsed

        # Warm both servers once (the first run of a process imports everything).
        load(f"{bare}/")
        for path in paths:
            load(f"{url}/{path}")
        for _ in range(runs):
            for path in paths:
                timings.setdefault(path or "overview", []).append(load(f"{url}/{path}", path or "overview"))
                timings["bare"].append(load(f"{bare}/", "bare"))
        browser.close()
    result = {name: round(statistics.median(v), 1) for name, v in timings.items()}
    out = {"bare_ms": result.pop("bare"), "pages_ms": result}
    if breakdown:
        out["breakdown"] = {name: timeline.medians(v) for name, v in loads.items() if v}
        print(timeline.table(out["breakdown"]))
    return out


def _settled(tab, timeout_s: float = 60) -> tuple[float, float]:
    """The moment the page had its title and nothing running or loading (polled every 25 ms, confirmed 100 ms
    later): perf_counter() here, and the page's performance.now() (ms from navigation start)."""
    deadline = time.perf_counter() + timeout_s
    first_quiet = None
    while time.perf_counter() < deadline:
        quiet = tab.evaluate(
            "() => !!document.querySelector('[data-testid=stMain] h1') && "
            "!document.querySelector('[data-testid=stStatusWidget]') && !document.querySelector('[data-testid=stSkeleton]') "
            "&& performance.now()"
        )
        now = time.perf_counter()
        if quiet:
            first_quiet = first_quiet or (now, quiet)
            if now - first_quiet[0] >= 0.1:
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


def instrumentation_overhead(store_path: Path, page: str = "", runs: int = 5) -> dict:
    """Median ms to settled of one page's fresh tab without and with the timeline recorded (tabs alternating)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import launch, serve
    from playwright.sync_api import sync_playwright

    from bench import timeline

    timings: dict[str, list[float]] = {"plain": [], "recorded": []}
    with serve(store_path) as url, sync_playwright() as p:
        browser = launch(p)
        plain = browser.new_context(viewport={"width": 1400, "height": 1000})
        recorded = browser.new_context(viewport={"width": 1400, "height": 1000})
        timeline.install(recorded)

        def load(context, record: bool) -> float:
            tab = context.new_page()
            cdp, before = timeline.start(context, tab) if record else (None, None)
            started = time.perf_counter()
            tab.goto(f"{url}/{page}")
            settled, settled_ms = _settled(tab)
            if record:
                timeline.collect(tab, cdp, before, settled_ms)
            tab.close()
            return (settled - started) * 1000

        load(plain, False), load(recorded, True)  # warm the server and both browser caches
        for _ in range(runs):
            timings["plain"].append(load(plain, False))
            timings["recorded"].append(load(recorded, True))
        browser.close()
    out = {k: round(statistics.median(v), 1) for k, v in timings.items()}
    out["overhead_ms"] = round(out["recorded"] - out["plain"], 1)
    return out
