"""A step as it is dragged: from a grid or a day tree to another day or time."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QByteArray, QMimeData

from followthrough.ui.calendar.events import CalendarEvent

STEP_MIME = "application/x-followthrough-step"
"""A dragged step: its id, a newline, and its start as ISO 8601."""


def step_mime(event: CalendarEvent) -> QMimeData:
    mime = QMimeData()
    mime.setData(STEP_MIME, QByteArray(f"{event.id}\n{event.start.isoformat()}".encode()))
    mime.setText(event.title)
    return mime


def read_step_mime(mime: QMimeData) -> tuple[str, datetime] | None:
    """The dragged step's id and start, or None for anything else."""
    if not mime.hasFormat(STEP_MIME):
        return None
    try:
        ident, start = bytes(mime.data(STEP_MIME).data()).decode().split("\n", 1)
        return ident, datetime.fromisoformat(start)
    except ValueError:
        return None
