"""Long calls and forgotten pauses: what is over a threshold, how many, and when it crossed.

Pure (no Textual): the dashboard's table, status line, details and bell read it, and so
can any other view (a wallboard) through :class:`Watch`:

* ``--long-call T``: a recording whose duration (as its row shows it, counted on between
  polls) is T or more. Its *crossing time* is fixed by the record it is counted from
  (``observed_at + T - duration``): the records are put in crossing order once per poll,
  and a tick counts them with a binary search, not a pass over every record.
* ``--long-pause P``: a recording paused for P or more, "paused for" measured by the
  :class:`PauseTracker` from the first poll that saw the pause (the server does not say
  when a pause began). A failed poll does not end a pause; a poll that sees the recording
  resumed, or gone, does.
* Crossings (:meth:`Watch.crossings`, for ``--bell``): each recording's long call once,
  each pause once, at the first tick at or after the crossing. Nothing already over when
  livedash first sees a recording, or when a threshold is set, counts as a crossing: the
  bell tells what *becomes* a problem while livedash watches; what already was one is in
  the counts and marks from the first poll on.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections.abc import Mapping
from operator import attrgetter, itemgetter
from typing import NamedTuple

from pytimeparse import parse as parse_timespan

from .model import LiveRecording

__all__ = [
    "LONG_CALL_MARK",
    "LONG_PAUSE_MARK",
    "MARK_WIDTH",
    "MAX_THRESHOLD",
    "Crossing",
    "Pause",
    "PauseTracker",
    "Thresholds",
    "Watch",
    "WatchCounts",
    "parse_threshold",
    "pause_text",
    "short_duration",
    "watch_details",
]

# What a row over a threshold shows, symbol and word (colour only adds to it). A
# recording both long and paused too long shows the pause: that is the one to act on
# (the rest of the call goes unrecorded); it is counted in both.
LONG_CALL_MARK = "⚠ LONG"
LONG_PAUSE_MARK = "⚠ PAUSE"
MARK_WIDTH = 7  # cells of the wider mark

MIN_THRESHOLD = 1.0
MAX_THRESHOLD = 24 * 3600.0

_INF = math.inf
_IS_PAUSED = attrgetter("is_paused")
_ID = attrgetter("id")
_SINCE = itemgetter(0)


def parse_threshold(text: str) -> float:
    """Seconds from ``90s``, ``15m``, ``1h30m``, ``15:00``, ``15 minutes`` or plain ``900``.

    Raises ValueError with a message fit for a user (the option's name is the caller's).
    """
    stripped = text.strip()
    try:
        seconds: float | None = float(stripped)
    except ValueError:
        seconds = parse_timespan(stripped) if stripped else None
    if seconds is None or not math.isfinite(seconds):
        raise ValueError(f"{text[:40]!r} is not a duration (like 90s, 15m, 1h30m, 15:00 "
                         "or a number of seconds)")
    if not MIN_THRESHOLD <= seconds <= MAX_THRESHOLD:
        raise ValueError("must be between 1 second and 24 hours")
    if seconds != int(seconds):
        raise ValueError("must be a whole number of seconds")
    return float(seconds)


def short_duration(seconds: float) -> str:
    """``2:00``, ``15:00``, ``1:30:00``: as a threshold or a pause reads (whole seconds)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Thresholds(NamedTuple):
    """``None``: that watch is off."""

    long_call: float | None = None
    long_pause: float | None = None

    def __bool__(self) -> bool:
        return self.long_call is not None or self.long_pause is not None


NO_THRESHOLDS = Thresholds()


class WatchCounts(NamedTuple):
    long_calls: int
    long_pauses: int


class Crossing(NamedTuple):
    kind: str  # "long_call" | "long_pause"
    recording_id: str
    at: float  # monotonic time the threshold was reached


class Pause(NamedTuple):
    since: float  # monotonic time of the first poll that saw the recording paused
    at_least: bool  # the pause may have begun well before: "paused for at least …"


def pause_text(pause: Pause, now: float) -> str:
    """``paused for 3:12``, or ``paused for at least 3:12``."""
    at_least = "at least " if pause.at_least else ""
    return f"paused for {at_least}{short_duration(now - pause.since)}"


