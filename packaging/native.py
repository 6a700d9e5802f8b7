"""Compile the planner's modules to C with mypyc, next to their sources.

    .venv/bin/python packaging/native.py [--require] [--clean]

The modules of followthrough.core.compiled.COMPILED become extension modules in
desktop/followthrough/core/ (with their shared library, desktop/followthrough_planner__mypyc*),
and desktop/followthrough/core/compiled.txt records the sources they were compiled from: the
package uses them only while those sources are unchanged (followthrough/core/compiled.py).
bench/plan.py measures the planner both ways (docs/benchmarks.md).

Without a C compiler, Python's headers or mypyc, it says what is missing and the app runs
the same code from its sources (slower); `--require` (the packaging scripts) makes that an
error instead. `--clean` removes the compiled build. The C files and objects go to
build/mypyc/, the compiler's output to build/mypyc/build.log.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESKTOP = ROOT / "desktop"
sys.path.insert(0, str(DESKTOP))

from followthrough.core import compiled  # noqa: E402 - after desktop/ is on the path

GROUP = compiled.LIBRARY  # the shared library: desktop/followthrough_planner__mypyc*
WORK = ROOT / "build" / "mypyc"
LOG = WORK / "build.log"


def built_files() -> list[Path]:
    """The files a build leaves beside the sources."""
    found = [compiled.FOLDER / compiled.STAMP, *DESKTOP.glob(f"{GROUP}__mypyc*")]
    for name in compiled.COMPILED:
        found += [compiled.FOLDER / f"{name}{suffix}" for suffix in EXTENSION_SUFFIXES]
    return [path for path in found if path.exists()]


def clean() -> None:
    for path in built_files():
        path.unlink()


def missing() -> str:
    """What this machine lacks to compile, in a sentence; "" when nothing."""
    for module in ("mypyc", "setuptools"):
        if importlib.util.find_spec(module) is None:
            return f"the Python package {module} is not installed (make install installs it)"
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not headers.is_file():
        return f"Python's C headers are missing ({headers}; on Debian: apt-get install python3-dev)"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if os.name != "nt" and shutil.which(compiler) is None:
        return f"there is no C compiler ({compiler}; on Debian: apt-get install gcc)"
    return ""


def compile_here() -> None:
    """The build itself, in a process of its own run in desktop/ (mypyc names the modules by
    their paths from there), its output going to LOG."""
    from mypyc.build import mypycify
    from setuptools import setup

    sources = [f"followthrough/core/{name}.py" for name in compiled.COMPILED]
    setup(
        name=GROUP,
        ext_modules=mypycify(sources, opt_level="3", group_name=GROUP, target_dir=str(WORK / "c")),
        script_args=["build_ext", "--inplace", "--build-temp", str(WORK / "temp"),
                     "--parallel", str(os.cpu_count() or 1)],
    )


def build() -> bool:
    """Compile; True when it succeeded. STAMP records the sources as they were before: one
    edited during the build shows as stale."""
    stamp = compiled.stamp_text()
    WORK.mkdir(parents=True, exist_ok=True)
    with LOG.open("wb") as log:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--compile-here"],
            cwd=DESKTOP, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            check=False,
        )
    if done.returncode != 0:
        return False
    (compiled.FOLDER / compiled.STAMP).write_text(stamp, encoding="ascii")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--require", action="store_true",
                        help="fail when the planner cannot be compiled here")
    parser.add_argument("--clean", action="store_true", help="remove the compiled build")
    parser.add_argument("--compile-here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.compile_here:
        compile_here()
        return 0
    if args.clean:
        clean()
        print("native.py: removed the compiled planner; it runs from its sources")
        return 0
    if compiled.state(environ={}) == "compiled":
        print("native.py: the compiled planner is up to date")
        return 0
    clean()  # nothing half-built stays beside the sources
    lacking = missing()
    if lacking:
        print(f"native.py: not compiling the planner: {lacking}; it runs from its Python "
              "sources (slower)", file=sys.stderr)
        return 1 if args.require else 0
    print(f"native.py: compiling the planner with mypyc (output in {LOG.relative_to(ROOT)})")
    if not build():
        clean()
        tail = LOG.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        print("\n".join(tail), file=sys.stderr)
        print(f"native.py: compiling the planner failed (see {LOG}); it runs from its "
              "Python sources (slower)", file=sys.stderr)
        return 1 if args.require else 0
    state = compiled.state(environ={})
    print(f"native.py: {len(compiled.COMPILED)} modules compiled ({state})")
    return 0 if state == "compiled" or not args.require else 1


if __name__ == "__main__":
    raise SystemExit(main())
