"""Test-wide setup: no real display, no real keyring, no real data folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from smtp_server import Authority, MemoryKeyring, StartServer

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


# -- a real SMTP server and an in-memory keyring (tests/smtp_server.py) ----------------------


@pytest.fixture(scope="session")
def authority() -> Authority:
    """A test certificate authority and a server certificate for 127.0.0.1 and localhost."""
    from smtp_server import new_authority

    return new_authority()


@pytest.fixture
def start_server(authority: Authority) -> Iterator[StartServer]:
    """Starts aiosmtpd servers on 127.0.0.1: "starttls", "ssl" or "plain"; stopped after."""
    from smtp_server import server_starter

    with server_starter(authority) as start:
        yield start


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An empty in-memory keyring, installed for one test and then taken away."""
    from smtp_server import MemoryKeyring, installed_keyring

    backend = MemoryKeyring()
    with installed_keyring(backend):
        yield backend
