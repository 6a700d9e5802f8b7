"""Where one interview's steps fall, as the people who receive them see it.

The planner says how early a step may come; `Spacing.place` finds its start: in the hours
the recipient works as well as the user's (`workdays.Reach`), never on a day when the same
person already gets a message of this interview, never at the same minute as another of its
steps, and spread over the morning rather than stacked on its first minute (the setting
spread-steps). Each rule that pushed a step says so in a sentence for "why then".
"""

from __future__ import annotations

import zlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from followthrough.core.model import Interview, Interviewer, StepChannel, local_datetime
from followthrough.core.shown_dates import time_of_day
from followthrough.core.workdays import (
    GRAIN,
    MORNING,
    SlotKind,
    Window,
    WorkCalendar,
    holiday_names,
)
from followthrough.core.zones import countries, place

UTC = ZoneInfo("UTC")
YOUR_HOURS = ", in your working hours."  # how the planner's "why then" ends its first sentence


def slot_kind(channel: StepChannel) -> SlotKind:
    """A call needs the person there; a message reaches them when it arrives; a letter is
    posted in the user's own hours."""
    if channel is StepChannel.LETTER:
        return "mine"
    return "call" if channel is StepChannel.PHONE else "message"


_KINDS: dict[StepChannel, SlotKind] = {channel: slot_kind(channel) for channel in StepChannel}


# (sentence, window mode, place) -> the sentence naming whose hours: the same few for all
_EXPLAINED: dict[tuple[str, str, str], str] = {}
# (place, their hour, minute, kind) -> apart_note's sentence: the same few for all
_APART: dict[tuple[str, int, int, str], tuple[str, ...]] = {}


class Placed:
    """Where a step was placed: its start, the window it starts in, and what moved it there.
    (A plain class: compiled, it is a C struct; a NamedTuple is made through Python code.)"""

    def __init__(self, start: datetime, window: Window, notes: tuple[str, ...]) -> None:
        self.start = start
        self.window = window
        self.notes = notes


