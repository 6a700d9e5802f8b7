"""The actions' SVG icons: every one renders, sharp at any size, in the palette's text colour."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from followthrough.ui.icons import NAMES, icon


@pytest.mark.parametrize("name", NAMES)
def test_each_icon_draws_something_at_any_size(qtbot: QtBot, name: str) -> None:
    for side in (16, 24, 48, 96):
        image = icon(name).pixmap(QSize(side, side)).toImage()
        assert image.width() == side
        drawn = sum(
            1 for x in range(side) for y in range(side) if image.pixelColor(x, y).alpha() > 0
        )
        assert drawn > side  # a shape, not an empty square


def test_icons_follow_the_palette(qtbot: QtBot, qapp: QApplication) -> None:
    before = qapp.palette()
    try:
        for text in (QColor("#000000"), QColor("#ffffff")):
            palette = QPalette(before)
            palette.setColor(QPalette.ColorRole.WindowText, text)
            qapp.setPalette(palette)
            image = icon("done").pixmap(QSize(48, 48)).toImage()
            opaque = [
                image.pixelColor(x, y)
                for x in range(48)
                for y in range(48)
                if image.pixelColor(x, y).alpha() == 255
            ]
            assert opaque and all(c.rgb() == text.rgb() for c in opaque)
        disabled = icon("done").pixmap(QSize(48, 48), QIcon.Mode.Disabled).toImage()
        assert any(disabled.pixelColor(x, y).alpha() for x in range(48) for y in range(48))
    finally:
        qapp.setPalette(before)


def test_an_unknown_icon_is_refused() -> None:
    with pytest.raises(KeyError):
        icon("nope")
