"""What the tests' real servers (Radicale, sabre/dav, Dovecot, aiosmtpd) share: a free port on
127.0.0.1, waiting for a child process to listen, and stopping it."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable, Iterable

START_TIMEOUT = 15.0  # seconds a server may take to listen after it was started


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the time of asking)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_listening(
    process: subprocess.Popen[bytes],
    ports: Iterable[int],
    name: str,
    log_tail: Callable[[], str],
    timeout: float = START_TIMEOUT,
) -> None:
    """Return once `process` accepts connections on every port; RuntimeError (with the end of
    its log) if it exits first or does not listen in time, when it is stopped."""
    wanted = list(ports)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at start:\n{log_tail()}")
        try:
            for port in wanted:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    stop_process(process)
    raise RuntimeError(f"{name} did not listen within {timeout:g} s:\n{log_tail()}")


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Terminate a child, then kill it if it does not end within `timeout`."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
