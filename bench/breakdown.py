"""Where a page's rerun goes beyond its queries: cProfile in AppTest's script thread, time grouped by what does it.

Every function's own time (tottime) is charged to a category: by its file (and for a few, its name) when that
says what the work is for (alliance/figures: building figures; streamlit/elements/arrow.py: tables), otherwise
(pandas, numpy, plotly, pyarrow, the standard library, C built-ins) to its callers' categories, in proportion
to the time it spent under each. So pandas called by a figure builder counts as building figures, and the same
pandas called by st.dataframe as tables.

cProfile costs about the same for every call it records, so a category of many small Python calls grows more
under it than DuckDB's one long call: the queries keep their profiled time, and the rest of the unprofiled
script time is shared out in proportion to the other categories' profiled time.
"""

import cProfile
import gc
import os
import pstats
import statistics
import sys
import sysconfig
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STDLIB = sysconfig.get_paths()["stdlib"]

CATEGORIES = {
    "queries": "DuckDB execution (alliance/queries.py run, execute, fetchall)",
    "frames": "results into pandas frames (.df(), components/data.py)",
    "figure_build": "building Plotly figures (alliance/figures, plotly, components/charts.figure)",
    "figure_serialize": "st.plotly_chart: the figure to JSON (to_dict, typed arrays)",
    "tables": "st.dataframe/st.table: the frame to Arrow",
    "caching": "st.cache_data (keys, hashing, pickling) and the figure cache's keys",
    "streamlit": "Streamlit's own element and message work, the script runner",
    "app": "the app's own Python (alliance/words.py, components/*, app_pages/*)",
    "page_frame": "the page frame (layout.page_start, sidebar, filters, edition picker, throttle, auth)",
    "compile": "the scripts compiled again: AppTest makes a new ScriptCache each run (a server compiles once)",
    "other": "anything no caller claims (thread start)",
}

PAGE_FRAME = {
    "app.py",
    "components/layout.py",
    "components/sidebar.py",
    "components/filters.py",
    "components/edition_picker.py",
    "components/throttle.py",
    "components/auth.py",
    "components/provenance.py",
    "components/printing.py",
    "components/first_start.py",
    "alliance/roles.py",
    "alliance/access.py",
}
STREAMLIT_BY_PREFIX = (
    ("streamlit/runtime/scriptrunner/script_cache.py", "compile"),
    ("streamlit/runtime/scriptrunner/magic.py", "compile"),
    ("streamlit/elements/plotly_chart.py", "figure_serialize"),
    ("streamlit/elements/arrow.py", "tables"),
    ("streamlit/dataframe_util.py", "tables"),
    ("streamlit/elements/lib/column_config_utils.py", "tables"),
    ("streamlit/elements/lib/pandas_styler_utils.py", "tables"),
    ("streamlit/runtime/caching/", "caching"),
    ("streamlit/", "streamlit"),
)


def where(filename: str) -> str:
    """A function's file as a path in the project or below site-packages ('~' for a C built-in)."""
    if filename.startswith(str(ROOT) + "/") and "/site-packages/" not in filename:
        return filename[len(str(ROOT)) + 1 :]
    if "/site-packages/" in filename:
        return filename.split("/site-packages/", 1)[1]
    if filename.startswith(STDLIB + "/"):
        return filename[len(STDLIB) + 1 :]
    return filename


def anchor(func: tuple) -> str | None:
    """The category a function's own time belongs to, or None when its callers decide."""
    filename, _, name = func
    path = where(filename)
    if path == "~":
        if "duckdb" in name.lower():
            if any(f"'{m}'" in name for m in ("df", "fetchdf", "fetch_df", "arrow", "to_df", "pl")):
                return "frames"
            return "queries"
        return None
    if path == "alliance/queries.py":
        # DuckDB's methods are not C functions cProfile sees: execute's time is run's own, .df()'s is frame's.
        return "frames" if name == "frame" else "queries"
    if path == "components/data.py":
        return "frames"
    if path.startswith("alliance/figures/"):
        return "figure_build"
    if path == "components/charts.py":
        return {"figure": "figure_build", "_fingerprint": "caching"}.get(name, "app")
    if path in PAGE_FRAME:
        return "page_frame"
    if path.startswith(("alliance/", "components/", "app_pages/")):
        return "app"
    if path.startswith(("duckdb/", "concurrent/futures/")):
        # The script thread waiting for alliance.kpis's query workers is waiting for queries.
        return "queries"
    for prefix, category in STREAMLIT_BY_PREFIX:
        if path.startswith(prefix):
            return category
    if path.startswith("google/protobuf/"):
        return "streamlit"
    return None


