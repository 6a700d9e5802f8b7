"""One window per data folder: a second launch hands its links and files to the running one.

The protocol is one line of UTF-8 JSON, `{"v": 1, "args": [...]}` and a newline, answered
by `OK` and a newline once the running window has taken the arguments (as Frescobaldi does,
over a local socket that only the same user can open). Whatever else arrives on the socket
is logged and dropped: it never reaches the window.

On Linux and macOS the first launch on a data folder takes a lock at once (`flock` on a file
next to the socket, in a folder only this user can enter) and holds it while it runs; it starts
listening on the socket only once its window is painted, so Qt's network module is not loaded
before then. A later launch that cannot take the lock connects with plain Python sockets, and
waits a little for a first launch that is still starting. The lock goes with the process that
held it, however it ends, so a socket file left by a crash never stands in anyone's way. On
Windows the named pipe is both the lock and the channel, and Qt's sockets are used on both
sides, as they always were.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import stat
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QThread, QTimer, Signal
from shiboken6 import isValid

from followthrough.store import default_data_dir

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

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
# How long a later launch waits for a first launch that holds the folder but is not listening
# yet (it listens once its window is painted, and at the latest after first_paint's timeout).
STARTING_WAIT_MS = 12_000
RETRY_INTERVAL_S = 0.05
LOCK_SUFFIX = ".lock"
# sockaddr_un holds 108 bytes on Linux and 104 on macOS, the final NUL included.
MAX_SOCKET_PATH_BYTES = 100

USE_QT_CLIENT = sys.platform == "win32"  # elsewhere: a lock file and a plain Unix socket


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


def _private_folder(folder: str, ours: bool) -> bool:
    """True if `folder` is a real directory (not a link) of this user that nobody else enters;
    one of `ours` that others could enter is closed to them first."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return False
    if info.st_mode & 0o077:
        if not ours:
            return False
        try:
            os.chmod(folder, 0o700)
        except OSError:
            return False
    return True


def runtime_dir() -> Path:
    """Linux and macOS: the folder for the socket and its lock, which only this user can enter.

    $XDG_RUNTIME_DIR where the session has one; else a `followthrough-UID` folder (mode 0700)
    in the temporary folder. SingleInstanceError if no such folder can be had.
    """
    import tempfile

    uid = os.getuid()
    candidates: list[str] = []
    xdg = os.environ.get("XDG_RUNTIME_DIR", "")
    if os.path.isabs(xdg):
        candidates.append(xdg)
    candidates += [
        os.path.join(tempfile.gettempdir(), f"followthrough-{uid}"),
        f"/tmp/followthrough-{uid}",
    ]
    room = MAX_SOCKET_PATH_BYTES - len("/followthrough-") - 16
    for folder in candidates:
        if len(os.fsencode(folder)) > room:
            continue
        if folder != xdg:
            try:
                os.mkdir(folder, 0o700)
            except FileExistsError:
                pass
            except OSError:
                continue
        if _private_folder(folder, ours=folder != xdg):
            return Path(folder)
    raise SingleInstanceError(
        "The app found no private folder for the socket that passes links between its windows."
    )


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


def _pump_events() -> None:
    """Let this thread's Qt objects run (a server in this same thread, in tests) while waiting."""
    app = QCoreApplication.instance()
    if app is not None and app.thread() == QThread.currentThread():
        # A turn of a local event loop, not processEvents(): objects that the server deletes
        # later (answered sockets) are deleted by the next turn, as in any event loop.
        loop = QEventLoop()
        QTimer.singleShot(0, loop.quit)
        loop.exec()


