"""The store's steps and interviews as calendar events, read per date range and kept.

`EventCache` asks the store for the index rows (id, SEQUENCE, status, start) of the range on
screen, steps' and interviews' alike, and loads full steps and interviews only for those,
keeping them while their SEQUENCE is unchanged: switching month re-reads nothing that was
already seen. Nothing is read whole for the first paint: what it costs does not grow with the
store. The Qt models of the package are plain views of what the cache returns.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from followthrough.core.model import Interview, StepStatus, ValidationError, local_datetime
from followthrough.core.samples import is_sample
from followthrough.store import Store, StoredInterview, StoredStep, utc_text
from followthrough.store.days import first_steps_of_days
from followthrough.ui.calendar.day_events import DayEvents, Entry, build_together
from followthrough.ui.calendar.events import (
    INTERVIEW_KIND,
    CalendarEvent,
    EventStatus,
    display_status,
    tr,
)
from followthrough.ui.calendar.pipeline import (
    PipelineEntry,
    PipelineState,
    pipeline_entries,
    pipeline_state,
)


class EventCache:
    """The store's steps and interviews as calendar events, read per range and kept while unchanged.

    No Qt: the models ask it for the events of the days they show. `refresh()` after any
    change forgets the interviews' versions it knew; each is asked again (by id, a batch at a
    time) on its next use, and entries whose SEQUENCE moved are re-read then.
    """

    def __init__(self, store: Store, clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self._clock = clock or (lambda: datetime.now(UTC))
        self._holidays_loaded = False
        self._tz = ZoneInfo("UTC")
        self._interview_count = 0
        # Each interview's (SEQUENCE, updated) as read since the last refresh (None: none such).
        self._versions: dict[str, tuple[int, str] | None] = {}
        self._steps: dict[str, tuple[int, StoredStep]] = {}
        self._interviews: dict[str, tuple[tuple[int, str], StoredInterview]] = {}
        self._drafts: dict[str, tuple[object, str]] = {}
        self._built: dict[str, tuple[object, CalendarEvent]] = {}
        self._built_interviews: dict[str, tuple[object, CalendarEvent]] = {}
        self._templates: Any = None
        self.refresh()

    # -- reading --------------------------------------------------------------------------
    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    def now(self) -> datetime:
        return self._clock().astimezone(self._tz)

    def today(self) -> date:
        return self.now().date()

    def refresh(self) -> None:
        """Re-read what tells a change (after any change to the store).

        Steps and interviews are read per range, each with its SEQUENCE, so only the settings
        and the interviews' count are read here, no row of either table (the steps' count only
        once more than a thousand are kept). The interviews' versions known so far are
        forgotten, to be asked again (by id) on their next use; kept steps and interviews are
        checked then.
        """
        self._tz = self.store.settings().zone
        self._interview_count = self.store.interview_count()
        self._versions.clear()
        kept = len(self._steps)
        if kept > 1000 and kept > 2 * self.store.step_count() + 1000:  # after many deletions
            self._steps.clear()  # start over
            self._built.clear()
        if len(self._interviews) > 2 * self._interview_count + 1000:  # likewise
            self._interviews.clear()
            self._built_interviews.clear()

    @property
    def interview_count(self) -> int:
        return self._interview_count

    def _bounds(self, first: date, last: date) -> tuple[str, str]:
        start = local_datetime(first, 0, 0, self._tz)
        end = local_datetime(last + timedelta(days=1), 0, 0, self._tz)
        return utc_text(start), utc_text(end)

    def stored_steps(self, ids: Iterable[str]) -> dict[str, StoredStep]:
        """These steps as stored now (those that still exist)."""
        ids = list(ids)
        return self._stored_steps(self.store.step_sequences(ids), ids)

    def _stored_steps(self, sequences: dict[str, int], ids: Iterable[str]) -> dict[str, StoredStep]:
        """The steps of `ids` whose current SEQUENCE is in `sequences`, read when not kept."""
        stale = [
            sid
            for sid, seq in sequences.items()
            if sid not in self._steps or self._steps[sid][0] != seq
        ]
        if stale:
            for sid, stored in self.store.stored_steps(stale).items():
                self._steps[sid] = (stored.sequence, stored)
        return {
            sid: self._steps[sid][1] for sid in ids if sid in sequences and sid in self._steps
        }

    def _interview_versions(self, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        """(SEQUENCE, updated) of each of these interviews that exists: those not known since
        the last refresh asked of the store in one query."""
        ids = list(dict.fromkeys(ids))
        unknown = [iid for iid in ids if iid not in self._versions]
        if unknown:
            found = self.store.interview_versions(unknown)
            for iid in unknown:
                self._versions[iid] = found.get(iid)
        return {iid: key for iid in ids if (key := self._versions[iid]) is not None}

    def _know(self, rows: Iterable[tuple[str, int, str, str]]) -> None:
        """Note the versions of interviews in index rows just read."""
        self._versions.update((row[0], (row[1], row[2])) for row in rows)

    def stored_interviews(self, ids: Iterable[str]) -> dict[str, StoredInterview]:
        """These interviews as stored now (those that still exist); a kept one is checked
        against its version, and forgotten when it is gone."""
        ids = list(dict.fromkeys(ids))
        versions = self._interview_versions(ids)
        for iid in ids:
            if iid not in versions and iid in self._interviews:  # deleted
                del self._interviews[iid]
                self._built_interviews.pop(iid, None)
        stale = [
            iid
            for iid in ids
            if iid not in self._interviews or self._interviews[iid][0] != versions.get(iid)
        ]
        if stale:
            for stored in self.store.stored_interviews(stale):
                iid = stored.interview.id
                key = (stored.sequence, utc_text(stored.modified))
                self._interviews[iid] = (key, stored)
                self._versions[iid] = key  # as read now
        return {iid: self._interviews[iid][1] for iid in ids if iid in self._interviews}

    def adopt_steps(self, stored: dict[str, StoredStep]) -> None:
        """Keep steps read elsewhere (by the pipeline's thread); each is checked against its
        SEQUENCE in the index when it is shown, and read again if it moved on."""
        for sid, step in stored.items():
            if sid not in self._steps:
                self._steps[sid] = (step.sequence, step)

    def adopt_interviews(self, stored: Iterable[StoredInterview]) -> None:
        """Keep interviews read elsewhere (by the pipeline's thread), each with its version
        as read: like the others, it is checked against the store's when it is used, and read
        again if it moved on."""
        for each in stored:
            iid = each.interview.id
            if iid not in self._interviews:
                self._interviews[iid] = ((each.sequence, utc_text(each.modified)), each)

    def stored_interview(self, interview_id: str) -> StoredInterview:
        found = self.stored_interviews([interview_id])
        if interview_id not in found:
            raise ValidationError(f"There is no interview with id '{interview_id}'.")
        return found[interview_id]

    def events(
        self, first: date, last: date, *, cancelled: bool = False, interviews: bool = True
    ) -> list[CalendarEvent]:
        """The events from `first` to `last` (inclusive, the user's days), in time order."""
        low, high = self._bounds(first, last)
        rows = self.store.step_index(low=low, high=high)
        if not cancelled:
            rows = [r for r in rows if r[4] != StepStatus.CANCELLED.value]
        interview_rows = self.store.interview_index(low, high) if interviews else []
        self._know(interview_rows)
        today = self.today()
        events = self._step_events(rows, today)
        if interview_rows:
            parents = self.stored_interviews(r[0] for r in interview_rows)
            events.extend(
                self._interview_event(parents[r[0]].interview, today)
                for r in interview_rows
                if r[0] in parents
            )
        events.sort(key=lambda e: (e.start, e.kind != INTERVIEW_KIND, e.id))
        return events

    DAY_ROWS = 16  # a day's steps read at first: more than a month's cell shows

    def day_events(
        self, first: date, last: date, *, cancelled: bool = False
    ) -> dict[date, DayEvents]:
        """The days from `first` to `last` that have events, each with its events in time
        order (as `events` gives them), built only when asked for. Of a busy day only the
        first DAY_ROWS steps' rows are read, and the count of the others (the rest when
        asked for): a month costs what its cells show, not how busy it is."""
        bounds = [
            utc_text(local_datetime(first + timedelta(days=n), 0, 0, self._tz))
            for n in range((last - first).days + 2)
        ]
        steps = first_steps_of_days(self.store, bounds, self.DAY_ROWS, cancelled=cancelled)
        interview_rows = self.store.interview_index(bounds[0], bounds[-1])
        self._know(interview_rows)
        starts = [row[3] for row in interview_rows]
        days: dict[date, DayEvents] = {}
        for n, (count, rows) in enumerate(steps):
            low, high = bounds[n], bounds[n + 1]
            interviews: list[Entry] = [
                (row[3], 0, row[0], row)
                for row in interview_rows[bisect_left(starts, low) : bisect_left(starts, high)]
            ]
            if not count and not interviews:
                continue
            entries = sorted([*((r[5], 1, r[0], r) for r in rows), *interviews],
                             key=lambda entry: entry[:3])
            complete = None
            if count > len(rows):  # the day's first steps: so far as no unread one comes first
                last_read = (rows[-1][5], 1, rows[-1][0])
                entries = [entry for entry in entries if entry[:3] <= last_read]
                complete = partial(self._day_entries, low, high, interviews, cancelled)
            days[first + timedelta(days=n)] = DayEvents(
                entries, self._build_entries, count + len(interviews), complete
            )
        return days

    def _day_entries(
        self, low: str, high: str, interviews: list[Entry], cancelled: bool
    ) -> list[Entry]:
        """Every entry of a day: its steps' index rows, read now, and its interviews."""
        entries: list[Entry] = [
            (row[5], 1, row[0], row)
            for row in self.store.step_index(low=low, high=high)
            if cancelled or row[4] != StepStatus.CANCELLED.value
        ]
        return sorted([*entries, *interviews], key=lambda entry: entry[:3])

    def _build_entries(self, entries: Sequence[Entry]) -> dict[tuple[int, str], CalendarEvent]:
        today = self.today()
        built = {(1, e.id): e for e in self._step_events([x[3] for x in entries if x[1]], today)}
        interview_rows = [entry[3] for entry in entries if not entry[1]]
        if interview_rows:
            parents = self.stored_interviews(row[0] for row in interview_rows)
            for row in interview_rows:
                if row[0] in parents:
                    built[0, row[0]] = self._interview_event(parents[row[0]].interview, today)
        return built

    PREFETCH_PER_DAY = 12  # about what a month's cell shows on a large screen

    def prefetch(self, first: date, last: date) -> None:
        """Read the events of a range the user may show next, so showing it costs nothing:
        each day's first PREFETCH_PER_DAY (a busy month's others wait until they are shown,
        as they do in the month shown)."""
        days = self.day_events(first, last)
        build_together([(events, range(self.PREFETCH_PER_DAY)) for events in days.values()])

    def _step_events(
        self, rows: Sequence[tuple[str, str, int, str, str, str]], today: date
    ) -> list[CalendarEvent]:
        """The events of the steps in index `rows`, built once per SEQUENCE and day."""
        events: list[CalendarEvent] = []
        missing: list[tuple[str, str]] = []
        versions = self._interview_versions(row[1] for row in rows)
        for sid, iid, seq, *_rest in rows:
            cached = self._built.get(sid)
            if cached is not None and cached[0] == (seq, versions.get(iid), today):
                events.append(cached[1])
            else:
                missing.append((sid, iid))
        if missing:
            sequences = {row[0]: row[2] for row in rows}
            steps = self._stored_steps(sequences, (sid for sid, _iid in missing))
            parents = self.stored_interviews(iid for _sid, iid in missing)
            for sid, iid in missing:
                stored, parent = steps.get(sid), parents.get(iid)
                if stored is not None and parent is not None:
                    events.append(self._step_event(stored, parent.interview, today))
        return events

    def due_count(self) -> int:
        """How many planned steps are due today or overdue."""
        _low, high = self._bounds(self.today(), self.today())
        return self.store.step_count(status=StepStatus.PLANNED.value, high=high)

    def due_rows(
        self, start: int = 0, limit: int | None = None
    ) -> list[tuple[str, str, int, str, str, str]]:
        """Index rows of the planned steps of today (in time order), then of past days (the
        latest first): from the `start`-th, at most `limit` (a long backlog is read a page at
        a time, not whole)."""
        low, high = self._bounds(self.today(), self.today())
        today = self.store.step_index(status=StepStatus.PLANNED.value, low=low, high=high)
        rows = today[start:] if limit is None else today[start : start + limit]
        wanted = None if limit is None else limit - len(rows)
        if wanted is not None and wanted <= 0:
            return rows
        return rows + self.overdue_rows(wanted, offset=max(0, start - len(today)))

    def holidays(self, first: date, last: date) -> dict[date, str]:
        """The user's public holidays from `first` to `last`, by name; empty until
        `load_holidays` ran (the holidays package is imported after the first paint)."""
        if not self._holidays_loaded:
            return {}
        from followthrough.core.workdays import holiday_names

        settings = self.store.settings()
        names: dict[date, str] = {}
        for year in range(first.year, last.year + 1):
            names.update(holiday_names(settings.country, settings.subdivision, year))
        return {day: name for day, name in names.items() if first <= day <= last}

    def load_holidays(self) -> None:
        """Read the holidays of last year, this year and the next (importing the holidays
        package: a tenth of a second, so not before the window's first paint; a window
        works them out off its thread with `holidays_to_load`, then calls this)."""
        work_out_holidays(self.holidays_to_load())
        self._holidays_loaded = True

    def holidays_to_load(self) -> tuple[str, str, list[int]]:
        """The country, region and years whose holidays `load_holidays` reads."""
        settings = self.store.settings()
        year = self.today().year
        return settings.country, settings.subdivision, [year - 1, year, year + 1]

    @property
    def holidays_loaded(self) -> bool:
        return self._holidays_loaded

    def overdue_rows(
        self, limit: int | None, offset: int = 0
    ) -> list[tuple[str, str, int, str, str, str]]:
        """Index rows of the planned steps of days before today, latest first: from the
        `offset`-th, at most `limit` of them."""
        low, _high = self._bounds(self.today(), self.today())
        return self.store.step_index(
            status=StepStatus.PLANNED.value, high=low, newest_first=True, limit=limit,
            offset=offset,
        )

    def overdue_count(self) -> int:
        """How many planned steps are on days before today."""
        low, _high = self._bounds(self.today(), self.today())
        return self.store.step_count(status=StepStatus.PLANNED.value, high=low)

    def step_events(
        self, rows: Sequence[tuple[str, str, int, str, str, str]]
    ) -> list[CalendarEvent]:
        """The events of some index rows, in the rows' order."""
        order = {row[0]: n for n, row in enumerate(rows)}
        events = self._step_events(rows, self.today())
        events.sort(key=lambda e: order[e.id])
        return events

    def event(self, kind: str, ident: str) -> CalendarEvent:
        """One event by kind ("step" or "interview") and id."""
        if kind == "step":
            found = self.stored_steps([ident])
            if ident not in found:
                raise ValidationError(f"There is no step with id '{ident}'.")
            stored = found[ident]
            parent = self.stored_interview(stored.step.interview_id)
            return self._step_event(stored, parent.interview, self.today())
        return self._interview_event(self.stored_interview(ident).interview, self.today())

    def pipeline(self) -> list[PipelineEntry]:
        """Every interview with its state and its next planned step (the whole index read:
        a small pipeline is read on the UI thread, a large one off it after the first paint)."""
        rows = self.store.interview_index()
        self._know(rows)
        stored = self.stored_interviews(r[0] for r in rows)
        return pipeline_entries(
            [stored[r[0]] for r in rows if r[0] in stored],
            self.store.step_index(),
            self._tz,
        )

    def state_of(self, interview_id: str) -> PipelineState:
        """Where one interview stands (as the pipeline groups it)."""
        stored = self.stored_interview(interview_id)
        return pipeline_state(stored.activities, self.open_steps(interview_id))

    def open_steps(self, interview_id: str) -> int:
        """How many of an interview's steps are still planned."""
        return self.store.step_count(interview_id, status=StepStatus.PLANNED.value)

    def draft_line(self, event: CalendarEvent) -> str:
        """The first line of the step's drafted message (its subject when it has one)."""
        if not event.is_step:
            return event.role
        if not event.status.open:
            return event.status.label
        stored = self.stored_steps([event.id]).get(event.id)
        if stored is None:
            return ""
        parent = self.stored_interview(event.interview_id)
        settings = self.store.settings()
        key = (stored.sequence, self._versions.get(event.interview_id), settings)
        cached = self._drafts.get(event.id)
        if cached is not None and cached[0] == key:
            return cached[1]
        line = self._render_first_line(stored, parent, settings)
        self._drafts[event.id] = (key, line)
        return line

    def _render_first_line(self, stored: StoredStep, parent: StoredInterview, settings: Any) -> str:
        from followthrough.core.cadence import decision_dates
        from followthrough.core.messages import TemplateLibrary, render
        from followthrough.resources import resource_path

        if self._templates is None:
            self._templates = TemplateLibrary.load(
                resource_path("templates"), self.store.path.parent / "templates"
            )
        stated = dict(decision_dates(parent.interview, parent.activities))
        try:
            draft = render(
                stored.step, parent.interview, settings, self._templates,
                decision_date=stated.get(stored.step.key),
            )
        except ValidationError as error:  # a broken or missing template: say so in the line
            return str(error)
        if draft.subject:
            return draft.subject
        return next((line.strip() for line in draft.body.splitlines() if line.strip()), "")

    # -- building events ------------------------------------------------------------------
    def _step_event(self, stored: StoredStep, interview: Interview, today: date) -> CalendarEvent:
        step = stored.step
        start = step.start.astimezone(self._tz)
        event = CalendarEvent(
            kind="step",
            id=step.id,
            interview_id=step.interview_id,
            title=step.title,
            company=interview.company,
            role=interview.role,
            step_kind=step.kind,
            channel=step.channel.value,
            start=start,
            end=step.end.astimezone(self._tz),
            status=display_status(step.status, start, today),
            why=step.why,
            status_reason=step.status_reason,
            manual=step.manual,
            optional=step.optional,
            to=step.to,
            zone=interview.tz,
        )
        self._built[step.id] = ((stored.sequence, self._versions.get(interview.id), today),
                                event)
        return event

    def _interview_event(self, interview: Interview, today: date) -> CalendarEvent:
        key = (self._versions.get(interview.id), today, self.now() > interview.end)
        cached = self._built_interviews.get(interview.id)
        if cached is not None and cached[0] == key:
            return cached[1]
        start = interview.start.astimezone(self._tz)
        end = interview.end.astimezone(self._tz)
        event = CalendarEvent(
            kind=INTERVIEW_KIND,
            id=interview.id,
            interview_id=interview.id,
            title=tr("Interview: {company}").format(company=interview.company)
            + (tr(" (sample)") if is_sample(interview.id) else ""),
            company=interview.company,
            role=interview.role,
            step_kind=INTERVIEW_KIND,
            channel=interview.channel.value,
            start=start,
            end=end,
            status=EventStatus.DONE if end < self.now() else EventStatus.PLANNED,
            why=interview.location,
            zone=interview.tz,
        )
        self._built_interviews[interview.id] = (key, event)
        return event


def work_out_holidays(what: tuple[str, str, list[int]]) -> None:
    """Work out (and keep, in core.workdays' cache) the holidays `holidays_to_load` names;
    safe on any thread."""
    from followthrough.core.workdays import holiday_names

    country, subdivision, years = what
    for year in years:
        holiday_names(country, subdivision, year)
