"""The planner's modules compiled to C (mypyc), and never a compiled copy older than its source.

`packaging/native.py` (run by `make native`, `make run`, `make test` and the packaging
scripts) compiles the modules of COMPILED next to their sources, with the shared library they
all load (LIBRARY, at the top of the import path), and writes STAMP: the SHA-256 of each
source as it was compiled. Python imports an extension module before the
source of the same name, so an edited source would otherwise lose to its old compiled copy:
`followthrough/core/__init__.py` calls `use_fresh_code()` first, which keeps the compiled
modules only when every one of them is there and was compiled from the source now beside
it. Otherwise (a source edited, a module missing, or FOLLOWTHROUGH_PURE_PYTHON=1) all of
them come from their sources: compiled modules call each other directly, so a mix of the
two would run old code. A frozen app carries no sources: its compiled modules are used.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Literal

# The modules the planner spends its time in (bench/plan.py), in the package followthrough.core.
COMPILED = ("cadence", "spacing", "timing", "workdays", "playbooks", "shown_dates", "zones")
STAMP = "compiled.txt"  # in this folder: "<module> <sha256 of its source>" per line
LIBRARY = "followthrough_planner"  # their shared library: <LIBRARY>__mypyc<suffix>, two up
PURE_PYTHON = "FOLLOWTHROUGH_PURE_PYTHON"  # "1": the sources, even when a fresh build is there
FOLDER = Path(__file__).resolve().parent
PACKAGE = "followthrough.core"

State = Literal["compiled", "sources", "stale", "chosen"]


def source_digest(source: Path) -> str:
    return hashlib.sha256(source.read_bytes()).hexdigest()


def stamp_text(folder: Path = FOLDER) -> str:
    """What STAMP says for the sources now in `folder` (written once they are compiled)."""
    return "".join(f"{name} {source_digest(folder / f'{name}.py')}\n" for name in COMPILED)


def _extension(folder: Path, name: str) -> Path | None:
    """The compiled module `name` in `folder`, if there is one for this Python."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        found = folder / f"{name}{suffix}"
        if found.is_file():
            return found
    return None


def state(folder: Path = FOLDER, environ: dict[str, str] | None = None) -> State:
    """Which code `use_fresh_code` runs for the modules in `folder`: "compiled" (every one
    there with their library, each from the source beside it, or no sources at all: a frozen
    app), "sources" (nothing compiled), "stale" (a build not of these sources, or not whole)
    or "chosen"
    (FOLLOWTHROUGH_PURE_PYTHON=1)."""
    compiled = [_extension(folder, name) for name in COMPILED]
    if not any(compiled):
        return "sources"
    if (os.environ if environ is None else environ).get(PURE_PYTHON) == "1":
        return "chosen"
    if not all(compiled):
        return "stale"
    if not any((folder / f"{name}.py").is_file() for name in COMPILED):
        return "compiled"  # a frozen app: nothing else to run
    if _extension(folder.parent.parent, f"{LIBRARY}__mypyc") is None:
        return "stale"  # they could not be imported
    try:
        fresh = (folder / STAMP).read_text(encoding="ascii") == stamp_text(folder)
    except (OSError, UnicodeError):
        return "stale"
    return "compiled" if fresh else "stale"


class _Sources:
    """Finds the modules of COMPILED in their sources, before Python's own finders would
    find their compiled copies."""

    def __init__(self, folder: Path) -> None:
        self.files = {f"{PACKAGE}.{name}": folder / f"{name}.py" for name in COMPILED}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        source = self.files.get(fullname)
        if source is None:
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def use_fresh_code(folder: Path = FOLDER) -> State:
    """Make the modules of COMPILED import from their sources unless their compiled build is
    whole and fresh; returns the state found (see `state`)."""
    found = state(folder)
    if found in ("stale", "chosen") and not any(
        isinstance(finder, _Sources) for finder in sys.meta_path
    ):
        sys.meta_path.insert(0, _Sources(folder))
    return found


_WHY_SOURCES = {
    "sources": "not compiled here: make native compiles it",
    "stale": "its compiled build is not of these sources: make native rebuilds it",
    "chosen": f"{PURE_PYTHON}=1",
}


def running() -> str:
    """What runs the planner, in a few words (the smoke test and bench/plan.py say it):
    "compiled (mypyc)", or "Python sources (why)"."""
    module = sys.modules.get(f"{PACKAGE}.cadence") or importlib.import_module(f"{PACKAGE}.cadence")
    if not str(getattr(module, "__file__", "") or "").endswith(".py"):
        return "compiled (mypyc)"
    why = _WHY_SOURCES.get(state(Path(str(module.__file__)).parent))
    return f"Python sources ({why})" if why else "Python sources"
