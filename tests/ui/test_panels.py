"""The side panel (today, pipeline) and the detail panel (what, why, actions)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from calendar_data import NOW, PARIS, add_interview, make_cache, make_store
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from followthrough.core.model import Activity, ActivityKind, Outcome
from followthrough.store import Store
from followthrough.ui.calendar.event_cache import EventCache
from followthrough.ui.calendar.item_model import Roles
from followthrough.ui.detail_panel import DelayDialog, DetailPanel, OutcomeDialog
from followthrough.ui.side_panel import SidePanel


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = make_store(tmp_path)
    yield store
    store.close()


@pytest.fixture
def cache(store: Store) -> EventCache:
    add_interview(store, "Acme")
    add_interview(store, "Globex", end=datetime(2026, 11, 20, 11, tzinfo=PARIS), person="Kim Park")
    return make_cache(store)


def _panel(qtbot: QtBot, cache: EventCache) -> SidePanel:
    panel = SidePanel(cache)
    qtbot.addWidget(panel)
    panel.resize(320, 700)
    panel.reload()
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_today_lists_due_steps_and_one_click_opens_one(qtbot: QtBot, cache: EventCache) -> None:
    panel = _panel(qtbot, cache)
    model = panel.today_model
    assert model.rowCount() > 0
    assert panel.today_heading.text() == f"Today ({model.rowCount()})"
    assert not panel.today_empty.isVisible()
    first = model.index(0)
    rect = panel.today_view.visualRect(first)
    with qtbot.waitSignal(panel.step_activated) as activated:
        QTest.mouseClick(panel.today_view.viewport(), Qt.MouseButton.LeftButton,
                         pos=rect.center())
    assert activated.args == [first.data(Roles.ID)]
    panel.today_view.setFocus()
    with qtbot.waitSignal(panel.step_activated):
        QTest.keyClick(panel.today_view, Qt.Key.Key_Return)


def test_today_says_when_nothing_is_due(qtbot: QtBot, store: Store) -> None:
    panel = _panel(qtbot, make_cache(store))
    assert panel.today_empty.isVisible()
    assert not panel.today_view.isVisible()


def test_pipeline_search_and_state_filter(qtbot: QtBot, store: Store, cache: EventCache) -> None:
    globex = next(iv for iv in store.interviews() if iv.company == "Globex")
    store.record(globex.id, Activity(ActivityKind.OUTCOME, NOW, outcome=Outcome.OFFER))
    panel = _panel(qtbot, cache)
    view, model = panel.pipeline_view, panel.pipeline_model

    def visible_companies() -> list[str]:
        names = []
        for group in range(model.rowCount()):
            parent = model.index(group, 0)
            assert view.isExpanded(parent)
            names += [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]
        return names

    assert sorted(visible_companies()) == ["Acme", "Globex"]
    qtbot.keyClicks(panel.search, "glob")
    assert visible_companies() == ["Globex"]
    panel.search.clear()
    panel.state_filter.setCurrentIndex(panel.state_filter.findData("waiting"))
    assert visible_companies() == ["Acme"]
    panel.state_filter.setCurrentIndex(0)
    with qtbot.waitSignal(panel.selection_changed) as selected:
        panel.select_interview(globex.id)
    assert selected.args == ["interview", globex.id]
    with qtbot.waitSignal(panel.interview_activated) as activated:
        view.setFocus()
        QTest.keyClick(view, Qt.Key.Key_Enter)
    assert activated.args == [globex.id]


def test_enter_opens_the_current_item_and_other_keys_still_move(
    qtbot: QtBot, cache: EventCache
) -> None:
    panel = _panel(qtbot, cache)
    opened: list[str] = []
    panel.step_activated.connect(opened.append)
    panel.interview_activated.connect(opened.append)
    for view, model in ((panel.today_view, panel.today_model),
                        (panel.pipeline_view, panel.pipeline_model)):
        view.setFocus()
        view.setCurrentIndex(model.index(0, 0))
        QTest.keyClick(view, Qt.Key.Key_Down)  # not taken by Enter handling: the view moves
        current = view.currentIndex()
        assert current.isValid() and current != model.index(0, 0)
        opened.clear()
        QTest.keyClick(view, Qt.Key.Key_Enter)
        assert opened == [current.data(Roles.ID)]


def test_detail_panel_shows_a_step_with_why_and_its_actions(
    qtbot: QtBot, store: Store, cache: EventCache
) -> None:
    panel = DetailPanel(cache)
    qtbot.addWidget(panel)
    panel.resize(360, 600)
    panel.show()
    assert panel.empty.isVisible() and not panel.done_button.isVisible()
    acme = next(iv for iv in store.interviews() if iv.company == "Acme")
    step_id = f"{acme.id}.status-check"
    panel.show_item("step", step_id)
    assert panel.title.text() == "Status check with Acme"
    assert "Acme" in panel.subtitle.text()
    assert panel.fields["why"].text().startswith("3 to 7 days after the interview")
    assert panel.fields["status"].text() == "Planned"
    assert "26" in panel.fields["when"].text()
    for button, signal in (
        (panel.open_button, panel.open_editor_requested),
        (panel.done_button, panel.mark_done_requested),
        (panel.skip_button, panel.skip_requested),
    ):
        assert button.isVisible() and button.isEnabled()
        with qtbot.waitSignal(signal) as emitted:
            button.click()
        assert emitted.args == [step_id]
    assert not panel.reopen_button.isVisible()
    for button, signal in (
        (panel.reply_button, panel.reply_requested),
        (panel.delay_button, panel.delay_requested),
        (panel.outcome_button, panel.outcome_requested),
        (panel.edit_button, panel.edit_requested),
        (panel.delete_button, panel.delete_requested),
    ):
        with qtbot.waitSignal(signal) as emitted:
            button.click()
        assert emitted.args == [acme.id]
    # Done: the panel offers to reopen it instead.
    store.record(acme.id, Activity(ActivityKind.DONE, NOW, step="status-check", how="email"))
    cache.refresh()
    panel.refresh()
    assert panel.fields["status"].text().startswith("Done")
    assert panel.reopen_button.isVisible() and not panel.done_button.isVisible()


def test_detail_panel_shows_an_interview(qtbot: QtBot, store: Store, cache: EventCache) -> None:
    panel = DetailPanel(cache)
    qtbot.addWidget(panel)
    panel.show()
    globex = next(iv for iv in store.interviews() if iv.company == "Globex")
    store.record(globex.id, Activity(ActivityKind.REPLY, NOW, note="<b>soon</b>"))
    cache.refresh()
    panel.show_item("interview", globex.id)
    assert panel.title.text() == "Interview at Globex"
    assert panel.fields["people"].text() == "Kim Park · ana@acme.example"
    assert panel.fields["status"].text() == "Replied"
    assert panel.fields["history"].text() == "They replied on 25 Nov: <b>soon</b>"
    assert panel.title.textFormat() == Qt.TextFormat.PlainText
    assert not panel.open_button.isVisible() and panel.reply_button.isVisible()
    panel.show_item("step", "no-such-step")
    assert panel.empty.isVisible()


def test_delay_and_outcome_dialogs_build_activities(qtbot: QtBot) -> None:
    delay = DelayDialog(date(2026, 11, 25))
    qtbot.addWidget(delay)
    delay.date_edit.setDate(QDate(2026, 12, 15))
    delay.note.setText("budget review")
    activity = delay.activity(NOW)
    assert activity.kind is ActivityKind.DELAY and activity.until == date(2026, 12, 15)
    assert activity.note == "budget review"
    delay.date_edit.setDate(QDate(2026, 1, 1))  # before the earliest date: refused by the editor
    assert delay.date_edit.date() >= QDate(2026, 11, 25)
    outcome = OutcomeDialog()
    qtbot.addWidget(outcome)
    outcome.outcome.setCurrentIndex(outcome.outcome.findData("rejected"))
    assert outcome.activity(NOW).outcome is Outcome.REJECTED


def test_move_dialog_gives_an_aware_time(qtbot: QtBot, store: Store, cache: EventCache) -> None:
    from PySide6.QtCore import QDateTime, QTime

    from followthrough.ui.detail_panel import MoveDialog

    panel = DetailPanel(cache)
    qtbot.addWidget(panel)
    panel.show()
    acme = next(iv for iv in store.interviews() if iv.company == "Acme")
    panel.show_item("step", f"{acme.id}.status-check")
    assert panel.move_button.isVisible()
    with qtbot.waitSignal(panel.move_requested) as asked:
        panel.move_button.click()
    assert asked.args == [f"{acme.id}.status-check"]
    dialog = MoveDialog(datetime(2026, 11, 26, 9, 0, tzinfo=PARIS))
    qtbot.addWidget(dialog)
    dialog.when.setDateTime(QDateTime(QDate(2026, 11, 27), QTime(14, 30)))
    assert dialog.start() == datetime(2026, 11, 27, 14, 30, tzinfo=PARIS)


def test_a_done_step_shows_what_was_sent_and_when_and_how(
    qtbot: QtBot, store: Store, cache: EventCache
) -> None:
    from followthrough.store.drafts import finish_step

    panel = DetailPanel(cache)
    qtbot.addWidget(panel)
    panel.show()
    acme = next(iv for iv in store.interviews() if iv.company == "Acme")
    step = store.step(f"{acme.id}.status-check").step
    finish_step(store, step, "email (SMTP)", at=NOW, sent=("Checking in", "Dear Ana,\nAny news?"))
    cache.refresh()
    panel.show_item("step", step.id)
    assert panel.fields["status"].text() == "Done: sent by email on 25 Nov at 10:00 (SMTP)."
    sent = panel.fields["sent"]
    assert sent.isVisible() and sent.textFormat() == Qt.TextFormat.PlainText
    assert sent.text() == "Subject: Checking in\n\nDear Ana,\nAny news?"
    assert not sent.textInteractionFlags() & Qt.TextInteractionFlag.TextEditable
    assert not panel.open_button.isEnabled()  # read-only: nothing left to write
    # Marked done without a message (from the window): nothing is shown as sent.
    thanks = next(s.step for s in store.steps(acme.id) if s.step.kind == "thank-you")
    finish_step(store, thanks, "", at=NOW)
    cache.refresh()
    panel.show_item("step", thanks.id)
    assert panel.fields["status"].text() == "Done: done on 25 Nov at 10:00."
    assert not panel.fields["sent"].isVisible()


def test_the_history_reads_as_sentences_never_ids(
    qtbot: QtBot, store: Store, cache: EventCache
) -> None:
    panel = DetailPanel(cache)
    qtbot.addWidget(panel)
    panel.show()
    acme = next(iv for iv in store.interviews() if iv.company == "Acme")
    steps = {s.step.kind: s.step for s in store.steps(acme.id)}
    thanks = steps["thank-you"]
    for activity in (
        Activity(ActivityKind.DONE, NOW, step=thanks.key, how="email"),
        Activity(ActivityKind.SKIP, NOW, step="status-check"),
        Activity(ActivityKind.DONE, NOW, step="call", how="phone: voicemail"),
        Activity(ActivityKind.DELAY, NOW, until=date(2026, 12, 15)),
    ):
        store.record(acme.id, activity)
    cache.refresh()
    panel.show_item("interview", acme.id)
    lines = panel.fields["history"].text().splitlines()
    assert lines == [
        f"{thanks.title} sent by email on 25 Nov",
        "Status check with Acme skipped on 25 Nov",
        f"{steps['call'].title} done by phone on 25 Nov (voicemail)",
        "They moved the decision to 15 Dec on 25 Nov",
    ]
    history = panel.fields["history"].text()
    assert acme.id not in history and thanks.key not in history and "status-check" not in history
