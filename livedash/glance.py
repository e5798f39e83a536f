"""What the kiosk shows at a glance, derived from the store (no Textual).

The glance panel (``widgets/glance_panel.py``) draws a :class:`GlanceView`: big totals
(recording, paused), the longest current call ticking like the table's durations, the
counts of the last half hour (``count_history.py``) and, when thresholds are set, how
many recordings are at or over them. This module decides what each of those reads; the
widget only lays them out.

Thresholds (``--long-call``, ``--long-pause``) are counted elsewhere (``watch.py``): the
view takes their counts as :class:`ThresholdCount` values, or None for "not asked for"
(the tile is then not shown at all).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from .count_history import CountHistory, CountTrend
from .model import LiveRecording
from .safe_text import safe_text
from .store import LiveStore
from .table_layout import UNKNOWN
from .timefmt import format_duration
from .watch import LONG_CALL_MARK, LONG_PAUSE_MARK

# What a threshold tile says under its count: a word as well as a colour. Over a
# threshold, the very words the table marks such rows with, so the wall and its rows agree.
LONG_CALL_WORD = LONG_CALL_MARK
LONG_PAUSE_WORD = LONG_PAUSE_MARK
CLEAR_WORD = "✓ none"


def threshold_text(seconds: float) -> str:
    """A threshold as a duration reads: ``15:00``, ``0:45``, ``1:30:00``."""
    if seconds >= 3600:
        return format_duration(seconds)  # H:MM:SS
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class ThresholdCount:
    """How many recordings are at or over a threshold, and what the tile calls them."""

    label: str  # e.g. "CALLS ≥ 15:00"
    count: int | None  # None: no data to count (no answer yet): no figure, no all-clear
    short_label: str = ""  # for a narrow terminal, e.g. "≥ 15:00"; '' : the label
    alert_word: str = "⚠"  # under a count that is not zero, e.g. "⚠ LONG"

    @property
    def alert(self) -> bool:
        return bool(self.count)

    @property
    def word(self) -> str:
        """'' without a count: the panel says why, as under the totals."""
        if self.count is None:
            return ""
        return self.alert_word if self.alert else CLEAR_WORD


def long_calls(count: int, seconds: float) -> ThresholdCount:
    """The tile of ``--long-call``: recordings that have run ``seconds`` or longer."""
    limit = threshold_text(seconds)
    return ThresholdCount(f"CALLS ≥ {limit}", count, f"≥ {limit}", LONG_CALL_WORD)


def long_pauses(count: int, seconds: float) -> ThresholdCount:
    """The tile of ``--long-pause``: recordings paused for ``seconds`` or longer."""
    limit = threshold_text(seconds)
    return ThresholdCount(f"PAUSES ≥ {limit}", count, f"❚❚ ≥ {limit}", LONG_PAUSE_WORD)


class LongestCallFinder:
    """The live recording with the longest duration at a tick time, at O(1) a tick.

    Running recordings all grow at the same pace, so which of them is longest changes
    only when a poll brings new records; a paused one stands still and may be overtaken.
    So the longest running and the longest paused recording are found once per poll
    (the store replaces its ``records`` dict on every poll), and each tick compares two.
    """

    def __init__(self) -> None:
        self._records: Mapping[str, LiveRecording] | None = None
        self._running: LiveRecording | None = None
        self._paused: LiveRecording | None = None

    def longest(self, records: Mapping[str, LiveRecording], now: float) -> LiveRecording | None:
        if records is not self._records:
            self._records = records
            running = [rec for rec in records.values() if not rec.is_paused]
            paused = [rec for rec in records.values() if rec.is_paused]
            # duration_at(now) = duration + now - observed_at: the order of
            # duration - observed_at is the order at any later tick
            self._running = max(running, key=lambda r: r.duration - r.observed_at,
                                default=None)
            self._paused = max(paused, key=lambda r: r.duration, default=None)
        candidates = [rec for rec in (self._running, self._paused) if rec is not None]
        # the running one first: it wins a tie (its duration still moves)
        return max(candidates, key=lambda r: r.duration_at(now), default=None)


@dataclass(frozen=True)
class LongestCall:
    """The longest current call as the glance reads it (server text made safe)."""

    who: str  # the local user
    whom: str  # the other party: name, else number, else "unknown"
    duration: str  # as its row in the table shows it at this tick
    paused: bool


def describe_longest(rec: LiveRecording, duration: str) -> LongestCall:
    whom = rec.remote_name or rec.phone_number
    return LongestCall(safe_text(rec.username) or UNKNOWN,
                       safe_text(whom) if whom else UNKNOWN, duration, rec.is_paused)


@dataclass(frozen=True)
class GlanceView:
    """Everything the glance panel shows, for one tick or poll."""

    level: str  # the status line's: connecting | live | stale | error | paused
    recording: int | None  # recordings not paused; None before the first answer
    paused: int | None
    longest: LongestCall | None
    trend: CountTrend
    page: str  # the table's "page 1/3"
    long_calls: ThresholdCount | None = None
    long_pauses: ThresholdCount | None = None

    @property
    def stale(self) -> bool:
        """The figures are the last good poll's, not the server's word now."""
        return self.level in ("stale", "error")


class Glance:
    """What the glance keeps between polls (the counts' history, the longest-call finder),
    and the view it makes of the store at a tick."""

    def __init__(self, history: CountHistory | None = None):
        self.history = history or CountHistory()
        self.finder = LongestCallFinder()

    def observe(self, store: LiveStore, now: float) -> None:
        """After a successful poll (at monotonic ``now``): its counts join the history."""
        if store.has_data:
            paused = store.paused_count
            self.history.add(now, len(store.records) - paused, paused)

    def view(self, store: LiveStore, *, level: str, now: float, page: str,
             duration_text: Callable[[LiveRecording], str],
             long_calls: ThresholdCount | None = None,
             long_pauses: ThresholdCount | None = None) -> GlanceView:
        """The glance at tick time ``now``; ``duration_text`` is the table's (same tick)."""
        longest = None
        recording = paused = None
        if not store.has_data:  # the watch counts 0 of nothing: not an all-clear
            long_calls = long_calls and replace(long_calls, count=None)
            long_pauses = long_pauses and replace(long_pauses, count=None)
        else:
            paused = store.paused_count
            recording = len(store.records) - paused
            rec = self.finder.longest(store.records, now)
            if rec is not None:
                longest = describe_longest(rec, duration_text(rec))
        return GlanceView(level, recording, paused, longest, self.history.trend(now), page,
                          long_calls, long_pauses)
