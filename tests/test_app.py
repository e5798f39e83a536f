"""The dashboard under Pilot, against the demo server over loopback HTTP."""

import io
from itertools import pairwise

from rich.cells import cell_len
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


async def poll_now(app) -> None:
    """Poll now and wait until the outcome is on screen (keys may be off: kiosk, dialog)."""
    before = app.outcomes
    app.poller.poll_now()
    await until(app, lambda: app.outcomes > before)


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
        await pilot.press("f")
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
        # 5 live recordings: 4 recording, 1 paused (as their rows say: ● REC, ❚❚ PAUSED)
        assert app.query_one("#tile-recording").figure == "4"
        assert app.query_one("#tile-paused").figure == "1"
        # actions are off on a wall screen
        await pilot.press("r", "p", "slash", "f", "h", "e", "P", "space")
        assert not app.poller.paused


async def test_pause_polling_and_poll_now(demo_server, clock):
    """``r`` while paused: exactly one request goes out, its answer is shown, and polling
    stays paused; ``p`` again resumes."""
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("p")
        assert app.poller.paused and "PAUSED" in str(app.query_one("#status").render())
        sent = len(demo_server.requests)
        new_id = demo_server.floor.add_call(username="dave", duration=5)
        await pilot.press("r")
        await until(app, lambda: new_id in app.store.records)
        assert len(demo_server.requests) == sent + 1 == app.poller.requests_sent
        assert app.poller.paused and "PAUSED" in str(app.query_one("#status").render())
        await press_and_settle(pilot, "r")  # and again: one more, still paused
        assert len(demo_server.requests) == sent + 2 and app.poller.paused
        await press_and_settle(pilot, "p")  # resuming polls at once
        assert not app.poller.paused and len(demo_server.requests) == sent + 3


async def test_a_duration_changes_once_per_tick_and_never_between(demo_server, clock):
    """A wall clock: polls land between ticks, and no repaint shows the next second early.

    The clock (and the demo floor with it) moves in 0.1 s steps; the app ticks at x.5 s,
    polls land at x.2 s, just after the row's duration crossed a second. At every step the
    row is drawn afresh, as any repaint would draw it.
    """
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        app.tick_timer.pause()  # this test is the clock
        floor = demo_server.floor
        texts, ticks, polls = [], set(), set()
        for step in range(1, 36):
            clock.advance(0.1)
            floor.step(0.1)
            if step % 10 == 2:
                polls.add(step)
                await press_and_settle(pilot, "r")
            if step % 10 == 5:
                ticks.add(step)
                app.tick()
            await pilot.pause()
            texts.append(row_of(app, "alice-1").split()[2])  # ● REC 0:01:15 …
        assert len(polls) == 4 and app.store.polls == 5
        changes = {step for step, (before, after) in enumerate(pairwise(texts), start=2)
                   if after != before}
        assert changes == ticks - {5}  # 1:15 until the tick at 1.5 s, then one a tick
        assert texts[-1] == "0:01:18"


async def test_details_tick_like_their_row(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        app.tick_timer.pause()
        table = app.query_one(RecordingsTable)
        table.move_cursor(table.row_of(KNOWN_IDS["alice-1"]))
        await pilot.press("enter")
        await pilot.pause()

        def details() -> str:
            return rendered_text(app.screen.query_one("#details-fields").content)

        assert "0:01:15" in details()
        for expected in ("0:01:16", "0:01:17"):
            clock.advance(1)
            demo_server.floor.step(1)
            app.tick()
            await pilot.pause()
            assert expected in details() and expected in row_of(app, "alice-1")
        clock.advance(1)
        demo_server.floor.step(1)
        await poll_now(app)  # a poll before the tick changes neither
        assert "0:01:17" in details() and "0:01:17" in row_of(app, "alice-1")
        app.tick()
        await pilot.pause()
        assert "0:01:18" in details() and "0:01:18" in row_of(app, "alice-1")
        app.action_pause_polling()  # paused: both count on, marked as estimates
        clock.advance(1)
        app.tick()
        await pilot.pause()
        assert "~0:01:19" in row_of(app, "alice-1")
        assert "~0:01:19  (estimated: counted on since the last poll)" in details()


async def test_paused_polling_marks_durations_as_estimates(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        app.tick_timer.pause()
        await pilot.press("p")
        clock.advance(1)
        app.tick()
        await pilot.pause()
        assert "~0:01:16" in row_of(app, "alice-1")
        assert "❚❚ PAUSED" in row_of(app, "carol") and "~" not in row_of(app, "carol")
        assert "~ marks estimated durations" in str(app.query_one("#status").render())
        await pilot.press("p")
        await pilot.pause()
        assert "~" not in row_of(app, "alice-1")


async def test_kiosk_pages_turn_on_the_period_only(demo_server, clock):
    for i in range(60):
        demo_server.floor.add_call(username=f"kiosk{i:02d}", duration=100 + i)
    app = LiveDashApp(settings_for(demo_server.url, kiosk=True), clock=clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await until(app, lambda: app.store.has_data)
        app.tick_timer.pause()
        table = app.query_one(RecordingsTable)
        label = app.query_one("#kiosk-page")
        pages = table.page_count()
        assert pages >= 2 and str(label.render()) == f"page 1/{pages}"
        first_rows = []
        for page in (1, 2):
            for _ in range(3):  # polls and ticks between two turns do not move the page
                await poll_now(app)
                clock.advance(1)
                app.tick()
                await pilot.pause()
                assert str(label.render()) == f"page {page}/{pages}"
            first_rows.append(table.render_line(1).text)
            app.next_kiosk_page()
            await pilot.pause()
        assert first_rows[0] != first_rows[1]
        assert not table.show_vertical_scrollbar


async def test_narrow_terminals_keep_numbers_whole(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, lambda: app.store.has_data)
        table = app.query_one(RecordingsTable)
        rows = [table.render_line(y).text for y in range(1, table.row_count + 1)]
        assert any("+390212345678" in row and "Giulia Rossi" in row for row in rows)
        assert "Started" not in table.render_line(0).text  # gone before a number is cut
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        rows = [table.render_line(y).text for y in range(1, table.row_count + 1)]
        row = next(row for row in rows if "+390212345678" in row)
        assert "Giulia Ro" in row  # names keep 9-10 cells at 60 columns
        assert all(cell_len(row) == 60 for row in rows)
