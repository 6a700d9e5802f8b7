"""One window per data folder: a second launch hands its links and files to the running one.

The protocol is one line of UTF-8 JSON, `{"v": 1, "args": [...]}` and a newline, answered
by `OK` and a newline once the running window has taken the arguments (as Frescobaldi does,
over a local socket that only the same user can open). Whatever else arrives on the socket
is logged and dropped: it never reaches the window.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from followthrough.store import default_data_dir

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
ACTIVATE = "--activate"  # what a launch with nothing to open hands over: just show the window
ACK = b"OK\n"
REFUSED = b"ERR\n"
MAX_ITEMS = 32
MAX_ITEM_CHARS = 4096
# 32 items of 4096 characters, each escaped to at most 6 bytes, fit with room to spare.
MAX_MESSAGE_BYTES = 1024 * 1024
MAX_CLIENTS = 8
CLIENT_TIMEOUT_MS = 5000


class SingleInstanceError(RuntimeError):
    """The local server could not be started (another window has it, or the system refused)."""


def server_name(data_dir: Path | None = None, user: str | None = None) -> str:
    """The socket's name: one per user and data folder, so two folders are two windows."""
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    try:
        resolved = str(folder.expanduser().resolve())
    except (OSError, RuntimeError):
        resolved = str(folder.expanduser().absolute())
    if user is None:
        try:
            user = getpass.getuser()
        except (KeyError, OSError, ImportError):
            user = str(os.getuid()) if hasattr(os, "getuid") else ""
    digest = hashlib.sha256(f"{user}\0{os.path.normcase(resolved)}".encode()).hexdigest()
    return f"followthrough-{digest[:16]}"


def encode(items: Sequence[str]) -> bytes:
    """The one line a second launch sends."""
    message = {"v": PROTOCOL_VERSION, "args": [str(item)[:MAX_ITEM_CHARS] for item in items]}
    return json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"


def decode(line: bytes) -> list[str]:
    """The arguments in one received line; ValueError with the reason if it is not ours."""
    if len(line) > MAX_MESSAGE_BYTES:
        raise ValueError(f"the message is {len(line)} bytes long")
    try:
        message = json.loads(line.decode("utf-8"))
    except RecursionError:
        raise ValueError("the message is nested too deeply") from None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ValueError(f"the message is not UTF-8 JSON ({error})") from None
    if not isinstance(message, dict) or message.get("v") != PROTOCOL_VERSION:
        raise ValueError("the message is not a Followthrough hand-over")
    args = message.get("args")
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise ValueError("the message's arguments are not a list of strings")
    if len(args) > MAX_ITEMS:
        raise ValueError(f"the message has {len(args)} arguments; at most {MAX_ITEMS} are taken")
    if any(len(a) > MAX_ITEM_CHARS for a in args):
        raise ValueError(f"an argument is longer than {MAX_ITEM_CHARS} characters")
    return list(args)


