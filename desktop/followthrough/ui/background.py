"""Network and other slow work off the UI thread, with its answer delivered back on it.

`Background.run(job, done, failed)` runs `job(store)` on a thread of its own, with a store
connection of its own (SQLite connections are not shared between threads), then calls
`done(result)` or `failed(sentence)` on the UI thread. One job at a time per Background. With
`keep_store`, the jobs share one connection, opened by the first and kept until `close()` (a
sync keeps its exporter's cache across runs that way).

While any job runs (ui.collector keeps the count), Python's cyclic garbage collector does not
run on its own (`gc.disable`), and the objects the window already holds are kept out of it
(`gc.freeze`); both are given back when the last job ends. A job allocates a great deal (a sync
of 1,000 interviews renders 7,779 events; an import of them holds the whole file's components):
every so often that set off a full collection, which scanned every object of the window and of
the job and held the event loop for 30 to 200 ms each time, whichever thread ran it
(bench/stall.py found them: every 15 to 20 s of a first sync, ten times in an import of 1,000
interviews). Objects are still freed by their reference counts meanwhile; only reference cycles,
which these jobs hardly make (a full collection during them found from none to about 1,400),
wait for a later full collection: when the last job ends, what they left alive joins the oldest
generation instead of being scanned at once.

While a job runs, Python also hands its lock between threads every collector.SWITCH_S seconds
instead of every 5 ms: each row the window reads from SQLite lets go of the lock and takes it
back, and with a busy job beside it each taking-back waited for the job's whole turn (the
window's read-ahead of a month, some 700 rows, held it for 4 to 6 s during an export of 1,000
interviews; 0.26 s at most with 1 ms turns).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from followthrough.core.model import ValidationError
from followthrough.store import Store, StoreError, open_store
from followthrough.ui.collector import hold_collector, release_collector


class _Job(QThread):
    succeeded = Signal(object)
    errored = Signal(str)

    def __init__(self, owner: Background, job: Callable[[Store], Any]) -> None:
        super().__init__(owner)
        self.owner = owner
        self.job = job

    def run(self) -> None:
        try:
            store = self.owner._store()
            try:
                result = self.job(store)
            finally:
                if not self.owner.keep_store:
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

    def __init__(
        self, data_dir: Path, parent: QObject | None = None, *, keep_store: bool = False
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.keep_store = keep_store
        self._kept: Store | None = None
        self._job: _Job | None = None
        self._ended: list[_Job] = []

    def _store(self) -> Store:
        """The connection a job works with (in the job's thread; jobs never overlap)."""
        if not self.keep_store:
            return open_store(self.data_dir)[0]
        if self._kept is None:
            self._kept = open_store(self.data_dir)[0]
        return self._kept

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
        worker = _Job(self, job)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._ended.append(worker)
            self._job = None
            release_collector()
            self.busy_changed.emit(False)
            callback(value)

        worker.succeeded.connect(lambda value: finish(done, value))
        worker.errored.connect(lambda message: finish(failed, message))
        self._job = worker
        hold_collector()
        self.busy_changed.emit(True)
        worker.start()
        return True

    def wait(self, msecs: int = 30_000) -> bool:
        return all(j.wait(msecs) for j in [*self._ended, *filter(None, [self._job])])

    def close(self) -> None:
        """Wait for the running job, then close the kept connection."""
        self.wait()
        if self._kept is not None:
            self._kept.close()
            self._kept = None
