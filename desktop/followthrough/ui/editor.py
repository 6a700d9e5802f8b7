"""The message editor: one window per follow-up step, to write, send and record it.

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

import re
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtCore import (
    QMarginsF,
    QObject,
    QRectF,
    QRunnable,
    QStandardPaths,
    Qt,
    QThreadPool,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QDesktopServices,
    QFont,
    QGuiApplication,
    QHideEvent,
    QKeySequence,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPdfWriter,
    QShortcut,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from followthrough.core.messages import _MARKERS, Draft
from followthrough.core.model import (
    Activity,
    ActivityKind,
    Interview,
    Step,
    StepChannel,
    StepStatus,
    ValidationError,
    local_datetime,
)
from followthrough.store import Store, StoreError
from followthrough.store.drafts import (
    discard_draft,
    finish_step,
    load_draft,
    save_draft,
    step_draft,
    templates_for,
)

AUTOSAVE_MS = 300  # a pause in typing this long saves the draft
AUTOSAVE_MAX_MS = 600  # and typing never keeps unsaved text longer than this

# The markers core.messages writes for a missing value: "[topic]", "[interviewer's name]"...
MARKERS: tuple[str, ...] = tuple(sorted(set(_MARKERS.values()), key=len, reverse=True))
MARKER_RE = re.compile("|".join(re.escape(marker) for marker in MARKERS))
_FILE_NAME_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def _how_name(channel: StepChannel) -> str:
    return {
        StepChannel.EMAIL: "email",
        StepChannel.PHONE: "phone",
        StepChannel.LETTER: "letter",
        StepChannel.NETWORK: "network",
    }[channel]


class PlaceholderHighlighter(QSyntaxHighlighter):
    """Marks the ``[placeholder]`` markers still in the text, so nothing unfinished goes out."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.marker_format = QTextCharFormat()
        self.marker_format.setBackground(QColor("#ffe08a"))
        self.marker_format.setForeground(QColor("#5c3c00"))
        self.marker_format.setFontWeight(QFont.Weight.Bold)
        self.marker_format.setToolTip("Still to fill in")

    def highlightBlock(self, text: str) -> None:
        for match in MARKER_RE.finditer(text):
            self.setFormat(match.start(), match.end() - match.start(), self.marker_format)


# -- the card (print and PDF) ----------------------------------------------------------------


def card_layout() -> QPageLayout:
    """A6 landscape with 12 mm margins: a note card."""
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A6),
        QPageLayout.Orientation.Landscape,
        QMarginsF(12, 12, 12, 12),
        QPageLayout.Unit.Millimeter,
    )


def paint_card(device: QPaintDevice, text: str) -> None:
    """Lay `text` out on `device`'s pages: a serif face, shrunk (down to 8 pt) to fit one page.

    On a device without pages (an image, for a preview) only what fits is drawn.
    """
    painter = QPainter()
    if not painter.begin(device):
        raise ValidationError("The card could not be drawn: the printer or file refused it.")
    try:
        width, height = float(device.width()), float(device.height())
        document = QTextDocument()
        document.documentLayout().setPaintDevice(device)
        document.setDocumentMargin(0)
        document.setPlainText(text.rstrip("\n"))
        font = QFont("Serif")
        font.setStyleHint(QFont.StyleHint.Serif)
        size = 12.0
        while True:
            font.setPointSizeF(size)
            document.setDefaultFont(font)
            document.setTextWidth(width)
            if document.size().height() <= height or size <= 8.0:
                break
            size -= 0.5
        top = 0.0
        total = document.size().height()
        while True:
            painter.save()
            painter.translate(0, -top)
            document.drawContents(painter, QRectF(0, top, width, height))
            painter.restore()
            top += height
            if top >= total or not isinstance(device, QPagedPaintDevice):
                break
            device.newPage()
    finally:
        painter.end()


def write_card_pdf(path: Path, text: str, title: str = "") -> None:
    """Save `text` as a PDF card (A6 landscape) at `path`."""
    writer = QPdfWriter(str(path))
    writer.setPageLayout(card_layout())
    writer.setResolution(300)
    writer.setTitle(title)
    writer.setCreator("Followthrough")
    paint_card(writer, text)
    del writer  # the file is complete once the writer is gone
    if not path.exists():
        raise ValidationError(f"The PDF could not be written to {path}.")


# -- sending by SMTP off the UI thread -------------------------------------------------------


class _SendSignals(QObject):
    done = Signal(str)  # "" when sent, else the sentence that says why not


