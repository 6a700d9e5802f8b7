"""Bringing interviews in from elsewhere (a file, another computer) without losing what is
here: matched by id or by the invitation's UID, newer SEQUENCEs win, histories are joined, and
ids from outside are never trusted to be unique.

A mixin of `Store` (store.db): it writes through the store's transaction and re-planning.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from followthrough.core.model import Activity, Interview, Step, derived_id, new_id
from followthrough.store.records import utc_now

if TYPE_CHECKING:
    from followthrough.store.db import Store

MERGE_BATCH = 200  # interviews a large import writes per transaction (about 0.2 s here)
BATCH_PAUSE = 0.02  # seconds between two of them: another process's change gets its turn


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
        Returns each interview with what happened to it: added, updated or unchanged.
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
            row = conn.execute(
                "SELECT id FROM interviews WHERE json_extract(data, '$.source_uid') = ?",
                (interview.source_uid,),
            ).fetchone()
            if row is not None:
                here = store.interview(row[0])
                moved = replace(
                    here,
                    start=interview.start,
                    end=interview.end,
                    tz=interview.tz,
                    location=interview.location or here.location,
                )
                if moved == here:
                    return here, "unchanged"
                store._write_interview(conn, moved, insert=False)
                store._replan(conn, moved)
                return moved, "updated"
        interview = replace(
            interview, id=interview.id or new_id(), created=interview.created or utc_now()
        ).validated()
        row = conn.execute(
            "SELECT sequence FROM interviews WHERE id = ?", (interview.id,)
        ).fetchone()
        known = {
            r[0]
            for r in conn.execute(
                "SELECT id FROM activities WHERE interview_id = ?", (interview.id,)
            )
        }
        owned = (store._own_id(conn, interview.id, a) for a in activities)
        fresh = [a for a in owned if a.id not in known]
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

    @staticmethod
    def _own_id(conn: sqlite3.Connection, interview_id: str, activity: Activity) -> Activity:
        """`activity` with an id no other interview uses (a file's ids are not trusted)."""
        row = conn.execute(
            "SELECT interview_id FROM activities WHERE id = ?", (activity.id,)
        ).fetchone()
        if row is None or row[0] == interview_id:
            return activity
        return replace(activity, id=derived_id(interview_id, activity.id))
