"""SVG snapshots of the main screens (review every new or changed SVG).

Deterministic: a fixed clock, UTC, a static demo floor, no jitter, no cursor blink.
"""

import pytest
from textual.widgets import Input

from livedash.app import LiveDashApp
from livedash.clock import FixedClock
from livedash.model import Filters
from livedash.poller import Backoff
from livedash.themes import HIGH_CONTRAST

from .conftest import press_and_settle, settings_for, until

SIZE = (140, 24)
SMALL_SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((60, 20), id="60x20")]


def make_app(server, cls=LiveDashApp, **overrides):
    app = cls(settings_for(server.url, **overrides), clock=FixedClock(),
                      # no retry fires on its own while the snapshot is taken
                      backoff=Backoff(base=30, cap=60, jitter=0.25, rand=lambda: 0.0))
    return app


async def first_poll(pilot):
    app = pilot.app
    # Durations move only at an explicit app.tick(): a real tick timer firing while a slow
    # (loaded) run steps the fixed clock would draw them at the stepped time.
    app.tick_timer.pause()
    for field in app.query(Input):
        field.cursor_blink = False
    await until(app, lambda: app.outcomes >= 1)
    await pilot.pause()


def test_main_screen(snap_compare, demo_server):
    assert snap_compare(make_app(demo_server), terminal_size=SIZE, run_before=first_poll)


@pytest.mark.parametrize("size", SMALL_SIZES)
def test_main_screen_small(snap_compare, demo_server, size):
    assert snap_compare(make_app(demo_server), terminal_size=size, run_before=first_poll)


async def open_help(pilot):
    await first_poll(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


@pytest.mark.parametrize("size", [pytest.param(SIZE, id="140x24"), *SMALL_SIZES])
def test_help(snap_compare, demo_server, size):
    assert snap_compare(make_app(demo_server), terminal_size=size, run_before=open_help)


def test_help_kiosk(snap_compare, demo_server):
    app = make_app(demo_server, kiosk=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_help)


def test_filtered_and_paused(snap_compare, demo_server):
    async def pause(pilot):
        await first_poll(pilot)
        await pilot.press("p")
        await pilot.pause()

    app = make_app(demo_server, filters=Filters(username="alice"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=pause)


def test_empty_result(snap_compare, demo_server):
    app = make_app(demo_server, filters=Filters(username="nobody", directoryNumber="9999"))
    assert snap_compare(app, terminal_size=SIZE, run_before=first_poll)


def test_stale_after_server_error(snap_compare, demo_server):
    async def fail_after_data(pilot):
        await first_poll(pilot)
        demo_server.faults.inject("503_html")
        pilot.app.clock.advance(30)
        await press_and_settle(pilot, "r")
        await pilot.pause()

    assert snap_compare(make_app(demo_server), terminal_size=SIZE, run_before=fail_after_data)


def test_wrong_password_error(snap_compare, demo_server):
    demo_server.faults.inject("401")
    assert snap_compare(make_app(demo_server), terminal_size=SIZE, run_before=first_poll)


def test_kiosk(snap_compare, demo_server):
    app = make_app(demo_server, kiosk=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=first_poll)


def test_search_in_progress(snap_compare, demo_server):
    """/ then "ro": the rows found, what matched marked in the cells (the cursor row
    too), the count in the status line, the search line with its keys."""
    demo_server.floor.add_call(username="zromano", first_name="Zoë", last_name="Romano",
                               phone_number="+39 06 1234 5678", duration=600,
                               rec_id="e5555555-0000-4000-8000-000000000005")

    async def search(pilot):
        await first_poll(pilot)
        await pilot.press("slash", "r", "o")
        await pilot.pause()

    assert snap_compare(make_app(demo_server), terminal_size=SIZE, run_before=search)
WALL = (120, 34)


# A kiosk with --long-call 15:00 and --long-pause 2:00 as the known floor has them:
# alice's hour-long call is over 15 minutes, carol's 42 s pause is not over 2.
WATCHED = {"long_call": 900.0, "long_pause": 120.0}


def half_an_hour_of_counts(app) -> None:
    """The half hour before the snapshot: a morning's calls rising to the floor's 4 + 1."""
    now = app.clock.monotonic()
    recording = (0, 0, 1, 1, 1, 2, 2, 2, 3, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 5, 5, 4, 4, 5, 5, 4,
                 4, 3, 3, 4, 4, 5, 5, 5, 6, 6, 7, 6, 6, 5, 5, 4, 4, 4, 3, 3, 3, 4, 4, 4, 5, 5,
                 4, 4, 4, 3, 3, 4, 4)
    for slot, count in enumerate(recording):
        paused = 1 if 20 <= slot < 27 or slot >= 55 else 2 if 40 <= slot < 44 else 0
        app.glance.history.add(now - 30 * (len(recording) - slot), count, paused)


@pytest.mark.parametrize("theme", [None, HIGH_CONTRAST], ids=["default", "high-contrast"])
def test_kiosk_on_a_wall(snap_compare, demo_server, theme):
    app = make_app(demo_server, kiosk=True, theme=theme, **WATCHED)
    half_an_hour_of_counts(app)
    assert snap_compare(app, terminal_size=WALL, run_before=first_poll)


def test_kiosk_small(snap_compare, demo_server):
    app = make_app(demo_server, kiosk=True, **WATCHED)
    assert snap_compare(app, terminal_size=(80, 24), run_before=first_poll)
