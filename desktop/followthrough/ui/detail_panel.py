"""The detail panel: the selected step or interview, why it is planned then, and what to do.

The panel only asks: its buttons emit signals carrying the step's or the interview's id, and
the window applies them through the store. `DelayDialog` and `OutcomeDialog` ask for what a
delay or an outcome needs, `MoveDialog` for a step's new time.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from followthrough.core import shown_dates
from followthrough.core.actions import decision_change
from followthrough.core.model import (
    Activity,
    ActivityKind,
    Interview,
    Outcome,
    ValidationError,
    employer_cancellation,
    local_datetime,
)
from followthrough.core.samples import is_sample
from followthrough.ui.calendar.event_cache import EventCache
from followthrough.ui.calendar.events import INTERVIEW_KIND, CalendarEvent, EventStatus, kind_label
from followthrough.ui.date_fields import DateField, DateTimeField, shown_day


def _plain(parent: QWidget) -> QLabel:
    """A label for user data: plain text (never read as HTML), wrapped, selectable."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _when_text(event: CalendarEvent) -> str:
    """The event's day and times in the user's zone, and its start where the interview is
    when that reads differently ("…, 19:00–19:30 · 14:00 New York")."""
    day = shown_dates.day(event.start)
    there = event.time_there()
    times = f"{shown_dates.time_of_day(event.start)}–{shown_dates.time_of_day(event.end)}"
    return f"{day}, {times}" + (f" · {there}" if there else "")


