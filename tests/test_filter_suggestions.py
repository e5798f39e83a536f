"""The filters (f) suggest values: the users on a call now, and the values used before,
kept across runs. Under Pilot, against the demo server over loopback HTTP."""

from __future__ import annotations

import json
import os
import stat

from textual.widgets import Input

from livedash.app import LiveDashApp
from livedash.filter_history import HISTORY_FILE
from livedash.model import Filters
from livedash.widgets.filter_suggestions import FilterSuggestions
from livedash.widgets.recordings_table import RecordingsTable

from .conftest import settings_for, until

SIZE = (140, 30)
SLOW = 60.0  # no debounced query goes out by itself: only Enter, Tab and a choice send


def make_app(demo_server, clock, state_dir, **overrides) -> LiveDashApp:
    return LiveDashApp(settings_for(demo_server.url, state_dir=state_dir, **overrides),
                       clock=clock, debounce=SLOW)


def dropdown(app, field: str) -> FilterSuggestions:
    return app.query_one(f"#suggest-{field}", FilterSuggestions)


async def offered(pilot, field: str) -> list[str]:
    """What the open list of ``field`` shows, as drawn (mark and value), once the keys
    pressed so far have reached it (through the field's messages)."""
    await pilot.pause()
    suggestions = dropdown(pilot.app, field)
    assert suggestions.display, "the list is closed"
    options = suggestions.option_list
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def send_user(pilot, typed: str) -> Input:
    """Type ``typed`` in the User field and Enter: sent as typed (the list open or not)."""
    app = pilot.app
    field = app.query_one("#filter-username", Input)
    field.focus()
    await pilot.press(*typed, "enter")
    await until(app, lambda: app.store.has_data and app.store.filters.username == typed)
    return field


async def test_user_suggests_the_users_on_a_call_now(demo_server, clock, tmp_path):
    app = make_app(demo_server, clock, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("f", "tab", "tab")  # Device, Line, User
        assert app.focused.id == "filter-username"
        await pilot.pause()
        assert not dropdown(app, "username").display  # not before asked or typed
        await pilot.press("down")  # on an empty field: every value
        assert await offered(pilot, "username") == ["● alice", "● bob", "● carol", "● user1"]
        await pilot.press("escape")  # closes the list…
        await pilot.pause()
        assert not dropdown(app, "username").display
        assert app.focused.id == "filter-username"
        await pilot.press(*"AR")  # …typing opens it: case ignored, holding the text
        assert await offered(pilot, "username") == ["● carol"]


async def test_values_starting_with_the_text_come_first(demo_server, clock, tmp_path):
    app = make_app(demo_server, clock, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        app.query_one("#filter-username").focus()
        await pilot.press("c")
        assert await offered(pilot, "username") == ["● carol", "● alice"]


async def test_enter_sends_what_is_typed_tab_takes_the_suggestion(demo_server, clock, tmp_path):
    app = make_app(demo_server, clock, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        # Enter with the list open and nothing chosen: exactly what is typed
        field = await send_user(pilot, "ali")
        assert demo_server.requests[-1].query == {"username": "ali"}
        assert isinstance(app.focused, RecordingsTable)
        # Tab: the first suggestion, sent at once (a chosen value needs no pause)
        field.focus()
        field.value = ""
        await pilot.press(*"ali", "tab")
        await until(app, lambda: app.store.has_data and app.store.filters.username == "alice")
        assert field.value == "alice" and demo_server.requests[-1].query == {"username": "alice"}
        assert app.focused is field  # Tab took the value; the next Tab moves on
        # ↓ chooses in the list, and then Enter takes that one
        field.value = ""
        await pilot.press("b")
        assert await offered(pilot, "username") == ["● bob"]
        await pilot.press("down", "enter")
        await until(app, lambda: app.store.has_data and app.store.filters.username == "bob")
        assert field.value == "bob"


async def test_esc_closes_the_list_then_clears_the_field(demo_server, clock, tmp_path):
    app = make_app(demo_server, clock, tmp_path, filters=Filters(username="carol"))
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        field = app.query_one("#filter-username", Input)
        field.focus()
        await pilot.press("backspace", "backspace", "backspace")
        assert await offered(pilot, "username") == ["↺ carol"]
        await pilot.press("escape")
        await pilot.pause()
        assert not dropdown(app, "username").display and field.value == "ca"
        await pilot.press("escape")
        await until(app, lambda: app.store.has_data and not app.store.filters)
        assert field.value == ""


async def test_values_used_before_are_suggested_in_the_next_run(demo_server, clock, tmp_path):
    first = make_app(demo_server, clock, tmp_path)
    async with first.run_test(size=SIZE) as pilot:
        await until(first, lambda: first.store.has_data)
        await pilot.press("f", *"SEP00000000A001", "enter")  # Device, then leave the bar
        await until(first, lambda: first.store.has_data and first.store.filters.deviceName)
        await pilot.press("f", "tab", *"1002", "enter")  # and Line: both in effect
        await until(first, lambda: first.store.has_data and first.store.filters.directoryNumber)
        await pilot.press("f", "tab", *"1003", "tab", "tab", "escape")  # never in effect
        await pilot.click(RecordingsTable)  # focus leaves the bar
        await until(first, lambda: first.store.has_data and not first.store.filters)
    path = tmp_path / HISTORY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text(encoding="utf-8"))["filters"]["deviceName"] == [
        "SEP00000000A001"]

    second = make_app(demo_server, clock, tmp_path)
    async with second.run_test(size=SIZE) as pilot:
        await until(second, lambda: second.store.has_data)
        await pilot.press("f", "down")
        assert await offered(pilot, "deviceName") == ["↺ SEP00000000A001"]
        await pilot.press("escape", "tab", "down")
        assert await offered(pilot, "directoryNumber") == ["↺ 1002"]
        await pilot.press("escape", "tab", "down")
        # User: nothing used yet, the users on a call now
        assert await offered(pilot, "username") == ["● alice", "● bob", "● carol", "● user1"]


async def test_command_line_filters_count_as_used(demo_server, clock, tmp_path):
    app = make_app(demo_server, clock, tmp_path, filters=Filters(username="bob"))
    async with app.run_test(size=SIZE):
        await until(app, lambda: app.store.has_data)
    saved = json.loads((tmp_path / HISTORY_FILE).read_text(encoding="utf-8"))
    assert saved["filters"]["username"] == ["bob"]


async def test_the_user_list_is_not_narrowed_by_the_user_filter(demo_server, clock, tmp_path):
    app = make_app(demo_server, clock, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        field = await send_user(pilot, "carol")
        assert len(app.store.records) == 1
        field.focus()
        field.value = ""
        await pilot.press("down")
        # the users of the last answer not filtered by user, not just carol
        assert [item.split()[-1] for item in await offered(pilot, "username")] == [
            "carol", "alice", "bob", "user1"]


async def test_a_kiosk_keeps_no_history(demo_server, clock, tmp_path):
    app = make_app(demo_server, clock, tmp_path, kiosk=True, filters=Filters(username="bob"))
    async with app.run_test(size=SIZE):
        await until(app, lambda: app.store.has_data)
        assert app.history is None and not app.query(FilterSuggestions)
    assert not (tmp_path / HISTORY_FILE).exists()
