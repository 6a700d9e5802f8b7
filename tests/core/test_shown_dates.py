"""core.shown_dates: the one form a day or a time is shown in, by the core, the CLI and the
window alike ("Thu 3 Dec 2026, 09:00")."""

from __future__ import annotations

import io
import json
import locale
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followthrough.core import shown_dates
from followthrough.core.model import Activity, ActivityKind, cancelled_sentence
from followthrough.core.zones import in_both_zones

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(("shown", "expected"), [
    (shown_dates.day(date(2026, 12, 3)), "Thu 3 Dec 2026"),  # no leading zero
    (shown_dates.day(date(2026, 12, 3), year=False), "Thu 3 Dec"),
    (shown_dates.day(date(2026, 12, 3), named=False), "3 Dec 2026"),
    (shown_dates.day(date(2026, 12, 3), year=False, full=True), "Thursday 3 December"),
    (shown_dates.day(date(2026, 11, 23)), "Mon 23 Nov 2026"),
    (shown_dates.day_time(datetime(2026, 12, 3, 9, 0, tzinfo=PARIS)), "Thu 3 Dec 2026, 09:00"),
    (shown_dates.day_time(datetime(2026, 12, 3, 9, 5), year=False), "Thu 3 Dec, 09:05"),
    (shown_dates.day_time(datetime(2026, 12, 4, 0, 0)), "Fri 4 Dec 2026, 00:00"),  # midnight
    (shown_dates.day_time(datetime(2026, 12, 31, 23, 59)), "Thu 31 Dec 2026, 23:59"),
    (shown_dates.day_time(datetime(2027, 1, 1, 0, 0)), "Fri 1 Jan 2027, 00:00"),  # a new year
    (shown_dates.time_of_day(datetime(2026, 12, 3, 14, 7, 59)), "14:07"),  # 24-hour, no seconds
    (shown_dates.time_of_day(time(8, 30)), "08:30"),
    (shown_dates.weekday(date(2026, 12, 5), full=True), "Saturday"),
], ids=lambda value: str(value))
def test_the_one_form(shown: str, expected: str) -> None:
    assert shown == expected


def test_a_moment_is_shown_on_its_own_day_in_its_own_zone() -> None:
    late = datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert shown_dates.day_time(late.astimezone(PARIS)) == "Fri 1 Jan 2027, 00:30"
    assert in_both_zones(late, PARIS, "America/New_York", shown_dates.day_time) == (
        "Fri 1 Jan 2027, 00:30 · Thu 18:30 New York"
    )
    assert in_both_zones(late, PARIS, "Europe/Paris") == "00:30"


@pytest.fixture
def other_lc_time() -> Iterator[str]:
    """LC_TIME set to a locale whose names are not English's, if this system has one."""
    before = locale.setlocale(locale.LC_TIME)
    for name in ("de_DE.UTF-8", "fr_FR.UTF-8", "es_ES.UTF-8", "de_DE", "fr_FR", "nl_NL.UTF-8"):
        try:
            locale.setlocale(locale.LC_TIME, name)
        except locale.Error:
            continue
        try:
            yield name
        finally:
            locale.setlocale(locale.LC_TIME, before)
        return
    pytest.skip("no locale besides C/POSIX is installed")


def test_names_do_not_follow_lc_time(other_lc_time: str) -> None:
    moment = datetime(2026, 3, 5, 9, 0)
    assert moment.strftime("%a %b") != "Thu Mar", other_lc_time  # the locale is in effect
    assert shown_dates.day_time(moment) == "Thu 5 Mar 2026, 09:00"


def test_the_cli_plan_and_the_window_say_a_time_alike(tmp_path: Path) -> None:
    """`plan` prints a step's start as the detail panel and the planner's sentences show it,
    and the CLI's cancelled interview reads as the detail panel's status."""
    from followthrough.cli import main
    from followthrough.core.settings import Settings
    from followthrough.core.timing import shown_at
    from followthrough.core.workdays import WorkCalendar
    from followthrough.ui.calendar.events import CalendarEvent, EventStatus
    from followthrough.ui.detail_panel import _when_text

    def cli(*args: str) -> str:
        out = io.StringIO()
        with redirect_stdout(out):
            assert main(["--data-dir", str(tmp_path / "data"), *args]) == 0
        return out.getvalue()

    cli("config", "set", "timezone", "Europe/Paris")
    iv = cli("interview", "add", "--company", "Acme", "--role", "Engineer",
             "--interviewer", "Ana Diaz <ana@acme.example>", "--start", "2026-11-23T14:00",
             "--end", "2026-11-23T15:00", "--tz", "Europe/Paris").strip()  # fmt: skip
    first_line = cli("plan", "--interview", iv).splitlines()[0]
    row = json.loads(cli("plan", "--json", "--interview", iv))[0]
    start = datetime.fromisoformat(row["start"]).astimezone(PARIS)
    end = datetime.fromisoformat(row["end"]).astimezone(PARIS)
    shown = shown_dates.day_time(start)
    assert first_line.startswith(f"{shown}  planned"), first_line
    paris = WorkCalendar(Settings(timezone="Europe/Paris"))
    assert shown_at(start, paris) == shown  # as the planner's sentences say it
    event = CalendarEvent("step", row["id"], iv, row["title"], "Acme", "Engineer", row["kind"],
                          row["channel"], start, end, EventStatus.PLANNED)  # fmt: skip
    assert _when_text(event) == f"{shown}–{shown_dates.time_of_day(end)}"
    cancelled = Activity(ActivityKind.CANCELLED, datetime(2026, 12, 2, 9, 0, tzinfo=PARIS))
    assert cancelled_sentence(cancelled, PARIS) == "Cancelled by the employer on Wed 2 Dec 2026."
