"""Store.plan_lines and Store.interview_zones: what a listing shows, read by SQLite, the same as
the decoded steps and interviews say; a damaged row is the store's one sentence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followthrough.core.model import Activity, ActivityKind, Interview, Interviewer, Outcome
from followthrough.store import Store, open_store
from followthrough.store.backups import StoreDamaged

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """Two interviews in two zones, the second rejected (its planned steps are cancelled)."""
    opened, _ = open_store(tmp_path / "data")
    opened.set_setting("timezone", "Europe/Paris")
    for day, (company, tz) in enumerate((("Acme", "Asia/Tokyo"), ("Globex", "Europe/Paris"))):
        start = datetime(2026, 11, 23 + day, 10, 0, tzinfo=ZoneInfo(tz))
        added = opened.add_interview(
            Interview(
                id="",
                company=company,
                role="Engineer",
                interviewers=(Interviewer(name="Ana Diaz", email="ana@acme.example"),),
                start=start,
                end=start + timedelta(hours=1),
                tz=tz,
            ).validated()
        )
    at = datetime(2026, 11, 26, 9, 0, tzinfo=TOKYO)
    opened.record(added.id, Activity(ActivityKind.OUTCOME, at, outcome=Outcome.REJECTED))
    try:
        yield opened
    finally:
        opened.close()


@pytest.mark.parametrize("cancelled", [True, False])
def test_plan_lines_say_what_the_decoded_steps_say(store: Store, cancelled: bool) -> None:
    steps = [s.step for s in store.steps(cancelled=cancelled)]
    assert any(s.step.status.value == "cancelled" for s in store.steps()) and steps
    lines = store.plan_lines(cancelled=cancelled)
    assert [(x.id, x.interview_id, x.status, x.start, x.channel, x.title) for x in lines] == [
        (s.id, s.interview_id, s.status, s.start.astimezone(UTC), s.channel, s.title) for s in steps
    ]
    one = steps[0].interview_id
    assert [x.id for x in store.plan_lines(one, cancelled=cancelled)] == [
        s.step.id for s in store.steps(one, cancelled=cancelled)
    ]


def test_interview_zones_are_the_interviews_zones(store: Store) -> None:
    assert store.interview_zones() == {iv.id: iv.tz for iv in store.interviews()}


def test_a_damaged_step_is_one_sentence(store: Store) -> None:
    store.conn.execute("UPDATE steps SET data = json_set(data, '$.channel', 'pigeon')")
    with pytest.raises(StoreDamaged, match="holds a follow-up that cannot be read"):
        store.plan_lines()
