"""The ``livedash serve`` command line: options passed on to viewers, refusals, the banner."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from livedash.credentials import Credentials, Secret
from livedash.serve.access import TOKEN_ENV
from livedash.serve.command import banner, build_serve_parser, main, start_warnings
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
    """(the dashboard's parser, the parsed serve command line)."""
    parser, dashboard = build_serve_parser()
    return dashboard, parser.parse_args(list(argv))


def test_dashboard_options_reach_the_viewers_unchanged():
    hostile = "x;rm -rf ~ $(id) `id` \"'"
    dashboard, args = parse(
        *REAL, "--username", hostile, "--device-name", "SEP1", "--interval", "0.5",
        "--tz", "Europe/Rome", "--insecure", "--kiosk-page-seconds", "7", "--port", "9000",
        "--max-viewers", "2", "--kiosk",
    )
    options = passed_on_options(dashboard, args)
    assert options == ["--interval", "0.5", "--insecure", "--tz", "Europe/Rome",
                       "--device-name", "SEP1", "--username", hostile,
                       "--kiosk-page-seconds", "7.0"]
    check_round_trip(dashboard, args, options)  # parsed back: the same settings
    assert args.tz == ZoneInfo("Europe/Rome") and args.port == 9000
    argv = viewer_argv(args.url, args.user, options)
    assert argv[:3] == [sys.executable, "-m", "livedash.serve.viewer_entry"]
    assert argv.count("--kiosk") == 1  # always read-only, once
    assert hostile in argv  # one argv item, never shell text
    assert "--port" not in argv and "--max-viewers" not in argv


def test_serve_only_and_demo_options_stay_with_serve():
    dashboard, args = parse("--demo", "--demo-calls", "9", "--keyring",
                                    "--host", "127.0.0.2")
    assert passed_on_options(dashboard, args) == []


def test_round_trip_check_catches_a_value_that_would_change():
    dashboard, args = parse(*REAL, "--interval", "0.5")
    with pytest.raises(ValueError, match="--interval"):
        check_round_trip(dashboard, args, ["--interval", "0.6"])


@pytest.mark.parametrize("argv,message", [
    ([*REAL, "--once"], "--once is not for serve"),
    ([*REAL, "--format", "json"], "--format is not for serve"),
    ([*REAL, "--keyfile", "k.pem"], "--keyfile needs --certfile"),
    (["--user", "sup"], "--url and --user are required"),
    ([*REAL, "--public-url", "ftp://x/"], "--public-url must be"),
    ([*REAL, "--max-viewers", "0"], "between 1 and 64"),
    ([*REAL, "--password", "hunter2"], "there is no password option"),
])
def test_bad_command_lines_are_refused(argv, message, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "hunter2" not in err


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
    assert ("warning: listening on" in warnings and "without TLS" in warnings) == warned
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
    assert main([*REAL, "--certfile", str(missing)]) == 2
    assert "cannot use the TLS certificate or key" in capsys.readouterr().err


def test_a_weak_token_from_the_environment_is_refused(capsys, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "letmein")
    assert main(REAL) == 2
    err = capsys.readouterr().err
    assert f"{TOKEN_ENV} must be at least 16" in err and "letmein" not in err
