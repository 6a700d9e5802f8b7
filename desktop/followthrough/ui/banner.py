"""A message across the top of the window that never blocks it: a sentence, details on demand.

Problems (a file that cannot be imported, a link that points nowhere, a failed sync) are shown
here instead of in a dialog, so the window stays usable while the user reads them. The newest
message replaces the one before; Close (or Esc in the banner) hides it. A message may offer
one action to fix it (Retry after a failed sync): the button runs it and hides the message.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

_COLOURS = {
    # level: (light background, light text, dark background, dark text)
    "warning": ("#fff4ce", "#3d2f00", "#4a3a00", "#ffe9a8"),
    "error": ("#fde7e9", "#5c0b12", "#5c1a20", "#ffd6da"),
    "information": ("#e5f1fb", "#0b3a5c", "#12344f", "#d6ecff"),
}


class Banner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("Message"))
        self._level = "warning"
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        row = QHBoxLayout()
        self.icon_label = QLabel(self)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.details_button = QToolButton(self)
        self.details_button.setText(self.tr("Details"))
        self.details_button.setCheckable(True)
        self.details_button.setAccessibleName(self.tr("Show details"))
        self.action_button = QToolButton(self)  # the message's own action, when it has one
        self.action_button.hide()
        self.action_button.clicked.connect(self._run_action)
        self._action: Callable[[], object] | None = None
        self.close_button = QToolButton(self)
        self.close_button.setText(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close the message"))
        row.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)
        row.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(row)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName(self.tr("Details of the message"))
        self.details.setMaximumHeight(120)
        self.details.hide()
        outer.addWidget(self.details)
        self.details_button.toggled.connect(self.details.setVisible)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def show_message(
        self, title: str, text: str, details: str = "", level: str = "warning",
        action: tuple[str, Callable[[], object]] | None = None,
    ) -> None:
        """Show `title` and `text` (one sentence); `details`, if any, behind the Details button;
        `action` (its button's text, what it does), if any, as a button beside them."""
        self._level = level if level in _COLOURS else "warning"
        self._title, self._text = title, text
        shown = f"<b>{_escape(title)}</b> {_escape(text)}" if title else _escape(text)
        self.label.setText(shown)
        self.details.setPlainText(details)
        self.details_button.setVisible(bool(details))
        self.details_button.setChecked(False)
        self._action = action[1] if action else None
        self.action_button.setText(action[0] if action else "")
        self.action_button.setAccessibleName(action[0].replace("&", "") if action else "")
        self.action_button.setVisible(action is not None)
        icon = self.style().standardIcon(
            {
                "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
                "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
                "information": QStyle.StandardPixmap.SP_MessageBoxInformation,
            }[self._level]
        )
        size = self.fontMetrics().height()
        self.icon_label.setPixmap(icon.pixmap(size, size))
        self._paint_colours()
        self.show()

    def title(self) -> str:
        return getattr(self, "_title", "")

    def text(self) -> str:
        return getattr(self, "_text", "")

    def icon(self) -> QMessageBox.Icon:
        return {
            "warning": QMessageBox.Icon.Warning,
            "error": QMessageBox.Icon.Critical,
            "information": QMessageBox.Icon.Information,
        }[self._level]

    def _paint_colours(self) -> None:
        light_bg, light_fg, dark_bg, dark_fg = _COLOURS[self._level]
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        background, foreground = (dark_bg, dark_fg) if dark else (light_bg, light_fg)
        self.setStyleSheet(
            f"QFrame#banner {{ background: {background}; border-radius: 4px; }}"
            f" QFrame#banner QLabel {{ color: {foreground}; }}"
        )

    def _run_action(self) -> None:
        run, self._action = self._action, None
        self.hide()
        if run is not None:
            run()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
