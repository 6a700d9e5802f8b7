"""The local store: SQLite in the user's data folder, one transaction per user action.

The plan of each interview is kept in the `steps` table, recomputed inside the same transaction
as the change that caused it, so start-up only reads rows. Each stored step carries a SEQUENCE
that grows whenever what a calendar would show of it changes.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from followthrough.core.applications import job_text
from followthrough.core.codec import (
    activity_from_dict,
    activity_to_dict,
    interview_from_dict,
    interview_to_dict,
    step_from_dict,
    step_to_dict,
)
from followthrough.core.model import (
    Activity,
    ActivityKind,
    Interview,
    Step,
    StepStatus,
    ValidationError,
    new_id,
)
from followthrough.core.settings import Settings, system_timezone
from followthrough.store.backups import check_shape, damaged, newest_backup, reads
from followthrough.store.changes import ADD, EDIT, Changes
from followthrough.store.listing import Listings
from followthrough.store.merge import Merging
from followthrough.store.playbook_choice import Playbooks, read_library
from followthrough.store.records import (
    DB_NAME,
    StoredInterview,
    StoredStep,
    StoreError,
    default_data_dir,
    make_private,
    parse_utc,
    utc_now,
    utc_text,
)
from followthrough.store.rounds import Rounds
from followthrough.store.schema import MIGRATIONS, Migration, migrate
from followthrough.store.sql import id_filter, step_filter
from followthrough.store.waiting import BUSY_WAIT, begin_immediate

if TYPE_CHECKING:
    from followthrough.core.playbooks import PlaybookLibrary
    from followthrough.core.workdays import WorkCalendar

# The planner, the playbooks and the working calendar are imported when first needed: a window
# that only shows the store starts without them (they take a tenth of its imports).


class Store(Merging, Changes, Rounds, Listings, Playbooks):
    """The user's interviews, what happened since, their plans and the settings."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        library: PlaybookLibrary | Callable[[], PlaybookLibrary],
    ) -> None:
        self.conn = conn
        self.path = path
        # The library, or what reads it when first needed (open_store(read_playbooks=False)).
        self._library = library
        self._settings: Settings | None = None
        self._data_version = -1
        self._outside_version = self._outside_shown = -1  # for changed_elsewhere()
        self.closed = False

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        data_dir: Path,
        library: PlaybookLibrary | Callable[[], PlaybookLibrary],
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> Store:
        """Open (creating or upgrading) the store in `data_dir`."""
        try:
            data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"Cannot create the data folder {data_dir}: {error.strerror}."
            ) from None
        path = data_dir / DB_NAME
        if path.is_file() and path.stat().st_size == 0 and newest_backup(path) is not None:
            raise damaged(path, "is empty (0 bytes)")  # not a new store: it had data once
        make_private(data_dir, path)
        try:
            conn = sqlite3.connect(
                path, timeout=BUSY_WAIT, isolation_level=None, check_same_thread=False
            )
            # connect's timeout is SQLite's busy wait, in force before the first statement:
            # switching to WAL needs a lock another process may hold.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            migrate(conn, path, migrations)
            check_shape(conn, path, len(migrations))
        except sqlite3.DatabaseError as error:
            raise damaged(path, f"cannot be opened ({error})") from None
        return cls(conn, path, library)

    def changed_elsewhere(self, *, seen: bool = False) -> bool:
        """Whether another connection (a command, a sync, another window) has changed what
        the window shows since the last call (False on the first): one PRAGMA, cheap enough
        to ask every second, and the shown count when something was saved (a sync that only
        recorded what it sent changed nothing shown). With `seen` (the window reads it all
        now), what is saved by now counts as seen, this connection's own writes too."""
        (version,) = self.conn.execute("PRAGMA data_version").fetchone()
        ours = version == self._outside_version  # no other connection saved since
        if ours and not seen:
            return False
        shown = self.change_counts()[0]
        changed = not ours and self._outside_version != -1 and shown != self._outside_shown
        self._outside_version, self._outside_shown = version, shown
        return changed

    def change_mark(self) -> tuple[int, int]:
        """A value that is new after every save, through this connection or another (a feed
        built at one mark is still right while the mark is the same): one PRAGMA."""
        (version,) = self.conn.execute("PRAGMA data_version").fetchone()
        return int(version), self.conn.total_changes

    def close(self) -> None:
        self.conn.close()
        self.closed = True

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One user action: all of it is written, or none of it.

        Waits while another process (a second window, a command, a sync) is saving, as
        store.waiting says; when the wait gives up, StoreBusy says so in one sentence and
        nothing is written.
        """
        begin_immediate(self.conn)
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # -- settings -------------------------------------------------------------------------
    def settings(self) -> Settings:
        # Another process (the CLI beside the window, a feed server) may have changed them:
        # SQLite's data_version moves when another connection commits.
        (version,) = self.conn.execute("PRAGMA data_version").fetchone()
        if version != self._data_version:
            self._settings, self._data_version = None, version
        if self._settings is None:
            pending = dict(self.conn.execute("SELECT key, value FROM settings").fetchall())
            settings = Settings.system_defaults(
                country="country" not in pending, timezone="timezone" not in pending
            )
            # Each value is checked against those already read (a region against its country,
            # the day's start against its end), so one refused may fit once the others are in:
            # go round until no more is accepted.
            progress = True
            while pending and progress:
                progress = False
                for key, value in list(pending.items()):
                    try:
                        settings = settings.with_value(key, value, stored=True)
                    except ValidationError:
                        continue  # for now; a value still refused at the end: the default stands
                    del pending[key]
                    progress = True
            if "timezone" in pending:  # stored but refused (a zone this system lacks)
                settings = replace(settings, timezone=system_timezone())
            self._settings = settings
        return self._settings

    def set_setting(self, key: str, value: str) -> Settings:
        """Change one setting and re-plan every interview, in one transaction."""
        updated = self.settings().with_value(key, value)
        if key.strip().lower() == "playbook":
            # Stored by id, whether the user named it by id or by its display name.
            updated = updated.with_value("playbook", self.library.get(updated.playbook).id)
        with self.transaction() as conn:
            for name in Settings.names():
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (name, updated.get(name)),
                )
            self._settings = updated
            try:
                self._replan_all(conn)
            except BaseException:
                self._settings = None
                raise
        return updated

    # -- interviews -----------------------------------------------------------------------
    def add_interview(
        self, interview: Interview, application: str | None = None, *, round_given: bool = False
    ) -> Interview:
        """Store a new interview and its plan; returns it with its id. It joins the
        application with id `application`, or the one it is a later round of (Rounds.placed)."""
        interview = self.placed(interview, application, round_given=round_given)
        interview = replace(
            interview, id=interview.id or new_id(), created=interview.created or utc_now()
        ).validated()
        self.check_playbook(interview)
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM interviews WHERE id = ?", (interview.id,)).fetchone():
                raise ValidationError(f"An interview with id {interview.id} already exists.")
            self._write_interview(conn, interview, insert=True)
            self._replan(conn, interview)
            self._log_change(conn, ADD, interview, "add the interview", after=interview)
        return interview

    def update_interview(self, interview: Interview) -> Interview:
        interview = interview.validated()
        self.check_playbook(interview)
        with self.transaction() as conn:
            before = self.interview(interview.id)
            steps = self._step_ids(conn, interview.id)
            self._write_interview(conn, interview, insert=False)
            self._replan(conn, interview)
            self._log_change(
                conn,
                EDIT,
                interview,
                "edit the interview",
                before=before,
                after=interview,
                steps=steps,
            )
        return interview

    @reads("an interview")
    def interview(self, interview_id: str) -> Interview:
        row = self.conn.execute(
            "SELECT data FROM interviews WHERE id = ?", (interview_id,)
        ).fetchone()
        if row is None:
            raise ValidationError(f"There is no interview with id '{interview_id}'.")
        return interview_from_dict(json.loads(row[0]))

    @reads("an interview")
    def interviews(self) -> list[Interview]:
        rows = self.conn.execute("SELECT data FROM interviews ORDER BY start_utc, id").fetchall()
        return [interview_from_dict(json.loads(r[0])) for r in rows]

    @reads("an interview")
    def stored_interviews(self, ids: Sequence[str] | None = None) -> list[StoredInterview]:
        """Interviews (all, or those with `ids`) with their history and calendar bookkeeping."""
        where, args = id_filter("interview_id", ids)
        history: dict[str, list[Activity]] = {}
        for interview_id, data in self.conn.execute(
            f"SELECT interview_id, data FROM activities {where} ORDER BY seq", args
        ):
            history.setdefault(interview_id, []).append(activity_from_dict(json.loads(data)))
        where, args = id_filter("id", ids)
        rows = self.conn.execute(
            "SELECT id, data, sequence, created, updated FROM interviews "
            f"{where} ORDER BY start_utc, id",
            args,
        ).fetchall()
        return [
            StoredInterview(
                interview_from_dict(json.loads(data)),
                tuple(history.get(iid, ())),
                sequence,
                parse_utc(created),
                parse_utc(updated),
            )
            for iid, data, sequence, created, updated in rows
        ]

    def interview_index(
        self, low: str | None = None, high: str | None = None
    ) -> list[tuple[str, int, str, str]]:
        """(id, sequence, updated, start in UTC) of interviews, cheap to read, in time order:
        every one, or those starting from `low` and before `high` (as `utc_text` writes them)."""
        where, args = step_filter(None, low=low, high=high)  # the same columns' bounds
        return self.conn.execute(
            f"SELECT id, sequence, updated, start_utc FROM interviews{where} "
            "ORDER BY start_utc, id",
            args,
        ).fetchall()

    def interview_count(self) -> int:
        (count,) = self.conn.execute("SELECT COUNT(*) FROM interviews").fetchone()
        return int(count)

    def change_counts(self) -> tuple[int, int]:
        """(shown, records): each moves with every change, whoever makes it, to what the
        window shows and a sync sends from, and to what a sync recorded (schema._v11)."""
        rows = dict(self.conn.execute("SELECT name, n FROM changes").fetchall())
        return int(rows["shown"]), int(rows["records"])

    def interview_versions(self, ids: Sequence[str]) -> dict[str, tuple[int, str]]:
        """(SEQUENCE, updated) of each of these interviews that exists (one bound parameter
        however many: see id_filter)."""
        where, args = id_filter("id", ids)
        rows = self.conn.execute(f"SELECT id, sequence, updated FROM interviews {where}", args)
        return {iid: (sequence, updated) for iid, sequence, updated in rows}

    def step_index(
        self,
        interview_id: str | None = None,
        *,
        status: str | None = None,
        low: str | None = None,
        high: str | None = None,
        newest_first: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[tuple[str, str, int, str, str, str]]:
        """(id, interview id, sequence, modified, status, start in UTC) of steps, cheap to read,
        in time order (or `newest_first`): all of them, or those of one interview, of one
        status, or starting from `low` and before `high` (UTC instants as `utc_text` writes
        them); from the `offset`-th, at most `limit`."""
        where, args = step_filter(interview_id, status, low, high)
        order = "start_utc DESC, id DESC" if newest_first else "start_utc, id"
        page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
        return self.conn.execute(
            "SELECT id, interview_id, sequence, modified, status, start_utc FROM steps"
            f"{where} ORDER BY {order}{page}",
            args,
        ).fetchall()

    def step_count(
        self,
        interview_id: str | None = None,
        *,
        status: str | None = None,
        low: str | None = None,
        high: str | None = None,
    ) -> int:
        """How many steps there are (of one interview, of one status, starting from `low` and
        before `high`)."""
        where, args = step_filter(interview_id, status, low, high)
        (count,) = self.conn.execute(f"SELECT COUNT(*) FROM steps{where}", args).fetchone()
        return int(count)

    def step_sequences(self, ids: Sequence[str]) -> dict[str, int]:
        """The SEQUENCE of each of these steps that exists."""
        where, args = id_filter("id", ids)
        return dict(self.conn.execute(f"SELECT id, sequence FROM steps {where}", args).fetchall())

    @reads("a follow-up")
    def stored_steps(self, ids: Sequence[str]) -> dict[str, StoredStep]:
        where, args = id_filter("id", ids)
        return {
            sid: StoredStep(step_from_dict(json.loads(d)), seq, datetime.fromisoformat(m))
            for sid, d, seq, m in self.conn.execute(
                f"SELECT id, data, sequence, modified FROM steps {where}", args
            )
        }

    def _insert_activity(
        self, conn: sqlite3.Connection, interview_id: str, activity: Activity
    ) -> Activity:
        activity = activity.validated()
        (seq,) = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM activities").fetchone()
        activity = replace(activity, seq=seq)
        conn.execute(
            "INSERT INTO activities (id, interview_id, seq, data) VALUES (?, ?, ?, ?)",
            (activity.id, interview_id, seq, json.dumps(activity_to_dict(activity))),
        )
        conn.execute(
            "UPDATE interviews SET sequence = sequence + 1, updated = ? WHERE id = ?",
            (utc_text(utc_now()), interview_id),
        )
        return activity

    # -- what happened --------------------------------------------------------------------
    def record(
        self,
        interview_id: str,
        activity: Activity,
        also: Callable[[sqlite3.Connection, Activity], None] | None = None,
        *,
        label: str = "",
    ) -> Activity:
        """Log what happened and re-plan the interview, in one transaction; `also` writes
        what belongs with it (a mail check's note of the message) in that transaction.
        Undo takes it back (`label` names it there; by default, what the activity says).

        A skip keeps the step's time (every computer then shows it where it stood); a step
        is never moved before the interview ends; moving or reopening a step the plan had
        cancelled brings it back (see store.changes)."""
        with self.transaction() as conn:
            interview = self.interview(interview_id)
            if activity.kind is ActivityKind.SKIP and activity.to is None and activity.step:
                row = conn.execute(
                    "SELECT start_utc FROM steps WHERE id = ?", (f"{interview_id}.{activity.step}",)
                ).fetchone()
                if row is not None:
                    activity = replace(activity, to=parse_utc(row[0]))
            before = self._step_ids(conn, interview_id)
            written = [
                self._insert_activity(conn, interview_id, each)
                for each in self._user_activities(conn, interview, activity)
            ]
            activity = written[-1]
            self._replan(conn, interview)
            if also is not None:
                also(conn, activity)
            self._log_recorded(conn, interview, written, label, before)
        return activity

    @reads("an activity")
    def activities(self, interview_id: str) -> list[Activity]:
        rows = self.conn.execute(
            "SELECT data FROM activities WHERE interview_id = ? ORDER BY seq", (interview_id,)
        ).fetchall()
        return [activity_from_dict(json.loads(r[0])) for r in rows]

    # -- the plan -------------------------------------------------------------------------
    @reads("a follow-up")
    def steps(
        self, interview_id: str | None = None, *, cancelled: bool = True
    ) -> list[StoredStep]:
        """The stored plan (of one interview, or of all), in time order; the cancelled steps
        left unread when `cancelled` is False."""
        where, args = step_filter(
            interview_id, not_status=None if cancelled else StepStatus.CANCELLED.value
        )
        rows = self.conn.execute(
            f"SELECT data, sequence, modified FROM steps{where} ORDER BY start_utc, id", args
        ).fetchall()
        # One JSON text of them all: a call of json.loads per step cost more than its parse.
        found = json.loads(f"[{','.join(row[0] for row in rows)}]")
        return [
            StoredStep(step_from_dict(data), seq, datetime.fromisoformat(m))
            for data, (_d, seq, m) in zip(found, rows, strict=True)
        ]

    @reads("a follow-up")
    def steps_deleted_in_calendar(self) -> set[str]:
        """The ids of the steps skipped because their events were deleted in the calendar."""
        rows = self.conn.execute(
            "SELECT id FROM steps WHERE json_extract(data, '$.deleted_in_calendar') = 1"
        ).fetchall()
        return {row[0] for row in rows}

    @reads("a follow-up")
    def step(self, step_id: str) -> StoredStep:
        row = self.conn.execute(
            "SELECT data, sequence, modified FROM steps WHERE id = ?", (step_id,)
        ).fetchone()
        if row is None:
            raise ValidationError(f"There is no step with id '{step_id}'.")
        return StoredStep(
            step_from_dict(json.loads(row[0])), row[1], datetime.fromisoformat(row[2])
        )

    def compute_plan(
        self,
        interview: Interview,
        activities: list[Activity] | None = None,
        calendar: WorkCalendar | None = None,
    ) -> list[Step]:
        """The plan as the planner sees it now (nothing is written)."""
        from followthrough.core.cadence import plan

        if activities is None:
            activities = self.activities(interview.id)
        return plan(interview, activities, self.settings(), self.playbook_for(interview), calendar)

    def _write_interview(
        self, conn: sqlite3.Connection, interview: Interview, *, insert: bool
    ) -> None:
        data = json.dumps(interview_to_dict(interview))
        now = utc_text(utc_now())
        job = job_text(interview.company, interview.role)
        if insert:
            conn.execute(
                "INSERT INTO interviews (id, data, start_utc, created, updated, job) "
                "VALUES (?,?,?,?,?,?)",
                (interview.id, data, utc_text(interview.start), now, now, job),
            )
        else:
            conn.execute(
                "UPDATE interviews SET data = ?, start_utc = ?, updated = ?, job = ?, "
                "sequence = sequence + 1 WHERE id = ?",
                (data, utc_text(interview.start), now, job, interview.id),
            )

    def _replan(
        self, conn: sqlite3.Connection, interview: Interview, calendar: WorkCalendar | None = None
    ) -> None:
        """Recompute and store one interview's plan, bumping SEQUENCE where a step changed."""
        new_steps = self.compute_plan(interview, calendar=calendar)
        old = {
            sid: (seq, digest, json.loads(data))
            for sid, seq, digest, data in conn.execute(
                "SELECT id, sequence, hash, data FROM steps WHERE interview_id = ?",
                (interview.id,),
            )
        }
        now = utc_now().isoformat()
        for step in new_steps:
            data = step_to_dict(step)
            self._put_step(conn, step.id, interview.id, data, old.pop(step.id, None), now)
        for sid, (seq, digest, data) in old.items():
            # A step the plan no longer has (an interviewer removed, a playbook changed):
            # keep it as cancelled so calendars that show it learn it is gone.
            if data["status"] == StepStatus.PLANNED.value:
                data = {
                    **data,
                    "status": StepStatus.CANCELLED.value,
                    "status_reason": "No longer part of the plan.",
                }
            self._put_step(conn, sid, interview.id, data, (seq, digest, data), now)

    @staticmethod
    def _put_step(
        conn: sqlite3.Connection,
        sid: str,
        interview_id: str,
        data: dict[str, Any],
        previous: tuple[int, str, Any] | None,
        now: str,
    ) -> None:
        text = json.dumps(data, sort_keys=True)
        digest = hashlib.sha256(text.encode()).hexdigest()[:32]
        start_utc = utc_text(datetime.fromisoformat(data["start"]))
        if previous is None:
            conn.execute(
                "INSERT INTO steps (id, interview_id, start_utc, status, sequence, modified, hash, "
                "data) VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
                (sid, interview_id, start_utc, data["status"], now, digest, text),
            )
        elif previous[1] != digest:
            conn.execute(
                "UPDATE steps SET start_utc = ?, status = ?, sequence = sequence + 1, "
                "modified = ?, hash = ?, data = ? WHERE id = ?",
                (start_utc, data["status"], now, digest, text, sid),
            )

    def _replan_all(self, conn: sqlite3.Connection) -> None:
        from followthrough.core.workdays import WorkCalendar

        calendar = WorkCalendar(self.settings())
        for interview in self.interviews():
            self._replan(conn, interview, calendar)

    def replan_all(self) -> None:
        """Recompute every plan (after playbooks or holidays changed)."""
        with self.transaction() as conn:
            self._replan_all(conn)


def open_store(
    data_dir: Path | None = None, *, read_playbooks: bool = True
) -> tuple[Store, list[str]]:
    """The user's store with the built-in and the user's playbooks; plus playbook warnings.

    With `read_playbooks=False` (the window, whose first paint needs none) the playbooks are
    read when first needed, and their warnings are not returned: ask `playbook_warnings()`.
    """
    folder = data_dir if data_dir is not None else default_data_dir()
    if not read_playbooks:
        return Store.open(folder, partial(read_library, folder)), []
    store = Store.open(folder, read_library(folder))
    return store, store.playbook_warnings()
