"""The interview dialog's table of interviewers, as a table: its columns sized so that a name
and an email address read whole at the dialog's first size, the main contact (the first row)
marked in the row header, and a row moved to the top to make it the main contact.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSignalBlocker
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem


def tr(text: str) -> str:
    return QCoreApplication.translate("InterviewDialog", text)


def fit_columns(table: QTableWidget, narrow: dict[int, int]) -> None:
    """The columns in `narrow` (column: width in average characters) keep that width, the
    user may drag them; the others (name, email) share the rest."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    char = table.fontMetrics().averageCharWidth()
    for column, chars in narrow.items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, char * chars)


def mark_main_contact(table: QTableWidget) -> None:
    """The first row's header says it is the main contact; the others' say nothing."""
    for row in range(table.rowCount()):
        item = QTableWidgetItem(tr("Main") if row == 0 else "")
        if row == 0:
            item.setToolTip(tr(
                "The main contact: the follow-ups go to them first, and the points to "
                "clarify are theirs. Make someone else the main contact to change it."
            ))
        table.setVerticalHeaderItem(row, item)
    table.verticalHeader().setVisible(table.rowCount() > 0)


def move_to_top(table: QTableWidget, row: int) -> None:
    """Move `row` (its items, their data) to the top: the new main contact."""
    if row <= 0 or row >= table.rowCount():
        return
    with QSignalBlocker(table):
        items = [table.takeItem(row, column) for column in range(table.columnCount())]
        table.removeRow(row)
        table.insertRow(0)
        for column, item in enumerate(items):
            if item is not None:
                table.setItem(0, column, item)
    mark_main_contact(table)
