"""How the recordings table's cells become styled Segments, and what of that is kept.

``RecordingsTable`` decides which record is drawn on which line; :class:`RowPainter`
turns a row's cell texts (``table_layout.cell_texts``) into Segments in the table's
component styles, once per recording, and keeps them (bounded LRU) so that scrolling
and ticking never re-sanitise or re-fit strings. The ticking duration is not part of
what is kept: it is drawn between the kept ``before`` and ``after`` Segments. While a
quick search is on (:attr:`RowPainter.query`), what it finds in a cell is drawn in the
``recordings-table--match`` style over the cell's own (``cell_parts``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from itertools import zip_longest
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.strip import Strip
from textual.widget import Widget

from ..action_state import NO_FLAGS, RowFlags
from ..model import LiveRecording
from ..row_order import SortOrder
from ..search import Query, cell_spans
from ..store import LiveStore, RowMark
from ..table_layout import (
    MARK,
    PAD,
    STATE_WIDTH,
    Column,
    TableLayout,
    cell_texts,
    fit,
    fit_marked,
    header_text,
    progress_text,
)
from ..watch import MARK_WIDTH, Watch

ROW_CACHE_SIZE = 4096


class RenderPass(NamedTuple):
    """What every line of one render pass shares."""

    width: int
    first_row: int  # index of the row under the header
    layout: TableLayout
    styles: TableStyles
    now: float  # the last tick: every duration on screen is drawn at this time
    cursor: int  # row index of the cursor, -1 when there is none
    estimated: bool  # durations counted on locally (stale or paused view): "~"


class TableStyles(NamedTuple):
    """Rich styles resolved from the table's component classes."""

    base: Style
    header: Style
    header_sorted: Style
    rows: dict  # RowMark → row style
    paused: dict  # RowMark → style of the "❚❚ PAUSED" cell
    unknown: dict  # RowMark → style of the dim "unknown"
    alert: dict  # RowMark → style of a watch mark (⚠ LONG, ⚠ PAUSE)
    cursor: Style  # added over every segment of the cursor row
    marked: Style  # added over the mark (✓) of a row marked with space
    busy: Style  # added over the state cell of a row with an action under way
    match: Style  # added over what a search finds in a cell (only what the class sets)


def resolve_styles(widget: Widget) -> TableStyles:
    """The styles of ``widget``'s ``recordings-table--*`` component classes, layered.

    ``get_component_rich_style(a, b)`` is not a layering: its colours are those of the
    last class alone, over the widget's background. So layer by hand: the text
    attributes a class sets, and its colours where it sets them (taken from the full
    style, where alpha is already blended).
    """
    get = widget.get_component_rich_style

    def overlay(base: Style, name: str) -> Style:
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

    row = get("recordings-table--row")
    header = get("recordings-table--header")
    rows = {
        RowMark.NONE: row,
        RowMark.NEW: overlay(row, "recordings-table--new"),
        RowMark.CHANGED: overlay(row, "recordings-table--changed"),
        RowMark.ENDED: overlay(row, "recordings-table--ended"),
    }
    return TableStyles(
        base=widget.rich_style,
        header=header,
        header_sorted=overlay(header, "recordings-table--header-sorted"),
        rows=rows,
        paused={m: overlay(s, "recordings-table--paused") for m, s in rows.items()},
        unknown={m: overlay(s, "recordings-table--unknown") for m, s in rows.items()},
        alert={m: overlay(s, "recordings-table--alert") for m, s in rows.items()},
        cursor=overlay(row, "recordings-table--cursor"),
        marked=overlay(Style(), "recordings-table--marked"),
        busy=overlay(Style(), "recordings-table--busy"),
        match=overlay(Style(), "recordings-table--match"),
    )


def merge(parts: list[tuple[str, Style]]) -> list[Segment]:
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


def cell_parts(text: str, column: Column, style: Style, query: Query | None,
               match: Style) -> list[tuple[str, Style]]:
    """A cell that reads ``text``, fitted to its column, in ``style``; what ``query``
    finds in it (none: no search) in ``style + match``."""
    spans = cell_spans(text, query, number=column.key == "number") if query else None
    if not spans:
        return [(fit(text, column.width, column.right), style)]
    found = style + match
    return [(piece, found if marked else style)
            for piece, marked in fit_marked(text, column.width, spans, column.right)]


def timed_record(drawn: LiveRecording, rec: LiveRecording, now: float) -> LiveRecording:
    """The record a row's duration is drawn from at tick time ``now``.

    A poll's record takes effect at the first tick after it arrived, not at the poll:
    until then the row keeps drawing from the record it had (``drawn``). Drawn at the
    last tick, a record that arrived after it would show its value from the poll, up to
    a second ahead of every other duration on screen (``duration_at`` does not count
    backwards).
    """
    if drawn is rec or rec.observed_at <= now or drawn.id != rec.id:
        return rec
    return drawn


