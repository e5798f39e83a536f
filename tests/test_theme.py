"""``--theme NAME``: Textual's themes and livedash-high-contrast, checked at the command line,
applied by the dashboard, and passed on to every viewer of ``livedash serve``."""

from __future__ import annotations

import sys

import pytest
from textual.theme import BUILTIN_THEMES

from livedash import cli
from livedash.demo.server import REQUIRED_LEVEL, DemoServer
from livedash.demo.testing import known_floor
from livedash.serve.command import build_serve_parser
from livedash.serve.testing import ScreenText, running_wallboard
from livedash.serve.viewer import passed_on_options
from livedash.themes import HIGH_CONTRAST, HIGH_CONTRAST_THEME, theme_names

from .test_cli import SERVER, one_error_line
from .test_serve_viewers import CREDENTIALS, PASSWORD, proc_file, viewer_socket


def test_every_textual_theme_and_ours_is_a_choice():
    names = theme_names()
    assert names[0] == HIGH_CONTRAST and set(names) == {HIGH_CONTRAST, *BUILTIN_THEMES}
    for name in (HIGH_CONTRAST, "textual-light", "nord"):
        args = cli.build_parser().parse_args([*SERVER, "--theme", name])
        assert args.theme == name
    assert cli.build_parser().parse_args(SERVER).theme is None  # Textual's default


@pytest.mark.parametrize("argv", [
    ["--theme", "livedash-high-contrats"],
    ["--theme", ""],
    ["--kiosk", "--theme=Nord"],  # names are exact
])
def test_a_bad_theme_is_one_line_and_exit_2(capsys, argv):
    assert cli.main([*SERVER, *argv]) == 2
    line = one_error_line(capsys)
    assert "--theme" in line and "unknown theme" in line and HIGH_CONTRAST in line


def test_a_theme_is_refused_where_nothing_is_drawn(capsys):
    assert cli.main([*SERVER, "--once", "--theme", "nord"]) == 2
    assert "--theme cannot be used with --once" in one_error_line(capsys)


def test_serve_refuses_a_bad_theme_before_starting(capsys):
    assert cli.main(["serve", "--demo", "--theme", "wall"]) == 2
    assert "unknown theme 'wall'" in one_error_line(capsys)


def test_the_high_contrast_theme_is_white_on_black():
    theme = HIGH_CONTRAST_THEME
    assert (theme.background, theme.foreground, theme.text_alpha) == ("#000000", "#FFFFFF", 1.0)
    assert theme.dark


@pytest.fixture
def recorder():
    with DemoServer(known_floor(), users={"supervisor": (PASSWORD, REQUIRED_LEVEL)}) as server:
        yield server


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
async def test_served_viewers_get_the_theme(recorder):
    """``livedash serve --theme livedash-high-contrast --long-call 15m``: both reach every
    viewer (the glance's options were merged beside serve's: one test of the pair)."""
    parser, passed_on = build_serve_parser()  # (serve parser, what it passes on)
    args = parser.parse_args(["--url", recorder.url, "--user", "supervisor",
                              "--theme", HIGH_CONTRAST, "--long-call", "15m"])
    options = passed_on_options(passed_on, args)
    assert options[options.index("--theme") + 1] == HIGH_CONTRAST
    assert float(options[options.index("--long-call") + 1]) == 900
    screen = ScreenText()
    async with running_wallboard(recorder.url, CREDENTIALS, options=options) as wall:
        async with viewer_socket(wall.url, screen):
            await screen.wait_for("alice")
            (viewer,) = wall.board.viewers
            cmdline = proc_file(viewer.pid, "cmdline")
            assert cmdline[cmdline.index("--theme") + 1] == HIGH_CONTRAST
            assert "--long-call" in cmdline
            await screen.wait_for("CALLS ≥ 15:00")  # the threshold tile, in the browser
            # drawn in it: the header bar's deep blue, on a black screen
            await screen.wait_for("\x1b[48;2;0;58;102m")
            assert "\x1b[48;2;0;0;0m" in screen.text
