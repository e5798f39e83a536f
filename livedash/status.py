"""What the status line says, derived from the store and the poller (no Textual).

Every failure reads as: what happened, what data is on screen, what the app does next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from rich.cells import cell_len

from .errors import AuthError, ForbiddenError
from .filter_labels import describe_filters
from .safe_text import safe_text
from .store import LiveStore
from .table_layout import ESTIMATE
from .timefmt import format_age, format_clock

# The table counts durations on while no fresh data comes (stale, paused) and marks them.
ESTIMATED = f"{ESTIMATE} marks estimated durations"


@dataclass(frozen=True)
class StatusView:
    level: str  # connecting | live | stale | error | paused
    badge: str  # symbol and word, never colour alone
    message: str  # what happened and what happens next ('' when all is well)
    parts: tuple[str, ...]  # filter, counts, last poll, latency, interval

    @property
    def details(self) -> str:
        return SEPARATOR.join(self.parts)


SEPARATOR = " · "


def pack_parts(parts: Sequence[str], width: int, separator: str = SEPARATOR) -> list[str]:
    """``parts`` joined by ``separator`` into lines at most ``width`` cells wide.

    Lines break only at separators, never inside a part ("4 ms" stays whole); the
    separator at a break is dropped. A part wider than ``width`` gets a line of its own
    (the caller folds it).
    """
    lines: list[str] = []
    line = ""
    for part in parts:
        if line and cell_len(line) + cell_len(separator) + cell_len(part) <= width:
            line += separator + part
            continue
        if line:
            lines.append(line)
        line = part
    if line:
        lines.append(line)
    return lines


def _every(seconds: float) -> str:
    """``300`` → ``5 minutes``; ``90`` → ``1m30s``."""
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return format_age(seconds)


def _next_step(store: LiveStore, now_wall, kiosk: bool) -> str:
    failure = store.failure
    assert failure is not None
    if isinstance(failure.error, AuthError):
        if kiosk:
            return ("Not retried automatically (repeated attempts can lock the account): "
                    "correct the password and restart livedash")
        return ("Not retried automatically (repeated attempts can lock the account): "
                "press L to enter the password again, or r to retry")
    if isinstance(failure.error, ForbiddenError):
        if failure.next_attempt_in is not None:  # a kiosk asks again by itself, slowly
            remaining = failure.next_attempt_in - (now_wall - failure.at).total_seconds()
            return ("An administrator must grant the privilege to this user; livedash "
                    f"checks again every {_every(failure.next_attempt_in)} by itself "
                    f"(next in {format_age(remaining)})")
        if kiosk:
            return ("Not retried automatically: restart livedash once an administrator "
                    "has granted the privilege")
        return ("Not retried automatically: press r once an administrator has granted "
                "the privilege")
    if failure.next_attempt_in is None:
        return "Restart livedash to try again" if kiosk else "Press r to retry"
    remaining = failure.next_attempt_in - (now_wall - failure.at).total_seconds()
    attempt = f" (attempt {failure.attempt + 1})" if failure.attempt > 1 else ""
    retry = f"Retrying in {max(0, round(remaining))}s{attempt}"
    return retry if kiosk else f"{retry}, or press r"


def describe_status(store: LiveStore, *, host: str, interval: float, polling_paused: bool,
                    display_tz: tzinfo | None, kiosk: bool = False,
                    watch_parts: Sequence[str] = (),
                    search_matches: int | None = None,
                    notice_parts: Sequence[str] = ()) -> StatusView:
    """The status line. ``kiosk``: no keys on a wall display, so no "press r" advice.
    ``watch_parts``: long calls and pauses over their thresholds (``Watch.status_parts``).
    ``search_matches``: the live recordings a quick search finds (None: no search).
    ``notice_parts``: what an action of the user just did (the last export's path)."""
    now_wall = store.clock.now()
    shown = len(store.records)
    parts = []
    query = describe_filters(store.filters)
    if query:
        parts.append(f"filter: {query}")
    if store.has_data:  # before the first answer, "0 recordings" would be a claim
        parts.append(f"{shown} recording{'s' if shown != 1 else ''} "
                     f"({store.paused_count} paused)")
        if search_matches is not None:
            parts.append(f"{search_matches:,} of {shown:,} match")
        parts.extend(watch_parts)
    if store.unreadable:
        count = len(store.unreadable)
        parts.append(f"{count} record{'s' if count != 1 else ''} unreadable"
                     + ("" if kiosk else " (u for details)"))
    parts.extend(notice_parts)
    if store.last_success is not None:
        parts.append(f"last poll {format_clock(store.last_success, display_tz)}")
    if store.last_latency is not None:
        parts.append(f"{store.last_latency * 1000:.0f} ms")
    parts.append(f"every {interval:g}s")
    details = tuple(parts)

    if store.failure is not None:
        what = str(store.failure.error)
        if store.has_data:
            age = format_age((now_wall - store.last_success).total_seconds())
            since = format_clock(store.last_success, display_tz)
            level, badge = "stale", f"◌ STALE {age}"
            message = (
                f"{what}. Showing data from {since} ({age} old); {ESTIMATED}. "
                f"{_next_step(store, now_wall, kiosk)}"
            )
        else:
            level, badge = "error", "✕ ERROR"
            message = f"{what}. {_next_step(store, now_wall, kiosk)}"
        if polling_paused:
            message += " · polling paused (p to resume)"
        return StatusView(level, badge, message, details)
    if polling_paused:
        return StatusView("paused", "❚❚ PAUSED",
                          f"Polling paused: press p to resume; {ESTIMATED}", details)
    if not store.has_data:
        target = f"{host} for {query}" if query else host
        return StatusView("connecting", "… LOADING", f"Asking {target}", details)
    return StatusView("live", "● LIVE", "", details)


def empty_table_message(store: LiveStore, failure_message: str, *, kiosk: bool,
                        search_text: str | None) -> str:
    """What the space of an empty table says (the status line below has the details).

    ``failure_message``: the status line's message, which a kiosk without data shows
    where the room looks; ``search_text``: the quick search kept (None: none).
    """
    if not store.has_data:
        if kiosk and store.failure is not None:
            # a wall: what is wrong and what to do (the message can quote the server:
            # made safe here, and drawn without markup)
            return safe_text(failure_message)
        return "Nothing to show yet: the server has not answered (see below)."
    if search_text is not None and (store.records or store.ended):
        return (f'No recording here matches the search "{safe_text(search_text.strip())}".'
                "\n/ to change it, Esc to clear it.")
    query = describe_filters(store.filters)  # its values already made safe
    if not query:
        return "No live recordings right now."
    keys = "" if kiosk else (
        "\nThe filters match exactly: f to change them, Esc in a field to clear it.")
    return f"No live recordings match {query}.{keys}"
