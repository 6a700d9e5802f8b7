"""The detail panel's small dialogs: what the user types becomes the right activity or time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from calendar_data import NOW, PARIS
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateTimeEdit, QDialog, QDialogButtonBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from followthrough.core.model import ActivityKind, Outcome
from followthrough.ui.detail_panel import DelayDialog, MoveDialog, OutcomeDialog


def _type_into(qtbot: QtBot, editor: QLineEdit, text: str) -> None:
    """Focus the field, select what it shows and type `text` over it, as a user would."""
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def _type_section(
    qtbot: QtBot, editor: QDateTimeEdit, section: QDateTimeEdit.Section, text: str
) -> None:
    """Type `text` over one part (day, hour, ...) of a date editor, whatever its format."""
    editor.setFocus()
    editor.setSelectedSection(section)
    qtbot.keyClicks(editor, text)


def _button(dialog: QDialog, which: QDialogButtonBox.StandardButton) -> QWidget:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    button = box.button(which)
    assert button is not None
    return button


def test_delay_dialog_gives_a_delay_with_the_typed_date_and_note(qtbot: QtBot) -> None:
    dialog = DelayDialog(date(2026, 11, 25))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Log a delay"
    assert dialog.date_edit.date() == QDate(2026, 12, 9)  # two weeks after the earliest date
    _type_section(qtbot, dialog.date_edit, QDateTimeEdit.Section.DaySection, "15")
    _type_into(qtbot, dialog.note, "  budget review  ")
    activity = dialog.activity(NOW)
    assert activity.kind is ActivityKind.DELAY and activity.at == NOW
    assert activity.until == date(2026, 12, 15)
    assert activity.note == "budget review"  # trimmed
    assert activity.outcome is None and activity.to is None and activity.step == ""


def test_outcome_dialog_gives_the_chosen_outcome_and_note(qtbot: QtBot) -> None:
    dialog = OutcomeDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Log the outcome"
    assert dialog.activity(NOW).outcome is Outcome.OFFER  # the first choice
    assert dialog.activity(NOW).note == ""
    dialog.outcome.setFocus()
    for key, outcome in ((Qt.Key.Key_Down, Outcome.REJECTED), (Qt.Key.Key_Down, Outcome.WITHDRAWN),
                         (Qt.Key.Key_Home, Outcome.OFFER)):
        qtbot.keyClick(dialog.outcome, key)
        assert dialog.activity(NOW).outcome is outcome
    _type_into(qtbot, dialog.note, "Start in January ")
    activity = dialog.activity(NOW)
    assert activity.kind is ActivityKind.OUTCOME and activity.at == NOW
    assert activity.outcome is Outcome.OFFER and activity.note == "Start in January"
    assert activity.until is None


def test_move_dialog_gives_the_typed_time_in_the_step_zone(qtbot: QtBot) -> None:
    dialog = MoveDialog(datetime(2026, 11, 26, 9, 0, tzinfo=PARIS))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Move the follow-up"
    assert dialog.start() == datetime(2026, 11, 26, 9, 0, tzinfo=PARIS)
    _type_section(qtbot, dialog.when, QDateTimeEdit.Section.DaySection, "27")
    _type_section(qtbot, dialog.when, QDateTimeEdit.Section.HourSection, "14")
    _type_section(qtbot, dialog.when, QDateTimeEdit.Section.MinuteSection, "30")
    assert dialog.start() == datetime(2026, 11, 27, 14, 30, tzinfo=PARIS)


@pytest.mark.parametrize("kind", ["delay", "outcome"])
def test_note_field_is_labelled_and_explained(qtbot: QtBot, kind: str) -> None:
    dialog = DelayDialog(date(2026, 11, 25)) if kind == "delay" else OutcomeDialog()
    qtbot.addWidget(dialog)
    assert dialog.note.accessibleName() == "Note"
    assert dialog.note.placeholderText() == (
        "What they said (optional)" if kind == "delay" else "Details (optional)"
    )


@pytest.mark.parametrize("make", [
    lambda: DelayDialog(date(2026, 11, 25)),
    OutcomeDialog,
    lambda: MoveDialog(datetime(2026, 11, 26, 9, 0, tzinfo=PARIS)),
], ids=["delay", "outcome", "move"])
def test_ok_accepts_and_cancel_rejects(qtbot: QtBot, make: Callable[[], QDialog]) -> None:
    for which, code in ((QDialogButtonBox.StandardButton.Ok, QDialog.DialogCode.Accepted),
                        (QDialogButtonBox.StandardButton.Cancel, QDialog.DialogCode.Rejected)):
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        with qtbot.waitSignal(dialog.finished) as finished:
            qtbot.mouseClick(_button(dialog, which), Qt.MouseButton.LeftButton)
        assert finished.args == [code.value]
        assert not dialog.isVisible()


def test_the_detail_panels_buttons_leave_no_holes(qtbot: QtBot, tmp_path: Path) -> None:
    """Hidden actions (Reopen for a planned step, say) leave no gap in the two columns; the
    interview's actions start on a row of their own."""
    from calendar_data import add_interview, make_cache, make_store

    from followthrough.ui.detail_panel import DetailPanel

    store = make_store(tmp_path)
    try:
        add_interview(store)
        panel = DetailPanel(make_cache(store))
        qtbot.addWidget(panel)
        planned = next(r for r in store.step_index() if r[4] == "planned")
        for kind, ident, steps_shown in (("step", planned[0], 4), ("interview", planned[1], 0)):
            panel.show_item(kind, ident)
            shown = [b for b in panel._all_buttons() if not b.isHidden()]
            places = [panel.buttons.getItemPosition(panel.buttons.indexOf(b))[:2] for b in shown]
            interview_row = (steps_shown + 1) // 2
            expected = [(n // 2, n % 2) for n in range(steps_shown)] + [
                (interview_row + n // 2, n % 2) for n in range(len(shown) - steps_shown)
            ]
            assert places == expected, (kind, [b.text() for b in shown])
            assert shown[steps_shown] is panel.reply_button
    finally:
        store.close()
