"""The packaging recipes this machine cannot run whole: checked by reading them.

Windows (Inno Setup), macOS (Info.plist), the GitHub workflow, the Linux desktop entry and
metainfo, and the icon containers. Fast: part of `make test`. The build itself is tested by
test_linux_package.py (`make test-packaging`) and, on Windows and macOS, by the workflow.
"""

from __future__ import annotations

import configparser
import plistlib
import re
import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
APP_ID = "io.followthrough.Followthrough"


# -- macOS ------------------------------------------------------------------------------------


def test_the_macos_info_plist_declares_the_link_scheme_and_ics_files() -> None:
    with open(PACKAGING / "macos" / "Info.plist", "rb") as handle:
        info = plistlib.load(handle)
    schemes = [s for url in info["CFBundleURLTypes"] for s in url["CFBundleURLSchemes"]]
    assert schemes == ["followthrough"]
    (ics,) = info["CFBundleDocumentTypes"]
    assert ics["CFBundleTypeExtensions"] == ["ics"]
    assert ics["CFBundleTypeMIMETypes"] == ["text/calendar"]
    assert "com.apple.ical.ics" in ics["LSItemContentTypes"]
    # An alternative for .ics, never taking over from Calendar.
    assert ics["LSHandlerRank"] == "Alternate"
    assert info["NSHighResolutionCapable"] is True


def test_the_spec_builds_a_macos_bundle_from_that_plist() -> None:
    spec = (PACKAGING / "followthrough.spec").read_text(encoding="utf-8")
    assert "BUNDLE(" in spec and '"macos" / "Info.plist"' in spec
    assert f'APP_ID = "{APP_ID}"' in spec
    compile(spec, "followthrough.spec", "exec")


# -- Windows ----------------------------------------------------------------------------------


def _iss_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    script = PACKAGING / "windows" / "followthrough.iss"
    for raw in script.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#")):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = header.group(1)
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    return sections


def _iss_entry(line: str) -> dict[str, str]:
    """`Root: HKCU; Subkey: "..."; ...` as a dict (values unquoted, "" -> ")."""
    fields: dict[str, str] = {}
    for part in re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line):
        key, value = part
        value = value.strip()
        if value.startswith('"') and value.endswith('"'):
            value = value[1:-1].replace('""', '"')
        fields[key] = value
    return fields


def test_the_windows_installer_is_per_user_with_a_start_menu_entry() -> None:
    sections = _iss_sections()
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    assert setup["PrivilegesRequired"] == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in setup
    assert setup["DefaultDirName"].startswith("{autopf}")
    assert setup["ChangesAssociations"] == "yes"
    icons = [_iss_entry(line) for line in sections["Icons"]]
    assert any(i["Name"].startswith("{autoprograms}") and i["Filename"] == "{app}\\{#AppExe}"
               for i in icons)
    files = [_iss_entry(line) for line in sections["Files"]]
    assert any("recursesubdirs" in f["Flags"] for f in files)


def test_the_windows_installer_registers_links_and_ics_under_hkcu_only() -> None:
    entries = [_iss_entry(line) for line in _iss_sections()["Registry"]]
    assert entries and all(e["Root"] == "HKCU" for e in entries)
    assert all(e["Subkey"].startswith("Software\\Classes\\") for e in entries)
    by_key: dict[str, list[dict[str, str]]] = {}
    for entry in entries:
        by_key.setdefault(entry["Subkey"], []).append(entry)
    protocol = by_key["Software\\Classes\\followthrough"]
    assert any(e["ValueName"] == "URL Protocol" for e in protocol)
    command = by_key["Software\\Classes\\followthrough\\shell\\open\\command"][0]
    assert command["ValueData"] == '"{app}\\{#AppExe}" "%1"'
    progid = by_key["Software\\Classes\\{#ProgId}\\shell\\open\\command"][0]
    assert progid["ValueData"] == '"{app}\\{#AppExe}" "%1"'
    (open_with,) = by_key["Software\\Classes\\.ics\\OpenWithProgids"]
    assert open_with["ValueName"] == "{#ProgId}"
    # The user's own .ics default (the key's default value) is never written.
    assert not any(e["Subkey"] == "Software\\Classes\\.ics" for e in entries)


