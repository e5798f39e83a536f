"""RecordingsTable: order, sorting, cursor, ticking, hostile strings, kiosk paging, marks.

Every test drives a real (headless) Textual app over a LiveStore with a FixedClock: no
sleeps, time moves only through ``clock.advance``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from msgspec.structs import replace
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.geometry import Region

from livedash import table_layout
from livedash.clock import FixedClock
from livedash.model import FetchResult, Filters, LiveRecording
from livedash.safe_text import safe_text
from livedash.store import LiveStore, RowMark
from livedash.table_layout import HEADERS
from livedash.widgets import RecordingsTable

from .test_row_order import ASCENDING  # the same five records, sorted by each column

CSS_PATH = Path(__file__).resolve().parents[1] / "styles" / "table.tcss"
SIZE = (160, 24)


def rec(
    clock: FixedClock,
    rec_id: str,
    duration: float,
    *,
    paused: bool = False,
    user: str = "agent",
    first: str = "Ann",
    last: str = "Lee",
    number: str = "+15550100",
    started: datetime | None = None,
) -> LiveRecording:
    if started is None:
        started = clock.now() - timedelta(seconds=duration)
    return LiveRecording(
        rec_id, float(duration), started, user, first, last, number, paused, clock.monotonic()
    )


def poll(store: LiveStore, records: list[LiveRecording]):
    return store.apply(FetchResult(Filters(), records))


class TableApp(App):
    CSS_PATH = str(CSS_PATH)

    def __init__(self, store: LiveStore, clock: FixedClock, *, show_cursor: bool = True):
        super().__init__()
        self.store = store
        self.clock = clock
        self.show_cursor = show_cursor
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        yield RecordingsTable(self.store, self.clock, UTC, show_cursor=self.show_cursor, id="table")

    def on_mount(self) -> None:
        self.table.sync()

    @property
    def table(self) -> RecordingsTable:
        return self.query_one(RecordingsTable)

    def on_recordings_table_opened(self, message: RecordingsTable.Opened) -> None:
        self.opened.append(message.recording_id)


def order(table: RecordingsTable) -> list[str]:
    return [table.recording_at(i).id for i in range(table.row_count)]


def screen_lines(table: RecordingsTable) -> list[str]:
    """What the widget currently paints, through Textual's own line cache."""
    return [strip.text for strip in table.render_lines(Region(0, 0, *table.size))]


def line_of(table: RecordingsTable, rec_id: str) -> str:
    """The rendered text of the row showing ``rec_id`` (it must be on screen)."""
    index = table.row_of(rec_id)
    assert index is not None
    y = index - table.scroll_offset.y + 1
    assert 1 <= y < table.size.height, f"{rec_id} is not on screen"
    return table.render_line(y).text


def fields(line: str) -> list[str]:
    return [part.strip() for part in line.split("  ") if part.strip()]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def store(clock: FixedClock) -> LiveStore:
    return LiveStore(clock)


def five(clock: FixedClock) -> list[LiveRecording]:
    """Distinct values in every column, so each sort has one right answer."""
    base = datetime(2026, 11, 28, 9, 0, 0, tzinfo=UTC)
    return [
        rec(clock, "c-id", 300, user="carol", first="Zoe", last="", number="+3", started=base),
        rec(
            clock,
            "a-id",
            3000,
            user="alice",
            first="Bob",
            last="Ray",
            number="+5",
            started=base + timedelta(minutes=3),
        ),
        rec(
            clock,
            "e-id",
            5,
            paused=True,
            user="Eve",
            first="",
            last="",
            number="+1",
            started=base + timedelta(minutes=1),
        ),
        rec(
            clock,
            "b-id",
            42,
            user="bob",
            first="amy",
            last="",
            number="+4",
            started=base + timedelta(minutes=4),
        ),
        rec(
            clock,
            "d-id",
            7200,
            user="dave",
            first="Cy",
            last="",
            number="+2",
            started=base + timedelta(minutes=2),
        ),
    ]


