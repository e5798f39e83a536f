"""The ``livedash serve`` command line: options passed on to viewers, refusals, the banner."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from livedash import cli
from livedash.credentials import Credentials, Secret
from livedash.serve import command as serve_command
from livedash.serve.access import TOKEN_ENV
from livedash.serve.command import banner, build_serve_parser, start_warnings
from livedash.serve.viewer import (
    check_round_trip,
    passed_on_options,
    viewer_argv,
    viewer_environment,
)
from livedash.serve.viewer_process import (
    TESTED_VERSION,
    UnsupportedTextualServe,
    check_textual_serve,
)

REAL = ["--url", "https://ias.example.com/", "--user", "sup"]


def parse(*argv: str):
    """(the dashboard options serve passes on, the parsed serve command line)."""
    parser, passed_on = build_serve_parser()
    return passed_on, parser.parse_args(list(argv))


def test_dashboard_options_reach_the_viewers_unchanged():
    hostile = "x;rm -rf ~ $(id) `id` \"'"
    passed_on, args = parse(
        *REAL, "--username", hostile, "--device-name", "SEP1", "--interval", "0.5",
        "--tz", "Europe/Rome", "--insecure", "--kiosk-page-seconds", "7", "--port", "9000",
        "--max-viewers", "2", "--kiosk", "--timeout", "3", "--max-body-mb", "8",
    )
    options = passed_on_options(passed_on, args)
    assert options == ["--timeout", "3.0", "--insecure", "--max-body-mb", "8.0",
                       "--interval", "0.5", "--tz", "Europe/Rome",
                       "--device-name", "SEP1", "--username", hostile,
                       "--kiosk-page-seconds", "7.0"]
    check_round_trip(passed_on, args, options)  # parsed back: the same settings
    assert args.tz == ZoneInfo("Europe/Rome") and args.port == 9000
    argv = viewer_argv(args.url, args.user, options)
    assert argv[:3] == [sys.executable, "-m", "livedash.serve.viewer_entry"]
    assert argv.count("--kiosk") == 1  # always read-only, once
    assert hostile in argv  # one argv item, never shell text
    assert "--port" not in argv and "--max-viewers" not in argv


def test_serve_only_and_demo_options_stay_with_serve(monkeypatch):
    passed_on, args = parse("--demo", "--demo-calls", "9", "--demo-fault-rate", "0.1",
                            "--host", "127.0.0.2", "--port", "9", "--max-viewers", "2")
    assert passed_on_options(passed_on, args) == []
    assert args.kiosk and args.demo_fault_rate == 0.1  # a kiosk without --kiosk
    import importlib.util

    real = importlib.util.find_spec  # --keyring is checked for the keyring package
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: object() if name == "keyring" else real(name, *a))
    passed_on, args = parse(*REAL, "--keyring")
    assert args.keyring and passed_on_options(passed_on, args) == []


def test_the_viewers_timeout_and_defaults_are_the_dashboards():
    """Serve's dashboard options default as the dashboard's do: nothing is passed on for
    an option not given, and a viewer's parser reads the same values back."""
    passed_on, args = parse(*REAL)
    assert (args.timeout, args.interval, args.max_body_mb) == (10.0, 2.0, 32.0)
    assert passed_on_options(passed_on, args) == []
    check_round_trip(passed_on, args, [])


def test_a_new_dashboard_option_reaches_the_viewers(monkeypatch):
    """What the dashboard's builder gains later (a value, a flag, a switch that is on by
    default; names no real option has) is passed on as given, in the spelling that gives
    its value back."""
    real = cli.add_dashboard_options

    def with_more(parser, **kwargs):
        group = parser.add_argument_group("more")
        return [*real(parser, **kwargs),
                parser.option(group, "--sample-theme", default="textual-dark"),
                group.add_argument("--sample-bell", action="store_true"),
                group.add_argument("--sample-switch", action=argparse.BooleanOptionalAction,
                                   default=True)]

    monkeypatch.setattr(cli, "add_dashboard_options", with_more)  # the viewers' parser
    monkeypatch.setattr(serve_command, "add_dashboard_options", with_more)
    passed_on, args = parse(*REAL, "--no-sample-switch", "--sample-theme", "livedash-high-contrast",
                            "--sample-bell")
    options = passed_on_options(passed_on, args)
    assert options == ["--sample-theme", "livedash-high-contrast", "--sample-bell",
                       "--no-sample-switch"]
    check_round_trip(passed_on, args, options)
    # the defaults
    passed_on, args = parse(*REAL, "--sample-switch", "--sample-theme", "textual-dark")
    assert passed_on_options(passed_on, args) == []


def test_round_trip_check_catches_a_value_that_would_change():
    passed_on, args = parse(*REAL, "--interval", "0.5")
    with pytest.raises(ValueError, match="--interval"):
        check_round_trip(passed_on, args, ["--interval", "0.6"])


def one_error_line(capsys) -> str:
    out, err = capsys.readouterr()
    (line,) = err.splitlines()
    assert out == "" and line.startswith("livedash: error: "), line
    return line


