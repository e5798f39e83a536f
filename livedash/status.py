"""What the status line says, derived from the store and the poller (no Textual).

Every failure reads as: what happened, what data is on screen, what the app does next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from .client import AuthError
from .store import LiveStore
from .timefmt import format_age, format_clock


@dataclass(frozen=True)
class StatusView:
    level: str  # connecting | live | stale | error | paused
    badge: str  # symbol and word, never colour alone
    message: str  # what happened and what happens next ('' when all is well)
    details: str  # counts, last poll, latency, interval


def _next_step(store: LiveStore, now_wall) -> str:
    failure = store.failure
    assert failure is not None
    if isinstance(failure.error, AuthError):
        return ("Not retried automatically (repeated attempts can lock the account): "
                "press L to enter the password again, or r to retry")
    if failure.next_attempt_in is None:
        return "Press r to retry"
    remaining = failure.next_attempt_in - (now_wall - failure.at).total_seconds()
    attempt = f" (attempt {failure.attempt + 1})" if failure.attempt > 1 else ""
    return f"Retrying in {max(0, round(remaining))}s{attempt}, or press r"


def describe_status(store: LiveStore, *, host: str, interval: float, polling_paused: bool,
                    display_tz: tzinfo | None) -> StatusView:
    now_wall = store.clock.now()
    shown = len(store.records)
    parts = [f"{shown} recording{'s' if shown != 1 else ''} ({store.paused_count} paused)"]
    if store.unreadable:
        parts.append(f"{len(store.unreadable)} records unreadable (u for details)")
    if store.last_success is not None:
        parts.append(f"last poll {format_clock(store.last_success, display_tz)}")
    if store.last_latency is not None:
        parts.append(f"{store.last_latency * 1000:.0f} ms")
    parts.append(f"every {interval:g}s")
    details = " · ".join(parts)

    if store.failure is not None:
        what = str(store.failure.error)
        if store.has_data:
            age = format_age((now_wall - store.last_success).total_seconds())
            since = format_clock(store.last_success, display_tz)
            level, badge = "stale", f"◌ STALE {age}"
            message = (
                f"{what}. Showing data from {since} ({age} old). {_next_step(store, now_wall)}"
            )
        else:
            level, badge = "error", "✕ ERROR"
            message = f"{what}. {_next_step(store, now_wall)}"
        if polling_paused:
            message += " · polling paused (p to resume)"
        return StatusView(level, badge, message, details)
    if polling_paused:
        return StatusView("paused", "❚❚ PAUSED", "Polling paused: press p to resume", details)
    if not store.has_data:
        query = store.filters.describe()
        target = f"{host} for {query}" if query else host
        return StatusView("connecting", "… LOADING", f"Asking {target}", details)
    return StatusView("live", "● LIVE", "", details)
