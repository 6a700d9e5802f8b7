"""Links and files handed over by another launch (a second `followthrough`, a click on a
`followthrough://compose/...` link in a calendar, an .ics file opened with the app): the main
window comes forward and opens each, in order. A link never sends anything: at most it opens
the editor of one step."""

from __future__ import annotations

from PySide6.QtCore import QMetaMethod, Qt

from followthrough.core.model import ValidationError


class HandedOver:
    """open_handed_over and open_request of MainWindow (mixed into it)."""

    def open_handed_over(self, items: list[str]) -> None:
        """Bring the window forward and open what another launch handed over, in order."""
        from followthrough.ui.single_instance import ACTIVATE

        if self.isMinimized():
            self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()
        for item in items:
            if item != ACTIVATE:
                self.open_request(item)

    def open_request(self, text: str) -> None:
        """Open a `followthrough://compose/...` link or an `.ics` file; warn about anything else.

        A link never sends anything: at most it opens the editor of one step.
        """
        from followthrough.links import ComposeRequest, LinkError, parse_link

        try:
            request = parse_link(text)
        except LinkError as error:
            self._warn(self.tr("This link cannot be opened"), str(error))
            return
        if isinstance(request, ComposeRequest):
            self._open_compose(request.uid, request.step_id)
        else:
            self._import_file(request.path)

    def _open_compose(self, uid: str, step_id: str) -> None:
        try:
            stored = self.store.step(step_id)
        except ValidationError:
            self._warn(
                self.tr("Follow-up not found"),
                self.tr(
                    "This link points to a follow-up that is not in your data (it may have been "
                    "deleted, or it comes from another computer that has not synced yet)."
                ),
            )
            return
        if not self.isSignalConnected(QMetaMethod.fromSignal(self.compose_requested)):
            step = stored.step
            self.statusBar().showMessage(
                self.tr("Follow-up: {title} ({company}).").format(
                    title=step.title, company=self._company(step.interview_id)
                )
            )
        self.compose_requested.emit(uid)
        self.open_editor(step_id)

    def _company(self, interview_id: str) -> str:
        try:
            return self.store.interview(interview_id).company
        except ValidationError:
            return ""