@pytest.mark.parametrize("argv,message", [
    ([*REAL, "--once"], "--once is not for serve"),
    ([*REAL, "--format", "json"], "--format is not for serve"),
    ([*REAL, "--keyfile", "k.pem"], "--keyfile applies only with --certfile"),
    (["--user", "sup"], "--url is required"),
    (["--url", "https://ias.example.com/"], "--user is required"),
    ([*REAL, "--public-url", "ftp://x/"], "--public-url: must be the http:// or https://"),
    ([*REAL, "--max-viewers", "0"], "between 1 and 64"),
    ([*REAL, "--port", "65536"], "--port: must be between 0 and 65535 (0: any free port)"),
    ([*REAL, "--password", "hunter2"], "there is no password option"),
    ([*REAL, "--timeout", "0"], "--timeout: must be between 0.05 and 3600"),
    (["--demo", "--url", "https://ias.example.com/"], "--url cannot be used with --demo"),
    (["--demo", "--insecure"], "--insecure cannot be used with --demo"),
    ([*REAL, "--demo-calls", "3"], "--demo-calls applies only with --demo"),
])
def test_bad_command_lines_are_refused(argv, message, capsys, monkeypatch):
    monkeypatch.delenv("LIVEDASH_PASSWORD", raising=False)
    assert cli.main(["serve", *argv]) == 2
    line = one_error_line(capsys)
    assert message in line, line
    assert "hunter2" not in line


def test_password_in_environment_token_not_passed_on():
    credentials = Credentials("sup", Secret("s3cret"))
    environment = viewer_environment(credentials, {"PATH": "/bin", TOKEN_ENV: "t" * 20,
                                                   "LIVEDASH_PASSWORD": "old"})
    assert environment == {"PATH": "/bin", "LIVEDASH_PASSWORD": "s3cret"}


def test_banner_prints_a_generated_token_once_and_says_what_viewers_cost():
    _, args = parse(*REAL)
    lines = banner(args, args.url, 8000, "tok" * 10, generated=True)
    text = "\n".join(lines)
    assert text.count("tok" * 10) == 1
    assert "http://127.0.0.1:8000/?token=" + "tok" * 10 in text
    assert "At most 4 viewers at a time (--max-viewers)" in text
    assert "its own livedash process polling ias.example.com every 2 s" in text
    assert "warning" not in text and start_warnings(args) == []  # loopback
    given = "\n".join(banner(args, args.url, 8000, "tok" * 10, generated=False))
    assert "tok" * 10 not in given and f"?token=<{TOKEN_ENV}>" in given


@pytest.mark.parametrize("extra,warned", [
    (["--host", "0.0.0.0"], True),
    (["--host", "192.0.2.7"], True),
    (["--host", "0.0.0.0", "--certfile", "c.pem"], False),
    (["--host", "localhost"], False),
    (["--host", "::1"], False),
])
def test_non_loopback_without_tls_is_warned_about(extra, warned):
    _, args = parse(*REAL, *extra)
    warnings = "\n".join(start_warnings(args))
    assert ("listening on" in warnings and "without TLS" in warnings) == warned
    text = "\n".join(banner(args, args.url, 8000, "t", generated=True))
    assert "0.0.0.0:" not in text  # a wildcard address is not a URL a browser can open


def test_behind_a_proxy_the_public_url_is_printed():
    _, args = parse(*REAL, "--public-url", "https://wall.example.com/ld/")
    text = "\n".join(banner(args, args.url, 8000, "tok", generated=True))
    assert "https://wall.example.com/ld/?token=tok" in text


def test_another_textual_serve_minor_version_is_refused():
    check_textual_serve(TESTED_VERSION)
    with pytest.raises(UnsupportedTextualServe, match=r"viewer_process\.py"):
        check_textual_serve("1.2.0")


async def test_serve_demo_end_to_end(tmp_path):
    """The real command: banner on stdout, the printed URL works, SIGTERM stops it all."""
    environment = {**os.environ, "XDG_STATE_HOME": str(tmp_path)}
    environment.pop(TOKEN_ENV, None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "livedash", "serve", "--demo", "--demo-calls", "3",
        "--port", "0", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL, env=environment,
    )
    try:
        lines = []
        while not lines or not lines[-1].startswith("Ctrl+C"):
            line = await asyncio.wait_for(process.stdout.readline(), 60)
            assert line, "serve ended before listening"
            lines.append(line.decode().strip())
        url = next(line for line in lines if "?token=" in line)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.get(url) as response:
                assert response.status == 200
                assert "wallboard.js" in await response.text()
            async with http.get(url.split("?")[0] + "status") as response:
                assert (await response.json())["max_viewers"] == 4
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    rest = (await process.stdout.read()).decode()
    assert "stopping every viewer" in rest
    assert url.split("=", 1)[1] not in rest + (await process.stderr.read()).decode()


def test_an_unreadable_certificate_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    missing = tmp_path / "missing.pem"
    assert cli.main(["serve", *REAL, "--certfile", str(missing)]) == 2
    assert "cannot use the TLS certificate or key" in one_error_line(capsys)


def test_a_weak_token_from_the_environment_is_refused(capsys, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "letmein")
    assert cli.main(["serve", *REAL]) == 2
    line = one_error_line(capsys)
    assert f"{TOKEN_ENV} must be at least 16" in line and "letmein" not in line


def test_no_password_is_one_error_line_before_listening(capsys, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    monkeypatch.delenv("LIVEDASH_PASSWORD", raising=False)
    assert cli.main(["serve", *REAL]) == 2  # stdin is not a terminal here
    line = one_error_line(capsys)
    assert "no password for sup at ias.example.com" in line and "--keyring" in line
