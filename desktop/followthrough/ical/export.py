"""Writing .ics files and the subscription feed from the store, through the one mapping.

The serialized form of each event is kept while nothing it shows has changed, so exporting
again (the feed server, the window's Export) costs little more than joining bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from followthrough.core.cadence import decision_dates
from followthrough.core.messages import TemplateLibrary, render
from followthrough.core.model import StepStatus, ValidationError
from followthrough.core.settings import Settings
from followthrough.ical.mapping import (
    PRODID,
    interview_event,
    interview_uid,
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


@dataclass(frozen=True)
class _Serialized:
    key: tuple[object, ...]
    data: bytes
    zones: tuple[tuple[str, date], ...]


_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class _Row:
    """One interview or step as the store's index shows it: enough to choose and to cache."""

    id: str
    interview_id: str
    key: tuple[int, str]  # (sequence, last change): a new key means new bytes
    start: datetime
    status: StepStatus = StepStatus.PLANNED
    modified: datetime = _LONG_AGO




@dataclass(frozen=True)
class Selection:
    """Which events go into a file."""

    interview_id: str | None = None
    start: date | None = None
    end: date | None = None
    feed: bool = False  # trim what a subscribed calendar no longer needs


class Exporter:
    """Builds iCalendar data for the store's interviews, reusing unchanged events' bytes."""

    def __init__(self, store: Store, templates: TemplateLibrary | None = None) -> None:
        self.store = store
        self.templates = templates or TemplateLibrary.load(
            resource_path("templates"), store.path.parent / "templates"
        )
        self._cache: dict[str, _Serialized] = {}
        self._files: dict[str, tuple[_Serialized, str, bytes]] = {}

    def forget_cache(self) -> None:
        """Drop every reused event (after a transaction it read from was rolled back)."""
        self._cache.clear()
        self._files.clear()

    def _interview_bytes(self, stored: StoredInterview) -> _Serialized:
        iv = stored.interview
        data = to_ical(interview_event(stored))
        return _Serialized(
            (stored.sequence, utc_text(stored.modified)),
            data,
            _zones(data, iv.start.date(), iv.end.date()),
        )

    def _step_bytes(
        self, stored: StoredStep, parent: StoredInterview, settings: Settings, tz: ZoneInfo
    ) -> _Serialized:
        step = stored.step
        draft = None
        if step.status is StepStatus.PLANNED:
            stated = dict(decision_dates(parent.interview, parent.activities))
            draft = render(
                step, parent.interview, settings, self.templates, decision_date=stated.get(step.key)
            )
        data = to_ical(step_event(stored, parent.interview, tz, draft))
        start, end = step.start.astimezone(tz).date(), step.end.astimezone(tz).date()
        return _Serialized(
            (stored.sequence, stored.modified.isoformat(), parent.sequence, settings),
            data,
            _zones(data, start, end),
        )

    def select(
        self, selection: Selection, now: datetime | None = None
    ) -> list[tuple[_Row, list[_Row]]]:
        """The interviews and steps a selection keeps, in time order, read from the index."""
        now = now or datetime.now(UTC)
        tz = self.store.settings().zone
        interviews = [
            _Row(iid, iid, (seq, updated), parse_utc(start))
            for iid, seq, updated, start in self.store.interview_index()
        ]
        if selection.interview_id is not None:
            interviews = [r for r in interviews if r.id == selection.interview_id]
            if not interviews:
                raise ValidationError(f"There is no interview with id '{selection.interview_id}'.")
        steps: dict[str, list[_Row]] = {}
        for sid, iid, seq, modified, status, start in self.store.step_index(selection.interview_id):
            row = _Row(
                sid,
                iid,
                (seq, modified),
                parse_utc(start),
                StepStatus(status),
                datetime.fromisoformat(modified),
            )
            steps.setdefault(iid, []).append(row)
        chosen: list[tuple[_Row, list[_Row]]] = []
        for interview in interviews:
            own = steps.get(interview.id, [])
            if selection.feed:
                own = [
                    s
                    for s in own
                    if s.status not in (StepStatus.CANCELLED, StepStatus.SKIPPED)
                    or now - s.modified <= CANCELLED_KEPT
                ]
                open_steps = any(s.status is StepStatus.PLANNED for s in own)
                latest = max([interview.start, *(s.start for s in own)])
                if not open_steps and now - latest > FINISHED_KEPT:
                    continue
            if selection.start is not None or selection.end is not None:
                own = [s for s in own if _within(s.start.astimezone(tz), selection)]
                if not own and not _within(interview.start.astimezone(tz), selection):
                    continue
            chosen.append((interview, own))
        return chosen

    def _parts(self, chosen: list[tuple[_Row, list[_Row]]]) -> list[_Serialized]:
        """Each chosen event's bytes: from the cache when unchanged, else mapped anew."""
        return [part for _uid, part in self._keyed_parts(chosen)]

    def _keyed_parts(self, chosen: list[tuple[_Row, list[_Row]]]) -> list[tuple[str, _Serialized]]:
        """Each chosen event's UID and bytes, in file order."""
        settings = self.store.settings()
        tz = settings.zone

        def fresh(uid: str, key: tuple[object, ...]) -> bool:
            cached = self._cache.get(uid)
            return (
                cached is not None
                and cached.key[:2] == key[:2]
                and (len(cached.key) == 2 or cached.key[2:] == key[2:])
            )

        sequences = {interview.id: interview.key[0] for interview, _steps in chosen}
        stale_interviews = {
            interview.id
            for interview, steps in chosen
            if not fresh(interview_uid(interview.id), interview.key)
            or any(
                not fresh(step_uid(s.id), (*s.key, sequences[interview.id], settings))
                for s in steps
            )
        }
        loaded = {s.interview.id: s for s in self.store.stored_interviews(list(stale_interviews))}
        stale_steps = [
            s.id
            for interview, steps in chosen
            if interview.id in stale_interviews
            for s in steps
            if not fresh(step_uid(s.id), (*s.key, sequences[interview.id], settings))
        ]
        stored_steps = self.store.stored_steps(stale_steps)
        parts: list[tuple[str, _Serialized]] = []
        for interview, steps in chosen:
            uid = interview_uid(interview.id)
            if not fresh(uid, interview.key):
                self._cache[uid] = self._interview_bytes(loaded[interview.id])
            parts.append((uid, self._cache[uid]))
            for step in steps:
                uid = step_uid(step.id)
                if step.id in stored_steps:
                    self._cache[uid] = self._step_bytes(
                        stored_steps[step.id], loaded[interview.id], settings, tz
                    )
                parts.append((uid, self._cache[uid]))
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

    def ics(
        self,
        selection: Selection = Selection(),
        *,
        method: str = "",
        name: str = "",
        now: datetime | None = None,
    ) -> bytes:
        """The iCalendar file for a selection."""
        zone_name = self.store.settings().timezone
        chosen = self.select(selection, now)
        data = _assemble(self._parts(chosen), method=method, name=name, tz=zone_name)
        if selection.feed:
            while len(data) > FEED_LIMIT and len(chosen) > 1:
                # Keep the feed readable by Google: drop the interviews that ended longest ago.
                chosen = sorted(chosen, key=lambda c: c[0].start)[1:]
                data = _assemble(self._parts(chosen), method=method, name=name, tz=zone_name)
        return data

    def feed(self, now: datetime | None = None) -> bytes:
        """The subscription feed: PUBLISH, a name, a refresh interval, trimmed under 1 MB."""
        return self.ics(Selection(feed=True), method="PUBLISH", name=FEED_NAME, now=now)


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


def _assemble(parts: Iterable[_Serialized], *, method: str, name: str, tz: str) -> bytes:
    from followthrough.ical.timezones import vtimezone

    parts = list(parts)
    spans: dict[str, tuple[date, date]] = {}
    for part in parts:
        for zone, day in part.zones:
            first, last = spans.get(zone, (day, day))
            spans[zone] = (min(first, day), max(last, day))
    head = Calendar()
    head.add("PRODID", PRODID)
    head.add("VERSION", "2.0")
    head.add("CALSCALE", "GREGORIAN")
    if method:
        head.add("METHOD", method)
    if name:
        head.add("X-WR-CALNAME", name)
        head.add("X-WR-TIMEZONE", tz)
        head.add("REFRESH-INTERVAL", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        head.add("X-PUBLISHED-TTL", FEED_REFRESH)
    opening = head.to_ical()
    closing = b"END:VCALENDAR\r\n"
    assert opening.endswith(closing)
    chunks = [opening[: -len(closing)]]
    for zone in sorted(spans):
        first, last = spans[zone]
        chunks.append(to_ical(vtimezone(zone, first, last)))
    chunks.extend(part.data for part in parts)
    chunks.append(closing)
    return b"".join(chunks)
