"""The layers of docs/architecture.md, checked: who may import whom, no circles, no Qt below ui.

Every `import` of a followthrough module counts, at the top of a file or inside a function
(a lazy import is still an arrow).
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import followthrough

PACKAGE = Path(followthrough.__file__).parent

# What each part may import besides itself: the table in docs/architecture.md, "Layers".
# "followthrough" is the package's own __init__ (the version).
ALLOWED: dict[str, set[str]] = {
    "core": {"followthrough", "resources"},
    "resources": set(),
    "desktop_libs": set(),
    "files": {"core"},
    "store": {"followthrough", "core", "resources"},
    "ical": {"followthrough", "core", "store", "files", "resources"},
    "compose": {"followthrough", "core", "store", "files", "resources"},
    "sync": {"followthrough", "core", "store", "ical", "resources"},
    "mail": {"followthrough", "core", "store", "sync", "resources"},
    "links": {"core", "ical"},
    "cli": {"followthrough", "core", "store", "ical", "compose", "sync", "mail", "files",
            "links", "resources", "ui"},
    "ui": {"followthrough", "core", "store", "ical", "compose", "sync", "mail", "files",
           "links", "resources", "desktop_libs"},
    "__main__": {"cli"},
}
# The command line reaches the window only through its two entry points.
CLI_MAY_START = {"followthrough.ui.app", "followthrough.ui.smoke"}
PURE = ("core", "store", "ical", "compose", "sync", "mail", "files", "links", "resources",
        "cli", "desktop_libs")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _typing_only(tree: ast.Module) -> set[int]:
    """The ids of the nodes inside `if TYPE_CHECKING:` blocks (imports only a type checker runs)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            inside.update(id(child) for statement in node.body for child in ast.walk(statement))
    return inside


def _imports(path: Path, name: str, *, typing: bool = True) -> Iterator[str]:
    """The followthrough modules `path` (module `name`) imports, each as a dotted name; with
    `typing` False, without those imported only for the type checker."""
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = set() if typing else _typing_only(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] == "followthrough")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module.split(".")[0] != "followthrough":
                continue
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                yield candidate if _exists(candidate) else module


def _exists(dotted: str) -> bool:
    relative = Path(*dotted.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative).is_dir()


def _part(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "followthrough"


def _graph(*, typing: bool = True) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        graph[name] = set(_imports(path, name, typing=typing))
    return graph


def test_every_arrow_points_down_the_layers() -> None:
    wrong = []
    for module, targets in _graph().items():
        source = _part(module)
        if source == "followthrough":
            continue
        for target in targets:
            part = _part(target)
            if part == source:
                continue
            if part not in ALLOWED[source]:
                wrong.append(f"{module} -> {target}")
            elif source == "cli" and part == "ui" and target not in CLI_MAY_START:
                wrong.append(f"{module} -> {target} (the CLI starts the window only)")
    assert not wrong, "imports against docs/architecture.md:\n" + "\n".join(sorted(wrong))


def test_the_table_names_every_part() -> None:
    parts = {_part(m) for m in _graph()} - {"followthrough"}
    assert parts == set(ALLOWED), "a new part needs its row in ALLOWED and docs/architecture.md"


def test_no_import_circle() -> None:
    """No module imports, at run time, one that imports it back (a type checker's import under
    TYPE_CHECKING, such as a mixin naming the class it is mixed into, runs nothing)."""
    graph = _graph(typing=False)
    # A package's __init__ re-exporting its own modules is not an arrow between modules.
    edges = {m: {t for t in ts if t in graph and not m.startswith(t + ".")
                 and not t.startswith(m + ".")}
             for m, ts in graph.items()}
    seen: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for target in sorted(edges[node]):
            if seen.get(target) == 1:
                circles.append([*path[path.index(target):], target])
            elif target not in seen:
                visit(target, [*path, target])
        seen[node] = 2

    for module in sorted(edges):
        if module not in seen:
            visit(module, [module])
    assert not circles, "\n".join(" -> ".join(c) for c in circles)


def test_modules_stay_small() -> None:
    """A module holds one concern: none grows past ~600 lines (docs/architecture.md)."""
    large = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
             if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert not large, large


def test_pure_packages_do_not_import_qt() -> None:
    modules = []
    for info in pkgutil.walk_packages(followthrough.__path__, "followthrough."):
        if info.name.split(".")[1] in PURE:
            modules.append(info.name)
    assert any(m.startswith("followthrough.ical.") for m in modules)
    assert any(m.startswith("followthrough.cli") for m in modules)
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
