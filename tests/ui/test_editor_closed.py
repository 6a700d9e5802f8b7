"""The message editor on a step that is no longer to do: a done one shows what was sent,
read-only, and says when and how it was done; a skipped or cancelled one says why and where
to reopen it. Nothing in the window sends or records it again.

The fixtures follow tests/ui/test_editor.py: the user lives in Johannesburg and the interview
ended yesterday at the top of an hour.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from editor_helpers import Open, editor_opener, johannesburg_store
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from followthrough.core.model import Activity, ActivityKind, Interview, Interviewer, Step
from followthrough.core.shown_dates import day_time
from followthrough.store import Store
from followthrough.store.drafts import finish_step, load_draft
from followthrough.ui.editor.window import MessageEditor

JHB = ZoneInfo("Africa/Johannesburg")


@pytest.fixture
def store(isolated_data_dir: Path) -> Iterator[Store]:
    opened = johannesburg_store(isolated_data_dir)
    end = (datetime.now(JHB) - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    opened.add_interview(Interview(
        id="", company="Acme", role="Engineer",
        interviewers=(Interviewer(name="Ana Diaz", email="ana@acme.example",
                                  phone="+27 21 555 0100"),),
        start=end - timedelta(hours=1), end=end, tz="Africa/Johannesburg",
    ))  # fmt: skip
    yield opened
    opened.close()


@pytest.fixture
def open_editor(qtbot: QtBot, store: Store) -> Iterator[Open]:
    """Opens editors as the window does; the ones still open are closed after the test."""
    yield from editor_opener(qtbot, store)


def step_of(store: Store, kind: str) -> Step:
    return next(s.step for s in store.steps() if s.step.kind == kind)


def done_at(store: Store, step: Step) -> datetime:
    """Two hours after the interview ended, where the user is: when the tests record it done."""
    return (store.interview(step.interview_id).end + timedelta(hours=2)).astimezone(JHB)


def acting(editor: MessageEditor) -> list[str]:
    """The buttons the user can see and click, by their accessible names."""
    return sorted(b.accessibleName() for b in editor.findChildren(QPushButton)
                  if b.isVisibleTo(editor) and b.isEnabled())


def assert_read_only(editor: MessageEditor) -> None:
    for edit in (editor.to_name_edit, editor.to_address_edit, editor.subject_edit,
                 editor.body_edit):
        assert edit.isReadOnly(), edit.accessibleName()
    # The side column held only what the template still asks for: the text takes its room.
    assert not editor.side_scroll.isVisible()
    assert editor.body_edit.width() > editor.width() * 0.8


def test_a_done_email_shows_what_was_sent_read_only_and_when_and_how(
    qtbot: QtBot, store: Store, open_editor: Open
) -> None:
    step = step_of(store, "thank-you")
    at = done_at(store, step)
    finish_step(store, step, "email (SMTP)", at=at,
                sent=("Thank you, Ana", "Thank you for your time yesterday.\n"))
    before = store.activities(step.interview_id)
    editor = open_editor(step.id)
    assert (editor.subject_edit.text(), editor.body()) == (
        "Thank you, Ana", "Thank you for your time yesterday.\n"
    )
    assert_read_only(editor)
    assert acting(editor) == ["Close", "Copy"]
    for button in (editor.send_button, editor.done_button, editor.mail_app_button,
                   editor.eml_button, editor.reset_button):
        assert button is not None and not button.isEnabled() and not button.isVisible()
    header = editor.due_label.text()
    assert f"Sent by email on {day_time(at)} (SMTP)." in header
    assert "Follow-up > Reopen" in header
    # Typing, Ctrl+S and Ctrl+Return change and record nothing.
    qtbot.keyClicks(editor.body_edit, "more")
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert editor.body() == "Thank you for your time yesterday.\n"
    kept = load_draft(store, step.id)
    assert kept is not None and kept.body == "Thank you for your time yesterday.\n"
    assert store.activities(step.interview_id) == before
    # Copy stays, and asks for nothing to be marked.
    editor.copy_button.click()
    assert "Thank you for your time" in QGuiApplication.clipboard().text()
    assert editor.status_label.text() == "Copied."


def test_a_done_step_marked_without_its_text_shows_no_template(
    store: Store, open_editor: Open
) -> None:
    step = step_of(store, "status-check")
    at = done_at(store, step)
    finish_step(store, step, "", at=at)  # Mark done from the window: no text kept
    editor = open_editor(step.id)
    assert (editor.subject_edit.text(), editor.body()) == ("", "")
    assert "nothing of what was sent is kept" in editor.body_edit.placeholderText()
    assert_read_only(editor)
    assert editor.due_label.text().startswith(f"Done on {day_time(at)}.")


def test_a_call_logged_as_voicemail_says_so_and_cannot_be_logged_again(
    store: Store, open_editor: Open
) -> None:
    step = step_of(store, "call")
    at = done_at(store, step)
    finish_step(store, step, "phone: voicemail", at=at, sent=("", "Hello Ana, it is Sam.\n"))
    editor = open_editor(step.id)
    assert_read_only(editor)
    assert acting(editor) == ["Close"]
    assert not editor.after_call_label.isVisible()
    assert editor.due_label.text().startswith(
        f"Done by phone on {day_time(at)} (voicemail). Below is what was sent."
    )


def test_a_skipped_step_is_read_only_says_why_and_where_to_reopen(
    store: Store, open_editor: Open
) -> None:
    step = step_of(store, "thank-you")
    store.record(step.interview_id,
                 Activity(ActivityKind.SKIP, done_at(store, step), step=step.key))
    editor = open_editor(step.id)
    assert_read_only(editor)
    assert acting(editor) == ["Close", "Copy"]
    header = editor.due_label.text()
    assert header.startswith("Skipped. You skipped it on ")
    assert "reopen it in the main window: Follow-up > Reopen" in header
    editor.close()
    # Reopened (as the window's Reopen records it), the editor is for writing again.
    store.record(step.interview_id, Activity(ActivityKind.REOPEN, datetime.now(JHB),
                                             step=step.key))
    again = open_editor(step.id)
    assert not again.body_edit.isReadOnly() and not again.subject_edit.isReadOnly()
    assert again.done_button is not None and again.done_button.isEnabled()
