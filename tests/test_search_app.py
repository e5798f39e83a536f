"""Quick search (/) in the dashboard, under Pilot, against the demo server over HTTP."""

from __future__ import annotations

from textual.widgets import Input

from livedash.app import LiveDashApp
from livedash.demo.testing import KNOWN_IDS
from livedash.model import Filters
from livedash.widgets.recordings_table import RecordingsTable
from livedash.widgets.search_bar import SearchBar
from livedash.widgets.status_bar import StatusBar

from .conftest import settings_for, until
from .test_app import poll_now, row_texts
from .test_interface import widget_lines

SIZE = (140, 30)
ZOE_ID = "e5555555-0000-4000-8000-000000000005"
JURGEN_ID = "f6666666-0000-4000-8000-000000000006"


def add_zoe(floor) -> None:
    floor.add_call(username="znowak", first_name="Zoë", last_name="Nowak",
                   phone_number="+48 22 123 45 67", duration=30, rec_id=ZOE_ID)


def add_jurgen(floor) -> None:
    floor.add_call(username="jmueller", first_name="Jürgen", last_name="Müller",
                   phone_number="+493012345678", duration=20, rec_id=JURGEN_ID)


def shown_ids(app) -> list[str]:
    table = app.query_one(RecordingsTable)
    return [table.recording_at(index).id for index in range(table.row_count)]


def status_text(app) -> str:
    return str(app.query_one(StatusBar).render())


def marked_texts(app, rec_id: str) -> list[str]:
    """The pieces of a row drawn as a search match (bold underline: style.underline)."""
    table = app.query_one(RecordingsTable)
    y = table.row_of(rec_id) + 1 - table.scroll_offset.y
    return [segment.text for segment in table.render_line(y)
            if segment.style is not None and segment.style.underline]


async def search_for(pilot, text: str) -> None:
    """The search line reads ``text`` (opened with / if need be), and the table shows it."""
    bar = pilot.app.query_one(SearchBar)
    if not bar.display:
        await pilot.press("slash")
    bar.input.value = text
    await pilot.pause()


async def started(demo_server, clock, **overrides) -> LiveDashApp:
    return LiveDashApp(settings_for(demo_server.url, **overrides), clock=clock,
                       debounce=0.05)


