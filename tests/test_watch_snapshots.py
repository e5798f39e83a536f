"""SVG snapshots of long-call and forgotten-pause marks (review them as PNG).

Two minutes after the first poll of the known floor: alice-1 (3:15), alice-2 and the
example (3:13) are long calls at 3:00; carol, paused since the first poll, is over 2:00;
bob (2:00) is neither. At 60 columns the marks keep their place beside the durations.
"""

import pytest

from .test_snapshots import SIZE, SMALL_SIZES, first_poll, make_app


async def two_minutes_later(pilot):
    app = pilot.app
    await first_poll(pilot)
    app.tick_timer.pause()
    app.clock.advance(120)
    app.tick()
    await pilot.pause()


@pytest.mark.parametrize("size", [pytest.param(SIZE, id="140x24"), SMALL_SIZES[1]])
def test_long_call_and_forgotten_pause_marks(snap_compare, demo_server, size):
    app = make_app(demo_server, long_call=180.0, long_pause=120.0)
    assert snap_compare(app, terminal_size=size, run_before=two_minutes_later)
