"""The dashboard under Pilot, against the demo server over loopback HTTP."""

import io

from rich.console import Console
from textual.widgets import Input

from livedash.app import LiveDashApp
from livedash.demo.testing import KNOWN_IDS
from livedash.model import Filters
from livedash.widgets.recordings_table import RecordingsTable

from .conftest import press_and_settle, settings_for, until

SIZE = (140, 30)


def rendered_text(renderable) -> str:
    console = Console(width=120, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text()


def row_texts(app) -> list[str]:
    table = app.query_one(RecordingsTable)
    return [table.render_line(y).text for y in range(1, table.row_count + 1)]


def row_of(app, name: str) -> str:
    return next(t for t in row_texts(app) if KNOWN_IDS[name] in t)


async def test_first_poll_fills_the_table_longest_first(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE):
        await until(app, lambda: app.store.has_data)
        table = app.query_one(RecordingsTable)
        assert table.row_count == len(KNOWN_IDS)
        assert table.cursor_id == KNOWN_IDS["alice-2"]  # 1 h, the longest
        assert "● LIVE" in str(app.query_one("#status").render())


async def test_typing_a_filter_changes_the_query_and_the_rows(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock, debounce=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("slash")
        await pilot.press(*"SEP00000000A001")
        await until(app, lambda: app.store.has_data and app.store.filters.deviceName)
        assert demo_server.requests[-1].query == {"deviceName": "SEP00000000A001"}
        assert [KNOWN_IDS["alice-1"] in t for t in row_texts(app)] == [True]
        # a second filter, Enter at once: ANDed, and focus returns to the table
        app.query_one("#filter-username").focus()
        await pilot.press(*"alice", "enter")
        await until(app, lambda: app.store.has_data and app.store.filters.username)
        assert demo_server.requests[-1].query == {
            "deviceName": "SEP00000000A001", "username": "alice"}
        assert isinstance(app.focused, RecordingsTable)


async def test_cli_filters_prefill_inputs_and_empty_result_names_them(demo_server, clock):
    settings = settings_for(demo_server.url, filters=Filters(username="nobody"))
    app = LiveDashApp(settings, clock=clock)
    async with app.run_test(size=SIZE):
        await until(app, lambda: app.store.has_data)
        assert app.query_one("#filter-username", Input).value == "nobody"
        assert demo_server.requests[-1].query == {"username": "nobody"}
        empty = app.query_one("#empty")
        assert empty.display and 'No live recordings match User "nobody".' in str(
            empty.render())


async def test_escape_clears_the_filter(demo_server, clock):
    settings = settings_for(demo_server.url, filters=Filters(username="bob"))
    app = LiveDashApp(settings, clock=clock, debounce=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        app.query_one("#filter-username").focus()
        await pilot.press("escape")
        await until(app, lambda: app.store.has_data and not app.store.filters)
        assert demo_server.requests[-1].query == {}
        assert app.query_one(RecordingsTable).row_count == len(KNOWN_IDS)


async def test_durations_tick_with_the_clock_and_paused_ones_stay(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        assert "0:01:15" in row_of(app, "alice-1")
        assert "0:00:42" in row_of(app, "carol") and "PAUSED" in row_of(app, "carol")
        for expected in ("0:01:16", "0:01:17", "0:01:18"):
            clock.advance(1)
            app.tick()
            await pilot.pause()
            assert expected in row_of(app, "alice-1")
            assert "0:00:42" in row_of(app, "carol")


async def test_cursor_keeps_its_recording_across_a_poll_that_adds_and_removes(
        demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        table = app.query_one(RecordingsTable)
        await pilot.press("down", "down")
        chosen = table.cursor_id
        floor = demo_server.floor
        floor.stop(KNOWN_IDS["alice-2"])  # the row above the cursor ends
        floor.add_call(username="dave", device_name="SEP00000000D001", duration=9999)
        await press_and_settle(pilot, "r")
        assert table.cursor_id == chosen
        # the ended row fades out rather than vanishing under the cursor
        assert "ENDED" in row_of(app, "alice-2")
        clock.advance(10)
        app.tick()
        await pilot.pause()
        assert table.cursor_id == chosen
        assert not any(KNOWN_IDS["alice-2"] in t for t in row_texts(app))


async def test_sorting_keeps_the_cursor(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        table = app.query_one(RecordingsTable)
        await pilot.press("down")
        chosen = table.cursor_id
        await pilot.press("s")
        assert table.sort_key != "duration" and table.cursor_id == chosen
        await pilot.press("S")
        assert table.cursor_id == chosen


async def test_enter_shows_every_field(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        table = app.query_one(RecordingsTable)
        table.move_cursor(table.row_of(KNOWN_IDS["example"]))
        await pilot.press("enter")
        await pilot.pause()
        text = rendered_text(app.screen.query_one("#details-fields").content)
        for value in (KNOWN_IDS["example"], "user1", "John", "Doe", "+1555123456",
                      "2018-07-02 15:07:00", "0:01:13", "recording"):
            assert value in text
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]


async def test_kiosk_has_no_inputs_no_cursor_and_big_totals(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url, kiosk=True), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        assert not app.query(Input)
        table = app.query_one(RecordingsTable)
        assert not table.can_focus and app.focused is None
        assert str(app.query_one("#total-active").value) == "5"
        assert str(app.query_one("#total-paused").value) == "1"
        await pilot.press("r", "p", "slash")  # actions are off on a wall screen
        assert not app.poller.paused


async def test_pause_polling_and_poll_now(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("p")
        assert app.poller.paused and "PAUSED" in str(app.query_one("#status").render())
        await pilot.press("p")
        assert not app.poller.paused
