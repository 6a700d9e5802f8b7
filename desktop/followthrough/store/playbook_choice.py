"""Which playbook plans an interview, from the built-in ones and the user's files, read when
first needed: the window's first paint needs none (open_store(read_playbooks=False)).

A mixin of `Store` (store.db).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from followthrough.core.model import Interview, ValidationError
from followthrough.store.records import StoreError

if TYPE_CHECKING:
    from followthrough.core.playbooks import Playbook, PlaybookLibrary
    from followthrough.store.db import Store


class Playbooks:
    """`Store`'s playbooks."""

    _library: PlaybookLibrary | Callable[[], PlaybookLibrary]  # or what reads it

    @property
    def library(self) -> PlaybookLibrary:
        """The built-in and the user's playbooks (read now if they were left for later)."""
        library = self._library
        if callable(library):
            library = self._library = library()
        return library

    def playbook_warnings(self) -> list[str]:
        """What was wrong with the user's playbook files (each file with an error is left
        out of the library)."""
        return [str(error) for error in self.library.errors]

    def playbook_for(self, interview: Interview) -> Playbook:
        """The interview's playbook, else the user's default, else Standard."""
        for name in (interview.playbook, cast("Store", self).settings().playbook, "standard"):
            if name:
                try:
                    return self.library.get(name)  # by id or by display name
                except ValidationError:
                    continue
        if not self.library.playbooks:
            raise StoreError("No playbook could be read; reinstall Followthrough.")
        return next(iter(self.library.playbooks.values()))

    def check_playbook(self, interview: Interview) -> None:
        if interview.playbook:
            self.library.get(interview.playbook)


def read_library(folder: Path) -> PlaybookLibrary:
    """The built-in playbooks and the user's (in the data folder's `playbooks`)."""
    from followthrough.core.playbooks import PlaybookLibrary
    from followthrough.resources import resource_path

    return PlaybookLibrary.load(resource_path("playbooks"), folder / "playbooks")
