"""RecordingsTable: the live recordings as a virtual, Line-API table.

What it shows is decided in pure modules: which rows in which order (``table_rows``,
``row_order``), which columns how wide and what each cell reads (``table_layout``);
``table_paint`` turns cells into styled Segments. This widget draws, scrolls and keeps
the cursor.

Why not ``DataTable``: with 10,000 rows, writing every duration cell once a second,
clearing and refilling, and ``remove_row`` all cost in proportion to the whole table.
Here drawing costs in proportion to the *visible* rows, an update to the *changed* ones:
the table keeps an ordered list of records (rebuilt by :meth:`sync` after the store or
the search changed) and draws each visible line on demand (:meth:`render_line`), from
cells kept per recording. A duration is stored nowhere: it is computed while drawing, at
the time of the last tick (:meth:`tick`), so every duration on screen changes once a
second, at the tick, and a repaint in between (a poll) never shows the next second early.

Server strings are drawn as plain Segments, never parsed as markup. ``show_cursor=False``
is the wall display (kiosk): no cursor, no sorting, no scrollbar; rows are shown a page
at a time, the page an explicit index (:attr:`page`) that polls and fading rows do not move.
"""

from __future__ import annotations

import logging
from datetime import tzinfo
from math import ceil
from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..clock import Clock
from ..model import LiveRecording
from ..row_order import SortOrder
from ..search import Query, RowSearch
from ..store import LiveStore, PollDiff
from ..table_layout import DURATION_WIDTH, PAD, TableLayout, compute_layout, duration_text, fit
from ..table_rows import TableRows, first_row_after
from ..watch import Watch
from .table_paint import (
    RenderPass,
    RowPainter,
    TableStyles,
    alert_cells,
    changed_lines,
    resolve_styles,
    row_strip,
    timed_record,
)

__all__ = ["RecordingsTable"]

log = logging.getLogger(__name__)

