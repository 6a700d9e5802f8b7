"""Writing .ics files and the subscription feed from the store, through the one mapping.

The serialized form of each event is kept while nothing it shows has changed, so exporting
again (the feed server, the window's Export) costs little more than joining bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

from followthrough.core.cadence import decision_dates
from followthrough.core.messages import TemplateLibrary, render
from followthrough.core.model import StepStatus, ValidationError
from followthrough.core.samples import is_sample
from followthrough.core.settings import Settings
from followthrough.ical.mapping import (
    PRODID,
    Text,
    interview_event,
    interview_uid,
    parse_uid,
    step_event,
    step_uid,
)
from followthrough.ical.serialize import to_ical
from followthrough.resources import resource_path
from followthrough.store import Store, StoredInterview, StoredStep, parse_utc, utc_text

FEED_NAME = "Interview follow-ups"
FEED_LIMIT = 1_000_000  # Google Calendar stops reading subscribed feeds near 1 MB
FEED_REFRESH = "PT1H"
CANCELLED_KEPT = timedelta(days=14)  # how long a feed still shows a cancelled step
FINISHED_KEPT = timedelta(days=60)  # how long a feed keeps an interview with nothing to do
FEED_BATCH = 50  # interviews mapped at a time while the feed fills up
# The version of what `Exporter.versions` stands for: raise it when the mapping writes an
# event differently, so that every calendar gets the events again once.
FORMAT = "v1"
# RFC 5546 wants an ORGANIZER on each published event: the user, by their my-email. Without
# one, an address under .invalid (RFC 2606), which no one can receive mail at, names nobody
# else and can never be mistaken for a real one.
NO_ADDRESS = "noreply@followthrough.invalid"


@dataclass(frozen=True)
class _Serialized:
    key: tuple[object, ...]
    data: bytes
    zones: tuple[tuple[str, date], ...]


_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)
# A status as the index stores it -> the enum (StepStatus(text) costs 5 µs: 0.2 s of reading
# the index of 39,000 steps)
_STATUSES = {status.value: status for status in StepStatus}


@dataclass(frozen=True)
class _Row:
    """One interview or step as the store's index shows it: enough to choose and to cache."""

    id: str
    interview_id: str
    key: tuple[int, str]  # (sequence, last change): a new key means new bytes
    start: datetime
    status: StepStatus = StepStatus.PLANNED
    modified: datetime = _LONG_AGO




def _rows(
    interviews: Sequence[tuple[str, int, str, str]],
    steps: Sequence[tuple[str, str, int, str, str, str]],
) -> list[tuple[_Row, list[_Row]]]:
    """The store's index rows (`interview_index`, `step_index`) as each interview's row with
    its steps', in the rows' order; samples left out (made up, they stay on this computer)."""
    own: dict[str, list[_Row]] = {}
    for sid, iid, seq, modified, status, start in steps:
        own.setdefault(iid, []).append(
            _Row(
                sid,
                iid,
                (seq, modified),
                parse_utc(start),
                _STATUSES.get(status) or StepStatus(status),
                datetime.fromisoformat(modified),
            )
        )
    return [
        (_Row(iid, iid, (seq, updated), parse_utc(start)), own.get(iid, []))
        for iid, seq, updated, start in interviews
        if not is_sample(iid)
    ]


