"""The New / Edit interview dialog, checked as the user types by the model's own validation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QSignalBlocker, Qt, QTime
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from followthrough.core.model import (
    Channel,
    Interview,
    Interviewer,
    Pace,
    ValidationError,
    known_zones,
    local_datetime,
    next_interviewer_key,
    zone,
)
from followthrough.core.zones import zone_country

_KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class InterviewDialog(QDialog):
    """Ask for an interview's details; `interview()` gives the validated result.

    `playbooks` are (id, display name) pairs; `default_zone` is the user's zone, preselected
    for a new interview. Nothing is stored here: the caller adds or updates the interview.
    """

    NAME, TITLE, EMAIL, PHONE = range(4)

    def __init__(
        self,
        default_zone: str,
        playbooks: Sequence[tuple[str, str]] = (),
        interview: Interview | None = None,
        parent: QWidget | None = None,
        *,
        default_playbook: str = "",
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.original = interview
        self._result: Interview | None = None
        self.setWindowTitle(self.tr("Edit interview") if interview else self.tr("New interview"))
        self.setMinimumWidth(560)

        # -- the interview --------------------------------------------------------------------
        self.company = QLineEdit(self)
        self.company.setPlaceholderText(self.tr("Acme Analytics"))
        self.role = QLineEdit(self)
        self.role.setPlaceholderText(self.tr("Data engineer"))
        self.start = QDateTimeEdit(self)
        self.end = QDateTimeEdit(self)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.zone = QComboBox(self)
        self.zone.setEditable(True)
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone.addItems(known_zones())
        completer = QCompleter(known_zones(), self.zone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone.setCompleter(completer)
        self.channel = QComboBox(self)
        for value, label in (
            (Channel.VIDEO, self.tr("Video call")),
            (Channel.IN_PERSON, self.tr("In person")),
            (Channel.PHONE, self.tr("Phone")),
            (Channel.EMAIL, self.tr("Email")),
        ):
            self.channel.addItem(label, value.value)
        self.round = QSpinBox(self)
        self.round.setRange(1, 20)
        self.location = QLineEdit(self)
        self.location.setPlaceholderText(self.tr("Address or meeting link"))
        self.country = QLineEdit(self)  # the employer's, for its public holidays
        self.country.setMaxLength(2)
        self.country.setToolTip(self.tr(
            "The employer's country (ISO 3166 code, like US): its public holidays are days "
            "they do not work. Empty: the country of the time zone."
        ))

        # -- interviewers ---------------------------------------------------------------------
        self.people = QTableWidget(0, 4, self)
        self.people.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Title"), self.tr("Email"), self.tr("Phone")]
        )
        self.people.verticalHeader().hide()
        self.people.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.people.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.people.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.people.setMinimumHeight(110)
        self.add_person = QPushButton(self.tr("&Add interviewer"), self)
        self.remove_person = QPushButton(self.tr("&Remove"), self)

        # -- what shapes the plan ---------------------------------------------------------
        self.has_decision = QCheckBox(self.tr("They named a &decision date:"), self)
        self.decision = QDateEdit(self)
        self.decision.setCalendarPopup(True)
        self.decision.setDisplayFormat("yyyy-MM-dd")
        self.pace = QComboBox(self)
        for value, label in (
            (Pace.STANDARD, self.tr("Standard")),
            (Pace.FAST, self.tr("Fast-paced")),
            (Pace.SLOW, self.tr("Slow / corporate")),
        ):
            self.pace.addItem(label, value.value)
        self.playbook = QComboBox(self)
        default_name = dict(playbooks).get(default_playbook, default_playbook)
        self.playbook.addItem(
            self.tr("Default ({name})").format(name=default_name) if default_name
            else self.tr("Default"), ""
        )
        for ident, name in playbooks:
            self.playbook.addItem(name, ident)

        # -- what to mention -------------------------------------------------------------
        self.topics = QPlainTextEdit(self)
        self.topics.setPlaceholderText(self.tr("One per line: what you talked about"))
        self.clarify = QPlainTextEdit(self)
        self.clarify.setPlaceholderText(
            self.tr("One per line: an answer to readdress, a detail you forgot")
        )
        self.notes = QPlainTextEdit(self)
        for edit in (self.topics, self.clarify, self.notes):
            edit.setTabChangesFocus(True)

        # -- layout -----------------------------------------------------------------------
        tabs = QTabWidget(self)
        main = QWidget(tabs)
        form = QFormLayout(main)
        form.addRow(self.tr("&Company:"), self.company)
        form.addRow(self.tr("R&ole:"), self.role)
        form.addRow(self.tr("&Start:"), self.start)
        form.addRow(self.tr("&End:"), self.end)
        form.addRow(self.tr("&Time zone:"), self.zone)
        form.addRow(self.tr("Countr&y:"), self.country)
        form.addRow(self.tr("C&hannel:"), self.channel)
        form.addRow(self.tr("Ro&und:"), self.round)
        form.addRow(self.tr("&Location:"), self.location)
        people_row = QVBoxLayout()
        people_row.addWidget(self.people)
        people_buttons = QHBoxLayout()
        people_buttons.addWidget(self.add_person)
        people_buttons.addWidget(self.remove_person)
        people_buttons.addStretch(1)
        people_row.addLayout(people_buttons)
        form.addRow(self.tr("Interviewers:"), people_row)
        tabs.addTab(main, self.tr("&Interview"))

        plan = QWidget(tabs)
        plan_form = QFormLayout(plan)
        decision_row = QHBoxLayout()
        decision_row.addWidget(self.has_decision)
        decision_row.addWidget(self.decision, 1)
        plan_form.addRow(decision_row)
        plan_form.addRow(self.tr("&Pace:"), self.pace)
        plan_form.addRow(self.tr("Play&book:"), self.playbook)
        plan_form.addRow(self.tr("To&pics:"), self.topics)
        plan_form.addRow(self.tr("Points to c&larify:"), self.clarify)
        plan_form.addRow(self.tr("&Notes:"), self.notes)
        tabs.addTab(plan, self.tr("Follow-up &plan"))

        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setAccessibleName(self.tr("Problem"))
        palette = self.problem.palette()
        palette.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.darkRed
                         if self.palette().color(QPalette.ColorRole.Window).lightnessF() > 0.5
                         else Qt.GlobalColor.red)
        self.problem.setPalette(palette)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Save") if interview else self.tr("Add interview"))
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        for widget, name in (
            (self.company, self.tr("Company")),
            (self.role, self.tr("Role")),
            (self.start, self.tr("Start")),
            (self.end, self.tr("End")),
            (self.zone, self.tr("Time zone")),
            (self.country, self.tr("Employer's country")),
            (self.channel, self.tr("Channel so far")),
            (self.round, self.tr("Round")),
            (self.location, self.tr("Location")),
            (self.people, self.tr("Interviewers")),
            (self.decision, self.tr("Decision date")),
            (self.pace, self.tr("Pace")),
            (self.playbook, self.tr("Playbook")),
            (self.topics, self.tr("Topics")),
            (self.clarify, self.tr("Points to clarify")),
            (self.notes, self.tr("Notes")),
        ):
            widget.setAccessibleName(name)

        self._load(interview, default_zone, today or date.today())

        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.add_person.clicked.connect(self.add_interviewer_row)
        self.remove_person.clicked.connect(self.remove_interviewer_row)
        self.has_decision.toggled.connect(self.decision.setEnabled)
        self._previous_start = self.start.dateTime()
        self.start.dateTimeChanged.connect(self._start_changed)
        for signal in (
            self.company.textChanged, self.role.textChanged, self.end.dateTimeChanged,
            self.zone.currentTextChanged, self.zone.editTextChanged, self.location.textChanged,
            self.people.itemChanged, self.has_decision.toggled, self.decision.dateChanged,
            self.topics.textChanged, self.clarify.textChanged, self.notes.textChanged,
            self.round.valueChanged, self.channel.currentIndexChanged, self.country.textChanged,
            self.pace.currentIndexChanged, self.playbook.currentIndexChanged,
        ):
            signal.connect(self.validate)
        self.validate()
        self.company.setFocus()

    @classmethod
    def for_store(
        cls, store: Any, interview: Interview | None = None, parent: QWidget | None = None
    ) -> InterviewDialog:
        """A dialog with the store's playbooks and the user's zone."""
        settings = store.settings()
        books = sorted(
            ((ident, book.name) for ident, book in store.library.playbooks.items()),
            key=lambda pair: pair[1].lower(),
        )
        return cls(settings.timezone, books, interview, parent,
                   default_playbook=settings.playbook)

    # -- loading ------------------------------------------------------------------------
    def _load(self, interview: Interview | None, default_zone: str, today: date) -> None:
        if interview is None:
            start = QDateTime(QDate(today), QTime(10, 0))
            self.start.setDateTime(start)
            self.end.setDateTime(start.addSecs(3600))
            self._set_zone(default_zone)
            self.decision.setDate(QDate(today).addDays(14))
            self.decision.setEnabled(False)
            self.add_interviewer_row()
            return
        tz = zone(interview.tz)
        start = interview.start.astimezone(tz)
        end = interview.end.astimezone(tz)
        self.company.setText(interview.company)
        self.role.setText(interview.role)
        self.start.setDateTime(QDateTime(QDate(start.date()), QTime(start.hour, start.minute)))
        self.end.setDateTime(QDateTime(QDate(end.date()), QTime(end.hour, end.minute)))
        self._set_zone(interview.tz)
        self.channel.setCurrentIndex(max(0, self.channel.findData(interview.channel.value)))
        self.round.setValue(interview.round)
        self.location.setText(interview.location)
        self.country.setText(interview.country)
        for person in interview.interviewers:
            self.add_interviewer_row(person)
        self.has_decision.setChecked(interview.decision_date is not None)
        self.decision.setEnabled(interview.decision_date is not None)
        self.decision.setDate(QDate(interview.decision_date or start.date() + timedelta(days=14)))
        self.pace.setCurrentIndex(max(0, self.pace.findData(interview.pace.value)))
        found = self.playbook.findData(interview.playbook)
        if found < 0 and interview.playbook:
            self.playbook.addItem(interview.playbook, interview.playbook)
            found = self.playbook.count() - 1
        self.playbook.setCurrentIndex(max(0, found))
        self.topics.setPlainText("\n".join(interview.topics))
        self.clarify.setPlainText("\n".join(interview.clarify))
        self.notes.setPlainText(interview.notes)

    def _set_zone(self, name: str) -> None:
        found = self.zone.findText(name)
        if found >= 0:
            self.zone.setCurrentIndex(found)
        else:
            self.zone.setEditText(name)

    # -- interviewers ---------------------------------------------------------------------
    def add_interviewer_row(self, person: Interviewer | None = None) -> None:
        if not isinstance(person, Interviewer):
            person = None  # clicked(bool) passes a flag
        blocker = QSignalBlocker(self.people)
        row = self.people.rowCount()
        self.people.insertRow(row)
        keys = [self._row_key(r) for r in range(row)]
        key = person.key if person else next_interviewer_key(
            [Interviewer(name="", key=k) for k in keys]
        )
        values = (
            (person.name, person.title, person.email, person.phone) if person else ("",) * 4
        )
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if column == self.NAME:
                item.setData(_KEY_ROLE, key)
            self.people.setItem(row, column, item)
        del blocker
        if person is None:
            self.people.setCurrentCell(row, self.NAME)
        self.remove_person.setEnabled(self.people.rowCount() > 1)
        self.validate()

    def remove_interviewer_row(self) -> None:
        row = self.people.currentRow()
        if row < 0 or self.people.rowCount() <= 1:
            return
        self.people.removeRow(row)
        self.remove_person.setEnabled(self.people.rowCount() > 1)
        self.validate()

    def _row_key(self, row: int) -> str:
        item = self.people.item(row, self.NAME)
        return str(item.data(_KEY_ROLE)) if item is not None else f"p{row + 1}"

    def _cell(self, row: int, column: int) -> str:
        item = self.people.item(row, column)
        return item.text() if item is not None else ""

    def interviewers(self) -> tuple[Interviewer, ...]:
        return tuple(
            Interviewer(
                name=self._cell(row, self.NAME),
                title=self._cell(row, self.TITLE),
                email=self._cell(row, self.EMAIL),
                phone=self._cell(row, self.PHONE),
                key=self._row_key(row),
            )
            for row in range(self.people.rowCount())
        )

    # -- checking -------------------------------------------------------------------------
    def _start_changed(self, value: QDateTime) -> None:
        """Moving the start keeps the interview's length."""
        length = self._previous_start.secsTo(self.end.dateTime())
        self._previous_start = value
        if length > 0:
            with QSignalBlocker(self.end):
                self.end.setDateTime(value.addSecs(length))
        self.validate()

    def _moment(self, edit: QDateTimeEdit, tz_name: str) -> datetime:
        value = edit.dateTime()
        day = value.date().toPython()
        clock = value.time()
        return local_datetime(day, clock.hour(), clock.minute(), zone(tz_name))

    def build(self) -> Interview:
        """The interview as entered, validated; raises ValidationError naming the first problem."""
        tz_name = self.zone.currentText().strip()
        zone(tz_name)
        base = self.original
        interview = Interview(
            id=base.id if base else "",
            company=self.company.text(),
            role=self.role.text(),
            interviewers=self.interviewers(),
            start=self._moment(self.start, tz_name),
            end=self._moment(self.end, tz_name),
            tz=tz_name,
            channel=Channel(str(self.channel.currentData())),
            decision_date=self.decision.date().toPython() if self.has_decision.isChecked()
            else None,
            pace=Pace(str(self.pace.currentData())),
            playbook=str(self.playbook.currentData() or ""),
            round=self.round.value(),
            topics=_lines(self.topics.toPlainText()),
            clarify=_lines(self.clarify.toPlainText()),
            notes=self.notes.toPlainText(),
            location=self.location.text(),
            country=self.country.text(),
        )
        if base is not None:
            interview = replace(interview, created=base.created, source_uid=base.source_uid)
        return interview.validated()

    def validate(self) -> bool:
        code = zone_country(self.zone.currentText().strip())
        self.country.setPlaceholderText(
            self.tr("From the time zone: {code}").format(code=code) if code
            else self.tr("None from the time zone")
        )
        try:
            self._result = self.build()
        except ValidationError as error:
            self._result = None
            self.problem.setText(str(error))
            self.problem.show()
            self.ok_button.setEnabled(False)
            return False
        self.problem.setText("")
        self.problem.hide()
        self.ok_button.setEnabled(True)
        return True

    def interview(self) -> Interview:
        """The validated interview (call after the dialog was accepted)."""
        if self._result is None:
            self._result = self.build()
        return self._result

    def accept(self) -> None:
        if self.validate():
            super().accept()
