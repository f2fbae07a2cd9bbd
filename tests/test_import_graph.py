"""The apps depend one way and no module imports itself back in a circle.

The graph is read from the source with `ast` (no Django needed): every `import` and
`from … import …` of the five apps, at module level *and* inside functions (a deferred
import still ties the two modules together: it is how circles hide). Migrations and the
Django-generated history models are left out; tests are not part of the graph.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Lowest first: an app may import only the ones before it.
LAYERS = ("accounts", "projects", "evaluations", "training", "certification")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """The absolute names `node` imports: `from .x import y` may mean module `.x.y`."""
    if node.level:
        base = module.split(".")
        if not is_package:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    return [prefix] + [f"{prefix}.{alias.name}" for alias in node.names]


def import_graph() -> dict[str, set[str]]:
    modules: dict[str, Path] = {}
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            modules[_module_name(path)] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                targets = _resolve(name, is_package, node)
            else:
                continue
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every circle of imports: the groups of modules that reach each other (strongly
    connected components of more than one module), each sorted. A module importing one
    of its own packages (`from . import x` where the package's `__init__` re-exports it)
    does not count: the package is found, not finished, first."""
    edges = {
        module: sorted(t for t in targets if not module.startswith(f"{t}."))
        for module, targets in graph.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(circles)


@pytest.mark.parametrize(
    "app",
    [
        "accounts",
        "projects",
        "evaluations",
        "training",
        "certification",
    ],
)
def test_no_module_of_the_app_imports_itself_back_in_a_circle(app):
    circles = [c for c in import_circles(import_graph()) if c[0].split(".")[0] == app]
    assert circles == []


def test_a_lower_app_never_imports_a_higher_one():
    graph = import_graph()
    rank = {app: i for i, app in enumerate(LAYERS)}
    upward = sorted(
        f"{module} → {target}"
        for module, targets in graph.items()
        for target in targets
        if rank[target.split(".")[0]] > rank[module.split(".")[0]]
    )
    assert upward == []


def test_the_cycle_finder_sees_a_circle_through_a_deferred_import():
    """The guard can fail: a services ↔ tasks pair like the one it was written for."""
    graph = {
        "app.services": {"app.tasks"},  # `from .tasks import x` inside a function
        "app.tasks": {"app.services"},
        "app.models": set(),
    }
    assert import_circles(graph) == [["app.services", "app.tasks"]]


def test_the_graph_reads_relative_imports_inside_functions():
    graph = import_graph()
    assert "evaluations.models" in graph["evaluations.services.reminders"]
    assert "projects.models" in graph["evaluations.models"]