@dataclass(frozen=True)
class Selection:
    """Which events go into a file."""

    interview_id: str | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Feed:
    """The subscription feed, and how much of the store it leaves out."""

    data: bytes
    interviews: int  # in the feed
    follow_ups: int
    old_interviews: int = 0  # left out: nothing to do, the last event over FINISHED_KEPT ago
    old_follow_ups: int = 0  # their steps
    stale_follow_ups: int = 0  # left out: cancelled or skipped over CANCELLED_KEPT ago
    over_interviews: int = 0  # left out to stay under FEED_LIMIT: those furthest from today
    over_follow_ups: int = 0  # their steps

    @property
    def left_out(self) -> str:
        """One sentence: what the feed leaves out and why, or "" when it holds everything."""
        interviews = self.old_interviews + self.over_interviews
        follow_ups = self.old_follow_ups + self.stale_follow_ups + self.over_follow_ups
        what = " and ".join(
            _count(n, noun) for n, noun in ((interviews, "interview"), (follow_ups, "follow-up"))
            if n
        )
        reasons = [
            (count, reason)
            for n, count, reason in (
                (
                    self.old_interviews,
                    _count(self.old_interviews, "interview"),
                    f"finished over {FINISHED_KEPT.days} days ago",
                ),
                (
                    self.stale_follow_ups,
                    _count(self.stale_follow_ups, "follow-up"),
                    f"cancelled or skipped over {CANCELLED_KEPT.days} days ago",
                ),
                (
                    self.over_interviews,
                    f"the {_count(self.over_interviews, 'interview')}",
                    "furthest from today, to stay under the "
                    f"{FEED_LIMIT // 1_000_000} MB Google Calendar reads",
                ),
            )
            if n
        ]
        if not reasons:
            return ""
        if len(reasons) == 1:
            return f"The feed leaves out {what}: those {reasons[0][1]}."
        listed = [f"{count} {reason}" for count, reason in reasons]
        return f"The feed leaves out {what}: {', '.join(listed[:-1])} and {listed[-1]}."


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class Exporter:
    """Builds iCalendar data for the store's interviews, reusing unchanged events' bytes."""

    def __init__(self, store: Store, templates: TemplateLibrary | None = None) -> None:
        self.store = store
        self.templates = templates or TemplateLibrary.load(
            resource_path("templates"), store.path.parent / "templates"
        )
        self._cache: dict[str, _Serialized] = {}
        self._published: dict[str, _Serialized] = {}  # the same events, as the feed gives them
        self._files: dict[str, tuple[_Serialized, str, bytes]] = {}
        self._templates_mark: str | None = None
        # The last file `ics` made, with what it was made from: asked again with nothing
        # changed (every event's index key, the settings and the selection the same), it is
        # given back without going through its 8,000 events again.
        self._last_file: tuple[object, bytes] | None = None

    def forget_cache(self) -> None:
        """Drop every reused event (after a transaction it read from was rolled back)."""
        self._cache.clear()
        self._published.clear()
        self._files.clear()
        self._last_file = None

    def _interview_bytes(
        self, stored: StoredInterview, organizer: vCalAddress | None = None
    ) -> _Serialized:
        iv = stored.interview
        event = interview_event(stored)
        data = to_ical(event if organizer is None else _published(event, organizer))
        return _Serialized(
            (stored.sequence, utc_text(stored.modified), *_organizer_key(organizer)),
            data,
            _zones(data, iv.start.date(), iv.end.date()),
        )

    def _step_bytes(
        self,
        stored: StoredStep,
        parent: StoredInterview,
        settings: Settings,
        tz: ZoneInfo,
        organizer: vCalAddress | None = None,
    ) -> _Serialized:
        step = stored.step
        draft = None
        if step.status is StepStatus.PLANNED:
            stated = dict(decision_dates(parent.interview, parent.activities))
            draft = render(
                step, parent.interview, settings, self.templates, decision_date=stated.get(step.key)
            )
        event = step_event(stored, parent.interview, tz, draft)
        data = to_ical(event if organizer is None else _published(event, organizer))
        start, end = step.start.astimezone(tz).date(), step.end.astimezone(tz).date()
        return _Serialized(
            (stored.sequence, stored.modified.isoformat(), parent.sequence, settings,
             *_organizer_key(organizer)),
            data,
            _zones(data, start, end),
        )

    def select(self, selection: Selection) -> list[tuple[_Row, list[_Row]]]:
        """The interviews and steps a selection keeps, in time order, read from the index."""
        if selection.interview_id is not None and is_sample(selection.interview_id):
            raise ValidationError(
                "The sample interview stays on this computer: it is never exported."
            )
        chosen = _rows(
            self.store.interview_index(), self.store.step_index(selection.interview_id)
        )
        if selection.interview_id is not None:
            chosen = [c for c in chosen if c[0].id == selection.interview_id]
            if not chosen:
                raise ValidationError(f"There is no interview with id '{selection.interview_id}'.")
        if selection.start is None and selection.end is None:
            return chosen
        tz = self.store.settings().zone
        kept: list[tuple[_Row, list[_Row]]] = []
        for interview, steps in chosen:
            own = [s for s in steps if _within(s.start.astimezone(tz), selection)]
            if own or _within(interview.start.astimezone(tz), selection):
                kept.append((interview, own))
        return kept

    def _parts(
        self, chosen: list[tuple[_Row, list[_Row]]], organizer: vCalAddress | None = None
    ) -> list[_Serialized]:
        """Each chosen event's bytes: from the cache when unchanged, else mapped anew; with
        `organizer`, as a published feed gives them (see `_published`)."""
        return [part for _uid, part in self._keyed_parts(chosen, organizer)]

    def _keyed_parts(
        self, chosen: list[tuple[_Row, list[_Row]]], organizer: vCalAddress | None = None
    ) -> list[tuple[str, _Serialized]]:
        """Each chosen event's UID and bytes, in file order."""
        settings = self.store.settings()
        tz = settings.zone
        cache = self._cache if organizer is None else self._published
        extra = _organizer_key(organizer)

        def fresh(uid: str, key: tuple[object, ...]) -> bool:
            cached = cache.get(uid)
            return (
                cached is not None
                and cached.key[:2] == key[:2]
                and (len(cached.key) == 2 or cached.key[2:] == key[2:])
            )

        sequences = {interview.id: interview.key[0] for interview, _steps in chosen}
        stale_interviews = {
            interview.id
            for interview, steps in chosen
            if not fresh(interview_uid(interview.id), (*interview.key, *extra))
            or any(
                not fresh(step_uid(s.id), (*s.key, sequences[interview.id], settings, *extra))
                for s in steps
            )
        }
        loaded = {s.interview.id: s for s in self.store.stored_interviews(list(stale_interviews))}
        stale_steps = [
            s.id
            for interview, steps in chosen
            if interview.id in stale_interviews
            for s in steps
            if not fresh(step_uid(s.id), (*s.key, sequences[interview.id], settings, *extra))
        ]
        stored_steps = self.store.stored_steps(stale_steps)
        parts: list[tuple[str, _Serialized]] = []
        for interview, steps in chosen:
            uid = interview_uid(interview.id)
            if not fresh(uid, (*interview.key, *extra)):
                cache[uid] = self._interview_bytes(loaded[interview.id], organizer)
            parts.append((uid, cache[uid]))
            for step in steps:
                uid = step_uid(step.id)
                if step.id in stored_steps:
                    cache[uid] = self._step_bytes(
                        stored_steps[step.id], loaded[interview.id], settings, tz, organizer
                    )
                parts.append((uid, cache[uid]))
        return parts

    def event_files(self) -> dict[str, tuple[str, bytes]]:
        """Every interview's and step's event as a file of its own, for a CalDAV server.

        UID -> (SHA-256 of the file, the file): PRODID, VERSION, the time zones the event
        names and the one VEVENT; no METHOD, which CalDAV servers refuse in a stored object.
        Nothing is trimmed, whatever its status. An event's file (and so its hash) stays
        the same bytes while nothing it shows has changed.
        """
        zone_name = self.store.settings().timezone
        files: dict[str, tuple[str, bytes]] = {}
        for uid, part in self._keyed_parts(self.select(Selection())):
            known = self._files.get(uid)
            if known is None or known[0] is not part:
                data = _assemble([part], method="", name="", tz=zone_name)
                known = (part, hashlib.sha256(data).hexdigest(), data)
                self._files[uid] = known
            files[uid] = (known[1], known[2])
        for gone in self._files.keys() - files.keys():
            del self._files[gone]
        return files

    def versions(self) -> dict[str, str]:
        """UID -> the version of each event's file, from the store's index alone.

        A version changes whenever the file would: with the event's SEQUENCE and last change,
        and for a step with its interview's SEQUENCE, the settings and the message templates
        too. A sync tells what to send, and what it already sent, without rendering an event.
        """
        mark = self.settings_mark()
        found: dict[str, str] = {}
        sequences: dict[str, int] = {}  # of the interviews a file holds (`select`'s)
        for iid, sequence, changed, _start in self.store.interview_index():
            if not is_sample(iid):
                sequences[iid] = sequence
                found[interview_uid(iid)] = f"{FORMAT}:{sequence}:{changed}"
        for sid, iid, sequence, modified, _status, _start in self.store.step_index():
            parent = sequences.get(iid)
            if parent is not None:
                found[step_uid(sid)] = f"{FORMAT}:{sequence}:{modified}:{parent}:{mark}"
        return found

    def settings_mark(self) -> str:
        """A short digest of what, besides the store's rows, a step's file shows."""
        if self._templates_mark is None:
            # What each template says, not where it lies: the same app in another folder (a
            # reinstall, a move) sends nothing again.
            texts = sorted(
                (name, repr((t.subject, t.body, t.builtin)))
                for name, t in self.templates.templates.items()
            )
            self._templates_mark = repr((texts, sorted(self.templates.broken)))
        text = repr((self.store.settings(), self._templates_mark))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def files_for(self, uids: Iterable[str]) -> dict[str, bytes]:
        """The files of the given events only (see `event_files`), rendered or reused."""
        wanted = set(uids)
        # Read from the index for these events' interviews only, not for all.
        ids = sorted({parsed[0] for uid in wanted if (parsed := parse_uid(uid)) is not None})
        chosen = [
            (interview, [s for s in steps if step_uid(s.id) in wanted])
            for interview, steps in _rows(*self.store.index_of(ids))
        ]
        zone_name = self.store.settings().timezone
        return {
            uid: _assemble([part], method="", name="", tz=zone_name)
            for uid, part in self._keyed_parts(chosen)
            if uid in wanted
        }

    def ics(self, selection: Selection = Selection()) -> bytes:
        """The iCalendar file for a selection: everything it keeps, nothing trimmed."""
        settings = self.store.settings()
        chosen = self.select(selection)
        made_of = (
            selection,
            settings,
            [(i.id, i.key, [(s.id, s.key) for s in steps]) for i, steps in chosen],
        )
        if self._last_file is not None and self._last_file[0] == made_of:
            return self._last_file[1]
        data = _assemble(self._parts(chosen), method="", name="", tz=settings.timezone)
        self._last_file = (made_of, data)
        return data

    def feed(self, now: datetime | None = None) -> bytes:
        """The subscription feed's bytes (see `build_feed`)."""
        return self.build_feed(now).data

    def build_feed(self, now: datetime | None = None) -> Feed:
        """The subscription feed: PUBLISH, a name, a refresh interval, under FEED_LIMIT bytes.

        An interview finished over FINISHED_KEPT ago and a step cancelled or skipped over
        CANCELLED_KEPT ago are left out. Then the most useful come first (see `_usefulness`):
        each interview's events are mapped, or taken from the cache, in that order, a batch
        at a time, until the next interview would not fit; the file is assembled once, in
        time order (so its bytes, and its ETag, change only when what it holds changes).
        """
        now = now or datetime.now(UTC)
        settings = self.store.settings()
        current: list[tuple[_Row, list[_Row]]] = []
        old_interviews = old_follow_ups = stale_follow_ups = 0
        for interview, steps in self.select(Selection()):
            own = [
                s
                for s in steps
                if s.status not in (StepStatus.CANCELLED, StepStatus.SKIPPED)
                or now - s.modified <= CANCELLED_KEPT
            ]
            latest = max([interview.start, *(s.start for s in own)])
            open_steps = any(s.status is StepStatus.PLANNED for s in own)
            if not open_steps and now - latest > FINISHED_KEPT:
                old_interviews += 1
                old_follow_ups += len(steps)
                continue
            stale_follow_ups += len(steps) - len(own)
            current.append((interview, own))
        order = {interview.id: n for n, (interview, _steps) in enumerate(current)}
        current.sort(key=lambda chosen: _usefulness(chosen, now))
        opening = _opening(method="PUBLISH", name=FEED_NAME, tz=settings.timezone)
        room = FEED_LIMIT - len(opening) - len(_CLOSING)
        organizer = _organizer(settings)
        kept: list[tuple[int, list[_Serialized]]] = []  # (time order, the events)
        years: dict[str, tuple[int, int]] = {}  # the years each zone's VTIMEZONE covers
        fitted = follow_ups = 0
        full = False
        for at in range(0, len(current), FEED_BATCH):
            batch = current[at : at + FEED_BATCH]
            mapped = iter(self._parts(batch, organizer))
            for interview, steps in batch:
                events = [next(mapped) for _ in range(1 + len(steps))]
                grown = _grown_years(years, events)
                size = sum(len(part.data) for part in events) + sum(
                    len(_zone_block(zone, *span))
                    - (len(_zone_block(zone, *years[zone])) if zone in years else 0)
                    for zone, span in grown.items()
                )
                if size > room:
                    full = True
                    break
                room -= size
                years.update(grown)
                kept.append((order[interview.id], events))
                fitted += 1
                follow_ups += len(steps)
            if full:
                break
        parts = [part for _n, events in sorted(kept, key=lambda k: k[0]) for part in events]
        data = _assemble(parts, method="PUBLISH", name=FEED_NAME, tz=settings.timezone)
        assert len(data) <= FEED_LIMIT, "the feed's size was reckoned wrong"
        left = current[fitted:]
        return Feed(
            data,
            interviews=fitted,
            follow_ups=follow_ups,
            old_interviews=old_interviews,
            old_follow_ups=old_follow_ups,
            stale_follow_ups=stale_follow_ups,
            over_interviews=len(left),
            over_follow_ups=sum(len(steps) for _interview, steps in left),
        )


