"""A long list of names to choose from by typing any part of one (countries, regions): what is
kept is the item's data (a code), never the text typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter


def searchable(choice: QComboBox) -> None:
    """Make `choice` editable: any part of a name finds it (case aside); text that names no
    item goes back to the item chosen."""
    choice.setEditable(True)
    choice.setProperty("chosen_by_name", True)  # SettingsDialog.values reads its data
    choice.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = choice.completer()
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def settle() -> None:
        found = choice.findText(choice.currentText().strip(), Qt.MatchFlag.MatchFixedString)
        if found >= 0:
            choice.setCurrentIndex(found)
        choice.setEditText(choice.itemText(choice.currentIndex()))

    line = choice.lineEdit()
    assert line is not None
    line.editingFinished.connect(settle)


def choose_data(choice: QComboBox, data: str) -> None:
    """Make the item holding `data` current, adding one named by the code when none does (a
    value this list does not offer is kept, never lost)."""
    index = choice.findData(data)
    if index < 0 and data:
        choice.addItem(data, data)
        index = choice.count() - 1
    choice.setCurrentIndex(max(index, 0))
