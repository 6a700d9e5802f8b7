"""Qt's system libraries are checked before Qt starts: a missing one is named, with the
command that installs it, instead of Qt aborting the process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import followthrough.desktop_libs as desktop_libs
from followthrough.desktop_libs import COMMON, XCB, explain, missing, platform_plugin

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's libraries")


def _folder_with_all_but(tmp_path: Path, *absent: str) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir()
    for library in COMMON + XCB:
        if library.soname not in absent:
            (folder / library.soname).write_bytes(b"")
    return folder


@linux_only
def test_a_missing_xcb_cursor_is_named_with_the_commands(tmp_path: Path) -> None:
    folder = _folder_with_all_but(tmp_path, "libxcb-cursor.so.0")
    lacking = missing("xcb", [folder])
    assert [lib.soname for lib in lacking] == ["libxcb-cursor.so.0"]
    sentence = explain(lacking, "xcb")
    assert "'sudo apt-get install libxcb-cursor0'" in sentence
    assert "'sudo dnf install xcb-util-cursor'" in sentence
    assert "'sudo pacman -S xcb-util-cursor'" in sentence
    assert "\n" not in sentence
    assert missing("offscreen", [folder]) == []  # offscreen Qt does not need it


@linux_only
def test_nothing_missing_is_silent(tmp_path: Path) -> None:
    assert missing("xcb", [_folder_with_all_but(tmp_path)]) == []


@linux_only
def test_this_machine_has_what_offscreen_qt_needs() -> None:
    """The suite runs offscreen Qt, so the real linker folders must hold its libraries."""
    assert missing("offscreen") == []


def test_the_platform_is_the_one_qt_would_pick() -> None:
    assert platform_plugin({"QT_QPA_PLATFORM": "offscreen"}) == "offscreen"
    assert platform_plugin({"QT_QPA_PLATFORM": "wayland;xcb"}) == "wayland"
    assert platform_plugin({"WAYLAND_DISPLAY": "wayland-0"}) == "wayland"
    assert platform_plugin({"DISPLAY": ":0"}) == "xcb"


@linux_only
def test_the_ld_so_conf_includes_are_followed(tmp_path: Path) -> None:
    conf = tmp_path / "ld.so.conf"
    (tmp_path / "ld.so.conf.d").mkdir()
    conf.write_text("include ld.so.conf.d/*.conf\n/opt/first # comment\n")
    (tmp_path / "ld.so.conf.d" / "x.conf").write_text("/opt/included\n")
    assert list(desktop_libs._conf_dirs(conf, set())) == ["/opt/included", "/opt/first"]


@linux_only
def test_the_window_says_it_before_qt_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder_with_all_but(tmp_path, "libxcb-cursor.so.0", "libxcb-icccm.so.4")
    monkeypatch.setattr(desktop_libs, "library_dirs", lambda environ=None: [folder])
    # With no display here, Qt itself would abort this process on xcb: the check comes first.
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("DISPLAY", raising=False)
    from followthrough.cli import main

    assert main(["--data-dir", str(tmp_path / "data")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("followthrough: Followthrough's window (xcb) needs system libraries")
    assert "libxcb-cursor0 libxcb-icccm4" in err


def test_the_command_runs_as_make_run_calls_it() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "followthrough.desktop_libs", "--platform", "offscreen"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
