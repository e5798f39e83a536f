"""Hostile strings from the server are shown literally, inert, and never break the layout.

The demo server's ``hostile`` fault adds records whose user, names and number are each
one of ``HOSTILE_TEXTS``: Rich markup, an ``@click`` action, ANSI and OSC-8 escapes, C0
and C1 controls, bidi overrides, 5,000 characters, CJK and emoji.
"""

import re

from rich.cells import cell_len

from livedash.app import LiveDashApp
from livedash.clock import FixedClock
from livedash.demo.faults import HOSTILE_TEXTS
from livedash.errors import HttpStatusError
from livedash.messages import PollFailed
from livedash.model import RecordError
from livedash.poller import Backoff
from livedash.safe_text import safe_text
from livedash.search import fold, parse_query
from livedash.widgets.recordings_table import RecordingsTable
from livedash.widgets.screens import DetailsScreen, UnreadableScreen

from .conftest import settings_for, until
from .test_app import rendered_text
from .test_once import run_once

SIZE = (150, 30)
HOSTILE_IDS = [f"4057113e-0000-4000-8000-{index:012d}" for index in range(len(HOSTILE_TEXTS))]

# What must never reach a terminal: C0, DEL, C1, and the invisible reordering characters.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069]")

# Each hostile text as it must appear (or begin, when its column cuts it).
LITERAL = {
    "[bold red]x[/]": "[bold red]x[/]",
    "[/]": "[/]",
    "[@click=app.quit]click[/]": "[@click=app.quit]",
    "\x1b[31mred\x1b[0m": "␛[31mred␛[0m",
    "\x1b]8;;http://evil/\x07link\x1b]8;;\x07": "␛]8;;http://evil/␇link",
    "nul\x00bel\x07bs\x08vt\x0bdel\x7fnel\x85csi\x9b": "nul␀bel␇bs␈vt␋del␡nel⟨U+0085⟩",
    "line\nbreak\ttab\rreturn": "line␊break␉tab␍return",
    "\u202eevil\u202c.exe": "⟨U+202E⟩evil⟨U+202C⟩.exe",
    "王秀英": "王秀英",
    "👩\u200d💻📞": "👩⟨U+200D⟩💻📞",
}


def make_app(server, **overrides):
    return LiveDashApp(settings_for(server.url, **overrides), clock=FixedClock(),
                       backoff=Backoff(base=30, cap=60, rand=lambda: 0.0))


def assert_inert(strips, where: str) -> None:
    """No control or reordering character, no link, no click action in any segment."""
    for y, strip in enumerate(strips):
        for text, style, control in strip:
            assert control is None, (where, y)
            assert not UNSAFE.search(text), (where, y, text)
            if style is not None:
                assert not style.link, (where, y, style.link)
                assert "app.quit" not in repr(style.meta), (where, y, style.meta)


def widget_strips(widget):
    return widget.render_lines(widget.region.reset_offset)


def screen_strips(app):
    return app.screen._compositor.render_strips()


def row_line(table, rec_id) -> str:
    index = table.row_of(rec_id)
    table.scroll_to(y=max(0, index - 2), animate=False, force=True)
    return table.render_line(index - table.scroll_offset.y + 1).text


def hostile_app(demo_server, **overrides):
    demo_server.faults.inject("hostile")
    return make_app(demo_server, **overrides)


async def test_rows_show_hostile_text_literally_and_stay_aligned(demo_server):
    app = hostile_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        table = app.query_one(RecordingsTable)
        assert table.row_count == 5 + len(HOSTILE_TEXTS)
        width = table.size.width
        header = table.render_line(0).text
        id_x = cell_len(header[: header.index("Id")]) - 1  # the column's padding cell
        user_x = cell_len(header[: header.index("User")]) - 1
        for rec_id, raw in zip(HOSTILE_IDS, HOSTILE_TEXTS, strict=True):
            line = row_line(table, rec_id)
            # every line is exactly the widget's width, in cells
            assert cell_len(line) == width, (raw[:20], line)
            # the id column starts at the same cell on every row: nothing pushed it
            assert cell_len(line[: line.index(rec_id)]) - 1 == id_x, raw[:20]
            # the user cell shows the text literally (or its start, cut with …)
            user_cell = line[user_x + 1:]
            expected = LITERAL.get(raw, safe_text(raw))
            assert user_cell.startswith(expected[:15]), (raw[:20], user_cell)
        long_line = row_line(table, HOSTILE_IDS[HOSTILE_TEXTS.index(max(HOSTILE_TEXTS,
                                                                         key=len))])
        assert "…" in long_line
        assert_inert(widget_strips(table), "table")
        assert_inert(screen_strips(app), "screen")