class Spacing:
    """The steps of one interview already placed (or fixed by the user), and where the next
    one may go."""

    def __init__(
        self,
        interview: Interview,
        cal: WorkCalendar,
        spread: bool,
        fixed: dict[str, datetime],
    ) -> None:
        self.iv = interview
        self.cal = cal
        self.spread = spread
        self.employer = ZoneInfo(interview.tz)
        self.reach = cal.reach(interview.tz, interview.employer_country)
        self.where = place(interview.tz)  # "New York"
        self._people = {p.key for p in interview.interviewers}
        self._primary = interview.primary.key
        self._seed = zlib.crc32(f"{interview.id}.".encode())  # of "<id>.<step key>", see _place
        self._whom: dict[str, str] = {}
        self._midnight: dict[date, datetime] = {}
        # step key -> (its start as given, in UTC, the person it is addressed to, the day where
        # they are), and how many steps each start and each (person, day) has
        self.taken: dict[str, tuple[datetime, datetime, str, date]] = {}
        self._starts: dict[datetime, int] = {}
        self._days: dict[tuple[str, date], int] = {}
        # The last placement, until a step is held: the planner asks twice for a chaser.
        self._last: tuple[tuple[object, ...], Placed] | None = None
        # The start last looked at, in UTC and its day where the employer is: the step placed
        # there is held there next (the same object: a fold's two hours are not confused).
        self._seen: tuple[datetime, datetime, date] | None = None
        for key, moment in fixed.items():
            self.hold(key, moment)

    def person_of(self, key: str) -> str:
        """Whom a step is addressed to, from its key (thank-you.p2 -> p2; else the main one)."""
        found = self._whom.get(key)
        if found is None:
            suffix = key.rpartition(".")[2]
            found = suffix if "." in key and suffix in self._people else self._primary
            self._whom[key] = found
        return found

    def hold(self, key: str, start: datetime | None) -> None:
        """Record where a step stands (None: it is not sent, so it takes no day or minute)."""
        self._last = None
        old = self.taken.pop(key, None)
        if old is not None:
            if old[0] is start:  # kept again where it stood (a cancelled step keeps its time)
                self.taken[key] = old
                return
            self._count(old, -1)
        if start is not None:
            moment, their_day = self._where(start)
            who = self._whom.get(key) or self.person_of(key)
            self.taken[key] = (start, moment, who, their_day)
            starts, days = self._starts, self._days  # as _count(..., 1) does
            starts[moment] = starts.get(moment, 0) + 1
            days[(who, their_day)] = days.get((who, their_day), 0) + 1

    def _where(self, start: datetime) -> tuple[datetime, date]:
        """`start` in UTC (equal instants hash alike) and its day where the employer is."""
        seen = self._seen
        if seen is not None and seen[0] is start:
            return seen[1], seen[2]
        moment, their_day = start.astimezone(UTC), start.astimezone(self.employer).date()
        self._seen = (start, moment, their_day)
        return moment, their_day

    def _count(self, taken: tuple[datetime, datetime, str, date], change: int) -> None:
        _start, moment, who, their_day = taken
        self._starts[moment] = self._starts.get(moment, 0) + change
        self._days[(who, their_day)] = self._days.get((who, their_day), 0) + change

    def place(
        self, key: str, person: Interviewer, channel: StepChannel, duration: timedelta,
        earliest: datetime,
    ) -> Placed:  # fmt: skip
        """The first start from `earliest` that keeps every rule of this module."""
        asked = (key, person.key, channel, duration, earliest)
        if self._last is not None and self._last[0] == asked:
            return self._last[1]
        placed = self._place(key, person, channel, duration, earliest)
        self._last = (asked, placed)
        return placed

    def _place(
        self, key: str, person: Interviewer, channel: StepChannel, duration: timedelta,
        earliest: datetime,
    ) -> Placed:  # fmt: skip
        kind = _KINDS.get(channel) or slot_kind(channel)
        spread = zlib.crc32(key.encode(), self._seed) if self.spread else None
        own = self.taken.get(key)  # where it stood: not a clash with itself
        if own is not None:
            self._count(own, -1)
        notes: list[str] = []
        start, window = self.reach.next_slot(earliest, duration, kind, spread)
        first_try, first_window = start, window
        for _ in range(4 * len(self.taken) + 4 if self.taken else 0):  # each clash moves it on
            moment, day = self._where(start)
            if self._days.get((person.key, day)):
                at = self.midnight(day + timedelta(days=1))
                note = f"Moved to another day: one message a day to {person.name}."
            elif self._starts.get(moment):
                at = start + GRAIN
                note = "Set five minutes after another step of this interview: never two at once."
            else:
                break
            if note not in notes:
                notes.append(note)
            start, window = self.reach.next_slot(at, duration, kind, spread)
        if own is not None:
            self._count(own, 1)
        if window.mode == "theirs":
            hours = self.apart_note(start, kind)
        else:
            hours = self.moved_note(first_try, first_window, earliest, duration)
        return Placed(start, window, (*hours, *notes))

    def midnight(self, day: date) -> datetime:
        """When `day` begins where the employer is."""
        found = self._midnight.get(day)
        if found is None:
            found = self._midnight[day] = local_datetime(day, 0, 0, self.employer)
        return found

    def explain(self, why: str, placed: Placed) -> str:
        """`why` with where the recipients' hours put the step and what pushed it."""
        mode = placed.window.mode
        if mode == "theirs" or (mode == "both" and self.reach.theirs.tz.key != self.cal.tz.key):
            asked = (why, mode, self.where)
            found = _EXPLAINED.get(asked)
            if found is None:
                if len(_EXPLAINED) >= 4096:
                    _EXPLAINED.clear()
                found = _EXPLAINED[asked] = self._hours(why, mode)
            why = found
        return " ".join([why, *placed.notes]) if placed.notes else why

    def _hours(self, why: str, mode: str) -> str:
        where = self.where
        if mode == "theirs":
            return why.replace(YOUR_HOURS, f", in the working hours in {where}.", 1)
        return why.replace(YOUR_HOURS, f", in your working hours and {where}'s.", 1)

    def apart_note(self, start: datetime, kind: SlotKind) -> tuple[str, ...]:
        """Why a step keeps to the recipient's hours only."""
        there = start.astimezone(self.employer)
        asked = (self.where, there.hour, there.minute, kind)
        found = _APART.get(asked)
        if found is None:
            if len(_APART) >= 4096:
                _APART.clear()
            found = _APART[asked] = self._apart_note(time_of_day(there), kind)
        return found

    def _apart_note(self, clock: str, kind: SlotKind) -> tuple[str, ...]:
        apart = f"Your working hours and theirs in {self.where} overlap by less than an hour"
        if kind == "call":
            return (f"{apart}: the call falls in their working hours ({clock} there).",)
        return (
            f"{apart}: it is timed for the start of their morning ({clock} there); "
            "write it in your day and schedule it to send then.",
        )

    def moved_note(
        self, start: datetime, window: Window, earliest: datetime, duration: timedelta
    ) -> tuple[str, ...]:
        """Why the recipients' hours or holidays put a step at `start` (in `window`, before the
        rules of spacing moved it on), when the user's hours alone would have put it on an
        earlier day, or later that day than spreading over the morning could."""
        if window.mode != "both":
            return ()
        cal = self.cal
        local = earliest.astimezone(cal.tz)
        day = start.astimezone(cal.tz).date()
        mine = local.date()  # the first of the user's days that had room for it
        while mine < day and not (
            cal.is_workday(mine) and (mine > local.date() or local <= cal.day_end(mine) - duration)
        ):
            mine += timedelta(days=1)
        opens = max(local, cal.day_start(mine))
        if mine == day and start <= opens + MORNING:
            return ()
        their_day = opens.astimezone(self.employer).date()
        country = self.iv.employer_country
        holiday = holiday_names(country, "", their_day.year).get(their_day) if country else None
        if holiday and their_day.weekday() < 5:
            name = countries().get(country, country)
            return (f"Moved past {holiday}, a public holiday in {name}.",)
        return (f"Moved into the hours they work in {self.where} as well as yours.",)
