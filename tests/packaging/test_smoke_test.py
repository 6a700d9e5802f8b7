"""`followthrough --smoke-test` from the source tree: the same checks the packaged app runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from followthrough.ui.smoke import SmokeTest

CHECKS = ("resources", "planner", "platform plugins", "Qt translations", "libraries", "main window",
          "add interview", "export .ics", "editor from link")


def test_the_smoke_test_passes_from_source(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    result = subprocess.run(
        [sys.executable, "-m", "followthrough", "--smoke-test", "--data-dir", str(data)],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for check in CHECKS:
        assert any(line.startswith(f"ok   {check}: ") for line in lines), result.stdout
    assert lines[-1] == "smoke test passed"
    ics = data / "followthrough-smoke-test.ics"
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_failing_check_is_named_and_the_others_still_run(tmp_path: Path) -> None:
    lines: list[str] = []
    smoke = SmokeTest(tmp_path, lines.append)

    def broken() -> str:
        raise FileNotFoundError("qtbase_de.qm is not there")

    smoke.check("Qt translations", broken)
    smoke.check("resources", lambda: "12 templates")
    assert smoke.failed == ["Qt translations"]
    assert lines == [
        "FAIL Qt translations: FileNotFoundError: qtbase_de.qm is not there",
        "ok   resources: 12 templates",
    ]
