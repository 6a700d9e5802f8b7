"""Each day of a range with its steps, bounded: how many there are and the first few, read
from the steps' indexes (the window's month: a busy month costs what its cells show, not how
busy it is; docs/benchmarks.md, the window's start-up).
"""

from __future__ import annotations

import json
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

    One statement, whose one row holds every day's answer as JSON: SQLite works through the
    range's rows by the start index, and Python takes the lock back once. The window reads
    this on its thread, also while a sync or an export runs beside it; each row of an answer
    read one by one gave Python's lock up and waited a turn of that work to take it back (a
    month read as 42 counts and up to 672 rows held the window for seconds).
    """
    days = list(pairwise(bounds))
    if not days:
        return []
    statuses = [s.value for s in StepStatus if cancelled or s is not StepStatus.CANCELLED]
    marks = ", ".join("?" * len(statuses))
    values = ", ".join("(?, ?, ?)" for _ in days)
    # Each day's count from the (status, start) index alone, and its first rows from the start
    # index ("+status": not through the status index, whose rows would all be sorted first).
    # "LIMIT -1" keeps SQLite from folding `counted` into the join, which counted each day
    # again for each of its rows (a month of 5,000 interviews: 10 ms, now 4).
    query = (
        f"WITH bounds(day, low, high) AS (VALUES {values}), "
        "counted AS (SELECT day, low, high, (SELECT count(*) FROM steps "
        f"WHERE status IN ({marks}) AND start_utc >= low AND start_utc < high) AS total "
        "FROM bounds LIMIT -1) "
        "SELECT json_group_array(json_array(day, total, id, interview_id, sequence, "
        "modified, status, start_utc)) FROM (SELECT c.day, c.total, s.id, s.interview_id, "
        "s.sequence, s.modified, s.status, s.start_utc FROM counted AS c "
        "JOIN steps AS s ON s.id IN (SELECT id FROM steps WHERE start_utc >= c.low "
        f"AND start_utc < c.high AND +status IN ({marks}) ORDER BY start_utc, id LIMIT ?) "
        "WHERE c.total > 0 ORDER BY c.day, s.start_utc, s.id)"
    )
    args: list[object] = [part for n, (low, high) in enumerate(days) for part in (n, low, high)]
    (found,) = store.conn.execute(query, (*args, *statuses, *statuses, limit)).fetchone()
    answer: list[tuple[int, list[IndexRow]]] = [(0, []) for _ in days]
    for day, total, *row in json.loads(found or "[]"):
        answer[day] = (int(total), answer[day][1])
        answer[day][1].append((row[0], row[1], int(row[2]), row[3], row[4], row[5]))
    return answer
