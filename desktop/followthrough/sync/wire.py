"""The WebDAV/CalDAV requests a sync sends, counted, with every answer checked (no Qt).

`DavSession` wraps one account's calendar (`open_session` opens a saved account's): it counts
requests (the benchmark prints them), turns transport and HTTP errors into one sentence, and
speaks the three listings a sync needs:

* RFC 6578 sync-collection with a stored token (what changed since) or an empty one (all);
* PROPFIND Depth 1 of ETags, for servers without sync-collection;
* RFC 4791 calendar-multiget, to fetch many events in one request.

Every href these give, and every href a sync sends or records, is in the one form of
`hrefs.canonical_href` (servers write hrefs in different ways); a request's URL is the
calendar's URL joined with it.

Server quirks, as caldav's compatibility hints (caldav.compatibility_hints) list them, are met
here: a token the server no longer knows is refused with DAV:valid-sync-token and 403 (412 on
Xandikos, 409 on some, or 500 without the precondition); each of these starts a full listing.
A server that answers a stale token with everything (Stalwart) or with more than changed
("fragile") costs only bandwidth: ETags decide what is fetched. Servers that forget to report
deletions (older Nextcloud) are caught by a full listing once a day (see pull.FULL_EVERY).

What a server sends is bounded before anything reads it: each request has one deadline that
covers connecting and the whole answer (a server that drips its answer is cut off): the
account's timeout for a small request (a GET, PUT or DELETE), LONG_TIMEOUT for a listing or a
multiget, whose time grows with the calendar (a slow server lists 40,000 events in 30 s); while
a long request waits, the session's `progress` hears what it waits for every PROGRESS_EVERY
seconds, and how far a fetch of several multigets got after each. An answer held in memory
is at most ANSWER_LIMIT bytes, a redirect is followed only within the account's origin and
never from https to http, and XML is read by a parser that refuses DTDs and entities
(defusedxml). Each of these is one sentence (SyncError). A multiget
answer that is not XML at all is asked again event by event, so one unreadable event is left
out (the pull warns) instead of failing every sync.
"""

from __future__ import annotations

import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin, urlsplit
from xml.sax.saxutils import escape

from followthrough.core.text import shown
from followthrough.store import Store
from followthrough.sync.accounts import Account, get_account
from followthrough.sync.calendars import calendar_for
from followthrough.sync.connection import explain
from followthrough.sync.errors import SyncError
from followthrough.sync.hrefs import SAFE, canonical_href

if TYPE_CHECKING:
    from caldav.collection import Calendar
    from caldav.davclient import DAVClient
    from caldav.response import DAVResponse

OK = (200, 201, 204, 207)
_DAV = "{DAV:}"
_CALDAV = "{urn:ietf:params:xml:ns:caldav}"
_XML = '<?xml version="1.0" encoding="utf-8"?>\n'
MULTIGET_BATCH = 250  # hrefs per calendar-multiget: big enough for speed, small for servers
ANSWER_LIMIT = 100 * 1024 * 1024  # bytes of one answer held in memory (a multiget of a batch)
REDIRECTS = 5  # redirects followed for one request, all within the account's origin
LONG_TIMEOUT = 120.0  # seconds for a listing or a multiget (at least the account's timeout)
PROGRESS_EVERY = 5.0  # seconds between the progress reports of a long request
_CHUNK = 1 << 14  # bytes read at a time (decompressed, so a zip bomb grows by little at once)
_REDIRECT = (301, 302, 303, 307, 308)


class NotXML(SyncError):
    """The server's answer is not well-formed XML."""


@dataclass
class Listing:
    """What a listing of the calendar found: resources with their ETags, and removals."""

    etags: dict[str, str] = field(default_factory=dict)  # canonical href -> ETag
    removed: set[str] = field(default_factory=set)  # hrefs (only in an incremental listing)
    token: str = ""  # the sync token to store ("" when the server gives none)
    full: bool = True  # every resource is listed: what is not listed is gone


def normal_etag(value: str) -> str:
    """An ETag as compared: weak and strong forms of the same tag are the same here."""
    value = value.strip()
    return value[2:] if value.startswith("W/") else value


