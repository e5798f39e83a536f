"""SVG snapshots of the supervisor actions (review every new or changed SVG as a PNG).

Deterministic as tests/test_snapshots.py: a fixed clock, UTC, the static demo floor. A
row "under way" is frozen by a request the demo server holds ("hold" action fault) until
the test ends.
"""

import asyncio

from livedash.demo.testing import KNOWN_IDS
from livedash.widgets.recordings_table import RecordingsTable

from .test_snapshots import SIZE, first_poll, make_app

SMALL = (80, 24)


def _cursor_to(pilot, name: str) -> None:
    table = pilot.app.query_one(RecordingsTable)
    table.move_cursor(table.row_of(KNOWN_IDS[name]))


def test_stop_confirmation(snap_compare, demo_server):
    async def ask(pilot):
        await first_poll(pilot)
        await pilot.press("space")  # alice's hour-long call
        _cursor_to(pilot, "carol")
        await pilot.press("space", "X")
        await pilot.pause()

    assert snap_compare(make_app(demo_server), terminal_size=SIZE, run_before=ask)


def test_pausing_row(snap_compare, demo_server):
    async def pause_held(pilot):
        await first_poll(pilot)
        _cursor_to(pilot, "alice-1")
        demo_server.faults.inject_action("hold", 1)
        await pilot.press("P")  # no mark: the row under the cursor, at once
        assert await asyncio.to_thread(demo_server.faults.wait_served, "hold")
        _cursor_to(pilot, "bob")
        await pilot.press("space")  # a mark, to see one beside the row under way
        await pilot.pause()

    assert snap_compare(make_app(demo_server), terminal_size=SIZE, run_before=pause_held)


def test_start_dialog_small(snap_compare, demo_server):
    async def open_start(pilot):
        await first_poll(pilot)
        await pilot.press("N", "tab", *"4001")
        pilot.app.screen.query_one("#start-number").cursor_blink = False
        await pilot.pause()

    assert snap_compare(make_app(demo_server), terminal_size=SMALL, run_before=open_start)


def test_details_buttons_small(snap_compare, demo_server):
    async def open_details(pilot):
        await first_poll(pilot)
        _cursor_to(pilot, "bob")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(demo_server), terminal_size=SMALL, run_before=open_details)
