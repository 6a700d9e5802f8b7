"""A lighter answer to the question PySide6 asks of every module imported after it.

Once PySide6 is loaded, its import hook asks of each newly imported module whether it uses
PySide6 (so that `from __feature__ import snake_case` applies only to such modules), and
answers with `"PySide6" in inspect.getsource(module)`: every module's source is read, decoded,
split into lines and kept in `linecache`. At start-up that is the window's fifty-odd modules,
about a tenth of its import time. This gives the same answer by looking for the same bytes in
the module's file, read once and not kept; a module without a readable `.py` file (a frozen
app's, an extension) is asked the original way.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

_MARK = b"PySide6"
_HOOK_MODULES = ("shibokensupport.feature", "PySide6.support.feature")


def lighten() -> bool:
    """Replace the hook's source check by a byte search; True when it was replaced.

    Call after PySide6 is imported. Harmless when PySide6 changes: without the function it
    expects, nothing is replaced and imports work as before.
    """
    for name in _HOOK_MODULES:
        hook = sys.modules.get(name)
        original = getattr(hook, "_mod_uses_pyside", None)
        if hook is None or not callable(original):
            continue
        if getattr(original, "_followthrough_light", False):
            return True
        hook._mod_uses_pyside = _light(original)  # type: ignore[attr-defined]
        return True
    return False


def _light(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def uses_pyside(module: ModuleType) -> bool:
        path: Any = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(original(module))
        try:
            with open(path, "rb") as handle:
                return _MARK in handle.read()
        except OSError:
            return bool(original(module))

    uses_pyside._followthrough_light = True  # type: ignore[attr-defined]
    return uses_pyside