# -- order and sorting ---------------------------------------------------------------------


async def test_default_order_is_longest_first(clock, store):
    poll(store, five(clock))
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE):
        table = app.table
        assert (table.sort_key, table.sort_reverse) == ("duration", True)
        assert order(table) == ["d-id", "a-id", "c-id", "b-id", "e-id"]
        header = table.render_line(0).text
        assert "Duration ▼" in header
        assert fields(table.render_line(1).text)[:2] == ["● REC", "2:00:00"]
        assert fields(table.render_line(5).text)[:2] == ["❚❚ PAUSED", "0:00:05"]




@pytest.mark.parametrize("key", list(ASCENDING))
async def test_sort_each_column_and_reverse(clock, store, key):
    poll(store, five(clock))
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE):
        table = app.table
        table.sort_by(key, reverse=False)
        assert (table.sort_key, table.sort_reverse) == (key, False)
        assert order(table) == ASCENDING[key]
        label = HEADERS[key]
        assert f"{label} ▲" in table.render_line(0).text
        table.sort_by(key, reverse=True)  # ties included: exactly the reverse order
        assert order(table) == ASCENDING[key][::-1]
        assert f"{label} ▼" in table.render_line(0).text


async def test_ties_broken_by_id_so_the_order_is_stable(clock, store):
    poll(store, [rec(clock, i, 60) for i in ("b", "c", "a")] + [rec(clock, "z", 10)])
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE):
        table = app.table
        assert order(table) == ["c", "b", "a", "z"]  # descending: ties by id descending
        table.sort_by("duration", reverse=False)
        assert order(table) == ["z", "a", "b", "c"]
        # The same records in another server order sort the same way.
        clock.advance(1)
        table.sync(
            poll(store, [rec(clock, i, 61) for i in ("a", "c", "b")] + [rec(clock, "z", 11)])
        )
        assert order(table) == ["z", "a", "b", "c"]


async def test_sort_keys_and_header_click(clock, store):
    poll(store, five(clock))
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.focus()
        await pilot.press("s")
        assert (table.sort_key, table.sort_reverse) == ("user", False)
        await pilot.press("S")
        assert (table.sort_key, table.sort_reverse) == ("user", True)
        assert order(table) == ASCENDING["user"][::-1]

        header = table.render_line(0).text
        x = header.index("Number")
        await pilot.click("#table", offset=(x, 0))
        assert (table.sort_key, table.sort_reverse) == ("number", False)
        await pilot.click("#table", offset=(x, 0))
        assert (table.sort_key, table.sort_reverse) == ("number", True)
        assert "Number ▼" in table.render_line(0).text
        with pytest.raises(ValueError):
            table.sort_by("nope")


# -- cursor --------------------------------------------------------------------------------


async def test_cursor_keeps_recording_across_poll_and_sort(clock, store):
    poll(store, [rec(clock, f"r{i:02d}", 1000 - i * 10) for i in range(40)])
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.focus()
        await pilot.press("down", "down", "down")
        assert table.cursor_id == "r03"
        assert table.cursor_recording.id == "r03"
        screen_row = table.cursor_index - table.scroll_offset.y

        # Longer calls arrive above the cursor, others end below and above it.
        clock.advance(2)
        records = [
            rec(clock, f"r{i:02d}", 1000 - i * 10 + 2) for i in range(40) if i not in (1, 20)
        ]
        records += [rec(clock, "new-long", 5000), rec(clock, "new-longer", 6000)]
        diff = poll(store, records)
        assert diff.added and diff.removed
        table.sync(diff)
        await pilot.pause()
        assert table.cursor_id == "r03"
        assert table.cursor_index - table.scroll_offset.y == screen_row
        assert order(table)[:2] == ["new-longer", "new-long"]

        table.sort_by("id")
        assert table.cursor_id == "r03"
        table.sort_by("duration", reverse=False)
        assert table.cursor_id == "r03"
        assert table.cursor_index - table.scroll_offset.y == screen_row or (
            table.scroll_offset.y == table.max_scroll_y
        )
        await pilot.pause()
        assert "r03" in screen_lines(table)[table.cursor_index - table.scroll_offset.y + 1]


