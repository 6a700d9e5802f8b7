"""An interview elsewhere is shown in the user's zone and, when it reads differently, in the
interview's own: "19:00–20:00 · 14:00 New York"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from calendar_data import make_cache

from followthrough.core.model import Interview, Interviewer
from followthrough.store import Store, open_store
from followthrough.ui.calendar.events import INTERVIEW_KIND


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened, _ = open_store(tmp_path / "data")
    opened.set_setting("timezone", "Europe/London")
    yield opened
    opened.close()


def _add(store: Store, tz: str, company: str) -> Interview:
    start = datetime(2026, 11, 23, 14, 0, tzinfo=ZoneInfo(tz))
    return store.add_interview(Interview(
        id="", company=company, role="Engineer", interviewers=(Interviewer(name="Ana Diaz"),),
        start=start, end=start + timedelta(hours=1), tz=tz,
    ))


def test_an_interview_in_new_york_shows_both_times(store: Store, qapp: object) -> None:
    from followthrough.ui.detail_panel import DetailPanel

    there = _add(store, "America/New_York", "Acme")
    here = _add(store, "Europe/London", "Globex")
    cache = make_cache(store)
    far = cache.event(INTERVIEW_KIND, there.id)
    assert far.start.strftime("%H:%M") == "19:00"  # the user's evening
    assert far.time_there() == "14:00 New York"
    assert "19:00–20:00 · 14:00 New York" in far.tooltip()
    near = cache.event(INTERVIEW_KIND, here.id)
    assert near.time_there() == "" and "·  ·" not in near.tooltip()
    panel = DetailPanel(cache)
    panel.show_item(INTERVIEW_KIND, there.id)
    assert "19:00–20:00 · 14:00 New York" in panel.fields["when"].text()
    panel.show_item(INTERVIEW_KIND, here.id)
    assert panel.fields["when"].text().endswith("14:00–15:00")
