"""One window per data folder: a second launch hands its links over the local socket and exits."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from pytestqt.qtbot import QtBot

from followthrough.ui import single_instance
from followthrough.ui.single_instance import (
    MAX_ITEMS,
    MAX_MESSAGE_BYTES,
    SingleInstance,
    SingleInstanceError,
    decode,
    encode,
    server_name,
)

LINK = "followthrough://compose/followthrough-k3x9q2.thank-you@followthrough"
unix_only = pytest.mark.skipif(sys.platform == "win32", reason="Unix socket files")


@pytest.fixture
def first(qtbot: QtBot, tmp_path: Path) -> Iterator[SingleInstance]:
    """The running window's side, listening on tmp_path/data."""
    instance = SingleInstance(tmp_path / "data")
    instance.listen()
    yield instance
    instance.close()


def test_second_launch_hands_its_arguments_to_the_first(
    qtbot: QtBot, tmp_path: Path, first: SingleInstance
) -> None:
    second = SingleInstance(tmp_path / "data")
    assert second.name == first.name
    items = [LINK, "/home/ana/Ünïcode invitation.ics", ""]
    with qtbot.waitSignal(first.received, timeout=5000) as blocker:
        assert second.try_hand_over(items)
    assert blocker.args == [items]


def test_hand_overs_keep_coming(qtbot: QtBot, tmp_path: Path, first: SingleInstance) -> None:
    got: list[list[str]] = []
    first.received.connect(got.append)
    for n in range(5):
        assert SingleInstance(tmp_path / "data").try_hand_over([f"{n}.ics"])
    qtbot.waitUntil(lambda: len(got) == 5, timeout=5000)
    assert got == [[f"{n}.ics"] for n in range(5)]


def test_nobody_listening_is_known_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    started = time.monotonic()
    assert not SingleInstance(tmp_path / "nobody").try_hand_over([LINK], timeout_ms=5000)
    assert time.monotonic() - started < 1.0


def _address(instance: SingleInstance) -> str:
    """Where the instance's server listens: a pipe's name on Windows, else a socket's path."""
    return instance.name if sys.platform == "win32" else instance.socket_path


def test_a_silent_server_is_given_up_after_the_timeout(qtbot: QtBot, tmp_path: Path) -> None:
    name = server_name(tmp_path / "silent")
    address = _address(SingleInstance(name=name))
    QLocalServer.removeServer(address)
    silent = QLocalServer()
    assert silent.listen(address)
    try:
        started = time.monotonic()
        assert not SingleInstance(name=name).try_hand_over([LINK], timeout_ms=300)
        assert time.monotonic() - started < 3.0
    finally:
        silent.close()


def test_a_second_listener_on_the_same_folder_is_refused(
    qtbot: QtBot, tmp_path: Path, first: SingleInstance
) -> None:
    with pytest.raises(SingleInstanceError, match="already open"):
        SingleInstance(tmp_path / "data").listen()
    # The first one still has the socket.
    with qtbot.waitSignal(first.received, timeout=5000):
        assert SingleInstance(tmp_path / "data").try_hand_over(["x.ics"])


def test_two_data_folders_do_not_talk(qtbot: QtBot, tmp_path: Path) -> None:
    one = SingleInstance(tmp_path / "one")
    other = SingleInstance(tmp_path / "other")
    assert one.name != other.name
    one.listen()
    try:
        with qtbot.assertNotEmitted(one.received, wait=200):
            assert not SingleInstance(tmp_path / "other").try_hand_over([LINK])
        other.listen()
        assert other.is_listening()
    finally:
        one.close()
        other.close()


def test_the_name_depends_on_user_and_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    assert server_name(folder, "ana") == server_name(folder / "sub" / "..", "ana")
    assert server_name(folder, "ana") != server_name(folder, "ben")
    assert server_name(folder, "ana") != server_name(tmp_path / "data2", "ana")
    name = server_name(folder, "ana")
    assert name.startswith("followthrough-") and len(name) == len("followthrough-") + 16