# The keys that move a table's cursor (this table's and the recently-ended one's): not in
# the footer, in the help (keys.py).
CURSOR_BINDINGS: list[BindingType] = [
    Binding("up", "cursor_up", "Up", show=False),
    Binding("down", "cursor_down", "Down", show=False),
    Binding("pageup", "page_up", "Page up", show=False),
    Binding("pagedown", "page_down", "Page down", show=False),
    Binding("home", "cursor_home", "First", show=False),
    Binding("end", "cursor_end", "Last", show=False),
]


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
        "recordings-table--alert",
        "recordings-table--marked", "recordings-table--busy",  # supervisor actions
        "recordings-table--match",
    }

    # Structure only; colours live in styles/table.tcss. The kiosk pages instead of
    # scrolling: no scrollbar to come and go as rows start and fade.
    DEFAULT_CSS = """
    RecordingsTable {
        width: 1fr;
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    RecordingsTable.-kiosk {
        overflow-y: hidden;
        scrollbar-gutter: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *CURSOR_BINDINGS,
        Binding("enter", "open", "Open", show=False),
        Binding("s", "next_sort", "Sort", show=False),  # in the help; the footer keeps to 80
        Binding("S,shift+s", "reverse_sort", "Reverse", show=False),  # footer: 80 columns
    ]

    ALLOW_SELECT = False

    cursor: Reactive[int] = Reactive(0, repaint=False, always_update=True)
    """Row index of the cursor (clamped to the rows; 0 when there are none)."""

    estimated: Reactive[bool] = Reactive(False, repaint=False)
    """The view is stale or polling is paused: running durations read ``~0:12:34``."""

    page: Reactive[int] = Reactive(0)
    """Kiosk: the page of rows shown, 0-based (clamped to the pages there are)."""

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
        watch: Watch | None = None,
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
        self.kiosk = not show_cursor
        self.watch = watch  # long calls and forgotten pauses: rows' marks (table_paint)
        # Durations are drawn at this (monotonic) time: the last tick's. None until read.
        self.tick_time: float | None = None
        self._view = TableRows(display_tz)  # the rows, their order, the sort and search
        self._painter = RowPainter(display_tz, store, lambda: self.call_later(self.refresh))
        self._layout: TableLayout | None = None
        self._layout_line = 0  # the widget width the layout was made for
        self._duration_width = DURATION_WIDTH
        self._styles: TableStyles | None = None
        self._pseudo_state: object = None
        self._pass: RenderPass | None = None
        if self.kiosk:
            self.can_focus = False
            self.add_class("-kiosk")

    # -- reading ----------------------------------------------------------------------

    @property
    def sort(self) -> SortOrder:
        return self._view.sort

    @property
    def search(self) -> RowSearch:
        return self._view.search

    @property
    def _rows(self) -> list[LiveRecording]:
        return self._view.rows

    @property
    def sort_key(self) -> str:
        return self.sort.key

    @property
    def sort_reverse(self) -> bool:
        return self.sort.reverse

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_index(self) -> int:
        return self.cursor

    @property
    def cursor_id(self) -> str | None:
        if not self.show_cursor or not self._rows:
            return None
        return self._view.ids[self.cursor]

    @property
    def cursor_recording(self) -> LiveRecording | None:
        if not self.show_cursor or not self._rows:
            return None
        return self._rows[self.cursor]

    def recording_at(self, index: int) -> LiveRecording:
        """The record shown at row ``index`` (0 is the first row under the header)."""
        return self._rows[index]

    def row_of(self, recording_id: str) -> int | None:
        return self._view.index_of(recording_id)

    def is_ended(self, recording_id: str) -> bool:
        return recording_id in self._view.ended

    def duration_text_of(self, rec: LiveRecording) -> str:
        """The duration the row of ``rec`` shows now (the details dialog shows the same)."""
        now = self._now()
        entry = self._painter.cache.get(rec.id)
        timed = rec if entry is None else timed_record(entry.timed, rec, now)
        return duration_text(timed, now, frozen=self._view.frozen_duration(rec.id),
                             estimated=self.estimated)

    @property
    def _page_rows(self) -> int:
        """Rows that fit under the header."""
        return max(1, self.size.height - self.scrollbar_gutter.height - 1)

    @property
    def _first_row(self) -> int:
        """Index of the row under the header."""
        if self.kiosk:
            return self.page * self._page_rows
        return self.scroll_offset.y

    def _now(self) -> float:
        if self.tick_time is None:
            self.tick_time = self.clock.monotonic()
        return self.tick_time

    def _refresh_rows(self, index: int, count: int = 1) -> None:
        """Repaint rows ``index`` … ``index + count - 1`` (where they are on screen)."""
        self.refresh_lines(index - self._first_row + 1 + self.scroll_offset.y, count)

    # -- updating ---------------------------------------------------------------------

    def sync(self, diff: PollDiff | None = None) -> None:
        """Rebuild the rows from the store (after a poll, a fade-out, a reset).

        The cursor stays on its recording, at the same screen row when it was visible;
        when its recording is gone altogether it stays at the same index. Cost: one sort
        of the visible records (when the only change since the last sync is faded-out
        rows leaving, they are just taken out: rows are re-ordered when data arrives, not
        in between), plus a repaint of the lines whose row changed: a poll that changed
        nothing on screen repaints nothing (the durations tick on anyway).
        """
        view = self._view
        old_rows, old_ended = view.rows, view.ended
        old_id = self.cursor_id
        old_index = self.cursor
        first = self._first_row
        page = self._page_rows
        screen_row = old_index - first if first <= old_index < first + page else None

        view.rebuild(self.store, self._now(), arrived=diff is not None)
        rows = view.rows
        self._painter.forget_departed(self.store.records, self.store.ended)
        count = len(rows)
        index = view.index_after(old_id, old_index)
        # The rows moved under the cursor: no watcher (it would scroll); placed below.
        self.set_reactive(RecordingsTable.cursor, index)

        if self.kiosk:
            self.page = self.page  # as many pages as there are now
            height = 1
        else:
            height = count + 1
        if self.virtual_size.height != height:
            self.virtual_size = Size(0, height)
        if not self.is_mounted:
            return
        if self.kiosk:
            target = self._first_row
            moved = target != first
        else:
            target = first_row_after(index, screen_row if self.show_cursor else None,
                                     first, self.max_scroll_y)
            moved = target != first
            if moved or not old_rows or (diff is not None and diff.reset):
                self.scroll_to(y=target, animate=False, force=True)
        if moved or not old_rows or (diff is not None and diff.reset):
            self.refresh()
            return
        # The same first row: repaint the lines that look different, or the cursor
        # arriving or leaving.
        changed = changed_lines(old_rows[first:first + page], rows[first:first + page],
                                old_ended, view.ended)
        if index != old_index and self.show_cursor:
            changed += [old_index - first, index - first]
        if len(changed) > page // 2:
            self.refresh()
        else:
            for y in changed:
                if 0 <= y < page:
                    self._refresh_rows(first + y)

    def tick(self, now: float | None = None) -> None:
        """Once a second, at tick time ``now`` (monotonic; the clock's when not given):
        repaint the duration column's region (no re-sort), and whole rows whose highlight
        expired. Against repainting whole lines: about the same CPU, 2.6× less terminal
        output (4 against 11 KB/s at 160×50; ``benchmarks/bench_table_render.py``).
        """
        self.tick_time = self.clock.monotonic() if now is None else now
        if not self._rows or not self.is_mounted:
            return
        first = self._first_row
        last = min(len(self._rows), first + self._page_rows)
        if last <= first:
            return
        expired = self._painter.mark_expired
        rows = self._rows
        for index in range(first, last):
            if expired(rows[index].id):
                self._refresh_rows(index)
        self._refresh_durations(last - first)

    def _refresh_durations(self, rows: int | None = None) -> None:
        """Repaint the duration column of the first ``rows`` rows on screen (all)."""
        layout = self._layout
        if layout is None or layout.duration is None or self._layout_line != self.size.width:
            self.refresh()
            return
        if rows is None:
            rows = self._page_rows
        column = layout.duration
        self.refresh(Region(column.x, 1, column.width + 2 * PAD, rows))

    def watch_estimated(self) -> None:
        if self.is_mounted:
            self._refresh_durations()

    def sort_by(self, key: str, reverse: bool | None = None) -> None:
        """Sort by column ``key`` and re-order now (the cursor keeps its recording).

        ``reverse=None`` keeps the direction when ``key`` is already the sort column;
        otherwise it takes the column's natural direction: longest first for duration,
        newest first for start time, ascending for the rest.
        """
        if reverse is None and key == self.sort.key:
            reverse = self.sort.reverse
        self._set_sort(SortOrder.by(key, reverse))

    def set_search(self, query: Query | None) -> None:
        """Show only the rows ``query`` finds, matches highlighted (None: every row)."""
        if self.search.set(query):
            self._painter.query = self.search.query
            self._painter.clear()  # the kept rows were drawn with the old highlights
            self._set_sort(self.sort)  # filter and order again now
            self.refresh()

    def _set_sort(self, order: SortOrder) -> None:
        self._view.resort(order)  # re-order now, even by the same column
        self.sync()

    # -- cursor and paging --------------------------------------------------------------

    def validate_cursor(self, index: int) -> int:
        return max(0, min(index, len(self._rows) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        if not self.show_cursor or not self.is_mounted:
            return
        if old != new:
            self._refresh_rows(old)
            self._refresh_rows(new)
        self._scroll_cursor_into_view()

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped) and scroll just enough to show it."""
        if self.show_cursor and self._rows:
            self.cursor = index

    def _scroll_cursor_into_view(self) -> None:
        first = self._first_row
        page = self._page_rows
        index = self.cursor
        if index < first:
            self.scroll_to(y=index, animate=False, force=True)
        elif index >= first + page:
            self.scroll_to(y=index - page + 1, animate=False, force=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        if not self.show_cursor:
            return
        page = self._page_rows
        self.scroll_to(y=max(0, self._first_row - page), animate=False, force=True)
        self.move_cursor(self.cursor - page)

    def action_page_down(self) -> None:
        if not self.show_cursor:
            return
        page = self._page_rows
        self.scroll_to(y=min(self.max_scroll_y, self._first_row + page), animate=False, force=True)
        self.move_cursor(self.cursor + page)

    def action_cursor_home(self) -> None:
        self.move_cursor(0)

    def action_cursor_end(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_open(self) -> None:
        rec_id = self.cursor_id
        if rec_id is not None:
            self.post_message(self.Opened(rec_id, self))

    def action_next_sort(self) -> None:
        if self.show_cursor:
            self._set_sort(self.sort.next_column())

    def action_reverse_sort(self) -> None:
        if self.show_cursor:
            self._set_sort(self.sort.reversed())

    def page_count(self) -> int:
        """Kiosk: pages of rows (the last one may be short); at least 1."""
        return max(1, ceil(len(self._rows) / self._page_rows))

    def validate_page(self, page: int) -> int:
        return max(0, min(page, self.page_count() - 1))

    def page_label(self) -> str:
        return f"page {self.page + 1}/{self.page_count()}"

    def next_page(self) -> None:
        """Kiosk paging: the next page of rows; after the last page, the first."""
        if self.kiosk:
            self.page = (self.page + 1) % self.page_count()

    # -- events -----------------------------------------------------------------------

    async def _on_click(self, event: events.Click) -> None:
        if not self.show_cursor:  # a wall display: nothing to sort or open
            return
        offset = event.get_content_offset(self)
        if offset is None:
            return
        x, y = offset
        if y == 0:
            key = self._get_layout().column_at(x)
            if key is not None:
                event.stop()
                self._set_sort(self.sort.clicked(key))
            return
        index = self._first_row + y - 1
        if 0 <= index < len(self._rows):
            event.stop()
            if index == self.cursor:
                self.action_open()
            else:
                self.move_cursor(index)

    def _on_resize(self, event: events.Resize) -> None:
        # A new width gets a new layout (and empty row caches) in _get_layout.
        if self.kiosk:
            self.page = self.page  # as many pages as fit now
        elif self.show_cursor and self._rows:
            self._scroll_cursor_into_view()

    def notify_style_update(self) -> None:
        # Like DataTable: anything drawn with the old styles is stale. (Component styles
        # are updated after this call, so they are resolved again lazily, at render.)
        super().notify_style_update()
        self._styles = None
        self._clear_render_caches()
        self.refresh()

    def _clear_render_caches(self) -> None:
        self._painter.clear()
        self._layout = None

    # -- rendering ----------------------------------------------------------------------

    def _get_layout(self, line: int | None = None) -> TableLayout:
        if line is None:
            line = self.size.width
        # Columns stay clear of the vertical scrollbar, which is drawn over the widget's
        # last cells; lines still span the whole width.
        room = max(0, line - self.scrollbar_gutter.width)
        layout = self._layout
        if layout is None or self._layout_line != line or layout.width != room:
            if layout is not None:
                self._painter.clear()
            layout = compute_layout(room, self._duration_width + alert_cells(self.watch))
            self._layout = layout
            self._layout_line = line
        return layout

    def _get_styles(self) -> TableStyles:
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
            self._painter.clear()
            self._styles = resolve_styles(self)
        return self._styles

    def _begin_pass(self) -> RenderPass:
        size = self.size
        return RenderPass(
            size.width,
            self._first_row,
            self._get_layout(size.width),
            self._get_styles(),
            self._now(),
            self.cursor if self.show_cursor else -1,
            self.estimated,
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
            return Strip([Segment(fit(" ⚠ this row could not be drawn (see the log)", width))],
                         width)

    def _draw_line(self, y: int) -> Strip:
        frame = self._pass or self._begin_pass()
        width, first, layout, styles, now, cursor, estimated = frame
        if y == 0:
            return self._painter.header(layout, styles, self.sort, width, alert_cells(self.watch))
        index = first + y - 1
        rows = self._rows
        if not 0 <= index < len(rows):
            return Strip.blank(width, styles.base)
        rec = rows[index]
        entry = self._painter.entry(rec, ended=rec.id in self._view.ended, layout=layout,
                                    styles=styles, line=self._layout_line, now=now)
        text = duration_text(entry.timed, now, frozen=self._view.frozen_duration(rec.id),
                             estimated=estimated)
        if layout.duration and len(text) + alert_cells(self.watch) > layout.duration.width:
            self._grow_duration(len(text))
        return row_strip(entry, text, layout, styles, width, cursor=index == cursor,
                         watch=self.watch, now=now)

    def _grow_duration(self, cells: int) -> None:
        """A duration outgrew its column (a stuck call past 99 h): widen it next frame."""
        if cells > self._duration_width:
            self._duration_width = cells
            self.call_later(self.relayout)

    def relayout(self) -> None:
        """Lay the columns out again (a duration outgrew its column, a threshold changed)."""
        self._clear_render_caches()
        self.refresh()
