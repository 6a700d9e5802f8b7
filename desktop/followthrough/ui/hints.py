"""What a message shared with the command line says in the window: its fields and buttons by
name, never a command-line flag ("with --username" becomes "in the User name field").

The sync and mail layers explain a problem once, for both; the window passes their sentences
through `for_window` before it shows them.
"""

from __future__ import annotations

import re

_RULES: tuple[tuple[str, str], ...] = (
    # A whole command to type: said in words.
    (r"trust it with: followthrough \S+ add .*?--trust-fingerprint \S+?(?=\.?$)",
     "trust it by adding the account from the command line with that fingerprint"),
    (r"add one with followthrough mail add .*?\(or in Settings > Mail\)",
     "add one in Settings > Mail"),
    (r"add the account with --trust-fingerprint and the SHA-256 fingerprint",
     "add the account from the command line with the SHA-256 fingerprint"),
    (r"run it again with --allow-deletes \(or confirm in the window\)", "confirm in the window"),
    # A flag where a field or a button of the window does the same.
    (r"with --url https://…", "in the Server address field"),
    (r"with --url and its host name", "in the Server address field, with its host name"),
    (r"leave out --url", "leave the Server address empty"),
    (r"--url is", "the Server address is"),
    (r"with --url", "in the Server address field"),
    (r"choose a --preset", "choose a Service"),
    (r"with --username", "in the User name field"),
    (r"with --host", "in the Server field"),
    (r"use --token-stdin", "type it in the Password or token field"),
    (r"use --password-stdin or type it", "type it in the Password or token field"),
    (r"piped in with --token-stdin", "typed in the Password or token field"),
    (r"with followthrough account use \S+ --calendar PATH \(or --create NAME\)",
     "with the Choose calendar button in Settings > Calendar"),
    (r"with --calendar PATH, or make one with --create", "with the Choose calendar button"),
    (r"with --calendar", "with the Choose calendar button"),
    (r"make one with --create", "make one with the Choose calendar button"),
)


def for_window(text: str) -> str:
    """`text` with each command-line flag it mentions put as the window's field or button."""
    for pattern, words in _RULES:
        text = re.sub(pattern, words, text)
    return text
