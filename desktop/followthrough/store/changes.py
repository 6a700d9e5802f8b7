"""The user's changes to interviews: what recording an action writes, and the undo log.

Recording: a step is never placed before its interview ends, and moving or reopening a step
the plan had cancelled brings it back (a reopen marked BROUGHT_BACK).

The undo log keeps each change the user makes to an interview (a reply, a delay, an outcome,
a step done, skipped, reopened or moved, an edit, an add, a delete) with what undo and redo
put back, in the store, so the window and a later command share one list. The plan is a pure
function of the interview and its history, so undo takes back the history entries the change
added (or the fields it changed, or the interview it deleted) and plans again: the plan is
the one before the change. Redo puts them back. A new change forgets what could be redone;
activities undone stay remembered, so a sync does not bring them back from a calendar.

A mixin of `Store` (store.db): it writes through the store's transaction and re-planning.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

from followthrough.core.actions import check_placement, describe
from followthrough.core.codec import (
    activity_from_dict,
    activity_to_dict,
    interview_from_dict,
    interview_to_dict,
)
from followthrough.core.model import (
    BROUGHT_BACK,
    Activity,
    ActivityKind,
    Interview,
    StepStatus,
    ValidationError,
)
from followthrough.store.records import utc_now, utc_text

if TYPE_CHECKING:
    from followthrough.store.db import Store

UNDO_KEPT = 100  # changes the log keeps: older ones can no longer be undone
_DONE, _UNDONE, _DROPPED = 0, 1, 2  # can be undone; can be redone; neither (kept for sync)
HISTORY, EDIT, ADD, DELETE = "history", "edit", "add", "delete"
ROUND = "round"  # a reply that added the next round (store.rounds)


@dataclass(frozen=True)
class Change:
    """One change in the undo log: its number, its interview, and what it did, in words."""

    id: int
    interview_id: str
    what: str  # "skip Thank-you to Ana Diaz (Acme)"


class Changes:
    """`Store`'s recording of the user's actions and its undo log."""

    # -- recording --------------------------------------------------------------------------
    def _user_activities(
        self, conn: sqlite3.Connection, interview: Interview, activity: Activity
    ) -> list[Activity]:
        """What recording the user's `activity` writes: the activity, after a reopen that
        brings its step back when the plan had cancelled it (and it is moved or reopened)."""
        if activity.kind is ActivityKind.MOVE and activity.to is not None:
            check_placement(interview, activity.to)
        if activity.kind not in (ActivityKind.MOVE, ActivityKind.REOPEN) or not activity.step:
            return [activity]
        row = conn.execute(
            "SELECT status FROM steps WHERE id = ?", (f"{interview.id}.{activity.step}",)
        ).fetchone()
        if row is None or row[0] != StepStatus.CANCELLED.value:
            return [activity]
        back = Activity(ActivityKind.REOPEN, activity.at, step=activity.step, how=BROUGHT_BACK)
        if activity.kind is ActivityKind.REOPEN:
            return [replace(back, id=activity.id, note=activity.note)]
        return [back, activity]

    def forget_activity(
        self,
        interview_id: str,
        activity_id: str,
        also: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        """Take one entry out of an interview's history and re-plan it, in one transaction
        (what the mail watcher logged, taken back). The change that wrote it leaves the undo
        log's lists (Undo would take back nothing, Redo would bring it back) but stays
        remembered, so a sync does not bring the entry back from a calendar that has it."""
        store = cast("Store", self)
        with store.transaction() as conn:
            interview = store.interview(interview_id)
            conn.execute(
                "DELETE FROM activities WHERE id = ? AND interview_id = ?",
                (activity_id, interview_id),
            )
            conn.execute(
                "UPDATE interviews SET sequence = sequence + 1, updated = ? WHERE id = ?",
                (utc_text(utc_now()), interview_id),
            )
            store._replan(conn, interview)
            if self._undo_log_ready(conn):
                conn.execute(
                    "UPDATE undo_log SET state = ? WHERE interview_id = ? AND EXISTS "
                    "(SELECT 1 FROM json_each(undo_log.data, '$.activities') "
                    "WHERE json_extract(value, '$.id') = ?)",
                    (_DROPPED, interview_id, activity_id),
                )
            if also is not None:
                also(conn)

    def delete_interview(self, interview_id: str) -> None:
        """Delete an interview, its history and its plan; undo brings all of it back."""
        store = cast("Store", self)
        with store.transaction() as conn:
            stored = store.stored_interviews([interview_id])
            if not stored:
                raise ValidationError(f"There is no interview with id '{interview_id}'.")
            kept = stored[0]
            sequences = store.step_sequences(self._step_ids(conn, interview_id))
            sequences[interview_id] = kept.sequence
            conn.execute("DELETE FROM interviews WHERE id = ?", (interview_id,))
            self._log_change(
                conn,
                DELETE,
                kept.interview,
                "delete the interview",
                before=kept.interview,
                activities=kept.activities,
                sequences=sequences,
            )

    def _log_recorded(
        self,
        conn: sqlite3.Connection,
        interview: Interview,
        written: list[Activity],
        label: str,
        steps: list[str],
    ) -> None:
        """Log the activities one action recorded, named by `label` or by the last of them."""
        last = written[-1]
        row = conn.execute(
            "SELECT json_extract(data, '$.title') FROM steps WHERE id = ?",
            (f"{interview.id}.{last.step}",),
        ).fetchone()
        title = str(row[0]) if row is not None and row[0] else ""
        what = label or describe(last, title)
        self._log_change(conn, HISTORY, interview, what, activities=written, steps=steps)

    # -- the log ----------------------------------------------------------------------------
    def _undo_log_ready(self, conn: sqlite3.Connection) -> bool:
        """Whether the store has the log (one opened with an older list of migrations may not)."""
        ready = self.__dict__.get("_has_undo_log")
        if ready is None:
            ready = self.__dict__["_has_undo_log"] = (
                conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'undo_log'"
                ).fetchone()
                is not None
            )
        return bool(ready)

    @staticmethod
    def _step_ids(conn: sqlite3.Connection, interview_id: str) -> list[str]:
        return [
            row[0]
            for row in conn.execute("SELECT id FROM steps WHERE interview_id = ?", (interview_id,))
        ]

    def _log_change(
        self,
        conn: sqlite3.Connection,
        kind: str,
        interview: Interview,
        what: str,
        *,
        before: Interview | None = None,
        after: Interview | None = None,
        activities: Sequence[Activity] = (),
        steps: Sequence[str] = (),
        sequences: dict[str, int] | None = None,
    ) -> None:
        """Add a change to the log (in the caller's transaction); what could be redone is
        forgotten. `steps`: the ids of the interview's steps before the change; `sequences`:
        for a delete, the SEQUENCE of the interview (by its id) and of each of its steps."""
        if not self._undo_log_ready(conn):
            return
        data = {
            "kind": kind,
            # Named with its company, unless it names it already ("skip Status check with Acme").
            "what": what if interview.company in what else f"{what} ({interview.company})",
            "before": interview_to_dict(before) if before is not None else None,
            "after": interview_to_dict(after) if after is not None else None,
            "activities": [activity_to_dict(a) for a in activities],
            "steps": list(steps),
            "sequences": sequences or {},
        }
        conn.execute("UPDATE undo_log SET state = ? WHERE state = ?", (_DROPPED, _UNDONE))
        cursor = conn.execute(
            "INSERT INTO undo_log (interview_id, state, data) VALUES (?, ?, ?)",
            (interview.id, _DONE, json.dumps(data)),
        )
        oldest = int(cursor.lastrowid or 0) - UNDO_KEPT
        conn.execute("DELETE FROM undo_log WHERE id <= ?", (oldest,))

    def _next(self, state: int) -> tuple[Change, dict[str, Any]] | None:
        store = cast("Store", self)
        if not self._undo_log_ready(store.conn):
            return None
        order = "DESC" if state == _DONE else "ASC"  # redo takes back the last undo first
        row = store.conn.execute(
            f"SELECT id, interview_id, data FROM undo_log WHERE state = ? ORDER BY id {order} "
            "LIMIT 1",
            (state,),
        ).fetchone()
        if row is None:
            return None
        data = json.loads(row[2])
        return Change(row[0], row[1], str(data["what"])), data

    def next_undo(self) -> Change | None:
        """The change Undo would take back, if any."""
        found = self._next(_DONE)
        return found[0] if found else None

    def next_redo(self) -> Change | None:
        """The change Redo would make again, if any."""
        found = self._next(_UNDONE)
        return found[0] if found else None

    def undo(self) -> Change:
        """Take back the last change (in one transaction); the plan is the one before it."""
        return self._replay(_DONE, _UNDONE)

    def redo(self) -> Change:
        """Make the last change undone again (in one transaction)."""
        return self._replay(_UNDONE, _DONE)

    def _replay(self, state: int, new_state: int) -> Change:
        store = cast("Store", self)
        undoing = state == _DONE
        with store.transaction() as conn:
            found = self._next(state)
            if found is None:
                raise ValidationError(
                    "There is nothing to undo." if undoing else "There is nothing to redo."
                )
            change, data = found
            exists = (
                conn.execute(
                    "SELECT 1 FROM interviews WHERE id = ?", (change.interview_id,)
                ).fetchone()
                is not None
            )
            # A delete undone, or an add redone, needs the interview gone; the others need it.
            wanted_absent = data["kind"] == (DELETE if undoing else ADD)
            applies = exists != wanted_absent
            if applies:
                self._apply(conn, change.interview_id, data, undoing)
            conn.execute(
                "UPDATE undo_log SET state = ? WHERE id = ?",
                (new_state if applies else _DROPPED, change.id),
            )
        if not applies:
            verb = "undone" if undoing else "redone"
            there = "is back" if wanted_absent else "was deleted"
            raise ValidationError(
                f"That change ({change.what}) can no longer be {verb}: the interview {there}."
            )
        return change

    def _apply(
        self, conn: sqlite3.Connection, interview_id: str, data: dict[str, Any], undoing: bool
    ) -> None:
        store = cast("Store", self)
        kind = data["kind"]
        activities = [activity_from_dict(a) for a in data["activities"]]
        if kind in (ADD, DELETE) and (kind == DELETE) != undoing:  # it goes
            conn.execute("DELETE FROM interviews WHERE id = ?", (interview_id,))
            return
        if kind in (ADD, DELETE):  # it comes back, its history and SEQUENCEs with it
            interview = interview_from_dict(data["before" if undoing else "after"])
            store._write_interview(conn, interview, insert=True)
            for activity in sorted(activities, key=lambda a: a.seq):
                store._insert_activity(conn, interview_id, activity)
            store._replan(conn, interview)
            # Above what calendars were shown, so that they take what comes back.
            sequences = {key: int(value) + 1 for key, value in data["sequences"].items()}
            own = sequences.pop(interview_id, 0)  # the rest are the steps'
            store.raise_sequences(conn, {interview_id: own}, sequences)
            return
        if kind == ROUND:  # a reply that added the next round: that round goes or comes back
            store._apply_round(conn, data, undoing)
        if kind == EDIT:
            interview = interview_from_dict(data["before" if undoing else "after"])
            store._write_interview(conn, interview, insert=False)
        else:
            interview = store.interview(interview_id)
            if undoing:
                conn.executemany(
                    "DELETE FROM activities WHERE id = ?", [(a.id,) for a in activities]
                )
                conn.execute(
                    "UPDATE interviews SET sequence = sequence + 1, updated = ? WHERE id = ?",
                    (utc_text(utc_now()), interview_id),
                )
            else:
                for activity in activities:
                    if not conn.execute(
                        "SELECT 1 FROM activities WHERE id = ?", (activity.id,)
                    ).fetchone():
                        store._insert_activity(conn, interview_id, activity)
        store._replan(conn, interview)
        if undoing:  # steps the change brought in go with it: the plan is the one before
            kept = {s.id for s in store.compute_plan(interview)} | set(data["steps"])
            conn.executemany(
                "DELETE FROM steps WHERE id = ?",
                [(sid,) for sid in self._step_ids(conn, interview_id) if sid not in kept],
            )

    def withdrawn_activities(self, conn: sqlite3.Connection, interview_id: str) -> set[str]:
        """The ids of this interview's activities the user undid: a merge does not bring them
        back from a calendar or a file that still has them."""
        if not self._undo_log_ready(conn):
            return set()
        ids: set[str] = set()
        for (text,) in conn.execute(
            "SELECT data FROM undo_log WHERE interview_id = ? AND state != ? "
            "AND json_extract(data, '$.kind') IN (?, ?)",
            (interview_id, _DONE, HISTORY, ROUND),
        ):
            ids.update(str(a["id"]) for a in json.loads(text)["activities"])
        return ids
