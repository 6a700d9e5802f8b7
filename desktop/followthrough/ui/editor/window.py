"""The message editor window: one per follow-up step, to write, send and record it.

The window starts from the text the user saved last (autosaved as they type), else from the
step's template. It never sends anything by itself: opening it (from a link, a double-click)
only shows the message; sending, calling and recording are the user's clicks.

What the user can do depends on the step's channel:
- email: open it in the mail program (``mailto:``), save it as an ``.eml`` draft and open that,
  send it by SMTP (off the UI thread), or copy it; then mark it as sent;
- phone: call (``tel:``), read the script, log the result (reached, voicemail, no answer);
- letter: print it, or save it as a PDF laid out as an A6 card;
- network: copy it and mark it done.
Recording goes through the store, which re-plans the interview; `step_changed` tells the
main window to reload.
"""

from __future__ import annotations

from typing import ClassVar
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from followthrough.core import shown_dates
from followthrough.core.model import Interview, Step, StepChannel, StepStatus
from followthrough.core.zones import in_both_zones
from followthrough.store import Store
from followthrough.ui.editor.actions import MessageActions
from followthrough.ui.editor.closed import ClosedStep
from followthrough.ui.editor.draft import DraftText
from followthrough.ui.editor.placeholders import PlaceholderHighlighter
from followthrough.ui.editor.sending import SendSignals, SmtpSending


