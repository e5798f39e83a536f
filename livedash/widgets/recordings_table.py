"""RecordingsTable: the live recordings as a virtual, Line-API table.

Why not ``DataTable``: with 10,000 rows, writing every duration cell once a second,
clearing and refilling, and ``remove_row`` all cost in proportion to the whole table.
Here the cost of drawing follows the *visible* rows and the cost of an update follows the
*changed* rows:

* the table keeps only an ordered list of records (rebuilt by :meth:`sync` after the
  store changed) and draws each visible line on demand in :meth:`render_line`;
* a duration is not stored anywhere: it is computed while drawing from the record's
  anchor (``rec.duration_at(clock.monotonic())``), so :meth:`tick` is a repaint of the
  duration column, not N cell writes;
* the non-ticking cells of a row are sanitised (:func:`safe_text`), fitted to their
  column by cell width and turned into Segments once, then cached per recording
  (bounded LRU), so scrolling and ticking never re-sanitise strings.

Server strings are drawn as plain Segments, never parsed as markup: ``[b]`` and
``[@click=…]`` stay literal.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, tzinfo
from itertools import zip_longest
from math import ceil
from operator import attrgetter
from typing import ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..clock import Clock
from ..model import LiveRecording
from ..safe_text import safe_text
from ..store import LiveStore, PollDiff, RowMark
from ..timefmt import format_clock, format_duration

__all__ = ["COLUMNS", "RecordingsTable"]

log = logging.getLogger(__name__)

# (key, header) in display order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("state", "State"),
    ("duration", "Duration"),
    ("user", "User"),
    ("remote", "Remote party"),
    ("number", "Number"),
    ("started", "Started"),
    ("id", "Id"),
)
_KEYS = tuple(key for key, _ in COLUMNS)
_HEADERS = dict(COLUMNS)

# Sort direction a column starts with when it becomes the sort column.
_DEFAULT_REVERSE = {"duration": True, "started": True}

# Widths in cells (content only, without the one-cell padding either side).
_FIXED_WIDTHS = {"state": 9, "started": 9}  # "❚❚ PAUSED"; "Started ▼"
_MIN_DURATION_WIDTH = 10  # "Duration ▼"; grows if a duration ever needs more
_ID_WIDTH = 36  # a GUID
_MIN_ID_WIDTH = 8  # below this the id column is dropped altogether
_FLEX = ("user", "remote", "number")
_FLEX_MIN = {"user": 8, "remote": 12, "number": 8}  # "Remote party" is 12
# What a supervisor reads matters more than the id: the flexible columns get this much
# before the id gets any room (an E.164 number is at most 16 characters).
_FLEX_WANT = {"user": 14, "remote": 18, "number": 16}
_NUMBER_MAX = 20  # phone numbers are short: the spare room goes to the names
_PAD = 1  # blank cells either side of every column

_STATE_REC = "● REC"
_STATE_PAUSED = "❚❚ PAUSED"
_STATE_ENDED = "✕ ENDED"
_UNKNOWN = "unknown"
_ELLIPSIS = "…"
_LAST = "\U0010ffff"  # sorts after any text: empty values go last
_NO_START = datetime.min.replace(tzinfo=UTC)

_ROW_CACHE_SIZE = 4096
_ID = attrgetter("id")


def _fit(text: str, width: int, right: bool = False) -> str:
    """``text`` truncated (with …) or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length == width:
        return text
    if length < width:
        pad = " " * (width - length)
        return pad + text if right else text + pad
    if width == 1:
        return _ELLIPSIS
    # set_cell_size pads with a space when a wide character would straddle the edge:
    # keep the ellipsis against the text and pad after it instead.
    cut = set_cell_size(text, width - 1)
    if cut.endswith(" "):
        stripped = cut.rstrip(" ")
        return stripped + _ELLIPSIS + " " * (width - 1 - cell_len(stripped))
    return cut + _ELLIPSIS


class _Column(NamedTuple):
    key: str
    x: int  # first cell of the column, padding included
    width: int  # content width, without padding
    right: bool


