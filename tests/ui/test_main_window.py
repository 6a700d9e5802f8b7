"""The window: calendar in the middle, panels beside it; every flow applied through the store."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from calendar_data import NOW, PARIS, add_interview, clock, make_store
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDockWidget
from pytestqt.qtbot import QtBot
from window_helpers import clocked_window

from followthrough.core.model import Activity, ActivityKind, Interview, Interviewer, StepStatus
from followthrough.store import Store, open_store
from followthrough.ui.calendar.widget import AGENDA, MONTH, WEEK
from followthrough.ui.detail_panel import DelayDialog, OutcomeDialog
from followthrough.ui.interview_dialog import InterviewDialog
from followthrough.ui.main_window import MainWindow
from one_interview import finish_plan


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = make_store(tmp_path)
    yield store
    store.close()


_window = clocked_window


def _step_id(store: Store, kind: str) -> str:
    return next(s.step.id for s in store.steps() if s.step.kind == kind)


def _shown_ids(window: MainWindow, day: date) -> set[str]:
    return {e.id for e in window.calendar.month_view.model.events_on(day)}


def test_first_run_explains_the_first_step_and_offers_a_sample(
    qtbot: QtBot, store: Store
) -> None:
    window = _window(qtbot, store)
    assert window.central.currentWidget() is window.empty_state
    assert "interview" in window.empty_label.text() and ".ics" in window.empty_label.text()
    assert window.empty_state.sample_button.isVisible()
    window.empty_state.sample_button.click()
    assert window.central.currentWidget() is window.calendar
    (interview,) = store.interviews()
    assert window.detail_panel.title.text() == f"Interview at {interview.company}"
    assert window.calendar.current_date == interview.start.astimezone(PARIS).date()
    assert interview.id in _shown_ids(window, window.calendar.current_date)
    assert "1 interviews" in window.counts.text()


def test_the_calendar_is_the_window(qtbot: QtBot, store: Store) -> None:
    add_interview(store)
    window = _window(qtbot, store)
    assert window.central.parent() is window.centralWidget()  # under the message banner
    assert window.banner.isHidden()
    assert window.central.currentWidget() is window.calendar
    assert window.calendar.current_view == MONTH
    assert _step_id(store, "status-check") in _shown_ids(window, date(2026, 11, 26))
    # The offscreen screen is 800 px wide: the overview and the details share the left side.
    # (A dock in a tab behind another stays "visible" to Qt, moved out of sight.)
    def in_sight(dock: QDockWidget) -> bool:
        return not dock.visibleRegion().isEmpty()

    assert window.tabifiedDockWidgets(window.side_dock) == [window.detail_dock]
    qtbot.waitUntil(lambda: in_sight(window.side_dock) and not in_sight(window.detail_dock))
    window.calendar.select_event("step", _step_id(store, "status-check"))
    qtbot.waitUntil(lambda: in_sight(window.detail_dock) and not in_sight(window.side_dock))
    assert "Status check" in window.detail_panel.title.text()
    assert window.side_panel.today_model.rowCount() == 2  # thank-you and note, overdue
    assert window.calendar.mini_month.isVisible()  # above the side panel
    assert window.side_panel.isAncestorOf(window.calendar.mini_month)
    for name in (WEEK, AGENDA, "list", MONTH):
        window.calendar.view_actions[name].trigger()
        assert window.calendar.current_view == name
    titles = [window.plan_model.index(r, 1).data() for r in range(window.plan_model.rowCount())]
    assert "Status check with Acme" in titles  # the list of every follow-up
    assert window.new_action.shortcut().toString() == "Ctrl+N"
    assert window.done_action.shortcut().toString() == "Ctrl+D"


def test_enter_on_a_step_opens_its_editor(qtbot: QtBot, store: Store) -> None:
    from followthrough.ui.editor.window import MessageEditor

    add_interview(store)
    window = _window(qtbot, store)
    step_id = _step_id(store, "status-check")
    window.calendar.select_event("step", step_id)
    month = window.calendar.month_view
    month.setFocus()
    QTest.keyClick(month, Qt.Key.Key_Return)
    (editor,) = [e for e in MessageEditor.open_editors() if e.store is store]
    assert editor.step.id == step_id
    editor.close()


def test_mark_done_and_skip_from_the_detail_panel(qtbot: QtBot, store: Store) -> None:
    add_interview(store)
    window = _window(qtbot, store)
    step_id = _step_id(store, "status-check")
    window.calendar.select_event("step", step_id)
    assert window.detail_panel.ident == step_id
    window.detail_panel.done_button.click()
    assert store.step(step_id).step.status is StepStatus.DONE
    assert window.cache.event("step", step_id).status.value == "done"
    assert window.detail_panel.reopen_button.isVisible()
    window.detail_panel.reopen_button.click()
    assert store.step(step_id).step.status is StepStatus.PLANNED
    window.detail_panel.skip_button.click()
    assert store.step(step_id).step.status is StepStatus.SKIPPED


def test_drag_to_move_records_a_move(qtbot: QtBot, store: Store) -> None:
    interview = add_interview(store)
    window = _window(qtbot, store)
    step_id = _step_id(store, "status-check")
    month = window.calendar.month_view
    chip = next(c for c in month._chips if c.event is not None and c.event.id == step_id)
    mime = QMimeData()  # kept: the event does not own it
    mime.setData("application/x-followthrough-step",
                 f"{step_id}\n{chip.event.start.isoformat()}".encode())
    target = month.cell_rect(date(2026, 12, 2)).center()
    drop = QDropEvent(target, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    month.dropEvent(drop)
    moved = store.step(step_id).step
    assert moved.start == datetime(2026, 12, 2, 9, 0, tzinfo=PARIS)
    assert moved.manual
    (activity,) = [a for a in store.activities(interview.id) if a.kind is ActivityKind.MOVE]
    assert activity.step == "status-check"
    assert step_id in _shown_ids(window, date(2026, 12, 2))
    assert step_id not in _shown_ids(window, date(2026, 11, 26))
    assert "Moved Status check with Acme" in window.statusBar().currentMessage()


def test_log_reply_makes_the_chasers_disappear(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from followthrough.ui.reply_dialog import ReplyDialog

    monkeypatch.setattr(ReplyDialog, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    interview = add_interview(store)
    window = _window(qtbot, store)
    chaser = _step_id(store, "status-check")
    assert chaser in _shown_ids(window, date(2026, 11, 26))
    window.calendar.select_event("interview", interview.id)
    window.detail_panel.reply_button.click()
    assert chaser not in _shown_ids(window, date(2026, 11, 26))
    assert "no longer needed" in window.statusBar().currentMessage()
    assert window.detail_panel.fields["status"].text() == "Replied"


def test_delay_and_outcome_are_asked_then_recorded(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    interview = add_interview(store)
    window = _window(qtbot, store)

    def delay_exec(dialog: DelayDialog) -> int:
        dialog.date_edit.setDate(date(2026, 12, 18))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(DelayDialog, "exec", delay_exec)
    window.log_delay(interview.id)
    (delay,) = [a for a in store.activities(interview.id) if a.kind is ActivityKind.DELAY]
    assert delay.until == date(2026, 12, 18)
    monkeypatch.setattr(OutcomeDialog, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    window.log_outcome(interview.id)
    assert any(a.kind is ActivityKind.OUTCOME for a in store.activities(interview.id))
    group = window.side_panel.pipeline_model
    assert group.interview_index(interview.id).data(Qt.ItemDataRole.UserRole + 6) == "offer"


def test_new_interview_through_the_dialog(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: InterviewDialog) -> int:
        dialog.company.setText("Initech")
        dialog.role.setText("Developer")
        dialog.people.item(0, 0).setText("Sam Roy")
        assert dialog.zone.currentText() == "Europe/Paris"
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(InterviewDialog, "exec", fill)
    window = _window(qtbot, store)
    window.new_action.trigger()
    (interview,) = store.interviews()
    assert interview.company == "Initech" and interview.tz == "Europe/Paris"
    assert window.central.currentWidget() is window.calendar
    assert window.detail_panel.ident == interview.id
    assert "Added the interview at Initech" in window.statusBar().currentMessage()


def test_delete_with_undo(qtbot: QtBot, store: Store) -> None:
    interview = add_interview(store)
    window = _window(qtbot, store)
    before = {s.step.id: s.step.status for s in store.steps()}
    window.calendar.select_event("interview", interview.id)
    window.detail_panel.delete_button.click()
    assert store.interviews() == []
    assert window.central.currentWidget() is window.empty_state
    assert window.undo_button.isVisible() and window.undo_action.isEnabled()
    window.undo_action.trigger()
    (back,) = store.interviews()
    assert back.id == interview.id and back.company == "Acme"
    assert {s.step.id: s.step.status for s in store.steps()} == before
    assert window.central.currentWidget() is window.calendar
    assert not window.undo_button.isVisible()


def _exported_invitation(folder: Path) -> Path:
    other, _ = open_store(folder / "other")
    other.set_setting("timezone", "Europe/Paris")
    add_interview(other, "Globex", end=datetime(2026, 11, 24, 11, tzinfo=PARIS))
    from followthrough.ical.export import Exporter

    path = folder / "globex.ics"
    path.write_bytes(Exporter(other).ics())
    other.close()
    return path


def test_import_by_dropping_an_ics_file(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    path = _exported_invitation(tmp_path)
    window = _window(qtbot, store)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    month = window.calendar.month_view
    enter = QDragEnterEvent(month.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.empty_state, enter)  # a file goes up to the window
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    qtbot.waitUntil(window.imports_idle, timeout=20_000)  # imported off the UI thread
    qtbot.waitUntil(window.reloaded)  # and shown, in turns
    assert [iv.company for iv in store.interviews()] == ["Globex"]
    assert window.central.currentWidget() is window.calendar
    assert "Imported globex.ics: 1 added" in window.statusBar().currentMessage()
    text = QMimeData()
    text.setText("not a file")
    other = QDragEnterEvent(month.rect().center(), Qt.DropAction.CopyAction, text,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(other)
    assert not other.isAccepted()


def test_an_import_is_read_once_at_its_end(
    qtbot: QtBot, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large import writes a batch of interviews at a time; the window does not read them
    at each (every second of an import of 1,000 interviews, a reload on the UI thread), but
    once when it ends, and not again for the same writes."""
    from followthrough.ui.main_window import WATCH_MS

    path = _exported_invitation(tmp_path)
    window = _window(qtbot, store)
    held: list[int] = []
    reloads: list[bool] = []
    monkeypatch.setattr(window, "reload", lambda **_kw: reloads.append(True))
    window._import_file(path)
    held.append(window._watch_held)
    window._reload_if_changed_elsewhere()  # the watch's tick meanwhile: held
    qtbot.waitUntil(window.imports_idle, timeout=20_000)
    assert held == [1] and window._watch_held == 0
    assert reloads == [True]
    qtbot.wait(2 * WATCH_MS)
    assert reloads == [True]
    assert [iv.company for iv in store.interviews()] == ["Globex"]


