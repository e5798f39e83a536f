"""Credentials that cannot leak by accident.

The password lives in a ``Secret`` whose ``repr``/``str`` are masked, so it cannot end up
in a log line, a traceback's locals, a screenshot or an error message by formatting. It
comes from ``LIVEDASH_PASSWORD``, the system keyring (optional), or a prompt — never argv.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass

PASSWORD_ENV = "LIVEDASH_PASSWORD"
KEYRING_SERVICE = "livedash"


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self):  # no pickling the plain value into a cache or a crash dump
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True)
class Credentials:
    username: str
    password: Secret


class NoPassword(Exception):
    pass


def _from_keyring(username: str, host: str) -> str | None:
    try:
        import keyring  # optional: the keyring extra (pip install -e '.[keyring]')
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, f"{username}@{host}")
    except Exception:  # a broken keyring backend must not stop the dashboard
        return None


def resolve_password(username: str, host: str, *, use_keyring: bool, interactive: bool) -> Secret:
    """Environment first, then the keyring (if asked), then a prompt on a terminal."""
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return Secret(value)
    if use_keyring:
        value = _from_keyring(username, host)
        if value:
            return Secret(value)
    if interactive and sys.stdin is not None and sys.stdin.isatty():
        value = getpass.getpass(f"Password for {username} at {host}: ")
        if value:
            return Secret(value)
        raise NoPassword(f"no password entered for {username} at {host}")
    if use_keyring:
        raise NoPassword(
            f"no password for {username} at {host}: the keyring has none under service "
            f"'{KEYRING_SERVICE}', entry '{username}@{host}' (keyring set {KEYRING_SERVICE} "
            f"{username}@{host}); or set {PASSWORD_ENV}, or run in a terminal to be asked")
    raise NoPassword(
        f"no password for {username} at {host}: set {PASSWORD_ENV}, add --keyring to read "
        "it from the system keyring, or run in a terminal to be asked")
