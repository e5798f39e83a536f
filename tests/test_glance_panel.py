"""The kiosk's glance in the app (Pilot, over loopback HTTP): totals, the longest call
ticking with the table, the half hour's sparklines, threshold tiles, giving way on a
small terminal, the header's live/stale badge."""

import pytest
from textual.widgets import Digits, Sparkline

from livedash.app import LiveDashApp
from livedash.demo.faults import HOSTILE_TEXTS
from livedash.glance import CLEAR_WORD, LONG_CALL_WORD
from livedash.themes import HIGH_CONTRAST
from livedash.watch import Thresholds
from livedash.widgets.header_bar import HeaderBar
from livedash.widgets.recordings_table import RecordingsTable

from .conftest import settings_for, until
from .test_app import poll_now, row_texts
from .test_hostile import UNSAFE, assert_inert, screen_strips

WALL = (120, 34)


def kiosk(server, clock, cls=LiveDashApp, **overrides):
    return cls(settings_for(server.url, kiosk=True, **overrides), clock=clock)


def text_of(app, selector: str) -> str:
    return str(app.query_one(selector).render())


def longest_duration(app) -> str:
    return app.query_one("#longest-digits", Digits).value


async def test_the_longest_call_ticks_with_the_table(demo_server, clock):
    app = kiosk(demo_server, clock)
    async with app.run_test(size=WALL) as pilot:
        await until(app, lambda: app.store.has_data)
        app.tick_timer.pause()
        await pilot.pause()
        assert "alice ↔ Hugo Martin" in text_of(app, "#longest-who")
        for _ in range(3):
            clock.advance(1)
            app.tick()
            await pilot.pause()
            # the same text as its row, at the same tick
            row = next(row for row in row_texts(app) if "Hugo Martin" in row)
            assert longest_duration(app) in row
        assert longest_duration(app) == "1:00:08"
        # a paused call is not counted on, and a running one overtakes it
        demo_server.floor.add_call(username="zoe", first_name="Ann", last_name="Lee",
                                   duration=3610, paused=True)
        await poll_now(app)
        clock.advance(1)
        app.tick()
        await pilot.pause()
        assert "zoe ↔ Ann Lee" in text_of(app, "#longest-who")
        assert app.query_one("#tile-longest").has_class("-paused")
        clock.advance(5)
        app.tick()
        await pilot.pause()
        assert "alice ↔ Hugo Martin" in text_of(app, "#longest-who")


async def test_totals_and_the_sparklines_follow_the_polls(demo_server, clock):
    app = kiosk(demo_server, clock)
    async with app.run_test(size=WALL) as pilot:
        await until(app, lambda: app.store.has_data)
        app.tick_timer.pause()
        for username in ("p1", "p2", "p3"):  # one more call every half minute
            clock.advance(30)
            demo_server.floor.add_call(username=username, duration=1)
            await poll_now(app)
            app.tick()  # the glance shows the tick's time, as the table does
        demo_server.floor.add_call(username="held", duration=1, paused=True)
        clock.advance(30)
        await poll_now(app)
        app.tick()
        await pilot.pause()
        assert app.query_one("#tile-recording").figure == "7"
        assert app.query_one("#tile-paused").figure == "2"
        assert app.query_one("#trend-recording", Sparkline).data == [4, 5, 6, 7, 7]
        assert app.query_one("#trend-paused", Sparkline).data == [1, 1, 1, 1, 2]
        assert text_of(app, "#trend-recording-range") == "4–7"
        assert text_of(app, "#trend-span") == "last 2 min"  # 5 slots of 30 s: what it saw


async def test_threshold_tiles_only_when_asked_and_in_words(demo_server, clock):
    demo_server.floor.add_call(username="dave", duration=1200)  # a second call over 15:00
    app = kiosk(demo_server, clock)
    async with app.run_test(size=WALL) as pilot:
        await until(app, lambda: app.store.has_data)
        calls, pauses = app.query_one("#tile-long-calls"), app.query_one("#tile-long-pauses")
        assert not calls.display and not pauses.display  # no --long-call: no tile
        app.set_thresholds(Thresholds(long_call=900, long_pause=120))  # as the palette does
        await pilot.pause()
        assert calls.display and pauses.display
        assert text_of(app, "#tile-long-calls .tile-label") == "CALLS ≥ 15:00"
        # alice's hour and dave's 20 minutes; carol's 42 s pause is under 2:00
        assert calls.figure == "2" and calls.has_class("-alert")
        assert text_of(app, "#tile-long-calls .tile-word") == LONG_CALL_WORD
        assert pauses.figure == "0" and not pauses.has_class("-alert")
        assert text_of(app, "#tile-long-pauses .tile-word") == CLEAR_WORD
        # the warning colour differs from the calm one, as well as the word
        assert calls.styles.background != pauses.styles.background
        # the tile counts what the rows mark, at the same tick
        assert app.watch.counts(app.tick_time()).long_calls == 2


