"""Scale (issue #3): the real app against the real demo server with thousands of calls.

No timings are asserted here (benchmarks/bench_scale.py measures them); these tests pin
down what must hold whatever the size: one request at a time on one kept-alive
connection, and the highlights and fade-outs that make a busy floor readable.
"""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

from livedash.app import LiveDashApp
from livedash.demo.floor import Floor
from livedash.demo.server import LIVE_RECORDINGS, DemoServer
from livedash.store import RowMark
from livedash.widgets.recordings_table import RecordingsTable

from .conftest import press_and_settle, settings_for, until

SIZE = (160, 40)
CALLS = 3000


async def test_one_request_per_interval_on_one_kept_alive_connection():
    interval = 0.2
    with DemoServer(size=CALLS, seed=3, live=True) as server:
        app = LiveDashApp(settings_for(server.url, interval=interval))
        async with app.run_test(size=SIZE):
            await until(app, lambda: app.outcomes >= 10, timeout=30)
            polls = app.outcomes
            assert app.table.row_count > CALLS * 0.9
        requests = [r for r in server.requests if r.path == LIVE_RECORDINGS]
        assert server.max_concurrent == 1
        assert server.connections == 1
        # every answer shown was asked for once; at most one more was on its way at exit
        assert polls <= len(requests) <= polls + 1
        assert all(r.status == 200 for r in requests[:polls])
        # the next request goes out an interval after the last answer, never sooner
        arrivals = [r.time for r in requests]
        assert all(b - a >= interval * 0.95 for a, b in pairwise(arrivals))


def _running(floor: Floor, but: set[str]) -> str:
    return next(r["id"] for r in floor.recordings()
                if not r["isPaused"] and r["id"] not in but)


async def test_new_and_changed_rows_flash_and_ended_rows_fade_under_the_cursor(clock):
    floor = Floor(CALLS, seed=11, now=lambda: datetime(2026, 11, 28, 9, 30), churn=0.005)
    with DemoServer(floor) as server:
        app = LiveDashApp(settings_for(server.url), clock=clock)
        async with app.run_test(size=SIZE) as pilot:
            await until(app, lambda: app.store.has_data)
            table = app.query_one(RecordingsTable)
            store = app.store
            assert table.row_count == CALLS
            table.sort_by("duration", reverse=False)  # the newest calls on top
            table.move_cursor(5)
            watched = table.cursor_id
            screen_row = table.cursor_index - table.scroll_offset.y
            before = set(floor.ids())

            floor.step(2.0)  # about 30 calls end and as many start, some pause or resume
            clock.advance(2.0)
            if watched in floor.ids():  # (the step may have ended it already)
                floor.stop(watched)
            paused = _running(floor, {watched})
            floor.pause(paused)
            await press_and_settle(pilot, "r")

            after = set(floor.ids())
            born, gone = after - before, before - after
            assert len(born) > 10 and len(gone) > 10 and watched in gone
            assert {store.mark(i) for i in born} == {RowMark.NEW}
            assert {store.mark(i) for i in gone} == {RowMark.ENDED}
            assert store.mark(paused) is RowMark.CHANGED
            # the row under the cursor ended: it stays there (same screen row, though new
            # calls came in above it), marked, while it fades
            assert table.cursor_id == watched
            assert table.cursor_index - table.scroll_offset.y == screen_row
            index = table.cursor_index
            assert table.row_count == len(after) + len(gone)

            new_bg = table.get_component_rich_style("recordings-table--new").bgcolor
            changed_bg = table.get_component_rich_style("recordings-table--changed").bgcolor
            plain_bg = table.get_component_rich_style("recordings-table--row").bgcolor
            assert len({new_bg, changed_bg, plain_bg}) == 3

            async def shown(rec_id: str) -> tuple[str, object]:
                """The text and background of a row, scrolled into view (not the cursor)."""
                index = table.row_of(rec_id)
                assert index is not None and index != table.cursor_index
                table.scroll_to(y=index, animate=False, force=True)
                await pilot.pause()
                strip = table.render_line(index - table.scroll_offset.y + 1)
                return strip.text, next(iter(strip)).style.bgcolor

            for rec_id in sorted(born)[:5]:
                text, bg = await shown(rec_id)
                assert bg == new_bg and "● REC" in text
            text, bg = await shown(paused)
            assert bg == changed_bg and "❚❚ PAUSED" in text
            ended = sorted(gone - {watched})[:5]
            for rec_id in ended:
                text, bg = await shown(rec_id)
                assert "✕ ENDED" in text

            # After the highlight time: plain rows; the ended ones still fading out.
            clock.advance(store.highlight_seconds + 0.1)
            app.tick()
            await pilot.pause()
            for rec_id in [*sorted(born)[:5], paused]:
                assert store.mark(rec_id) is RowMark.NONE
                assert (await shown(rec_id))[1] == plain_bg
            assert "✕ ENDED" in (await shown(ended[0]))[0]
            assert table.cursor_id == watched

            # After the fade: gone, and the cursor stays at its place in the list.
            clock.advance(store.fade_seconds - store.highlight_seconds)
            app.tick()
            await pilot.pause()
            assert table.row_count == len(after)
            assert all(table.row_of(rec_id) is None for rec_id in gone)
            assert table.cursor_index == index and table.cursor_id not in gone