def attribute(stats: dict) -> tuple[dict[str, float], dict[str, float], list[dict]]:
    """Seconds and calls per category, and every function's own seconds with the categories they went to."""
    anchors = {func: anchor(func) for func in stats}
    # What a function's callees inherit: its own category, or its callers' weighted by the time spent under
    # each; solved by repeated passes, as recursion makes the call graph cyclic.
    mix: dict[tuple, dict[str, float]] = {f: {a: 1.0} for f, a in anchors.items() if a}
    for _ in range(100):
        changed = False
        for func, (_, _, _, _, callers) in stats.items():
            if anchors[func] or not callers:
                continue
            found = weigh(callers, 3, mix)
            if found and found != mix.get(func):
                old = mix.get(func, {})
                changed |= any(abs(found.get(c, 0) - old.get(c, 0)) > 1e-6 for c in found.keys() | old.keys())
                mix[func] = found
        if not changed:
            break
    seconds = {c: 0.0 for c in CATEGORIES}
    calls = {c: 0.0 for c in CATEGORIES}
    functions = []
    for func, (_, nc, tt, ct, callers) in stats.items():
        if anchors[func] or not callers:
            split = split_calls = mix.get(func) or {"other": 1.0}
        else:
            split = weigh(callers, 2, mix) or {"other": 1.0}
            split_calls = weigh(callers, 1, mix) or {"other": 1.0}
        for category, share in split.items():
            seconds[category] += tt * share
        for category, share in split_calls.items():
            calls[category] += nc * share
        functions.append({"function": describe(func), "tottime": tt, "cumtime": ct, "calls": nc, "split": split})
    return seconds, calls, functions


def weigh(callers: dict, column: int, mix: dict) -> dict[str, float]:
    """The callers' categories weighted by one column of their call edges (1 calls, 2 own time, 3 time under)."""
    result: dict[str, float] = {}
    for caller, edge in callers.items():
        for category, share in mix.get(caller, {}).items():
            result[category] = result.get(category, 0.0) + share * edge[column]
    total = sum(result.values())
    if total <= 0:
        # No time measured on any edge (too short for the clock): weigh by calls instead.
        return weigh(callers, 1, mix) if column != 1 else {}
    return {c: v / total for c, v in result.items()}


def describe(func: tuple) -> str:
    """file:function, short enough to read in a table."""
    filename, line, name = func
    path = where(filename)
    return name if path == "~" else f"{path}:{line}({name})"


class Collections:
    """Milliseconds the garbage collector runs, whichever thread triggers it (its pauses land in any function)."""

    def __init__(self):
        self.ms, self._started = 0.0, None

    def __call__(self, phase, info):
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started is not None:
            self.ms += (time.perf_counter() - self._started) * 1000
            self._started = None

    def __enter__(self):
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self)


def _profiled_run(at) -> tuple[float, cProfile.Profile, list[cProfile.Profile]]:
    """Rerun the app with a profiler on in every thread it starts; wall ms, the script thread's profile and others'."""
    profiles: list[cProfile.Profile] = []

    def start(frame, event, arg):
        profile = cProfile.Profile()
        profiles.append(profile)
        sys.setprofile(None)
        profile.enable()

    threading.setprofile(start)
    try:
        started = time.perf_counter()
        at.run()
        wall = (time.perf_counter() - started) * 1000
    finally:
        threading.setprofile(None)
    # The first thread is the script's; any others are ones it started (alliance.kpis runs queries two at a time).
    for profile in profiles:
        profile.disable()
    return wall, profiles[0], profiles[1:]


