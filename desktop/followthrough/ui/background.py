"""Network and other slow work off the UI thread, with its answer delivered back on it.

`Background.run(job, done, failed)` runs `job(store)` on a thread of its own, with a store
connection of its own (SQLite connections are not shared between threads), then calls
`done(result)` or `failed(sentence)` on the UI thread. One job at a time per Background.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from followthrough.core.model import ValidationError
from followthrough.store import Store, StoreError, open_store


class _Job(QThread):
    succeeded = Signal(object)
    errored = Signal(str)

    def __init__(self, data_dir: Path, job: Callable[[Store], Any], parent: QObject) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.job = job

    def run(self) -> None:
        try:
            store, _warnings = open_store(self.data_dir)
            try:
                result = self.job(store)
            finally:
                store.close()
        except (ValidationError, ValueError, StoreError, OSError) as error:
            self.errored.emit(str(error))  # already one sentence
        except Exception as error:  # a bug must not end the thread silently
            logging.getLogger(__name__).exception("Background work stopped")
            self.errored.emit(f"That stopped on an unexpected error ({type(error).__name__}).")
        else:
            self.succeeded.emit(result)


class Background(QObject):
    """Runs one job at a time off the UI thread; `busy_changed` tells the window."""

    busy_changed = Signal(bool)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self._job: _Job | None = None
        self._ended: list[_Job] = []

    @property
    def busy(self) -> bool:
        return self._job is not None

    def run(
        self,
        job: Callable[[Store], Any],
        done: Callable[[Any], None],
        failed: Callable[[str], None],
    ) -> bool:
        """Start `job`; False (and nothing started) while another one runs."""
        if self._job is not None:
            return False
        for ended in [j for j in self._ended if j.isFinished()]:
            self._ended.remove(ended)
            ended.deleteLater()
        worker = _Job(self.data_dir, job, self)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._ended.append(worker)
            self._job = None
            self.busy_changed.emit(False)
            callback(value)

        worker.succeeded.connect(lambda value: finish(done, value))
        worker.errored.connect(lambda message: finish(failed, message))
        self._job = worker
        self.busy_changed.emit(True)
        worker.start()
        return True

    def wait(self, msecs: int = 30_000) -> bool:
        return all(j.wait(msecs) for j in [*self._ended, *filter(None, [self._job])])
