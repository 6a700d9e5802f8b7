"""followthrough.resources: finding resources in a checkout and in the built wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import followthrough
from followthrough import resources
from followthrough.resources import resource_path, resources_dir

REPO = Path(__file__).resolve().parents[1]
REPO_RESOURCES = REPO / "resources"


def _relative_files(root: Path) -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_dev_install_imports_from_the_checkout() -> None:
    assert Path(followthrough.__file__).resolve().parent == REPO / "desktop" / "followthrough"
    assert followthrough.__version__ == "0.1.0"


def test_resources_dir_finds_repo_resources_in_dev_install() -> None:
    assert resources_dir().resolve() == REPO_RESOURCES
    assert resource_path("README.md").is_file()
    assert resource_path("a", "b.toml") == REPO_RESOURCES / "a" / "b.toml"


def test_missing_resources_names_every_place_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    places = [tmp_path / "one" / "resources", tmp_path / "two" / "resources"]
    monkeypatch.setattr(resources, "_candidates", lambda: places)
    with pytest.raises(FileNotFoundError) as excinfo:
        resources_dir()
    for place in places:
        assert str(place) in str(excinfo.value)


def test_pyinstaller_bundle_is_looked_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert tmp_path / "followthrough" / "resources" in resources._candidates()


def _run(
    *args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(arg) for arg in args], capture_output=True, text=True, check=False, env=env, cwd=cwd
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
def test_wheel_ships_resources_inside_the_package(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    site = tmp_path / "site"
    _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--disable-pip-version-check", "-w", wheel_dir, REPO,
    )  # fmt: skip
    (wheel,) = wheel_dir.glob("followthrough-*.whl")

    with zipfile.ZipFile(wheel) as archive:
        (record_name,) = (n for n in archive.namelist() if n.endswith(".dist-info/RECORD"))
        recorded = {line.split(",")[0] for line in archive.read(record_name).decode().splitlines()}
    assert "followthrough/resources/README.md" in recorded

    _run(
        sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check",
        "--target", site, wheel,
    )  # fmt: skip

    # -S: no site-packages, so the editable install of the checkout is out of reach.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(site)
    code = (
        "import followthrough, followthrough.resources as r; "
        "print(followthrough.__file__); print(followthrough.__version__); "
        "print(r.resources_dir())"
    )
    out = _run(sys.executable, "-S", "-c", code, env=env, cwd=tmp_path).stdout.splitlines()
    package_file, version, found = Path(out[0]), out[1], Path(out[2])

    assert package_file.resolve().is_relative_to(site.resolve())
    assert version == "0.1.0"
    assert found.resolve().is_relative_to(site.resolve())
    assert found.resolve() == (site / "followthrough" / "resources").resolve()

    expected = _relative_files(REPO_RESOURCES)
    assert "README.md" in expected
    missing = sorted(rel for rel in expected if not (found / rel).is_file())
    assert not missing, f"resources missing from the wheel: {missing}"