async def test_cursor_stays_at_index_when_its_recording_vanishes(clock, store):
    poll(store, [rec(clock, f"r{i}", 100 - i) for i in range(6)])
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.move_cursor(2)
        assert table.cursor_id == "r2"
        table.sync(poll(store, [rec(clock, f"r{i}", 100 - i) for i in range(6) if i != 2]))
        assert table.cursor_id == "r2"  # still shown, fading out
        assert "✕ ENDED" in line_of(table, "r2")
        clock.advance(store.fade_seconds + 0.1)
        assert store.expire_marks()
        table.sync()
        await pilot.pause()
        assert table.cursor_index == 2 and table.cursor_id == "r3"


async def test_cursor_keys_scroll_and_clamp(clock, store):
    poll(store, [rec(clock, f"r{i:03d}", 10_000 - i) for i in range(100)])
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.focus()
        page = table.size.height - 1
        await pilot.press("up")
        assert table.cursor_index == 0
        await pilot.press("pagedown")
        assert table.cursor_index == page
        assert table.scroll_offset.y <= table.cursor_index < table.scroll_offset.y + page
        await pilot.press("end")
        assert table.cursor_id == "r099"
        assert table.scroll_offset.y == table.max_scroll_y
        await pilot.press("down", "pageup")
        assert table.cursor_index == 99 - page
        await pilot.press("home")
        assert table.cursor_index == 0 and table.scroll_offset.y == 0
        await pilot.click("#table", offset=(5, 4))
        assert table.cursor_index == 3


async def test_enter_and_click_post_opened(clock, store):
    poll(store, five(clock))
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.opened == ["a-id"]
        await pilot.click("#table", offset=(5, 3))  # moves the cursor
        await pilot.pause()
        assert table.cursor_id == "c-id" and app.opened == ["a-id"]
        await pilot.click("#table", offset=(5, 3))  # on the cursor row: opens
        await pilot.pause()
        assert app.opened == ["a-id", "c-id"]


async def test_cursor_is_a_reactive_clamped_and_kept_in_view(clock, store):
    poll(store, [rec(clock, f"r{i:03d}", 10_000 - i) for i in range(100)])
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        page = table.size.height - 1
        table.cursor = 500
        await pilot.pause()
        assert table.cursor == 99 and table.cursor_id == "r099"
        assert table.scroll_offset.y == table.max_scroll_y
        assert "r099" in screen_lines(table)[99 - table.scroll_offset.y + 1]
        table.cursor = -3
        await pilot.pause()
        assert table.cursor == 0 and table.scroll_offset.y == 0
        table.cursor = page + 5  # below the screen: scrolled just enough
        await pilot.pause()
        assert table.scroll_offset.y == 6
        cursor_style = table.render_line(page)._segments[0].style
        assert table.render_line(1)._segments[0].style != cursor_style


# -- ticking -------------------------------------------------------------------------------


async def test_tick_advances_recording_rows_only(clock, store):
    poll(store, [rec(clock, "run", 59), rec(clock, "hold", 30, paused=True)])
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.pause()
        assert fields(screen_lines(table)[1])[1] == "0:00:59"
        calls = []
        original = table_layout.safe_text
        table_layout.safe_text = lambda text: calls.append(text) or original(text)
        try:
            clock.advance(1)
            table.tick()
            await pilot.pause()
            lines = screen_lines(table)  # through Textual's cache: the tick marked them dirty
        finally:
            table_layout.safe_text = original
        assert fields(lines[1])[:2] == ["● REC", "0:01:00"]
        assert fields(lines[2])[:2] == ["❚❚ PAUSED", "0:00:30"]
        assert calls == []  # a tick redraws durations; it does not re-sanitise strings
        assert order(table) == ["run", "hold"]

        # A tick never re-sorts, even when the order has become stale.
        clock.advance(100)
        table.tick()
        assert order(table) == ["run", "hold"]


