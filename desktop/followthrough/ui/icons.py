"""The actions' icons: SVG files drawn in `currentColor`, rendered at whatever size and pixel
ratio a toolbar or menu asks for (sharp on HiDPI screens), in the palette's text colour (so
they follow dark mode), greyed when the action is disabled."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from followthrough.resources import resource_path

NAMES = (
    "today",
    "previous",
    "next",
    "new",
    "import",
    "export",
    "sync",
    "done",
    "skip",
    "message",
)


@cache
def _svg(name: str) -> str:
    return (resource_path("icons") / "actions" / f"{name}.svg").read_text(encoding="utf-8")


class _SvgEngine(QIconEngine):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        palette = QGuiApplication.palette()
        group = (
            QPalette.ColorGroup.Disabled
            if mode == QIcon.Mode.Disabled
            else QPalette.ColorGroup.Normal
        )
        colour = palette.color(group, QPalette.ColorRole.WindowText).name()
        data = _svg(self.name).replace("currentColor", colour)
        QSvgRenderer(QByteArray(data.encode("utf-8"))).render(painter, rect)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        image = QPixmap(size)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return image

    def clone(self) -> QIconEngine:
        return _SvgEngine(self.name)


def icon(name: str) -> QIcon:
    """The icon called `name` (one of NAMES)."""
    if name not in NAMES:
        raise KeyError(name)
    return QIcon(_SvgEngine(name))
