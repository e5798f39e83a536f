"""EndedTable: the rows of the recently-ended view, drawn a visible line at a time.

Why not ``DataTable``: 10,000 rows of it are about 100,000 objects the garbage collector
walks on every full pass (passes of 100-300 ms while the view is open, measured by
``benchmarks/bench_export.py``); here the rows are one list of tuples of strings and a
line is drawn when it is on screen. What the cells read and how wide the columns are:
``ended_layout``. A static list: the view gives it new rows on ``r``.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..ended_layout import COLUMNS, REMOTE, ended_widths
from ..table_layout import PAD, UNKNOWN, fit
from .recordings_table import CURSOR_BINDINGS

__all__ = ["EndedTable"]


class EndedTable(ScrollView, can_focus=True):
    """One line per row under a fixed header; a cursor; Enter (or a click on the
    cursor's row) posts :class:`Selected`."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ended-table--header",
        "ended-table--cursor",
        "ended-table--unknown",
    }

    DEFAULT_CSS = """
    EndedTable {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *CURSOR_BINDINGS,
        Binding("enter", "select", "Details", show=False),
    ]

    cursor: Reactive[int] = Reactive(0, repaint=False, always_update=True)

    class Selected(Message):
        """Enter on row ``index``."""

        def __init__(self, index: int) -> None:
            self.index = index
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[tuple[str, ...]] = []
        self._widths: tuple[int, list[int]] | None = None  # (room, widths) last laid out

    # -- data --------------------------------------------------------------------------

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        """Show ``rows`` (cell texts, as ``ended_layout.ended_cells`` reads them)."""
        self._rows = rows
        self._widths = None
        self.virtual_size = Size(0, len(rows) + 1)
        self.set_reactive(EndedTable.cursor, 0)
        self.scroll_to(y=0, animate=False, force=True)
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def row_texts(self, index: int) -> tuple[str, ...]:
        return self._rows[index]

    # -- cursor ------------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.size.height - self.scrollbar_gutter.height - 1)

    def validate_cursor(self, index: int) -> int:
        return max(0, min(index, len(self._rows) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        first = self.scroll_offset.y
        if new < first:
            self.scroll_to(y=new, animate=False, force=True)
        elif new >= first + self._page:
            self.scroll_to(y=new - self._page + 1, animate=False, force=True)
        self.refresh()

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self._page

    def action_page_down(self) -> None:
        self.cursor += self._page

    def action_cursor_home(self) -> None:
        self.cursor = 0

    def action_cursor_end(self) -> None:
        self.cursor = len(self._rows) - 1

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self.cursor))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        index = self.scroll_offset.y + offset.y - 1
        if 0 <= index < len(self._rows):
            event.stop()
            if index == self.cursor:
                self.action_select()
            else:
                self.cursor = index

    # -- drawing -----------------------------------------------------------------------

    def _layout(self) -> list[int]:
        room = max(0, self.size.width - self.scrollbar_gutter.width)
        if self._widths is None or self._widths[0] != room:
            self._widths = (room, ended_widths(self._rows, room))
        return self._widths[1]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("ended-table--header")
            texts: tuple[str, ...] = tuple(column.header for column in COLUMNS)
            return self._line(texts, header, header, width)
        index = self.scroll_offset.y + y - 1
        if not 0 <= index < len(self._rows):
            return Strip.blank(width, base)
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("ended-table--cursor")
        texts = self._rows[index]
        remote = self._unknown(style) if texts[REMOTE] == UNKNOWN else style
        return self._line(texts, style, remote, width)

    def _unknown(self, row: Style) -> Style:
        """``row`` with the unknown caller's text style and colour over it (its colour
        from the full style, where any alpha is blended; ``table_paint`` does the same)."""
        partial = self.get_component_rich_style("ended-table--unknown", partial=True)
        if partial.color is None:
            return row + partial
        full = self.get_component_rich_style("ended-table--unknown")
        return row + partial.without_color + Style(color=full.color)

    def _line(self, texts: tuple[str, ...], style: Style, remote_style: Style,
              width: int) -> Strip:
        pad = " " * PAD
        segments = []
        for index, (column, cells) in enumerate(zip(COLUMNS, self._layout(), strict=True)):
            segments.append(Segment(pad, style))
            segments.append(Segment(fit(texts[index], cells, column.right),
                                    remote_style if index == REMOTE else style))
            segments.append(Segment(pad, style))
        return Strip(segments).adjust_cell_length(width, style).crop(0, width)
