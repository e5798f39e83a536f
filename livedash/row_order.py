"""Which rows the table shows, in which order: pure, no Textual.

The table's rows are a *view* of the store: :func:`view_rows` takes the records on
screen (live and fading out), keeps those a filter wants (none yet: the seam for a local
search) and orders them (:func:`order_rows`). The widget only draws the result.

Order: by the sort column, ties broken by id, so that the same records come out in the
same order whatever order the server listed them in; the reverse order is exactly the
reverse. Text compares case-insensitively, empty text (an unknown caller, a withheld
number) after any other. Ended rows (fading out) stay where their values put them, with
the duration they had when their end was seen; by state they come last (recording,
paused, ended). Nothing re-sorts between polls: :func:`without_departed` takes faded
rows out of an order without sorting again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, datetime
from operator import attrgetter
from typing import NamedTuple

from .model import LiveRecording, durations_at
from .table_layout import COLUMNS

__all__ = [
    "DEFAULT_REVERSE",
    "SortOrder",
    "frozen_durations",
    "order_rows",
    "view_rows",
    "without_departed",
]

# The direction a column starts with when it becomes the sort column: longest calls and
# newest starts first, the rest ascending.
DEFAULT_REVERSE: Mapping[str, bool] = {"duration": True, "started": True}

_LAST = "\U0010ffff"  # sorts after any text: empty values go last
_NO_START = datetime.min.replace(tzinfo=UTC)
_ID = attrgetter("id")


class SortOrder(NamedTuple):
    key: str = "duration"
    reverse: bool = True

    @classmethod
    def by(cls, key: str, reverse: bool | None = None) -> SortOrder:
        """Sort by ``key``, in its natural direction unless ``reverse`` says otherwise."""
        if key not in COLUMNS:
            raise ValueError(f"unknown column {key!r}; one of {', '.join(COLUMNS)}")
        return cls(key, DEFAULT_REVERSE.get(key, False) if reverse is None else reverse)

    def next_column(self) -> SortOrder:
        """The next column to the right (after the last, the first), its natural direction."""
        return SortOrder.by(COLUMNS[(COLUMNS.index(self.key) + 1) % len(COLUMNS)])

    def reversed(self) -> SortOrder:
        return SortOrder(self.key, not self.reverse)

    def clicked(self, key: str) -> SortOrder:
        """A click on header ``key``: reverse when it is the sort column, else sort by it."""
        return self.reversed() if key == self.key else SortOrder.by(key)


def frozen_durations(previous: Mapping[str, float], ended: Mapping[str, LiveRecording],
                     now: float) -> dict[str, float]:
    """The duration of every ended recording as it was when its end was first seen.

    ``previous`` is the last result: a recording keeps the value it froze at; a newly
    ended one freezes at ``now`` (the last tick: the value its row was showing).
    """
    if not ended:
        return {}
    return {rec_id: previous[rec_id] if rec_id in previous else rec.duration_at(now)
            for rec_id, rec in ended.items()}


def view_rows(rows: Iterable[LiveRecording], order: SortOrder, *, now: float,
              ended: Collection[str] = (), frozen: Mapping[str, float] | None = None,
              keep: Callable[[LiveRecording], bool] | None = None) -> list[LiveRecording]:
    """The rows the table shows: ``rows`` that ``keep`` wants (all without one), ordered."""
    shown = list(rows) if keep is None else [rec for rec in rows if keep(rec)]
    return order_rows(shown, order, now=now, ended=ended, frozen=frozen)


def order_rows(rows: list[LiveRecording], order: SortOrder, *, now: float,
               ended: Collection[str] = (), frozen: Mapping[str, float] | None = None,
               ) -> list[LiveRecording]:
    """``rows`` sorted by ``order``, ties by id (see the module's docstring).

    ``now``: the time durations are compared at (the last tick). ``ended``: ids of the
    rows fading out; ``frozen``: their durations (:func:`frozen_durations`).

    Keys are built in one comprehension and the sort runs on indexes, so no Python
    function runs per comparison: a few ms for 10,000 rows on a slow core.
    """
    key = order.key
    reverse = order.reverse
    count = len(rows)
    if key == "id":
        return sorted(rows, key=_ID, reverse=reverse)
    # Text keys are one string, value + NUL + id: unique, and compared by the fast str
    # comparison instead of tuple comparison (about twice as fast).
    keys: list
    numeric = key in ("duration", "started")
    if key == "duration":
        keys = durations_at(rows, now)
        if ended and frozen:
            for index in _indexes_of(rows, ended):
                keys[index] = frozen.get(rows[index].id, keys[index])
    elif key == "started":
        keys = [rec.started_at or _NO_START for rec in rows]
    elif key == "state":  # recording, paused, ended
        keys = [("1" if rec.is_paused else "0") + rec.id for rec in rows]
        for index in _indexes_of(rows, ended):
            keys[index] = "2" + rows[index].id
    elif key == "user":
        keys = [f"{rec.username.casefold()}\0{rec.id}" for rec in rows]
    elif key == "remote":  # unknown callers after the named ones
        keys = [f"{(f'{rec.first_name} {rec.last_name}'.strip() or _LAST).casefold()}\0{rec.id}"
                for rec in rows]
    elif key == "number":
        keys = [f"{rec.phone_number or _LAST}\0{rec.id}" for rec in rows]
    else:
        raise ValueError(f"unknown column {key!r}")
    if numeric and len(set(keys)) != count:
        # Ties are the rule here (whole seconds, one observation time per poll), and
        # (value, id) tuples compare slowly. Two stable passes give the same order:
        # by id, then by value; reversing the result is the exact reverse.
        by_id = sorted(range(count), key=list(map(_ID, rows)).__getitem__)
        indexes = sorted(by_id, key=keys.__getitem__)
        if reverse:
            indexes.reverse()
    else:
        indexes = sorted(range(count), key=keys.__getitem__, reverse=reverse)
    return [rows[index] for index in indexes]


def _indexes_of(rows: list[LiveRecording], ids: Collection[str]) -> range | list[int]:
    """Where the records with ``ids`` are in ``rows``: usually its tail (the store lists
    the fading-out records after the live ones), so that is tried first."""
    if not ids:
        return []
    tail = range(len(rows) - len(ids), len(rows))
    if tail.start >= 0 and all(rows[index].id in ids for index in tail):
        return tail
    return [index for index, rec in enumerate(rows) if rec.id in ids]


def without_departed(rows: list[LiveRecording], records: Mapping[str, LiveRecording],
                     ended: Mapping[str, LiveRecording]) -> list[LiveRecording]:
    """``rows`` less those neither live nor fading out any more, in the same order."""
    return [rec for rec in rows if rec.id in records or rec.id in ended]