async def test_the_table_narrows_as_you_type_and_widens_as_you_delete(demo_server, clock):
    app = await started(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("slash")
        assert isinstance(app.focused, Input) and app.focused.id == "search-input"
        seen = []
        for key in ("g", "i", "backspace", "backspace"):
            await pilot.press(key)
            seen.append(sorted(shown_ids(app)))
        # g: Giulia, Hugo; gi: Giulia; back to g; then nothing typed: every row
        assert seen == [sorted([KNOWN_IDS["alice-1"], KNOWN_IDS["alice-2"]]),
                        [KNOWN_IDS["alice-1"]],
                        sorted([KNOWN_IDS["alice-1"], KNOWN_IDS["alice-2"]]),
                        sorted(KNOWN_IDS.values())]
        assert demo_server.requests[-1].query == {}  # searched here, not asked of the server


async def test_the_status_line_counts_the_matches(demo_server, clock):
    app = await started(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        assert "match" not in status_text(app)
        await pilot.press("slash", *"gi")
        await pilot.pause()
        assert "5 recordings (1 paused) · 1 of 5 match" in status_text(app)


async def test_case_and_accents_are_ignored_and_matches_are_marked(demo_server, clock):
    add_zoe(demo_server.floor)
    add_jurgen(demo_server.floor)
    app = await started(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("slash", *"zoe")  # typed
        await pilot.pause()
        assert shown_ids(app) == [ZOE_ID]
        assert marked_texts(app, ZOE_ID) == ["Zoë"]
        await search_for(pilot, "MULLER JURG")
        assert shown_ids(app) == [JURGEN_ID]
        assert marked_texts(app, JURGEN_ID) == ["Jürg", "Müller"]


async def test_digits_find_numbers_whatever_their_spacing(demo_server, clock):
    add_zoe(demo_server.floor)
    app = await started(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await search_for(pilot, "+39 02 1234")
        assert shown_ids(app) == [KNOWN_IDS["alice-1"]]  # its number is +390212345678
        assert marked_texts(app, KNOWN_IDS["alice-1"]) == ["+39021234"]
        await search_for(pilot, "2212345")
        assert shown_ids(app) == [ZOE_ID]  # "+48 22 123 45 67"
        assert marked_texts(app, ZOE_ID) == ["22 123 45"]


async def test_enter_keeps_the_search_and_esc_clears_it(demo_server, clock):
    app = await started(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        bar = app.query_one(SearchBar)
        assert not bar.display  # no search: no line for it
        await pilot.press("slash", *"gi", "enter")
        assert isinstance(app.focused, RecordingsTable)
        assert bar.display and shown_ids(app) == [KNOWN_IDS["alice-1"]]
        await pilot.press("down", "up")  # the table's keys work on the found rows
        assert app.query_one(RecordingsTable).cursor_id == KNOWN_IDS["alice-1"]
        # Esc from the table clears the kept search
        await pilot.press("escape")
        await pilot.pause()
        assert not bar.display and len(shown_ids(app)) == 5 and "match" not in status_text(app)
        # / again, and Esc in the search line: cleared, back to the table
        await pilot.press("slash", *"gi")
        assert len(shown_ids(app)) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, RecordingsTable)
        assert not bar.display and bar.text == "" and len(shown_ids(app)) == 5
        # / on a kept search puts the cursor after its text, to refine it
        await pilot.press("slash", *"gi", "enter", "slash", "o")
        assert bar.text == "gio" and shown_ids(app) == []


async def test_search_and_server_filters_both_apply(demo_server, clock):
    app = await started(demo_server, clock, filters=Filters(username="alice"))
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        assert len(shown_ids(app)) == 2
        await pilot.press("slash", *"martin", "enter")
        assert shown_ids(app) == [KNOWN_IDS["alice-2"]]
        status = status_text(app)
        assert 'filter: User "alice"' in status and "1 of 2 match" in status
        assert demo_server.requests[-1].query == {"username": "alice"}
        # a server filter changed under a kept search: the search applies to the new rows
        app.query_one("#filter-username").focus()
        await pilot.press("escape")  # clears the filter
        await until(app, lambda: app.store.has_data and not app.store.filters)
        assert shown_ids(app) == [KNOWN_IDS["alice-2"]]
        assert "1 of 5 match" in status_text(app)
        app.query_one("#filter-username").focus()
        await pilot.press(*"bob", "enter")
        await until(app, lambda: app.store.has_data and app.store.filters.username)
        assert shown_ids(app) == [] and "0 of 1 match" in status_text(app)
        await pilot.pause()
        empty = app.query_one("#empty")
        assert empty.display
        assert 'No recording here matches the search "martin"' in str(empty.render())


async def test_a_new_matching_call_appears_on_a_later_poll(demo_server, clock):
    app = await started(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("slash", *"zoe", "enter")
        assert shown_ids(app) == [] and "0 of 5 match" in status_text(app)
        add_zoe(demo_server.floor)
        add_jurgen(demo_server.floor)  # not found: stays out
        await poll_now(app)
        await pilot.pause()
        assert shown_ids(app) == [ZOE_ID]
        assert "1 of 7 match" in status_text(app)
        assert marked_texts(app, ZOE_ID) == ["Zoë"]
        assert any("Zoë" in text for text in row_texts(app))


async def test_a_search_the_server_then_ends_fades_and_leaves(demo_server, clock):
    app = await started(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("slash", *"rossi", "enter")
        demo_server.floor.stop(KNOWN_IDS["alice-1"])
        await poll_now(app)
        await pilot.pause()
        assert shown_ids(app) == [KNOWN_IDS["alice-1"]]  # fading out, still found
        assert "ENDED" in row_texts(app)[0] and "0 of 4 match" in status_text(app)
        clock.advance(10)
        app.tick()
        await pilot.pause()
        assert shown_ids(app) == []


async def test_the_help_names_slash_and_f(demo_server, clock):
    app = await started(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("question_mark")
        await pilot.pause()
        lines = widget_lines(app.screen.query_one("#help-keys"))
        text = " ".join(" ".join(lines).split())
        assert "/ search as you type" in text and "f edit the server filters" in text
        assert "Esc clears it" in text


async def test_at_80_columns_the_footer_shows_every_key_whole(demo_server, clock):
    from textual.widgets import Footer

    app = await started(demo_server, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        footer = app.query_one(Footer)
        keys = [key for key in footer.children if hasattr(key, "description")]
        assert {"Search", "Filters", "Pause polling"} <= {key.description for key in keys}
        assert "Act on rows" in str(footer.children[-1].render())  # space P R X N, grouped
        assert all(entry.region.right <= 80 for entry in footer.children)


def type_at_once(app, keys: str) -> None:
    """``keys`` as a terminal delivers a fast typist's burst or a paste: all in the
    queue before the first is handled (Pilot's press waits after each key)."""
    from textual import events

    for char in keys:
        key = {"/": "slash", " ": "space"}.get(char, char)
        app.post_message(events.Key(key, char))


async def test_keys_typed_right_after_slash_or_f_go_to_the_line_not_the_table(
        demo_server, clock):
    # "/chloe" typed fast: "h" opened the recently-ended view, the search stayed empty
    app = await started(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        type_at_once(app, "/hugo")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        assert app.query_one(SearchBar).text == "hugo"
        assert shown_ids(app) == [KNOWN_IDS["alice-2"]]
        await pilot.press("enter")
        type_at_once(app, "fhe")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        assert app.query_one("#filter-deviceName", Input).value == "he"
        # in a field, / and f are text (the bindings have priority, but not there)
        type_at_once(app, "/f")
        await pilot.pause()
        assert app.query_one("#filter-deviceName", Input).value == "he/f"
        # and under a dialog they do nothing to the table behind it
        app.table.focus()
        await pilot.press("question_mark")
        help_screen = app.screen
        type_at_once(app, "/zf")
        await pilot.pause()
        assert app.screen is help_screen and app.query_one(SearchBar).text == "hugo"
