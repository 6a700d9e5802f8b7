"""Starting the window: the application object, the main window, the start-up timing."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from followthrough.store import Store, StoreError, open_store


def process_age_ms() -> float:
    """Milliseconds since this process started (Linux: from /proc; else since first import)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        with open("/proc/uptime", encoding="ascii") as handle:
            uptime = float(handle.read().split()[0])
        return (uptime - int(fields[19]) / ticks) * 1000.0
    except (OSError, ValueError, IndexError):
        return (time.perf_counter() - _IMPORTED) * 1000.0


_IMPORTED = time.perf_counter()


def run_gui(
    data_dir: Path | None,
    *,
    exit_when_ready: bool = False,
    open_items: Sequence[str] = (),
) -> int:
    """Open the main window on the user's data; returns the exit code.

    `open_items` are links and `.ics` paths from the command line. If a window is already open
    on the same data folder they are handed to it (or it is just brought forward) and this
    launch exits 0; else this launch opens the window, opens them in it, and receives later
    launches' items. With `exit_when_ready` (timing start-up) nothing is handed over.
    Except on Windows the first launch takes the data folder's lock at once but listens for
    later launches only after the window's first paint (Qt's network module loads then); a
    later launch that finds the lock taken waits for that (single_instance.py).
    Without the system libraries Qt needs (desktop_libs), one sentence says which, before Qt
    would abort.
    """
    from followthrough.desktop_libs import check

    problem = check()
    if problem:
        sys.stderr.write(f"followthrough: {problem}\n")
        return 1
    from followthrough.ui import collector

    collector.pause_for_start_up()  # until the first paint (see ui.collector)
    try:
        return _open_window(data_dir, exit_when_ready, list(open_items))
    finally:
        collector.resume_after_start_up()


