"""What a new user meets first: header, footer, help, filter bar, status line, L, Ctrl-C.

Under Pilot against the demo server over loopback, with a fixed clock.
"""

from textual import events
from textual.containers import VerticalScroll
from textual.widgets import Footer, Input, Label

from livedash.app import LiveDashApp
from livedash.widgets.header_bar import HeaderBar
from livedash.widgets.screens import HelpScreen, PasswordScreen
from livedash.widgets.status_bar import StatusBar

from .conftest import press_and_settle, settings_for, until

SIZE = (140, 30)
NARROW = (60, 20)


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def widget_lines(widget) -> list[str]:
    return [strip.text for strip in widget.render_lines(widget.region.reset_offset)]


def footer_descriptions(app) -> list[str]:
    return [key.description for key in app.query_one(Footer).children
            if hasattr(key, "description")]


async def test_the_header_names_server_user_and_the_injected_time(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url, server_name=""), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        header = app.query_one(HeaderBar)
        port = demo_server.url.rstrip("/").rsplit(":", 1)[1]
        line = widget_lines(header)[0]
        assert f"server 127.0.0.1:{port}" in line and "user supervisor" in line
        assert line.rstrip().endswith("? keys  09:30:00")
        clock.advance(61)
        app.tick()
        await pilot.pause()
        assert widget_lines(header)[0].rstrip().endswith("09:31:01")
        await pilot.resize_terminal(*NARROW)
        await pilot.pause()
        line = widget_lines(header)[0]  # shorter, still whole, clock still in sight
        assert f"supervisor@127.0.0.1:{port}" in line and line.rstrip().endswith("09:31:01")


async def test_kiosk_has_the_header_too(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url, kiosk=True), clock=clock)
    async with app.run_test(size=SIZE):
        await until(app, lambda: app.store.has_data)
        line = widget_lines(app.query_one(HeaderBar))[0]
        assert "user supervisor" in line and line.rstrip().endswith("09:30:00")
        assert "? keys" not in line  # nobody at a keyboard


async def test_help_wraps_and_scrolls_on_a_small_terminal(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=NARROW) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help", VerticalScroll)
        assert body.max_scroll_y > 0 and body.scroll_y == 0
        assert "polling paused" not in screen_text(app)  # the last entry: out of sight
        await pilot.press("end")
        await pilot.wait_for_scheduled_animations()
        assert body.scroll_y == body.max_scroll_y
        assert "polling paused" in screen_text(app)
        await pilot.press("home")
        await pilot.wait_for_scheduled_animations()
        # wrapped inside the dialog, not cut at its edge: a long line reads whole on some page
        pages = []
        while True:
            pages.append(screen_text(app))
            if body.scroll_y == body.max_scroll_y:
                break
            await pilot.press("pagedown")
            await pilot.wait_for_scheduled_animations()
        assert any("changed since the last poll (paused," in text
                   and "resumed, other party)" in text for text in pages)
        await pilot.press("home")
        await pilot.wait_for_scheduled_animations()
        assert body.scroll_y == 0
        # and the mouse wheel
        for _ in range(3):
            body.post_message(events.MouseScrollDown(body, 5, 5, 0, 0, 0, False, False, False))
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        assert body.scroll_y > 0
        await pilot.press("question_mark")  # ? again closes it, as Esc does
        assert not isinstance(app.screen, HelpScreen)


async def test_kiosk_help_lists_only_the_keys_that_work_there(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url, kiosk=True), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("question_mark")
        await pilot.pause()
        keys = "\n".join(widget_lines(app.screen.query_one("#help-keys")))
        assert "this help" in keys and "q  Ctrl-C" in keys
        for absent in ("poll now", "pause / resume", "sort by", "Enter", "filters"):
            assert absent not in keys
        assert "every 10s" in screen_text(app)