class SingleInstance(QObject):
    """The hand-over between launches on one data folder, over QLocalServer/QLocalSocket.

    `try_hand_over` is for a launch that may not be the first; `listen` makes this process the
    one that receives. `received` is emitted on the main thread with each launch's arguments;
    raising the window is up to whoever is connected to it.
    """

    received = Signal(list)

    def __init__(
        self,
        data_dir: Path | None = None,
        parent: QObject | None = None,
        *,
        name: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.name = name or server_name(data_dir)
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytearray] = {}

    # -- the second launch -------------------------------------------------------------------

    def try_hand_over(self, messages: Sequence[str], timeout_ms: int = 2000) -> bool:
        """Give the arguments to the running window; True if one took them.

        Runs a local event loop rather than blocking, so a server in this same thread (tests)
        still answers. Without a running window it returns False as soon as the connection
        fails, not after the timeout.
        """
        items = list(messages)
        if len(items) > MAX_ITEMS:
            log.warning("Only the first %d of %d items are handed over.", MAX_ITEMS, len(items))
            items = items[:MAX_ITEMS]
        payload = encode(items)
        socket = QLocalSocket()
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        answer = bytearray()
        outcome: list[bool] = []

        def finish(ok: bool) -> None:
            if not outcome:
                outcome.append(ok)
                loop.quit()

        def on_connected() -> None:
            socket.write(payload)
            socket.flush()

        def on_ready_read() -> None:
            answer.extend(socket.readAll().data())
            if b"\n" in answer:
                finish(bytes(answer).startswith(ACK))
            elif len(answer) > 64:
                finish(False)

        socket.connected.connect(on_connected)
        socket.readyRead.connect(on_ready_read)
        socket.errorOccurred.connect(lambda _error: finish(False))
        socket.disconnected.connect(lambda: finish(bytes(answer).startswith(ACK)))
        timer.timeout.connect(lambda: finish(False))
        timer.start(max(1, timeout_ms))
        socket.connectToServer(self.name)
        if not outcome and socket.state() == QLocalSocket.LocalSocketState.UnconnectedState:
            finish(False)
        if not outcome:
            loop.exec()
        timer.stop()
        # The callbacks stay connected: `finish` ignores all but the first outcome. (PySide6
        # 6.12's SignalInstance.disconnect() loses a reference to True at every call, and
        # Python aborts once enough are lost.)
        socket.abort()
        return outcome[0]

    # -- the running window ------------------------------------------------------------------

    def is_listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def listen(self) -> None:
        """Receive later launches' arguments; SingleInstanceError if that cannot be done.

        A socket left behind by a crashed window is removed, but only after a connection to it
        failed: a live window's socket is never taken over.
        """
        if self.is_listening():
            return
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        alive = probe.waitForConnected(500)
        probe.abort()
        if alive:
            raise SingleInstanceError(
                "Another Followthrough window is already open on this data folder."
            )
        QLocalServer.removeServer(self.name)
        server = QLocalServer(self)
        # Only this user may connect (on Unix the socket's mode; on Windows the pipe's ACL).
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.setMaxPendingConnections(MAX_CLIENTS)
        if not server.listen(self.name):
            message = server.errorString()
            server.deleteLater()
            raise SingleInstanceError(
                f"The app cannot receive links from other launches ({message})."
            )
        server.newConnection.connect(self._on_new_connection)
        self._server = server

    def close(self) -> None:
        """Stop receiving; the socket's name is free again."""
        for socket in list(self._buffers):
            self._drop(socket)
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None

    def _on_new_connection(self) -> None:
        server = self._server
        if server is None:
            return
        while server.hasPendingConnections():
            socket = server.nextPendingConnection()
            if socket is None:
                break
            if len(self._buffers) >= MAX_CLIENTS:
                log.warning("Too many launches at once: one hand-over was refused.")
                socket.abort()
                socket.deleteLater()
                continue
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._on_ready_read(s))
            socket.disconnected.connect(lambda s=socket: self._drop(s))
            # A client that connects and says nothing is not waited for forever.
            QTimer.singleShot(CLIENT_TIMEOUT_MS, socket, lambda s=socket: self._timed_out(s))
            if socket.bytesAvailable():
                self._on_ready_read(socket)

    def _timed_out(self, socket: QLocalSocket) -> None:
        if socket in self._buffers:
            log.warning("A launch connected but handed nothing over in time; it was dropped.")
            self._drop(socket)

    def _drop(self, socket: QLocalSocket) -> None:
        if self._buffers.pop(socket, None) is None:
            return
        socket.abort()
        socket.deleteLater()

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer.extend(socket.readAll().data())
        end = buffer.find(b"\n")
        if end < 0:
            if len(buffer) > MAX_MESSAGE_BYTES:
                log.warning("A hand-over over %d bytes was dropped.", MAX_MESSAGE_BYTES)
                self._refuse(socket)
            return
        try:
            items = decode(bytes(buffer[:end]))
        except ValueError as error:
            log.warning("A hand-over was dropped: %s.", error)
            self._refuse(socket)
            return
        self._buffers.pop(socket, None)
        socket.write(ACK)
        socket.flush()
        socket.disconnectFromServer()
        socket.deleteLater()
        self.received.emit(items)

    def _refuse(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.write(REFUSED)
        socket.flush()
        socket.disconnectFromServer()
        socket.deleteLater()