def test_the_default_folder_is_the_environments(
    tmp_path: Path, isolated_data_dir: Path
) -> None:
    assert server_name(None) == server_name(isolated_data_dir)


@unix_only
def test_a_crashed_windows_socket_is_recovered(qtbot: QtBot, tmp_path: Path) -> None:
    instance = SingleInstance(tmp_path / "data")
    path = instance.socket_path
    QLocalServer.removeServer(path)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()  # bound, never listened, not unlinked: what a crash leaves behind
    assert os.path.exists(path)
    assert not SingleInstance(tmp_path / "data").try_hand_over([LINK])
    instance.listen()
    try:
        with qtbot.waitSignal(instance.received, timeout=5000) as blocker:
            assert SingleInstance(tmp_path / "data").try_hand_over([LINK])
        assert blocker.args == [[LINK]]
    finally:
        instance.close()


@unix_only
def test_a_leftover_plain_file_is_recovered(qtbot: QtBot, tmp_path: Path) -> None:
    instance = SingleInstance(tmp_path / "data")
    path = Path(instance.socket_path)
    path.write_text("not a socket")
    instance.listen()
    try:
        with qtbot.waitSignal(instance.received, timeout=5000):
            assert SingleInstance(tmp_path / "data").try_hand_over(["a.ics"])
    finally:
        instance.close()


@unix_only
def test_only_this_user_can_connect(first: SingleInstance) -> None:
    assert first._server is not None
    mode = os.stat(first._server.fullServerName()).st_mode
    assert stat.S_ISSOCK(mode)
    assert mode & 0o077 == 0, oct(mode)


def _send_raw(qtbot: QtBot, server: SingleInstance, data: bytes) -> bytes:
    """Send bytes as a hostile client would; the server's answer, once it hangs up."""
    raw = QLocalSocket()
    raw.connectToServer(_address(server))
    assert raw.waitForConnected(2000)
    answer = bytearray()
    raw.readyRead.connect(lambda: answer.extend(raw.readAll().data()))
    raw.write(data)
    qtbot.waitUntil(lambda: raw.state() == QLocalSocket.LocalSocketState.UnconnectedState,
                    timeout=10_000)
    answer.extend(raw.readAll().data())
    raw.abort()
    return bytes(answer)


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe\x00garbage\n",
        b"\n",
        b"not json at all\n",
        b"[1, 2, 3]\n",
        b'{"args": ["x.ics"]}\n',
        b'{"v": 2, "args": ["x.ics"]}\n',
        b'{"v": 1, "args": "x.ics"}\n',
        b'{"v": 1, "args": [1, null, {"a": 1}]}\n',
        b'{"v": 1}\n',
        b'{"v": 1, "args": ["' + b"a" * 5000 + b'"]}\n',
        json.dumps({"v": 1, "args": ["x"] * (MAX_ITEMS + 1)}).encode() + b"\n",
        b"[" * 200_000 + b"\n",
        b'{"v": 1, "args": ["\xc3\x28"]}\n',
    ],
    ids=lambda data: f"{len(data)}-bytes-" + data[:8].hex(),
)
def test_garbage_on_the_socket_is_dropped(
    qtbot: QtBot, tmp_path: Path, first: SingleInstance, data: bytes
) -> None:
    with qtbot.assertNotEmitted(first.received, wait=100):
        answer = _send_raw(qtbot, first, data)
    assert answer == b"ERR\n"
    # And the next launch is served as usual.
    with qtbot.waitSignal(first.received, timeout=5000):
        assert SingleInstance(tmp_path / "data").try_hand_over(["after.ics"])


def test_an_oversized_message_is_dropped_before_it_ends(
    qtbot: QtBot, tmp_path: Path, first: SingleInstance
) -> None:
    with qtbot.assertNotEmitted(first.received, wait=100):
        _send_raw(qtbot, first, b"x" * (MAX_MESSAGE_BYTES + 4096))
    with qtbot.waitSignal(first.received, timeout=5000):
        assert SingleInstance(tmp_path / "data").try_hand_over(["after.ics"])


