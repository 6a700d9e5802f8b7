"""The list, the agenda and the Today list show a step's time in the user's zone and, when it
reads otherwise, where the interview is (issue 15): "Tue 24 Nov 2026 15:05 · 10:05 New York"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from calendar_data import make_cache

from followthrough.core.model import Interview, Interviewer
from followthrough.store import Store, open_store
from followthrough.ui.calendar.day_models import AgendaModel
from followthrough.ui.calendar.plan_list import PlanModel

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened, _ = open_store(tmp_path / "data")
    opened.set_setting("timezone", "Europe/London")
    opened.set_setting("country", "GB")
    yield opened
    opened.close()


def _add(store: Store, tz: str, company: str) -> Interview:
    start = datetime(2026, 11, 23, 11, 0, tzinfo=ZoneInfo(tz))
    return store.add_interview(Interview(
        id="", company=company, role="Engineer",
        interviewers=(Interviewer(name="Ana Diaz", email="ana@acme.example"),),
        start=start, end=start + timedelta(hours=1), tz=tz,
    ))  # fmt: skip


BOTH = re.compile(r"^\d\d:\d\d · \d\d:\d\d New York$")


def test_list_and_agenda_show_the_interviews_time_too(store: Store, qapp: object) -> None:
    there = _add(store, "America/New_York", "Acme")
    here = _add(store, "Europe/London", "Globex")
    model = PlanModel()
    model.set_plan(store.interviews(), [s.step for s in store.steps()], LONDON, date(2026, 11, 23))
    whens = {
        model.step_at(row).interview_id: model.index(row, 0).data()
        for row in range(model.rowCount())
    }
    shown = r"\w{3} \d{1,2} \w{3} 2026, \d\d:\d\d"
    assert re.fullmatch(shown + r" · \d\d:\d\d New York", whens[there.id])
    assert re.fullmatch(shown, whens[here.id])

    agenda = AgendaModel(make_cache(store))
    agenda.set_range(date(2026, 11, 23), date(2026, 12, 31))
    times: dict[str, list[str]] = {"Acme": [], "Globex": []}
    for day_row in range(agenda.rowCount()):
        day = agenda.index(day_row, 0)
        for row in range(agenda.rowCount(day)):
            company = agenda.index(row, AgendaModel.COMPANY, day).data()
            times[company].append(agenda.index(row, AgendaModel.TIME, day).data())
    assert times["Acme"] and all(BOTH.match(text) for text in times["Acme"]), times
    assert times["Globex"] and all(re.fullmatch(r"\d\d:\d\d", t) for t in times["Globex"]), times
