"""Test-wide setup: no real display, no real keyring, no real data folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Set before anything imports Qt or keyring (pytest-qt makes its QApplication later).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point FOLLOWTHROUGH_DATA_DIR at a fresh folder for every test.

    Whatever the user's environment says never reaches a test. The folder is not
    created, so code under test that makes it on first use is exercised; request
    this fixture by name to get the path.
    """
    data_dir = tmp_path / "followthrough-data"
    monkeypatch.setenv("FOLLOWTHROUGH_DATA_DIR", str(data_dir))
    yield data_dir
