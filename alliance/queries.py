"""Run the named SQL files in queries/ with bound parameters."""

import re
import threading
from functools import cache
from pathlib import Path

import duckdb

from alliance import QUERIES_DIR, AllianceError

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
# The macros the queries share (rows in scope of each table, capabilities in words), in an in-memory catalog.
_MACROS_SQL = Path(__file__).with_name("macros.sql")
_macros_lock = threading.Lock()


@cache
def sql(name: str) -> tuple[str, frozenset[str]]:
    """Return a query's text and the parameter names it uses."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise AllianceError(f"No query named {name!r} in {QUERIES_DIR}.")
    text = path.read_text()
    return text, frozenset(_PARAM.findall(_without_comments(text)))


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> duckdb.DuckDBPyRelation:
    """Execute a named query with the parameters it uses (others are ignored)."""
    text, used = sql(name)
    missing = used - params.keys()
    if missing:
        raise AllianceError(f"Query {name!r} needs parameter(s) {', '.join(sorted(missing))}.")
    values = {k: params[k] for k in used}
    try:
        return con.cursor().execute(text, values)
    except duckdb.CatalogException:
        # The first query of a database this process opened finds no macros yet: define them and run it once more
        # (an error with another cause comes again).
        define_macros(con)
    return con.cursor().execute(text, values)


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Attach the in-memory catalog `macros` to con's database and create in it the macros of macros.sql it lacks.

    Attached, not temporary: cursor() opens a new connection to the same database, which sees what is
    attached to it but not another connection's temporary macros (and creating them for every query costs
    more than the query). Never written into a store: stored states are read-only, and one frozen by an
    earlier version is read by today's definitions. A macro whose table a database lacks is left out: only
    the queries that read that table fail, as they would without it.
    """
    with _macros_lock:
        cursor = con.cursor()
        # read_only false: a database opened read-only would otherwise refuse an in-memory catalog.
        cursor.execute("attach if not exists ':memory:' as macros (read_only false)")
        for statement in cursor.extract_statements(_MACROS_SQL.read_text()):
            try:
                cursor.execute(statement.query)
            except (duckdb.CatalogException, duckdb.BinderException):
                pass


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def rows(con, name: str, **params) -> list[dict]:
    """Return a query's rows as dicts."""
    result = run(con, name, **params)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


def frame(con, name: str, **params):
    """Return a query's rows as a pandas DataFrame."""
    return run(con, name, **params).df()
