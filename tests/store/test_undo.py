"""Undo and redo through the store: every kind of change to an interview is taken back to
exactly the plan before it and made again to exactly the plan after it, from the log the
store keeps (so another process, a later command, can undo). And the user's own actions:
nothing before the interview, a cancelled step brought back by moving or reopening it.

The user lives in Johannesburg with South African holidays; the interview ends on Monday
2026-11-23 at 15:00.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followthrough.core.actions import NEXT_ROUND
from followthrough.core.model import (
    BROUGHT_BACK,
    Activity,
    ActivityKind,
    Interview,
    Interviewer,
    Outcome,
    Step,
    StepStatus,
    ValidationError,
)
from followthrough.store import Store, open_store

JHB = ZoneInfo("Africa/Johannesburg")
END = datetime(2026, 11, 23, 15, 0, tzinfo=JHB)
LATER = END + timedelta(days=2)


def _open(folder: Path) -> Store:
    store, _ = open_store(folder)
    return store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = _open(tmp_path / "data")
    opened.set_setting("timezone", "Africa/Johannesburg")
    opened.set_setting("country", "ZA")
    return opened


def _acme(store: Store) -> Interview:
    return store.add_interview(
        Interview(
            id="",
            company="Acme",
            role="Engineer",
            interviewers=(Interviewer(name="Ana Diaz", email="ana@acme.example"),),
            start=END - timedelta(hours=1),
            end=END,
            tz="Africa/Johannesburg",
            decision_date=date(2026, 12, 16),
        )
    )


def _plan(store: Store) -> list[Step]:
    return [s.step for s in store.steps()]


def _record(kind: ActivityKind, **fields: object) -> Callable[[Store, Interview], None]:
    def act(store: Store, interview: Interview) -> None:
        store.record(interview.id, Activity(kind, LATER, **fields))  # type: ignore[arg-type]

    return act


def _reply(store: Store, interview: Interview) -> None:
    store.record(interview.id, Activity(ActivityKind.REPLY, END + timedelta(days=1)))


def _no_answer(store: Store, interview: Interview) -> None:
    to = datetime(2026, 12, 3, 11, 0, tzinfo=JHB)
    store.record(
        interview.id,
        Activity(ActivityKind.MOVE, LATER, step="call", to=to),
        label="log no answer on the call",
    )


def _edit(store: Store, interview: Interview) -> None:
    store.update_interview(replace(interview, decision_date=None, interviewers=(
        Interviewer(name="Ana Diaz", email="ana@acme.example"),
        Interviewer(name="Bo Li", email="bo@acme.example", key="p2"),
    )))  # fmt: skip


def _delete(store: Store, interview: Interview) -> None:
    store.delete_interview(interview.id)


def _add(store: Store, interview: Interview) -> None:
    store.add_interview(replace(interview, id="", company="Globex"))


def _next_round(store: Store, interview: Interview) -> None:
    reply = Activity(ActivityKind.REPLY, LATER, how=NEXT_ROUND, until=date(2026, 12, 7))
    store.add_next_round(interview.id, reply)


def _nothing(store: Store, interview: Interview) -> None:
    pass


ACTIONS = {
    "reply": (_nothing, _record(ActivityKind.REPLY, note="They liked it.")),
    "delay": (_nothing, _record(ActivityKind.DELAY, until=date(2027, 1, 8))),
    "outcome": (_nothing, _record(ActivityKind.OUTCOME, outcome=Outcome.OFFER)),
    "done": (_nothing, _record(ActivityKind.DONE, step="thank-you.p1", how="email")),
    "skip": (_nothing, _record(ActivityKind.SKIP, step="note")),
    "move": (_nothing, _record(ActivityKind.MOVE, step="call",
                               to=datetime(2026, 12, 2, 13, 15, tzinfo=JHB))),
    "no-answer": (_nothing, _no_answer),
    "reopen": (_record(ActivityKind.SKIP, step="note"),
               _record(ActivityKind.REOPEN, step="note")),
    "bring-back": (_reply, _record(ActivityKind.REOPEN, step="call")),
    "move-cancelled": (_reply, _record(ActivityKind.MOVE, step="status-check",
                                       to=datetime(2026, 12, 4, 10, 0, tzinfo=JHB))),
    "edit": (_nothing, _edit),
    "delete": (_nothing, _delete),
    "add": (_nothing, _add),
    "next-round": (_nothing, _next_round),
}  # fmt: skip


@pytest.mark.parametrize("name", list(ACTIONS))
def test_undo_gives_back_the_plan_before_and_redo_the_plan_after(
    store: Store, tmp_path: Path, name: str
) -> None:
    setup, action = ACTIONS[name]
    interview = _acme(store)
    setup(store, interview)
    before, history = _plan(store), store.activities(interview.id)
    action(store, interview)
    after = _plan(store)
    assert after != before
    store.close()
    later = _open(tmp_path / "data")  # another process: the command line, after the window
    change = later.next_undo()
    assert change is not None and ("Globex" if name == "add" else "Acme") in change.what
    assert later.undo() == change
    assert _plan(later) == before
    if name != "delete":
        assert later.activities(interview.id) == history
    assert later.next_redo() == change
    assert later.redo() == change
    assert _plan(later) == after
    assert later.undo() == change and _plan(later) == before  # and back again
    later.close()


def test_a_deleted_interview_comes_back_with_its_history_and_above_its_sequences(
    store: Store,
) -> None:
    interview = _acme(store)
    _reply(store, interview)
    (kept,) = store.stored_interviews([interview.id])
    steps = {s.step.id: s.sequence for s in store.steps(interview.id)}
    store.delete_interview(interview.id)
    assert store.undo().what == "delete the interview (Acme)"
    (back,) = store.stored_interviews([interview.id])
    assert (back.interview, back.activities) == (kept.interview, kept.activities)
    assert back.sequence > kept.sequence  # calendars that showed it take the one back
    assert all(s.sequence > steps[s.step.id] for s in store.steps(interview.id))


def test_the_log_is_one_list_in_order_and_a_new_change_forgets_the_redo(store: Store) -> None:
    interview = _acme(store)
    _reply(store, interview)
    store.record(interview.id, Activity(ActivityKind.SKIP, LATER, step="note"))
    assert store.undo().what.startswith("skip Handwritten note")
    assert store.undo().what == "log a reply (Acme)"
    assert store.undo().what == "add the interview (Acme)"
    with pytest.raises(ValidationError, match=r"^There is nothing to undo\.$"):
        store.undo()
    assert store.redo().what == "add the interview (Acme)"
    _record(ActivityKind.DONE, step="thank-you.p1")(store, interview)
    with pytest.raises(ValidationError, match=r"^There is nothing to redo\.$"):
        store.redo()


def test_a_change_to_an_interview_deleted_since_cannot_be_undone(store: Store) -> None:
    interview = _acme(store)
    _reply(store, interview)
    store.delete_interview(interview.id)
    store.conn.execute("DELETE FROM undo_log WHERE json_extract(data, '$.kind') = 'delete'")
    with pytest.raises(ValidationError) as caught:
        store.undo()
    assert str(caught.value) == (
        "That change (log a reply (Acme)) can no longer be undone: the interview was deleted."
    )
    assert store.next_undo().what == "add the interview (Acme)"  # the log moves on


def test_what_was_undone_does_not_come_back_with_a_sync(store: Store) -> None:
    """A calendar (or another computer's file) still holding the reply does not bring it back."""
    interview = _acme(store)
    _reply(store, interview)
    (stored,) = store.stored_interviews([interview.id])
    store.undo()
    before = _plan(store)
    store.merge_interviews([(stored.interview, stored.activities, stored.sequence)])
    assert store.activities(interview.id) == []
    assert _plan(store) == before


# -- the user's actions --------------------------------------------------------------------


@pytest.mark.parametrize(
    "to",
    [END - timedelta(days=3), END - timedelta(minutes=30)],
    ids=["before-it-starts", "while-it-lasts"],
)
def test_nothing_is_placed_before_the_interview_ends(store: Store, to: datetime) -> None:
    interview = _acme(store)
    before = _plan(store)
    with pytest.raises(ValidationError, match=r"^A follow-up cannot be placed before the "):
        store.record(interview.id, Activity(ActivityKind.MOVE, LATER, step="call", to=to))
    assert store.activities(interview.id) == [] and _plan(store) == before


@pytest.mark.parametrize("kind", [ActivityKind.REOPEN, ActivityKind.MOVE])
def test_moving_or_reopening_a_cancelled_step_brings_it_back(
    store: Store, kind: ActivityKind
) -> None:
    interview = _acme(store)
    _reply(store, interview)
    step_id = f"{interview.id}.status-check"
    assert store.step(step_id).step.status is StepStatus.CANCELLED
    to = datetime(2026, 12, 4, 10, 0, tzinfo=JHB) if kind is ActivityKind.MOVE else None
    store.record(interview.id, Activity(kind, LATER, step="status-check", to=to))
    step = store.step(step_id).step
    assert step.status is StepStatus.PLANNED
    if to is not None:
        assert step.start == to and step.manual
    kinds = [(a.kind, a.how) for a in store.activities(interview.id)][1:]
    assert kinds[0] == (ActivityKind.REOPEN, BROUGHT_BACK)
    # Reopening a skipped step is only that: no bringing back.
    store.record(interview.id, Activity(ActivityKind.SKIP, LATER, step="note"))
    store.record(interview.id, Activity(ActivityKind.REOPEN, LATER, step="note"))
    assert store.activities(interview.id)[-1].how == ""


def test_an_entry_taken_out_of_history_leaves_the_undo_lists_and_stays_out(store: Store) -> None:
    """What the mail watcher logged and the user took back: Undo does not take it back a
    second time, Redo cannot bring it back, and a merge leaves it out."""
    interview = _acme(store)
    store.record(interview.id, Activity(ActivityKind.SKIP, LATER, step="note"))
    reply = store.record(interview.id, Activity(ActivityKind.REPLY, END + timedelta(days=1)))
    before_reply = store.next_undo()
    assert before_reply is not None and "reply" in before_reply.what.lower()
    store.forget_activity(interview.id, reply.id)
    assert reply.id not in {a.id for a in store.activities(interview.id)}
    left = store.next_undo()
    assert left is not None and "skip" in left.what.lower()  # the change before it
    assert store.next_redo() is None
    assert reply.id in store.withdrawn_activities(store.conn, interview.id)
