"""Settings > Working time: the country and region of the public holidays, the time zone,
the working day, the hours the people written to work (in the interview's zone), the default
playbook, whether the optional steps are planned and whether a day's steps are spread."""

from __future__ import annotations

import zoneinfo

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QTimeEdit,
    QWidget,
)

from followthrough.core.settings import country_codes, country_names, subdivision_names
from followthrough.ui.choices import searchable


class WorkingTimePage:
    """The Working time tab of SettingsDialog (mixed into it)."""

    def _work_tab(self) -> None:
        page = QWidget(self)
        form = QFormLayout(page)
        country = QComboBox(page)
        country.setAccessibleName(self.tr("Country for public holidays"))
        country.addItem(self.tr("(none: no public holidays)"), "")
        names = country_names()
        for code in sorted(country_codes(include_aliases=False), key=lambda c: names.get(c, c)):
            country.addItem(names.get(code, code), code)
        searchable(country)
        form.addRow(self.tr("Country (holidays)"), country)
        region = QComboBox(page)
        region.setAccessibleName(self.tr("Region for public holidays"))
        form.addRow(self.tr("Region"), region)
        country.currentIndexChanged.connect(self._fill_regions)
        zone = QComboBox(page)
        zone.setEditable(True)
        zone.setAccessibleName(self.tr("Time zone"))
        names = sorted(zoneinfo.available_timezones())
        zone.addItems(names)
        completer = QCompleter(QStringListModel(names, zone), zone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        zone.setCompleter(completer)
        form.addRow(self.tr("Time zone"), zone)
        start, end = QTimeEdit(page), QTimeEdit(page)
        for edit, name in ((start, "Working day starts"), (end, "Working day ends")):
            edit.setDisplayFormat("HH:mm")
            edit.setAccessibleName(self.tr(name))
        form.addRow(self.tr("Working day starts"), start)
        form.addRow(self.tr("Working day ends"), end)
        their_start, their_end = QTimeEdit(page), QTimeEdit(page)
        for edit, name in (
            (their_start, "Their working day starts"),
            (their_end, "Their working day ends"),
        ):
            edit.setDisplayFormat("HH:mm")
            edit.setAccessibleName(self.tr(name))
            edit.setToolTip(
                self.tr("The people you write to, in the interview's time zone and country")
            )
            form.addRow(self.tr(name), edit)
        playbook = QComboBox(page)
        playbook.setAccessibleName(self.tr("Default playbook"))
        for book in sorted(self.store.library.playbooks.values(), key=lambda b: b.name):
            playbook.addItem(book.name, book.id)
        form.addRow(self.tr("Default playbook"), playbook)
        optional = QCheckBox(self.tr("Plan the optional steps (a handwritten note, ...)"), page)
        form.addRow("", optional)
        spread = QCheckBox(self.tr("Spread a day's steps over the morning"), page)
        spread.setToolTip(self.tr("Unchecked, every step of a day starts when your day does"))
        form.addRow("", spread)
        self.fields.update(
            {
                "country": country,
                "subdivision": region,
                "timezone": zone,
                "work-start": start,
                "work-end": end,
                "playbook": playbook,
                "optional-steps": optional,
                "recipient-start": their_start,
                "recipient-end": their_end,
                "spread-steps": spread,
            }
        )
        self.tabs.addTab(page, self.tr("Working time"))

    def _fill_regions(self) -> None:
        region = self.fields["subdivision"]
        assert isinstance(region, QComboBox)
        keep = region.currentData()
        region.clear()
        region.addItem(self.tr("(whole country)"), "")
        code = self.fields["country"]
        assert isinstance(code, QComboBox)
        names = subdivision_names(str(code.currentData() or ""))
        for sub in sorted(names, key=lambda s: names[s].casefold()):
            region.addItem(names[sub], sub)
        index = region.findData(keep)
        region.setCurrentIndex(max(index, 0))