async def test_durations_are_drawn_at_the_last_tick_not_at_the_repaint(clock, store):
    poll(store, [rec(clock, "run", 59.0), rec(clock, "hold", 30, paused=True)])
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.tick()
        clock.advance(0.6)
        table.tick()  # 59.6: still 0:00:59
        clock.advance(0.6)  # 60.2 by now, but no tick yet
        table.sync(poll(store, [rec(clock, "run", 60.2), rec(clock, "new", 3)]))  # a poll
        table.refresh()
        await pilot.pause()
        assert fields(line_of(table, "run"))[1] == "0:00:59"  # not the next second early
        assert fields(line_of(table, "new"))[1] == "0:00:03"
        clock.advance(0.4)
        table.tick()  # 60.6
        await pilot.pause()
        assert fields(screen_lines(table)[1])[1] == "0:01:00"
        assert fields(line_of(table, "hold"))[1] == "0:00:30"


async def test_estimated_durations_are_marked(clock, store):
    poll(store, [rec(clock, "run", 59), rec(clock, "hold", 30, paused=True),
                 rec(clock, "gone", 10)])
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.sync(poll(store, [rec(clock, "run", 59), rec(clock, "hold", 30, paused=True)]))
        table.estimated = True  # stale, or polling paused
        clock.advance(5)
        table.tick()
        await pilot.pause()
        lines = screen_lines(table)
        assert fields(lines[1])[:2] == ["● REC", "~0:01:04"]  # counted on here: marked
        assert fields(line_of(table, "hold"))[1] == "0:00:30"  # the server's value
        assert fields(line_of(table, "gone"))[1] == "0:00:10"  # ended: frozen
        table.estimated = False
        await pilot.pause()
        assert fields(screen_lines(table)[1])[1] == "0:01:04"


async def test_ended_row_duration_is_frozen_at_what_it_showed(clock, store):
    poll(store, [rec(clock, "a", 100), rec(clock, "b", 50)])
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        clock.advance(1)
        table.tick()  # b shows 0:00:51
        clock.advance(0.5)
        table.sync(poll(store, [rec(clock, "a", 101.5)]))  # b ended since
        assert fields(line_of(table, "b"))[:2] == ["✕ ENDED", "0:00:51"]
        clock.advance(2)
        table.tick()
        await pilot.pause()
        assert fields(line_of(table, "b"))[1] == "0:00:51"
        assert fields(line_of(table, "a"))[1] == "0:01:43"


async def test_expired_highlight_is_repainted_on_tick(clock, store):
    poll(store, [rec(clock, "a", 100)])
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.sync(poll(store, [rec(clock, "a", 100), rec(clock, "b", 5)]))
        await pilot.pause()
        assert store.mark("b") is RowMark.NEW
        y = table.row_of("b") + 1
        new_style = table.render_lines(Region(0, y, 40, 1))[0]._segments[0].style
        clock.advance(store.highlight_seconds + 0.1)
        store.expire_marks()
        table.tick()
        await pilot.pause()
        plain_style = table.render_lines(Region(0, y, 40, 1))[0]._segments[0].style
        assert plain_style.bgcolor != new_style.bgcolor


# -- marks ---------------------------------------------------------------------------------


async def test_marks_new_changed_ended(clock, store):
    poll(store, [rec(clock, "keep", 400), rec(clock, "edit", 300), rec(clock, "gone", 200)])
    app = TableApp(store, clock, show_cursor=False)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        clock.advance(1)
        diff = poll(
            store,
            [
                rec(clock, "keep", 401),
                rec(clock, "edit", 301, first="Changed"),
                rec(clock, "born", 1),
            ],
        )
        table.sync(diff)
        await pilot.pause()
        assert [store.mark(i) for i in ("keep", "edit", "gone", "born")] == [
            RowMark.NONE,
            RowMark.CHANGED,
            RowMark.ENDED,
            RowMark.NEW,
        ]
        assert fields(line_of(table, "gone"))[0] == "✕ ENDED"
        assert fields(line_of(table, "born"))[0] == "● REC"

        def row_style(rec_id):
            strip = table.render_line(table.row_of(rec_id) + 1)
            return strip._segments[0].style

        styles = {i: row_style(i) for i in ("keep", "edit", "gone", "born")}
        assert len({(s.bgcolor, s.color, s.dim) for s in styles.values()}) == 4
        assert styles["gone"].dim


