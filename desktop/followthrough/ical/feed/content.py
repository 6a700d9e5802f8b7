"""What the feed is: the secret token in its URL, its media type, and the feed's error.

The token is made once and kept in the store's database, so the URL a calendar subscribed to
keeps working across restarts until the user asks for a new one.
"""

from __future__ import annotations

import secrets

from followthrough.core.model import ValidationError
from followthrough.store import Store

TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 32 characters, 192 random bits
CONTENT_TYPE = "text/calendar; charset=utf-8"


class FeedError(ValidationError):
    """The feed could not be served or published; the message is one sentence."""


def feed_token(store: Store, *, renew: bool = False) -> str:
    """The feed URL's secret part, made on first use and kept in the store's database.

    With `renew`, a new token replaces the old one: every URL given out so far stops working.
    """
    with store.transaction() as conn:
        row = None if renew else conn.execute("SELECT token FROM feed LIMIT 1").fetchone()
        if row is not None and row[0]:
            return str(row[0])
        token = secrets.token_urlsafe(TOKEN_BYTES)
        conn.execute("DELETE FROM feed")
        conn.execute("INSERT INTO feed (token) VALUES (?)", (token,))
    return token
