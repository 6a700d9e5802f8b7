"""What a listing shows, read by SQLite without decoding a row in Python: each step's line of
the plan (`plan_lines`) and each interview's time zone (`interview_zones`). At 1,000
interviews `followthrough plan` lists 5,000 steps: decoded, they took it three times as long.

A mixin of `Store` (store.db).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, cast

from followthrough.core.model import StepChannel, StepStatus
from followthrough.store.backups import reads
from followthrough.store.sql import id_filter, step_filter

if TYPE_CHECKING:
    from followthrough.store.db import Store


class PlanLine(NamedTuple):
    """What a line of the plan shows of a step."""

    id: str
    interview_id: str
    status: StepStatus
    start: datetime  # UTC
    channel: StepChannel
    title: str


class Listings:
    """`Store`'s reads for listings."""

    @reads("a follow-up")
    def plan_lines(
        self, interview_id: str | None = None, *, cancelled: bool = True
    ) -> list[PlanLine]:
        """The steps' lines (of one interview, or of all), in time order, as `Store.steps`
        gives them; the cancelled ones left out when `cancelled` is False."""
        where, args = step_filter(
            interview_id, not_status=None if cancelled else StepStatus.CANCELLED.value
        )
        rows = cast("Store", self).conn.execute(
            "SELECT id, interview_id, status, start_utc, json_extract(data, '$.channel'), "
            f"json_extract(data, '$.title') FROM steps{where} ORDER BY start_utc, id",
            args,
        )
        statuses = {s.value: s for s in StepStatus}
        parse = datetime.fromisoformat
        channels = {c.value: c for c in StepChannel}
        return [
            PlanLine(sid, iid, statuses[status], parse(start), channels[channel], _text(title))
            for sid, iid, status, start, channel, title in rows
        ]

    def index_of(
        self, interview_ids: Sequence[str]
    ) -> tuple[list[tuple[str, int, str, str]], list[tuple[str, str, int, str, str, str]]]:
        """The index rows, as `interview_index` and `step_index` give them, of these
        interviews and of their steps."""
        conn = cast("Store", self).conn
        where, args = id_filter("interview_id", interview_ids)
        steps = conn.execute(
            "SELECT id, interview_id, sequence, modified, status, start_utc FROM steps "
            f"{where} ORDER BY start_utc, id",
            args,
        ).fetchall()
        where, args = id_filter("id", interview_ids)
        interviews = conn.execute(
            f"SELECT id, sequence, updated, start_utc FROM interviews {where} "
            "ORDER BY start_utc, id",
            args,
        ).fetchall()
        return interviews, steps

    def interview_zones(self) -> dict[str, str]:
        """The time zone of each interview (id -> IANA name)."""
        rows = cast("Store", self).conn.execute(
            "SELECT id, json_extract(data, '$.tz') FROM interviews"
        )
        return {iid: tz or "" for iid, tz in rows}


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"a text was {type(value).__name__}")
    return value
