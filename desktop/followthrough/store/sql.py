"""WHERE clauses the store's queries share: by a list of ids, and by the steps' index columns."""

from __future__ import annotations

import json
from collections.abc import Sequence


def id_filter(column: str, ids: Sequence[str] | None) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause keeping rows whose `column` is in `ids` (all rows for None)."""
    if ids is None:
        return "", ()
    ids = tuple(ids)
    if not ids:
        return "WHERE 0", ()
    # json_each keeps one bound parameter however many ids there are.
    return f"WHERE {column} IN (SELECT value FROM json_each(?))", (json.dumps(ids),)


def step_filter(
    interview_id: str | None,
    status: str | None = None,
    low: str | None = None,
    high: str | None = None,
    *,
    not_status: str | None = None,
) -> tuple[str, list[str]]:
    """A WHERE clause (with a leading space, or nothing) for the steps' index columns."""
    clauses: list[str] = []
    args: list[str] = []
    for clause, value in (
        ("interview_id = ?", interview_id),
        ("status = ?", status),
        ("status != ?", not_status),
        ("start_utc >= ?", low),
        ("start_utc < ?", high),
    ):
        if value is not None:
            clauses.append(clause)
            args.append(value)
    return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), args
