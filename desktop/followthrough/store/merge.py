"""Bringing interviews in from elsewhere (a file, another computer) without losing what is
here: matched by id or by the invitation's UID, newer SEQUENCEs win, histories are joined, and
ids from outside are never trusted to be unique. An employer's cancellation of an invitation
marks its interview cancelled (an activity, so a newer invitation or the user can take it back).

A mixin of `Store` (store.db): it writes through the store's transaction and re-planning.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, cast

from followthrough.core.model import (
    Activity,
    ActivityKind,
    Interview,
    Step,
    ValidationError,
    derived_id,
    employer_cancellation,
    invitation_order,
    new_id,
)
from followthrough.store.records import utc_now

if TYPE_CHECKING:
    from followthrough.store.db import Store

MERGE_BATCH = 200  # interviews a large import writes per transaction (about 0.2 s here)
BATCH_PAUSE = 0.02  # seconds between two of them: another process's change gets its turn


@dataclass(frozen=True)
class Cancellation:
    """An employer's cancellation of an invitation (METHOD:CANCEL): its UID and revision."""

    uid: str
    sequence: int = 0
    stamp: datetime | None = None  # its DTSTAMP
    title: str = ""  # its SUMMARY, to name it in a report


class Merging:
    """`Store`'s merging of interviews from elsewhere."""

    def merge_in_batches(
        self,
        items: Sequence[tuple[Interview, Sequence[Activity], int]],
        reconcile: Callable[[Interview, list[Step]], list[Activity]] | None = None,
        *,
        batch: int = MERGE_BATCH,
    ) -> list[tuple[Interview, str]]:
        """`merge_interviews` for a file that may be large: up to `batch` interviews in each
        transaction, so that another window or command waits a fraction of a second, not
        the whole import, which grows with the file.

        A file of up to `batch` interviews is still all or nothing. A larger one stopped in the
        middle (a crash) keeps the batches saved; importing it again finishes the rest without
        duplicating anything (interviews are matched by id or invitation UID).
        """
        store = cast("Store", self)
        results: list[tuple[Interview, str]] = []
        for start in range(0, len(items), batch):
            if start:
                time.sleep(BATCH_PAUSE)  # room for a change another process is waiting to save
            results += store.merge_interviews(items[start : start + batch], reconcile)
        return results

    def merge_interviews(
        self,
        items: Sequence[tuple[Interview, Sequence[Activity], int]],
        reconcile: Callable[[Interview, list[Step]], list[Activity]] | None = None,
        *,
        deletions: Sequence[str] = (),
        finish: Callable[[sqlite3.Connection], None] | None = None,
    ) -> list[tuple[Interview, str]]:
        """Bring interviews from elsewhere (a file, another computer) in, all or nothing.

        An interview with an id already here is updated when its SEQUENCE is higher, and
        gains the activities it has that are not here yet; one without an id but with the
        UID of an invitation already imported updates that interview's time and place.
        `reconcile` may turn what a calendar shows of the plan into further activities.
        The interviews with ids in `deletions` are deleted, and `finish` runs last, in the
        same transaction (a sync records what it applied there).
        Returns each interview with what happened to it: added, updated or unchanged; for an
        invitation also "older" (it is older than the one applied before: nothing changed) or
        "rescheduled" (it brought back an interview the employer had cancelled).
        """
        store = cast("Store", self)
        results: list[tuple[Interview, str]] = []
        with store.transaction() as conn:
            for interview_id in deletions:
                conn.execute("DELETE FROM interviews WHERE id = ?", (interview_id,))
            for interview, activities, sequence in items:
                interview, outcome = store._merge_one(conn, interview, activities, sequence)
                if reconcile is not None:
                    steps = [s.step for s in store.steps(interview.id)]
                    extra = reconcile(interview, steps)
                    for activity in extra:
                        store._insert_activity(conn, interview.id, activity)
                    if extra:
                        outcome = "updated" if outcome == "unchanged" else outcome
                        store._replan(conn, interview)
                results.append((interview, outcome))
            if finish is not None:
                finish(conn)
        return results

    def _merge_one(
        self,
        conn: sqlite3.Connection,
        interview: Interview,
        activities: Sequence[Activity],
        sequence: int,
    ) -> tuple[Interview, str]:
        store = cast("Store", self)
        if not interview.id and interview.source_uid:
            here = self._from_invitation(conn, interview.source_uid)
            if here is not None:
                return self._apply_invitation(conn, here, interview)
        interview = replace(
            interview, id=interview.id or new_id(), created=interview.created or utc_now()
        ).validated()
        row = conn.execute(
            "SELECT sequence, json_extract(data, '$.application') FROM interviews WHERE id = ?",
            (interview.id,),
        ).fetchone()
        known = {
            r[0]
            for r in conn.execute(
                "SELECT id FROM activities WHERE interview_id = ?", (interview.id,)
            )
        }
        known |= store.withdrawn_activities(conn, interview.id)  # undone here: stays undone
        owned = (store._own_id(conn, interview.id, a) for a in activities)
        fresh = [a for a in owned if a.id not in known]
        if interview.application == interview.id:  # no other application named (or none)
            interview = self._kept_application(interview, None if row is None else row[1] or "")
        if row is None:
            store._write_interview(conn, interview, insert=True)
            outcome = "added"
        elif sequence > row[0]:
            store._write_interview(conn, interview, insert=False)
            outcome = "updated"
        elif fresh:
            outcome = "updated"
        else:
            return store.interview(interview.id), "unchanged"
        for activity in sorted(fresh, key=lambda a: (a.seq, a.at)):
            store._insert_activity(conn, interview.id, activity)
        conn.execute(
            "UPDATE interviews SET sequence = MAX(sequence, ?) WHERE id = ?",
            (sequence, interview.id),
        )
        store._replan(conn, interview)
        return interview, outcome

    def _kept_application(self, interview: Interview, here: str | None) -> Interview:
        """An interview from elsewhere that names no other application (an event written
        before applications): a later round of a company and role joins theirs, as one added
        here does; one known here (in application `here`, None when new) stays in it."""
        if here is None:
            joined = cast("Store", self).placed(replace(interview, application=""))
            return replace(interview, application=joined.application or interview.id)
        return replace(interview, application=here or interview.id)

    @staticmethod
    def raise_sequences(
        conn: sqlite3.Connection, interviews: dict[str, int], steps: dict[str, int]
    ) -> None:
        """Lift the SEQUENCE of interviews and steps (by id) to at least the given numbers:
        what the next change writes then goes above what a calendar or another computer
        wrote (in the caller's transaction)."""
        for table, floors in (("interviews", interviews), ("steps", steps)):
            conn.executemany(
                f"UPDATE {table} SET sequence = ? WHERE id = ? AND sequence < ?",
                [(floor, row_id, floor) for row_id, floor in floors.items()],
            )

    def _from_invitation(self, conn: sqlite3.Connection, uid: str) -> Interview | None:
        """The interview imported from the invitation with this UID, if any."""
        row = conn.execute(
            "SELECT id FROM interviews WHERE json_extract(data, '$.source_uid') = ?", (uid,)
        ).fetchone()
        return cast("Store", self).interview(row[0]) if row is not None else None

    def _apply_invitation(
        self, conn: sqlite3.Connection, here: Interview, invitation: Interview
    ) -> tuple[Interview, str]:
        """A newer revision of the invitation `here` came from moves it, and brings it back if
        the employer had cancelled it; an older one changes nothing. What the user did by hand
        (steps done, skipped or moved; the interview's other fields) stays."""
        store = cast("Store", self)
        order = invitation_order(
            invitation.source_sequence,
            invitation.source_stamp,
            here.source_sequence,
            here.source_stamp,
        )
        cancelled = employer_cancellation(store.activities(here.id)) is not None
        if order < 0 or (cancelled and order == 0):
            return here, "older" if order < 0 else "unchanged"
        moved = replace(
            here,
            start=invitation.start,
            end=invitation.end,
            tz=invitation.tz,
            location=invitation.location or here.location,
            source_sequence=invitation.source_sequence,
            source_stamp=invitation.source_stamp or here.source_stamp,
        )
        if moved == here:
            return here, "unchanged"
        store._write_interview(conn, moved, insert=False)
        if cancelled:
            again = Activity(ActivityKind.REOPEN, utc_now(), note="The employer invited again.")
            store._insert_activity(conn, here.id, again)
        store._replan(conn, moved)
        if cancelled:
            return moved, "rescheduled"
        same = (moved.start, moved.end, moved.location) == (here.start, here.end, here.location)
        return moved, "unchanged" if same else "updated"

    def cancel_invitations(
        self, cancellations: Sequence[Cancellation]
    ) -> list[tuple[Cancellation, Interview | None, str]]:
        """Mark the interviews these invitations became as cancelled by the employer, all or
        nothing: their planned follow-ups are cancelled (kept, with their times).

        Each comes back with its interview and what happened: "cancelled"; "unchanged" (it
        was cancelled already); "older" (a newer invitation was applied since: nothing
        changed); "unknown" (no interview came from that invitation: nothing was written).
        """
        store = cast("Store", self)
        results: list[tuple[Cancellation, Interview | None, str]] = []
        with store.transaction() as conn:
            for cancel in cancellations:
                here = self._from_invitation(conn, cancel.uid)
                if here is None:
                    results.append((cancel, None, "unknown"))
                    continue
                order = invitation_order(
                    cancel.sequence, cancel.stamp, here.source_sequence, here.source_stamp
                )
                if order < 0:
                    results.append((cancel, here, "older"))
                    continue
                history = store.activities(here.id)
                if order == 0 and any(a.kind is ActivityKind.CANCELLED for a in history):
                    # This very cancellation again, after the user reopened the interview.
                    results.append((cancel, here, "unchanged"))
                    continue
                revised = replace(
                    here,
                    source_sequence=cancel.sequence,
                    source_stamp=cancel.stamp or here.source_stamp,
                )
                if revised != here:
                    store._write_interview(conn, revised, insert=False)
                if employer_cancellation(history) is not None:
                    results.append((cancel, revised, "unchanged"))
                    continue
                now = utc_now()
                sent = min(cancel.stamp, now) if cancel.stamp is not None else now
                store._insert_activity(
                    conn, here.id, Activity(ActivityKind.CANCELLED, sent, note=cancel.title)
                )
                store._replan(conn, revised)
                results.append((cancel, revised, "cancelled"))
        return results

    def reopen_cancelled(self, interview_id: str, at: datetime) -> Activity:
        """Take back the employer's cancellation of an interview (the user's undo): its
        follow-ups are planned again, in one transaction."""
        store = cast("Store", self)
        store.interview(interview_id)
        if employer_cancellation(store.activities(interview_id)) is None:
            raise ValidationError(
                f"The employer has not cancelled interview {interview_id}; there is nothing "
                "to reopen."
            )
        return store.record(interview_id, Activity(ActivityKind.REOPEN, at, note="Reopened."))

    @staticmethod
    def _own_id(conn: sqlite3.Connection, interview_id: str, activity: Activity) -> Activity:
        """`activity` with an id no other interview uses (a file's ids are not trusted)."""
        row = conn.execute(
            "SELECT interview_id FROM activities WHERE id = ?", (activity.id,)
        ).fetchone()
        if row is None or row[0] == interview_id:
            return activity
        return replace(activity, id=derived_id(interview_id, activity.id))