def watch_details(watch: Watch, rec: LiveRecording, now: float) -> tuple[str, str]:
    """What a live recording's details say at ``now``: for how long it has been paused
    ('' when it is not), and the marks it has, in words ('' when none)."""
    pause = watch.pause(rec.id) if rec.is_paused else None
    paused = ""
    if pause is not None:
        paused = pause_text(pause, now)
        if pause.at_least:
            paused += " (it began before livedash saw it)"
    long_call, long_pause = watch.thresholds
    marks = []
    if watch.is_long_pause(rec.id, now):
        marks.append(f"{LONG_PAUSE_MARK}: paused for {short_duration(long_pause)} or longer"
                     " (--long-pause)")
    if watch.is_long_call(rec, now):
        marks.append(f"{LONG_CALL_MARK}: {short_duration(long_call)} or longer (--long-call)")
    return paused, "; ".join(marks)


class PauseTracker:
    """Since when each recording is known to be paused, from the polls that saw it.

    ``max_gap``: a pause first seen more than this many seconds after the poll before
    (failed polls, polling paused) may have begun anywhere in between: "at least". So is
    one first seen in livedash's first poll of the recording.
    """

    def __init__(self, max_gap: float = _INF):
        self.max_gap = max_gap
        self.pauses: dict[str, Pause] = {}
        self._by_since: list[tuple[float, str]] = []  # (since, id), ascending
        self._last_records: Mapping[str, LiveRecording] = {}
        self._last_at: float | None = None

    def observe(self, records: Mapping[str, LiveRecording], now: float) -> None:
        """A successful poll's records (all of them, by id), arrived at ``now``.

        Cost: set operations in C over the ids, and a Python step per paused record.
        """
        paused = {rec.id for rec in filter(_IS_PAUSED, records.values())}
        pauses = self.pauses
        for rec_id in pauses.keys() - paused:  # resumed, ended, or no longer shown
            since = pauses.pop(rec_id).since
            by_since = self._by_since
            index = bisect_right(by_since, (since, rec_id)) - 1
            if 0 <= index < len(by_since) and by_since[index] == (since, rec_id):
                del by_since[index]
        started = paused - pauses.keys()
        if started:
            last = self._last_records
            recent = self._last_at is not None and now - self._last_at <= self.max_gap
            for rec_id in started:
                at_least = not (recent and rec_id in last)
                pauses[rec_id] = Pause(now, at_least)
                insort(self._by_since, (now, rec_id))
        self._last_records = records
        self._last_at = now

    def pause(self, rec_id: str) -> Pause | None:
        return self.pauses.get(rec_id)

    def count_since_at_most(self, moment: float) -> int:
        """Pauses that began at ``moment`` or before."""
        return bisect_right(self._by_since, moment, key=_SINCE)

    def began_between(self, after: float, until: float) -> list[tuple[float, str]]:
        """``(since, id)`` of the pauses with ``after < since <= until``."""
        by_since = self._by_since
        return by_since[bisect_right(by_since, after, key=_SINCE):
                        bisect_right(by_since, until, key=_SINCE)]


def long_call_from(rec: LiveRecording, threshold: float) -> float:
    """The monotonic time from which ``rec``'s duration (``duration_at``) is at least
    ``threshold``: -inf when it already is, +inf when it never will be (paused under it)."""
    duration = rec.duration
    if duration >= threshold:
        return -_INF
    if rec.is_paused:
        return _INF
    return rec.observed_at + (threshold - duration)


