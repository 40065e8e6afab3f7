"""The import rules of DESIGN.md ("Layout"), read from the code's own import statements (every
``import`` and ``from … import``, also those inside functions: a late import is still a
dependency).

- ``hcc/`` is configuration: it imports no app, and apps take nothing from it but the settings
  (through ``django.conf.settings``) and, where a test or a script needs the application object,
  ``hcc.celery``.
- No circle: neither between apps nor between the modules of the project.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))
HCC_ALLOWED = {"hcc.settings", "hcc.celery"}


def _modules() -> dict[str, Path]:
    """Every module of every app (``hcc`` included), by dotted name; migrations left out."""
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imported(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of each name an import statement of the file takes."""
    taken = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            taken += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            taken.append((node.lineno, node.module))
            taken += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return taken


def _module_of(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _graph() -> dict[str, set[str]]:
    """Module → the project's modules it imports (a module importing its own package's
    ``__init__`` is left out: that is how a package hands names on)."""
    graph = defaultdict(set)
    for module, path in MODULES.items():
        for _line, name in _imported(path):
            target = _module_of(name)
            if target and target != module and not module.startswith(target + "."):
                graph[module].add(target)
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_no_app_imports_hcc_beyond_settings_and_celery():
    offenders = []
    for module, path in MODULES.items():
        if module == "hcc" or module.startswith("hcc."):
            continue
        for line, name in _imported(path):
            if (name == "hcc" or name.startswith("hcc.")) and not any(
                name == allowed or name.startswith(allowed + ".") for allowed in HCC_ALLOWED
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert offenders == []


def test_hcc_imports_no_app():
    apps = set(APPS) - {"hcc"}
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for module, path in MODULES.items()
        if module == "hcc" or module.startswith("hcc.")
        for line, name in _imported(path)
        if name.split(".")[0] in apps
    ]
    assert offenders == []


def test_no_import_circle_between_apps():
    apps = defaultdict(set)
    for module, targets in _graph().items():
        for target in targets:
            if target.split(".")[0] != module.split(".")[0]:
                apps[module.split(".")[0]].add(target.split(".")[0])
    assert _circles(apps) == []


def test_no_import_circle_between_modules():
    assert _circles(_graph()) == []


def test_the_scan_sees_the_rules_it_checks():
    """The scan finds what it looks for: a known import of one app by another, and a circle."""
    assert {"accounts.models", "dossiers.models"} <= _graph()["dossiers.services.intake"]
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
