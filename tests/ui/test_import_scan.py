"""PySide6's import hook gets the same answers from a byte search, without keeping sources."""

from __future__ import annotations

import importlib
import linecache
import sys
from pathlib import Path

import PySide6.QtCore  # noqa: F401  (installs the hook under test)
import pytest

from followthrough.ui import import_scan


def _feature_module():  # type: ignore[no-untyped-def]
    return sys.modules["shibokensupport.feature"]


@pytest.fixture
def restored():  # type: ignore[no-untyped-def]
    feature = _feature_module()
    original = feature._mod_uses_pyside
    yield feature
    feature._mod_uses_pyside = original


def _import_fresh(folder: Path, name: str, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / f"{name}.py").write_text(text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    try:
        __import__(name)
    finally:
        sys.modules.pop(name, None)


def test_modules_using_pyside_are_told_apart_without_reading_their_source(
    restored, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    assert import_scan.lighten()
    _import_fresh(tmp_path, "ft_scan_qt", "from PySide6 import QtCore\nVALUE = 1\n", monkeypatch)
    _import_fresh(tmp_path, "ft_scan_plain", "VALUE = 2\n", monkeypatch)
    assert restored.pyside_feature_dict["ft_scan_qt"] == 0
    assert restored.pyside_feature_dict["ft_scan_plain"] == -1
    # The original check kept every imported module's lines in linecache.
    for name in ("ft_scan_qt", "ft_scan_plain"):
        assert str(tmp_path / f"{name}.py") not in linecache.cache


def test_the_original_check_gives_the_same_answers(
    restored, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    original = restored._mod_uses_pyside
    assert import_scan.lighten()
    light = restored._mod_uses_pyside
    assert light is not original
    for name, text in (("ft_scan_a", "import PySide6\n"), ("ft_scan_b", "import os\n")):
        (tmp_path / f"{name}.py").write_text(text, encoding="utf-8")
        monkeypatch.syspath_prepend(str(tmp_path))
        importlib.invalidate_caches()
        module = importlib.import_module(name)
        try:
            assert light(module) == original(module)
        finally:
            sys.modules.pop(name, None)
    # A module without a source file is asked the original way (which reads nothing either).
    assert light(sys) == original(sys) is False


def test_lightening_twice_wraps_once(restored) -> None:  # type: ignore[no-untyped-def]
    assert import_scan.lighten()
    first = restored._mod_uses_pyside
    assert import_scan.lighten()
    assert restored._mod_uses_pyside is first


def test_without_the_hook_nothing_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("shibokensupport.feature", "PySide6.support.feature"):
        monkeypatch.setitem(sys.modules, name, None)  # type: ignore[arg-type]
    assert not import_scan.lighten()
