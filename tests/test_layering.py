"""The store package and the figure builders it shares with the pages never import Streamlit."""

import subprocess
import sys

from conftest import ROOT


def test_alliance_and_figures_import_without_streamlit():
    code = (
        "import sys; import alliance.cli, alliance.ingest.load, alliance.report, alliance.roles;"
        "import alliance.figures, alliance.figures.regions, alliance.figures.capabilities, alliance.figures.milestones;"
        "assert 'streamlit' not in sys.modules, 'streamlit was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_store_package_never_imports_the_screen_layer():
    importing = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "alliance").rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if line.lstrip().startswith(("import components", "from components", "import streamlit", "from streamlit"))
    ]
    assert importing == []