class DavSession:
    """One account's calendar, with every request counted and errors made sentences."""

    def __init__(
        self,
        calendar: Calendar,
        account: Account,
        timeout: float,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.calendar = calendar
        client = calendar.client
        if client is None:  # pragma: no cover - calendar_for always gives a client
            raise SyncError(f"No connection to {account.origin}.")
        self.client: DAVClient = client
        self.account = account
        self.timeout = timeout  # seconds for a small request
        self.limit = timeout  # seconds for the request under way (what a timeout error says)
        self.progress = progress
        self.requests = 0
        self.waited = 0.0  # seconds spent waiting for the server's answers
        base = str(calendar.url)
        self.base = base if base.endswith("/") else base + "/"
        self._members = canonical_href(self.base).rstrip("/") + "/"  # what members start with
        self.deadline = 0.0  # time.monotonic() by which the request under way must be done
        self.late = False  # the deadline cut the request under way
        self.body = b""  # the last answer's body, as read
        original: Callable[..., DAVResponse] = self.client.request

        def counted(*args: Any, **kwargs: Any) -> DAVResponse:
            self.requests += 1
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.waited += time.perf_counter() - began

        setattr(self.client, "request", counted)  # noqa: B010 - wraps the instance's method
        forward = self.client.session.request

        def bounded(method: str, url: str, **kwargs: Any) -> Any:
            return self._bounded(forward, method, url, **kwargs)

        setattr(self.client.session, "request", bounded)  # noqa: B010 - as above

    def href(self, uid: str) -> str:
        """The (canonical) href of the resource that holds the event `uid`."""
        return canonical_href(quote(uid, safe=SAFE) + ".ics", self.base)

    def url(self, href: str) -> str:
        """The URL of a canonical href (or of any URL or href) of this calendar's server."""
        return urljoin(self.base, href)

    def holds(self, href: str) -> bool:
        """Whether a canonical href names a member of this calendar (not the calendar)."""
        return href.startswith(self._members) and len(href) > len(self._members)

    def send(
        self,
        url: str,
        method: str,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        waiting: str = "",
    ) -> DAVResponse:
        """One request; with `waiting` (what it waits for), a long one (see the module)."""
        from caldav.lib import error as dav_errors

        try:
            return self._call(url, method, body, headers or {}, waiting)
        except (OSError, dav_errors.DAVError) as error:
            raise self._failure(error) from error

    def fail(self, response: DAVResponse, url: str, method: str) -> SyncError:
        from caldav.lib import error as dav_errors

        status = int(response.status)
        error = dav_errors.DAVError(url, f"{method} {status} {response.reason}", status=status)
        return SyncError(str(explain(error, self.account, self.timeout)))

    def etag_of(self, response: DAVResponse, url: str) -> str:
        """The ETag a response gives, else the one a HEAD (or a GET) of `url` gives."""
        etag = etag_header(response)
        for method in ("HEAD", "GET"):
            if etag:
                return etag
            answer = self.send(url, method)
            if answer.status in OK:
                etag = etag_header(answer)
        if not etag:
            raise SyncError(
                f"The server at {self.account.origin} gives no ETag for {url}, which a safe "
                "sync needs."
            )
        return etag

    def close(self) -> None:
        self.client.close()

    def tell(self, text: str) -> None:
        """Say how the sync is getting on, to whoever listens (`progress`)."""
        if self.progress is not None:
            with suppress(Exception):  # a listener's problem never stops a sync
                self.progress(text)

    def _report(self, body: bytes, depth: str, waiting: str) -> DAVResponse | None:
        """A (long) REPORT on the calendar; None when the server forbids it (403)."""
        from caldav.lib import error as dav_errors

        try:
            return self._call(self.base, "REPORT", body, _xml_headers(depth), waiting)
        except dav_errors.AuthorizationError as error:
            if error.status == 403:
                # caldav raises 403 as an authorization error, but with DAV:valid-sync-token
                # it means "start over", and without it "not this report": both fall back.
                return None
            raise self._failure(error) from error
        except (OSError, dav_errors.DAVError) as error:
            raise self._failure(error) from error

    # -- one request: a deadline, a size limit, redirects within the origin ------------------

    def _call(
        self, url: str, method: str, body: bytes, headers: Mapping[str, str], waiting: str = ""
    ) -> DAVResponse:
        """caldav's request, cut off at the deadline: LONG_TIMEOUT's when `waiting` says what
        a long request waits for (reported while it waits), else the account's timeout."""
        url = self.url(url)  # a canonical href is a path: on the calendar's server
        self.limit = max(self.timeout, LONG_TIMEOUT) if waiting else self.timeout
        deadline = time.monotonic() + self.limit
        self.deadline, self.late = deadline, False
        watchdog = threading.Timer(self.limit, self._cut, (deadline,))
        watchdog.daemon = True
        watchdog.start()
        done = threading.Event()
        if waiting and self.progress is not None:
            threading.Thread(target=self._tick, args=(waiting, done), daemon=True).start()
        try:
            return self.client.request(url, method, body, dict(headers))  # type: ignore[arg-type]
        except SyntaxError as error:  # caldav parses XML answers with lxml (XMLSyntaxError)
            self._xml(self.body)  # says why: entities refused, or where it is not XML
            raise self._not_xml(error) from None
        finally:
            self.deadline = 0.0  # done: a late watchdog leaves the next request alone
            watchdog.cancel()
            done.set()

    def _tick(self, waiting: str, done: threading.Event) -> None:
        """Every PROGRESS_EVERY seconds until `done`: what the request waits for, and how long."""
        began = time.monotonic()
        while not done.wait(PROGRESS_EVERY):
            self.tell(f"{waiting}… ({time.monotonic() - began:.0f} s)")

    def _failure(self, error: BaseException) -> SyncError:
        if self.late:
            error = TimeoutError()  # the deadline cut the connection: say so, not "broke off"
        return SyncError(str(explain(error, self.account, self.limit)))

    def _cut(self, deadline: float) -> None:
        """At the deadline: end the request under way by shutting its connections down."""
        if self.deadline != deadline:
            return  # that request has ended
        self.late = True
        for sock in _sockets(self.client.session):
            with suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)

    def _left(self) -> float:
        """Seconds left for the request under way (the whole timeout outside `_call`)."""
        if not self.deadline:
            return self.timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.late = True
            raise self._failure(TimeoutError())
        return left

    def _bounded(self, forward: Callable[..., Any], method: str, url: str, **kwargs: Any) -> Any:
        """niquests' request, streamed: redirects checked, the answer read within limits."""
        kwargs.update(stream=True, allow_redirects=False)
        for _hop in range(REDIRECTS + 1):
            kwargs["timeout"] = self._left()
            response = forward(method, url, **kwargs)
            location = response.headers.get("Location")
            if response.status_code not in _REDIRECT or not location:
                self.body = response._content = self._read(response, method)  # caldav's .content
                return response
            response.close()
            url = self._follow(url, str(location))
        raise SyncError(
            f"The server at {self.account.origin} redirected more than {REDIRECTS} times; "
            "check the account's address."
        )

    def _follow(self, url: str, location: str) -> str:
        """The redirect's target, if it stays on the account's origin, else SyncError."""
        target = urlsplit(urljoin(url, location))
        origin = urlsplit(self.account.url)
        try:
            port = target.port or (443 if target.scheme == "https" else 80)
        except ValueError:
            port = -1
        where = f"{target.scheme}://{target.hostname or ''}:{port}{target.path}"
        if origin.scheme == "https" and target.scheme != "https":
            why = "is not encrypted"
        elif (target.scheme, target.hostname, port) != (
            origin.scheme,
            origin.hostname,
            origin.port or (443 if origin.scheme == "https" else 80),
        ):
            why = "is not the account's server"
        else:
            return target.geturl()
        raise SyncError(
            f"The server at {self.account.origin} redirected to {shown(where)}, which {why}, "
            "so Followthrough did not follow it; check the account's address."
        )

    def _read(self, response: Any, method: str) -> bytes:
        """The answer's body, refused past ANSWER_LIMIT bytes or the deadline."""
        declared = str(response.headers.get("Content-Length") or "").strip()
        if method != "HEAD" and declared.isdigit() and int(declared) > ANSWER_LIMIT:
            response.close()
            raise self._too_big()
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > ANSWER_LIMIT:
                response.close()
                raise self._too_big()
            chunks.append(chunk)
            self._left()
        return b"".join(chunks)

    def _too_big(self) -> SyncError:
        return SyncError(
            f"The server at {self.account.origin} sent an answer of more than "
            f"{ANSWER_LIMIT >> 20} MB, more than a calendar needs, so Followthrough stopped "
            "reading it; try again later or check the calendar on the server."
        )

    def _not_xml(self, error: BaseException) -> SyncError:
        return NotXML(
            f"The server at {self.account.origin} sent an answer that is not valid XML "
            f"({shown(str(error))}); try again later."
        )

    # -- listings --------------------------------------------------------------------------

    def changes_since(self, token: str) -> Listing:
        """What changed since `token` ("" or a refused token: everything, as a full listing)."""
        if token:
            answer = self._sync_collection(token)
            if answer is not None:
                return answer
        answer = self._sync_collection("")
        if answer is not None:
            return answer
        return self._propfind()

    def _sync_collection(self, token: str) -> Listing | None:
        body = (
            f'{_XML}<d:sync-collection xmlns:d="DAV:"><d:sync-token>{escape(token)}'
            "</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop>"
            "</d:sync-collection>"
        ).encode()
        waiting = "Asking the calendar what changed" if token else "Listing the calendar"
        response = self._report(body, "0", waiting)
        status = 403 if response is None else int(response.status)
        if response is None or status not in OK:
            if response is None or status in (400, 404, 405, 409, 412, 415, 500, 501):
                # A refused token (valid-sync-token), or no sync-collection at all: the
                # caller falls back to a full listing.
                return None
            raise self.fail(response, self.base, "REPORT")
        root = self._parse(response)
        listing = Listing(full=not token)
        listing.token = (root.findtext(f"{_DAV}sync-token") or "").strip()
        for href, status_line, props in self._responses(root):
            if href is None:
                continue
            if " 404 " in f"{status_line} " or " 410 " in f"{status_line} ":
                listing.removed.add(href)
                continue
            etag = props.findtext(f"{_DAV}getetag") if props is not None else None
            if etag:
                listing.etags[href] = normal_etag(etag)
        return listing

    def _propfind(self) -> Listing:
        body = (
            f'{_XML}<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:resourcetype/></d:prop>'
            "</d:propfind>"
        ).encode()
        response = self.send(self.base, "PROPFIND", body, _xml_headers("1"), "Listing the calendar")
        if int(response.status) not in OK:
            raise self.fail(response, self.base, "PROPFIND")
        listing = Listing(full=True)
        for href, _status, props in self._responses(self._parse(response)):
            if href is None or props is None:
                continue
            kind = props.find(f"{_DAV}resourcetype")
            if kind is not None and kind.find(f"{_DAV}collection") is not None:
                continue
            etag = props.findtext(f"{_DAV}getetag")
            if etag:
                listing.etags[href] = normal_etag(etag)
        return listing

    def fetch(self, paths: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        """href -> (ETag, body) of each resource (canonical hrefs), by calendar-multiget (GETs
        if refused).

        A resource gone in between is left out.
        """
        wanted = sorted(set(paths))
        found: dict[str, tuple[str, bytes]] = {}
        for start in range(0, len(wanted), MULTIGET_BATCH):
            batch = wanted[start : start + MULTIGET_BATCH]
            if start:
                self.tell(f"Fetched {start:,} of {len(wanted):,} events…")
            got = self._multiget(batch)
            if got is None:
                for path in batch:
                    url = self.url(path)
                    response = self.send(url, "GET")
                    if int(response.status) in (404, 410):
                        continue
                    if int(response.status) not in OK:
                        raise self.fail(response, url, "GET")
                    found[path] = (normal_etag(self.etag_of(response, url)), body_of(response))
                continue
            found.update(got)
        return found

    def _multiget(self, paths: list[str]) -> dict[str, tuple[str, bytes]] | None:
        hrefs = "".join(f"<d:href>{escape(p)}</d:href>" for p in paths)
        body = (
            f'{_XML}<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
            f"<d:prop><d:getetag/><c:calendar-data/></d:prop>{hrefs}</c:calendar-multiget>"
        ).encode()
        try:
            response = self._report(body, "1", "Fetching events")
            if response is None or int(response.status) in (400, 405, 415, 501):
                return None
            status = int(response.status)
            if status not in OK:
                raise self.fail(response, self.base, "REPORT")
            root = self._parse(response)
        except NotXML:
            return None  # one unreadable event spoils the answer: ask for each on its own
        found: dict[str, tuple[str, bytes]] = {}
        for href, _status, props in self._responses(root):
            if href is None or props is None:
                continue
            data = props.findtext(f"{_CALDAV}calendar-data")
            etag = props.findtext(f"{_DAV}getetag")
            if data and etag:
                found[href] = (normal_etag(etag), data.encode("utf-8"))
        return found

    # -- parsing -----------------------------------------------------------------------------

    def _parse(self, response: DAVResponse) -> ET.Element:
        root = self._xml(body_of(response))
        if root.tag != f"{_DAV}multistatus":
            raise SyncError(
                f"The server at {self.account.origin} sent an unexpected answer "
                f"({shown(root.tag)}) to a calendar listing."
            )
        return root

    def _xml(self, body: bytes) -> ET.Element:
        """The answer's XML, read refusing DTDs and entities."""
        from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
        from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

        try:
            root: ET.Element = fromstring(body)
        except ET.ParseError as error:
            raise self._not_xml(error) from None
        except DefusedXmlException:  # a DTD or entities: how an entity bomb starts
            raise SyncError(
                f"The server at {self.account.origin} sent XML with a DTD or entities, which "
                "no calendar answer needs, so Followthrough refused it; check the account's "
                "address."
            ) from None
        return root

    def _responses(self, root: ET.Element) -> Iterable[tuple[str | None, str, ET.Element | None]]:
        """(canonical href of a member of the calendar or None, status line, its 200 props)."""
        for item in root.findall(f"{_DAV}response"):
            href = (item.findtext(f"{_DAV}href") or "").strip()
            path = canonical_href(href, self.base) if href else ""
            member = self.holds(path)
            status = item.findtext(f"{_DAV}status") or ""
            props = None
            for propstat in item.findall(f"{_DAV}propstat"):
                if " 200 " in f"{propstat.findtext(f'{_DAV}status') or ''} ":
                    props = propstat.find(f"{_DAV}prop")
            yield (path if member else None), status, props


@contextmanager
def open_session(
    store: Store,
    account: Account | str,
    timeout: float,
    progress: Callable[[str], None] | None = None,
) -> Iterator[DavSession]:
    """The account's calendar, ready to talk to (no traffic yet); closed when the block ends.
    `progress` hears how a long sync is getting on (see the module's description)."""
    stored = get_account(store, account.name if isinstance(account, Account) else account)
    session = DavSession(calendar_for(store, stored, timeout=timeout), stored, timeout, progress)
    try:
        yield session
    finally:
        session.close()


def _xml_headers(depth: str) -> dict[str, str]:
    return {"Content-Type": 'application/xml; charset="utf-8"', "Depth": depth}


def etag_header(response: DAVResponse) -> str:
    headers = response.headers or {}
    value = headers.get("ETag") or headers.get("etag") or ""
    return str(value).strip()


def body_of(response: DAVResponse) -> bytes:
    raw = getattr(response, "_raw_body", b"") or response._raw
    return raw if isinstance(raw, bytes) else str(raw).encode("utf-8")


def _sockets(session: Any) -> Iterator[socket.socket]:
    """The sockets of a niquests session's connections, idle or in use (urllib3-future keeps
    every connection of a pool in the pool's registry)."""
    for adapter in list(getattr(session, "adapters", {}).values()):
        pools = getattr(getattr(adapter, "poolmanager", None), "pools", None)
        for pool in list(getattr(pools, "_registry", {}).values()):
            for connection in list(getattr(getattr(pool, "pool", None), "_registry", {}).values()):
                sock = getattr(connection, "sock", None)
                if isinstance(sock, socket.socket):
                    yield sock
