"""Each day of a range with its steps, bounded: how many there are and the first few, read
from the steps' indexes (the window's month: a busy month costs what its cells show, not how
busy it is; docs/benchmarks.md, the window's start-up).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from followthrough.core.model import StepStatus

if TYPE_CHECKING:
    from followthrough.store.db import Store

IndexRow = tuple[str, str, int, str, str, str]  # as Store.step_index gives them


def first_steps_of_days(
    store: Store, bounds: Sequence[str], limit: int, *, cancelled: bool = False
) -> list[tuple[int, list[IndexRow]]]:
    """For each day between consecutive `bounds` (UTC instants as `utc_text` writes them), how
    many steps start in it and the index rows of the first `limit` of them, in time order
    (Store.step_index's order); cancelled ones only with `cancelled`.

    The counts come from the (status, start) index alone; the rows, from the start index, a
    day's first few read and no more.
    """
    statuses = [s.value for s in StepStatus if cancelled or s is not StepStatus.CANCELLED]
    marks = ", ".join("?" * len(statuses))
    count = (
        f"SELECT COUNT(*) FROM steps WHERE status IN ({marks}) AND start_utc >= ? "
        "AND start_utc < ?"
    )
    # "+status": not through the status index, whose rows would all be sorted for the first few.
    rows = (
        "SELECT id, interview_id, sequence, modified, status, start_utc FROM steps "
        f"WHERE start_utc >= ? AND start_utc < ? AND +status IN ({marks}) "
        "ORDER BY start_utc, id LIMIT ?"
    )
    days: list[tuple[int, list[IndexRow]]] = []
    for low, high in pairwise(bounds):
        (total,) = store.conn.execute(count, (*statuses, low, high)).fetchone()
        first = store.conn.execute(rows, (low, high, *statuses, limit)).fetchall() if total else []
        days.append((int(total), first))
    return days
