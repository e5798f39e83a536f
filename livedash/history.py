"""Recently ended recordings, as this livedash saw them end. No Textual.

The server says only what is live: a recording that ends is simply absent from the next
answer. So "ended" here means *seen to end*: the store tells :class:`EndedHistory`
about every poll it applies (``LiveStore.apply``), and a recording that one poll had and
the next did not becomes an :class:`EndedRecording`:

* its **final duration** is the one it had at the last poll that still had it (counted
  on from its record to that poll, no further: when it ended after that poll, nobody
  knows);
* it **ended** at the first poll that no longer had it (wall clock). When polling was
  interrupted in between (failed polls, ``p``, a long gap), that is when livedash
  noticed, not when it ended: :attr:`EndedRecording.interrupted` says so.

What is *not* an end:

* a recording that left because the filters changed: the first answer for new filters
  replaces the whole set (``PollDiff.reset``) and is compared with nothing;
* a record that is missing because the poll could not read it (named by id among the
  poll's unreadable records);
* a recording that comes back (an id seen again): its entry is dropped.

The history is **global, not per filter**: it is a log of what this livedash saw end,
kept when the filters change (typing a filter re-queries at every pause, and a history
per filter would be wiped by every keystroke; an end seen is a fact about the call, not
about the view). Each entry keeps the filters it was seen under. Calls that ended while
the filters hid them were never seen, and are not here: the view says so.

Bounded: entries older than ``minutes`` (by when the end was noticed) are dropped, and
at most ``max_entries`` are kept (the oldest go first).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from .model import FetchResult, Filters, LiveRecording

if TYPE_CHECKING:
    from .store import PollDiff

__all__ = ["MAX_ENTRIES", "EndedHistory", "EndedRecording"]

MAX_ENTRIES = 10_000
DEFAULT_MINUTES = 30.0


class EndedRecording(msgspec.Struct, frozen=True, gc=False):
    """One recording seen to end. Like ``LiveRecording``, a struct the garbage collector
    never visits: 10,000 of them are kept for half an hour."""

    record: LiveRecording  # as last seen
    final_duration: float  # seconds, at the last poll that still had it
    last_seen: datetime  # wall clock of that poll
    ended: datetime  # wall clock of the first poll without it: when the end was seen
    noticed_at: float  # monotonic time of that poll (what expiry counts from)
    filters: Filters  # what livedash was watching when it saw the end
    interrupted: bool  # polling was interrupted in between: it ended before ``ended``

    @property
    def id(self) -> str:
        return self.record.id


class EndedHistory:
    """The recordings seen to end in the last ``minutes`` (see the module's docstring).

    ``gap_seconds``: a longer time between two polls means polling was interrupted
    (paused, or failing without the store seeing it yet); the app passes twice the poll
    interval plus the request timeout.
    """

    def __init__(self, minutes: float = DEFAULT_MINUTES, *, max_entries: int = MAX_ENTRIES,
                 gap_seconds: float = 30.0):
        self.minutes = minutes
        self.max_entries = max_entries
        self.gap_seconds = gap_seconds
        self._entries: OrderedDict[str, EndedRecording] = OrderedDict()  # oldest first
        self._last_poll: tuple[float, float, datetime] | None = None  # (monotonic, observed, wall)
        self.watching_since: datetime | None = None  # wall clock of the first poll applied
        self.added = 0  # entries added so far (a view tells what came after it was drawn)

    def poll_applied(self, result: FetchResult, diff: PollDiff,
                     previous: Mapping[str, LiveRecording], current: Mapping[str, LiveRecording],
                     *, now: float, wall: datetime, after_failure: bool) -> None:
        """A poll was applied: ``diff`` from ``previous`` (the last poll's records, by id)
        to ``current`` (this poll's).

        ``now``/``wall``: monotonic and wall-clock time it was applied; ``after_failure``:
        polls failed since the last one applied.
        """
        if self.watching_since is None:
            self.watching_since = wall
        entries = self._entries
        if entries:  # seen again: it had not ended
            back = [rec_id for rec_id in entries if rec_id in current] if diff.reset \
                else diff.added
            for rec_id in back:
                entries.pop(rec_id, None)
        last = self._last_poll
        if diff.removed and not diff.reset and last is not None:
            last_at, last_observed, last_wall = last
            unreadable = {error.record_id for error in result.errors if error.record_id}
            interrupted = after_failure or now - last_at > self.gap_seconds
            for rec_id in diff.removed:
                if rec_id in unreadable:  # still there, just not readable this time
                    continue
                rec = previous[rec_id]
                entries.pop(rec_id, None)
                entries[rec_id] = EndedRecording(
                    rec, rec.duration_at(last_observed), last_wall, wall, now,
                    result.filters, interrupted)
                self.added += 1
            while len(entries) > self.max_entries:
                entries.popitem(last=False)
        # the time this poll's answer arrived: what a final duration counts to. Not read
        # off a record: one that only ticked on is an earlier poll's (decode.py).
        observed = result.observed_at or now
        self._last_poll = (now, observed, wall)
        self.expire(now)

    def expire(self, now: float) -> None:
        """Drop what ended (was noticed) more than ``minutes`` before ``now``."""
        oldest = now - self.minutes * 60
        entries = self._entries
        while entries:
            first = next(iter(entries.values()))
            if first.noticed_at >= oldest:
                break
            entries.popitem(last=False)

    def entries(self, now: float) -> list[EndedRecording]:
        """Most recent first."""
        self.expire(now)
        return list(reversed(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, rec_id: str) -> EndedRecording | None:
        return self._entries.get(rec_id)
