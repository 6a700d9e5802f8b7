"""Messages the user is writing, saved as they type so that closing or a crash loses nothing.

One row per step in the `drafts` table, made on first use. A draft goes with its step: when
the interview is deleted (here or by a sync) its drafts are deleted in the same transaction.
Each save is one transaction, so a draft on disk is always one the user typed, whole.
No Qt is imported here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from followthrough.core.cadence import decision_dates
from followthrough.core.messages import Draft, TemplateLibrary, render
from followthrough.core.model import Activity, ActivityKind, Step, ValidationError
from followthrough.store.db import Store

__all__ = [
    "SavedDraft",
    "discard_draft",
    "finish_step",
    "load_draft",
    "message_text",
    "save_draft",
    "step_draft",
    "templates_for",
]

LIMIT = 1_000_000  # characters of subject and body together; far beyond any real message


class SavedDraft(NamedTuple):
    """A saved draft: what the user wrote, and when it was last saved (UTC)."""

    subject: str
    body: str
    updated: datetime


def save_draft(store: Store, step_id: str, subject: str, body: str) -> SavedDraft:
    """Keep what the user wrote for `step_id`, replacing the previous draft, in one transaction.

    Raises ValidationError when there is no such step or the text is absurdly long.
    """
    if len(subject) + len(body) > LIMIT:
        raise ValidationError("The message is too long to be saved as a draft.")
    updated = datetime.now(UTC)
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM steps WHERE id = ?", (step_id,)).fetchone() is None:
            raise ValidationError(f"There is no step with id '{step_id}'.")
        conn.execute(
            "INSERT INTO drafts (step_id, subject, body, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(step_id) DO UPDATE SET subject = excluded.subject, "
            "body = excluded.body, updated = excluded.updated",
            (step_id, subject, body, updated.isoformat()),
        )
    return SavedDraft(subject, body, updated)


def load_draft(store: Store, step_id: str) -> SavedDraft | None:
    """The saved draft of `step_id`, or None when the user has not written one."""
    row = store.conn.execute(
        "SELECT subject, body, updated FROM drafts WHERE step_id = ?", (step_id,)
    ).fetchone()
    if row is None:
        return None
    return SavedDraft(row[0], row[1], datetime.fromisoformat(row[2]))


def discard_draft(store: Store, step_id: str) -> bool:
    """Forget the saved draft of `step_id`; False when there was none."""
    with store.transaction() as conn:
        deleted = conn.execute("DELETE FROM drafts WHERE step_id = ?", (step_id,)).rowcount
    return bool(deleted)


# -- the message of a step -------------------------------------------------------------------


def templates_for(store: Store) -> TemplateLibrary:
    """The built-in templates and the user's own (DATA/templates), as the export reads them."""
    from followthrough.resources import resource_path

    return TemplateLibrary.load(resource_path("templates"), store.path.parent / "templates")


def step_draft(store: Store, step: Step, templates: TemplateLibrary | None = None) -> Draft:
    """The message drafted from the template for `step` (not the user's saved text).

    A check-in after an announced delay names the new decision date, as the calendar does.
    Raises TemplateError (a ValidationError) when the step's template is broken or missing.
    """
    interview = store.interview(step.interview_id)
    stated = dict(decision_dates(interview, store.activities(interview.id)))
    return render(
        step,
        interview,
        store.settings(),
        templates or templates_for(store),
        decision_date=stated.get(step.key),
    )


def message_text(
    store: Store, step: Step, templates: TemplateLibrary | None = None
) -> tuple[str, str, Draft]:
    """(subject, body, the template's draft): the user's saved text when there is one."""
    draft = step_draft(store, step, templates)
    saved = load_draft(store, step.id)
    if saved is None:
        return draft.subject, draft.body, draft
    return saved.subject, saved.body, draft


def finish_step(
    store: Store, step: Step, how: str, at: datetime | None = None,
    sent: tuple[str, str] | None = None,
) -> Activity:
    """Record that `step` was done (`how`: "email (SMTP)", "phone: voicemail"...) and re-plan.

    `sent` (subject, body) is what left: it is kept as the step's text, which the window
    shows, read-only, as what was sent (and the editor again should the step be reopened).
    Without it the saved draft is discarded: nothing is left to write.
    Raises ValidationError when `at` (default now) is before the interview started.
    """
    interview = store.interview(step.interview_id)
    when = at or datetime.now(store.settings().zone).replace(microsecond=0)
    if when < interview.start:
        raise ValidationError("That time is before the interview started.")
    activity = Activity(ActivityKind.DONE, when, step=step.key, how=how)
    recorded = store.record(interview.id, activity)
    if sent is None:
        discard_draft(store, step.id)
    else:
        save_draft(store, step.id, *sent)
    return recorded