async def test_row_caches_forget_calls_that_are_over(clock, store):
    """A floor with churn: what is cached follows the table, not its history."""
    poll(store, [rec(clock, f"first-{i}", 100 + i) for i in range(10)])
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        for round_ in range(1, 30):  # every call ends and ten new ones start, 29 times
            clock.advance(10)  # past the highlights and the fade-outs
            if store.expire_marks():
                table.sync()
            table.sync(poll(store, [rec(clock, f"r{round_}-{i}", 100 + i) for i in range(10)]))
            await pilot.pause()
        on_screen = {table.recording_at(i).id for i in range(table.row_count)}
        assert len(on_screen) == 20  # ten calls, and the ten that just ended, fading
        assert 10 <= len(table._painter.cache) and set(table._painter.cache.keys()) <= on_screen
        assert set(table._painter.drawn_marks) <= on_screen


# -- hostile strings and widths --------------------------------------------------------------

HOSTILE = [
    "[bold]x[/]",
    "[/]",
    "[@click=app.quit]x[/]",
    "\x1b[31mred",
    "abc\u202edef",
    "王秀英",
    "👩\u200d💻",
    "N" * 5000,
]


@pytest.mark.parametrize("width", [30, 60, 100, 160, 250])
async def test_hostile_strings_render_literally_at_exact_width(clock, store, width):
    records = [
        rec(clock, f"h{i}", 100 + i, user=text, first=text, last="", number=text)
        for i, text in enumerate(HOSTILE)
    ]
    records.append(rec(clock, "\x1b]0;pwned\x07" + "x" * 60, 1, user="👩\u200d💻王"))
    poll(store, records)
    app = TableApp(store, clock)
    async with app.run_test(size=(width, 14)) as pilot:
        table = app.table
        await pilot.pause()
        assert table.size.width == width
        for y in range(table.size.height):
            strip = table.render_line(y)
            assert strip.cell_length == width
            assert cell_len(strip.text) == width
            for segment in strip:
                assert "\x1b" not in segment.text and "\u202e" not in segment.text
                assert segment.style is None or not segment.style.meta
                assert not segment.control
        assert app.is_running  # [@click=app.quit] did nothing


async def test_hostile_strings_are_shown_after_safe_text(clock, store):
    records = [rec(clock, f"h{i}", 100 - i, first=text, last="") for i, text in enumerate(HOSTILE)]
    poll(store, records)
    app = TableApp(store, clock)
    async with app.run_test(size=(250, 14)):
        table = app.table
        for i, text in enumerate(HOSTILE[:-1]):
            assert safe_text(text) in line_of(table, f"h{i}")
        assert "⟨U+202E⟩" in line_of(table, "h4")
        assert "␛[31mred" in line_of(table, "h3")
        long_line = line_of(table, "h7")
        assert "NNNN…" in long_line and cell_len(long_line) == 250


