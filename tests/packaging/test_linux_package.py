"""The Linux package: build the .deb and .tar.gz, unpack the .deb, check it, run the frozen app.

Slow (PyInstaller, then xz): `make test-packaging` runs it, `make test` does not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_SH = ROOT / "packaging" / "linux" / "build.sh"
APP_ID = "io.followthrough.Followthrough"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(
        not sys.platform.startswith("linux") or shutil.which("dpkg-deb") is None,
        reason="the .deb is built with dpkg-deb: only on Debian or Ubuntu",
    ),
]


@dataclass(frozen=True)
class Built:
    deb: Path
    tarball: Path
    root: Path  # the .deb unpacked with dpkg-deb -x
    log: str

    @property
    def app(self) -> Path:
        return self.root / "opt" / "followthrough"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """Runs build.sh into a fresh folder, or takes FOLLOWTHROUGH_PACKAGE_DIST's packages.

    FOLLOWTHROUGH_PACKAGE_DIST=dist tests what `make package` just built, without building
    again (the GitHub workflow does this).
    """
    prebuilt = os.environ.get("FOLLOWTHROUGH_PACKAGE_DIST")
    if prebuilt:
        dist, log = Path(prebuilt).resolve(), ""
    else:
        dist = tmp_path_factory.mktemp("dist")
        env = {**os.environ, "PYTHON": sys.executable, "DIST_DIR": str(dist)}
        result = subprocess.run(
            ["bash", str(BUILD_SH)], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=40 * 60, check=False, stdin=subprocess.DEVNULL,
        )
        log = result.stdout + result.stderr
        assert result.returncode == 0, log[-6000:]
    debs = sorted(dist.glob("followthrough_*.deb"))
    tarballs = sorted(dist.glob("followthrough-*-linux-*.tar.gz"))
    assert len(debs) == 1 and len(tarballs) == 1, sorted(p.name for p in dist.iterdir())
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(root)], check=True)
    yield Built(debs[0], tarballs[0], root, log)


def _control(deb: Path) -> dict[str, str]:
    text = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True,
                          check=True).stdout
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line[0].isspace() and ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    return fields


def test_the_desktop_entry_validates(built: Built) -> None:
    entry = built.root / "usr" / "share" / "applications" / f"{APP_ID}.desktop"
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.fail("desktop-file-validate is missing: build.sh (or .ci/run) installs "
                    "desktop-file-utils; install it by hand when not root")
    result = subprocess.run([validator, str(entry)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    text = entry.read_text(encoding="utf-8")
    assert "Exec=followthrough %u" in text
    assert "MimeType=text/calendar;x-scheme-handler/followthrough;" in text
    assert "Categories=Office;Calendar;" in text
    assert f"Icon={APP_ID}" in text


def test_the_metainfo_validates(built: Built) -> None:
    metainfo = built.root / "usr" / "share" / "metainfo" / f"{APP_ID}.metainfo.xml"
    assert metainfo.is_file()
    text = metainfo.read_text(encoding="utf-8")
    assert "@VERSION@" not in text and "@DATE@" not in text
    appstreamcli = shutil.which("appstreamcli")
    if appstreamcli is None:
        pytest.skip("appstreamcli is missing (Debian: appstream)")
    result = subprocess.run([appstreamcli, "validate", "--no-net", str(metainfo)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_installs_the_launcher_icons_and_the_bundle(built: Built) -> None:
    launcher = built.root / "usr" / "bin" / "followthrough"
    assert launcher.is_file() and os.access(launcher, os.X_OK)
    assert "/opt/followthrough/followthrough" in launcher.read_text(encoding="utf-8")
    icons = built.root / "usr" / "share" / "icons" / "hicolor"
    for size in ICON_SIZES:
        png = icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
    assert (icons / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    app = built.app
    assert os.access(app / "followthrough", os.X_OK)
    resources = app / "_internal" / "followthrough" / "resources"
    assert sorted(p.name for p in (resources / "templates").glob("*.txt"))
    assert sorted(p.name for p in (resources / "playbooks").glob("*.toml"))
    assert (resources / "icons" / "followthrough.svg").is_file()
    qt = app / "_internal" / "PySide6" / "Qt"
    assert len(list((qt / "translations").glob("qtbase_*.qm"))) > 10
    platforms = {p.name for p in (qt / "plugins" / "platforms").iterdir()}
    assert {"libqxcb.so", "libqwayland.so", "libqoffscreen.so"} <= platforms


def test_the_bundle_leaves_out_unused_qt_and_system_libraries(built: Built) -> None:
    internal = built.app / "_internal"
    names = {p.name for p in internal.rglob("*")}
    for unused in ("libQt6Qml.so.6", "libQt6Quick.so.6", "libQt6Pdf.so.6", "QtQml.abi3.so",
                   "libQt6WebEngineCore.so.6", "libqeglfs.so", "libqgtk3.so"):
        assert unused not in names, unused
    # The system's libraries come from Depends, not from the bundle.
    for system in ("libglib-2.0.so.0", "libfontconfig.so.1", "libX11.so.6", "libdbus-1.so.3"):
        assert system not in names, system


def test_depends_names_the_system_libraries(built: Built) -> None:
    control = _control(built.deb)
    assert control["Package"] == "followthrough"
    assert int(control["Installed-Size"]) > 10_000
    depends = {item.split()[0] for item in control["Depends"].split(",")}
    # Newer Debian renamed some of them (libglib2.0-0t64).
    depends |= {name.removesuffix("t64") for name in depends}
    for needed in ("libc6", "libgl1", "libegl1", "libfontconfig1", "libxkbcommon0",
                   "libglib2.0-0", "libdbus-1-3", "libxcb-cursor0", "libxkbcommon-x11-0"):
        assert needed in depends, (needed, control["Depends"])
    scripts = subprocess.run(["dpkg-deb", "-I", str(built.deb)], capture_output=True,
                             text=True, check=True).stdout
    assert "postinst" in scripts and "postrm" in scripts


def test_the_tarball_holds_the_same_folder(built: Built) -> None:
    with tarfile.open(built.tarball) as archive:
        names = set(archive.getnames())
    assert "followthrough/followthrough" in names
    assert f"followthrough/share/applications/{APP_ID}.desktop" in names
    assert "followthrough/_internal/followthrough/resources/playbooks/standard.toml" in names


def test_the_frozen_app_passes_its_smoke_test(built: Built, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    env.pop("FOLLOWTHROUGH_DATA_DIR", None)
    result = subprocess.run(
        [str(built.app / "followthrough"), "--smoke-test", "--data-dir", str(data)],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "frozen app" in result.stdout
    for check in ("resources", "platform plugins", "Qt translations", "main window",
                  "add interview", "export .ics", "editor from link"):
        assert f"ok   {check}:" in result.stdout, output
    assert "ok   planner: compiled (mypyc)" in result.stdout, output  # as build.sh made it
    assert (data / "followthrough-smoke-test.ics").is_file()


def test_the_frozen_command_line_works(built: Built, tmp_path: Path) -> None:
    env = {**os.environ, "FOLLOWTHROUGH_DATA_DIR": str(tmp_path / "data")}
    app = str(built.app / "followthrough")
    version = subprocess.run([app, "--version"], capture_output=True, text=True, env=env,
                             timeout=60, check=True)
    assert version.stdout.startswith("followthrough ")
    listing = subprocess.run([app, "interview", "list"], capture_output=True, text=True,
                             env=env, timeout=60, check=False)
    assert listing.returncode == 0, listing.stdout + listing.stderr


def test_the_frozen_app_opens_its_window_on_x11(built: Built, tmp_path: Path) -> None:
    """On a real X server (Xvfb): the xcb plugin loads with the libraries Depends names."""
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        pytest.skip("xvfb-run is missing (Debian: xvfb, xauth); .ci/run installs them")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "QT_DEBUG_PLUGINS": "1",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    result = subprocess.run(
        [xvfb_run, "-a", str(built.app / "followthrough"), "--exit-when-ready",
         "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    assert "libqxcb.so\" loaded library" in result.stderr
    assert float(result.stdout.strip().splitlines()[-1]) > 0