def _usefulness(chosen: tuple[_Row, list[_Row]], now: datetime) -> tuple[int, float]:
    """How soon a subscribed calendar needs an interview, smallest first.

    First what is still to do (a follow-up still planned, or the interview itself still to
    come), by how near to now the nearest of it is, overdue or not; then the rest, newest
    first, by how long ago its last event was.
    """
    interview, steps = chosen
    to_do = [s.start for s in steps if s.status is StepStatus.PLANNED]
    if interview.start >= now:
        to_do.append(interview.start)
    if to_do:
        return 0, min(abs((moment - now).total_seconds()) for moment in to_do)
    latest = max([interview.start, *(s.start for s in steps)])
    return 1, (now - latest).total_seconds()


def _organizer(settings: Settings) -> vCalAddress:
    """The ORGANIZER of the feed's events: the user, by my-email, or NO_ADDRESS."""
    organizer = vCalAddress(f"mailto:{settings.my_email or NO_ADDRESS}")
    organizer.params["CN"] = settings.my_name or "Followthrough"
    return organizer


def _organizer_key(organizer: vCalAddress | None) -> tuple[str, ...]:
    """What a cached event made with `organizer` depends on beyond the store's own key."""
    return () if organizer is None else (str(organizer), str(organizer.params["CN"]))


