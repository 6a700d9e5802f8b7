"""`followthrough --smoke-test`: prove a build (frozen or not) works, offscreen, in seconds.

Against the data folder of `--data-dir` (a fresh temporary one without it, never the user's
own data), it opens the main window, adds an interview through the store, exports an `.ics`
into the data folder, opens the message editor from a `followthrough://compose/<UID>` link,
and checks that the bundled resources, the Qt translations and the platform plugins are
there. One line per check (`ok` or `FAIL`, its name, what was seen); exit 0 when all pass,
else 1 with the failing checks named on the last line. The packaging test runs it inside the
unpacked .deb; the GitHub workflow runs it in the Windows and macOS builds.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from followthrough.store import Store

# The Qt translation catalogue every locale of Qt's own dialogs needs; one language is enough
# to prove the folder was bundled.
TRANSLATION_PROBE = "qtbase_de.qm"


def _platform_plugins() -> tuple[str, ...]:
    """The platform plugins a desktop build must carry on this operating system."""
    if sys.platform == "win32":
        return ("qwindows", "qoffscreen")
    if sys.platform == "darwin":
        return ("libqcocoa", "libqoffscreen")
    return ("libqxcb", "libqwayland", "libqoffscreen")


class SmokeTest:
    """Runs the checks in order; a failing check is reported and the next ones still run."""

    def __init__(self, data_dir: Path, out: Callable[[str], None]) -> None:
        self.data_dir = data_dir
        self.out = out
        self.failed: list[str] = []

    def check(self, name: str, run: Callable[[], str]) -> None:
        try:
            detail = run()
        except Exception as error:  # every failure is reported; none stops the run
            self.failed.append(name)
            self.out(f"FAIL {name}: {type(error).__name__}: {error}")
            if os.environ.get("FOLLOWTHROUGH_SMOKE_TRACEBACK"):
                self.out(traceback.format_exc())
        else:
            self.out(f"ok   {name}: {detail}")


def run_smoke_test(data_dir: Path | None, out: Callable[[str], None] | None = None) -> int:
    """Run every check; returns the exit code (0 when all passed)."""
    if out is None:

        def out(line: str) -> None:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    # Never a window on the user's screen, whatever QT_QPA_PLATFORM said.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from followthrough.desktop_libs import check

    problem = check("offscreen")
    if problem:
        sys.stderr.write(f"followthrough: {problem}\n")
        return 1
    if data_dir is None:
        with tempfile.TemporaryDirectory(prefix="followthrough-smoke-") as folder:
            return _run(Path(folder), out)
    data_dir.mkdir(parents=True, exist_ok=True)
    return _run(data_dir, out)


def _run(data_dir: Path, out: Callable[[str], None]) -> int:
    from PySide6.QtCore import QLibraryInfo, QTranslator
    from PySide6.QtWidgets import QApplication

    from followthrough.resources import resource_path, resources_dir
    from followthrough.store import open_store

    smoke = SmokeTest(data_dir, out)
    frozen = bool(getattr(sys, "frozen", False))
    out(f"followthrough smoke test: {'frozen app' if frozen else 'source'} "
        f"{Path(sys.executable).resolve().parent if frozen else ''}".rstrip())
    out(f"data folder: {data_dir}")

    def resources() -> str:
        root = resources_dir()
        templates = sorted(resource_path("templates").glob("*.txt"))
        playbooks = sorted(resource_path("playbooks").glob("*.toml"))
        icon = resource_path("icons", "followthrough.svg")
        if not templates or not playbooks:
            raise FileNotFoundError(f"no templates or no playbooks in {root}")
        if not icon.is_file():
            raise FileNotFoundError(f"{icon} is missing")
        return f"{len(templates)} templates, {len(playbooks)} playbooks, the icon, in {root}"

    smoke.check("resources", resources)

    def planner() -> str:
        from followthrough.core.compiled import running

        engine = running()
        if frozen and not engine.startswith("compiled"):  # a build ships it compiled
            raise ImportError(f"the planner runs from {engine}")
        return engine

    smoke.check("planner", planner)

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "followthrough"])

    def platform() -> str:
        folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
        present = {path.name.split(".")[0] for path in folder.glob("*") if path.is_file()}
        missing = [name for name in _platform_plugins() if name not in present]
        if missing:
            raise FileNotFoundError(f"{', '.join(missing)} not in {folder}")
        return f"running on {app.platformName()}; {', '.join(sorted(present))} in {folder}"

    smoke.check("platform plugins", platform)

    def translations() -> str:
        folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
        count = len(list(folder.glob("qtbase_*.qm")))
        translator = QTranslator(app)
        if not translator.load(str(folder / TRANSLATION_PROBE)):
            raise FileNotFoundError(f"{TRANSLATION_PROBE} does not load from {folder}")
        if not translator.translate("QPlatformTheme", "Cancel"):
            raise ValueError(f"{TRANSLATION_PROBE} has no translation of Cancel")
        return f"{count} qtbase catalogues in {folder}"

    smoke.check("Qt translations", translations)

    def libraries() -> str:
        import holidays  # noqa: F401 - imported to prove it is in the bundle
        import keyring.backend

        from followthrough.core.workdays import public_holidays

        days = public_holidays("FR", "", 2026)
        if len(days) < 8:
            raise ValueError(f"only {len(days)} public holidays for France in 2026")
        backends = keyring.backend.get_all_keyring()
        from caldav.davclient import DAVClient  # noqa: F401 - the sync's HTTP stack

        return f"{len(days)} holidays (FR 2026), {len(backends)} keyring backends, caldav"

    smoke.check("libraries", libraries)

    store, warnings = open_store(data_dir)
    try:
        return _with_store(smoke, store, warnings)
    finally:
        store.close()


def _with_store(smoke: SmokeTest, store: Store, warnings: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from followthrough.core.model import Interview, Interviewer
    from followthrough.files import write_atomically
    from followthrough.ical.export import Exporter
    from followthrough.ical.mapping import compose_link, interview_uid, step_uid
    from followthrough.ui.main_window import MainWindow

    state: dict[str, object] = {}

    def window() -> str:
        shown = MainWindow(store, warnings)
        shown.show()
        QApplication.processEvents()
        if not shown.isVisible():
            raise RuntimeError("the main window did not show")
        state["window"] = shown
        return f"{type(shown).__name__} shown, {shown.width()}x{shown.height()}"

    smoke.check("main window", window)

    def add_interview() -> str:
        zone = ZoneInfo("Europe/Paris")
        start = (datetime.now(zone) + timedelta(days=1)).replace(
            hour=14, minute=0, second=0, microsecond=0
        )
        interview = store.add_interview(
            Interview(
                id="", company="Smoke Test Ltd", role="Packaging check",
                interviewers=(Interviewer(name="Ana Díaz", email="ana@example.org"),),
                start=start, end=start + timedelta(hours=1), tz="Europe/Paris",
            )
        )
        steps = store.steps(interview.id)
        if not steps:
            raise ValueError("the interview has no follow-up steps")
        state["interview"], state["step"] = interview, steps[0].step
        shown = state.get("window")
        if isinstance(shown, MainWindow):
            shown.reload()
            model = getattr(shown, "plan_model", None)  # the plan list, if the window has one
            rows = model.rowCount() if model is not None else len(steps)
            if rows < len(steps):
                raise ValueError(f"the window lists {rows} rows for {len(steps)} steps")
        return f"{interview.company}: {len(steps)} steps planned"

    smoke.check("add interview", add_interview)

    def export() -> str:
        interview = state["interview"]
        assert isinstance(interview, Interview)
        path = smoke.data_dir / "followthrough-smoke-test.ics"
        write_atomically(path, Exporter(store).ics())
        data = path.read_bytes()
        from icalendar import Calendar

        events = Calendar.from_ical(data).walk("VEVENT")
        uids = {str(event.get("UID")) for event in events}
        if interview_uid(interview.id) not in uids:
            raise ValueError(f"{path.name} lacks the interview's event")
        return f"{path} ({len(data)} bytes, {len(events)} events)"

    smoke.check("export .ics", export)

    def editor() -> str:
        shown, step = state.get("window"), state.get("step")
        if not isinstance(shown, MainWindow) or step is None:
            raise RuntimeError("no window or no step (an earlier check failed)")
        uid = step_uid(step.id)
        link = compose_link(uid)
        shown.open_request(link)
        QApplication.processEvents()
        from followthrough.ui.editor.window import MessageEditor

        editors = [e for e in MessageEditor.open_editors() if e.step.id == step.id]
        if not editors or not editors[0].isVisible():
            raise RuntimeError(f"{link} opened no message editor")
        text = editors[0].message_text()
        if not text.strip():
            raise ValueError("the editor opened empty")
        editors[0].close()
        return f"{link} opened the editor of {step.id}, {len(text)} characters"

    smoke.check("editor from link", editor)

    shown = state.get("window")
    if isinstance(shown, MainWindow):
        shown.close()
    QApplication.processEvents()
    if smoke.failed:
        smoke.out(f"smoke test FAILED: {', '.join(smoke.failed)}")
        return 1
    smoke.out("smoke test passed")
    return 0
