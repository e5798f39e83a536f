"""LiveStore: the one source of truth for what the dashboard shows.

It takes each poll's records, diffs them against the previous poll, and keeps what the
status line needs (last success, latency, the current failure). Widgets read it; they
never own live state. No Textual here: it is tested with a fixed clock and plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from itertools import filterfalse
from operator import attrgetter

from .action_state import ActionState
from .clock import Clock
from .errors import FetchError
from .history import EndedHistory
from .model import FetchResult, Filters, LiveRecording, RecordError, reconcile

_IS_PAUSED = attrgetter("is_paused")  # a C-level getter: counted over 10,000 records


class RowMark(Enum):
    """How a row is highlighted for a few seconds after a poll."""

    NONE = ""
    NEW = "new"
    CHANGED = "changed"
    ENDED = "ended"  # gone from the server; shown dimmed, then dropped


@dataclass
class PollDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # anything but the ticking duration
    reset: bool = False  # a new filter: the whole set was replaced, nothing to highlight


@dataclass
class Failure:
    error: FetchError
    at: datetime  # wall clock, for "since HH:MM:SS"
    next_attempt_in: float | None  # seconds; None: waits for the user (401)
    attempt: int = 1  # consecutive failures


class LiveStore:
    def __init__(self, clock: Clock, *, highlight_seconds: float = 3.0, fade_seconds: float = 4.0,
                 history: EndedHistory | None = None):
        self.clock = clock
        self.highlight_seconds = highlight_seconds
        self.fade_seconds = fade_seconds
        self.filters = Filters()
        self.records: dict[str, LiveRecording] = {}
        self.unreadable: list[RecordError] = []
        self.has_data = False  # at least one poll succeeded for the current filters
        self.last_success: datetime | None = None
        self.last_latency: float | None = None
        self.failure: Failure | None = None
        self.polls = 0
        # id → (mark, monotonic time the mark expires)
        self._marks: dict[str, tuple[RowMark, float]] = {}
        # ended recordings still on screen while they fade out: id → last known record
        self.ended: dict[str, LiveRecording] = {}
        self._paused_count: tuple[dict, int] | None = None  # (records counted, count)
        # marks (space) and supervisor actions under way: a recording that ends, or leaves
        # with a filter, loses its mark here
        self.actions = ActionState()
        # recordings seen to end, kept after they fade out (the `h` view): history.py
        self.history = history if history is not None else EndedHistory()

    # -- writing -----------------------------------------------------------------------

    def set_filters(self, filters: Filters) -> bool:
        """Switch to new filters.

        What was shown for the old filters is dropped at once: everything on screen
        always matches the filters on screen, even when the next poll fails.
        """
        if filters == self.filters:
            return False
        self.filters = filters
        self.has_data = False
        self.records = {}
        self.unreadable = []
        self.ended.clear()
        self._marks.clear()
        self.actions.marks.clear()
        self.failure = None
        return True

    def apply(self, result: FetchResult) -> PollDiff | None:
        """Apply a successful poll. Returns None for an answer to filters no longer current."""
        if result.filters != self.filters:
            return None
        now = self.clock.monotonic()
        old = self.records
        # A record that only ticked on stays the object it was (see model.reconcile): the
        # table's caches then see the same row, and an unchanged poll builds nothing new.
        new, added, changed = reconcile(old, result.records)
        diff = PollDiff(reset=not self.has_data)
        if diff.reset:
            self._marks.clear()
            self.ended.clear()
        else:
            diff.added, diff.changed = added, changed
            diff.removed = list(filterfalse(new.__contains__, old))
            until = now + self.highlight_seconds
            for rec_id in diff.added:
                self._marks[rec_id] = (RowMark.NEW, until)
                self.ended.pop(rec_id, None)
            for rec_id in diff.changed:
                self._marks[rec_id] = (RowMark.CHANGED, until)
            fade_until = now + self.fade_seconds
            for rec_id in diff.removed:
                self.ended[rec_id] = old[rec_id]
                self._marks[rec_id] = (RowMark.ENDED, fade_until)
        self.records = new
        if self.actions.marks:
            self.actions.marks.keep_only(new)
        self.unreadable = result.errors
        self.has_data = True
        self.last_success = self.clock.now()
        self.history.poll_applied(result, diff, old, new, now=now, wall=self.last_success,
                                  after_failure=self.failure is not None)
        self.last_latency = result.latency
        self.failure = None
        self.polls += 1
        self.expire_marks()
        return diff

    def fail(self, error: FetchError, next_attempt_in: float | None) -> None:
        attempt = self.failure.attempt + 1 if self.failure else 1
        self.failure = Failure(error, self.clock.now(), next_attempt_in, attempt)

    def expire_marks(self) -> bool:
        """Drop highlights and faded rows whose time is up. True if any row left the view."""
        now = self.clock.monotonic()
        expired = [rec_id for rec_id, (_, until) in self._marks.items() if until <= now]
        left = False
        for rec_id in expired:
            mark, _ = self._marks.pop(rec_id)
            if mark is RowMark.ENDED and self.ended.pop(rec_id, None) is not None:
                left = True
        return left

    # -- reading -----------------------------------------------------------------------

    def mark(self, rec_id: str) -> RowMark:
        entry = self._marks.get(rec_id)
        return entry[0] if entry else RowMark.NONE

    def visible(self) -> list[LiveRecording]:
        """Live records plus those fading out."""
        if not self.ended:
            return list(self.records.values())
        return [*self.records.values(), *self.ended.values()]

    @property
    def stale(self) -> bool:
        return self.failure is not None and self.has_data

    @property
    def paused_count(self) -> int:
        # Asked once a second by the status line: counted once per poll, not per tick.
        records = self.records
        cached = self._paused_count
        if cached is None or cached[0] is not records:
            cached = self._paused_count = (records, sum(map(_IS_PAUSED, records.values())))
        return cached[1]
