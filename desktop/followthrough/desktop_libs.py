"""The system libraries Qt needs on Linux, checked before Qt starts.

PySide6's wheels bring Qt, but its platform plugins load libraries of the system: without
`libxcb-cursor0` (and a few others a minimal desktop may lack) Qt 6.5+ aborts the process with
a message about plugins that no user can act on. This module finds what is missing by looking
for each library's file in the dynamic linker's folders (no Qt, no ctypes: a few hundred
microseconds), and says in one sentence which packages to install; `--install` installs them
when it can (as root, or with passwordless sudo, through apt-get), as `make run` does.

Run as `python -m followthrough.desktop_libs [--install] [--platform NAME]`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Library:
    """A shared library Qt loads, and the package that has it on each family of Linux."""

    soname: str
    debian: str  # Debian, Ubuntu (apt-get)
    fedora: str  # Fedora, RHEL (dnf)
    arch: str  # Arch (pacman)


# What every platform plugin needs, offscreen included (the smoke test runs offscreen).
COMMON = (
    Library("libEGL.so.1", "libegl1", "mesa-libEGL", "libglvnd"),
    Library("libGL.so.1", "libgl1", "mesa-libGL", "libglvnd"),
    Library("libfontconfig.so.1", "libfontconfig1", "fontconfig", "fontconfig"),
    Library("libfreetype.so.6", "libfreetype6", "freetype", "freetype2"),
    Library("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    Library("libdbus-1.so.3", "libdbus-1-3", "dbus-libs", "dbus"),
    Library("libglib-2.0.so.0", "libglib2.0-0", "glib2", "glib2"),
)
# What the xcb plugin (a window on X11) loads besides: the list .ci/run installs.
XCB = (
    Library("libX11.so.6", "libx11-6", "libX11", "libx11"),
    Library("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb", "libx11"),
    Library("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11",
            "libxkbcommon-x11"),
    Library("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    Library("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    Library("libxcb-image.so.0", "libxcb-image0", "xcb-util-image", "xcb-util-image"),
    Library("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    Library("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil",
            "xcb-util-renderutil"),
    Library("libxcb-randr.so.0", "libxcb-randr0", "libxcb", "libxcb"),
    Library("libxcb-shape.so.0", "libxcb-shape0", "libxcb", "libxcb"),
    Library("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb", "libxcb"),
    Library("libxcb-sync.so.1", "libxcb-sync1", "libxcb", "libxcb"),
    Library("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb", "libxcb"),
)
NEEDS = {"offscreen": COMMON, "minimal": COMMON, "xcb": COMMON + XCB}
_DEFAULT_DIRS = ("/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib")


def platform_plugin(environ: Mapping[str, str] | None = None) -> str:
    """The Qt platform plugin a window will use here: QT_QPA_PLATFORM's first choice, else
    wayland in a Wayland session, else xcb."""
    env = os.environ if environ is None else environ
    chosen = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    return "xcb"


def _conf_dirs(conf: Path, seen: set[Path]) -> Iterable[str]:
    """The folders an ld.so.conf file lists, following its `include` lines."""
    if conf in seen or not conf.is_file():
        return
    seen.add(conf)
    try:
        lines = conf.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if line.startswith("include "):
            pattern = Path(line.split(None, 1)[1])
            if not pattern.is_absolute():
                pattern = conf.parent / pattern
            for included in sorted(pattern.parent.glob(pattern.name)):
                yield from _conf_dirs(included, seen)
        elif line.startswith("/"):
            yield line


def library_dirs(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Where the dynamic linker looks: LD_LIBRARY_PATH, the packaged app's own folder,
    /etc/ld.so.conf, the usual folders."""
    env = os.environ if environ is None else environ
    found: list[str] = [d for d in env.get("LD_LIBRARY_PATH", "").split(":") if d]
    bundle = getattr(sys, "_MEIPASS", None)  # the packaged app carries some libraries itself
    if bundle:
        found += [bundle, str(Path(bundle) / "PySide6" / "Qt" / "lib")]
    found += _conf_dirs(Path("/etc/ld.so.conf"), set())
    found += _DEFAULT_DIRS
    return [Path(d) for d in dict.fromkeys(found) if os.path.isdir(d)]


def missing(plugin: str, dirs: Sequence[Path] | None = None) -> list[Library]:
    """The libraries `plugin` needs that none of `dirs` holds (none off Linux, where wheels
    and the system bring everything)."""
    if not sys.platform.startswith("linux"):
        return []
    folders = [str(folder) for folder in (library_dirs() if dirs is None else dirs)]
    exists = os.path.exists  # plain strings: this runs before every window opens
    return [lib for lib in NEEDS.get(plugin, COMMON)
            if not any(exists(f"{folder}/{lib.soname}") for folder in folders)]


def _packages(libraries: Sequence[Library], family: str) -> str:
    return " ".join(dict.fromkeys(getattr(lib, family) for lib in libraries))


def explain(libraries: Sequence[Library], plugin: str) -> str:
    """One sentence: what is missing and the command that installs it on each family."""
    names = ", ".join(lib.soname for lib in libraries)
    return (
        f"Followthrough's window ({plugin}) needs system libraries this computer lacks "
        f"({names}): install them with 'sudo apt-get install {_packages(libraries, 'debian')}' "
        f"(Debian, Ubuntu), 'sudo dnf install {_packages(libraries, 'fedora')}' (Fedora) or "
        f"'sudo pacman -S {_packages(libraries, 'arch')}' (Arch), then start it again."
    )


def check(plugin: str | None = None) -> str:
    """"" when Qt can start with `plugin` (the one it will use by default), else the sentence."""
    chosen = plugin or platform_plugin()
    lacking = missing(chosen)
    return explain(lacking, chosen) if lacking else ""


def _install(libraries: Sequence[Library]) -> bool:
    """apt-get install the Debian packages, as root or with passwordless sudo; False when
    this computer offers neither (or no apt-get)."""
    import shutil
    import subprocess

    if shutil.which("apt-get") is None:
        return False
    prefix: list[str] = []
    if os.geteuid() != 0:
        sudo = shutil.which("sudo")
        if sudo is None or subprocess.run([sudo, "-n", "true"], capture_output=True,
                                          check=False).returncode != 0:
            return False
        prefix = [sudo, "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    packages = list(dict.fromkeys(lib.debian for lib in libraries))
    for command in (["apt-get", "update"],
                    ["apt-get", "install", "-y", "--no-install-recommends", *packages]):
        if subprocess.run([*prefix, *command], env=env, stdin=subprocess.DEVNULL,
                          check=False).returncode != 0:
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Check (and install) what Qt needs here.")
    parser.add_argument("--install", action="store_true",
                        help="install what is missing when root or passwordless sudo allows")
    parser.add_argument("--platform", help="the Qt platform plugin (default: as Qt would pick)")
    args = parser.parse_args(argv)
    plugin = args.platform or platform_plugin()
    lacking = missing(plugin)
    if lacking and args.install and _install(lacking):
        lacking = missing(plugin)
    if lacking:
        sys.stderr.write(explain(lacking, plugin) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