def _published(event: Event, organizer: vCalAddress) -> Event:
    """The event as a published feed (METHOD:PUBLISH) gives it, by RFC 5546: the user as its
    ORGANIZER, no ATTENDEE. Import reads the interviewers from X-FOLLOWTHROUGH-INTERVIEWER,
    which stays, so a feed imports back whole."""
    event.pop("ATTENDEE", None)
    event.add("ORGANIZER", organizer)
    return event


_TZID = re.compile(rb";TZID=\"?([^\":;]+)\"?[:;]")


def _zones(data: bytes, first: date, last: date) -> tuple[tuple[str, date], ...]:
    """The zones an event's times name (times in UTC need none), with its first and last day."""
    names = {m.decode() for m in _TZID.findall(data)}
    return tuple((name, day) for name in sorted(names) for day in (first, last))


def _within(moment: datetime, selection: Selection) -> bool:
    day = moment.date()
    if selection.start is not None and day < selection.start:
        return False
    return not (selection.end is not None and day > selection.end)


_CLOSING = b"END:VCALENDAR\r\n"


@lru_cache(maxsize=16)
def _opening(*, method: str, name: str, tz: str) -> bytes:
    """A file's first lines, up to its first VTIMEZONE or event."""
    head = Calendar()
    head.add("PRODID", PRODID)
    head.add("VERSION", "2.0")
    head.add("CALSCALE", "GREGORIAN")
    if method:
        head.add("METHOD", method)
    if name:
        head.add("X-WR-CALNAME", Text(name))
        head.add("X-WR-TIMEZONE", tz)
        head.add("REFRESH-INTERVAL", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        head.add("X-PUBLISHED-TTL", FEED_REFRESH)
    opening: bytes = head.to_ical()
    assert opening.endswith(_CLOSING)
    return opening[: -len(_CLOSING)]


@lru_cache(maxsize=512)
def _zone_block(zone: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of `zone` for those years (it depends on the years only)."""
    from followthrough.ical.timezones import vtimezone

    return to_ical(vtimezone(zone, date(first_year, 1, 1), date(last_year, 1, 1)))


def _years(parts: Iterable[_Serialized]) -> dict[str, tuple[int, int]]:
    """The first and last year each zone the parts name must cover."""
    return _grown_years({}, parts)


def _grown_years(
    years: dict[str, tuple[int, int]], parts: Iterable[_Serialized]
) -> dict[str, tuple[int, int]]:
    """The zones whose years `parts` add to `years`, with their new first and last year."""
    grown: dict[str, tuple[int, int]] = {}
    for part in parts:
        for zone, day in part.zones:
            first, last = grown.get(zone) or years.get(zone) or (day.year, day.year)
            if not first <= day.year <= last or zone not in years:
                grown[zone] = (min(first, day.year), max(last, day.year))
    return grown


def _assemble(parts: Iterable[_Serialized], *, method: str, name: str, tz: str) -> bytes:
    parts = list(parts)
    years = _years(parts)
    chunks = [_opening(method=method, name=name, tz=tz)]
    chunks.extend(_zone_block(zone, *years[zone]) for zone in sorted(years))
    chunks.extend(part.data for part in parts)
    chunks.append(_CLOSING)
    return b"".join(chunks)