class _Layout(NamedTuple):
    width: int  # the room for columns (the widget's width less its scrollbar gutter)
    columns: tuple[_Column, ...]
    duration: _Column | None
    used: int  # cells taken by the columns (may exceed width when very narrow)
    line: int = 0  # every rendered line has exactly this many cells (the widget's width)


class _Styles(NamedTuple):
    """Rich styles resolved from the component classes for one render pass."""

    base: Style
    header: Style
    header_sorted: Style
    rows: dict  # RowMark → row style
    paused: dict  # RowMark → style of the "❚❚ PAUSED" cell
    unknown: dict  # RowMark → style of the dim "unknown"
    cursor: Style  # added over every segment of the cursor row


class _Pass(NamedTuple):
    """What every line of one render pass shares."""

    width: int
    first_row: int  # index of the row under the header
    layout: _Layout
    styles: _Styles
    now: float  # one clock reading per pass: every duration on screen agrees
    cursor: int  # row index of the cursor, -1 when there is none


class _RowEntry(NamedTuple):
    record: LiveRecording
    mark: RowMark
    ended: bool
    before: list[Segment]  # cells left of the duration text
    after: list[Segment]  # cells right of the duration text
    duration_style: Style


def _merge(parts: list[tuple[str, Style]]) -> list[Segment]:
    """Segments for (text, style) parts, joining neighbours of the same style."""
    segments: list[Segment] = []
    text_run: list[str] = []
    run_style: Style | None = None
    for text, style in parts:
        if not text:
            continue
        if style is run_style or style == run_style:
            text_run.append(text)
            continue
        if text_run:
            segments.append(Segment("".join(text_run), run_style))
        text_run = [text]
        run_style = style
    if text_run:
        segments.append(Segment("".join(text_run), run_style))
    return segments


