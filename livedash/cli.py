"""The command line: ``livedash [options]`` runs the dashboard, ``--once`` or ``--demo``.

* A subcommand is picked by the first argument (:data:`COMMANDS`); anything else is the
  dashboard's command line. Every command ends through :func:`run_command`: warnings,
  then one ``livedash: error: …`` line (``exits.print_error``), and the exit code.
* A bad command line is a usage error before anything starts: exit 2 and one line
  naming the option (:class:`Parser`). Options that would be silently ignored in a
  combination (``--demo --url …``, ``--format`` without ``--once``) are refused.
* The server options are built by :func:`add_server_options`, for any parser, and turned
  into a URL and credentials by :func:`server_from_args`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import math
import os
import ssl
import sys
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import __version__
from .client import DEFAULT_MAX_BODY_BYTES, MIB, TlsOptions
from .credentials import PASSWORD_ENV, Credentials, NoPassword, resolve_password
from .embedded_demo import DemoStartError, demo_credentials, embedded_demo
from .exits import CommandError, ExitCode, UsageError, print_error, print_warning
from .logs import current_log_path, install_excepthooks, log_uncaught, redact, setup_logging
from .model import Filters
from .safe_text import safe_text
from .settings import Settings, check_url

# -- option values: each wrong one is a usage error naming what is allowed --------------


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
    return value


def seconds(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = _number(text, "a number of seconds")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low:g} and {high:g} seconds")
        return value

    return parse


def _mebibytes(text: str) -> float:
    value = _number(text, "a size in MiB")
    if not 0 < value <= 4096:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 4096 (MiB)")
    return value


def _probability(text: str) -> float:
    value = _number(text, "a probability")
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _count(high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not 0 <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between 0 and {high:,}")
        return value

    return parse


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _zone(text: str) -> ZoneInfo:
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise argparse.ArgumentTypeError(
            f"unknown time zone {text[:60]!r} (an IANA name such as Europe/Rome or UTC)"
        ) from None


def _theme(text: str) -> str:
    from .themes import check_theme  # Textual's themes: imported only when asked for

    try:
        return check_theme(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _ca_bundle(text: str) -> str:
    """A readable file of PEM certificates: checked now, not at the first poll."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text} does not exist")
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder, not a file of certificates")
    try:
        ssl.create_default_context(cafile=text)
    except ssl.SSLError:
        raise argparse.ArgumentTypeError(f"{text} holds no PEM certificate") from None
    except OSError as exc:
        raise argparse.ArgumentTypeError(
            f"cannot read {text} ({exc.strerror or type(exc).__name__})") from None
    return text


