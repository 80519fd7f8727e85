"""The store package and the figure builders it shares with the pages never import Streamlit, and no module
of the store package imports itself through others."""

import ast
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


def alliance_imports() -> dict[str, set[str]]:
    """Each module of alliance/ and the modules of alliance/ it imports, anywhere in it (an import inside a
    function is a dependency too)."""
    paths = {}
    for path in (ROOT / "alliance").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        paths[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path

    def module(name: str) -> str | None:
        while name and name not in paths:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in paths.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {module(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the module's own package
                    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        package = package.rpartition(".")[0]
                    base = f"{package}.{base}".strip(".")
                # `from alliance import store` imports the module alliance.store; `from alliance import ROOT`, the package.
                found |= {
                    module(f"{base}.{alias.name}") if f"{base}.{alias.name}" in paths else module(base) for alias in node.names
                }
        graph[name] = found - {None, name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, directly or through others (Tarjan's strongly connected components)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_of_the_store_package_imports_itself_through_others():
    """readers, sandbox and validate imported one another, and so did builtin, loader and store (through a lazy import
    in store's upgrade): a module could not be read, tested or changed without the others."""
    graph = alliance_imports()
    assert {"alliance.store", "alliance.ingest.validate", "alliance.builtin"} <= graph.keys()
    assert circles(graph) == []


def test_a_circle_of_imports_is_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert circles(graph) == [["a", "b", "c"]]