def _open_window(data_dir: Path | None, exit_when_ready: bool, items: list[str]) -> int:
    """run_gui's work once the system libraries are known to be there."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from followthrough.ui import collector, import_scan

    import_scan.lighten()  # before the window's modules are imported
    from followthrough.ui.first_paint import after_first_paint
    from followthrough.ui.main_window import MainWindow
    from followthrough.ui.single_instance import (
        ACTIVATE,
        USE_QT_CLIENT,
        SingleInstance,
        SingleInstanceError,
    )

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Followthrough")
    app.setOrganizationName("Followthrough")
    # Ties the windows to the installed desktop entry (Wayland's app id, the dock's icon).
    app.setDesktopFileName(APP_ID)
    _set_window_icon(app)
    router = None
    if sys.platform == "darwin":
        # macOS hands over .ics files and followthrough:// links as QFileOpenEvents, from
        # the start on; elsewhere they come as arguments (an app-wide filter costs a Python
        # call per event, so it is not installed where no such event comes).
        from followthrough.ui.file_open import FileOpenRouter

        router = FileOpenRouter(app)
        app.installEventFilter(router)
    if items:
        from followthrough.links import absolute_item

        # The running window works in another folder: resolve `invitation.ics` here.
        items = [absolute_item(item) for item in items]
    instance = SingleInstance(data_dir)
    listen_later = False
    if USE_QT_CLIENT:
        if not exit_when_ready and instance.try_hand_over(items or [ACTIVATE]):
            return 0
        try:
            instance.listen()
        except SingleInstanceError as error:
            # Another launch got there first (two at once): hand over to it after all.
            if not exit_when_ready and instance.try_hand_over(items or [ACTIVATE]):
                return 0
            sys.stderr.write(f"followthrough: warning: {error}\n")
    else:
        # The data folder's lock now; the socket (and Qt's network module) once the window is
        # painted. A launch that finds the lock taken hands over, waiting for a first launch
        # that is still starting.
        try:
            if exit_when_ready:
                if not instance.claim():
                    raise SingleInstanceError(
                        "Another Followthrough window is already open on this data folder."
                    )
            elif instance.hand_over_or_claim(items or [ACTIVATE]):
                return 0
            listen_later = True
        except SingleInstanceError as error:
            sys.stderr.write(f"followthrough: warning: {error}\n")
    try:
        # The first paint needs no playbook: they are read after it (and the window then
        # shows what was wrong with the user's).
        store, warnings = open_store(data_dir, read_playbooks=False)
    except StoreError as error:
        problem = error
        try:
            opened = None if exit_when_ready else _offer_backup(error, data_dir)
        except StoreError as again:  # the copy could not be put back, or does not open
            problem, opened = again, None
        if opened is None:
            instance.close()
            if exit_when_ready:
                sys.stderr.write(f"followthrough: {problem}\n")
            else:
                QMessageBox.critical(None, "Followthrough", str(problem))
            return 1
        store, warnings = opened
    window = MainWindow(store, warnings)
    instance.received.connect(window.open_handed_over)
    from followthrough.ui.settings.action import attach as attach_settings
    from followthrough.ui.sync_controller import SyncController, attach, report_failures

    syncer = SyncController(store, window)
    attach(window, syncer)  # the window reloads once the sync ends, if it saved anything
    report_failures(window, syncer)
    syncer.started.connect(window.progress.show)
    for ended in (syncer.finished, syncer.failed, syncer.confirm_deletes):
        ended.connect(lambda *_args: window.progress.setVisible(not window.imports_idle()))

    from followthrough.ui.mail_controller import MailController
    from followthrough.ui.mail_found import attach as attach_mail

    mailer = MailController(store, window)
    attach_mail(window, mailer, store)
    mailer.started.connect(window.progress.show)
    for ended in (mailer.finished, mailer.failed):
        ended.connect(lambda *_args: window.progress.setVisible(not window.imports_idle()))

    def settings_saved() -> None:
        syncer.apply_interval()
        mailer.apply_interval()
        window.reload()

    attach_settings(window, store, settings_saved)
    from followthrough.ui.reminders import Reminders

    reminders = Reminders(store, window)
    reminders.open_step.connect(window.open_editor)
    reminders.notice.connect(lambda text, _step: window.statusBar().showMessage(text, 60_000))
    if not exit_when_ready:
        QTimer.singleShot(3000, reminders.check)
    window.show()
    if not exit_when_ready and syncer.has_accounts():
        QTimer.singleShot(2000, syncer.sync_now)  # once the window is up and painted
    if not exit_when_ready and mailer.has_accounts():
        QTimer.singleShot(2500, mailer.check_now)
    if router is not None:
        router.set_target(window.open_request)
    if items:
        QTimer.singleShot(0, lambda: window.open_handed_over(items))
    after_first_paint(window, collector.resume_after_start_up)
    if listen_later:

        def listen() -> None:
            try:
                instance.listen()
            except SingleInstanceError as error:
                sys.stderr.write(f"followthrough: warning: {error}\n")

        after_first_paint(window, listen)
    if exit_when_ready:

        def ready() -> None:
            sys.stdout.write(f"{process_age_ms():.0f}\n")
            sys.stdout.flush()
            app.quit()

        after_first_paint(window, ready)
    try:
        return int(app.exec())
    finally:
        syncer.shutdown()
        mailer.shutdown()
        instance.close()
        store.close()


APP_ID = "io.followthrough.Followthrough"
def _set_window_icon(app: object) -> None:
    from PySide6.QtGui import QIcon

    from followthrough.resources import resource_path

    icon = resource_path("icons", "followthrough.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))  # type: ignore[attr-defined]


def _offer_backup(error: StoreError, data_dir: Path | None) -> tuple[Store, list[str]] | None:
    """A damaged store with a backup copy: ask whether to put the copy back, and open it.

    None when there is no copy or the user says no; StoreError when the copy cannot be put
    back or does not open either. The window never starts on an empty store in place of a
    damaged one.
    """
    from PySide6.QtWidgets import QApplication, QMessageBox

    from followthrough.store.backups import StoreDamaged, restore_backup

    if not isinstance(error, StoreDamaged) or error.backup is None:
        return None
    tr = QApplication.translate
    answer = QMessageBox.question(
        None,
        "Followthrough",
        tr("app", "{problem}\n\nPut the backup copy back now? The damaged file is kept.").format(
            problem=str(error).split(";")[0] + "."
        ),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    restore_backup(error.path.parent)
    return open_store(data_dir)
