"""Every workbook from other producers is refused plainly or read correctly, never a crash."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "xlsx-corpus"
HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def corpus_run(_empty_store, tmp_path_factory):
    from conftest import copy_store

    store = copy_store(_empty_store, tmp_path_factory.mktemp("corpus"))
    before = store.current().name
    done = subprocess.run(
        [sys.executable, HERE / "corpus_check.py", store.path, CORPUS], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return store, before, {r["file"]: r for r in map(json.loads, done.stdout.splitlines())}


def test_corpus_files_are_refused_plainly_within_time_and_memory_and_write_nothing(corpus_run):
    store, before, results = corpus_run
    assert CORPUS.is_dir(), f"the corpus is expected at {CORPUS}"
    assert set(results) == {p.name for p in CORPUS.iterdir() if p.suffix != ".md"}
    for result in results.values():
        assert result["outcome"] in ("refused", "rejected"), result
        assert result["message"] and "Traceback" not in result["message"], result
        assert result["seconds"] < 10, result
        assert result["rss_mb"] < 500, result
    assert store.current().name == before


@pytest.mark.parametrize(
    "file, words",
    [
        ("date.xls", "save it as .xlsx"),
        ("date.ods", "OpenDocument"),
        ("date.xlsb", "binary (.xlsb)"),
        ("pass_protected.xlsx", "password"),
        ("date.xlsx", "no sheet of the upload format"),
        ("too_small.xls", "not an .xlsx workbook or a .csv file"),
        ("issue252.xlsx", "could not be read"),
    ],
)
def test_corpus_refusals_say_what_is_wrong(corpus_run, file, words):
    assert words in corpus_run[2][file]["message"]
