"""Calendar files in and out of the main window. Importing an invitation or a calendar
(.ics): chosen in File > Import…, dropped onto the window, or handed over by a link or
another launch; read off the UI thread, files that come together one after another.
Exporting every interview and follow-up (or a range of dates, or one interview, as
`followthrough export` does), or writing the subscription feed: off the UI thread too, so the
window stays responsive and a half-written file is never left behind. The file dialogs open
where the user last chose a file, else in their documents folder (`export_dialog`)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from followthrough.store import Store


def _is_ics(path: str) -> bool:
    return path.lower().endswith((".ics", ".ical", ".ifb", ".icalendar"))


def _import(store: Store, path: Path) -> Any:
    """Import `path` (on the background thread; the first import of icalendar takes a while,
    so its module is imported there too)."""
    from followthrough.ical.ics_import import import_file

    return import_file(store, path)


class _ExportSignals(QObject):
    # The file written; "" or the sentence that says why not; "" or what the feed leaves out.
    finished = Signal(str, str, str)


class ImportExport:
    """Import…, Export… and the feed of MainWindow, and the files dropped on it (mixed in)."""

    # -- importing ------------------------------------------------------------------------------

    def import_dialog(self) -> None:
        from followthrough.ui.export_dialog import remember_folder, start_folder

        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import an invitation or a calendar"), str(start_folder(self.store)),
            self.tr("iCalendar files (*.ics *.ical);;All files (*)"),
        )
        if name:
            remember_folder(self.store, Path(name))
            self._import_file(Path(name))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        if self._dropped_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_files(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        for path in paths:
            self._import_file(path)

    @staticmethod
    def _dropped_files(event: Any) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [
            Path(url.toLocalFile()) for url in mime.urls()
            if url.isLocalFile() and _is_ics(url.toLocalFile())
        ]

    def _import_file(self, path: Path) -> None:
        """Import an .ics file off the UI thread (files dropped together, one after another)."""
        self._pending_imports.append(path)
        self._next_import()

    def _next_import(self) -> None:
        if self.imports.busy or not self._pending_imports:
            return
        path = self._pending_imports.pop(0)
        self.progress.show()
        self.statusBar().showMessage(self.tr("Importing {name}…").format(name=path.name))

        def failed(problem: str) -> None:  # IcsImportError, bad content, a locked store
            self._import_done()
            self.statusBar().clearMessage()
            self._warn(self.tr("The file cannot be imported"), problem)

        def done(report: Any) -> None:
            self._import_done()  # reloads, when the import changed anything shown
            self._imported(path, report)

        # The import writes a batch of interviews at a time: one reload at its end, not one
        # per second of it (see MainWindow.hold_watch).
        self.hold_watch(True)
        self.imports.run(lambda store: _import(store, path), done, failed)  # not busy

    def imports_idle(self) -> bool:
        """No import running nor waiting (tests wait for this)."""
        return not self.imports.busy and not self._pending_imports

    def _import_done(self) -> None:
        self.hold_watch(False)
        self.progress.setVisible(self.exports.busy)
        QTimer.singleShot(0, self._next_import)

    def _imported(self, path: Path, report: Any) -> None:
        added, updated = len(report.added), len(report.updated)
        self.statusBar().showMessage(
            self.tr("Imported {name}: {added} added, {updated} updated, {same} unchanged.").format(
                name=path.name, added=added, updated=updated, same=len(report.unchanged)
            )
            + (self.tr(" {n} skipped.").format(n=len(report.skipped)) if report.skipped else "")
            + "".join(f" {note}" for note in report.notes)  # an older invitation, a cancellation
        )

    # -- exporting ------------------------------------------------------------------------------

    def export_dialog(self, feed: bool = False) -> None:
        from followthrough.ui.export_dialog import ExportDialog, remember_folder, start_folder

        selection = None
        if not feed:  # what to export, as the command line offers it
            chosen = ExportDialog(self.store.interviews(), self.cache.today(),
                                  self._interview_id(), self)
            if chosen.exec() != ExportDialog.DialogCode.Accepted:
                return
            selection = chosen.selection()
        title = self.tr("Write the subscription feed") if feed else self.tr("Export to a file")
        default = "followthrough-feed.ics" if feed else "followthrough.ics"
        name, _filter = QFileDialog.getSaveFileName(
            self, title, str(start_folder(self.store) / default),
            self.tr("iCalendar files (*.ics)"),
        )
        if name:
            remember_folder(self.store, Path(name))
            self.export_to(Path(name), feed=feed, selection=selection)

    def export_to(
        self, path: Path, *, feed: bool = False, selection: Any = None
    ) -> _ExportSignals:
        """Write every interview and follow-up (or those `selection` chooses, an
        `ical.export.Selection`; or the feed) to `path`, off the UI thread."""
        signals = _ExportSignals(self)
        signals.finished.connect(self._export_finished)

        def job(store: Store) -> str:
            # Imported here, off the UI thread: the first import of icalendar takes a while.
            from followthrough.files import write_atomically
            from followthrough.ical.export import Exporter, Selection

            exporter = Exporter(store)
            if not feed:
                write_atomically(path, exporter.ics(selection or Selection()))
                return ""
            built = exporter.build_feed()
            write_atomically(path, built.data)
            return built.left_out

        def tell(problem: str, note: str = "") -> None:
            # The window may be gone: the file is written (or not) all the same.
            with contextlib.suppress(RuntimeError):
                signals.finished.emit(str(path), problem, note)

        if not self.exports.run(job, lambda note: tell("", note), tell):
            busy = self.tr("Another file is being written; try again in a moment.")
            QTimer.singleShot(0, lambda: tell(busy))
            return signals
        self.progress.show()
        self.export_action.setEnabled(False)
        self.feed_action.setEnabled(False)
        self.statusBar().showMessage(self.tr("Writing {name}…").format(name=path.name))
        return signals

    def _export_finished(self, path: str, problem: str, note: str) -> None:
        self.progress.setVisible(not self.imports_idle())
        self.export_action.setEnabled(True)
        self.feed_action.setEnabled(True)
        if problem:
            self.statusBar().clearMessage()
            self._warn(self.tr("The file was not written"), problem)
        elif note:  # what the feed leaves out, and why: long enough to be read
            self.statusBar().showMessage(
                self.tr("Wrote {path}.").format(path=path) + f" {note}", 30_000
            )
        else:
            self.statusBar().showMessage(self.tr("Wrote {path}.").format(path=path), 8000)