async def test_the_footer_says_resume_while_polling_is_paused(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        assert "Pause polling" in footer_descriptions(app)
        await pilot.press("p")
        await pilot.pause()
        assert app.poller.paused
        assert "Resume polling" in footer_descriptions(app)
        assert "Pause polling" not in footer_descriptions(app)
        await pilot.press("p")
        await pilot.pause()
        assert not app.poller.paused and "Pause polling" in footer_descriptions(app)


async def test_l_without_a_401_opens_nothing_and_swallows_no_key(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("L")
        await pilot.pause()
        assert not isinstance(app.screen, PasswordScreen)
        assert any("has not" in str(n.message) for n in app._notifications)
        assert "Password" not in footer_descriptions(app)
        await pilot.press("p")  # reaches the dashboard, not a password field
        assert app.poller.paused


async def test_l_after_a_401_asks_and_gives_the_keys_back(demo_server, clock):
    demo_server.faults.inject("401", 1)
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.outcomes >= 1)
        await pilot.pause()
        assert "Password" in footer_descriptions(app)  # the status line says "press L"
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, PasswordScreen)
        assert "Password for supervisor at demo" in screen_text(app)  # as the header says
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PasswordScreen)
        await pilot.press("p")
        assert app.poller.paused
        # once the server accepts again, L is quiet again
        await pilot.press("p")
        await press_and_settle(pilot, "r")
        await pilot.pause()
        assert app.store.failure is None and "Password" not in footer_descriptions(app)


async def test_ctrl_c_quits(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        app.query_one("#filter-username").focus()  # an Input would take it as "copy"
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running
        assert not app._notifications  # no "Press ctrl+q to quit"


async def test_ctrl_c_quits_a_kiosk(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url, kiosk=True), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running


async def test_empty_filters_read_any_and_active_ones_are_marked(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock, debounce=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        for field in app.query("#filters Input"):
            assert field.placeholder == "any" and not field.value
        assert not app.query(".-active")
        assert "filter" not in str(app.query_one(StatusBar).render())
        app.query_one("#filter-username").focus()
        await pilot.press(*"alice", "enter")
        await until(app, lambda: app.store.has_data and app.store.filters.username)
        label = app.query_one("#label-username", Label)
        assert label.has_class("-active") and str(label.render()) == "▶ User"
        assert str(app.query_one("#label-directoryNumber", Label).render()) == "Line"
        assert app.query_one("#filter-username", Input).has_class("-active")
        assert 'filter: User "alice" · 2 recordings' in str(app.query_one(StatusBar).render())
        app.query_one("#filter-username").focus()
        await pilot.press("escape")
        await until(app, lambda: app.store.has_data and not app.store.filters)
        assert not app.query(".-active")


async def test_the_status_line_rewraps_at_separators_on_resize(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        status = app.query_one(StatusBar)
        assert status.size.height == 1
        await pilot.resize_terminal(*NARROW)
        await pilot.pause()
        lines = [line.rstrip() for line in widget_lines(status)]
        assert len(lines) == status.size.height == 2
        assert lines == [" ● LIVE  5 recordings (1 paused) · last poll 09:30:00",
                         "         0 ms · every 3600s"]  # under the text above it
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert status.size.height == 1


async def test_before_the_first_answer_nothing_claims_zero_recordings(demo_server, clock):
    demo_server.faults.inject("401", 1)
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.outcomes >= 1)
        await pilot.pause()
        status = str(app.query_one(StatusBar).render())
        assert "401 Unauthorized" in status and "recordings" not in status
        empty = app.query_one("#empty")
        assert empty.display
        assert "Nothing to show yet: the server has not answered" in str(empty.render())


async def test_unreadable_records_list_reads_at_any_width(demo_server, clock):
    from livedash.model import RecordError
    from livedash.widgets.screens import UnreadableScreen

    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=NARROW) as pilot:
        await until(app, lambda: app.store.has_data)
        app.push_screen(UnreadableScreen([RecordError(
            4, "a1111111-0000-4000-8000-000000000009", "duration 'PT1X' is not ISO 8601")]))
        await pilot.pause()
        text = screen_text(app)
        assert "1 record unreadable in the last poll" in text
        assert "#4  a1111111-0000-4000-8000-000000000009" in text  # the id whole…
        assert "    duration 'PT1X' is not ISO 8601" in text  # …and the reason whole


async def test_turning_a_filter_on_moves_no_field(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock, debounce=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        before = [field.region for field in app.query(Input)]
        app.query_one("#filter-username").focus()
        await pilot.press(*"alice", "enter")
        await until(app, lambda: app.store.has_data and app.store.filters.username)
        await pilot.pause()
        assert [field.region for field in app.query(Input)] == before


async def test_in_a_filter_the_footer_shows_the_filter_keys(demo_server, clock):
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("f")
        await pilot.pause()
        shown = footer_descriptions(app)
        assert "Clear filter (on an empty one: all)" in shown
        assert "Filters" not in shown and "Search" not in shown
        await pilot.press("enter")
        await pilot.pause()
        assert {"Filters", "Search"} <= set(footer_descriptions(app))
