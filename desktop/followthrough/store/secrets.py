"""Passwords in the operating system's keyring, and nowhere else (no Qt).

Followthrough keeps no secret in its own files: a password is either in the keyring the
`keyring` package finds (macOS Keychain, Windows Credential Locker, Secret Service or KWallet
on Linux) or typed again each time. When no real keyring is there, these functions say so with
`SecretStoreUnavailable` instead of falling back to a plain file.

Each secret is filed under a service (what it is for, e.g. "followthrough-webdav") and an
account (which server and user, e.g. "alice@https://cloud.example.com").
"""

from __future__ import annotations

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail, null


class SecretStoreUnavailable(Exception):
    """No keyring can be used; the message is one sentence that says why."""


_NO_KEYRING = (
    "No system keyring is available (the keyring package found no backend), "
    "so the password cannot be saved"
)


def _backend() -> keyring.backend.KeyringBackend:
    try:
        backend = keyring.get_keyring()
    except keyring.errors.KeyringError as error:
        raise SecretStoreUnavailable(f"{_NO_KEYRING}: {_sentence(error)}.") from None
    if isinstance(backend, fail.Keyring | null.Keyring):
        raise SecretStoreUnavailable(f"{_NO_KEYRING}.")
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        raise SecretStoreUnavailable(f"{_NO_KEYRING}.")
    return backend


def _sentence(error: Exception) -> str:
    text = str(error).strip().rstrip(".") or type(error).__name__
    return text.splitlines()[0]


def available() -> bool:
    """Whether a real keyring is there (it may still be locked or refuse later)."""
    try:
        _backend()
    except SecretStoreUnavailable:
        return False
    return True


def get_secret(service: str, account: str) -> str | None:
    """The secret saved for `account`, or None when there is none."""
    backend = _backend()
    try:
        return backend.get_password(service, account)
    except keyring.errors.KeyringError as error:
        raise SecretStoreUnavailable(
            f"The system keyring could not be read: {_sentence(error)}."
        ) from None


def set_secret(service: str, account: str, secret: str) -> None:
    """Save (or replace) the secret for `account`."""
    backend = _backend()
    try:
        backend.set_password(service, account, secret)
    except keyring.errors.KeyringError as error:
        raise SecretStoreUnavailable(
            f"The system keyring did not save the password: {_sentence(error)}."
        ) from None


def delete_secret(service: str, account: str) -> bool:
    """Forget the secret for `account`; False when there was none."""
    backend = _backend()
    try:
        if backend.get_password(service, account) is None:
            return False
        backend.delete_password(service, account)
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as error:
        raise SecretStoreUnavailable(
            f"The system keyring could not be changed: {_sentence(error)}."
        ) from None
    return True