async def test_clicking_an_at_click_text_does_not_quit(demo_server):
    app = hostile_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        table = app.query_one(RecordingsTable)
        rec_id = HOSTILE_IDS[HOSTILE_TEXTS.index("[@click=app.quit]click[/]")]
        index = table.row_of(rec_id)
        table.move_cursor(index)
        await pilot.pause()
        y = index - table.scroll_offset.y + 1
        header = table.render_line(0).text
        for column in ("User", "Number"):
            x = cell_len(header[: header.index(column)]) + 2
            await pilot.click(RecordingsTable, offset=(x, y))  # opens the details
            await pilot.pause()
            assert app.is_running
            assert isinstance(app.screen, DetailsScreen)
            await pilot.click("#details-fields", offset=(25, 4))
            await pilot.click("#details-fields", offset=(30, 6))
            assert app.is_running
            await pilot.press("escape")
            await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_details_show_every_field_literally(demo_server):
    app = hostile_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        table = app.query_one(RecordingsTable)
        for rec_id, raw in zip(HOSTILE_IDS, HOSTILE_TEXTS, strict=True):
            table.move_cursor(table.row_of(rec_id))
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, DetailsScreen)
            text = rendered_text(app.screen.query_one("#details-fields").content)
            flat = text.replace("\n", "").replace(" ", "")
            shown = safe_text(raw)
            if len(raw) > 500:  # cut, with its length
                assert "(5,000 characters in all)" in text
                assert shown[:200].replace(" ", "") in flat
            else:  # every one of the four fields, whole
                assert flat.count(shown.replace(" ", "")) == 4, text
            assert not UNSAFE.search(text.replace("\n", ""))
            assert_inert(screen_strips(app), f"details of {raw[:12]!r}")
            await pilot.press("escape")
            await pilot.pause()
            assert app.is_running and not isinstance(app.screen, DetailsScreen)