class MessageEditor(DraftText, MessageActions, SmtpSending, ClosedStep, QWidget):
    """The editor of one step's message; see the module's docstring."""

    step_changed = Signal(str)
    """Something was recorded for the step (done, moved); carries the step id."""

    _open: ClassVar[dict[tuple[str, str], MessageEditor]] = {}

    @classmethod
    def open(cls, store: Store, step_id: str, parent: QWidget | None = None) -> MessageEditor:
        """Show the editor of `step_id`, raising the one already open for it if there is one.

        Raises ValidationError when there is no such step.
        """
        cls.open_editors()
        existing = cls._open.get((str(store.path), step_id))
        if existing is not None:
            existing.bring_forward()
            return existing
        editor = cls(store, step_id, parent)
        if parent is None:
            editor.show()
            return editor
        # Over the window it was opened from, wholly on its screen: placed before it shows,
        # then again once its frame (title bar, borders) is known.
        from followthrough.ui.window_memory import fit_and_centre

        centre = parent.window().frameGeometry().center()
        fit_and_centre(editor, centre)
        editor.show()
        fit_and_centre(editor, centre)
        return editor

    @classmethod
    def open_editors(cls) -> list[MessageEditor]:
        """The editors open now, in the order they were opened."""
        # One that went with its parent (deleted without a close event) is forgotten here.
        for key, editor in list(cls._open.items()):
            if not shiboken6.isValid(editor):
                del cls._open[key]
        return list(cls._open.values())

    def __init__(self, store: Store, step_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.step: Step = store.step(step_id).step  # ValidationError for an unknown step
        self.interview: Interview = store.interview(self.step.interview_id)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._key = (str(store.path), step_id)
        type(self)._open[self._key] = self

        self._loading = False
        self._dirty = False
        self._dirty_since: float | None = None
        self._finished = False
        self._sending = False
        self._close_refused = False
        self._typed_password: tuple[object, str] | None = None
        self._how = ""  # how the message left: set by the last way the user sent it
        self._send_signals: SendSignals | None = None
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.timeout.connect(self.save_now)

        self.draft, template_problem = self._template_draft()
        self._build()
        self._load_text()
        if template_problem:
            self.show_error(template_problem)
        self._update_header()
        self.resize(820, 600)

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        channel = self.step.channel
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 12)
        outer.setSpacing(8)

        self.title_label = QLabel(self)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        title_font = self.title_label.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setWordWrap(True)
        self.title_label.setAccessibleName(self.tr("Follow-up"))
        outer.addWidget(self.title_label)

        self.context_label = QLabel(self)
        self.context_label.setTextFormat(Qt.TextFormat.PlainText)
        self.context_label.setWordWrap(True)
        self.context_label.setAccessibleName(self.tr("Interview"))
        outer.addWidget(self.context_label)

        self.due_label = QLabel(self)
        self.due_label.setTextFormat(Qt.TextFormat.PlainText)
        self.due_label.setWordWrap(True)
        self.due_label.setAccessibleName(self.tr("When and why"))
        outer.addWidget(self.due_label)
        self.why_label = QLabel(self)
        self.why_label.setTextFormat(Qt.TextFormat.PlainText)
        self.why_label.setWordWrap(True)
        self.why_label.setAccessibleName(self.tr("Why then"))
        why_font = self.why_label.font()
        why_font.setItalic(True)
        self.why_label.setFont(why_font)
        outer.addWidget(self.why_label)

        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        outer.addWidget(line)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        to_row = QHBoxLayout()
        self.to_name_edit = QLineEdit(self)
        self.to_name_edit.setAccessibleName(self.tr("Recipient's name"))
        self.to_name_edit.setPlaceholderText(self.tr("Name"))
        self.to_address_edit = QLineEdit(self)
        if channel is StepChannel.PHONE:
            self.to_address_edit.setAccessibleName(self.tr("Phone number"))
            self.to_address_edit.setPlaceholderText(self.tr("Phone number"))
        else:
            self.to_address_edit.setAccessibleName(self.tr("Recipient's email address"))
            self.to_address_edit.setPlaceholderText(self.tr("name@example.com"))
        to_row.addWidget(self.to_name_edit, 2)
        to_row.addWidget(self.to_address_edit, 3)
        self.to_label = QLabel(self.tr("&To:") if channel is not StepChannel.PHONE else
                               self.tr("&Call:"), self)  # fmt: skip
        self.to_label.setBuddy(self.to_name_edit)
        form.addRow(self.to_label, to_row)
        if channel not in (StepChannel.EMAIL, StepChannel.PHONE):
            self.to_address_edit.hide()
        self.subject_edit = QLineEdit(self)
        self.subject_edit.setAccessibleName(self.tr("Subject"))
        self.subject_label = QLabel(self.tr("&Subject:"), self)
        self.subject_label.setBuddy(self.subject_edit)
        form.addRow(self.subject_label, self.subject_edit)
        if channel is not StepChannel.EMAIL:
            self.subject_label.hide()
            self.subject_edit.hide()
        # A letter: the postal address printed on the card's envelope side.
        self.envelope_label = QLabel(self)
        self.envelope_label.setTextFormat(Qt.TextFormat.PlainText)
        self.envelope_label.setAccessibleName(self.tr("Postal address"))
        self.envelope_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if channel is StepChannel.LETTER:
            form.addRow(self.tr("Post to:"), self.envelope_label)
        else:
            self.envelope_label.hide()
        outer.addLayout(form)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        self.body_edit = QPlainTextEdit(splitter)
        self.body_edit.setAccessibleName(
            self.tr("Call script") if channel is StepChannel.PHONE else self.tr("Message")
        )
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.highlighter = PlaceholderHighlighter(self.body_edit.document())
        # The panel scrolls rather than squeezing its text when the window is small.
        side_scroll = QScrollArea(splitter)
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side = QWidget(side_scroll)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 4, 0)
        self.missing_title = QLabel(self.tr("Still missing"), side)
        self.missing_title.setStyleSheet("font-weight: bold")
        self.missing_label = QLabel(side)
        self.missing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.missing_label.setWordWrap(True)
        self.missing_label.setAccessibleName(self.tr("Still missing"))
        self.hints_title = QLabel(self.tr("Keep in mind"), side)
        self.hints_title.setStyleSheet("font-weight: bold")
        self.hints_label = QLabel(side)
        self.hints_label.setTextFormat(Qt.TextFormat.PlainText)
        self.hints_label.setWordWrap(True)
        self.hints_label.setAccessibleName(self.tr("Hints"))
        self.template_label = QLabel(side)
        self.template_label.setTextFormat(Qt.TextFormat.PlainText)
        self.template_label.setWordWrap(True)
        self.template_label.setAccessibleName(self.tr("Template"))
        self.template_label.setEnabled(False)  # drawn in the muted colour
        for widget in (
            self.missing_title,
            self.missing_label,
            self.hints_title,
            self.hints_label,
            self.template_label,
        ):
            widget.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            side_layout.addWidget(widget)
        self.reset_button = self._button(self.tr("Reset to &template"), self.reset_to_template)
        self.reset_button.setToolTip(
            self.tr("Replace your text with the message drafted from the template.")
        )
        side_layout.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignLeft)
        side_layout.addStretch(1)
        side_scroll.setWidget(side)
        side_scroll.setMinimumWidth(200)
        self.side_scroll = side_scroll
        splitter.addWidget(self.body_edit)
        splitter.addWidget(side_scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 240])
        outer.addWidget(splitter, 1)

        status_row = QHBoxLayout()
        self.status_label = QLabel(self)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(self.tr("Status"))
        self.status_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.saved_label = QLabel(self)
        self.saved_label.setAccessibleName(self.tr("Draft saved"))
        self.saved_label.setEnabled(False)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # moving to and fro: it is working, for an unknown while
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName(self.tr("Sending"))
        self.busy.hide()
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.busy)
        status_row.addWidget(self.saved_label)
        outer.addLayout(status_row)
        self.error_label = QLabel(self)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName(self.tr("Problem"))
        self.error_label.setStyleSheet(
            "QLabel { color: #8a1c1c; background: #fdecec; border: 1px solid #f0b4b4;"
            " border-radius: 4px; padding: 6px; }"
        )
        self.error_label.hide()
        outer.addWidget(self.error_label)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.primary_button: QPushButton
        self.done_button: QPushButton | None = None
        self.send_button: QPushButton | None = None
        if channel is StepChannel.EMAIL:
            self.mail_app_button = self._button(self.tr("Open in &mail app"), self.open_in_mail_app)
            self.eml_button = self._button(self.tr("Save as &draft (.eml)…"), self.save_eml)
            self.send_button = self._button(self.tr("&Send"), self.send)
            self.copy_button = self._button(self.tr("&Copy"), self.copy)
            self.done_button = self._button(self.tr("Mark as se&nt"), self.mark_done)
            for button in (self.mail_app_button, self.eml_button, self.send_button,
                           self.copy_button, self.done_button):  # fmt: skip
                buttons.addWidget(button)
            self._configure_send_button()
            self.primary_button = (
                self.send_button if self.send_button.isEnabled() else self.mail_app_button
            )
        elif channel is StepChannel.PHONE:
            self.call_button = self._button(self.tr("&Call"), self.call)
            self.reached_button = self._button(self.tr("&Reached"), self.log_reached)
            self.voicemail_button = self._button(self.tr("Left &voicemail"), self.log_voicemail)
            self.no_answer_button = self._button(self.tr("&No answer"), self.log_no_answer)
            self.no_answer_button.setToolTip(
                self.tr("Moves the call to the same time on the next working day.")
            )
            buttons.addWidget(self.call_button)
            buttons.addSpacing(12)
            self.after_call_label = QLabel(self.tr("After the call:"), self)
            buttons.addWidget(self.after_call_label)
            for button in (self.reached_button, self.voicemail_button, self.no_answer_button):
                buttons.addWidget(button)
            self.primary_button = self.call_button
        elif channel is StepChannel.LETTER:
            self.print_button = self._button(self.tr("&Print…"), self.print_card)
            self.pdf_button = self._button(self.tr("Save as P&DF…"), self.save_pdf)
            self.copy_button = self._button(self.tr("&Copy"), self.copy)
            self.done_button = self._button(self.tr("Mark &done"), self.mark_done)
            for button in (self.print_button, self.pdf_button, self.copy_button,
                           self.done_button):  # fmt: skip
                buttons.addWidget(button)
            self.primary_button = self.print_button
        else:
            self.copy_button = self._button(self.tr("&Copy"), self.copy)
            self.done_button = self._button(self.tr("Mark &done"), self.mark_done)
            buttons.addWidget(self.copy_button)
            buttons.addWidget(self.done_button)
            self.primary_button = self.copy_button
        self.primary_button.setDefault(True)
        font = self.primary_button.font()
        font.setBold(True)
        self.primary_button.setFont(font)
        self.primary_button.setToolTip(
            (self.primary_button.toolTip() + "\n" if self.primary_button.toolTip() else "")
            + self.tr("Ctrl+Return")
        )
        self.close_button = self._button(self.tr("Close"), self.close)
        buttons.addWidget(self.close_button)
        outer.addLayout(buttons)

        for keys, slot in (
            (QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Return), self.primary_action),
            (QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Enter), self.primary_action),
            (QKeySequence(QKeySequence.StandardKey.Save), self.save_now),
            (QKeySequence(Qt.Key.Key_Escape), self.close),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

        self.body_edit.textChanged.connect(self._text_changed)
        self.subject_edit.textChanged.connect(self._text_changed)

    def _button(self, text: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.replace("&", ""))
        button.setAutoDefault(False)
        button.clicked.connect(self.clear_status)  # first: each action says its own outcome
        button.clicked.connect(slot)
        return button

    # -- header ------------------------------------------------------------------------------

    def _zone(self) -> ZoneInfo:
        return self.store.settings().zone

    def _update_header(self) -> None:
        step, interview, draft = self.step, self.interview, self.draft
        tz = self._zone()
        self.setWindowTitle(
            self.tr("{title} — {company}").format(title=step.title, company=interview.company)
        )
        self.title_label.setText(step.title)
        self.context_label.setText(
            self.tr("{company} · {role} · interview on {day}").format(
                company=interview.company,
                role=interview.role,
                day=shown_dates.day(interview.start.astimezone(tz)),
            )
        )
        start, deadline = step.start.astimezone(tz), step.deadline.astimezone(tz)
        if step.status is StepStatus.PLANNED:
            when = self.tr("Due {start}, at the latest {deadline}.").format(
                start=in_both_zones(start, tz, interview.tz, shown_dates.day_time),
                deadline=shown_dates.day_time(deadline, year=False),
            )
        else:  # done, skipped or cancelled: when and how, or why not; shown read-only
            when = self.closed_sentence()
        self.due_label.setText(when)
        self.why_label.setText(step.why)
        self.why_label.setVisible(bool(step.why))
        self.envelope_label.setText(
            ", ".join(draft.postal_address.splitlines()) or self.tr("(no postal address)")
        )
        missing = [*draft.missing]
        self.missing_title.setVisible(bool(missing))
        self.missing_label.setVisible(bool(missing))
        self.missing_label.setText("\n".join(f"• {item}" for item in missing))
        self.hints_title.setVisible(bool(draft.hints))
        self.hints_label.setVisible(bool(draft.hints))
        self.hints_label.setText("\n".join(f"• {item}" for item in draft.hints))
        if draft.template_path.name:
            self.template_label.setText(
                self.tr("Drafted from {name}").format(name=draft.template_path.name)
            )
        planned = step.status is StepStatus.PLANNED
        for button in (
            self.done_button,
            getattr(self, "reached_button", None),
            getattr(self, "voicemail_button", None),
            getattr(self, "no_answer_button", None),
        ):
            if button is not None:
                button.setEnabled(planned)
        if not planned:
            self._show_read_only()

    # -- feedback ----------------------------------------------------------------------------

    def clear_status(self) -> None:
        """Forget what the last action said (a new one starts)."""
        self.error_label.hide()
        self.error_label.clear()
        self.status_label.clear()

    def show_status(self, text: str) -> None:
        self.error_label.hide()
        self.status_label.setText(text)

    def show_error(self, text: str) -> None:
        """A problem, shown in the window (never a blocking dialog)."""
        self.error_label.setText(text)
        self.error_label.show()

    def bring_forward(self) -> None:
        if self.isMinimized():
            self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()

    # -- the main action ---------------------------------------------------------------------

    def primary_action(self) -> None:
        """Ctrl+Return: the main way out for this channel (send, call, print, copy)."""
        if self.primary_button.isEnabled():
            self.primary_button.click()

    # -- closing -----------------------------------------------------------------------------

    def hideEvent(self, event: QHideEvent) -> None:
        if self._dirty:
            self.save_now()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._sending:
            self.show_status(self.tr("Wait until the message is sent; then the window closes."))
            event.ignore()
            return
        if self._dirty and not self.save_now() and not self._close_refused:
            # Keep the window (and the text) once rather than lose it; the problem is shown.
            self._close_refused = True
            self.show_status(self.tr("Copy your text somewhere safe, then close again."))
            event.ignore()
            return
        type(self)._open.pop(self._key, None)
        super().closeEvent(event)
