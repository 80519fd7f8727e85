"""The store package and the figure builders it shares with the pages never import Streamlit."""

import subprocess
import sys

from conftest import ROOT


def test_alliance_and_figures_import_without_streamlit():
    code = (
        "import sys; import alliance.cli, alliance.loader, alliance.report, alliance.roles;"
        "import components.figures, components.figures_regions, components.figures_capabilities, components.figures_milestones;"
        "assert 'streamlit' not in sys.modules, 'streamlit was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