class SingleInstance(QObject):
    """The hand-over between launches on one data folder.

    `try_hand_over` is for a launch that may not be the first; `listen` makes this process the
    one that receives. On Linux and macOS, `claim` takes the data folder's lock without
    listening yet (the first launch, before its window), and `hand_over_or_claim` is what a
    launch does first: hand over to the holder (waiting for one that is still starting), or
    become the holder. `received` is emitted on the main thread with each launch's arguments;
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
        self._disposed: list[QLocalSocket] = []  # deleted later, unless that was done already
        self._lock_fd: int | None = None
        self._path: str | None = None

    @property
    def socket_path(self) -> str:
        """Linux and macOS: the socket's absolute path (its lock is this and `.lock`)."""
        if self._path is None:
            self._path = str(runtime_dir() / self.name)
        return self._path

    # -- the second launch -------------------------------------------------------------------

    def try_hand_over(self, messages: Sequence[str], timeout_ms: int = 2000) -> bool:
        """Give the arguments to the running window; True if one took them.

        While it waits for the answer it lets this thread's Qt events run, so a server in this
        same thread (tests) still answers. Without a running window it returns False as soon
        as the connection fails, not after the timeout.
        """
        payload = self._payload(messages)
        if USE_QT_CLIENT:
            return self._qt_hand_over(payload, timeout_ms)
        return self._unix_hand_over(payload, timeout_ms) is True

    def hand_over_or_claim(
        self, messages: Sequence[str], wait_ms: int = STARTING_WAIT_MS, timeout_ms: int = 2000
    ) -> bool:
        """True once the window holding this data folder took the arguments; False if this
        process now holds the folder (it is the first launch: `listen` when ready).

        A holder that is not listening yet is still starting: it is tried again for up to
        `wait_ms`, and if it ends meanwhile this process takes its place. SingleInstanceError
        if the holder did not take the arguments (or no lock can be had at all). On Windows:
        `try_hand_over`, and False if nobody took them (`listen` tells whether this is first).
        """
        if USE_QT_CLIENT:
            return self.try_hand_over(messages, timeout_ms)
        payload = self._payload(messages)
        deadline = time.monotonic() + wait_ms / 1000
        while True:
            if self.claim():
                return False
            outcome = self._unix_hand_over(payload, timeout_ms)
            if outcome is not None:
                if outcome:
                    return True
                # Connected but not taken: sending again might hand the items over twice.
                raise SingleInstanceError(
                    "The Followthrough window already open on this data folder did not answer."
                )
            if time.monotonic() >= deadline:
                raise SingleInstanceError(
                    "Another Followthrough launch holds this data folder but does not answer."
                )
            _pump_events()
            time.sleep(RETRY_INTERVAL_S)

    @staticmethod
    def _payload(messages: Sequence[str]) -> bytes:
        items = list(messages)
        if len(items) > MAX_ITEMS:
            log.warning("Only the first %d of %d items are handed over.", MAX_ITEMS, len(items))
            items = items[:MAX_ITEMS]
        return encode(items)

    def _unix_hand_over(self, payload: bytes, timeout_ms: int) -> bool | None:
        """One attempt over a plain Unix socket: None if nobody is listening, else whether the
        window answered OK within the timeout."""
        import socket

        try:
            path = self.socket_path
        except SingleInstanceError:
            return None
        deadline = time.monotonic() + max(1, timeout_ms) / 1000
        app = QCoreApplication.instance()
        # With a Qt event loop in this thread, wait in short slices and let it run between them.
        step = 0.01 if app is not None and app.thread() == QThread.currentThread() else 0.25
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            client.settimeout(max(0.001, deadline - time.monotonic()))
            try:
                client.connect(path)
            except OSError:  # no socket, nobody listening, or no room in its queue
                return None
            view = memoryview(payload)
            sent = 0
            answer = bytearray()
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                client.settimeout(min(step, left))
                try:
                    if sent < len(payload):
                        sent += client.send(view[sent:])
                        continue
                    chunk = client.recv(64)
                except TimeoutError:
                    _pump_events()
                    continue
                except OSError:
                    return False
                if not chunk:  # the window hung up
                    return bytes(answer).startswith(ACK)
                answer.extend(chunk)
                if b"\n" in answer:
                    return bytes(answer).startswith(ACK)
                if len(answer) > 64:
                    return False
        finally:
            client.close()
            if step < 0.25:
                _pump_events()  # a server in this thread finishes with its side of the socket

    def _qt_hand_over(self, payload: bytes, timeout_ms: int) -> bool:
        """Windows: the hand-over with QLocalSocket, in a local event loop."""
        from PySide6.QtNetwork import QLocalSocket

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

    def claim(self) -> bool:
        """Linux and macOS: take this data folder's lock, held until `close` or the process
        ends; False if another process holds it. (Windows: always True; `listen` decides.)"""
        if USE_QT_CLIENT or self._lock_fd is not None:
            return True
        import fcntl

        path = self.socket_path + LOCK_SUFFIX
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(path, flags, 0o600)
        except OSError as error:
            raise SingleInstanceError(
                f"The app cannot lock its data folder for this window ({error})."
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError as error:
            os.close(fd)
            raise SingleInstanceError(
                f"The app cannot lock its data folder for this window ({error})."
            ) from None
        self._lock_fd = fd
        return True

    def holds_lock(self) -> bool:
        return USE_QT_CLIENT or self._lock_fd is not None

    def is_listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def listen(self) -> None:
        """Receive later launches' arguments; SingleInstanceError if that cannot be done.

        A socket left behind by a crashed window is removed: on Linux and macOS once this
        process holds the data folder's lock (so its owner is gone), on Windows only after a
        connection to it failed. A live window's socket is never taken over.
        """
        if self.is_listening():
            return
        from PySide6.QtNetwork import QLocalServer, QLocalSocket

        if USE_QT_CLIENT:
            probe = QLocalSocket()
            probe.connectToServer(self.name)
            alive = probe.waitForConnected(500)
            probe.abort()
            if alive:
                raise SingleInstanceError(
                    "Another Followthrough window is already open on this data folder."
                )
            QLocalServer.removeServer(self.name)
            address = self.name
        else:
            if not self.claim():
                raise SingleInstanceError(
                    "Another Followthrough window is already open on this data folder."
                )
            address = self.socket_path
            try:
                if not os.path.isdir(address):
                    os.unlink(address)
            except FileNotFoundError:
                pass
            except OSError as error:
                log.warning("A leftover socket could not be removed: %s", error)
        server = QLocalServer(self)
        # Only this user may connect (on Unix the socket's mode; on Windows the pipe's ACL).
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.setMaxPendingConnections(MAX_CLIENTS)
        if not server.listen(address):
            message = server.errorString()
            server.deleteLater()
            # Nobody can hand over to this window: let a later launch be the first instead.
            self._release_lock()
            raise SingleInstanceError(
                f"The app cannot receive links from other launches ({message})."
            )
        server.newConnection.connect(self._on_new_connection)
        self._server = server

    def close(self) -> None:
        """Stop receiving; the socket's name (and the data folder's lock) is free again."""
        for socket in list(self._buffers):
            self._drop(socket)
        # Sockets still waiting for their deferred deletion go now: one destroyed with the
        # server instead (this object deleted before the event loop came round) crashes Qt.
        for socket in self._disposed:
            if isValid(socket):
                QCoreApplication.sendPostedEvents(socket, QEvent.Type.DeferredDelete)
        self._disposed.clear()
        if self._server is not None:
            # Removes the socket file, before the lock goes: the next holder's socket is safe.
            self._server.close()
            self._server.deleteLater()
            self._server = None
        self._release_lock()

    def _release_lock(self) -> None:
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.close(fd)  # closing the only descriptor releases the flock

    def _dispose(self, socket: QLocalSocket) -> None:
        socket.deleteLater()
        self._disposed = [s for s in self._disposed if isValid(s)]
        self._disposed.append(socket)

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
                self._dispose(socket)
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
        self._dispose(socket)

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
        self._dispose(socket)
        self.received.emit(items)

    def _refuse(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.write(REFUSED)
        socket.flush()
        socket.disconnectFromServer()
        self._dispose(socket)
