"""What each command-line value may be: argparse ``type=`` functions for every command.

No Textual here. Each wrong value raises ``argparse.ArgumentTypeError`` with what is
allowed; :class:`livedash.cli.Parser` turns it into one ``livedash: error:`` line naming
the option (exit 2). A path is checked now, not when it is first used: a typo in
``--ca-bundle`` is a usage error at start, not a failed poll an hour later.
"""

from __future__ import annotations

import argparse
import math
import os
import ssl
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .safe_text import safe_text
from .watch import parse_threshold


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
    return value


def seconds(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = _number(text, "a number of seconds")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low:g} and {high:g} seconds")
        return value

    return parse


def mebibytes(text: str) -> float:
    value = _number(text, "a size in MiB")
    if not 0 < value <= 4096:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 4096 (MiB)")
    return value


def probability(text: str) -> float:
    value = _number(text, "a probability")
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def whole_number(low: int | None = None, high: int | None = None, *,
                 what: str = "a whole number", note: str = "",
                 grouped: bool = False) -> Callable[[str], int]:
    """An integer, from ``low`` to ``high`` when given (``note`` follows the range;
    ``grouped``: 100,000 rather than 100000 in the message; not for port numbers)."""
    shown = "{:,}" if grouped else "{}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if (low is not None and value < low) or (high is not None and value > high):
            raise argparse.ArgumentTypeError(
                f"must be between {shown.format(low)} and {shown.format(high)}{note}")
        return value

    return parse


def threshold(text: str) -> float:
    """``--long-call``/``--long-pause``: a duration such as 15m, 90s, 1h30m or 900."""
    try:
        return parse_threshold(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def writable_folder(text: str) -> Path:
    """A folder livedash can create files in, checked now: not at the first export."""
    if not text.strip():
        raise argparse.ArgumentTypeError("needs a folder")
    path = Path(text).expanduser()
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{_shown(text)} does not exist")
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not writable by this user")
    return path.resolve()


def zone(text: str) -> ZoneInfo:
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise argparse.ArgumentTypeError(
            f"unknown time zone {text[:60]!r} (an IANA name such as Europe/Rome or UTC)"
        ) from None


def _shown(path: str) -> str:
    """A path as an error line names it: inert, and not 4,000 characters long."""
    return safe_text(path if len(path) <= 120 else path[:119] + "…")


def _cannot_read(path: str, exc: OSError) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(
        f"cannot read {_shown(path)} ({exc.strerror or type(exc).__name__})")


def ca_bundle(text: str) -> str:
    """A readable file of PEM certificates: checked now, not at the first poll."""
    path = Path(text)
    try:
        # pathlib's exists() and is_dir() raise, rather than answer, for some paths (a
        # name too long for the file system): every such path is one we cannot read.
        exists, folder = path.exists(), path.is_dir()
    except OSError as exc:
        raise _cannot_read(text, exc) from None
    if not exists:
        raise argparse.ArgumentTypeError(f"{_shown(text)} does not exist")
    if folder:
        raise argparse.ArgumentTypeError(
            f"{_shown(text)} is a folder, not a file of certificates")
    try:
        ssl.create_default_context(cafile=text)
    except ssl.SSLError:
        raise argparse.ArgumentTypeError(f"{_shown(text)} holds no PEM certificate") from None
    except OSError as exc:
        raise _cannot_read(text, exc) from None
    return text


def log_file(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("needs a file name")
    path = Path(text)
    try:
        folder = path.is_dir()
    except OSError as exc:  # as in ca_bundle: a name the file system refuses outright
        raise argparse.ArgumentTypeError(
            f"cannot use {_shown(text)} ({exc.strerror or type(exc).__name__})") from None
    if folder:
        raise argparse.ArgumentTypeError(f"{_shown(text)} is a folder; give a file name in it")
    return path


def user(text: str) -> str:
    """A user name that HTTP Basic auth can carry (RFC 7617: no colon) and a person can read."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    if ":" in text:
        raise argparse.ArgumentTypeError("must not contain ':' (HTTP Basic auth cannot send it)")
    if safe_text(text) != text:
        raise argparse.ArgumentTypeError("must not contain control characters")
    return text


def browser_url(text: str) -> str:
    """An http:// or https:// URL a browser opens (``livedash serve --public-url``)."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
        raise argparse.ArgumentTypeError(
            "must be the http:// or https:// URL browsers open, "
            "e.g. https://wall.example.com/livedash/")
    return text