def profile_page(page: str, store_path: Path, runs: int = 3, as_of=None) -> dict:
    """Break one page's rerun (a new as-of date, as time_pages does) down by category, at one store.

    Unprofiled and profiled reruns alternate, each on a date no session has drawn yet; the result holds the
    unprofiled median, the profiled median, the per-category milliseconds as profiled and as estimated
    without the profiler, and the functions that cost most.
    """
    import streamlit as st

    from bench.pages import AS_OF, choose_as_of, open_page

    as_of = as_of or AS_OF
    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_page(store_path, page, as_of)
    days = iter(range(1, 1000))

    def rerun_on_a_new_date():
        choose_as_of(at, as_of - timedelta(days=next(days)))

    # One unmeasured rerun of each kind first: imports and first-call costs are not the page's.
    rerun_on_a_new_date()
    at.run()
    rerun_on_a_new_date()
    _profiled_run(at)
    plain, profiled, script, gc_ms, workers, merged = [], [], [], [], [], None
    for i in range(runs):
        for kind in ("plain", "profiled")[:: 1 if i % 2 == 0 else -1]:
            rerun_on_a_new_date()
            if kind == "plain":
                with Collections() as collections:
                    started = time.perf_counter()
                    at.run()
                    plain.append((time.perf_counter() - started) * 1000)
                gc_ms.append(collections.ms)
            else:
                wall, profile, others = _profiled_run(at)
                stats = pstats.Stats(profile)
                workers.append(sum(pstats.Stats(o).total_tt * 1000 for o in others))
                profiled.append(wall)
                script.append(stats.total_tt * 1000)
                merged = stats if merged is None else merged.add(stats)
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].message}")
    seconds, calls, functions = attribute(merged.stats)
    plain_ms, profiled_ms = statistics.median(plain), statistics.median(profiled)
    # What AppTest does outside the script thread (not profiled, so not inflated by the profiler).
    harness_ms = max(statistics.median(w - s for w, s in zip(profiled, script)), 0.0)
    script_plain_ms = max(plain_ms - harness_ms, 0.0)
    total_calls = sum(calls.values()) / runs
    profiled_by = {c: s * 1000 / runs for c, s in seconds.items()}
    # DuckDB's execute is one C call the profiler barely slows: the queries keep their profiled time. The profiler
    # inflates the rest (many small Python calls) by a factor that varies from run to run on a shared machine, so
    # the rest of the unprofiled script time is shared out in proportion to the other categories' profiled time.
    queries_ms = min(profiled_by["queries"], script_plain_ms)
    rest = sum(v for c, v in profiled_by.items() if c != "queries")
    scale = (script_plain_ms - queries_ms) / rest if rest else 0.0
    estimated = {c: queries_ms if c == "queries" else v * scale for c, v in profiled_by.items()}
    estimated["harness"] = harness_ms
    functions.sort(key=lambda f: f["tottime"], reverse=True)
    project = sorted(
        (f for f in functions if f["function"].startswith(("app.py", "alliance/", "components/", "app_pages/"))),
        key=lambda f: f["cumtime"],
        reverse=True,
    )
    return {
        "ms": round(plain_ms, 1),
        "profiled_ms": round(profiled_ms, 1),
        "profiler_overhead": round(profiled_ms / plain_ms, 2) if plain_ms else None,
        "runs": runs,
        # Already inside the categories (a collection's pause is charged to the function it interrupts).
        "gc_ms": round(statistics.median(gc_ms), 1),
        # Threads the script started (query workers), profiled: their time overlaps the script's wait for them.
        "worker_threads_profiled_ms": round(statistics.median(workers), 1),
        "calls_per_rerun": round(total_calls),
        # What the profiler's time for everything but the queries was multiplied by.
        "scaled_by": round(scale, 2),
        "breakdown_ms": {c: round(v, 1) for c, v in estimated.items()},
        "breakdown_profiled_ms": {c: round(v, 1) for c, v in profiled_by.items()},
        "top_own_ms": [
            {
                "function": f["function"],
                "ms": round(f["tottime"] * 1000 / runs, 2),
                "category": max(f["split"], key=f["split"].get),
                "calls": f["calls"] // runs,
            }
            for f in functions[:12]
        ],
        "top_project_cumulative_ms": [
            {"function": f["function"], "ms": round(f["cumtime"] * 1000 / runs, 2), "calls": f["calls"] // runs}
            for f in project[:15]
            if f["cumtime"] > 0
        ],
    }


def profile_pages(store_path: Path, pages: list[str], runs: int = 3) -> dict[str, dict]:
    """profile_page for each page, at one store."""
    return {page: profile_page(page, store_path, runs) for page in pages}


def breakdown_lines(pages: dict[str, dict]) -> list[str]:
    """Each page's breakdown as a Markdown table (profiler-corrected ms), with a blank line after it."""
    columns = [*CATEGORIES, "harness"]
    rows = [(p, v["breakdown"]) for p, v in pages.items() if v.get("breakdown")]
    if not rows:
        return []
    return [
        "Where each page's rerun goes, k=1000, ms (cProfile in the script thread: queries as profiled, the rest of the "
        "unprofiled median shared out as the profiled time; harness = AppTest outside the script thread):",
        "",
        "| page | ms | " + " | ".join(columns) + " | profiled x | floor |",
        "|---|---:|" + "---:|" * len(columns) + "---:|---:|",
        *(
            f"| {page} | {b['ms']:.0f} | "
            + " | ".join(f"{b['breakdown_ms'].get(c, 0):.1f}" for c in columns)
            + f" | {b['profiler_overhead']:.2f} | {pages[page].get('floor_k1000_ms', 0):.0f} |"
            for page, b in rows
        ),
        "",
        "Costliest functions of their own (profiled ms a rerun, DuckDB's execute inside alliance/queries.py run):",
        "",
        *(
            f"- {page}: " + "; ".join(f"{f['function']} {f['ms']:.1f} ({f['category']})" for f in b["top_own_ms"][:4])
            for page, b in rows
        ),
        "",
    ]


if __name__ == "__main__":
    # python -m bench.breakdown [page ...]: the breakdown of some pages on the k=1000 store bench/stores holds.
    import json

    sys.path.insert(0, str(ROOT))
    import bench  # noqa: F401  (the role the benchmark runs as)

    chosen = sys.argv[1:] or ["overview", "regions", "capabilities", "centers", "events", "milestones"]
    found = profile_pages(ROOT / "bench" / "stores" / "k1000" / "alliance.duckdb", chosen, runs=int(os.environ.get("RUNS", 3)))
    Path("/tmp/breakdown.json").write_text(json.dumps(found, indent=1))
    print("\n".join(breakdown_lines({p: {"breakdown": b} for p, b in found.items()})))
