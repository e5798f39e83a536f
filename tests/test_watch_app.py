"""Long calls, forgotten pauses and the bell in the dashboard (issue #11, point 3).

Pilot against the demo server over loopback HTTP; the clock is a FixedClock moved by
hand and the app's 1 Hz timer is paused: each ``app.tick()`` is one tick of that clock.
The known floor: alice-1 75 s, example 73 s, bob 0 s, alice-2 3605 s, carol 42 s paused.
"""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, OptionList

from livedash.app import LiveDashApp
from livedash.demo.testing import KNOWN_IDS
from livedash.widgets.recordings_table import RecordingsTable
from livedash.widgets.watch_commands import ThresholdScreen

from .conftest import settings_for, until
from .test_app import SIZE, poll_now, rendered_text, row_of


def status(app) -> str:
    return str(app.query_one("#status").render())


async def start(app, pilot) -> None:
    await until(app, lambda: app.store.has_data)
    app.tick_timer.pause()  # the test is the clock
    await pilot.pause()


async def tick(app, pilot, seconds: float = 1, floor=None) -> None:
    app.clock.advance(seconds)
    if floor is not None:
        floor.step(seconds)
    app.tick()
    await pilot.pause()


def count_bells(app) -> list[int]:
    rung = []
    app.bell = lambda: rung.append(1)  # headless, App.bell writes nothing: count calls
    return rung


async def details_of(app, pilot, name: str) -> str:
    table = app.query_one(RecordingsTable)
    table.move_cursor(table.row_of(KNOWN_IDS[name]))
    await pilot.press("enter")
    await pilot.pause()
    text = rendered_text(app.screen.query_one("#details-fields").content)
    await pilot.press("escape")
    return text


async def test_long_call_marks_and_count_appear_at_the_tick_a_row_crosses(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url, long_call=80.0), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert "⚠ LONG" in row_of(app, "alice-2") and "1 over 1:20" in status(app)
        seen = []
        for _ in range(8):
            seen.append(("⚠ LONG" in row_of(app, "alice-1"), "⚠ LONG" in row_of(app, "example"),
                         next(n for n in "123" if f"{n} over 1:20" in status(app))))
            await tick(app, pilot)
        # alice-1 reaches 1:20 at the 5th tick, the example (73 s) at the 7th
        assert seen == [(False, False, "1")] * 5 + [(True, False, "2")] * 2 + [(True, True, "3")]
        assert "⚠ LONG" not in row_of(app, "bob") and "⚠ LONG" not in row_of(app, "carol")
        assert "⚠ LONG: 1:20 or longer (--long-call)" in await details_of(app, pilot, "alice-1")