async def test_narrow_table_drops_the_id_then_the_start(clock, store):
    guid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    poll(store, [rec(clock, guid, 10, user="supervisor-one", first="Maximilian", last="Schneider",
                     number="+390212345678")])
    app = TableApp(store, clock)
    async with app.run_test(size=(160, 10)) as pilot:
        table = app.table

        def row_and_header():
            header = table.render_line(0).text
            line = table.render_line(1).text
            assert cell_len(line) == cell_len(header) == table.size.width
            return line, header

        line, header = row_and_header()
        assert guid in line and "Started" in header
        await pilot.resize_terminal(110, 10)
        await pilot.pause()
        line, header = row_and_header()
        assert "0f8f" not in line and "Id" not in header  # whole or not at all
        assert "Started" in header and "Maximilian Schneider" in line
        await pilot.resize_terminal(80, 10)
        await pilot.pause()
        line, header = row_and_header()
        assert "Started" not in header  # the start goes before anything is cut
        cells = fields(line)
        assert cells[:3] == ["● REC", "0:00:10", "supervisor-one"]
        assert cells[3].startswith("Maximilian Schn") and cells[4] == "+390212345678"
        await pilot.resize_terminal(60, 10)
        await pilot.pause()
        line, _ = row_and_header()
        cells = fields(line)
        assert cells[:2] == ["● REC", "0:00:10"] and cells[-1] == "+390212345678"
        assert cells[2].startswith("supervi") and cells[3].startswith("Maximil")
        await pilot.resize_terminal(30, 10)
        await pilot.pause()
        assert fields(row_and_header()[0])[:2] == ["● REC", "0:00:10"]


# -- kiosk -----------------------------------------------------------------------------------


def kiosk_rows(clock, count):
    return [rec(clock, f"k{i:02d}", 1000 - i, user=f"k{i:02d}") for i in range(count)]


def users_shown(table: RecordingsTable) -> list[str]:
    return [fields(line)[2] for line in screen_lines(table)[1:] if line.strip()]


async def test_kiosk_pages_are_disjoint_in_order_and_stable(clock, store):
    poll(store, kiosk_rows(clock, 45))
    app = TableApp(store, clock, show_cursor=False)
    async with app.run_test(size=(120, 21)) as pilot:  # 20 rows a page: no scrollbar
        table = app.table
        assert not table.can_focus and table.cursor_id is None and table.cursor_recording is None
        row_styles = {table.render_line(y)._segments[0].style for y in range(1, 21)}
        assert len(row_styles) == 1  # no cursor row anywhere
        await pilot.press("down", "enter", "s")
        assert app.opened == [] and table.sort_key == "duration"
        labels, pages = [], []
        for _ in range(4):
            await pilot.pause()
            labels.append(table.page_label())
            pages.append(users_shown(table))
            table.next_page()
        assert labels == ["page 1/3", "page 2/3", "page 3/3", "page 1/3"]
        every = [f"k{i:02d}" for i in range(45)]
        assert pages[0] + pages[1] + pages[2] == every  # in order, disjoint, the last short
        assert pages[3] == pages[0] and len(pages[2]) == 5

        # On page 2, polls and fading rows do not move the page.
        for _ in range(3):
            clock.advance(2)
            table.tick()
            table.sync(poll(store, kiosk_rows(clock, 45)))
        assert table.page_label() == "page 2/3" and users_shown(table)[0] == "k20"
        table.sync(poll(store, kiosk_rows(clock, 44)))  # k44 ends: fades out
        clock.advance(store.fade_seconds + 0.1)
        assert store.expire_marks()
        table.sync()
        await pilot.pause()
        assert table.page_label() == "page 2/3" and users_shown(table)[0] == "k20"
        # Rows shrinking under the page: the last page that exists.
        table.next_page()
        assert table.page_label() == "page 3/3"
        table.sync(poll(store, kiosk_rows(clock, 30)))
        assert table.page_label() == "page 3/3"  # the ended rows fade out first
        clock.advance(store.fade_seconds + 0.1)
        assert store.expire_marks()
        table.sync()
        await pilot.pause()
        assert table.page_label() == "page 2/2" and users_shown(table) == every[20:30]


async def test_kiosk_header_click_does_not_sort(clock, store):
    poll(store, five(clock))
    app = TableApp(store, clock, show_cursor=False)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        header = table.render_line(0).text
        await pilot.click("#table", offset=(header.index("Number"), 0))
        await pilot.click("#table", offset=(header.index("User"), 0))
        assert (table.sort_key, table.sort_reverse) == ("duration", True)
        assert order(table) == ["d-id", "a-id", "c-id", "b-id", "e-id"]


