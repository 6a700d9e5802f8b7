"""The handwritten note's card: the postal address recorded on the interview is shown in the
editor and printed on the card's envelope side (a page after the message)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import test_editor
from PySide6.QtGui import QColor, QImage
from test_editor import Open, save_as, step_of

from followthrough.store import Store
from followthrough.ui.editor.card import paint_envelope

# test_editor's fixtures: the store with Ana Diaz's interview at Acme, and editors opened on it.
store, open_editor = test_editor.store, test_editor.open_editor

ADDRESS = "Acme Robotics\n1 Loop Street\nCape Town 8001"


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/MediaBox \[", pdf))


def test_the_envelope_side_carries_the_name_and_postal_address(
    store: Store, open_editor: Open, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    interview = store.interviews()[0]
    store.update_interview(replace(interview, postal_address=ADDRESS))
    editor = open_editor(step_of(store, "note").id)
    assert editor.envelope_label.isVisible()
    assert editor.envelope_label.text() == "Acme Robotics, 1 Loop Street, Cape Town 8001"
    assert "postal address" not in editor.missing_label.text()
    assert editor.envelope() == "Ana Diaz\n" + ADDRESS
    editor.to_name_edit.setText("Dr Ana Diaz")  # the name as the user writes it on the envelope
    assert editor.envelope().startswith("Dr Ana Diaz\nAcme Robotics")
    save_as(monkeypatch, tmp_path / "card")
    editor.pdf_button.click()
    assert _pages((tmp_path / "card.pdf").read_bytes()) == 2  # the message, then the envelope


def test_without_an_address_the_card_is_the_message_alone_and_the_editor_says_so(
    store: Store, open_editor: Open, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = open_editor(step_of(store, "note").id)
    assert editor.envelope() == ""
    assert editor.envelope_label.text() == "(no postal address)"
    assert "No postal address recorded" in editor.missing_label.text()
    save_as(monkeypatch, tmp_path / "card")
    editor.pdf_button.click()
    assert _pages((tmp_path / "card.pdf").read_bytes()) == 1


def test_an_email_has_no_envelope_row(store: Store, open_editor: Open) -> None:
    editor = open_editor(step_of(store, "thank-you").id)
    assert editor.envelope_label.isHidden()


def test_the_address_is_drawn_in_the_right_half_below_the_middle(qtbot: object) -> None:
    image = QImage(600, 420, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    paint_envelope(image, "Ana Diaz\n" + ADDRESS)
    inked = [
        (x, y)
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y).lightness() < 128
    ]
    assert inked, "nothing was drawn"
    assert min(x for x, _ in inked) >= image.width() // 2  # the left half is for a written line
    assert min(y for _, y in inked) >= image.height() * 0.4
