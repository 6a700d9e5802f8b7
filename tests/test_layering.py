"""The engine, the store and the iCalendar layer never import Qt (design.md: pure core)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import followthrough

PURE = ("core", "store", "ical", "compose", "sync")
PURE_MODULES = ("followthrough.cli", "followthrough.links", "followthrough.resources")


def test_pure_packages_do_not_import_qt() -> None:
    modules = list(PURE_MODULES)
    for info in pkgutil.walk_packages(followthrough.__path__, "followthrough."):
        if info.name.split(".")[1] in PURE:
            modules.append(info.name)
    assert any(m.startswith("followthrough.ical.") for m in modules)
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