def test_a_client_that_says_nothing_is_dropped(
    qtbot: QtBot, first: SingleInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(single_instance, "CLIENT_TIMEOUT_MS", 100)
    with qtbot.assertNotEmitted(first.received, wait=100):
        assert _send_raw(qtbot, first, b"") == b""


def test_the_wire_format_is_one_json_line() -> None:
    items = [LINK, "line\nbreak.ics", "é"]
    line = encode(items)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert decode(line[:-1]) == items
    too_long = encode(["x" * 10_000])
    assert len(decode(too_long[:-1])[0]) == single_instance.MAX_ITEM_CHARS


def test_more_items_than_allowed_are_cut(
    qtbot: QtBot, tmp_path: Path, first: SingleInstance
) -> None:
    items = [f"{n}.ics" for n in range(MAX_ITEMS + 5)]
    with qtbot.waitSignal(first.received, timeout=5000) as blocker:
        assert SingleInstance(tmp_path / "data").try_hand_over(items)
    assert blocker.args == [items[:MAX_ITEMS]]


# -- two processes ---------------------------------------------------------------------------

LISTENER = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QTimer
from followthrough.ui.single_instance import SingleInstance

app = QCoreApplication([])
instance = SingleInstance(Path(sys.argv[1]))
instance.listen()

def received(items):
    print(json.dumps(items), flush=True)
    app.quit()

instance.received.connect(received)
QTimer.singleShot(60_000, app.quit)  # never outlive a failed test
print("listening", flush=True)
app.exec()
instance.close()
"""


def _start_listener(data_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    listener = subprocess.Popen(
        [sys.executable, "-c", LISTENER, str(data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    assert listener.stdout is not None
    first_line = listener.stdout.readline()
    if first_line.strip() != "listening":
        listener.kill()
        raise AssertionError(first_line + listener.communicate(timeout=30)[1])
    return listener


def test_another_process_receives_the_hand_over(qtbot: QtBot, tmp_path: Path) -> None:
    listener = _start_listener(tmp_path / "data")
    try:
        items = [LINK, str(tmp_path / "invite.ics")]
        assert SingleInstance(tmp_path / "data").try_hand_over(items, timeout_ms=10_000)
        out, err = listener.communicate(timeout=60)
    finally:
        if listener.poll() is None:
            listener.kill()
            listener.communicate()
    assert listener.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1]) == items


def test_a_second_launch_from_the_command_line_hands_over_and_exits(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    listener = _start_listener(data_dir)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    work = tmp_path / "downloads"
    work.mkdir()
    try:
        second = subprocess.run(
            [sys.executable, "-m", "followthrough", "--data-dir", str(data_dir),
             "invite.ics", LINK],
            capture_output=True, text=True, env=env, cwd=work, timeout=120, check=False,
        )
        out, err = listener.communicate(timeout=60)
    finally:
        if listener.poll() is None:
            listener.kill()
            listener.communicate()
    assert second.returncode == 0, second.stderr
    # The relative path was resolved where it was typed, not in the running window's folder.
    assert out.strip(), err
    assert json.loads(out.strip().splitlines()[-1]) == [str(work / "invite.ics"), LINK]


def test_a_launch_with_nothing_to_open_just_activates(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    listener = _start_listener(data_dir)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        second = subprocess.run(
            [sys.executable, "-m", "followthrough", "--data-dir", str(data_dir)],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )
        out, _ = listener.communicate(timeout=60)
    finally:
        if listener.poll() is None:
            listener.kill()
            listener.communicate()
    assert second.returncode == 0, second.stderr
    assert json.loads(out.strip().splitlines()[-1]) == [single_instance.ACTIVATE]


# -- Linux and macOS: the data folder's lock ----------------------------------------------------


@unix_only
def test_the_lock_is_held_until_close(qtbot: QtBot, tmp_path: Path) -> None:
    holder = SingleInstance(tmp_path / "data")
    assert holder.claim()
    assert not holder.is_listening()  # the lock alone: the socket comes after the first paint
    folder = os.stat(os.path.dirname(holder.socket_path))
    assert stat.S_ISDIR(folder.st_mode) and folder.st_mode & 0o077 == 0, oct(folder.st_mode)
    lock = os.stat(holder.socket_path + single_instance.LOCK_SUFFIX)
    assert lock.st_mode & 0o077 == 0, oct(lock.st_mode)
    other = SingleInstance(tmp_path / "data")
    assert not other.claim()
    with pytest.raises(SingleInstanceError, match="already open"):
        other.listen()
    assert SingleInstance(tmp_path / "elsewhere").claim() is True
    holder.close()
    assert other.claim()
    other.close()


@unix_only
def test_a_launch_waits_for_a_first_launch_that_is_still_starting(
    qtbot: QtBot, tmp_path: Path
) -> None:
    first = SingleInstance(tmp_path / "data")
    assert first.claim()  # started, window not painted yet: nobody is listening
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    second = subprocess.Popen(
        [sys.executable, "-m", "followthrough", "--data-dir", str(tmp_path / "data"), LINK],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        time.sleep(1.5)
        assert second.poll() is None, second.communicate()  # still waiting for the first
        with qtbot.waitSignal(first.received, timeout=20_000) as blocker:
            first.listen()
        assert blocker.args == [[LINK]]
        _, err = second.communicate(timeout=60)
    finally:
        first.close()
        if second.poll() is None:
            second.kill()
            second.communicate()
    assert second.returncode == 0, err
    assert "warning" not in err, err


@unix_only
def test_a_dead_holders_socket_does_not_stop_the_next_first_launch(
    qtbot: QtBot, tmp_path: Path
) -> None:
    listener = _start_listener(tmp_path / "data")
    listener.kill()  # no close(): the socket file stays, the lock goes with the process
    listener.communicate(timeout=30)
    instance = SingleInstance(tmp_path / "data")
    assert stat.S_ISSOCK(os.lstat(instance.socket_path).st_mode)
    started = time.monotonic()
    assert instance.hand_over_or_claim([LINK]) is False  # nobody to wait for: this is first
    assert time.monotonic() - started < 1.0
    instance.listen()
    try:
        with qtbot.waitSignal(instance.received, timeout=5000) as blocker:
            assert SingleInstance(tmp_path / "data").hand_over_or_claim(["a.ics"]) is True
        assert blocker.args == [["a.ics"]]
    finally:
        instance.close()
    assert not os.path.exists(instance.socket_path)


@unix_only
def test_a_holder_that_never_answers_is_given_up(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = SingleInstance(tmp_path / "data")
    assert holder.claim()
    try:
        started = time.monotonic()
        with pytest.raises(SingleInstanceError, match="does not answer"):
            SingleInstance(tmp_path / "data").hand_over_or_claim([LINK], wait_ms=300)
        assert 0.25 < time.monotonic() - started < 3.0
    finally:
        holder.close()


@unix_only
def test_two_launches_at_once_make_one_window(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "followthrough", "--data-dir", str(tmp_path / "data")]
    launches = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for _ in range(2)
    ]
    try:
        # Whichever took the lock first opens the window; the other hands over and exits 0.
        deadline = time.monotonic() + 60
        while all(launch.poll() is None for launch in launches):
            assert time.monotonic() < deadline, "neither launch handed over"
            time.sleep(0.05)
        time.sleep(0.5)
        ended = [launch for launch in launches if launch.poll() is not None]
        assert len(ended) == 1, "both launches ended"
    finally:
        for launch in launches:
            if launch.poll() is None:
                launch.terminate()
        errors = [launch.communicate(timeout=30)[1] for launch in launches]
    assert ended[0].returncode == 0, errors
    assert "warning" not in "".join(errors), errors


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the module's imports on Linux")
def test_the_module_does_not_load_qt_network_at_import() -> None:
    code = (
        "import sys\n"
        "import followthrough.ui.single_instance as module\n"
        "module.SingleInstance\n"
        "print(sorted(name for name in sys.modules if name.startswith('PySide6.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "PySide6.QtCore" in result.stdout
    assert "PySide6.QtNetwork" not in result.stdout, result.stdout