def changed_lines(old_rows: list[LiveRecording], rows: list[LiveRecording],
                  old_ended: frozenset[str], ended: frozenset[str]) -> list[int]:
    """The lines that look different now that ``rows`` replace ``old_rows`` on screen.

    Another record, or the same one changed or ended since; not a record that differs
    only by its duration (a new anchor): the duration changes at the next tick.
    """

    def different(old: LiveRecording | None, new: LiveRecording | None) -> bool:
        if old is None or new is None:
            return old is not new
        if (new.id in old_ended) != (new.id in ended):
            return True
        return old is not new and (old.id != new.id or not old.same_but_duration(new))

    return [y for y, (old, new) in enumerate(zip_longest(old_rows, rows)) if different(old, new)]


class RowEntry(NamedTuple):
    record: LiveRecording
    timed: LiveRecording  # the record the duration is drawn from (see timed_record)
    mark: RowMark
    ended: bool
    before: list[Segment]  # cells left of the duration text
    after: list[Segment]  # cells right of the duration text
    duration_style: Style
    flags: RowFlags = NO_FLAGS  # marked with space; the action under way


class RowPainter:
    """The styled cells of each row and of the header, built once and kept.

    From the ``store``: a row's highlight (``mark``: new, changed, ended), and its mark
    and action under way (``store.actions``). ``on_overflow`` is called when the record
    of highlights drawn had to be dropped, so that the rows on screen are drawn (and
    registered) again.
    """

    def __init__(self, zone: tzinfo | None, store: LiveStore,
                 on_overflow: Callable[[], None], size: int = ROW_CACHE_SIZE):
        self.zone = zone
        self.mark: Callable[[str], RowMark] = store.mark
        self.actions = store.actions
        self.on_overflow = on_overflow
        self.size = size
        self.cache: LRUCache[str, RowEntry] = LRUCache(size)
        # id → highlight its row was last drawn with (only highlighted ones), so that a
        # tick can repaint the rows whose highlight has expired since.
        self.drawn_marks: dict[str, RowMark] = {}
        # the quick search whose matches the rows show (None: no search); who changes it
        # clears the kept rows
        self.query: Query | None = None
        self._header: tuple[tuple, Strip] | None = None

    def clear(self) -> None:
        """Forget every row and the header (new layout, new styles)."""
        self.cache.clear()
        self._header = None

    def mark_expired(self, rec_id: str) -> bool:
        """Whether the row of ``rec_id`` was drawn with another highlight than it has now."""
        return self.mark(rec_id) is not self.drawn_marks.get(rec_id, RowMark.NONE)

    def forget_departed(self, records: dict, ended: dict) -> None:
        """Drop what is kept of rows no longer in the table.

        Without this the caches fill up to their bounds with calls long over: on a floor
        with churn that is megabytes kept for nothing, and a soak's resident memory that
        keeps growing for an hour before it levels off. Cost: one dict lookup per cached
        row (about the rows drawn), per sync.
        """
        cache = self.cache
        for rec_id in [k for k in cache.keys() if k not in records and k not in ended]:
            cache.discard(rec_id)
        drawn = self.drawn_marks
        for rec_id in [k for k in drawn if k not in records and k not in ended]:
            del drawn[rec_id]

    def entry(self, rec: LiveRecording, *, ended: bool, layout: TableLayout,
              styles: TableStyles, line: int, now: float) -> RowEntry:
        """The styled cells of a row (all but the duration), laid out for a ``line``
        cells wide; ``now`` is the tick time (which record the duration is drawn from)."""
        mark = self.mark(rec.id)
        flags = self.actions.flags(rec.id)
        entry = self.cache.get(rec.id)
        timed = rec
        if entry is not None:
            timed = timed_record(entry.timed, rec, now)
            if entry.mark is mark and entry.ended == ended and entry.flags == flags and (
                    entry.record is rec or entry.record.same_but_duration(rec)):
                if entry.record is not rec or entry.timed is not timed:
                    # the next poll's copy of the same row, or its new anchor in effect
                    entry = self.cache[rec.id] = entry._replace(record=rec, timed=timed)
                return entry
        row_mark = RowMark.ENDED if ended else mark  # gone from the server: always dim
        row_style = styles.rows[row_mark]
        texts = cell_texts(rec, ended=ended, zone=self.zone)
        cell_styles = {
            "state": styles.paused[row_mark] if rec.is_paused and not ended else row_style,
            "remote": row_style if rec.remote_name else styles.unknown[row_mark],
        }
        marked, action = flags
        if action is not None and not ended:  # "… PAUSING" until a poll shows the result
            texts["state"] = progress_text(action.in_progress, STATE_WIDTH)
            cell_styles["state"] = row_style + styles.busy
        pad = " " * PAD
        before: list[tuple[str, Style]] = []
        after: list[tuple[str, Style]] = []
        parts = before
        for column in layout.columns:
            key = column.key
            if key == "duration":
                before.append((pad, row_style))
                parts = after
                after.append((pad, row_style))
                continue
            parts.append((pad, row_style))
            parts.extend(cell_parts(texts[key], column, cell_styles.get(key, row_style),
                                    self.query, styles.match))
            parts.append((pad, row_style))
        if layout.used < line:
            parts.append((" " * (line - layout.used), row_style))
        if marked and not ended and before:  # in the first column's left padding
            before[0] = (MARK, row_style + styles.marked)
        entry = RowEntry(rec, timed, mark, ended, merge(before), merge(after), row_style,
                         flags)
        drawn = self.drawn_marks
        if mark is RowMark.NONE:
            drawn.pop(rec.id, None)
        else:
            if len(drawn) >= self.size:  # mostly ids long gone: start afresh
                drawn.clear()
                self.cache.clear()  # so rows on screen register again…
                self.on_overflow()  # …when they are drawn next
            drawn[rec.id] = mark
        self.cache[rec.id] = entry
        return entry

    def header(self, layout: TableLayout, styles: TableStyles, order: SortOrder,
               width: int, alert: int = 0) -> Strip:
        """The header line: column names, the sort column marked ▲ or ▼; ``alert``:
        the duration column's cells for marks (:func:`alert_cells`), left blank."""
        cache_key = (width, order, layout, alert)
        cached = self._header
        if cached is not None and cached[0] == cache_key:
            return cached[1]
        header_style = styles.header
        arrow = "▼" if order.reverse else "▲"
        pad = " " * PAD
        parts: list[tuple[str, Style]] = []
        for column in layout.columns:
            sorted_here = column.key == order.key
            style = styles.header_sorted if sorted_here else header_style
            parts.append((pad, header_style))
            cells = column.width
            if alert and column.key == "duration":
                parts.append((" " * min(alert, cells), header_style))
                cells = max(0, cells - alert)
            parts.append((header_text(column.key, cells, arrow if sorted_here else ""), style))
            parts.append((pad, header_style))
        if layout.used < width:
            parts.append((" " * (width - layout.used), header_style))
        strip = Strip(merge(parts), max(width, layout.used))
        if layout.used > width:
            strip = strip.crop(0, width)
        self._header = (cache_key, strip)
        return strip