def test_what_a_reload_read_is_not_read_again_by_the_watch(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _window(qtbot, store)
    window._reload_if_changed_elsewhere()
    other, _ = open_store(store.path.parent)  # the command line adds an interview
    add_interview(other, "Initech", end=datetime(2026, 11, 25, 11, tzinfo=PARIS))
    other.close()
    window.reload()  # a reload for any reason reads it
    assert "Initech" in {iv.company for iv in window.cache.store.interviews()}
    reloads: list[bool] = []
    monkeypatch.setattr(window, "reload", lambda **_kw: reloads.append(True))
    window._reload_if_changed_elsewhere()
    assert reloads == []


def test_an_employer_cancellation_is_shown_and_can_be_taken_back(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    invitations = Path(__file__).parents[1] / "ical" / "invitations"
    window = _window(qtbot, store)
    for name in ("google-request.ics", "google-cancel.ics"):
        path = tmp_path / name
        path.write_bytes((invitations / name).read_bytes())
        window._import_file(path)
        qtbot.waitUntil(window.imports_idle, timeout=20_000)
    assert "Imported google-cancel.ics: 0 added, 1 updated, 0 unchanged. The employer cancelled " \
        "the interview at Northwind Traders (Data Engineer) on Wed 2 Dec 2026" in (
            window.statusBar().currentMessage())
    (interview,) = store.interviews()
    planned = [s for s in store.steps(interview.id) if s.step.status is StepStatus.PLANNED]
    assert planned == []
    window.calendar.select_event("interview", interview.id)
    panel = window.detail_panel
    assert panel.fields["status"].text() == "Cancelled by the employer on Wed 2 Dec 2026."
    assert "The employer cancelled the interview on" in panel.fields["history"].text()
    assert panel.reopen_interview_button.isVisible()
    panel.reopen_interview_button.click()  # the user's undo
    assert any(s.step.status is StepStatus.PLANNED for s in store.steps(interview.id))
    assert "Cancelled" not in panel.fields["status"].text()
    assert not panel.reopen_interview_button.isVisible()
    assert "Reopened the interview" in window.statusBar().currentMessage()


def test_export_runs_off_the_ui_thread(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    add_interview(store)
    window = _window(qtbot, store)
    target = tmp_path / "out.ics"
    signals = window.export_to(target)
    assert window.progress.isVisible()
    with qtbot.waitSignal(signals.finished, timeout=30_000) as finished:
        pass
    assert finished.args == [str(target), "", ""]
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert not window.progress.isVisible()
    feed = window.export_to(target / "feed.ics", feed=True)  # inside a file: refused
    with qtbot.waitSignal(feed.finished, timeout=30_000) as failed:
        pass
    assert failed.args[1]  # the sentence that says why


def test_writing_the_feed_says_what_it_leaves_out(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    add_interview(store)
    old = add_interview(store, "Initech", datetime(2025, 1, 6, 15, 0, tzinfo=PARIS))
    finish_plan(store, old)
    window = _window(qtbot, store)
    target = tmp_path / "feed.ics"
    signals = window.export_to(target, feed=True)
    with qtbot.waitSignal(signals.finished, timeout=30_000) as finished:
        pass
    steps = len(store.steps(old.id))
    note = (
        f"The feed leaves out 1 interview and {steps} follow-ups: those finished over 60 days ago."
    )
    assert finished.args == [str(target), "", note]
    assert window.statusBar().currentMessage() == f"Wrote {target}. {note}"
    assert b"Initech" not in target.read_bytes()


def test_today_click_opens_the_editor_and_selection_follows(qtbot: QtBot, store: Store) -> None:
    from followthrough.ui.editor.window import MessageEditor

    add_interview(store)
    window = _window(qtbot, store)
    side = window.side_panel
    first = side.today_model.index(0)
    side.today_view.setCurrentIndex(first)  # selecting shows it in the calendar and details
    assert window.detail_panel.ident == first.data(Qt.ItemDataRole.UserRole + 3)
    assert window.calendar.month_view.current_event_id == window.detail_panel.ident
    rect = side.today_view.visualRect(first)
    QTest.mouseClick(side.today_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    (editor,) = [e for e in MessageEditor.open_editors() if e.store is store]
    assert editor.step.id == window.detail_panel.ident
    editor.close()


def _add_interview(data_dir: Path) -> None:
    store, _ = open_store(data_dir)
    end = datetime(2026, 11, 23, 15, 0, tzinfo=ZoneInfo("Europe/Paris"))
    store.add_interview(
        Interview(id="", company="Acme", role="Engineer",
                  interviewers=(Interviewer(name="Ana Diaz", email="ana@acme.example"),),
                  start=end - timedelta(hours=1), end=end, tz="Europe/Paris")
    )
    store.close()


def test_exit_when_ready_opens_the_window_and_reports_startup(tmp_path: Path) -> None:
    _add_interview(tmp_path)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "followthrough", "--data-dir", str(tmp_path), "--exit-when-ready"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    milliseconds = float(result.stdout.strip().splitlines()[-1])
    assert 0 < milliseconds < 120_000


def test_now_is_the_clock_given(store: Store) -> None:
    assert clock() == NOW


def test_move_by_typing_the_time(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QDate, QDateTime, QTime

    from followthrough.ui.detail_panel import MoveDialog

    add_interview(store)
    window = _window(qtbot, store)
    step_id = _step_id(store, "call")

    def choose(dialog: MoveDialog) -> int:
        dialog.when.setDateTime(QDateTime(QDate(2026, 12, 3), QTime(16, 0)))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(MoveDialog, "exec", choose)
    window.calendar.select_event("step", step_id)
    assert window.move_action.isEnabled()
    window.move_action.trigger()
    moved = store.step(step_id).step
    assert moved.start == datetime(2026, 12, 3, 16, 0, tzinfo=PARIS) and moved.manual


def test_problems_show_in_a_banner_that_never_blocks(qtbot: QtBot, store: Store) -> None:
    window = _window(qtbot, store)
    window._warn("The file cannot be imported", "line 3: no END:VCALENDAR.\nmore context here")
    banner = window.banner
    assert not banner.isHidden() and not banner.isModal()
    assert banner.title() == "The file cannot be imported"
    assert banner.text() == "line 3: no END:VCALENDAR."
    assert banner.details.toPlainText() == "more context here"
    assert banner.details.isHidden()
    banner.details_button.click()
    assert not banner.details.isHidden()
    window.show_problem("Sync failed: nothing answers.")
    assert banner.text() == "Sync failed: nothing answers." and banner.details_button.isHidden()
    banner.close_button.click()
    assert banner.isHidden()


def test_a_failed_sync_offers_retry_in_the_banner(qtbot: QtBot, store: Store) -> None:
    from followthrough.ui.sync_controller import SyncController, report_failures

    window = _window(qtbot, store)
    syncer = SyncController(store, window)
    report_failures(window, syncer)
    retried: list[bool] = []
    syncer.sync_now = lambda **_kw: retried.append(True) or True  # type: ignore[method-assign]
    syncer.failed.emit("The server did not answer.")
    banner = window.banner
    assert banner.text() == "Sync failed: The server did not answer."
    assert banner.action_button.isVisible() and banner.action_button.text() == "&Retry"
    banner.action_button.click()
    assert retried == [True] and banner.isHidden()
    # A later message without an action offers none.
    window.show_problem("Export failed: the disk is full.")
    assert banner.action_button.isHidden()
    syncer.shutdown()


def test_the_editor_opens_centred_on_the_window_and_wholly_on_screen(
    qtbot: QtBot, store: Store
) -> None:
    add_interview(store)
    window = _window(qtbot, store)
    window.move(40, 30)
    editor = window.open_editor(_step_id(store, "status-check"))
    assert editor is not None
    qtbot.addWidget(editor)
    qtbot.waitExposed(editor)
    free = editor.screen().availableGeometry()
    assert free.contains(editor.frameGeometry())  # 820 px wide at first: narrowed to fit
    frame, wanted = editor.frameGeometry(), window.frameGeometry().center()
    # Centred on the window, but for what the screen's edges hold back.
    assert abs(frame.center().y() - wanted.y()) <= 2  # 600 px high: room to centre
    held_back = frame.left() == free.left() or frame.right() == free.right()  # by an edge
    assert held_back or abs(frame.center().x() - wanted.x()) <= 2
    editor.close()


def test_a_change_made_here_then_a_syncs_records_do_not_reload_the_window(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's own change, then a sync's thread records what it sent: nothing shown
    changed (every sync after a change used to read the whole window again at its end)."""
    import sqlite3

    acme = add_interview(store, "Acme", end=datetime(2026, 11, 25, 11, tzinfo=PARIS))
    window = _window(qtbot, store)
    window._reload_if_changed_elsewhere()
    store.record(acme.id, Activity(ActivityKind.REPLY, acme.end + timedelta(days=1)))
    window.reload()  # as the window's Log reply does
    raw = sqlite3.connect(store.path)  # the sync's own connection
    raw.execute("INSERT INTO sync_items (account, uid, href, etag, hash) "
                "VALUES ('a', 'u', 'h', 'e', 'x')")
    raw.commit()
    raw.close()
    reloads: list[bool] = []
    monkeypatch.setattr(window, "reload", lambda **_kw: reloads.append(True))
    window._reload_if_changed_elsewhere()
    assert reloads == []