class Watch:
    """Thresholds, the pause tracker, counts and crossings of one dashboard.

    Fed by :meth:`observe` after every successful poll; read at tick times (monotonic).
    ``start``: when livedash began watching (crossings are counted from then).
    """

    def __init__(self, thresholds: Thresholds = NO_THRESHOLDS, *, start: float,
                 max_gap: float = _INF):
        self.thresholds = thresholds
        self.tracker = PauseTracker(max_gap)
        self._records: Mapping[str, LiveRecording] = {}
        # Long calls in crossing order: parallel lists, rebuilt once per poll.
        self._from: list[float] = []
        self._ids: list[str] = []
        # Ids whose long-call crossing is accounted for: rung, or already over when first
        # seen or when the threshold was set. A long call crosses once per recording.
        self._settled: set[str] = set()
        self._pending: list[Crossing] = []  # crossings a poll revealed after the fact
        self._reported_until = start  # crossings up to this tick time are reported

    # -- feeding ------------------------------------------------------------------------

    def observe(self, records: Mapping[str, LiveRecording], now: float) -> None:
        """A successful poll's records (``store.records``), applied at ``now``."""
        self.tracker.observe(records, now)
        known = self._records
        self._records = records
        self._rebuild()
        if self.thresholds.long_call is None:
            return
        settled = self._settled
        settled.difference_update(settled.difference(records))
        # Over as of the last reported tick but never reported: a recording seen for the
        # first time already over (no crossing: settled quietly), or a known one whose
        # new anchor put its crossing before that tick (the server's duration jumped a
        # second or more): a crossing, reported at the next tick.
        over = bisect_right(self._from, self._reported_until)
        missed = set(self._ids[:over]) - settled
        for rec_id in missed:
            if rec_id in known:
                self._pending.append(Crossing("long_call", rec_id, self._reported_until))
        settled |= missed

    def set_thresholds(self, thresholds: Thresholds, now: float) -> None:
        """New thresholds from ``now`` on; what is already over then rings no bell."""
        self.thresholds = thresholds
        self._rebuild()
        self._pending.clear()
        self._settled = set(self._ids[:bisect_right(self._from, now)])
        self._reported_until = max(self._reported_until, now)

    def _rebuild(self) -> None:
        threshold = self.thresholds.long_call
        if threshold is None:
            self._from, self._ids = [], []
            return
        # One pass and one sort per poll: about 2 ms for 10,000 records
        # (benchmarks/bench_watch.py). The formula is long_call_from's, inlined: a
        # function call per record would cost half as much again.
        inf = _INF
        records = list(self._records.values())
        times = [-inf if rec.duration >= threshold else inf if rec.is_paused
                 else rec.observed_at + (threshold - rec.duration) for rec in records]
        if len(times) < 2:  # itemgetter of one index gives the item, not a tuple
            order = [index for index, time in enumerate(times) if time != inf]
            self._from = [times[index] for index in order]
            self._ids = [records[index].id for index in order]
            return
        order = sorted(range(len(times)), key=times.__getitem__)
        in_order = itemgetter(*order)(times)
        finite = bisect_left(in_order, inf)  # paused under the threshold: never over
        self._from = list(in_order[:finite])
        self._ids = list(map(_ID, itemgetter(*order[:finite])(records))) if finite > 1 else [
            records[index].id for index in order[:finite]]

    # -- reading at a tick time ------------------------------------------------------------

    def is_long_call(self, rec: LiveRecording, now: float) -> bool:
        threshold = self.thresholds.long_call
        return threshold is not None and now >= long_call_from(rec, threshold)

    def pause(self, rec_id: str) -> Pause | None:
        """The pause of a recording the last poll saw paused (whatever the thresholds)."""
        return self.tracker.pause(rec_id)

    def is_long_pause(self, rec_id: str, now: float) -> bool:
        threshold = self.thresholds.long_pause
        if threshold is None:
            return False
        pause = self.tracker.pause(rec_id)
        return pause is not None and now - pause.since >= threshold

    def mark(self, rec: LiveRecording, now: float) -> str:
        """What the row of ``rec`` shows at ``now``: a mark, or ''."""
        if self.is_long_pause(rec.id, now):
            return LONG_PAUSE_MARK
        if self.is_long_call(rec, now):
            return LONG_CALL_MARK
        return ""

    def counts(self, now: float) -> WatchCounts:
        """Recordings over each threshold at ``now`` (0 for a watch that is off).

        Two binary searches, whatever the number of recordings.
        """
        long_pause = self.thresholds.long_pause
        pauses = (0 if long_pause is None
                  else self.tracker.count_since_at_most(now - long_pause))
        return WatchCounts(bisect_right(self._from, now), pauses)

    def status_parts(self, now: float) -> list[str]:
        """``3 over 15:00``, ``1 paused over 2:00``: for the status line, per watch on."""
        long_call, long_pause = self.thresholds
        counts = self.counts(now)
        parts = []
        if long_call is not None:
            parts.append(f"{counts.long_calls} over {short_duration(long_call)}")
        if long_pause is not None:
            parts.append(f"{counts.long_pauses} paused over {short_duration(long_pause)}")
        return parts

    def crossings(self, now: float) -> list[Crossing]:
        """The crossings since the last call, up to ``now`` (a tick time): each once."""
        since = self._reported_until
        if now <= since:
            return []
        found = self._pending
        self._pending = []
        long_call, long_pause = self.thresholds
        if long_call is not None:
            times = self._from
            first, last = bisect_right(times, since), bisect_right(times, now)
            settled = self._settled
            for index in range(first, last):
                rec_id = self._ids[index]
                if rec_id not in settled:
                    settled.add(rec_id)
                    found.append(Crossing("long_call", rec_id, times[index]))
        if long_pause is not None:
            for began, rec_id in self.tracker.began_between(since - long_pause,
                                                            now - long_pause):
                found.append(Crossing("long_pause", rec_id, began + long_pause))
        self._reported_until = now
        return found
