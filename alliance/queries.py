"""Run the named SQL files in queries/ with bound parameters."""

import re
from functools import cache

import duckdb

from alliance import QUERIES_DIR, AllianceError

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


@cache
def sql(name: str) -> tuple[str, frozenset[str]]:
    """Return a query's text and the parameter names it uses."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise AllianceError(f"No query named {name!r} in {QUERIES_DIR}.")
    text = path.read_text()
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return text, frozenset(_PARAM.findall(body))


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> duckdb.DuckDBPyRelation:
    """Execute a named query with the parameters it uses (others are ignored)."""
    text, used = sql(name)
    missing = used - params.keys()
    if missing:
        raise AllianceError(f"Query {name!r} needs parameter(s) {', '.join(sorted(missing))}.")
    cursor = con.cursor()
    return cursor.execute(text, {k: params[k] for k in used})


def rows(con, name: str, **params) -> list[dict]:
    """Return a query's rows as dicts."""
    result = run(con, name, **params)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


def frame(con, name: str, **params):
    """Return a query's rows as a pandas DataFrame."""
    return run(con, name, **params).df()