@pytest.mark.parametrize(("size", "sparklines", "digits", "min_rows"), [
    (WALL, True, True, 20),
    ((80, 24), False, True, 12),  # the sparklines go first
    ((60, 20), False, False, 10),  # then the digits become one line
])
async def test_the_glance_gives_way_on_small_terminals(demo_server, clock, size, sparklines,
                                                       digits, min_rows):
    for i in range(40):
        demo_server.floor.add_call(username=f"agent{i:02d}", duration=10 + i)
    app = kiosk(demo_server, clock)
    async with app.run_test(size=size) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        glance = app.query_one("#glance")
        assert glance.query_one("#trend").display == sparklines
        assert glance.query_one("#tile-recording .tile-figure").display == digits
        assert glance.query_one("#tile-recording .tile-value").display != digits
        assert text_of(app, "#tile-recording .tile-value") == "44"
        table = app.query_one(RecordingsTable)
        assert table.size.height - 1 >= min_rows  # rows under the header, paged
        assert text_of(app, "#kiosk-page") == f"page 1/{table.page_count()}"
        bottom = glance.region.bottom
        assert bottom <= table.region.y and table.region.bottom <= app.query_one(
            "#status").region.y


async def test_the_header_says_live_or_stale_before_the_clock(demo_server, clock):
    app = kiosk(demo_server, clock)
    async with app.run_test(size=WALL) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        header = app.query_one(HeaderBar)
        line = str(header.render())
        assert line.rstrip().endswith("● LIVE   09:30:00") and header.has_class("-live")


async def test_a_hostile_longest_call_is_literal(demo_server, clock):
    demo_server.floor.add_call(username=HOSTILE_TEXTS[3], first_name=HOSTILE_TEXTS[0],
                               last_name=HOSTILE_TEXTS[7], duration=99999)
    app = kiosk(demo_server, clock)
    async with app.run_test(size=WALL) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        who = text_of(app, "#longest-who")
        assert "␛[31mred␛[0m" in who and "[bold red]x[/]" in who and not UNSAFE.search(who)
        assert_inert(screen_strips(app), "kiosk glance")


@pytest.mark.parametrize("theme", [None, HIGH_CONTRAST])
async def test_big_state_symbols_in_the_high_contrast_theme(demo_server, clock, theme):
    app = kiosk(demo_server, clock, theme=theme)
    async with app.run_test(size=WALL) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        assert app.theme == (theme or "textual-dark")
        symbols = app.query(".big-symbol")
        assert len(symbols) == 2 and all(s.display == (theme is not None) for s in symbols)


async def test_threshold_tiles_count_the_rows_marked_at_each_tick(demo_server, clock):
    """--long-call and --long-pause given at start: each tile's figure is the number of
    rows the table marks, at every tick, as recordings cross (the watch counts both)."""
    demo_server.floor.add_call(username="nearly", duration=58)  # crosses 1:00 in 2 s
    app = kiosk(demo_server, clock, long_call=60, long_pause=120)
    async with app.run_test(size=WALL) as pilot:
        await until(app, lambda: app.store.has_data)
        app.tick_timer.pause()
        calls, pauses = app.query_one("#tile-long-calls"), app.query_one("#tile-long-pauses")
        seen = []
        for step in (0, 1, 1, 60, 60):  # nearly crosses, then bob; then carol's pause
            clock.advance(step)
            app.tick()
            await pilot.pause()
            rows = row_texts(app)
            marked = (sum("⚠ LONG" in row for row in rows),
                      sum("⚠ PAUSE" in row for row in rows))
            assert (int(calls.figure), int(pauses.figure)) == marked
            assert calls.has_class("-alert") == (marked[0] > 0)
            assert pauses.has_class("-alert") == (marked[1] > 0)
            seen.append(marked)
        assert seen[0][0] < seen[2][0] < seen[-1][0] and seen[-1][1] == 1  # it did move
        assert text_of(app, "#tile-long-pauses .tile-word") == "⚠ PAUSE"


async def test_threshold_tiles_claim_nothing_before_any_data(demo_server, clock):
    """No answer yet (a server down at start): the threshold tiles read "-" and say why,
    as the totals do, never "0 ✓ none" (an all-clear the wall cannot know)."""
    demo_server.faults.inject("500")
    app = kiosk(demo_server, clock, long_call=60, long_pause=120)
    async with app.run_test(size=WALL) as pilot:
        await until(app, lambda: app.outcomes >= 1)
        await pilot.pause()
        for tile in ("#tile-recording", "#tile-long-calls", "#tile-long-pauses"):
            assert app.query_one(tile).figure == "-"
            assert text_of(app, f"{tile} .tile-word") == "✕ no data"
            assert not app.query_one(tile).has_class("-alert")
        demo_server.faults.clear()
        await poll_now(app)
        await pilot.pause()
        figure = app.query_one("#tile-long-calls").figure  # alice's hour, ...
        assert figure != "0" and figure == str(app.watch.counts(app.tick_time()).long_calls)
        assert text_of(app, "#tile-long-calls .tile-word") == LONG_CALL_WORD
