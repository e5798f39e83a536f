"""Time, injectable: the app and the store read time only through a Clock.

Tests use ``FixedClock`` and advance it by hand, so ticking and backoff are checked
without sleeping and snapshots show the same time on every run.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class Clock:
    """The real clock: ``monotonic`` for intervals, ``now`` for what users read."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock(Clock):
    """A clock that moves only when told to."""

    def __init__(self, now: datetime | None = None, monotonic: float = 1000.0):
        self._now = now or datetime(2026, 11, 28, 9, 30, 0, tzinfo=UTC)
        self._mono = monotonic

    def monotonic(self) -> float:
        return self._mono

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._mono += seconds
        self._now += timedelta(seconds=seconds)