def _log_file(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("needs a file name")
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder; give a file name in it")
    return path


def _user(text: str) -> str:
    """A user name that HTTP Basic auth can carry (RFC 7617: no colon) and a person can read."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    if ":" in text:
        raise argparse.ArgumentTypeError("must not contain ':' (HTTP Basic auth cannot send it)")
    if safe_text(text) != text:
        raise argparse.ArgumentTypeError("must not contain control characters")
    return text


# -- the parser ----------------------------------------------------------------------------

# What people type when they look for a password option (there is none, on purpose).
_PASSWORD_OPTIONS = ("--password", "--passwor", "--passwo", "--passw", "--pass", "--passwd",
                     "--pw", "--secret")

Check = Callable[[argparse.Namespace, set[str]], None]


class Parser(argparse.ArgumentParser):
    """argparse, with one-line errors, values never echoed, and combinations checked.

    * ``error`` raises :class:`UsageError`: :func:`run_command` prints one line
      (argparse would print the whole usage block first) and exits 2.
    * A mistyped command line is never echoed whole: argparse's "unrecognized arguments:
      …" repeats every token, values included, and ``livedash --password hunter2``
      would print the password back (into a terminal, a CI log, a screen recording).
    * Options added with :meth:`option` get their default after parsing, so that the
      ``checks`` can tell an option given from one defaulted (``--format`` without
      ``--once`` is refused, not ignored).
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.late_defaults: dict[str, Any] = {}
        self.checks: list[Check] = []

    def option(self, group: Any, *flags: str, default: Any = None, **kwargs: Any) -> None:
        """``group.add_argument``, with ``default`` applied after the checks."""
        action = group.add_argument(*flags, default=None, **kwargs)
        self.late_defaults[action.dest] = default

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(message)

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        argv = list(sys.argv[1:] if args is None else args)
        for token in argv:
            if token == "--":
                break
            if token.split("=", 1)[0] in _PASSWORD_OPTIONS:
                self.error(
                    "there is no password option: a password on the command line is "
                    f"visible to other users (ps) and stays in the shell history. Set "
                    f"{PASSWORD_ENV}, use --keyring, or let livedash ask"
                )
        namespace, extras = self.parse_known_args(argv, namespace)
        if extras:
            names = sorted({tok.split("=", 1)[0] for tok in extras if tok.startswith("-")})
            values = sum(1 for tok in extras if not tok.startswith("-"))
            what = ", ".join(names) if names else ""
            if values:
                what += f"{' and ' if what else ''}{values} stray value{'s' if values > 1 else ''}"
            self.error(f"unrecognized arguments: {what} (values are not repeated here; "
                       f"{self.prog} --help lists the options)")
        given = {dest for dest, value in vars(namespace).items()
                 if value is not None and value is not False}
        for check in self.checks:
            check(namespace, given)
        for dest, default in self.late_defaults.items():
            if getattr(namespace, dest) is None:
                setattr(namespace, dest, default)
        return namespace


def flag(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def refuse_with(parser: Parser, dests: Iterable[str], when: str, why: str) -> Check:
    """A check: none of ``dests`` may be given together with ``when``."""

    def check(args: argparse.Namespace, given: set[str]) -> None:
        if when in given:
            for dest in dests:
                if dest in given:
                    parser.error(f"{flag(dest)} cannot be used with {flag(when)} ({why})")

    return check


def require(parser: Parser, dests: Iterable[str], needed: str) -> Check:
    """A check: each of ``dests`` means something only with ``needed``."""

    def check(args: argparse.Namespace, given: set[str]) -> None:
        for dest in dests:
            if dest in given and needed not in given:
                parser.error(f"{flag(dest)} applies only with {flag(needed)}")

    return check


SERVER_ONLY = ("url", "user", "keyring", "ca_bundle", "insecure")  # what --demo replaces


def add_server_options(parser: Parser) -> None:
    """The options that say which server to ask and how: for any livedash command."""
    server = parser.add_argument_group("server")
    parser.option(server, "--url", help="server root, e.g. https://ias.example.com/")
    parser.option(server, "--user", type=_user,
                  help="user with Call Recording Complete Management (level 10)")
    server.add_argument("--keyring", action="store_true",
                        help="look the password up in the system keyring (the keyring extra)")
    parser.option(server, "--timeout", type=seconds(0.05, 3600), default=10.0,
                  metavar="S", help="seconds to wait for an answer (default 10)")
    parser.option(server, "--ca-bundle", type=_ca_bundle, metavar="PATH",
                  help="CA certificates to trust (PEM)")
    server.add_argument("--insecure", action="store_true",
                        help="do not verify the server's TLS certificate")
    parser.option(server, "--server-tz", type=_zone, metavar="ZONE",
                  help="zone of start times sent without one (default: this machine's)")
    parser.option(server, "--max-body-mb", type=_mebibytes, default=DEFAULT_MAX_BODY_BYTES / MIB,
                  metavar="N", help="refuse answers larger than N MiB "
                  f"(default {DEFAULT_MAX_BODY_BYTES // MIB})")
    parser.checks.append(refuse_with(parser, ["insecure"], "ca_bundle",
                                     "--insecure checks no certificate at all"))


def add_log_option(parser: Parser) -> None:
    parser.option(parser, "--log-file", type=_log_file, metavar="PATH",
                  help="log here instead of the user log folder")


def build_parser() -> Parser:
    """The dashboard's command line (also ``--once`` and ``--demo``)."""
    p = Parser(
        prog="livedash",
        description="Watch a call-recording server's live recordings.",
        epilog="The password is read from LIVEDASH_PASSWORD, the keyring (--keyring) "
        "or a prompt; never from the command line. Supervisor actions: livedash "
        "pause|resume|stop|start --help.",
    )
    p.add_argument("--version", action="version", version=f"livedash {__version__}")
    add_server_options(p)
    watching = p.add_argument_group("polling and display")
    p.option(watching, "--interval", type=seconds(0.05, 3600), default=2.0, metavar="S",
             help="seconds between polls (default 2)")
    p.option(watching, "--tz", type=_zone, metavar="ZONE",
             help="zone to show times in (default: this machine's)")
    p.option(watching, "--theme", type=_theme, metavar="NAME",
             help="colours: livedash-high-contrast (for a wall) or one of Textual's "
             "(textual-dark, nord, ...; default textual-dark)")
    p.checks.append(refuse_with(p, ("theme",), "once", "--once prints plain text"))
    filters = p.add_argument_group("filters (all given must match)")
    for name, metavar in (("--device-name", "NAME"), ("--directory-number", "DN"),
                          ("--username", "USER"), ("--numeric-user-id", "ID")):
        p.option(filters, name, default="", metavar=metavar)
    mode = p.add_argument_group("mode")
    mode.add_argument("--kiosk", action="store_true",
                      help="read-only wall display: big totals, pages through rows")
    p.option(mode, "--kiosk-page-seconds", type=seconds(1, 3600), default=10.0, metavar="S",
             help="seconds per page in --kiosk (default 10)")
    mode.add_argument("--read-only", action="store_true",
                      help="no supervisor actions: no keys, and pause/resume/stop/start refuse")
    mode.add_argument("--once", action="store_true",
                      help="poll once, print, exit (see exit codes in the README)")
    p.option(mode, "--format", choices=("table", "json", "csv"), default="table",
             help="output of --once (default table)")
    add_log_option(p)
    demo = p.add_argument_group("demo")
    demo.add_argument("--demo", action="store_true",
                      help="start the embedded demo server and watch it")
    p.option(demo, "--demo-calls", type=_count(100_000), default=40, metavar="N",
             help="live recordings on the demo floor (default 40)")
    p.option(demo, "--demo-seed", type=_seed, metavar="SEED")
    p.option(demo, "--demo-fault-rate", type=_probability, default=0.0, metavar="P",
             help="probability of a random transient fault per request (0 to 1)")
    p.checks += [
        refuse_with(p, SERVER_ONLY, "demo", "--demo runs its own server"),
        require(p, ("demo_calls", "demo_seed", "demo_fault_rate"), "demo"),
        require(p, ("format",), "once"),
        require(p, ("kiosk_page_seconds",), "kiosk"),
        refuse_with(p, ("once",), "kiosk", "--once prints, a kiosk shows"),
    ]
    return p


def server_from_args(args: argparse.Namespace, *, instead: str = "") -> tuple[str, Credentials]:
    """The URL and credentials the server options give; a CommandError if they can't.

    Asks for the password on a terminal when neither the environment nor the keyring has
    it. ``instead`` is appended to "--url is required" (the dashboard: "or --demo").
    """
    for dest, what in (("url", "the server root, e.g. https://ias.example.com/"),
                       ("user", "the user name for HTTP Basic auth")):
        if not getattr(args, dest):
            raise UsageError(f"{flag(dest)} is required ({what}){instead}")
    problem = check_url(args.url)
    if problem:
        raise UsageError(problem)
    if args.keyring and importlib.util.find_spec("keyring") is None:
        raise UsageError("--keyring needs the keyring package, which is not installed "
                         "(in a clone: .venv/bin/pip install -e '.[keyring]')")
    host = urlsplit(args.url).hostname or args.url
    try:
        password = resolve_password(args.user, host, use_keyring=args.keyring, interactive=True)
    except NoPassword as exc:
        raise UsageError(str(exc)) from None
    except EOFError:
        raise UsageError(f"no password entered for {args.user} at {host}") from None
    return args.url, Credentials(args.user, password)


def build_settings(args: argparse.Namespace, url: str, credentials: Credentials) -> Settings:
    return Settings(
        url=url,
        credentials=credentials,
        filters=Filters(
            args.device_name, args.directory_number, args.username, args.numeric_user_id
        ),
        interval=args.interval,
        timeout=args.timeout,
        tls=TlsOptions(ca_bundle=args.ca_bundle, insecure=args.insecure),
        server_tz=args.server_tz,
        display_tz=args.tz,
        kiosk=args.kiosk,
        kiosk_page_seconds=args.kiosk_page_seconds,
        max_body_bytes=max(1, int(args.max_body_mb * MIB)),
        read_only=args.read_only,
        theme=args.theme,
    )


# -- running a command -------------------------------------------------------------------

# Subcommands by name (``livedash NAME …``): each gets the arguments after its name and
# returns an exit code; errors it raises (CommandError) end it as they end the dashboard.
COMMANDS: dict[str, Callable[[list[str]], int]] = {}


def _action_command(name: str) -> Callable[[list[str]], int]:
    """``livedash pause|resume|stop|start …``: the supervisor actions (``commands.py``)."""

    def run(argv: list[str]) -> int:
        from . import commands

        parser = commands.build_parser(name)
        return commands.run_command(parser, parser.parse_args(argv))

    return run


for _name in ("pause", "resume", "stop", "start"):
    COMMANDS[_name] = _action_command(_name)


def _serve(argv: list[str]) -> int:
    """``livedash serve …``: the wallboard in a browser (``livedash/serve/``)."""
    from .serve.command import main as serve_main

    return serve_main(argv)


COMMANDS["serve"] = _serve


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        return run_command(COMMANDS[argv[0]], argv[1:])
    return run_command(run_dashboard, argv)


def run_command(command: Callable[[list[str]], int], argv: list[str]) -> int:
    """Run ``command``; every way it can end becomes an exit code and at most one line."""
    try:
        return command(argv)
    except CommandError as exc:
        return print_error(exc.message, exc.code)
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (``livedash --once | head -1``): it had what
        # it wanted, which is no error. Python would still flush stdout at exit, fail
        # again and print "Exception ignored …": point stdout at /dev/null first (the
        # recipe in the docs of the signal module).
        _discard_stdout()
        return ExitCode.OK
    except Exception as exc:  # a bug of ours: one line here, the traceback in the log
        log_uncaught(exc, "livedash stopped after an internal error")
        where = current_log_path()
        detail = redact(str(exc))[:200]
        return print_error(f"internal error ({type(exc).__name__}: {detail})"
                           + (f"; details in {where}" if where else ""), ExitCode.INTERNAL)


def _discard_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real stdout (a test's StringIO)
        pass


def import_dashboard() -> type:
    """The dashboard's App class; Textual is imported only when the dashboard runs."""
    from .app import LiveDashApp

    return LiveDashApp


def settle_for_a_long_run() -> None:
    """Once, after the imports and before the dashboard runs: it may run for weeks."""
    from .memory import tune_allocator

    # glibc raises its mmap threshold to the size of each large block freed (a response
    # body): later blocks of that size then come from the heap, which fragments around
    # the long-lived objects allocated in between. In benchmarks/soak.py resident memory
    # crept up ~1 MiB a minute that way. Pinned before the first answer (memory.py).
    tune_allocator()
    # Leave what exists now (the interpreter, Textual, the app: tens of thousands of
    # objects that live as long as the process) out of the collector's full passes.
    # Otherwise each full pass walks them all, and with 10,000 records full passes come
    # often: a 30-50 ms stall of the event loop each time, on a slow core. Frozen objects
    # still die by reference counting; only cycles among them would be kept, hence the
    # collection first.
    gc.collect()
    gc.freeze()


def run_dashboard(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    with ExitStack() as stack:
        if args.demo:
            try:
                url = stack.enter_context(embedded_demo(
                    args.demo_calls, args.demo_seed, args.demo_fault_rate,
                    meanwhile=None if args.once else import_dashboard,
                ))
            except DemoStartError as exc:
                raise CommandError(str(exc), ExitCode.INTERNAL) from None
            credentials = demo_credentials()
        else:
            url, credentials = server_from_args(args, instead="; or use --demo")
        settings = build_settings(args, url, credentials)
        logging_to = setup_logging(args.log_file, [credentials.password],
                                   username=credentials.username)
        if args.log_file and logging_to is None:
            print_warning(f"cannot write the log file {args.log_file}; going on without one")
        install_excepthooks()
        if args.once:
            from .once import run_once

            return asyncio.run(run_once(settings, args.format))
        app = import_dashboard()(settings)
        from .textual_workarounds import check_installed_textual

        check_installed_textual()  # a warning in the log if this Textual is not one checked
        settle_for_a_long_run()
        app.run()
        if app.fatal_error is not None:  # logged; Textual printed nothing (guard.py)
            return print_error(app.fatal_error_message(), ExitCode.INTERNAL)
        return app.return_code or 0
