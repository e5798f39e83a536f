"""TableRows: the rows the live table shows, in their order, and where the cursor goes.

Kept out of the widget (``widgets/recordings_table.py``) so that it is tested without
Textual: the widget asks this for its rows after a poll, a sort, a search or a fade-out,
and draws them. Which records and in which order is ``row_order``; what the quick search
keeps is ``search``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from operator import attrgetter

from .model import LiveRecording
from .row_order import SortOrder, frozen_durations, view_rows, without_departed
from .search import RowSearch
from .store import LiveStore

_ID = attrgetter("id")


class TableRows:
    """The ordered rows, their ids, which of them ended, and the sort and search."""

    def __init__(self, display_tz: tzinfo | None = None) -> None:
        self.sort = SortOrder()
        self.search = RowSearch(display_tz)  # the quick search: off until set
        self.rows: list[LiveRecording] = []
        self.ids: list[str] = []
        self.ended: frozenset[str] = frozenset()
        self.frozen: dict[str, float] = {}  # ended id → duration when the end was seen
        # What the last full sort was made from, so that a fade-out does not re-sort.
        self._sorted_records: Mapping[str, LiveRecording] | None = None
        self._sorted_by: SortOrder | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def rebuild(self, store: LiveStore, now: float, *, arrived: bool) -> None:
        """The rows from the store at tick time ``now``.

        ``arrived``: a poll's answer came in. Otherwise, with the same records and sort
        as the last full sort, only faded-out rows leave (rows are re-ordered when data
        arrives, not in between); any other change sorts the visible records again.
        """
        ended = store.ended
        self.frozen = frozen_durations(self.frozen, ended, now)
        self.ended = frozenset(ended) if ended else frozenset()
        if (not arrived and store.records is self._sorted_records
                and self.sort == self._sorted_by):
            self.rows = without_departed(self.rows, store.records, ended)
        else:
            self.rows = view_rows(store.visible(), self.sort, now=now, ended=self.ended,
                                  frozen=self.frozen, keep=self.search.keep(self.ended))
            self.search.found(self.rows, store.records, ended)
            self._sorted_records = store.records
            self._sorted_by = self.sort
        self.ids = list(map(_ID, self.rows))

    def resort(self, order: SortOrder) -> None:
        """Order by ``order`` at the next :meth:`rebuild`, even when it is the same."""
        self.sort = order
        self._sorted_by = None

    def index_after(self, old_id: str | None, old_index: int) -> int:
        """Where the cursor goes after a rebuild: on its recording while it is shown,
        else at the same index (clamped to the rows; 0 when there are none)."""
        if old_id is not None:
            index = self.index_of(old_id)
            if index is not None:
                return index
        return min(old_index, max(0, len(self.rows) - 1))

    def index_of(self, recording_id: str) -> int | None:
        try:
            return self.ids.index(recording_id)
        except ValueError:
            return None

    def frozen_duration(self, recording_id: str) -> float | None:
        """The duration an ended row stays at (None: the row is not ended)."""
        return self.frozen.get(recording_id) if recording_id in self.ended else None


def first_row_after(index: int, screen_row: int | None, first: int, max_first: int) -> int:
    """The first row to show after a rebuild: the cursor (now at ``index``) back on the
    screen row it had (``screen_row``; None: it was off screen, the view stays at
    ``first``), within ``0 … max_first``."""
    target = first if screen_row is None else index - screen_row
    return max(0, min(target, max_first))