async def test_kiosk_has_no_scrollbar_as_rows_come_and_fade(clock, store):
    poll(store, kiosk_rows(clock, 25))
    app = TableApp(store, clock, show_cursor=False)
    async with app.run_test(size=(120, 21)) as pilot:
        table = app.table
        await pilot.pause()
        headers = set()
        for count in (25, 10, 25, 19, 21):
            clock.advance(store.fade_seconds + 0.1)
            table.tick()
            table.sync(poll(store, kiosk_rows(clock, count)))  # rows end, fade, come back
            await pilot.pause()
            assert not table.show_vertical_scrollbar and table.scrollbar_gutter.width == 0
            headers.add(table.render_line(0).text)
            store.expire_marks()
            table.sync()
            await pilot.pause()
            assert not table.show_vertical_scrollbar
        assert len(headers) == 1  # the columns never moved


async def test_empty_table_renders_just_the_header(clock, store):
    app = TableApp(store, clock)
    async with app.run_test(size=(100, 8)) as pilot:
        table = app.table
        await pilot.pause()
        lines = screen_lines(table)
        assert "Duration ▼" in lines[0]
        assert all(not line.strip() for line in lines[1:])
        assert table.cursor_id is None and table.page_label() == "page 1/1"
        table.focus()
        await pilot.press("down", "end", "enter")
        table.tick()
        table.next_page()
        assert app.opened == []


async def test_theme_change_restyles_cached_rows(clock, store):
    poll(store, five(clock))
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.pause()
        before = table.render_lines(Region(0, 2, 20, 1))[0]._segments[0].style.bgcolor
        app.theme = "textual-light"
        await pilot.pause()
        after = table.render_lines(Region(0, 2, 20, 1))[0]._segments[0].style.bgcolor
        assert before != after


async def test_focus_changes_the_cursor_style(clock, store):
    poll(store, five(clock))
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.pause()

        def cursor_style():
            return table.render_lines(Region(0, 1, 20, 1))[0]._segments[0].style

        assert table.has_focus  # the screen focuses it on start
        focused = cursor_style()
        table.blur()
        await pilot.pause()
        blurred = cursor_style()
        assert focused.bgcolor != blurred.bgcolor
        table.focus()
        await pilot.pause()
        assert cursor_style() == focused


async def test_a_duration_wider_than_its_column_widens_it(clock, store):
    poll(store, [rec(clock, "stuck", 3600 * 10_000), rec(clock, "ok", 5)])
    app = TableApp(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.pause()
        await pilot.pause()
        lines = screen_lines(table)
        assert fields(lines[1])[:2] == ["● REC", "10000:00:00"]
        assert fields(lines[2])[:2] == ["● REC", "0:00:05"]
        assert all(cell_len(line) == SIZE[0] for line in lines)


async def test_local_zone_by_default(clock, store):
    started = datetime(2026, 11, 28, 9, 0, 0, tzinfo=UTC)
    poll(store, [rec(clock, "a", 5, started=started), replace(rec(clock, "b", 1), started_at=None)])

    class LocalApp(TableApp):
        def compose(self) -> ComposeResult:
            yield RecordingsTable(self.store, self.clock)

    app = LocalApp(store, clock)
    async with app.run_test(size=SIZE):
        table = app.table
        assert started.astimezone(None).strftime("%H:%M:%S") in line_of(table, "a")
        assert " ? " in line_of(table, "b")


async def test_a_row_that_cannot_be_drawn_does_not_end_the_app(clock, store, monkeypatch):
    poll(store, [rec(clock, "boom", 10)])
    app = TableApp(store, clock)
    async with app.run_test(size=(120, 10)) as pilot:
        table = app.table

        def explode(*args, **kwargs):
            raise RuntimeError("a bug while drawing")

        monkeypatch.setattr(table._painter, "entry", explode)
        table._painter.clear()
        table.refresh()
        await pilot.pause()
        assert "this row could not be drawn" in table.render_line(1).text
        assert app.is_running
