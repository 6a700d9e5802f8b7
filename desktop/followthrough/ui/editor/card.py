"""A letter laid out as a note card (A6 landscape), for the printer and for a PDF file: the
message on its pages, then the envelope side (the recipient's name and postal address)."""

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


def _serif_text(device: QPaintDevice, text: str) -> tuple[QTextDocument, QFont]:
    """`text` laid out for `device`, with no margin, and the serif face to set its size on."""
    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    document.setDocumentMargin(0)
    document.setPlainText(text)
    font = QFont("Serif")
    font.setStyleHint(QFont.StyleHint.Serif)
    return document, font


def paint_card(device: QPaintDevice, text: str, envelope: str = "") -> None:
    """Lay `text` out on `device`'s pages: a serif face, shrunk (down to 8 pt) to fit one page;
    then, given an `envelope` (name and postal address), the envelope side on a page of its own.

    On a device without pages (an image, for a preview) only what fits of the text is drawn.
    """
    painter = QPainter()
    if not painter.begin(device):
        raise ValidationError("The card could not be drawn: the printer or file refused it.")
    try:
        width, height = float(device.width()), float(device.height())
        document, font = _serif_text(device, text.rstrip("\n"))
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
        if envelope.strip() and isinstance(device, QPagedPaintDevice):
            device.newPage()
            _draw_envelope(painter, device, envelope)
    finally:
        painter.end()


def paint_envelope(device: QPaintDevice, envelope: str) -> None:
    """Draw the envelope side alone on `device` (a preview)."""
    painter = QPainter()
    if not painter.begin(device):
        raise ValidationError("The card could not be drawn: the printer or file refused it.")
    try:
        _draw_envelope(painter, device, envelope)
    finally:
        painter.end()


def _draw_envelope(painter: QPainter, device: QPaintDevice, envelope: str) -> None:
    """The name and address in the right half of the side, below the middle, as a card's
    address side has them (the left half is left for a line or two by hand)."""
    width, height = float(device.width()), float(device.height())
    document, font = _serif_text(device, envelope.strip("\n"))
    font.setPointSizeF(11.0)
    document.setDefaultFont(font)
    document.setTextWidth(width * 0.5)
    top = max(0.0, min(height * 0.45, height - document.size().height()))
    painter.save()
    painter.translate(width * 0.5, top)
    document.drawContents(painter, QRectF(0, 0, width * 0.5, height - top))
    painter.restore()


def write_card_pdf(path: Path, text: str, title: str = "", envelope: str = "") -> None:
    """Save `text` as a PDF card (A6 landscape) at `path`, with its envelope side if given."""
    writer = QPdfWriter(str(path))
    writer.setPageLayout(card_layout())
    writer.setResolution(300)
    writer.setTitle(title)
    writer.setCreator("Followthrough")
    paint_card(writer, text, envelope)
    del writer  # the file is complete once the writer is gone
    if not path.exists():
        raise ValidationError(f"The PDF could not be written to {path}.")
