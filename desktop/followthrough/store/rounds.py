"""Applications and their rounds in the store: which application a new interview joins, the
applications with their rounds, and the next round a reply announces, added together with
that reply as one change (one Undo takes back both: the reply, whose plan had stopped the
previous round's chasers, and the new round with its own follow-ups).

A mixin of `Store` (store.db): it writes through the store's transaction and re-planning.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from followthrough.core.actions import NEXT_ROUND
from followthrough.core.applications import (
    Application,
    applications,
    job_text,
    next_round,
    placed,
)
from followthrough.core.codec import interview_from_dict
from followthrough.core.model import Activity, ActivityKind, Interview, ValidationError, new_id
from followthrough.core.shown_dates import day as shown_day
from followthrough.store.changes import ROUND
from followthrough.store.records import utc_now

if TYPE_CHECKING:
    from followthrough.store.db import Store


class Rounds:
    """`Store`'s applications and rounds."""

    def placed(
        self, interview: Interview, application: str | None = None, *, round_given: bool = False
    ) -> Interview:
        """`interview` (new) in the application it joins: the one with id `application`,
        else, for a round after the first, the latest of the same company and role (see
        core.applications.placed)."""
        if application is None and (interview.application or interview.round <= 1):
            return interview  # nothing to look up
        return placed(
            interview, self._candidates(interview, application), application=application,
            round_given=round_given,
        )  # fmt: skip

    def _candidates(self, interview: Interview, application: str | None) -> list[Interview]:
        """The interviews `placed` needs to see: those of application `application`, else
        those of the same company and role, found by the index on `job` (a merge asks once per
        interview: reading them all each time grew with the square of the store)."""
        store = cast("Store", self)
        if application is not None:
            wanted = application.strip()
            rows = store.conn.execute(
                "SELECT data FROM interviews WHERE id = ? OR json_extract(data, "
                "'$.application') = ?",
                (wanted, wanted),
            ).fetchall()
        else:
            rows = store.conn.execute(
                "SELECT data FROM interviews WHERE job = ?",
                (job_text(interview.company, interview.role),),
            ).fetchall()
        return [interview_from_dict(json.loads(row[0])) for row in rows]

    def applications(self) -> list[Application]:
        """Every application with its rounds, the one with the latest round last."""
        return applications(cast("Store", self).interviews())

    def add_next_round(self, interview_id: str, reply: Activity) -> Interview:
        """Record `reply` (a next round on `reply.until`) on the interview, and add the next
        round of its application on that day: one transaction, one change for Undo. The
        reply stops the interview's chasers; the new round has its own follow-ups."""
        store = cast("Store", self)
        if reply.kind is not ActivityKind.REPLY or reply.how != NEXT_ROUND:
            raise ValidationError("Only a reply that announces a next round adds one.")
        if reply.until is None:
            raise ValidationError("Give the next round's date.")
        with store.transaction() as conn:
            previous = store.interview(interview_id)
            rounds = [
                iv.round
                for iv in store.interviews()
                if iv.application_id == previous.application_id
            ]
            upcoming = next_round(previous, reply.until)
            upcoming = replace(
                upcoming, id=new_id(), created=utc_now(), round=max(rounds) + 1
            ).validated()
            store.check_playbook(upcoming)
            steps = store._step_ids(conn, previous.id)
            written = store._insert_activity(conn, previous.id, reply)
            store._replan(conn, previous)
            store._write_interview(conn, upcoming, insert=True)
            store._replan(conn, upcoming)
            store._log_change(
                conn,
                ROUND,
                previous,
                f"log a reply: next round (round {upcoming.round} on {shown_day(reply.until)})",
                after=upcoming,
                activities=[written],
                steps=steps,
            )
        return upcoming

    def _apply_round(self, conn: sqlite3.Connection, data: dict[str, Any], undoing: bool) -> None:
        """Undo or redo the new round of a ROUND change (the reply is taken back or made
        again as any history entry is)."""
        store = cast("Store", self)
        upcoming = interview_from_dict(data["after"])
        if undoing:
            conn.execute("DELETE FROM interviews WHERE id = ?", (upcoming.id,))
        elif not conn.execute("SELECT 1 FROM interviews WHERE id = ?", (upcoming.id,)).fetchone():
            store._write_interview(conn, upcoming, insert=True)
            store._replan(conn, upcoming)
