"""The Alliance store: schema, reference data, loading, validation, KPIs and command line."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"


class AllianceError(Exception):
    """An error whose message is meant for people: shown as is, never as a traceback."""