def alert_cells(watch: Watch | None) -> int:
    """Cells the duration column keeps at its left for a watch's mark: none while no
    threshold is set (the table is then as it is without ``--long-call``).

    The space between a mark and the duration is the duration's own first cell (a
    column of 8 for ``0:12:34``); see :func:`duration_cell` for when there is none.
    """
    return MARK_WIDTH if watch is not None and watch.thresholds else 0


def duration_cell(entry: RowEntry, duration: str, cells: int, styles: TableStyles,
                  watch: Watch | None, now: float) -> list[Segment]:
    """The duration column's ``cells``: the duration at the right and, while ``watch``
    has a threshold, the row's mark at the left (⚠ LONG, ⚠ PAUSE at the tick time
    ``now``; not on an ended row), in the alert style. Both are in the region the table
    repaints at every tick: a mark appears at the tick its recording crosses."""
    mark_cells = min(alert_cells(watch), cells)
    room = cells - mark_cells
    shown = [Segment(duration.rjust(room)[:room], entry.duration_style)]
    if not mark_cells:
        return shown
    mark = "" if entry.ended else watch.mark(entry.timed, now)
    if len(mark) >= mark_cells and len(duration) >= room:
        mark = mark.replace(" ", "", 1)  # "⚠PAUSE 10:00:00": a space stays between them
    mark_style = styles.alert[entry.mark] if mark else entry.duration_style
    return [Segment(fit(mark, mark_cells), mark_style), *shown]


def row_strip(entry: RowEntry, duration: str, layout: TableLayout, styles: TableStyles,
              width: int, *, cursor: bool, watch: Watch | None = None,
              now: float = 0.0) -> Strip:
    """A row's line: its kept cells around the ``duration`` text (with ``watch``'s mark:
    :func:`duration_cell`), in the cursor's style when the cursor is on it, cut at
    ``width`` when the columns are wider."""
    column = layout.duration
    if column is None:
        segments = entry.before + entry.after
    else:
        segments = [
            *entry.before,
            *duration_cell(entry, duration, column.width, styles, watch, now),
            *entry.after,
        ]
    if cursor:
        cursor_style = styles.cursor
        segments = [Segment(text, style + cursor_style) for text, style, _ in segments]
    if layout.used > width:  # narrower than the fixed columns: cut at the edge
        return Strip(segments, layout.used).crop(0, width)
    return Strip(segments, width)
