"""Each day of a range with its steps, bounded (store/days.py): the counts and first rows of
every day, read in one statement (the window reads them on its thread while a sync or an
export runs beside it, and each row read one by one waited for a turn of that work)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followthrough.core.model import (
    Activity,
    ActivityKind,
    Interview,
    Interviewer,
    StepStatus,
    local_datetime,
)
from followthrough.store import Store, open_store, utc_text
from followthrough.store.days import first_steps_of_days

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened, _ = open_store(tmp_path / "data")
    opened.set_setting("timezone", "Europe/Paris")
    for n in range(12):
        end = datetime(2026, 11, 2, 10, 0, tzinfo=PARIS) + timedelta(hours=7 * n)
        added = opened.add_interview(Interview(
            id="", company=f"Company {n}", role="Engineer",
            interviewers=(Interviewer(name="Ana Diaz", email=f"ana@c{n}.example"),),
            start=end - timedelta(hours=1), end=end, tz="Europe/Paris",
        ))  # fmt: skip
        if n % 3 == 0:  # a reply cancels its chasers: some days hold cancelled steps
            opened.record(added.id, Activity(ActivityKind.REPLY, end + timedelta(days=2)))
    yield opened
    opened.close()


def _expected(store: Store, bounds: list[str], limit: int, cancelled: bool) -> list[object]:
    rows = store.step_index()
    out = []
    for low, high in pairwise(bounds):
        day = [r for r in rows if low <= r[5] < high
               and (cancelled or r[4] != StepStatus.CANCELLED.value)]
        out.append((len(day), day[:limit]))
    return out


@pytest.mark.parametrize("limit", [1, 3, 16])
@pytest.mark.parametrize("cancelled", [False, True])
def test_every_day_counted_and_its_first_rows_in_one_statement(
    store: Store, limit: int, cancelled: bool
) -> None:
    bounds = [utc_text(local_datetime(date(2026, 10, 30) + timedelta(days=d), 0, 0, PARIS))
              for d in range(43)]
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        found = first_steps_of_days(store, bounds, limit, cancelled=cancelled)
    finally:
        store.conn.set_trace_callback(None)
    assert len(statements) == 1
    assert found == _expected(store, bounds, limit, cancelled)
    assert any(total > limit for total, _rows in found) or limit == 16
    assert any(total for total, _rows in found) and any(not total for total, _rows in found)
    assert first_steps_of_days(store, bounds[:1], limit) == []
