"""The recently-ended view (``h``) under Pilot, against the demo server over loopback HTTP."""

from __future__ import annotations

from textual.widgets import Input

from livedash.app import LiveDashApp
from livedash.demo.testing import KNOWN_IDS
from livedash.model import Filters
from livedash.widgets.ended_table import EndedTable
from livedash.widgets.recently_ended import TITLE, EndedDetailsScreen, RecentlyEndedScreen

from .conftest import press_and_settle, settings_for, until
from .test_app import rendered_text

SIZE = (120, 30)


def shown_rows(screen: RecentlyEndedScreen) -> list[list[str]]:
    table = screen.query_one(EndedTable)
    return [list(table.row_texts(index)) for index in range(table.row_count)]


def drawn_lines(screen: RecentlyEndedScreen) -> list[str]:
    """The table's lines as drawn (header first)."""
    table = screen.query_one(EndedTable)
    return [table.render_line(y).text.rstrip() for y in range(table.size.height)]


async def end_two_calls(pilot, floor, clock) -> None:
    """alice-1 ends 17 s in (85 s long at the poll before), bob 22 s in (10 s long)."""
    floor.step(10)
    clock.advance(10)
    await press_and_settle(pilot, "r")
    floor.stop(KNOWN_IDS["alice-1"])
    clock.advance(7)
    await press_and_settle(pilot, "r")
    floor.stop(KNOWN_IDS["bob"])
    clock.advance(5)
    await press_and_settle(pilot, "r")


async def test_what_left_is_listed_most_recent_first_with_its_final_duration(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await end_two_calls(pilot, demo_server.floor, clock)
        clock.advance(30)  # later ticks do not lengthen a final duration
        await pilot.press("h")
        screen = app.screen
        assert isinstance(screen, RecentlyEndedScreen)
        assert str(screen.query_one(".dialog-title").render()) == TITLE
        assert shown_rows(screen) == [
            ["bob", "unknown", "+15550001111", "0:00:10", "09:30:22"],
            ["alice", "Giulia Rossi", "+390212345678", "0:01:25", "09:30:17"],
        ]
        note = str(screen.query_one("#recently-ended-note").render())
        assert ("2 since livedash started at 09:30:00, most recent first, as of 09:30:52 · "
                "whatever the filters") in note
        # Enter: the details of the one under the cursor; Esc back to the list, h to the table
        await pilot.press("down", "enter")
        details = app.screen
        assert isinstance(details, EndedDetailsScreen)
        text = rendered_text(details.query_one("#ended-details-fields").content)
        for value in (KNOWN_IDS["alice-1"], "Final duration", "0:01:25", "Giulia",
                      "Last seen live", "2026-11-28 09:30:10", "09:30:17 UTC  (the first poll "
                      "without it)", "Seen while watching", "all live recordings"):
            assert value in text, value
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("h")
        assert app.screen is app.screen_stack[0]


async def test_nothing_ended_yet_says_what_the_list_is(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url, history_minutes=5), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("h")
        screen = app.screen
        assert not screen.query_one(EndedTable).display
        empty = str(screen.query_one("#recently-ended-empty").render())
        assert "No recording seen to end in the last 5 minutes" in empty
        assert "not those while the filters hid them" in empty
        # r takes the list again: what ended since is there
        demo_server.floor.stop(KNOWN_IDS["carol"])
        app.poller.poll_now()
        before = app.outcomes
        await until(app, lambda: app.outcomes > before)
        await pilot.press("r")
        assert [row[0] for row in shown_rows(screen)] == ["carol"]
        assert screen.query_one(EndedTable).display


async def test_a_filter_change_is_no_end_and_the_history_stays(demo_server, clock):
    settings = settings_for(demo_server.url, filters=Filters(username="alice"))
    app = LiveDashApp(settings, clock=clock, debounce=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        demo_server.floor.stop(KNOWN_IDS["alice-1"])
        clock.advance(2)
        await press_and_settle(pilot, "r")
        # to bob: alice-2 leaves the view, but it did not end
        app.query_one("#filter-username", Input).value = "bob"
        await until(app, lambda: app.store.has_data and app.store.filters.username == "bob")
        app.table.focus()
        clock.advance(2)
        await press_and_settle(pilot, "r")
        assert [rec.id for rec in app.store.records.values()] == [KNOWN_IDS["bob"]]
        await pilot.press("h")
        screen = app.screen
        assert [row[:2] for row in shown_rows(screen)] == [["alice", "Giulia Rossi"]]
        await pilot.press("enter")
        text = rendered_text(app.screen.query_one("#ended-details-fields").content)
        assert 'Seen while watching  User "alice"' in text


async def test_ten_thousand_ended_are_listed_and_drawn_a_screen_at_a_time(demo_server, clock):
    floor = demo_server.floor
    ids = [floor.add_call(username=f"agent{n:05d}", duration=n) for n in range(10_000)]
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        clock.advance(40 * 60)  # watching for longer than the history keeps
        await press_and_settle(pilot, "r")
        for rec_id in ids:
            floor.stop(rec_id)
        clock.advance(2)
        await press_and_settle(pilot, "r")
        await pilot.press("h")
        screen = app.screen
        table = screen.query_one(EndedTable)
        assert table.row_count == 10_000
        note = str(screen.query_one("#recently-ended-note").render())
        assert "10,000 in the last 30 min" in note and "only the last 10,000 are kept" in note
        # one poll's ends, most recent first: the server's order, reversed
        lines = drawn_lines(screen)
        assert lines[0].split() == ["User", "Remote", "party", "Number", "Final", "duration",
                                    "Ended"]
        assert lines[1].split()[0] == "agent09999"
        await pilot.press("end")
        assert table.cursor == 9_999 and drawn_lines(screen)[-1].split()[0] == "agent00000"
        await pilot.press("enter")
        assert isinstance(app.screen, EndedDetailsScreen)
        assert app.screen.entry.id == ids[0]


async def test_the_kiosk_has_no_recently_ended_view(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url, kiosk=True), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("h", "e")
        assert app.screen is app.screen_stack[0] and not app.exporter.running


def test_snapshot_recently_ended(snap_compare, demo_server):
    """Two ends seen at once, one noticed after a failed poll ("by"), one unknown caller."""
    from .test_snapshots import first_poll, make_app

    async def end_some(pilot):
        await first_poll(pilot)
        clock = pilot.app.clock
        floor = demo_server.floor
        await end_two_calls(pilot, floor, clock)
        demo_server.faults.inject("500", count=1)
        clock.advance(2)
        await press_and_settle(pilot, "r")  # fails: polling interrupted
        floor.stop(KNOWN_IDS["carol"])
        clock.advance(20)
        await press_and_settle(pilot, "r")
        clock.advance(15)
        await pilot.press("h")
        await pilot.pause()

    assert snap_compare(make_app(demo_server), terminal_size=(100, 24), run_before=end_some)