def test_the_windows_uninstaller_removes_every_key_it_made() -> None:
    entries = [_iss_entry(line) for line in _iss_sections()["Registry"]]
    deleted_keys = {e["Subkey"] for e in entries if "uninsdeletekey" in e.get("Flags", "")}
    for entry in entries:
        key = entry["Subkey"]
        removed_with_key = any(key == k or key.startswith(k + "\\") for k in deleted_keys)
        removed_value = "uninsdeletevalue" in entry.get("Flags", "")
        assert removed_with_key or removed_value, f"{key} stays after uninstall"
    # The shared .ics key itself is never deleted, only our value in it.
    assert "Software\\Classes\\.ics" not in deleted_keys
    assert "Software\\Classes\\.ics\\OpenWithProgids" not in deleted_keys
    assert any("{app}" in line for line in _iss_sections()["UninstallDelete"])


# -- the GitHub workflow ----------------------------------------------------------------------


def test_the_workflow_builds_on_each_system_and_keeps_the_packages() -> None:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "package.yml").read_text())
    jobs = workflow["jobs"]
    assert set(jobs) == {"linux", "windows", "macos"}
    for name, runner in (("linux", "ubuntu"), ("windows", "windows"), ("macos", "macos")):
        job = jobs[name]
        assert job["runs-on"].startswith(runner)
        steps = job["steps"]
        uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
        assert uploads and uploads[0]["with"]["if-no-files-found"] == "error"
        assert any("--smoke-test" in str(s.get("run", "")) or "test-packaging" in str(
            s.get("run", "")) for s in steps), name
    assert "followthrough.iss" in str(jobs["windows"]["steps"])
    assert "hdiutil" in str(jobs["macos"]["steps"])


# -- Linux ------------------------------------------------------------------------------------


def test_the_desktop_entry_opens_links_and_ics_files() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment, method-assign]
    entry.read(PACKAGING / "linux" / f"{APP_ID}.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"] == "followthrough %u"
    assert desktop["MimeType"] == "text/calendar;x-scheme-handler/followthrough;"
    assert desktop["Categories"] == "Office;Calendar;"
    assert desktop["Icon"] == APP_ID


def test_the_metainfo_names_the_desktop_entry() -> None:
    component = ET.parse(PACKAGING / "linux" / f"{APP_ID}.metainfo.xml").getroot()
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == f"{APP_ID}.desktop"
    assert component.findtext("provides/binary") == "followthrough"


def test_the_debian_scripts_refresh_the_menu_and_icons() -> None:
    for name in ("postinst", "postrm"):
        text = (PACKAGING / "linux" / name).read_text(encoding="utf-8")
        assert text.startswith("#!/bin/sh")
        assert "update-desktop-database" in text and "gtk-update-icon-cache" in text
    launcher = (PACKAGING / "linux" / "followthrough.sh").read_text(encoding="utf-8")
    assert 'exec /opt/followthrough/followthrough "$@"' in launcher


# -- the icon ---------------------------------------------------------------------------------


def test_the_icon_renders_into_every_container(tmp_path: Path, qapp: object) -> None:
    sys.path.insert(0, str(PACKAGING))
    try:
        import render_icons
    finally:
        sys.path.remove(str(PACKAGING))
    assert render_icons.main([str(tmp_path)]) == 0
    for size in render_icons.HICOLOR_SIZES:
        png = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (size, size)
    ico = (tmp_path / f"{APP_ID}.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, len(render_icons.ICO_SIZES))
    icns = (tmp_path / f"{APP_ID}.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
