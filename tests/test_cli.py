"""The command line: bad options, refused combinations, how every command ends.

Parsing is tested in-process (``cli.main``); ending on a closed pipe is tested as a user
meets it, through a real pipe to ``head -1``.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import certifi
import pytest

from livedash import __version__, cli
from livedash.demo.floor import Floor
from livedash.demo.testing import demo_server_fixture
from livedash.exits import CommandError, ExitCode

SERVER = ["--url", "https://ias.example.com/", "--user", "supervisor"]
ERROR_LINE = re.compile(r"livedash: error: \S.*")


@pytest.fixture(autouse=True)
def no_password(monkeypatch):
    monkeypatch.delenv("LIVEDASH_PASSWORD", raising=False)


def one_error_line(capsys) -> str:
    out, err = capsys.readouterr()
    assert out == ""
    (line,) = err.splitlines()
    assert ERROR_LINE.fullmatch(line), line
    return line


def _not_pem(tmp_path) -> str:
    path = tmp_path / "ca.pem"
    path.write_text("not a certificate\n")
    return str(path)


# -- each bad option: exit 2, one line that names it ---------------------------------

BAD_OPTIONS = [
    (["--ca-bundle", "/nonexistent/ca.pem"], "--ca-bundle", "does not exist"),
    (["--ca-bundle", "{tmp}"], "--ca-bundle", "is a folder"),
    (["--ca-bundle", "{not_pem}"], "--ca-bundle", "holds no PEM certificate"),
    (["--max-body-mb", "0"], "--max-body-mb", "more than 0"),
    (["--max-body-mb", "-5"], "--max-body-mb", "more than 0"),
    (["--max-body-mb", "nan"], "--max-body-mb", "not a size"),
    (["--max-body-mb", "5000"], "--max-body-mb", "at most 4096"),
    (["--demo", "--demo-calls", "-1"], "--demo-calls", "between 0 and"),
    (["--demo", "--demo-calls", "many"], "--demo-calls", "not a whole number"),
    (["--demo", "--demo-calls", "100001"], "--demo-calls", "between 0 and 100,000"),
    (["--demo", "--demo-fault-rate", "2"], "--demo-fault-rate", "between 0 and 1"),
    (["--demo", "--demo-fault-rate", "-0.1"], "--demo-fault-rate", "between 0 and 1"),
    (["--demo", "--demo-seed", "x"], "--demo-seed", "not a whole number"),
    (["--interval", "0"], "--interval", "between 0.05 and 3600"),
    (["--interval", "inf"], "--interval", "not a number of seconds"),
    (["--interval", "soon"], "--interval", "not a number of seconds"),
    (["--timeout", "0"], "--timeout", "between 0.05 and 3600"),
    (["--timeout", "7200"], "--timeout", "between 0.05 and 3600"),
    (["--kiosk", "--kiosk-page-seconds", "0.2"], "--kiosk-page-seconds", "between 1 and"),
    (["--tz", "Mars/Olympus"], "--tz", "unknown time zone"),
    (["--tz", ""], "--tz", "unknown time zone"),
    (["--server-tz", "../../etc/passwd"], "--server-tz", "unknown time zone"),
    (["--user", "super:visor"], "--user", "must not contain ':'"),
    (["--user", "  "], "--user", "must not be empty"),
    (["--user", "evil\x1b[2J"], "--user", "control characters"),
    (["--log-file", ""], "--log-file", "needs a file name"),
    (["--log-file", "{tmp}"], "--log-file", "is a folder"),
    (["--ca-bundle", "{long}"], "--ca-bundle", "cannot read aaaa"),  # a name too long
    (["--log-file", "{long}"], "--log-file", "cannot use aaaa"),
    (["--once", "--format", "xml"], "--format", "invalid choice"),
    (["--url", "https://ias.example.com:99999/", "--user", "u"], "--url", "port"),
    (["--url", "ias.example.com", "--user", "u"], "--url", "http:// or https://"),
    (["--user", "u"], "--url", "is required"),
    (["--url", "https://ias.example.com/"], "--user", "is required"),
    (["--bogus", "x"], "--bogus", "unrecognized"),
    (["--long-call", "15x"], "--long-call", "not a duration"),
    (["--long-call", "0"], "--long-call", "between 1 second and 24 hours"),
    (["--long-call", "1.5s"], "--long-call", "whole number of seconds"),
    (["--long-pause=-2m"], "--long-pause", "between 1 second"),
    (["--long-pause", ""], "--long-pause", "not a duration"),
]


@pytest.mark.parametrize(("argv", "option", "says"), BAD_OPTIONS,
                         ids=[" ".join(case[0]) for case in BAD_OPTIONS])
def test_a_bad_option_is_one_line_naming_it_and_exit_2(argv, option, says, tmp_path, capsys):
    argv = [arg.format(tmp=tmp_path, not_pem=_not_pem(tmp_path), long="a" * 5000)
            for arg in argv]
    assert cli.main(argv) == ExitCode.USAGE
    line = one_error_line(capsys)
    assert option in line and says in line, line
    assert len(line) < 300  # a long value is not repeated whole


# A file that is there and that nobody may read, root included (CI runs as root, and
# root reads a file of any mode): the kernel's write-only switch to drop its caches.
WRITE_ONLY = Path("/proc/sys/vm/drop_caches")


@pytest.mark.skipif(not WRITE_ONLY.exists(), reason="needs Linux's /proc/sys")
def test_an_unreadable_ca_bundle_is_a_usage_error(capsys):
    assert cli.main([*SERVER, "--ca-bundle", str(WRITE_ONLY)]) == ExitCode.USAGE
    line = one_error_line(capsys)
    assert line == (f"livedash: error: argument --ca-bundle: cannot read {WRITE_ONLY} "
                    "(Permission denied)")


def test_a_good_ca_bundle_is_accepted():
    args = cli.build_parser().parse_args([*SERVER, "--ca-bundle", certifi.where()])
    assert args.ca_bundle == certifi.where()
    assert args.max_body_mb == 32.0 and args.interval == 2.0 and args.format == "table"


def test_long_call_long_pause_and_bell_reach_the_settings():
    args = cli.build_parser().parse_args(
        [*SERVER, "--long-call", "1h30m", "--long-pause", "2m", "--bell"])
    settings = cli.build_settings(args, args.url, None)
    assert (settings.long_call, settings.long_pause, settings.bell) == (5400, 120, True)
    args = cli.build_parser().parse_args(SERVER)
    settings = cli.build_settings(args, args.url, None)
    assert (settings.long_call, settings.long_pause, settings.bell) == (None, None, False)


# -- options that would be silently ignored are refused ---------------------------------

REFUSED = [
    (["--demo", "--url", "https://ias.example.com/"], ("--url", "--demo")),
    (["--demo", "--user", "supervisor"], ("--user", "--demo")),
    (["--demo", "--keyring"], ("--keyring", "--demo")),
    (["--demo", "--insecure"], ("--insecure", "--demo")),
    (["--demo", "--ca-bundle", certifi.where()], ("--ca-bundle", "--demo")),
    ([*SERVER, "--demo-calls", "10"], ("--demo-calls", "--demo")),
    ([*SERVER, "--demo-fault-rate", "0.1"], ("--demo-fault-rate", "--demo")),
    ([*SERVER, "--format", "json"], ("--format", "--once")),
    ([*SERVER, "--kiosk-page-seconds", "5"], ("--kiosk-page-seconds", "--kiosk")),
    ([*SERVER, "--kiosk", "--once"], ("--once", "--kiosk")),
    ([*SERVER, "--ca-bundle", certifi.where(), "--insecure"], ("--insecure", "--ca-bundle")),
    ([*SERVER, "--once", "--long-call", "15m"], ("--long-call", "--once")),
    ([*SERVER, "--once", "--bell"], ("--bell", "--once")),
]


@pytest.mark.parametrize(("argv", "named"), REFUSED, ids=[" ".join(c[0]) for c in REFUSED])
def test_combinations_that_would_ignore_an_option_are_refused(argv, named, capsys):
    assert cli.main(argv) == ExitCode.USAGE
    line = one_error_line(capsys)
    assert all(option in line for option in named), line


# -- the shape of every ending -----------------------------------------------------------

def test_no_password_is_an_error_line_that_mentions_keyring(capsys):
    assert cli.main([*SERVER, "--once"]) == ExitCode.USAGE  # stdin is not a terminal here
    line = one_error_line(capsys)
    assert "no password for supervisor at ias.example.com" in line
    assert "LIVEDASH_PASSWORD" in line and "--keyring" in line


def test_keyring_without_the_package_says_how_to_install_it(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "keyring" else real(name, *a))
    assert cli.main([*SERVER, "--keyring", "--once"]) == ExitCode.USAGE
    line = one_error_line(capsys)
    assert "--keyring needs the keyring package" in line and "pip install -e '.[keyring]'" in line


def test_a_demo_server_that_does_not_start_is_one_line_and_exit_1(monkeypatch, capsys):
    from livedash.embedded_demo import DemoStartError

    def no_demo(*args, **kwargs):
        raise DemoStartError("the demo server did not start (python -m livedash.demo)")

    monkeypatch.setattr(cli, "embedded_demo", no_demo)
    assert cli.main(["--demo", "--once"]) == ExitCode.INTERNAL
    assert one_error_line(capsys) == ("livedash: error: the demo server did not start "
                                      "(python -m livedash.demo)")


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"livedash {__version__}"


def test_an_internal_error_is_one_line_with_the_log_file(monkeypatch, tmp_path, capsys):
    def broken(settings, fmt):
        raise RuntimeError("a bug of ours")

    monkeypatch.setenv("LIVEDASH_PASSWORD", "cli-test-pw-7f3a")
    monkeypatch.setattr("livedash.once.run_once", broken)
    log = tmp_path / "livedash.log"
    try:
        code = cli.main([*SERVER, "--once", "--log-file", str(log)])
    finally:
        from livedash.logs import shutdown_logging

        shutdown_logging()
    assert code == ExitCode.INTERNAL
    line = one_error_line(capsys)
    assert line == (f"livedash: error: internal error (RuntimeError: a bug of ours); "
                    f"details in {log}")
    assert "Traceback" in log.read_text()


def test_ctrl_c_is_exit_130_without_a_traceback(monkeypatch, capsys):
    def interrupted(argv):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_dashboard", interrupted)
    assert cli.main([]) == ExitCode.INTERRUPTED == 130
    assert capsys.readouterr().err == ""


def test_a_subcommand_is_dispatched_on_the_first_argument_and_ends_the_same_way(
        monkeypatch, capsys):
    seen = []

    def pause(argv):
        seen.append(argv)
        raise CommandError("no such live recording", ExitCode.SERVER)

    monkeypatch.setitem(cli.COMMANDS, "pause", pause)
    assert cli.main(["pause", "--url", "x", "id-1"]) == ExitCode.SERVER
    assert seen == [["--url", "x", "id-1"]]
    assert one_error_line(capsys) == "livedash: error: no such live recording"


def test_server_options_fit_any_parser():
    parser = cli.Parser(prog="livedash pause")
    cli.add_server_options(parser)
    args = parser.parse_args([*SERVER, "--timeout", "3"])
    assert (args.url, args.user, args.timeout, args.max_body_mb) == (
        "https://ias.example.com/", "supervisor", 3.0, 32.0)


# -- the dashboard's start-up ----------------------------------------------------------

def test_the_dashboard_freezes_startup_objects_and_tunes_the_allocator_before_it_runs(
        monkeypatch, tmp_path):
    """gc.freeze and the allocator tuning happen in the CLI, once, before the app runs."""
    seen = {}

    class FakeDashboard:
        return_code = 0
        fatal_error = None

        def __init__(self, settings):
            seen["settings"] = settings

        def run(self):
            seen["frozen"] = gc.get_freeze_count()
            seen["tuned"] = list(tuned)

    tuned = []
    monkeypatch.setattr(cli, "import_dashboard", lambda: FakeDashboard)
    monkeypatch.setattr("livedash.memory.tune_allocator", lambda: tuned.append(True) or True)
    monkeypatch.setenv("LIVEDASH_PASSWORD", "cli-test-pw-7f3a")  # masked in later logs
    gc.unfreeze()
    try:
        assert cli.main([*SERVER, "--log-file", str(tmp_path / "l.log")]) == 0
    finally:
        gc.unfreeze()
        from livedash.logs import shutdown_logging

        shutdown_logging()
    assert seen["frozen"] > 1000 and seen["tuned"] == [True]


def test_a_dashboard_ended_by_a_bug_is_one_error_line_and_exit_1(monkeypatch, tmp_path,
                                                                  capsys):
    class CrashedDashboard:
        return_code = 1
        fatal_error = RuntimeError("in a widget")

        def __init__(self, settings):
            pass

        def run(self):
            pass

        def fatal_error_message(self):
            return "stopped after an internal error (RuntimeError); the details are in X"

    monkeypatch.setattr(cli, "import_dashboard", lambda: CrashedDashboard)
    monkeypatch.setattr(cli, "settle_for_a_long_run", lambda: None)
    monkeypatch.setenv("LIVEDASH_PASSWORD", "cli-test-pw-7f3a")
    try:
        assert cli.main([*SERVER, "--log-file", str(tmp_path / "l.log")]) == 1
    finally:
        from livedash.logs import shutdown_logging

        shutdown_logging()
    assert one_error_line(capsys) == ("livedash: error: stopped after an internal error "
                                      "(RuntimeError); the details are in X")


# -- a closed pipe is a normal end -----------------------------------------------------

big_server = demo_server_fixture(floor_factory=lambda: Floor(size=3000, seed=5),
                                 scope="module")


@pytest.mark.parametrize("fmt", ["csv", "table", "json"])
def test_a_reader_that_stops_early_ends_livedash_quietly(big_server, fmt, tmp_path):
    """``livedash --once … | head -1``: exit 0, nothing on stderr, no traceback logged.

    3,000 records are far more than a pipe holds: head exits after its first line, while
    livedash is still writing."""
    log = tmp_path / "livedash.log"
    env = {**os.environ, "LIVEDASH_PASSWORD": "demo"}
    livedash = [sys.executable, "-m", "livedash", "--once", "--format", fmt, "--url",
                big_server.url, "--user", "supervisor", "--log-file", str(log)]
    script = " ".join(f"'{arg}'" for arg in livedash) + " | head -1; echo ${PIPESTATUS[0]} >&2"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert len(done.stdout.splitlines()) == 1
    assert done.stderr.strip() == "0"  # livedash's exit status; nothing else on stderr
    assert "Traceback" not in log.read_text() and "BrokenPipe" not in log.read_text()


def test_a_demo_run_masks_no_demo_in_the_log(tmp_path):
    """The demo's password ("demo") is public: masking it would hide every "demo" in the
    log (its path, the demo server's messages). A real password is still masked."""
    from livedash.credentials import Credentials, Secret
    from livedash.logs import setup_logging, shutdown_logging

    demo = cli.build_parser().parse_args(["--demo"])
    assert cli.secrets_of(demo, Credentials("supervisor", Secret("demo"))) == []
    real = cli.build_parser().parse_args(["--url", "https://ias.example.com/", "--user", "u"])
    secret = Secret("s3cr3t-pw-for-this-test")
    assert cli.secrets_of(real, Credentials("u", secret)) == [secret]
    log = tmp_path / "demo" / "livedash.log"
    try:
        setup_logging(log, cli.secrets_of(demo, Credentials("supervisor", Secret("demo"))))
        logging.getLogger("livedash").warning("the demo server at %s", log)
    finally:
        shutdown_logging()
    assert f"the demo server at {log}" in log.read_text()
