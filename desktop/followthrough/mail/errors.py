"""What goes wrong with a mail account or a mail check, as one sentence (no Qt)."""

from __future__ import annotations

from followthrough.core.model import ValidationError


class MailError(ValidationError):
    """A mail account or check problem the user can fix; the message is one sentence.

    A check that stops keeps what it read before: the next one goes on from there."""
