"""The planner compiled with mypyc (packaging/native.py): used only when whole and built from
the sources beside it, and planning exactly as its sources do."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from followthrough.core import compiled

ROOT = Path(__file__).resolve().parents[2]
SUFFIX = EXTENSION_SUFFIXES[0]


def _package(folder: Path, *, built: tuple[str, ...] = compiled.COMPILED) -> Path:
    """A folder of fake planner sources (two below the import path, as followthrough/core),
    with empty 'compiled' files for `built`, their library, and the stamp of the sources."""
    folder = folder / "followthrough" / "core"
    folder.mkdir(parents=True)
    (folder.parent.parent / f"{compiled.LIBRARY}__mypyc{SUFFIX}").write_bytes(b"")
    for name in compiled.COMPILED:
        (folder / f"{name}.py").write_text(f"NAME = {name!r}\n")
    for name in built:
        (folder / f"{name}{SUFFIX}").write_bytes(b"")
    (folder / compiled.STAMP).write_text(compiled.stamp_text(folder), encoding="ascii")
    return folder


def test_a_build_of_the_sources_beside_it_is_used(tmp_path: Path) -> None:
    assert compiled.state(_package(tmp_path / "p"), environ={}) == "compiled"


def test_without_a_build_the_sources_run(tmp_path: Path) -> None:
    folder = _package(tmp_path / "p", built=())
    assert compiled.state(folder, environ={}) == "sources"
    assert compiled.state(folder, environ={compiled.PURE_PYTHON: "1"}) == "sources"


@pytest.mark.parametrize("name", compiled.COMPILED)
def test_an_edited_source_makes_the_build_stale(tmp_path: Path, name: str) -> None:
    folder = _package(tmp_path / "p")
    with (folder / f"{name}.py").open("a") as source:
        source.write("# edited\n")
    assert compiled.state(folder, environ={}) == "stale"


def test_a_build_without_its_library_is_stale(tmp_path: Path) -> None:
    folder = _package(tmp_path / "p")
    (folder.parent.parent / f"{compiled.LIBRARY}__mypyc{SUFFIX}").unlink()
    assert compiled.state(folder, environ={}) == "stale"


def test_a_build_missing_a_module_or_its_stamp_is_stale(tmp_path: Path) -> None:
    assert compiled.state(_package(tmp_path / "a", built=compiled.COMPILED[1:]),
                          environ={}) == "stale"  # fmt: skip
    folder = _package(tmp_path / "b")
    (folder / compiled.STAMP).unlink()
    assert compiled.state(folder, environ={}) == "stale"
    (folder / compiled.STAMP).write_bytes(b"\xff\xfe not ascii")
    assert compiled.state(folder, environ={}) == "stale"


def test_the_sources_can_be_chosen_and_a_frozen_app_uses_its_build(tmp_path: Path) -> None:
    folder = _package(tmp_path / "p")
    assert compiled.state(folder, environ={compiled.PURE_PYTHON: "1"}) == "chosen"
    assert compiled.state(folder, environ={compiled.PURE_PYTHON: "0"}) == "compiled"
    for name in compiled.COMPILED:  # what PyInstaller ships: the extension modules alone
        (folder / f"{name}.py").unlink()
    (folder / compiled.STAMP).unlink()
    assert compiled.state(folder, environ={}) == "compiled"


# -- the real build -----------------------------------------------------------------------


def _need_build() -> None:
    """The tests below run on the build `make test` makes first. A machine that cannot
    compile (no C compiler, headers or mypyc: packaging/native.py says which) skips them; so
    does a plain pytest run after a planner source was edited, but never CI (CI=true)."""
    if compiled.state(environ={}) == "compiled":
        return
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        from native import missing  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    lacking = missing()
    if lacking:
        pytest.skip(f"the planner cannot be compiled here: {lacking}")
    message = "no fresh compiled planner: run `make native` (make test does it first)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


PROBE = """
import sys
from followthrough.core import compiled
import followthrough.core.cadence
print(compiled.state())
for name in compiled.COMPILED:
    module = __import__(f"followthrough.core.{name}", fromlist=["_"])
    print(name, module.__file__.rsplit(".", 1)[-1])
"""


def _probe(desktop: Path, **env: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(desktop), **env},
    )
    return done.stdout.splitlines()


def test_a_stale_build_gives_way_to_every_source(tmp_path: Path) -> None:
    _need_build()
    desktop = tmp_path / "desktop"
    shutil.copytree(ROOT / "desktop", desktop,
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    env = {compiled.PURE_PYTHON: "0"}
    assert _probe(desktop, **env) == ["compiled", *(f"{n} so" for n in compiled.COMPILED)]
    assert _probe(desktop, **{compiled.PURE_PYTHON: "1"}) == [
        "chosen", *(f"{n} py" for n in compiled.COMPILED)
    ]
    spacing = desktop / "followthrough" / "core" / "spacing.py"
    spacing.write_text(spacing.read_text() + "\nEDITED = True\n")
    # One edited module: none of the compiled ones runs (they call each other directly).
    assert _probe(desktop, **env) == ["stale", *(f"{n} py" for n in compiled.COMPILED)]


PLANS = """
import dataclasses, hashlib, random, sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from plan import activities_for, bench_store, make_interview
from followthrough.core import compiled
from followthrough.core.cadence import plan
from followthrough.core.workdays import WorkCalendar
with tempfile.TemporaryDirectory() as folder:
    store = bench_store(Path(folder))  # the bench's user and the built-in playbooks
    settings = store.settings()
    rng = random.Random(7)
    names = ["", *sorted(store.library.playbooks)]
    calendar = WorkCalendar(settings)
    digest = hashlib.sha256()
    count = 0
    for n in range(300):
        interview = dataclasses.replace(make_interview(rng, n, names), id=f"iv{n}")
        book = store.playbook_for(interview)
        keys = [step.key for step in plan(interview, [], settings, book, calendar)]
        steps = plan(interview, activities_for(rng, interview, keys), settings, book, calendar)
        count += len(steps)
        digest.update(repr(steps).encode())
    store.close()
print(compiled.running())
print(count, digest.hexdigest())
"""


def test_the_compiled_planner_plans_as_its_sources_do() -> None:
    _need_build()
    answers = []
    for pure in ("0", "1"):
        done = subprocess.run(
            [sys.executable, "-c", PLANS, str(ROOT / "bench")], capture_output=True, text=True,
            check=True, timeout=300,
            env={**os.environ, "PYTHONPATH": str(ROOT / "desktop"), compiled.PURE_PYTHON: pure},
        )
        answers.append(done.stdout.splitlines())
    (engine_c, plans_c), (engine_py, plans_py) = answers
    assert engine_c == "compiled (mypyc)"
    assert engine_py == f"Python sources ({compiled.PURE_PYTHON}=1)"
    assert int(plans_c.split()[0]) > 1500  # the 300 interviews' steps
    assert plans_c == plans_py
