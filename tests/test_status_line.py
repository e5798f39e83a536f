"""How the status line wraps: at its " · " separators, never inside a part."""

import io

from rich.console import Console

from livedash.status import StatusView, pack_parts
from livedash.widgets.status_bar import StatusLines

PARTS = ["40 recordings (1 paused)", "last poll 19:42:13", "4 ms", "every 2s"]


def test_parts_fit_one_line_when_there_is_room():
    assert pack_parts(PARTS, 80) == [" · ".join(PARTS)]


def test_lines_break_only_at_separators_and_drop_them():
    lines = pack_parts(PARTS, 50)
    assert lines == ["40 recordings (1 paused) · last poll 19:42:13", "4 ms · every 2s"]
    for width in range(1, 70):
        lines = pack_parts(PARTS, width)
        # every part whole, in order, on exactly one line
        assert [part for line in lines for part in line.split(" · ")] == PARTS
        assert all(len(line) <= width or " · " not in line for line in lines)


def test_a_part_wider_than_the_line_stands_alone():
    assert pack_parts(["a", "x" * 30, "b"], 10) == ["a", "x" * 30, "b"]
    assert pack_parts([], 10) == []


def test_width_counts_terminal_cells_not_characters():
    # a CJK user name is two cells a character
    assert pack_parts(["filter: User \"山田太郎\"", "4 ms"], 24) == [
        "filter: User \"山田太郎\"", "4 ms"]


def laid_out(view: StatusView, width: int) -> list[str]:
    console = Console(width=width, file=io.StringIO())
    return [line.plain for line in StatusLines(view).lines(console, width)]


def test_status_lines_hang_under_the_text_after_the_badge():
    view = StatusView("stale", "◌ STALE 30s",
                      "503 Service Unavailable: the server failed to answer. Showing data "
                      "from 09:30:00 (30s old). Retrying in 30s, or press r", tuple(PARTS))
    lines = laid_out(view, 60)
    assert lines[0].startswith(" ◌ STALE 30s  503 Service Unavailable")
    indent = len(" ◌ STALE 30s  ")
    assert all(line.startswith(" " * indent) and line[indent] != " " for line in lines[1:])
    assert all(len(line) <= 60 for line in lines)
    assert lines[-2:] == [" " * indent + "40 recordings (1 paused) · last poll 19:42:13",
                          " " * indent + "4 ms · every 2s"]


def test_a_very_narrow_bar_puts_the_badge_on_its_own_line():
    view = StatusView("live", "● LIVE", "", tuple(PARTS))
    lines = laid_out(view, 30)
    assert lines[0] == " ● LIVE "
    assert lines[1:] == ["40 recordings (1 paused)", "last poll 19:42:13 · 4 ms", "every 2s"]


def test_the_header_names_the_server_by_host_and_given_port():
    from .conftest import settings_for

    assert settings_for("https://ias.example.com/", server_name="").server_label == (
        "ias.example.com")
    assert settings_for("https://ias.example.com:8443/x/", server_name="").server_label == (
        "ias.example.com:8443")
    assert settings_for("http://[::1]:8080/", server_name="").server_label == "[::1]:8080"
    assert settings_for("http://127.0.0.1:8080/", server_name="demo").server_label == "demo"
