"""The ``[placeholder]`` markers core.messages leaves for a missing value, and their
highlighting in the editor, so nothing unfinished goes out."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from followthrough.core.messages import _MARKERS

# The markers core.messages writes for a missing value: "[topic]", "[interviewer's name]"...
MARKERS: tuple[str, ...] = tuple(sorted(set(_MARKERS.values()), key=len, reverse=True))
MARKER_RE = re.compile("|".join(re.escape(marker) for marker in MARKERS))


class PlaceholderHighlighter(QSyntaxHighlighter):
    """Marks the ``[placeholder]`` markers still in the text, so nothing unfinished goes out."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.marker_format = QTextCharFormat()
        self.marker_format.setBackground(QColor("#ffe08a"))
        self.marker_format.setForeground(QColor("#5c3c00"))
        self.marker_format.setFontWeight(QFont.Weight.Bold)
        self.marker_format.setToolTip("Still to fill in")

    def highlightBlock(self, text: str) -> None:
        for match in MARKER_RE.finditer(text):
            self.setFormat(match.start(), match.end() - match.start(), self.marker_format)
