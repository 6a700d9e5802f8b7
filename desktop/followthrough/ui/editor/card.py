"""A letter laid out as a note card (A6 landscape), for the printer and for a PDF file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF
from PySide6.QtGui import (
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from followthrough.core.model import ValidationError


def card_layout() -> QPageLayout:
    """A6 landscape with 12 mm margins: a note card."""
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A6),
        QPageLayout.Orientation.Landscape,
        QMarginsF(12, 12, 12, 12),
        QPageLayout.Unit.Millimeter,
    )


def paint_card(device: QPaintDevice, text: str) -> None:
    """Lay `text` out on `device`'s pages: a serif face, shrunk (down to 8 pt) to fit one page.

    On a device without pages (an image, for a preview) only what fits is drawn.
    """
    painter = QPainter()
    if not painter.begin(device):
        raise ValidationError("The card could not be drawn: the printer or file refused it.")
    try:
        width, height = float(device.width()), float(device.height())
        document = QTextDocument()
        document.documentLayout().setPaintDevice(device)
        document.setDocumentMargin(0)
        document.setPlainText(text.rstrip("\n"))
        font = QFont("Serif")
        font.setStyleHint(QFont.StyleHint.Serif)
        size = 12.0
        while True:
            font.setPointSizeF(size)
            document.setDefaultFont(font)
            document.setTextWidth(width)
            if document.size().height() <= height or size <= 8.0:
                break
            size -= 0.5
        top = 0.0
        total = document.size().height()
        while True:
            painter.save()
            painter.translate(0, -top)
            document.drawContents(painter, QRectF(0, top, width, height))
            painter.restore()
            top += height
            if top >= total or not isinstance(device, QPagedPaintDevice):
                break
            device.newPage()
    finally:
        painter.end()


def write_card_pdf(path: Path, text: str, title: str = "") -> None:
    """Save `text` as a PDF card (A6 landscape) at `path`."""
    writer = QPdfWriter(str(path))
    writer.setPageLayout(card_layout())
    writer.setResolution(300)
    writer.setTitle(title)
    writer.setCreator("Followthrough")
    paint_card(writer, text)
    del writer  # the file is complete once the writer is gone
    if not path.exists():
        raise ValidationError(f"The PDF could not be written to {path}.")
