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


class TickTimes:
    """The times a 1 Hz tick stands for: exactly a period apart while the timer keeps time.

    A timer fires a little late, and by a different amount each time (a poll being
    applied, a busy loop). Durations drawn at the raw readings would then advance by 0
    or 2 seconds now and then, for the rows whose second boundary falls in that jitter.
    So a reading within ``tolerance`` of the expected time is taken as the expected time;
    any other (a first tick, a tick skipped under load, a suspended machine) starts afresh
    from the reading.
    """

    def __init__(self, period: float = 1.0, tolerance: float = 0.25):
        self.period = period
        self.tolerance = tolerance
        self.last: float | None = None

    def next(self, reading: float) -> float:
        """The time of the tick read at monotonic ``reading``."""
        expected = None if self.last is None else self.last + self.period
        if expected is not None and abs(reading - expected) <= self.tolerance:
            self.last = expected
        else:
            self.last = reading
        return self.last
