"""The calendars of a CalDAV account: what the server lists, which one Followthrough uses (no Qt).

`discover_calendars` asks the server for the user's calendars; `use_calendar` chooses one
(by URL, path or display name) or creates one, and records it with the account;
`calendar_for` opens the chosen calendar for a sync.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple, cast

from followthrough.store import Store
from followthrough.sync.accounts import Account, TokenRefresher, get_account, save_calendar
from followthrough.sync.connection import DEFAULT_TIMEOUT, client_for, explain, verify
from followthrough.sync.errors import AccountError
from followthrough.sync.hrefs import canonical_href
from followthrough.sync.presets import PRESETS

if TYPE_CHECKING:  # caldav (and niquests) load on first connection: the CLI starts faster
    from caldav.collection import Calendar, Principal
    from caldav.davclient import DAVClient


class DiscoveredCalendar(NamedTuple):
    """A calendar the server lists for the account's user."""

    url: str
    name: str  # its display name (the last part of its path when it has none)
    supports_events: bool  # whether it takes VEVENTs (some only hold tasks)

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.url).path


class CalendarChoice(NamedTuple):
    """The outcome of `use_calendar`: the updated account, and whether a calendar was made."""

    account: Account
    created: bool


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _describe(calendar: Calendar) -> DiscoveredCalendar:
    url = str(calendar.url)
    name = _text(calendar.get_display_name())
    if not name:
        name = urllib.parse.unquote(url.rstrip("/").rsplit("/", 1)[-1])
    components = calendar.get_supported_components()
    kinds = components if isinstance(components, list) else []
    return DiscoveredCalendar(url, name, "VEVENT" in [str(k).upper() for k in kinds])


def _discover(client: DAVClient, account: Account) -> tuple[Principal, list[DiscoveredCalendar]]:
    principal = verify(client, account)
    calendars = cast("list[Calendar]", principal.get_calendars())
    found = [_describe(calendar) for calendar in calendars]
    return principal, sorted(found, key=lambda c: (c.name.casefold(), c.url))


def discover_calendars(
    store: Store, name: str, *, timeout: float = DEFAULT_TIMEOUT
) -> list[DiscoveredCalendar]:
    """The calendars the server lists for the account's user, by name."""
    account = get_account(store, name)
    client = client_for(store, account, timeout=timeout)
    try:
        return _discover(client, account)[1]
    except Exception as error:
        raise explain(error, account, timeout) from None
    finally:
        client.close()


def _same_url(a: str, b: str) -> bool:
    """Whether two URLs (or two paths) name the same calendar, however each is written."""
    hosts = (urllib.parse.urlsplit(a).netloc.lower(), urllib.parse.urlsplit(b).netloc.lower())
    return hosts[0] == hosts[1] and canonical_href(a) == canonical_href(b)


def _pick(account: Account, wanted: str, found: list[DiscoveredCalendar]) -> DiscoveredCalendar:
    """The calendar `wanted` names: by full URL, by path on the server, or by display name."""
    text = wanted.strip()
    if "://" in text:
        matches = [c for c in found if _same_url(c.url, text)]
    elif text.startswith("/"):
        matches = [c for c in found if _same_url(c.path, text)]
    else:
        matches = [c for c in found if c.name.casefold() == text.casefold()]
        if len(matches) > 1:
            raise AccountError(
                f"{len(matches)} calendars of {account.name} are called '{text}'; choose one "
                "by its path (see followthrough account calendars)."
            )
    if not matches:
        raise AccountError(
            f"The account {account.name} has no calendar '{text}'; see followthrough account "
            f"calendars {account.name}."
        )
    chosen = matches[0]
    if not chosen.supports_events:
        raise AccountError(
            f"The calendar '{chosen.name}' holds no events (only tasks or notes); choose "
            "another, or make one with --create."
        )
    return chosen


def use_calendar(
    store: Store,
    name: str,
    path: str | None = None,
    create: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> CalendarChoice:
    """Make the account sync with an existing calendar (`path`) or a new one (`create`).

    `path` is a calendar's URL, its path on the server, or its display name. `create` is a
    display name; when a calendar of that name already exists it is used, not duplicated.
    """
    if (path is None) == (create is None):
        raise AccountError("Choose a calendar with --calendar PATH, or make one with --create.")
    account = get_account(store, name)
    if create is not None:
        create = create.strip()
        if not create or len(create) > 200 or any(ord(c) < 32 for c in create):
            raise AccountError("A calendar's name is one line of at most 200 characters.")
    client = client_for(store, account, timeout=timeout)
    created = False
    try:
        principal, found = _discover(client, account)
        if path is not None:
            chosen = _pick(account, path, found)
        else:
            assert create is not None
            same = [c for c in found if c.name.casefold() == create.casefold()]
            existing = [c for c in same if c.supports_events]
            if existing:
                chosen = existing[0]
            else:
                chosen = _make_calendar(principal, account, create)
                created = True
    except AccountError:
        raise
    except Exception as error:
        raise explain(error, account, timeout) from None
    finally:
        client.close()
    updated = replace(account, calendar_url=chosen.url, calendar_name=chosen.name)
    save_calendar(store, updated)
    return CalendarChoice(updated, created)


def _make_calendar(principal: Principal, account: Account, name: str) -> DiscoveredCalendar:
    from caldav.collection import Calendar
    from caldav.lib import error as dav_errors

    chosen = PRESETS.get(account.preset)
    if chosen is not None and not chosen.can_create_calendars:
        raise AccountError(
            f"{chosen.name} does not let apps create calendars over CalDAV; create one in its "
            "web interface, then choose it with --calendar."
        )
    try:
        made = principal.make_calendar(name=name, supported_calendar_component_set=["VEVENT"])
    except dav_errors.DAVError as error:
        if error.status in (401,):
            raise
        status = f" (HTTP {error.status})" if error.status else ""
        raise AccountError(
            f"The server at {account.origin} did not create the calendar{status}; create it "
            "in the server's web interface, then choose it with --calendar."
        ) from None
    if not isinstance(made, Calendar):  # pragma: no cover - only async clients return otherwise
        raise AccountError(f"The server at {account.origin} did not create the calendar.")
    return DiscoveredCalendar(str(made.url), name, True)


def calendar_for(
    store: Store,
    account: Account | str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    refresher: TokenRefresher | None = None,
) -> Calendar:
    """The chosen calendar of a saved account, on a new client; no traffic yet.

    Close it with `calendar.client.close()` when done.
    """
    name = account.name if isinstance(account, Account) else account
    stored = get_account(store, name)
    if not stored.calendar_url:
        raise AccountError(
            f"The account {stored.name} has no calendar yet; choose one with followthrough "
            f"account use {stored.name} --calendar PATH (or --create NAME)."
        )
    from caldav.collection import Calendar

    client = client_for(store, stored, timeout=timeout, refresher=refresher)
    return Calendar(client=client, url=stored.calendar_url)
