"""Applications and rounds in the store: which application a new interview joins, the next
round a reply announces (one change for Undo), stores from before applications, and
interviews from elsewhere that name none.

The user lives in Johannesburg with South African holidays; the first round ends on Monday
2026-11-23 at 15:00.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from old_store import downgrade

from followthrough.core.actions import NEXT_ROUND
from followthrough.core.model import (
    Activity,
    ActivityKind,
    Interview,
    Interviewer,
    StepStatus,
    ValidationError,
)
from followthrough.store import Store, open_store

JHB = ZoneInfo("Africa/Johannesburg")
END = datetime(2026, 11, 23, 15, 0, tzinfo=JHB)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened, _ = open_store(tmp_path / "data")
    opened.set_setting("timezone", "Africa/Johannesburg")
    opened.set_setting("country", "ZA")
    yield opened
    opened.close()


def _interview(company: str = "Acme", days: int = 0, **fields: object) -> Interview:
    return Interview(
        id="",
        company=company,
        role="Engineer",
        interviewers=(Interviewer(name="Ana Diaz", email="ana@acme.example"),),
        start=END - timedelta(hours=1) + timedelta(days=days),
        end=END + timedelta(days=days),
        tz="Africa/Johannesburg",
        **fields,  # type: ignore[arg-type]
    )


def _next_round_reply(day: date = date(2026, 12, 7)) -> Activity:
    return Activity(ActivityKind.REPLY, END + timedelta(days=2), how=NEXT_ROUND, until=day)


def test_an_interview_added_is_its_own_application(store: Store) -> None:
    first = store.add_interview(_interview())
    assert first.application == first.id
    assert store.interview(first.id).application == first.id
    other = store.add_interview(_interview(days=7))  # round 1 again: a new application
    assert other.application == other.id
    assert [app.id for app in store.applications()] == [first.id, other.id]


def test_a_later_round_of_the_same_company_and_role_joins_its_application(store: Store) -> None:
    first = store.add_interview(_interview())
    store.add_interview(_interview("Globex"))
    second = store.add_interview(_interview("acme", days=7, round=2))
    assert second.application == first.id
    by_id = {app.id: app for app in store.applications()}
    assert [iv.id for iv in by_id[first.id].rounds] == [first.id, second.id]


def test_joining_by_id_takes_the_next_round(store: Store) -> None:
    first = store.add_interview(_interview())
    second = store.add_interview(_interview("Acme Ltd", days=7), first.id)
    assert (second.application, second.round) == (first.id, 2)
    third = store.add_interview(_interview(days=9, round=4), first.id, round_given=True)
    assert (third.application, third.round) == (first.id, 4)
    with pytest.raises(ValidationError, match="There is no application with id 'abc123'"):
        store.add_interview(_interview(days=7), "abc123")
    assert len(store.interviews()) == 3  # nothing added


def test_a_next_round_stops_the_chase_and_plans_the_new_round(store: Store) -> None:
    first = store.add_interview(_interview())
    open_before = [s.step for s in store.steps(first.id) if s.step.status is StepStatus.PLANNED]
    assert any(s.chaser for s in open_before)
    upcoming = store.add_next_round(first.id, _next_round_reply())
    assert (upcoming.round, upcoming.application) == (2, first.id)
    assert upcoming.start == datetime(2026, 12, 7, 14, 0, tzinfo=JHB)
    (reply,) = store.activities(first.id)
    assert (reply.kind, reply.how, reply.until) == (
        ActivityKind.REPLY, NEXT_ROUND, date(2026, 12, 7))  # fmt: skip
    chasers = [s.step for s in store.steps(first.id) if s.step.chaser]
    assert chasers and all(s.status is StepStatus.CANCELLED for s in chasers)
    new_plan = [s.step for s in store.steps(upcoming.id)]
    assert any(s.kind == "thank-you" and s.status is StepStatus.PLANNED for s in new_plan)
    change = store.next_undo()
    assert change is not None
    assert change.what == "log a reply: next round (round 2 on Mon 7 Dec 2026) (Acme)"


def test_one_undo_takes_back_the_reply_and_the_round_and_redo_brings_both(store: Store) -> None:
    first = store.add_interview(_interview())
    before = [s.step for s in store.steps()]
    upcoming = store.add_next_round(first.id, _next_round_reply())
    after = [s.step for s in store.steps()]
    store.undo()
    assert [iv.id for iv in store.interviews()] == [first.id]
    assert store.activities(first.id) == []
    assert [s.step for s in store.steps()] == before
    store.redo()
    assert store.interview(upcoming.id) == upcoming
    assert [s.step for s in store.steps()] == after


def test_the_next_round_after_the_last_one(store: Store) -> None:
    first = store.add_interview(_interview())
    store.add_interview(_interview(days=7, round=3), first.id, round_given=True)
    upcoming = store.add_next_round(first.id, _next_round_reply(date(2026, 12, 14)))
    assert upcoming.round == 4  # after the application's last round, not after the first


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (Activity(ActivityKind.REPLY, END + timedelta(days=2)), "next round adds one"),
        (replace(_next_round_reply(), until=None), "Give the next round's date"),
        (_next_round_reply(date(2026, 11, 1)), "before the interview"),
    ],
)
def test_a_next_round_that_cannot_be_added_changes_nothing(
    store: Store, reply: Activity, words: str
) -> None:
    first = store.add_interview(_interview())
    with pytest.raises(ValidationError, match=words):
        store.add_next_round(first.id, reply)
    assert store.activities(first.id) == [] and len(store.interviews()) == 1


def test_a_store_from_before_applications_groups_the_same_company_and_role(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "old"
    probe, _ = open_store(tmp_path / "probe")
    library = probe.library
    probe.close()
    old = Store.open(folder, library)
    first = old.add_interview(_interview())
    second = old.add_interview(_interview(" ACME ", days=7, round=2))
    other = old.add_interview(_interview("Globex", days=1))
    downgrade(old.conn, 7)  # before applications: no interview names one
    sequences = dict(old.conn.execute("SELECT id, sequence FROM interviews").fetchall())
    old.close()
    upgraded = Store.open(folder, library)
    try:
        found = {iv.id: iv.application for iv in upgraded.interviews()}
        assert found == {first.id: first.id, second.id: first.id, other.id: other.id}
        for iid, sequence in upgraded.conn.execute("SELECT id, sequence FROM interviews"):
            assert sequence == sequences[iid] + 1  # calendars learn the application
        stored = json.loads(
            upgraded.conn.execute(
                "SELECT data FROM interviews WHERE id = ?", (second.id,)
            ).fetchone()[0]
        )
        assert stored["application"] == first.id
    finally:
        upgraded.close()


def test_an_interview_from_elsewhere_that_names_no_application(store: Store) -> None:
    first = store.add_interview(_interview())
    # From an older version's file: round 2 of the same company and role joins it.
    incoming = replace(_interview(days=7, round=2), id="feed01").validated()
    ((merged, outcome),) = store.merge_interviews([(incoming, [], 0)])
    assert outcome == "added" and merged.application == first.id
    # Known here in an application, and written again elsewhere without it: it stays.
    again = replace(incoming, application="", notes="Edited elsewhere.").validated()
    ((merged, outcome),) = store.merge_interviews([(again, [], 5)])
    assert outcome == "updated" and store.interview("feed01").application == first.id
    # Naming an application: kept as it is.
    named = replace(_interview(days=8), id="feed02", application="zzz999").validated()
    store.merge_interviews([(named, [], 0)])
    assert store.interview("feed02").application == "zzz999"
