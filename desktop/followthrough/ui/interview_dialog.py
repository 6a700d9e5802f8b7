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
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
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
from followthrough.core.zones import countries, zone_country
from followthrough.ui.choices import choose_data, searchable
from followthrough.ui.date_fields import DateField, DateTimeField
from followthrough.ui.people_table import fit_columns, mark_main_contact, move_to_top

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
        self._touched = interview is not None
        self.setWindowTitle(self.tr("Edit interview") if interview else self.tr("New interview"))
        self.setMinimumWidth(560)

        # -- the interview --------------------------------------------------------------------
        self.company = QLineEdit(self)
        self.company.setPlaceholderText(self.tr("Acme Analytics"))
        self.role = QLineEdit(self)
        self.role.setPlaceholderText(self.tr("Data engineer"))
        self.start = DateTimeField(self)  # typed and shown as everywhere: 2027-01-05 09:30
        self.end = DateTimeField(self)
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
        self.country = QComboBox(self)  # the employer's, for its public holidays, by name
        self.country.addItem("", "")  # the time zone's country: named in validate()
        for code, name in sorted(countries().items(), key=lambda item: item[1]):
            self.country.addItem(name, code)
        searchable(self.country)
        self.country.setToolTip(self.tr(
            "The employer's country: its public holidays are days they do not work. Type any "
            "part of its name; the first choice is the country of the time zone."
        ))

        # -- interviewers ---------------------------------------------------------------------
        self.people = QTableWidget(0, 4, self)
        self.people.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Title"), self.tr("Email"), self.tr("Phone")]
        )
        self.people.verticalHeader().hide()
        fit_columns(self.people, {self.TITLE: 12, self.PHONE: 15})  # name and email: the rest
        self.people.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.people.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.people.setMinimumHeight(110)
        self.add_person = QPushButton(self.tr("&Add interviewer"), self)
        self.remove_person = QPushButton(self.tr("&Remove"), self)
        self.main_person = QPushButton(self.tr("Make main &contact"), self)
        self.main_person.setToolTip(self.tr("The selected interviewer becomes the main contact"))

        # -- what shapes the plan ---------------------------------------------------------
        self.has_decision = QCheckBox(self.tr("They named a &decision date:"), self)
        self.decision = DateField(self)
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

        # -- what to mention (to everyone, or to one interviewer) -----------------------------
        self.mention_for = QComboBox(self)
        self.mention_note = QLabel(self)
        self.mention_note.setWordWrap(True)
        self.mention_note.setTextFormat(Qt.TextFormat.PlainText)
        # Per interviewer key ('' for everyone): the topics and points typed, while another
        # is shown in the boxes.
        self._mentions: dict[str, tuple[str, str]] = {}
        self._mention_key = ""
        self.topics = QPlainTextEdit(self)
        self.topics.setPlaceholderText(self.tr("One per line: what you talked about"))
        self.clarify = QPlainTextEdit(self)
        self.clarify.setPlaceholderText(
            self.tr("One per line: an answer to readdress, a detail you forgot")
        )
        self.notes = QPlainTextEdit(self)
        self.postal_address = QPlainTextEdit(self)
        self.postal_address.setPlaceholderText(
            self.tr("For the handwritten note: the address as on the envelope")
        )
        self.postal_address.setMaximumHeight(90)
        for edit in (self.topics, self.clarify, self.notes, self.postal_address):
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
        people_buttons.addWidget(self.main_person)
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
        plan_form.addRow(self.tr("&What to mention to:"), self.mention_for)
        plan_form.addRow(self.mention_note)
        plan_form.addRow(self.tr("To&pics:"), self.topics)
        plan_form.addRow(self.tr("Points to c&larify:"), self.clarify)
        plan_form.addRow(self.tr("&Notes:"), self.notes)
        plan_form.addRow(self.tr("Postal &address:"), self.postal_address)
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
            (self.mention_for, self.tr("What to mention to")),
            (self.postal_address, self.tr("Postal address")),
        ):
            widget.setAccessibleName(name)

        self._load(interview, default_zone, today or date.today())

        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.add_person.clicked.connect(self._add_and_edit)
        self.main_person.clicked.connect(self.make_main_contact)
        mark_main_contact(self.people)
        for rows_changed in (self.people.model().rowsInserted, self.people.model().rowsRemoved):
            rows_changed.connect(lambda *_args: mark_main_contact(self.people))
        self.people.currentCellChanged.connect(
            lambda row, *_args: self.main_person.setEnabled(row > 0)
        )
        self.main_person.setEnabled(False)
        self.remove_person.clicked.connect(self.remove_interviewer_row)
        self.mention_for.currentIndexChanged.connect(self._show_mentions)
        self.people.itemChanged.connect(self._refresh_mention_for)
        self.has_decision.toggled.connect(self.decision.setEnabled)
        self._previous_start = self.start.dateTime()
        self.start.dateTimeChanged.connect(self._start_changed)
        for signal in (
            self.company.textChanged, self.role.textChanged, self.end.dateTimeChanged,
            self.zone.currentTextChanged, self.zone.editTextChanged, self.location.textChanged,
            self.people.itemChanged, self.has_decision.toggled, self.decision.dateChanged,
            self.topics.textChanged, self.clarify.textChanged, self.notes.textChanged,
            self.round.valueChanged, self.channel.currentIndexChanged,
            self.country.currentIndexChanged, self.postal_address.textChanged,
            self.pace.currentIndexChanged, self.playbook.currentIndexChanged,
        ):
            signal.connect(self.validate)
        self.validate()
        self.company.setFocus()
        self.adjustSize()
        self.resize(max(self.width(), 720), self.height())  # a name and an email read whole

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
        choose_data(self.country, interview.country)
        for person in interview.interviewers:
            self._mentions[person.key] = ("\n".join(person.topics), "\n".join(person.clarify))
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
        self.postal_address.setPlainText(interview.postal_address)

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
        self._refresh_mention_for()
        self.validate()

    def _add_and_edit(self) -> None:
        """Add Interviewer: a new row, its name being typed."""
        self.add_interviewer_row()
        self.people.editItem(self.people.item(self.people.rowCount() - 1, self.NAME))

    def make_main_contact(self) -> None:
        """The selected interviewer becomes the first, the main contact."""
        move_to_top(self.people, self.people.currentRow())
        self.people.setCurrentCell(0, self.NAME)
        self._refresh_mention_for()
        self.validate()

    def remove_interviewer_row(self) -> None:
        row = self.people.currentRow()
        if row < 0 or self.people.rowCount() <= 1:
            return
        self.people.removeRow(row)
        self.remove_person.setEnabled(self.people.rowCount() > 1)
        self._refresh_mention_for()
        self.validate()

    def _row_key(self, row: int) -> str:
        item = self.people.item(row, self.NAME)
        return str(item.data(_KEY_ROLE)) if item is not None else f"p{row + 1}"

    def _cell(self, row: int, column: int) -> str:
        item = self.people.item(row, column)
        return item.text() if item is not None else ""

    def interviewers(self) -> tuple[Interviewer, ...]:
        mentions = self._mention_texts()
        return tuple(
            Interviewer(
                name=self._cell(row, self.NAME),
                title=self._cell(row, self.TITLE),
                email=self._cell(row, self.EMAIL),
                phone=self._cell(row, self.PHONE),
                key=self._row_key(row),
                topics=_lines(mentions.get(self._row_key(row), ("", ""))[0]),
                clarify=_lines(mentions.get(self._row_key(row), ("", ""))[1]),
            )
            for row in range(self.people.rowCount())
        )

    # -- what to mention to whom ----------------------------------------------------------
    def _mention_texts(self) -> dict[str, tuple[str, str]]:
        """The topics and points typed for everyone ('') and for each interviewer's key."""
        texts = dict(self._mentions)
        texts[self._mention_key] = (self.topics.toPlainText(), self.clarify.toPlainText())
        return texts

    def _refresh_mention_for(self) -> None:
        """The choice of whom the boxes are for: everyone, then each interviewer by name."""
        with QSignalBlocker(self.mention_for):
            self.mention_for.clear()
            self.mention_for.addItem(self.tr("Everyone"), "")
            for row in range(self.people.rowCount()):
                name = self._cell(row, self.NAME).strip() or self.tr("Interviewer {n}").format(
                    n=row + 1
                )
                self.mention_for.addItem(name, self._row_key(row))
            found = self.mention_for.findData(self._mention_key)
            self.mention_for.setCurrentIndex(max(0, found))
        if found < 0:  # the interviewer shown was removed: show everyone's
            self._show_mentions()
        else:
            self._say_mentions()

    def _show_mentions(self) -> None:
        """Keep what the boxes hold, and show the chosen person's (or everyone's) instead."""
        self._mentions = self._mention_texts()
        self._mention_key = str(self.mention_for.currentData() or "")
        topics, clarify = self._mentions.get(self._mention_key, ("", ""))
        self.topics.setPlainText(topics)
        self.clarify.setPlainText(clarify)
        self._say_mentions()

    def _say_mentions(self) -> None:
        if self._mention_key:
            note = self.tr(
                "Mentioned to {name} only: these topics instead of everyone's, and these "
                "points to clarify."
            ).format(name=self.mention_for.currentText())
        else:
            note = self.tr(
                "Topics for every interviewer without topics of their own; points to clarify "
                "with the main contact (the first interviewer). Choose a person to address "
                "them to someone else."
            )
        self.mention_note.setText(note)

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
        everyone = self._mention_texts().get("", ("", ""))
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
            topics=_lines(everyone[0]),
            clarify=_lines(everyone[1]),
            notes=self.notes.toPlainText(),
            location=self.location.text(),
            postal_address=self.postal_address.toPlainText(),
            country=str(self.country.currentData() or ""),
        )
        if base is not None:
            interview = replace(
                interview,
                created=base.created,
                source_uid=base.source_uid,
                application=base.application,  # an edited round stays in its application
            )
        return interview.validated()

    def validate(self) -> bool:
        if self.sender() is not None:  # a change of the user's: problems are said from now on
            self._touched = True
        code = zone_country(self.zone.currentText().strip())
        self.country.setItemText(0, (
            self.tr("From the time zone: {name}").format(name=countries().get(code, code))
            if code else self.tr("None from the time zone")
        ))
        try:
            self._result = self.build()
        except ValidationError as error:
            self._result = None
            self.problem.setText(str(error))
            self.problem.setVisible(self._touched)  # nothing is wrong before anything typed
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