class DetailPanel(QWidget):
    """What the selected step or interview is, why it is planned then, and its actions."""

    open_editor_requested = Signal(str)  # step id
    mark_done_requested = Signal(str)  # step id
    skip_requested = Signal(str)  # step id
    reopen_requested = Signal(str)  # step id
    move_requested = Signal(str)  # step id: ask for a new time
    reply_requested = Signal(str)  # interview id
    delay_requested = Signal(str)  # interview id
    outcome_requested = Signal(str)  # interview id
    edit_requested = Signal(str)  # interview id
    delete_requested = Signal(str)  # interview id
    reopen_interview_requested = Signal(str)  # interview id: the employer had cancelled it

    def __init__(self, cache: EventCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cache = cache
        self.kind = ""
        self.ident = ""
        self.interview_id = ""
        self.setAccessibleName(self.tr("Details"))

        inner = QWidget(self)
        layout = QVBoxLayout(inner)
        self.title = _plain(inner)
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.title.setAccessibleName(self.tr("Selected item"))
        self.subtitle = _plain(inner)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QLabel] = {}
        for key, label in (
            ("when", self.tr("When")),
            ("status", self.tr("Status")),
            ("channel", self.tr("How")),
            ("to", self.tr("To")),
            ("sent", self.tr("What was sent")),
            ("why", self.tr("Why then")),
            ("people", self.tr("Interviewers")),
            ("decision", self.tr("Decision date")),
            ("pace", self.tr("Pace")),
            ("topics", self.tr("Topics")),
            ("location", self.tr("Location")),
            ("notes", self.tr("Notes")),
            ("history", self.tr("History")),
        ):
            value = _plain(inner)
            value.setAccessibleName(label)
            self.form.addRow(label, value)
            self.fields[key] = value
        layout.addLayout(self.form)

        self.empty = QLabel(
            self.tr(
                "Select a follow-up or an interview in the calendar to see what it is, "
                "why it is planned then, and what you can do with it."
            ),
            inner,
        )
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)
        layout.addWidget(self.empty)

        buttons = QGridLayout()
        self.open_button = self._button(self.tr("Open message"), self.open_editor_requested, True)
        self.done_button = self._button(self.tr("Mark done"), self.mark_done_requested, True)
        self.skip_button = self._button(self.tr("Skip"), self.skip_requested, True)
        self.reopen_button = self._button(self.tr("Reopen"), self.reopen_requested, True)
        self.move_button = self._button(self.tr("Move…"), self.move_requested, True)
        self.move_button.setToolTip(self.tr("Give it another time (or drag it in the calendar)"))
        self.reply_button = self._button(self.tr("Log reply"), self.reply_requested, False)
        self.delay_button = self._button(self.tr("Log delay…"), self.delay_requested, False)
        self.outcome_button = self._button(self.tr("Log outcome…"), self.outcome_requested, False)
        self.edit_button = self._button(self.tr("Edit interview…"), self.edit_requested, False)
        self.delete_button = self._button(self.tr("Delete interview"), self.delete_requested,
                                          False)
        self.reopen_interview_button = self._button(
            self.tr("Reopen interview"), self.reopen_interview_requested, False
        )
        self.reopen_interview_button.setToolTip(
            self.tr("The employer cancelled it: plan its follow-ups again")
        )
        self.remove_sample_button = self._button(self.tr("Remove the sample"),
                                                 self.delete_requested, False)
        self.sample_note = _plain(inner)
        self.sample_note.setText(self.tr(
            "A sample, made up to explore Followthrough: it stays on this computer, never "
            "synced, exported or published."
        ))
        layout.insertWidget(2, self.sample_note)
        self.open_button.setToolTip(self.tr("Open the message editor (Enter)"))
        self.reply_button.setToolTip(
            self.tr("They answered: the chasers still planned are cancelled")
        )
        self.delay_button.setToolTip(self.tr("They announced a new decision date"))
        self.outcome_button.setToolTip(self.tr("An offer, a rejection, or you withdrew"))
        self.buttons = buttons
        self._arrange_buttons()  # each button's place, hence its parent, from the start
        layout.addLayout(buttons)
        layout.addStretch(1)

        scroll = QScrollArea(self)
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.clear()

    def _button(self, text: str, signal: Signal, for_step: bool) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.rstrip("…"))
        button.clicked.connect(
            lambda: signal.emit(self.ident if for_step else self.interview_id)  # type: ignore[attr-defined]
        )
        return button

    # -- what is shown --------------------------------------------------------------------
    def clear(self) -> None:
        self.kind = self.ident = self.interview_id = ""
        self.title.setText(self.tr("Nothing selected"))
        self.subtitle.clear()
        self._show_fields({})
        self.empty.show()
        for button in self._all_buttons():
            button.hide()
        self.sample_note.hide()

    def show_item(self, kind: str, ident: str) -> None:
        """Show the step or the interview with `ident` ("" kind or id: nothing)."""
        if not kind or not ident:
            self.clear()
            return
        try:
            event = self.cache.event("step" if kind == "step" else INTERVIEW_KIND, ident)
        except ValidationError:
            self.clear()
            return
        if event.is_step:
            self._show_step(event)
        else:
            self._show_interview(event)
        sample = is_sample(self.interview_id)
        self.sample_note.setVisible(sample)
        self.remove_sample_button.setVisible(sample)
        self.delete_button.setVisible(self.delete_button.isVisible() and not sample)
        self._arrange_buttons()

    def _arrange_buttons(self) -> None:
        """The shown buttons two to a row, without holes where others are hidden; the
        interview's own actions from a row of their own."""
        for button in self._all_buttons():
            self.buttons.removeWidget(button)
        row = 0
        for group in (self._step_buttons(), self._interview_group()):
            shown = [button for button in group if not button.isHidden()]
            for n, button in enumerate(shown):
                self.buttons.addWidget(button, row + n // 2, n % 2)
            row += (len(shown) + 1) // 2

    def refresh(self) -> None:
        """Show the same item again, as the store has it now."""
        self.show_item(self.kind, self.ident)

    def _show_step(self, event: CalendarEvent) -> None:
        self.kind, self.ident, self.interview_id = "step", event.id, event.interview_id
        self.title.setText(event.title)
        self.subtitle.setText(f"{kind_label(event.step_kind)} · {event.company} — {event.role}")
        status = event.status.label
        sent = ""
        if event.status is EventStatus.DONE:
            status, sent = self._done_texts(event)
        elif event.status_reason:
            status = f"{status}: {event.status_reason}"
        if event.manual and event.status.open:
            status = self.tr("{status} (time set by you)").format(status=status)
        self._show_fields({
            "when": _when_text(event),
            "status": status,
            "channel": event.channel,
            "to": event.to,
            "sent": sent,
            "why": event.why,
        })
        open_ = event.status.open
        self.open_button.setVisible(True)
        self.open_button.setEnabled(open_)
        self.done_button.setVisible(open_)
        self.skip_button.setVisible(open_)
        self.move_button.setVisible(event.movable)  # a cancelled one too: that brings it back
        self.reopen_button.setVisible(
            event.status in (EventStatus.DONE, EventStatus.SKIPPED, EventStatus.CANCELLED)
        )
        self._interview_buttons(True, event.interview_id)
        self.empty.hide()

    def _show_interview(self, event: CalendarEvent) -> None:
        self.kind, self.ident, self.interview_id = INTERVIEW_KIND, event.id, event.id
        stored = self.cache.stored_interview(event.id)
        iv = stored.interview
        self.title.setText(self.tr("Interview at {company}").format(company=iv.company))
        self.subtitle.setText(iv.role + (self.tr(", round {n}").format(n=iv.round)
                                         if iv.round > 1 else ""))
        state = self.cache.state_of(iv.id)
        cancelled = employer_cancellation(stored.activities)
        people = "\n".join(
            " · ".join(part for part in (p.name, p.title, p.email, p.phone) if part)
            for p in iv.interviewers
        )
        self._show_fields({
            "when": _when_text(event),
            "status": self.tr("Cancelled by the employer on {day}.").format(
                day=shown_dates.day(cancelled.at.astimezone(self.cache.tz))  # as the core says it
            ) if cancelled else state.label,
            "channel": iv.channel.value,
            "people": people,
            "decision": self._decision_text(iv, stored.activities),
            "pace": iv.pace.value + (f" · {iv.playbook}" if iv.playbook else ""),
            "topics": "; ".join(iv.topics),
            "location": iv.location,
            "notes": iv.notes,
            "history": self._history_text(stored.activities[-8:]),
        })
        for button in self._step_buttons():
            button.hide()
        self._interview_buttons(True, iv.id)
        self.empty.hide()

    def _decision_text(self, interview: Interview, history: tuple[Activity, ...]) -> str:
        """The decision date now, and the one an announced delay replaced."""
        decided, was = decision_change(interview, history)
        if decided is None:
            return ""
        if was is None:
            return shown_day(decided, year=True)
        return self.tr("{day} (was {was})").format(
            day=shown_day(decided, year=True), was=shown_day(was, year=True)
        )

    def _done_texts(self, event: CalendarEvent) -> tuple[str, str]:
        """A done step's status (how and when it was done) and what was sent, read-only."""
        from followthrough.store.drafts import load_draft
        from followthrough.ui.history import done_status

        stored = self.cache.stored_steps([event.id]).get(event.id)
        how = stored.step.done_how if stored is not None else ""
        status = self.tr("Done: {how}.").format(how=done_status(how, event.start, self.cache.tz))
        kept = load_draft(self.cache.store, event.id)
        if kept is None:
            return status, ""
        subject = self.tr("Subject: {subject}").format(subject=kept.subject)
        return status, (f"{subject}\n\n{kept.body}" if kept.subject else kept.body).strip()

    def _history_text(self, activities: tuple[Activity, ...]) -> str:
        """What happened, a sentence a line, steps named by their titles."""
        from followthrough.ui.history import sentence

        if not activities:
            return ""
        interview_id = self.interview_id
        titles = {s.step.key: s.step.title for s in self.cache.store.steps(interview_id)}
        return "\n".join(sentence(a, titles, self.cache.tz) for a in activities)

    def _interview_buttons(self, visible: bool, interview_id: str = "") -> None:
        """The interview's actions; Reopen interview only once the employer cancelled it."""
        for button in self._interview_group():
            button.setVisible(visible)
        cancelled = bool(interview_id) and employer_cancellation(
            self.cache.stored_interview(interview_id).activities
        ) is not None
        self.reopen_interview_button.setVisible(visible and cancelled)

    def _step_buttons(self) -> list[QPushButton]:
        return [self.open_button, self.done_button, self.skip_button, self.move_button,
                self.reopen_button]

    def _interview_group(self) -> list[QPushButton]:
        return [self.reply_button, self.delay_button, self.outcome_button, self.edit_button,
                self.delete_button, self.reopen_interview_button, self.remove_sample_button]

    def _show_fields(self, values: dict[str, str]) -> None:
        for key, label in self.fields.items():
            text = values.get(key, "")
            label.setText(text)
            self.form.setRowVisible(label, bool(text))

    def _all_buttons(self) -> list[QPushButton]:
        return self._step_buttons() + self._interview_group()


class _FormDialog(QDialog):
    """A small dialog: rows in a form, then OK and Cancel.

    A subclass makes its editors and adds their rows to `form`, then calls `_add_buttons`.
    Tab order follows the order the widgets are made in, so the buttons come last.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)

    def _add_buttons(self) -> None:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)


class _ActivityDialog(_FormDialog):
    """Ask for what one activity needs: the subclass's rows, an optional note, OK and Cancel.

    A subclass adds its rows, then calls `_add_note_and_buttons`, and builds its activity in
    `activity`.
    """

    note: QLineEdit

    def _add_note_and_buttons(self, placeholder: str) -> None:
        self.note = QLineEdit(self)
        self.note.setAccessibleName(self.tr("Note"))
        self.note.setPlaceholderText(placeholder)
        self.form.addRow(self.tr("&Note:"), self.note)
        self._add_buttons()

    def _note_text(self) -> str:
        return self.note.text().strip()

    def activity(self, now: datetime) -> Activity:
        raise NotImplementedError


class DelayDialog(_ActivityDialog):
    """Ask for the new decision date the employer announced."""

    def __init__(self, earliest: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Log a delay"))
        self.date_edit = DateField(self)
        self.date_edit.setMinimumDate(QDate(earliest))
        self.date_edit.setDate(QDate(earliest).addDays(14))
        self.date_edit.setAccessibleName(self.tr("New decision date"))
        self.form.addRow(
            QLabel(self.tr("They will decide later. The check-ins move after the new date."), self)
        )
        self.form.addRow(self.tr("New &decision date:"), self.date_edit)
        self._add_note_and_buttons(self.tr("What they said (optional)"))

    def activity(self, now: datetime) -> Activity:
        return Activity(ActivityKind.DELAY, now, until=self.date_edit.date().toPython(),
                        note=self._note_text())


class OutcomeDialog(_ActivityDialog):
    """Ask how the process ended: an offer, a rejection, or the user withdrew."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Log the outcome"))
        self.outcome = QComboBox(self)
        self.outcome.setAccessibleName(self.tr("Outcome"))
        for value, label in (
            (Outcome.OFFER, self.tr("An offer")),
            (Outcome.REJECTED, self.tr("Rejected")),
            (Outcome.WITHDRAWN, self.tr("I withdrew")),
        ):
            self.outcome.addItem(label, value.value)
        self.form.addRow(self.tr("&Outcome:"), self.outcome)
        self._add_note_and_buttons(self.tr("Details (optional)"))

    def activity(self, now: datetime) -> Activity:
        return Activity(ActivityKind.OUTCOME, now,
                        outcome=Outcome(str(self.outcome.currentData())),
                        note=self._note_text())


class MoveDialog(_FormDialog):
    """Ask for a step's new time, in the user's zone."""

    def __init__(
        self, start: datetime, parent: QWidget | None = None, earliest: datetime | None = None
    ) -> None:
        """`earliest`: the first time it may take (the interview's end)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Move the follow-up"))
        self.tz = start.tzinfo
        self.when = DateTimeField(self)
        if earliest is not None:
            first = earliest.astimezone(self.tz)
            self.when.setMinimumDateTime(
                QDateTime(QDate(first.date()), QTime(first.hour, first.minute))
            )
        self.when.setDateTime(QDateTime(QDate(start.date()), QTime(start.hour, start.minute)))
        self.when.setAccessibleName(self.tr("New time"))
        self.form.addRow(QLabel(self.tr("Its time becomes yours: re-planning keeps it."), self))
        self.form.addRow(self.tr("&New time:"), self.when)
        self._add_buttons()

    def start(self) -> datetime:
        """The time chosen, aware, in the zone of the time it started from."""
        value = self.when.dateTime()
        clock = value.time()
        return local_datetime(value.date().toPython(), clock.hour(), clock.minute(),
                              self.tz)  # type: ignore[arg-type]
