"""The Linux package's sizes and the frozen app's cold start, against the app run from source.

Run from the repo root, after `make package` (or with --build to run it first):

    .venv/bin/python bench/package.py [--dist dist] [--runs 5] [--build]

It prints:

1. the .deb's download size, its Installed-Size (from its control file) and the size of the
   unpacked /opt/followthrough folder, and the .tar.gz's size;
2. the frozen app's start-up: the .deb unpacked with `dpkg-deb -x` into a temporary root, then
   `<root>/opt/followthrough/followthrough --exit-when-ready --data-dir <fresh folder>` with
   QT_QPA_PLATFORM=offscreen, R times (median): the wall time of the whole process (start to
   exit) and the milliseconds the app itself reports from process start to its window shown;
3. the same for `python -m followthrough --exit-when-ready` from the source tree, for scale.

Each run is a new process with a new, empty data folder; the files are in the page cache
after the first run (a "cold" start of the process, not of the disk).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


def _tree_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _control_field(deb: Path, name: str) -> str:
    return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True,
                          check=True).stdout.strip()


def start_up(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall seconds per run, and the milliseconds the app printed (ready after process start)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    env.pop("FOLLOWTHROUGH_DATA_DIR", None)
    walls: list[float] = []
    reported: list[float] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="followthrough-bench-") as data:
            started = time.perf_counter()
            result = subprocess.run(
                [*command, "--exit-when-ready", "--data-dir", data], capture_output=True,
                text=True, env=env, timeout=120, check=False,
            )
            walls.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
        reported.append(float(result.stdout.strip().splitlines()[-1]))
    return walls, reported


def _report(label: str, walls: list[float], reported: list[float]) -> None:
    print(f"{label}: median {statistics.median(walls) * 1000:.0f} ms wall, "
          f"{statistics.median(reported):.0f} ms to the window shown, over {len(walls)} runs")
    print(f"  wall runs: {', '.join(f'{w * 1000:.0f}' for w in walls)} ms")
    print(f"  ready runs: {', '.join(f'{r:.0f}' for r in reported)} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--runs", type=int, default=5, metavar="R")
    parser.add_argument("--build", action="store_true", help="run packaging/linux/build.sh first")
    args = parser.parse_args(argv)
    if args.build:
        env = {**os.environ, "PYTHON": sys.executable, "DIST_DIR": str(args.dist)}
        subprocess.run(["bash", str(ROOT / "packaging" / "linux" / "build.sh")], cwd=ROOT,
                       env=env, check=True)
    debs = sorted(args.dist.glob("followthrough_*.deb"), key=lambda p: p.stat().st_mtime)
    tarballs = sorted(args.dist.glob("followthrough-*-linux-*.tar.gz"),
                      key=lambda p: p.stat().st_mtime)
    if not debs:
        raise SystemExit(f"no followthrough_*.deb in {args.dist}: run `make package` first")
    deb = debs[-1]
    cores = os.cpu_count()
    print(f"Python {platform.python_version()} on {platform.platform()}, {cores} cores")
    print(f"{deb.name}: {_mib(deb.stat().st_size)} to download ({deb.stat().st_size} bytes)")
    installed_kib = int(_control_field(deb, "Installed-Size"))
    print(f"  Installed-Size: {installed_kib} KiB ({installed_kib / 1024:.1f} MiB)")
    if tarballs:
        tarball = tarballs[-1]
        print(f"{tarball.name}: {_mib(tarball.stat().st_size)} ({tarball.stat().st_size} bytes)")
    with tempfile.TemporaryDirectory(prefix="followthrough-root-") as root:
        subprocess.run(["dpkg-deb", "-x", str(deb), root], check=True)
        app = Path(root) / "opt" / "followthrough"
        print(f"  /opt/followthrough unpacked: {_mib(_tree_size(app))}, "
              f"of which _internal/PySide6 {_mib(_tree_size(app / '_internal' / 'PySide6'))}")
        walls, reported = start_up([str(app / "followthrough")], args.runs)
        _report("frozen app start-up", walls, reported)
    walls, reported = start_up([sys.executable, "-m", "followthrough"], args.runs)
    _report("source (python -m followthrough) start-up", walls, reported)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