async def test_kiosk_shows_hostile_rows_literally(demo_server):
    app = hostile_app(demo_server, kiosk=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        table = app.query_one(RecordingsTable)
        shown = [int(app.query_one(f"#tile-{name}").figure) for name in ("recording", "paused")]
        assert sum(shown) == 5 + len(HOSTILE_TEXTS)
        width = table.size.width
        lines = [table.render_line(y).text for y in range(table.size.height)]
        assert all(cell_len(line) == width for line in lines)
        visible = "\n".join(lines)
        assert "[bold red]x[/]" in visible or "␛[31mred␛[0m" in visible
        assert_inert(widget_strips(table), "kiosk table")
        assert_inert(screen_strips(app), "kiosk screen")


async def test_server_text_in_errors_and_unreadable_records_is_literal(demo_server):
    app = make_app(demo_server)
    hostile = "[@click=app.quit]x[/] \x1b[31mred \u202eevil"
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        # a reason phrase is the server's text, quoted in the status line
        before = app.outcomes
        app.post_message(PollFailed(HttpStatusError(f"500 {hostile}: the server failed", 500),
                                    30.0))
        await until(app, lambda: app.outcomes > before)
        status = app.query_one("#status")
        assert "[@click=app.quit]x[/] ␛[31mred ⟨U+202E⟩evil" in str(status.render())
        assert_inert(widget_strips(status), "status")
        # unreadable records: their ids and reasons come from the server too
        app.push_screen(UnreadableScreen([
            RecordError(3, hostile, f"duration {hostile!r} is not ISO 8601"),
            RecordError(4, None, hostile),
        ]))
        await pilot.pause()
        listed = rendered_text(app.screen.query_one("#unreadable-list").content)
        assert "#3  [@click=app.quit]x[/] ␛[31mred ⟨U+202E⟩evil\n" in listed
        assert "#4  (no id)\n    [@click=app.quit]x[/] ␛[31mred ⟨U+202E⟩evil" in listed
        assert_inert(screen_strips(app), "unreadable")
        await pilot.click("#unreadable-list", offset=(5, 0))
        assert app.is_running


def test_once_table_is_literal_and_aligned(demo_server):
    demo_server.faults.inject("hostile", count=1)
    done = run_once(demo_server)
    assert done.returncode == 0 and not UNSAFE.search(done.stdout.replace("\n", ""))
    lines = done.stdout.splitlines()
    id_x = cell_len(lines[0][: lines[0].index("ID")])
    for rec_id in HOSTILE_IDS:
        (line,) = [line for line in lines if rec_id in line]
        assert cell_len(line[: line.index(rec_id)]) == id_x
    assert "[bold red]x[/]" in done.stdout and "␛[31mred␛[0m" in done.stdout
    assert "⟨U+202E⟩evil⟨U+202C⟩.exe" in done.stdout


def test_snapshot_hostile_rows(snap_compare, demo_server):
    """Review the SVG: every hostile string literal, one line per row, columns straight."""
    demo_server.faults.inject("hostile")

    async def run_before(pilot):
        app = pilot.app
        for field in app.query("Input"):
            field.cursor_blink = False
        await until(app, lambda: app.outcomes >= 1)
        table = app.query_one(RecordingsTable)
        table.sort_by("user")  # the hostile rows together, in a stable order
        await pilot.pause()

    app = make_app(demo_server)
    assert snap_compare(app, terminal_size=(140, 24), run_before=run_before)


async def test_start_times_at_the_edge_of_the_calendar_do_not_crash(demo_server):
    """9999-12-31 23:00 UTC cannot be shown in Tokyo (it would be year 10000): the row
    shows the server's own clock reading instead of ending the app."""
    import io
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from livedash.once import run_once as once_in_process

    rec_id = demo_server.floor.add_call(username="edge", started_at=datetime(9999, 12, 31, 23),
                                        duration=5)
    tokyo = ZoneInfo("Asia/Tokyo")
    app = make_app(demo_server, display_tz=tokyo)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        table = app.query_one(RecordingsTable)
        assert "23:00:00" in row_line(table, rec_id)
        table.move_cursor(table.row_of(rec_id))
        await pilot.press("enter")
        await pilot.pause()
        assert "9999-12-31 23:00:00" in rendered_text(
            app.screen.query_one("#details-fields").content)
        assert app.is_running
    out, err = io.StringIO(), io.StringIO()
    code = await once_in_process(settings_for(demo_server.url, display_tz=tokyo), "csv",
                                 out=out, err=err)
    assert code == 0 and "9999-12-31T23:00:00+00:00" in out.getvalue()


async def test_a_search_among_hostile_rows_marks_them_literally(demo_server):
    """Matches are marked in the text as drawn (safe_text's symbols included), as plain
    segments, every line still the widget's width; wide characters are cut whole."""
    app = hostile_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        table = app.query_one(RecordingsTable)
        width = table.size.width
        for query, text in (("[bold", "[bold red]x[/]"), ("␛[31m", "\x1b[31mred\x1b[0m"),
                            ("u+202e", "\u202eevil\u202c.exe"), ("秀", "王秀英")):
            app.table.set_search(parse_query(query))
            app.refresh_views()
            await pilot.pause()
            rec_id = HOSTILE_IDS[HOSTILE_TEXTS.index(text)]
            assert rec_id in [table.recording_at(i).id for i in range(table.row_count)]
            strip = table.render_line(table.row_of(rec_id) + 1)
            marked = [seg.text for seg in strip if seg.style is not None and seg.style.underline]
            assert marked and all(fold(piece) == fold(query) for piece in marked), marked
            assert cell_len(strip.text) == width
            assert_inert(widget_strips(table), query)
