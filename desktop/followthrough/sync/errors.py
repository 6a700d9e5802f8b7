"""What goes wrong with a CalDAV account or a sync, as one sentence the user can act on (no Qt).

Every module of the sync package raises these, so this one imports none of them.
"""

from __future__ import annotations

from followthrough.core.model import ValidationError


class AccountError(ValidationError):
    """A CalDAV account problem the user can fix; the message is one sentence."""


class SyncError(AccountError):
    """A sync could not finish; what was confirmed by the server before is kept."""


class MassDeleteError(SyncError):
    """The sync would delete more than half of the events: nothing was deleted; confirm."""

    def __init__(self, where: str, count: int, total: int) -> None:
        self.count, self.total = count, total
        super().__init__(
            f"This sync would delete {count} of the {total} synced events {where}, more than "
            "half of them, so it stopped before deleting anything; run it again with "
            "--allow-deletes (or confirm in the window) if that is what you want."
        )