class _SendTask(QRunnable):
    """Sends one message through SMTP in a worker thread; reports by a queued signal.

    `signals` belongs to the window (a child QObject), so it lives and dies in the UI thread
    whatever becomes of this task.
    """

    def __init__(
        self, signals: _SendSignals, config: object, message: object, password: str,
        timeout: float,
    ) -> None:  # fmt: skip
        super().__init__()
        self.setAutoDelete(True)
        self.signals = signals
        self._job = (config, message, password, timeout)

    def run(self) -> None:
        from followthrough.compose.smtp import send_message

        config, message, password, timeout = self._job
        self._job = (config, message, "", timeout)
        try:
            send_message(config, message, password, timeout=timeout)  # type: ignore[arg-type]
        except ValidationError as error:  # SmtpError too: one sentence, never the password
            text = str(error)  # SmtpError has no password in it; this is a second guard
            self.signals.done.emit(text.replace(password, "•••") if len(password) > 3 else text)
        except Exception as error:  # anything else is reported, not raised
            self.signals.done.emit(
                f"The message could not be sent ({type(error).__name__}); nothing was recorded."
            )
        else:
            self.signals.done.emit("")


# -- the window ------------------------------------------------------------------------------


class MessageEditor(QWidget):
    """The editor of one step's message; see the module's docstring."""

    step_changed = Signal(str)
    """Something was recorded for the step (done, moved); carries the step id."""

    _open: ClassVar[dict[tuple[str, str], MessageEditor]] = {}

    smtp_timeout = 20.0

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
        editor.show()
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
        self._send_signals: _SendSignals | None = None
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

    def _template_draft(self) -> tuple[Draft, str]:
        try:
            return step_draft(self.store, self.step, templates_for(self.store)), ""
        except ValidationError as error:  # a broken or missing template: the user can write
            empty = Draft(
                subject="",
                body="",
                channel=self.step.channel,
                to_name=self.interview.interviewers[0].name if self.interview.interviewers else "",
                to_address="",
                missing=(str(error),),
                hints=(),
                template_path=Path(),
            )
            return empty, str(error)

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
            buttons.addWidget(QLabel(self.tr("After the call:"), self))
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
        button.clicked.connect(slot)
        return button

    def _configure_send_button(self) -> None:
        assert self.send_button is not None
        try:
            config = self._smtp_config()
        except ValidationError as error:
            self.send_button.setEnabled(False)
            self.send_button.setToolTip(
                self.tr("Sending is not set up correctly: {problem}").format(problem=error)
            )
            return
        if config is None:
            self.send_button.setEnabled(False)
            self.send_button.setToolTip(
                self.tr(
                    "To send from here, tell Followthrough your mail server and address:\n"
                    "followthrough config set smtp-host smtp.example.com\n"
                    "followthrough config set my-email you@example.com\n"
                    "then save the password with: followthrough smtp password"
                )
            )
        else:
            self.send_button.setEnabled(True)
            self.send_button.setToolTip(
                self.tr("Send now through {server} as {sender}.").format(
                    server=config.describe(), sender=config.from_address
                )
            )

    def _smtp_config(self):  # -> SmtpConfig | None
        from followthrough.compose.smtp import smtp_config

        return smtp_config(self.store.settings())

    # -- content -----------------------------------------------------------------------------

    def _load_text(self) -> None:
        saved = None
        try:
            saved = load_draft(self.store, self.step.id)
        except sqlite3.Error as error:
            self.show_error(self.tr("Your saved draft could not be read: {e}").format(e=error))
        self._loading = True
        try:
            self.to_name_edit.setText(self.draft.to_name)
            self.to_address_edit.setText(self.draft.to_address)
            if saved is not None:
                self.subject_edit.setText(saved.subject)
                self.body_edit.setPlainText(saved.body)
                when = saved.updated.astimezone(self._zone())
                self.saved_label.setText(
                    self.tr("Your draft of {when}").format(when=when.strftime("%a %d %b %H:%M"))
                )
            else:
                self.subject_edit.setText(self.draft.subject)
                self.body_edit.setPlainText(self.draft.body)
        finally:
            self._loading = False
        self.reset_button.setEnabled(saved is not None)
        self.body_edit.moveCursor(QTextCursor.MoveOperation.Start)
        self.body_edit.setFocus()

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
                day=interview.start.astimezone(tz).strftime("%a %d %b %Y"),
            )
        )
        start, deadline = step.start.astimezone(tz), step.deadline.astimezone(tz)
        if step.status is StepStatus.PLANNED:
            when = self.tr("Due {start}, at the latest {deadline}.").format(
                start=start.strftime("%a %d %b %Y, %H:%M"),
                deadline=deadline.strftime("%a %d %b %H:%M"),
            )
        elif step.status is StepStatus.DONE:
            how = f" ({step.done_how})" if step.done_how else ""
            when = self.tr("Already done{how}.").format(how=how)
        else:
            reason = f": {step.status_reason}" if step.status_reason else "."
            when = self.tr("This follow-up is {status}{reason}").format(
                status=step.status.value, reason=reason
            )
        self.due_label.setText(when)
        self.why_label.setText(step.why)
        self.why_label.setVisible(bool(step.why))
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

    def subject(self) -> str:
        return self.subject_edit.text() if self.step.channel is StepChannel.EMAIL else ""

    def body(self) -> str:
        return self.body_edit.toPlainText()

    def message_text(self) -> str:
        """Subject and body as one text (the body alone for channels without a subject)."""
        subject = self.subject()
        body = self.body()
        return f"Subject: {subject}\n\n{body}" if subject else body

    def markers_left(self) -> list[str]:
        """The ``[placeholder]`` markers still in the subject or the body, in order, once each."""
        found = MARKER_RE.findall(self.subject() + "\n" + self.body())
        return list(dict.fromkeys(found))

    # -- autosave ----------------------------------------------------------------------------

    def _text_changed(self) -> None:
        if self._loading or self._finished:
            return
        self._dirty = True
        now = time.monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        # Debounce, but never keep typed text unsaved longer than AUTOSAVE_MAX_MS.
        left_ms = int((self._dirty_since - now) * 1000) + AUTOSAVE_MAX_MS
        self._save_timer.start(max(0, min(AUTOSAVE_MS, left_ms)))
        self.saved_label.setText(self.tr("Editing…"))

    def save_now(self) -> bool:
        """Save the text as this step's draft now (Ctrl+S); False when it could not be."""
        self._save_timer.stop()
        if self._finished:
            return True
        if not self._dirty:
            if self.sender() is not self._save_timer:
                self.saved_label.setText(self.tr("Nothing new to save."))
            return True
        try:
            saved = save_draft(self.store, self.step.id, self.subject_edit.text(), self.body())
        except (ValidationError, StoreError, sqlite3.Error) as error:
            self.show_error(self.tr("Your text could not be saved: {e}").format(e=error))
            return False
        self._dirty = False
        self._dirty_since = None
        self.reset_button.setEnabled(True)
        self.saved_label.setText(
            self.tr("Draft saved {time}").format(
                time=saved.updated.astimezone(self._zone()).strftime("%H:%M:%S")
            )
        )
        return True

    def reset_to_template(self) -> None:
        """Replace the text with the template's draft and forget the saved one (undoable)."""
        self._save_timer.stop()
        self.draft, problem = self._template_draft()
        self._loading = True
        try:
            cursor = QTextCursor(self.body_edit.document())
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.insertText(self.draft.body)  # one step on the undo stack
            self.subject_edit.setText(self.draft.subject)
        finally:
            self._loading = False
        try:
            discard_draft(self.store, self.step.id)
        except (StoreError, sqlite3.Error) as error:
            self.show_error(self.tr("The saved draft could not be removed: {e}").format(e=error))
        self._dirty = False
        self._dirty_since = None
        self.reset_button.setEnabled(False)
        self.saved_label.setText(self.tr("Back to the template"))
        self._update_header()
        if problem:
            self.show_error(problem)

    # -- feedback ----------------------------------------------------------------------------

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

    # -- actions -----------------------------------------------------------------------------

    def primary_action(self) -> None:
        """Ctrl+Return: the main way out for this channel (send, call, print, copy)."""
        if self.primary_button.isEnabled():
            self.primary_button.click()

    def _open_url(self, url: QUrl, what: str) -> bool:
        if not QDesktopServices.openUrl(url):
            self.show_error(
                self.tr("No program on this computer opens {what}; use Copy instead.").format(
                    what=what
                )
            )
            return False
        return True

    def open_in_mail_app(self) -> None:
        """Hand the message to the default mail program as a ``mailto:`` link."""
        from followthrough.core.mailto import mailto_url

        try:
            url = mailto_url(self.to_address_edit.text(), self.subject(), self.body())
        except ValueError as error:
            self.show_error(str(error))
            return
        if self._open_url(QUrl.fromEncoded(url.encode("ascii")), self.tr("mailto: links")):
            self._how = "email (mail app)"
            self.show_status(
                self.tr("Opened in your mail program. Once it is sent, click Mark as sent.")
            )

    def _email(self, *, unsent: bool):  # -> EmailMessage
        from followthrough.compose.eml import email_message

        settings = self.store.settings()
        return email_message(
            self.to_name_edit.text(),
            self.to_address_edit.text(),
            self.subject(),
            self.body(),
            settings.my_name,
            settings.my_email,
            unsent=unsent,
        )

    def _default_file(self, suffix: str) -> str:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        ) or str(Path.home())
        name = _FILE_NAME_UNSAFE.sub(" ", f"{self.step.title} - {self.interview.company}")
        return str(Path(folder) / f"{name.strip()[:100]}{suffix}")

    def _ask_save_path(self, caption: str, suffix: str, file_filter: str) -> Path | None:
        """A file to write, asked for in a save dialog (None if cancelled); it ends in
        `suffix` even when the user typed a name without it."""
        path, _ = QFileDialog.getSaveFileName(
            self, caption, self._default_file(suffix), file_filter
        )
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        return target

    def save_eml(self) -> None:
        """Save the message as an ``.eml`` draft (X-Unsent: 1) and open it in the mail program."""
        from followthrough.compose.eml import write_eml

        try:
            message = self._email(unsent=True)
        except ValidationError as error:
            self.show_error(str(error))
            return
        target = self._ask_save_path(
            self.tr("Save the message as a draft"), ".eml", self.tr("Email drafts (*.eml)")
        )
        if target is None:
            return
        try:
            write_eml(target, message)
        except ValidationError as error:
            self.show_error(str(error))
            return
        self._how = "email (.eml)"
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
        self.show_status(
            (
                self.tr("Saved {name} and opened it in your mail program.")
                if opened
                else self.tr("Saved {name}; open it with your mail program.")
            ).format(name=target.name)
            + " "
            + self.tr("Once it is sent, click Mark as sent.")
        )

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.message_text())
        self._how = "copied"
        done = (
            self.tr("Mark as sent")
            if self.step.channel is StepChannel.EMAIL
            else self.tr("Mark done")
        )
        self.show_status(
            self.tr("Copied. Paste it where you send it, then click {done}.").format(done=done)
        )

    def send(self) -> None:
        """Send by SMTP in a worker thread; asks for the password when none is saved."""
        from followthrough.compose.smtp import smtp_password

        if self._sending:
            return
        try:
            config = self._smtp_config()
        except ValidationError as error:
            self.show_error(str(error))
            return
        if config is None:
            self.show_error(
                self.tr(
                    "Sending is not set up: run followthrough config set smtp-host "
                    "smtp.example.com (and my-email), or use Open in mail app."
                )
            )
            return
        left = self.markers_left()
        if left:
            self.show_error(
                self.tr("Fill in {markers} first (or delete it): it is still in the message.")
                .format(markers=", ".join(left))
            )  # fmt: skip
            return
        if not self.to_address_edit.text().strip():
            self.show_error(self.tr("Add the recipient's email address first."))
            return
        try:
            message = self._email(unsent=False)
        except ValidationError as error:
            self.show_error(str(error))
            return
        try:
            password = smtp_password(config)
        except Exception:  # a locked or broken keyring: ask instead
            password = None
        typed = False
        if not password:
            text, ok = QInputDialog.getText(
                self,
                self.tr("Mail server password"),
                self.tr("Password of {user} at {server}:").format(
                    user=config.username, server=config.describe()
                ),
                QLineEdit.EchoMode.Password,
            )
            if not ok or not text:
                self.show_status(self.tr("Not sent."))
                return
            password, typed = text, True
        self._start_sending(config, message, password, typed)

    def _start_sending(self, config: object, message: object, password: str, typed: bool) -> None:
        self._sending = True
        self._typed_password = (config, password) if typed else None
        self._set_busy(True)
        self.show_status(self.tr("Sending…"))
        if self._send_signals is None:
            self._send_signals = _SendSignals(self)
            self._send_signals.done.connect(self._sending_done)
        task = _SendTask(self._send_signals, config, message, password, self.smtp_timeout)
        QThreadPool.globalInstance().start(task)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for button in self.findChildren(QPushButton):
            if button is not self.close_button:
                button.setEnabled(not busy)
        self.body_edit.setReadOnly(busy)
        self.subject_edit.setReadOnly(busy)
        self.to_address_edit.setReadOnly(busy)
        self.to_name_edit.setReadOnly(busy)
        if not busy:
            self.reset_button.setEnabled(load_draft(self.store, self.step.id) is not None)
            if self.send_button is not None:
                self._configure_send_button()
            self._update_header()

    def _sending_done(self, problem: str) -> None:
        typed, self._typed_password = self._typed_password, None
        self._sending = False
        self._set_busy(False)
        if problem:
            self.show_error(self.tr("Not sent: {problem}").format(problem=problem))
            return
        if typed is not None:
            self._offer_to_remember(*typed)
        self._how = "email (SMTP)"
        self.show_status(self.tr("Sent."))
        if self.step.status is StepStatus.PLANNED:
            self.mark_done()

    def _offer_to_remember(self, config: object, password: str) -> None:
        from followthrough.compose.smtp import save_smtp_password
        from followthrough.store.secrets import SecretStoreUnavailable, available

        if not available():
            return
        answer = QMessageBox.question(
            self,
            self.tr("Remember the password?"),
            self.tr(
                "Keep the password in the system keyring, so Followthrough sends without asking "
                "next time?"
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            save_smtp_password(config, password)  # type: ignore[arg-type]
        except (ValidationError, SecretStoreUnavailable) as error:
            self.show_error(str(error))

    def call(self) -> None:
        from followthrough.compose.tel import tel_url

        try:
            url = tel_url(self.to_address_edit.text())
        except ValidationError as error:
            self.show_error(str(error))
            return
        if self._open_url(QUrl(url), self.tr("phone (tel:) links")):
            self.show_status(
                self.tr("Calling {number}. Afterwards, log how it went.").format(
                    number=self.to_address_edit.text().strip()
                )
            )

    def log_reached(self) -> None:
        self._finish("phone: reached")

    def log_voicemail(self) -> None:
        self._finish("phone: voicemail")

    def log_no_answer(self) -> None:
        """Nobody answered: move the call to the same time on the next working day."""
        from followthrough.core.workdays import WorkCalendar

        settings = self.store.settings()
        tz = settings.zone
        now = datetime.now(tz).replace(microsecond=0)
        calendar = WorkCalendar(settings)
        planned = self.step.start.astimezone(tz)
        day = calendar.add_business_days(now.date(), 1)
        to = local_datetime(day, planned.hour, planned.minute, tz)
        if to <= now:  # pragma: no cover - only if the clock moves backwards
            to = now + timedelta(days=1)
        try:
            self.store.record(
                self.interview.id,
                Activity(ActivityKind.MOVE, now, step=self.step.key, to=to),
            )
        except (ValidationError, StoreError, sqlite3.Error) as error:
            self.show_error(str(error))
            return
        self._reload_step()
        self.step_changed.emit(self.step.id)
        self.show_status(
            self.tr(
                "No answer: the call moves to {when}, the same time on the next working day."
            ).format(when=self.step.start.astimezone(tz).strftime("%a %d %b %H:%M"))
        )

    def _reload_step(self) -> None:
        self.step = self.store.step(self.step.id).step
        self.interview = self.store.interview(self.step.interview_id)
        self._update_header()

    def mark_done(self) -> None:
        """Record the step as done, the way the message left, and close the window."""
        self._finish(self._how or _how_name(self.step.channel))

    def _finish(self, how: str) -> None:
        try:
            finish_step(self.store, self.step, how)
        except (ValidationError, StoreError, sqlite3.Error) as error:
            self.show_error(str(error))
            return
        self._finished = True
        self._dirty = False
        self._save_timer.stop()
        self.step_changed.emit(self.step.id)
        self.close()

    def print_card(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(card_layout())
        printer.setDocName(self.step.title)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print the card"))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        try:
            paint_card(printer, self.body())
        except ValidationError as error:
            self.show_error(str(error))
            return
        self._how = "letter (printed)"
        self.show_status(self.tr("Sent to the printer. Once it is posted, click Mark done."))

    def save_pdf(self) -> None:
        target = self._ask_save_path(
            self.tr("Save the card as a PDF"), ".pdf", self.tr("PDF files (*.pdf)")
        )
        if target is None:
            return
        try:
            write_card_pdf(target, self.body(), self.step.title)
        except (ValidationError, OSError) as error:
            self.show_error(str(error))
            return
        self.show_status(
            self.tr("Saved the card as {name}. Once it is posted, click Mark done.").format(
                name=target.name
            )
        )

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
