"""The command line and the employer's place (issue 15): `--country`, and times shown where the
user is and, when it reads otherwise, where the interview is.

The user lives in Johannesburg; the interview is on Monday 2026-11-23 from 14:00 to 15:00 in
New York (21:00 to 22:00 in Johannesburg), or in Johannesburg.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from followthrough.cli import main

NEW_YORK = ("--start", "2026-11-23T14:00", "--end", "2026-11-23T15:00", "--tz", "America/New_York")
Cli = Callable[..., tuple[str, str]]
HOME = ("--start", "2026-11-24T10:00", "--end", "2026-11-24T11:00", "--tz", "Africa/Johannesburg")


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    def invoke(*args: str, code: int = 0) -> tuple[str, str]:
        capsys.readouterr()
        assert main(["--data-dir", str(tmp_path / "data"), *args]) == code
        captured = capsys.readouterr()
        return captured.out, captured.err

    invoke("config", "set", "timezone", "Africa/Johannesburg")
    invoke("config", "set", "country", "ZA")
    return invoke


def add(cli: Cli, *extra: str) -> str:
    person = "Ana Diaz <ana@acme.example>"
    out, _err = cli("interview", "add", "--company", "Acme", "--role", "Engineer",
                    "--interviewer", person, *extra)  # fmt: skip
    return out.strip()


def test_country_is_checked_stored_and_cleared(cli: Cli) -> None:
    iv = add(cli, *NEW_YORK, "--country", "ca")
    out, _ = cli("interview", "show", iv, "--json")
    assert '"country": "CA"' in out
    assert "(America/New_York, CA)" in cli("interview", "show", iv)[0]
    _, err = cli("interview", "edit", iv, "--country", "XZ", code=1)
    assert err == "followthrough: 'XZ' is not an ISO 3166 country code (like US, GB, ZA).\n"
    cli("interview", "edit", iv, "--country", "")
    out, _ = cli("interview", "show", iv)
    assert "(America/New_York, US)" in out  # back to the time zone's country


def test_list_and_plan_show_both_zones(cli: Cli) -> None:
    far = add(cli, *NEW_YORK)
    near = add(cli, *HOME)
    listing = cli("interview", "list")[0].splitlines()
    assert listing == [
        f"{far}  Mon 23 Nov 2026, 21:00 · 14:00 New York  Acme — Engineer",
        f"{near}  Tue 24 Nov 2026, 10:00  Acme — Engineer",
    ]
    for line in cli("plan", "--interview", far)[0].splitlines():
        assert " New York  " in line, line  # "Tue 24 Nov 2026, 15:00 · 08:00 New York  planned ..."
    for line in cli("plan", "--interview", near)[0].splitlines():
        assert "·" not in line, line