async def test_without_thresholds_the_table_and_status_are_as_before(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await tick(app, pilot, 3600)
        assert "⚠" not in row_of(app, "alice-2") and " over " not in status(app)
        assert "Alert" not in await details_of(app, pilot, "alice-2")


async def test_forgotten_pauses_are_marked_counted_and_told_in_the_details(demo_server, clock):
    # The floor is not stepped: its random resumes (one per 30 s paused) would end the
    # pauses; polls then say the same durations, which changes nothing for a pause.
    floor = demo_server.floor
    app = LiveDashApp(settings_for(demo_server.url, long_pause=120.0), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        # carol was paused in livedash's first poll: her pause began before it saw it
        assert "0 paused over 2:00" in status(app)
        await tick(app, pilot, 2)
        floor.pause(KNOWN_IDS["bob"])  # a supervisor pauses bob's recording
        await poll_now(app)
        await tick(app, pilot, 1)
        assert "❚❚ PAUSED" in row_of(app, "bob") and "⚠ PAUSE" not in row_of(app, "bob")
        details = await details_of(app, pilot, "bob")
        assert "paused for 0:01" in details and "at least" not in details
        assert "paused for at least 0:03" in await details_of(app, pilot, "carol")
        await tick(app, pilot, 114)  # carol 1:57, bob 1:55
        assert "0 paused over 2:00" in status(app)
        await tick(app, pilot, 3)  # carol 2:00
        assert "⚠ PAUSE" in row_of(app, "carol") and "⚠ PAUSE" not in row_of(app, "bob")
        assert "1 paused over 2:00" in status(app)
        await poll_now(app)  # polls go on: the pause is still measured from the first sight
        await tick(app, pilot, 2)  # bob 2:00
        assert "⚠ PAUSE" in row_of(app, "bob") and "2 paused over 2:00" in status(app)
        details = await details_of(app, pilot, "bob")
        assert "❚❚ paused for 2:00" in details
        assert "⚠ PAUSE: paused for 2:00 or longer (--long-pause)" in details
        assert "paused for at least 2:02" in await details_of(app, pilot, "carol")
        # a failed poll does not end a pause; the poll that sees the resume does
        demo_server.faults.inject("500", count=1)
        await poll_now(app)
        await tick(app, pilot, 1)
        assert "2 paused over 2:00" in status(app) and "STALE" in status(app)
        floor.resume(KNOWN_IDS["bob"])
        await poll_now(app)
        await tick(app, pilot, 1)
        assert "1 paused over 2:00" in status(app) and "⚠" not in row_of(app, "bob")


async def test_the_bell_rings_once_per_crossing_never_for_what_was_over_at_start(
        demo_server, clock):
    floor = demo_server.floor
    settings = settings_for(demo_server.url, long_call=80.0, long_pause=60.0, bell=True)
    app = LiveDashApp(settings, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        rung = count_bells(app)
        await start(app, pilot)
        per_tick = []
        for second in range(1, 11):
            if second % 3 == 0:
                await poll_now(app)  # polls in between repeat no crossing
            await tick(app, pilot, 1, floor)
            per_tick.append(len(rung))
        # alice-2, over at the first poll: no bell; alice-1 at 5 s, the example at 7 s
        assert per_tick == [0, 0, 0, 0, 1, 1, 2, 2, 2, 2]
        # carol, paused since the first poll, crosses 1:00 (measured from it) at 60 s
        await tick(app, pilot, 49, floor)
        assert len(rung) == 2
        await tick(app, pilot, 1, floor)
        assert len(rung) == 3
        for _ in range(5):
            await tick(app, pilot, 1, floor)
        assert len(rung) == app.bells == 3


async def test_no_bell_without_the_option(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url, long_call=80.0), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        rung = count_bells(app)
        await start(app, pilot)
        await tick(app, pilot, 10)
        assert "⚠ LONG" in row_of(app, "alice-1") and rung == []


async def palette_command(pilot, words: str) -> None:
    """Ctrl+P, type ``words``, and run the first command the palette offers."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await until_screen(pilot, CommandPalette)
    await pilot.press(*words)
    options = app.screen.query_one(OptionList)
    for _ in range(200):  # the palette searches in a worker: let it answer
        if options.option_count and words.lower() in str(options.get_option_at_index(0)
                                                           .prompt).lower():
            break
        await pilot.pause()
    await pilot.press("down", "enter")
    await pilot.pause()


async def until_screen(pilot, kind) -> None:
    for _ in range(200):
        if isinstance(pilot.app.screen, kind):
            return
        await pilot.pause()
    raise AssertionError(f"no {kind.__name__}")


async def test_the_palette_sets_and_turns_off_the_long_call_threshold(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await palette_command(pilot, "long-call threshold")
        await until_screen(pilot, ThresholdScreen)
        field = app.screen.query_one("#threshold", Input)
        field.value = "soon"
        await pilot.press("enter")
        await pilot.pause()
        error = str(app.screen.query_one("#threshold-error").render())
        assert "not a duration" in error and isinstance(app.screen, ThresholdScreen)
        field.value = "1m"
        await pilot.press("enter")
        await pilot.pause()
        assert app.watch.thresholds.long_call == 60
        # alice-1 (1:15), alice-2 and the example (1:13) are over 1:00
        assert "3 over 1:00" in status(app) and "⚠ LONG" in row_of(app, "alice-1")
        await palette_command(pilot, "long-call marking off")
        assert app.watch.thresholds.long_call is None
        assert " over " not in status(app) and "⚠" not in row_of(app, "alice-2")


async def test_a_threshold_set_from_the_palette_rings_only_for_later_crossings(
        demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url, bell=True), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        rung = count_bells(app)
        await start(app, pilot)
        app.set_thresholds(app.watch.thresholds._replace(long_call=74.0))
        await pilot.pause()
        # alice-1 (1:15) is over already: marked, no bell; the example (1:13) crosses next
        assert "⚠ LONG" in row_of(app, "alice-1") and "⚠ LONG" not in row_of(app, "example")
        await tick(app, pilot)
        assert rung == [1] and "⚠ LONG" in row_of(app, "example")
        await tick(app, pilot)
        assert rung == [1]


async def test_a_kiosk_marks_counts_and_rings_too(demo_server, clock):
    settings = settings_for(demo_server.url, kiosk=True, long_call=80.0, bell=True)
    app = LiveDashApp(settings, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        rung = count_bells(app)
        await start(app, pilot)
        await tick(app, pilot, 5)
        assert "2 over 1:20" in status(app) and "⚠ LONG" in row_of(app, "alice-1")
        assert rung == [1]


@pytest.mark.parametrize(("spec", "reads"), [
    # 9 cells: the duration column widens, the mark keeps its room
    (dict(duration=100 * 3600), "● REC      ⚠ LONG 100:01:00  slow"),
    # 8 cells, paused: the column does not widen; the mark gives up its inner space
    # (on a terminal too narrow for the "Duration ▼" header's own two extra cells)
    (dict(duration=10 * 3600 + 5, paused=True), "❚❚ PAUSED  ⚠PAUSE 10:00:05  slow"),
])
async def test_a_mark_and_a_long_duration_keep_a_space_between_them(
        demo_server, clock, spec, reads):
    rec_id = demo_server.floor.add_call(username="slow", **spec)
    settings = settings_for(demo_server.url, long_call=3600.0, long_pause=60.0)
    app = LiveDashApp(settings, clock=clock)
    async with app.run_test(size=(60, 20)) as pilot:
        await start(app, pilot)
        await tick(app, pilot, 60)
        await pilot.pause()  # a wider duration column comes at the next frame
        table = app.query_one(RecordingsTable)
        assert reads in table.render_line(table.row_of(rec_id) + 1).text


async def test_the_palette_sets_the_long_pause_threshold_and_turns_the_bell_on(
        demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        rung = count_bells(app)
        await start(app, pilot)
        await palette_command(pilot, "turn the bell on")
        assert app.bell_on
        await palette_command(pilot, "long-pause threshold")
        await until_screen(pilot, ThresholdScreen)
        app.screen.query_one("#threshold", Input).value = "10s"
        await pilot.press("enter")
        await pilot.pause()
        assert app.watch.thresholds.long_pause == 10
        assert "0 paused over 0:10" in status(app) and "⚠ PAUSE" not in row_of(app, "carol")
        await tick(app, pilot, 10)  # carol, paused since the first poll, crosses: one bell
        assert "1 paused over 0:10" in status(app) and "⚠ PAUSE" in row_of(app, "carol")
        await tick(app, pilot, 5)
        assert rung == [1]
        await palette_command(pilot, "long-pause marking off")
        assert " over " not in status(app) and "⚠" not in row_of(app, "carol")
