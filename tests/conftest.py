"""Fixtures: a store holding the hand-counted register, copied fresh for each test."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
# Most tests act as the one analyst of a desktop install (make run): an app with no access
# configuration serves viewers only. Tests of roles set or remove it themselves (monkeypatch).
os.environ["ALLIANCE_ROLE"] = "admin"
# One test session may rerun faster than a person clicks (130 uploads in a row): tests of the rerun
# limit set it themselves (tests/test_throttle.py).
os.environ["ALLIANCE_RERUNS_PER_SECOND"] = "0"

import handcount  # noqa: E402

from alliance.ingest.load import load_file  # noqa: E402
from alliance.store import Store  # noqa: E402

# Tests that measure time, rates or limits, or run many processes of their own: make test runs them on their own
# after the rest, which runs on two workers (pytest-xdist), so that another test's load cannot skew them.
SERIAL = frozenset(
    {
        "test_backup.py",
        "test_browser.py",
        "test_cluster.py",
        "test_corpus.py",
        "test_crash.py",
        "test_crowd.py",
        "test_hostile.py",
        "test_parse_limits.py",
        "test_readers.py",
        "test_sign_in.py",
        "test_store.py",
        "test_throttle.py",
    }
)


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in SERIAL:
            item.add_marker(pytest.mark.serial)


def copy_store(source: Path, target_dir: Path) -> Store:
    """Copy a store (pointer, snapshots) into another folder; the pointer is relative."""
    target_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source.with_name(source.name + ".d"), target_dir / (source.name + ".d"))
    (target_dir / source.name).symlink_to(Path(source.readlink()))
    return Store(target_dir / source.name)


@pytest.fixture(scope="session")
def _handcount_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("handcount")
    workbook = folder / "handcount.xlsx"
    handcount.write(workbook)
    store = Store(folder / "store" / "alliance.duckdb").ensure()
    load_file(store, workbook, user="tester")
    return store.path


@pytest.fixture
def store(_handcount_store, tmp_path) -> Store:
    """A store holding the reference data and the hand-counted register (load 1)."""
    return copy_store(_handcount_store, tmp_path / "store")


@pytest.fixture(scope="session")
def _empty_store(tmp_path_factory) -> Path:
    return Store(tmp_path_factory.mktemp("empty") / "alliance.duckdb").ensure().path


@pytest.fixture
def empty_store(_empty_store, tmp_path) -> Store:
    """A store holding only the reference data."""
    return copy_store(_empty_store, tmp_path / "empty")


def cli(*args, env=None) -> subprocess.CompletedProcess:
    """Run `python -m alliance ...` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "alliance", *map(str, args)], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def app(store, monkeypatch):
    """Open the app (optionally one page, with URL query parameters) on the hand-counted store.

    Usage: at = app("regions", as_of="2023-06-30", region="AFR"); assert not at.exception
    """
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ALLIANCE_DB", str(store.path))
    st.cache_data.clear()
    st.cache_resource.clear()

    def open_page(page: str | None = None, **query) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params.update(query)
        if page:
            at.switch_page(f"app_pages/{page}.py")
        return at.run()

    return open_page


_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def markdown_tables(at) -> list[pd.DataFrame]:
    """The Markdown tables a page drew (About draws its static tables so), cells as the reader sees them:
    split on unescaped pipes, Markdown escapes removed."""
    found = []
    for element in at.markdown:
        lines = element.value.splitlines()
        if len(lines) < 2 or not lines[0].startswith("| ") or not lines[1].startswith("| ---"):
            continue
        rows = [[re.sub(r"\\(.)", r"\1", cell.strip()) for cell in _CELL_SPLIT.split(line.strip())[1:-1]] for line in lines]
        found.append(pd.DataFrame(rows[2:], columns=rows[0]))
    return found


# The pseudo-language (lang=qps) marks every message ⟦...⟧: what a page shows outside the marks must be data.
PSEUDO_MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
# Codes (AFR4, WTDC-22, TRR, ITU), Plotly's fields (%{x}) and markup (<extra>), and dates as the pseudo-language
# writes them (as English does): data, not words of the interface.
NOT_WORDS = re.compile(
    r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*\b|%\{[^}]*\}|<[^>]*>|"
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
)


def chart_texts(spec: dict) -> list[str]:
    """A Plotly figure's words (its JSON as sent): title, axis titles, annotations, legend names, hover templates
    and a horizontal bar's category labels."""
    layout = spec.get("layout", {})
    texts = [
        (layout.get(axis, {}).get("title") or {}).get("text") or ""
        for axis in ("title", "xaxis", "yaxis")
        if isinstance(layout.get(axis), dict)
    ]
    texts += [a.get("text", "") for a in layout.get("annotations", [])]
    for trace in spec.get("data", []):
        texts += [trace.get("name", ""), trace.get("hovertemplate", "")]
        if trace.get("orientation") == "h":
            texts += [str(label) for label in trace.get("y", []) if isinstance(label, str)]
    return texts
