"""One form of an href, so that hrefs from any server, and from our own records, compare (no Qt).

Servers write the same resource's href differently in their answers: percent-encoded or not
(`%40` or `@`), as an absolute URL or a path, with or without a trailing slash, with upper-
or lower-case escapes. `canonical_href` turns any of these into one form: the path alone, each
segment percent-decoded and encoded again the one way `quote(segment, safe="@")` does (an
escaped slash inside a name stays escaped, so it is never taken for a separator), without a
trailing slash. Every href a sync lists, fetches, compares or records is in this form; the
request URL is the calendar's URL joined with it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, unquote, urljoin, urlsplit

SAFE = "@"  # kept as it is in a segment, besides letters, digits and "_.-~"


# A path already in the one form: from the root, of characters quote() keeps, no escapes and
# no dot segments. Most servers write every href so: it is taken as it is (a listing of
# thousands of events spent most of its own time joining and re-quoting such hrefs).
_PLAIN = re.compile(r"/(?![/.])(?:[A-Za-z0-9_~@-]|\.(?!\.?(?:/|$))|/(?![/.]))*")


@lru_cache(maxsize=1 << 16)
def canonical_href(href: str, base: str = "") -> str:
    """`href` (relative to `base`, the calendar's URL, when not absolute) in the one form
    that compares: see the module's description."""
    if _PLAIN.fullmatch(href):
        return href.rstrip("/") or "/"
    return joined_href(href, base)


def joined_href(href: str, base: str) -> str:
    """`canonical_href` the long way, for any href: joined with `base`, each segment decoded
    and encoded again."""
    path = urlsplit(urljoin(base, href.strip())).path or "/"
    segments = [
        quote(unquote(segment, errors="surrogateescape"), safe=SAFE, errors="surrogateescape")
        for segment in path.split("/")
    ]
    return "/".join(segments).rstrip("/") or "/"
