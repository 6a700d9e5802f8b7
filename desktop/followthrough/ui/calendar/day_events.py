"""One day's events as the store's index rows, each built (decoded) when first asked for.

A month of a large store holds thousands of steps, of which a cell shows a handful and counts
the rest ("+N more"): `DayEvents` knows how many a day has and the index rows of its first
few, and decodes only the events that are looked at, so that showing a month costs what it
shows, not how busy it is (docs/benchmarks.md, the window's start-up). The rest of a busy
day's rows are read when something asks for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from followthrough.ui.calendar.events import CalendarEvent

Entry = tuple[str, int, str, tuple[Any, ...]]
"""(start in UTC as the store writes it, 0 for an interview or 1 for a step, id, index row):
sorted, they are the events' order (`EventCache.events`: by start, interviews first, by id)."""

Builder = Callable[[Sequence[Entry]], dict[tuple[int, str], CalendarEvent]]
"""Builds the events of some entries, keyed by (kind, id); one it cannot build (a step deleted
since its row was read) is left out."""


class DayEvents(Sequence[CalendarEvent]):
    """A day's events in time order; an event is built the first time it is asked for.

    `entries` are the first of the day's `total` events (all of them without `complete`,
    which reads every entry of the day when one past them is asked for). The length comes
    from the count, the ids from the rows, without building anything. An event that can no
    longer be built (deleted meanwhile by another process) drops out of the day: the window
    reloads the store's changes a moment later anyway.
    """

    __slots__ = ("_build", "_complete", "_entries", "_events")

    def __init__(
        self,
        entries: list[Entry],
        build: Builder,
        total: int | None = None,
        complete: Callable[[], list[Entry]] | None = None,
    ) -> None:
        self._entries = entries
        self._events: list[CalendarEvent | None] = [None] * (
            len(entries) if total is None else total
        )
        self._build = build
        self._complete = complete if total is not None and total > len(entries) else None

    def __len__(self) -> int:
        return len(self._events)

    @property
    def ids(self) -> list[str]:
        self._known(len(self._events))
        return [entry[2] for entry in self._entries]

    def has(self, ident: str) -> bool:
        """Whether the day has the event `ident` (its other rows read only if not among the
        first)."""
        if any(entry[2] == ident for entry in self._entries):
            return True
        return self._complete is not None and ident in self.ids

    @property
    def built(self) -> int:
        """How many of the day's events were built so far."""
        return sum(event is not None for event in self._events)

    def _known(self, stop: int) -> None:
        """Read the rest of the day's entries if `stop` goes past those known."""
        if stop <= len(self._entries):
            return
        if self._complete is not None:
            complete, self._complete = self._complete, None
            built = {(e[1], e[2]): ev for e, ev in zip(self._entries, self._events, strict=False)}
            self._entries = complete()
            self._events = [built.get((entry[1], entry[2])) for entry in self._entries]
        del self._events[len(self._entries) :]  # fewer than counted: changed meanwhile

    @overload
    def __getitem__(self, item: int) -> CalendarEvent: ...

    @overload
    def __getitem__(self, item: slice) -> list[CalendarEvent]: ...

    def __getitem__(self, item: int | slice) -> CalendarEvent | list[CalendarEvent]:
        if isinstance(item, slice):
            while True:
                rows = range(*item.indices(len(self._events)))
                if self._fill(rows):
                    return [self._events[row] for row in rows]  # type: ignore[misc]
        while True:
            row = item + len(self._events) if item < 0 else item
            if not 0 <= row < len(self._events):
                raise IndexError("day event index out of range")
            if self._fill(range(row, row + 1)):
                return self._events[row]  # type: ignore[return-value]

    def __iter__(self) -> Iterator[CalendarEvent]:
        return iter(self[:])

    def _wanted(self, rows: range) -> list[int]:
        """The rows of `rows` whose events are not built yet (their entries read first)."""
        if rows:
            self._known(max(rows) + 1)
        return [row for row in rows if row < len(self._entries) and self._events[row] is None]

    def _fill(self, rows: range) -> bool:
        """Build the events of `rows` not built yet; False when some could not be (they were
        dropped, and the rows now point elsewhere)."""
        wanted = self._wanted(rows)
        if wanted:
            built = self._build([self._entries[row] for row in wanted])
            self._keep(wanted, built)
        return self._drop_missing(rows)

    def _keep(self, wanted: list[int], built: dict[tuple[int, str], CalendarEvent]) -> None:
        for row in wanted:
            entry = self._entries[row]
            self._events[row] = built.get((entry[1], entry[2]))

    def _drop_missing(self, rows: range) -> bool:
        if rows and max(rows) >= len(self._events):
            return False  # the day is shorter than it was: the caller asks again
        missing = {row for row in rows if self._events[row] is None}
        if not missing:
            return True
        kept = [n for n in range(len(self._entries)) if n not in missing]
        self._entries = [self._entries[n] for n in kept]
        self._events = [self._events[n] for n in kept]
        return False


def build_together(parts: Sequence[tuple[Sequence[CalendarEvent], range]]) -> None:
    """Build the events of some rows of several days in one go (one read of the store, not
    one a day), for a grid about to show them; plain lists are built already."""
    wanted = [
        (day, day._wanted(rows)) for day, rows in parts if isinstance(day, DayEvents)
    ]
    entries = [day._entries[row] for day, rows in wanted for row in rows]
    if not entries:
        return
    built = wanted[0][0]._build(entries)
    for day, rows in wanted:
        day._keep(rows, built)