def compute_layout(width: int, duration_width: int = _MIN_DURATION_WIDTH) -> _Layout:
    """Column positions for a content ``width``.

    Fixed columns (state, duration, started) keep their width. The id takes 36 cells when
    there is room; when the table is narrow it is truncated first (dropped below 8 cells)
    so that user, remote party and number keep readable widths; only then do those
    shrink, towards their minimums.
    """
    pad = 2 * _PAD
    fixed = {
        "state": _FIXED_WIDTHS["state"],
        "duration": duration_width,
        "started": _FIXED_WIDTHS["started"],
    }
    fixed_total = sum(fixed.values()) + pad * len(fixed)
    flex_min_total = sum(_FLEX_MIN.values())
    avail = width - fixed_total - pad * len(_FLEX)  # for the flex contents and the id column

    widths: dict[str, int] = dict(fixed)
    if avail >= _ID_WIDTH + pad + sum(_FLEX_WANT.values()):
        widths["id"] = _ID_WIDTH
        spare = avail - _ID_WIDTH - pad
        number = max(_FLEX_WANT["number"], min(_NUMBER_MAX, spare // 4))
        names = spare - number
        user = max(_FLEX_WANT["user"], names * 2 // 5)
        widths.update(user=user, remote=names - user, number=number)
    elif avail - pad - sum(_FLEX_WANT.values()) >= _MIN_ID_WIDTH:
        widths["id"] = avail - pad - sum(_FLEX_WANT.values())
        widths.update(_FLEX_WANT)
    else:
        widths["id"] = 0
        room = max(0, avail)
        if room >= flex_min_total:
            # each flexible column gets its minimum, then a share of the rest up to its want
            extra = room - flex_min_total
            wants = {key: _FLEX_WANT[key] - _FLEX_MIN[key] for key in _FLEX}
            total = sum(wants.values())
            for key in _FLEX:
                widths[key] = _FLEX_MIN[key] + min(wants[key], extra * wants[key] // total)
            widths["remote"] += room - sum(widths[key] for key in _FLEX)
        else:
            shares = {key: room * _FLEX_MIN[key] // flex_min_total for key in _FLEX}
            shares["remote"] += room - sum(shares.values())
            widths.update(shares)

    columns = []
    duration = None
    x = 0
    for key in _KEYS:
        w = widths[key]
        if w <= 0:
            continue
        column = _Column(key, x, w, key == "duration")
        if key == "duration":
            duration = column
        columns.append(column)
        x += w + pad
    return _Layout(width, tuple(columns), duration, x)


class RecordingsTable(ScrollView, can_focus=True):
    """The live recordings, one line each, under a fixed header."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "recordings-table--row",
        "recordings-table--header",
        "recordings-table--header-sorted",
        "recordings-table--cursor",
        "recordings-table--new",
        "recordings-table--changed",
        "recordings-table--ended",
        "recordings-table--paused",
        "recordings-table--unknown",
    }

    # Structure only; colours live in styles/table.tcss.
    DEFAULT_CSS = """
    RecordingsTable {
        width: 1fr;
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "cursor_home", "First", show=False),
        Binding("end", "cursor_end", "Last", show=False),
        Binding("enter", "open", "Open", show=False),
        Binding("s", "next_sort", "Sort"),
        Binding("S,shift+s", "reverse_sort", "Reverse"),
    ]

    ALLOW_SELECT = False

    class Opened(Message):
        """Enter (or a click on the cursor row) asked to open a recording."""

        def __init__(self, recording_id: str, table: RecordingsTable | None = None) -> None:
            self.recording_id = recording_id
            self.table = table
            super().__init__()

        @property
        def control(self) -> RecordingsTable | None:
            return self.table

    def __init__(
        self,
        store: LiveStore,
        clock: Clock,
        display_tz: tzinfo | None = None,
        *,
        show_cursor: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._draw_failed = False  # logged once; later failures draw the placeholder
        self.store = store
        self.clock = clock
        self.display_tz = display_tz
        self.show_cursor = show_cursor
        if not show_cursor:
            self.can_focus = False
        self.sort_key: str = "duration"
        self.sort_reverse: bool = True
        self._rows: list[LiveRecording] = []
        self._ids: list[str] = []
        self._ended: frozenset[str] = frozenset()
        self._frozen: dict[str, float] = {}  # ended id → duration when the end was seen
        self._cursor = 0
        self._row_cache: LRUCache[str, _RowEntry] = LRUCache(_ROW_CACHE_SIZE)
        # id → highlight its row was last drawn with (only highlighted ones), so that a
        # tick can repaint the rows whose highlight has expired since.
        self._drawn_marks: dict[str, RowMark] = {}
        self._header_cache: tuple[tuple, Strip] | None = None
        self._layout: _Layout | None = None
        self._duration_width = _MIN_DURATION_WIDTH
        self._styles: _Styles | None = None
        self._pseudo_state: object = None
        self._pass: _Pass | None = None
        self._tick_full_lines = False  # benchmark switch: refresh whole lines on tick
        # What the last full sort was made from, so that a fade-out does not re-sort.
        self._synced_records: dict | None = None
        self._synced_sort: tuple[str, bool] | None = None

    # -- reading ----------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_index(self) -> int:
        return self._cursor

    @property
    def cursor_id(self) -> str | None:
        if not self.show_cursor or not self._ids:
            return None
        return self._ids[self._cursor]

    @property
    def cursor_recording(self) -> LiveRecording | None:
        if not self.show_cursor or not self._rows:
            return None
        return self._rows[self._cursor]

    def recording_at(self, index: int) -> LiveRecording:
        """The record shown at row ``index`` (0 is the first row under the header)."""
        return self._rows[index]

    def row_of(self, recording_id: str) -> int | None:
        try:
            return self._ids.index(recording_id)
        except ValueError:
            return None

    @property
    def _page_rows(self) -> int:
        """Rows that fit under the header."""
        return max(1, self.size.height - self.scrollbar_gutter.height - 1)

    @property
    def _first_row(self) -> int:
        return self.scroll_offset.y

    # -- updating ---------------------------------------------------------------------

    def sync(self, diff: PollDiff | None = None) -> None:
        """Rebuild the row order from the store (after a poll, a fade-out, a reset).

        The cursor stays on its recording, at the same screen row when it was visible;
        when its recording is gone altogether it stays at the same index. Cost: one sort
        of the visible records (when the only change since the last sync is faded-out
        rows leaving, they are just taken out: rows are re-ordered when data arrives, not
        in between), plus a repaint of the lines whose row changed: a poll that changed
        nothing on screen repaints nothing (the durations tick on anyway).
        """
        now = self.clock.monotonic()
        store = self.store
        ended = store.ended
        old_rows = self._rows
        old_ended = self._ended
        frozen = self._frozen
        if ended:
            for rec_id, rec in ended.items():
                if rec_id not in frozen:
                    frozen[rec_id] = rec.duration_at(now)
        if len(frozen) != len(ended) or (frozen and not ended):
            self._frozen = frozen = {k: v for k, v in frozen.items() if k in ended}
        self._ended = frozenset(ended) if ended else frozenset()

        old_id = self.cursor_id
        old_index = self._cursor
        first = self._first_row
        page = self._page_rows
        screen_row = old_index - first if first <= old_index < first + page else None

        sort = (self.sort_key, self.sort_reverse)
        if (diff is None and store.records is self._synced_records
                and sort == self._synced_sort):
            # Nothing arrived and nothing was re-sorted: only faded rows may have left.
            records = store.records
            self._rows = rows = [
                rec for rec in self._rows if rec.id in records or rec.id in ended
            ]
        else:
            self._rows = rows = self._order(store.visible(), now)
            self._synced_records = store.records
            self._synced_sort = sort
        self._ids = ids = list(map(_ID, rows))
        self._forget_departed(store.records, ended)

        count = len(rows)
        if old_id is not None and self._ids:
            try:
                self._cursor = ids.index(old_id)
            except ValueError:
                self._cursor = min(old_index, count - 1)
        else:
            self._cursor = min(old_index, max(0, count - 1))

        height = count + 1
        if self.virtual_size.height != height:
            self.virtual_size = Size(0, height)
        if self.show_cursor and screen_row is not None:
            target = self._cursor - screen_row
        else:
            target = first
        if not self.is_mounted:
            return
        target = max(0, min(target, self.max_scroll_y))
        if target != first or not old_rows or (diff is not None and diff.reset):
            self.scroll_to(y=target, animate=False, force=True)
            self.refresh()
            return
        # The same first row: repaint the lines showing another record, or the same one
        # ended since, or the cursor arriving or leaving.
        new_ended = self._ended
        changed = [
            y for y, (old, new) in enumerate(
                zip_longest(old_rows[first:first + page], rows[first:first + page]))
            if old is not new or (new is not None and (new.id in old_ended) != (new.id in
                                                                             new_ended))
        ]
        if self._cursor != old_index:
            changed += [old_index - first, self._cursor - first]
        if len(changed) > page // 2:
            self.refresh()
        else:
            for y in changed:
                if 0 <= y < page:
                    self.refresh_line(first + y + 1)

    def _forget_departed(self, records: dict, ended: dict) -> None:
        """Drop what is cached for rows no longer in the table.

        Without this the per-row caches fill up to their bounds with calls long over: on
        a floor with churn that is megabytes kept for nothing, and a soak's resident
        memory that keeps growing for an hour before it levels off. Cost: one dict lookup
        per cached row (about the rows drawn), per sync.
        """
        cache = self._row_cache
        gone = [rec_id for rec_id in cache.keys() if rec_id not in records
                and rec_id not in ended]
        for rec_id in gone:
            cache.discard(rec_id)
        drawn = self._drawn_marks
        for rec_id in [k for k in drawn if k not in records and k not in ended]:
            del drawn[rec_id]

    def _order(self, rows: list[LiveRecording], now: float) -> list[LiveRecording]:
        """``rows`` sorted by the sort column, ties broken by id (ascending).

        Reversing gives exactly the reverse order. Keys are built in one list
        comprehension and the sort runs on indexes, so no Python function is called per
        comparison: 5-10 ms for 10,000 rows on a slow core.
        """
        key = self.sort_key
        reverse = self.sort_reverse
        count = len(rows)
        if key == "id":
            return sorted(rows, key=attrgetter("id"), reverse=reverse)
        # Text keys are one string, value + NUL + id: unique, and compared by the fast
        # str comparison instead of tuple comparison (about twice as fast).
        keys: list
        numeric = key in ("duration", "started")
        if key == "duration":
            keys = [
                rec.duration
                if rec.is_paused
                else rec.duration + (now - rec.observed_at if now > rec.observed_at else 0.0)
                for rec in rows
            ]
            for index in self._ended_indexes(rows):
                keys[index] = self._frozen.get(rows[index].id, keys[index])
        elif key == "started":
            keys = [rec.started_at or _NO_START for rec in rows]
        elif key == "state":  # recording, paused, ended
            keys = [("1" if rec.is_paused else "0") + rec.id for rec in rows]
            for index in self._ended_indexes(rows):
                keys[index] = "2" + rows[index].id
        elif key == "user":
            keys = [f"{rec.username.casefold()}\0{rec.id}" for rec in rows]
        elif key == "remote":  # unknown callers after the named ones
            keys = [
                f"{(f'{rec.first_name} {rec.last_name}'.strip() or _LAST).casefold()}\0{rec.id}"
                for rec in rows
            ]
        elif key == "number":
            keys = [(rec.phone_number or _LAST) + "\0" + rec.id for rec in rows]
        else:  # pragma: no cover - sort_by validates
            raise ValueError(key)
        if numeric and len(set(keys)) != count:
            # Ties are the rule here (whole seconds, one observation time per poll), and
            # (value, id) tuples compare slowly. Two stable passes give the same order:
            # by id, then by value; reversing the result is the exact reverse.
            by_id = sorted(range(count), key=list(map(_ID, rows)).__getitem__)
            order = sorted(by_id, key=keys.__getitem__)
            if reverse:
                order.reverse()
        else:
            order = sorted(range(count), key=keys.__getitem__, reverse=reverse)
        return [rows[index] for index in order]

    def _ended_indexes(self, rows: list[LiveRecording]) -> range | list[int]:
        """Where the fading-out records are in ``store.visible()`` (its tail)."""
        ended = self._ended
        if not ended:
            return []
        tail = range(len(rows) - len(ended), len(rows))
        if tail.start >= 0 and all(rows[index].id in ended for index in tail):
            return tail
        return [index for index, rec in enumerate(rows) if rec.id in ended]

    def tick(self) -> None:
        """Once a second: repaint the durations of the visible rows (no re-sort).

        Rows whose highlight changed since they were drawn (a mark expired) are
        repainted whole. Repainting just the duration column was measured against
        repainting whole lines: about the same CPU in-process (whole lines ~5 % less) but
        2.6× less terminal output (4 KB against 11 KB a second at 160×50), which is what
        a kiosk over SSH or a slow terminal pays for.
        """
        if not self._rows or not self.is_mounted:
            return
        first = self._first_row
        last = min(len(self._rows), first + self._page_rows)
        if last <= first:
            return
        if self._tick_full_lines:
            self.refresh_lines(first + 1, last - first)
            return
        mark = self.store.mark
        drawn = self._drawn_marks.get
        none = RowMark.NONE
        rows = self._rows
        for index in range(first, last):
            rec_id = rows[index].id
            if mark(rec_id) is not drawn(rec_id, none):
                self.refresh_line(index + 1)
        layout = self._layout
        if layout is None or layout.duration is None or layout.line != self.size.width:
            self.refresh()
            return
        column = layout.duration
        self.refresh(Region(column.x, 1, column.width + 2 * _PAD, last - first))

    def sort_by(self, key: str, reverse: bool | None = None) -> None:
        """Sort by column ``key`` and re-order now (the cursor keeps its recording).

        ``reverse=None`` keeps the direction when ``key`` is already the sort column;
        otherwise it takes the column's natural direction: longest first for duration,
        newest first for start time, ascending for the rest.
        """
        if key not in _HEADERS:
            raise ValueError(f"unknown column {key!r}; one of {', '.join(_KEYS)}")
        if reverse is None:
            reverse = (
                self.sort_reverse if key == self.sort_key else _DEFAULT_REVERSE.get(key, False)
            )
        self.sort_key = key
        self.sort_reverse = reverse
        self._header_cache = None
        self._synced_sort = None  # re-order now, even by the same column
        self.sync()

    # -- cursor and paging --------------------------------------------------------------

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped) and scroll just enough to show it."""
        if not self.show_cursor or not self._rows:
            return
        index = max(0, min(index, len(self._rows) - 1))
        old = self._cursor
        self._cursor = index
        if old != index:
            self.refresh_line(old + 1)
            self.refresh_line(index + 1)
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self) -> None:
        first = self._first_row
        page = self._page_rows
        index = self._cursor
        if index < first:
            self.scroll_to(y=index, animate=False, force=True)
        elif index >= first + page:
            self.scroll_to(y=index - page + 1, animate=False, force=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        if not self.show_cursor:
            return
        page = self._page_rows
        self.scroll_to(y=max(0, self._first_row - page), animate=False, force=True)
        self.move_cursor(self._cursor - page)

    def action_page_down(self) -> None:
        if not self.show_cursor:
            return
        page = self._page_rows
        self.scroll_to(y=min(self.max_scroll_y, self._first_row + page), animate=False, force=True)
        self.move_cursor(self._cursor + page)

    def action_cursor_home(self) -> None:
        self.move_cursor(0)

    def action_cursor_end(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_open(self) -> None:
        rec_id = self.cursor_id
        if rec_id is not None:
            self.post_message(self.Opened(rec_id, self))

    def action_next_sort(self) -> None:
        if not self.show_cursor:
            return
        key = _KEYS[(_KEYS.index(self.sort_key) + 1) % len(_KEYS)]
        self.sort_by(key, _DEFAULT_REVERSE.get(key, False))

    def action_reverse_sort(self) -> None:
        if not self.show_cursor:
            return
        self.sort_by(self.sort_key, not self.sort_reverse)

    def page_count(self) -> int:
        return max(1, ceil(len(self._rows) / self._page_rows))

    def current_page(self) -> int:
        """1-based page shown: the last page when scrolled to the end."""
        pages = self.page_count()
        first = self._first_row
        if first > 0 and first >= self.max_scroll_y:
            return pages
        return min(pages, first // self._page_rows + 1)

    def page_label(self) -> str:
        return f"page {self.current_page()}/{self.page_count()}"

    def next_page(self) -> None:
        """Kiosk paging: one page of rows down; after the last page, back to the top."""
        page = self.current_page()
        if page >= self.page_count():
            target = 0
        else:
            target = min(page * self._page_rows, self.max_scroll_y)
        self.scroll_to(y=target, animate=False, force=True)
        self.refresh()

    # -- events -----------------------------------------------------------------------

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        x, y = offset
        if y == 0:
            key = self._column_at(x)
            if key is not None:
                event.stop()
                if key == self.sort_key:
                    self.sort_by(key, not self.sort_reverse)
                else:
                    self.sort_by(key)
            return
        if not self.show_cursor:
            return
        index = self._first_row + y - 1
        if 0 <= index < len(self._rows):
            event.stop()
            if index == self._cursor:
                self.action_open()
            else:
                self.move_cursor(index)

    def _column_at(self, x: int) -> str | None:
        for column in self._get_layout().columns:
            if column.x <= x < column.x + column.width + 2 * _PAD:
                return column.key
        return None

    def _on_resize(self, event: events.Resize) -> None:
        # A new width gets a new layout (and empty row caches) in _get_layout.
        if self.show_cursor and self._rows:
            self._scroll_cursor_into_view()

    def notify_style_update(self) -> None:
        # Like DataTable: anything drawn with the old styles is stale. (Component styles
        # are updated after this call, so they are resolved again lazily, at render.)
        super().notify_style_update()
        self._styles = None
        self._clear_render_caches()
        self.refresh()

    def _clear_render_caches(self) -> None:
        self._row_cache.clear()
        self._header_cache = None
        self._layout = None

    # -- rendering ----------------------------------------------------------------------

    def _get_layout(self, line: int | None = None) -> _Layout:
        if line is None:
            line = self.size.width
        # Columns stay clear of the vertical scrollbar, which is drawn over the widget's
        # last cells; lines still span the whole width.
        room = max(0, line - self.scrollbar_gutter.width)
        layout = self._layout
        if layout is None or layout.line != line or layout.width != room:
            if layout is not None:
                self._row_cache.clear()
                self._header_cache = None
            layout = compute_layout(room, self._duration_width)._replace(line=line)
            self._layout = layout
        return layout

    def _overlay(self, base: Style, name: str) -> Style:
        """``base`` with what component class ``name`` sets on top of it.

        ``get_component_rich_style(a, b)`` is not a layering: its colours are those of
        the last class alone, over the widget's background. So layer by hand: the text
        attributes the class sets, and its colours where it sets them (taken from the
        full style, where alpha is already blended).
        """
        get = self.get_component_rich_style
        partial = get(name, partial=True)
        full = get(name)
        return (
            base
            + partial.without_color
            + Style(
                color=full.color if partial.color is not None else None,
                bgcolor=full.bgcolor if partial.bgcolor is not None else None,
            )
        )

    def _resolve_styles(self) -> _Styles:
        overlay = self._overlay
        row = self.get_component_rich_style("recordings-table--row")
        header = self.get_component_rich_style("recordings-table--header")
        rows = {
            RowMark.NONE: row,
            RowMark.NEW: overlay(row, "recordings-table--new"),
            RowMark.CHANGED: overlay(row, "recordings-table--changed"),
            RowMark.ENDED: overlay(row, "recordings-table--ended"),
        }
        return _Styles(
            base=self.rich_style,
            header=header,
            header_sorted=overlay(header, "recordings-table--header-sorted"),
            rows=rows,
            paused={m: overlay(s, "recordings-table--paused") for m, s in rows.items()},
            unknown={m: overlay(s, "recordings-table--unknown") for m, s in rows.items()},
            cursor=overlay(row, "recordings-table--cursor"),
        )

    def _get_styles(self) -> _Styles:
        """Component styles, resolved once and kept until they may have changed.

        Resolving them costs more than drawing a row, so not on every frame: they are
        dropped by notify_style_update (CSS, theme) and when the pseudo-class state
        changes (focus, hover), which is when Textual restyles component classes
        without calling notify_style_update.
        """
        state = self.get_pseudo_class_state()
        if state != self._pseudo_state:
            self._pseudo_state = state
            self._styles = None
        if self._styles is None:
            self._row_cache.clear()
            self._header_cache = None
            self._styles = self._resolve_styles()
        return self._styles

    def _begin_pass(self) -> _Pass:
        size = self.size
        return _Pass(
            size.width,
            self.scroll_offset.y,
            self._get_layout(size.width),
            self._get_styles(),
            self.clock.monotonic(),
            self._cursor if self.show_cursor else -1,
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line of this pass shares is read once, not once per line.
        self._pass = self._begin_pass()
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def render_line(self, y: int) -> Strip:
        # An exception escaping here would end the app (Textual stops the widget): a
        # row that cannot be drawn becomes a visible placeholder and one log entry.
        try:
            return self._draw_line(y)
        except Exception:
            if not self._draw_failed:
                self._draw_failed = True
                log.exception("a table row could not be drawn")
            width = self.size.width
            return Strip([Segment(_fit(" ⚠ this row could not be drawn (see the log)", width))],
                         width)

    def _draw_line(self, y: int) -> Strip:
        frame = self._pass or self._begin_pass()
        width, first, layout, styles, now, cursor = frame
        if y == 0:
            return self._render_header(width, layout, styles)
        index = first + y - 1
        rows = self._rows
        if not 0 <= index < len(rows):
            return Strip.blank(width, styles.base)
        rec = rows[index]
        entry = self._row_entry(rec, layout, styles)
        duration_column = layout.duration
        if duration_column is None:
            segments = entry.before + entry.after
        else:
            seconds = self._frozen.get(rec.id) if entry.ended else None
            if seconds is None:
                seconds = rec.duration_at(now)
            text = format_duration(seconds)
            cells = duration_column.width
            if len(text) > cells:
                self._grow_duration(len(text))
            segments = [
                *entry.before,
                Segment(text.rjust(cells)[:cells], entry.duration_style),
                *entry.after,
            ]
        if index == cursor:
            cursor_style = styles.cursor
            segments = [Segment(text, style + cursor_style) for text, style, _ in segments]
        if layout.used > width:  # narrower than the fixed columns: cut at the edge
            return Strip(segments, layout.used).crop(0, width)
        return Strip(segments, width)

    def _grow_duration(self, cells: int) -> None:
        """A duration outgrew its column (a stuck call past 999 h): widen it next frame."""
        if cells > self._duration_width:
            self._duration_width = cells
            self.call_later(self._relayout)

    def _relayout(self) -> None:
        self._clear_render_caches()
        self.refresh()

    def _row_entry(self, rec: LiveRecording, layout: _Layout, styles: _Styles) -> _RowEntry:
        """The cached, styled cells of a row (everything but the ticking duration)."""
        mark = self.store.mark(rec.id)
        ended = rec.id in self._ended
        entry = self._row_cache.get(rec.id)
        if entry is not None and entry.mark is mark and entry.ended == ended:
            if entry.record is rec:
                return entry
            if entry.record.same_but_duration(rec):  # the next poll's copy of the same row
                entry = self._row_cache[rec.id] = entry._replace(record=rec)
                return entry
        row_mark = RowMark.ENDED if ended else mark  # gone from the server: always dim
        row_style = styles.rows[row_mark]
        if ended:
            state, state_style = _STATE_ENDED, row_style
        elif rec.is_paused:
            state, state_style = _STATE_PAUSED, styles.paused[row_mark]
        else:
            state, state_style = _STATE_REC, row_style
        pad = " " * _PAD
        before: list[tuple[str, Style]] = []
        after: list[tuple[str, Style]] = []
        parts = before
        for column in layout.columns:
            key = column.key
            width = column.width
            if key == "duration":
                before.append((pad, row_style))
                parts = after
                after.append((pad, row_style))
                continue
            style = row_style
            if key == "state":
                text, style = state, state_style
            elif key == "user":
                text = safe_text(rec.username)
            elif key == "remote":
                text = rec.remote_name
                if text:
                    text = safe_text(text)
                else:
                    text, style = _UNKNOWN, styles.unknown[row_mark]
            elif key == "number":
                text = safe_text(rec.phone_number)
            elif key == "started":
                text = format_clock(rec.started_at, self.display_tz)
            else:  # id
                text = safe_text(rec.id)
            parts.append((pad, row_style))
            parts.append((_fit(text, width, column.right), style))
            parts.append((pad, row_style))
        if layout.used < layout.line:
            parts.append((" " * (layout.line - layout.used), row_style))
        entry = _RowEntry(rec, mark, ended, _merge(before), _merge(after), row_style)
        drawn = self._drawn_marks
        if mark is RowMark.NONE:
            drawn.pop(rec.id, None)
        else:
            if len(drawn) >= _ROW_CACHE_SIZE:  # mostly ids long gone: start afresh
                drawn.clear()
                self._row_cache.clear()  # so rows on screen register again…
                self.call_later(self.refresh)  # …when they are drawn next
            drawn[rec.id] = mark
        self._row_cache[rec.id] = entry
        return entry

    def _render_header(self, width: int, layout: _Layout, styles: _Styles) -> Strip:
        cache_key = (width, self.sort_key, self.sort_reverse, layout)
        cached = self._header_cache
        if cached is not None and cached[0] == cache_key:
            return cached[1]
        header_style = styles.header
        arrow = "▼" if self.sort_reverse else "▲"
        pad = " " * _PAD
        parts: list[tuple[str, Style]] = []
        for column in layout.columns:
            label = _HEADERS[column.key]
            style = header_style
            if column.key == self.sort_key:
                style = styles.header_sorted
                if column.width >= 3:
                    label = f"{_fit(label, column.width - 2).rstrip()} {arrow}"
            parts.append((pad, header_style))
            parts.append((_fit(label, column.width, column.right), style))
            parts.append((pad, header_style))
        if layout.used < width:
            parts.append((" " * (width - layout.used), header_style))
        strip = Strip(_merge(parts), max(width, layout.used))
        if layout.used > width:
            strip = strip.crop(0, width)
        self._header_cache = (cache_key, strip)
        return strip
