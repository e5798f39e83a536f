"""The command line of every livedash command: ``livedash [options]`` (the dashboard,
``--once``), ``livedash pause|resume|stop|start`` (``commands.py``), ``livedash serve``
(``serve/command.py``).

* A subcommand is picked by the first argument (:data:`COMMANDS`); anything else is the
  dashboard's command line. Every command ends through :func:`run_command`: warnings,
  then one ``livedash: error: …`` line (``exits.print_error``), and the exit code.
* Every command's parser is a :class:`Parser`, built from the same option builders:
  :func:`add_server_options`, :func:`add_demo_options`, :func:`add_log_option`,
  :func:`add_read_only_option`, :func:`add_dashboard_options` (what shapes a dashboard;
  ``serve`` passes each of them on to its viewers, so a new one belongs there). Each
  builder adds its options, the checks of their combinations, and returns its options.
* A bad command line is a usage error before anything starts: exit 2 and one line
  naming the option. Options that would be silently ignored in a combination
  (``--demo --url …``, ``--format`` without ``--once``) are refused, in every command.
* :func:`resolve_server` turns the server options into a URL and credentials, for every
  command: the embedded demo server, or ``--url``/``--user`` and the password.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from typing import Any
from urllib.parse import urlsplit

from . import __version__
from .client import DEFAULT_MAX_BODY_BYTES, MIB, TlsOptions
from .credentials import PASSWORD_ENV, Credentials, NoPassword, Secret, resolve_password
from .embedded_demo import DemoStartError, demo_credentials, embedded_demo
from .exits import CommandError, ExitCode, UsageError, print_error, print_warning
from .logs import current_log_path, install_excepthooks, log_uncaught, redact, setup_logging
from .model import Filters
from .option_types import (
    ca_bundle,
    log_file,
    mebibytes,
    probability,
    seconds,
    threshold,
    user,
    whole_number,
    writable_folder,
    zone,
)
from .settings import Settings, check_url

# -- the parser ----------------------------------------------------------------------------

# What people type when they look for a password option (there is none, on purpose).
_PASSWORD_OPTIONS = ("--password", "--passwor", "--passwo", "--passw", "--pass", "--passwd",
                     "--pw", "--secret")
_NO_PASSWORD_OPTION = (
    "there is no password option: a password on the command line is visible to other "
    f"users (ps) and stays in the shell history. Set {PASSWORD_ENV}, use --keyring, or let "
    "livedash ask")

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
      ``--once`` is refused, not ignored); :meth:`default` tells what each defaults to.
    * ``refused``: options this command does not take and says why (``--password``
      everywhere), before anything else is parsed.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.late_defaults: dict[str, Any] = {}
        self.checks: list[Check] = []
        self.refused: dict[str, str] = dict.fromkeys(_PASSWORD_OPTIONS, _NO_PASSWORD_OPTION)

    def option(self, group: Any, *flags: str, default: Any = None,
               **kwargs: Any) -> argparse.Action:
        """``group.add_argument``, with ``default`` applied after the checks."""
        action = group.add_argument(*flags, default=None, **kwargs)
        self.late_defaults[action.dest] = default
        return action

    def default(self, dest: str) -> Any:
        """What ``dest`` is when its option is not given."""
        if dest in self.late_defaults:
            return self.late_defaults[dest]
        return self.get_default(dest)

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(message)

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        argv = list(sys.argv[1:] if args is None else args)
        for token in argv:
            if token == "--":
                break
            why = self.refused.get(token.split("=", 1)[0])
            if why:
                self.error(why)
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


# -- the options, by what they are for: each builder returns the options it added -------

Options = list[argparse.Action]


def add_server_options(parser: Parser) -> Options:
    """The options that say which server to ask and how: for any livedash command."""
    server = parser.add_argument_group("server")
    options = [
        parser.option(server, "--url", help="server root, e.g. https://ias.example.com/"),
        parser.option(server, "--user", type=user,
                      help="user with Call Recording Complete Management (level 10)"),
        server.add_argument("--keyring", action="store_true",
                            help="look the password up in the system keyring (the keyring "
                            "extra)"),
        parser.option(server, "--timeout", type=seconds(0.05, 3600), default=10.0,
                      metavar="S", help="seconds to wait for an answer (default 10)"),
        parser.option(server, "--ca-bundle", type=ca_bundle, metavar="PATH",
                      help="CA certificates to trust (PEM)"),
        server.add_argument("--insecure", action="store_true",
                            help="do not verify the server's TLS certificate"),
        parser.option(server, "--server-tz", type=zone, metavar="ZONE",
                      help="zone of start times sent without one (default: this machine's)"),
        parser.option(server, "--max-body-mb", type=mebibytes,
                      default=DEFAULT_MAX_BODY_BYTES / MIB, metavar="N",
                      help="refuse answers larger than N MiB "
                      f"(default {DEFAULT_MAX_BODY_BYTES // MIB})"),
    ]
    parser.checks.append(refuse_with(parser, ["insecure"], "ca_bundle",
                                     "--insecure checks no certificate at all"))
    return options


SERVER_ONLY = ("url", "user", "keyring", "ca_bundle", "insecure")  # what --demo replaces


def add_demo_options(parser: Parser, *, faults: bool = True) -> Options:
    """``--demo`` and its options: the embedded demo server instead of ``--url``/``--user``.

    Also checks the other way round: without ``--demo``, ``--url`` and ``--user`` name a
    server. ``faults``: take ``--demo-fault-rate`` (random faults hit the recordings
    list; the commands' actions never get one by chance, so they leave it out).
    """
    demo = parser.add_argument_group("demo")
    options = [
        demo.add_argument("--demo", action="store_true",
                          help="start the embedded demo server and use it"),
        parser.option(demo, "--demo-calls", type=whole_number(0, 100_000, grouped=True),
                      default=40, metavar="N",
                      help="live recordings on the demo floor (default 40)"),
        parser.option(demo, "--demo-seed", type=whole_number(), metavar="SEED"),
    ]
    if faults:
        options.append(parser.option(
            demo, "--demo-fault-rate", type=probability, default=0.0, metavar="P",
            help="probability of a random transient fault per request (0 to 1)"))
    else:
        parser.set_defaults(demo_fault_rate=0.0)
    parser.checks += [
        refuse_with(parser, SERVER_ONLY, "demo", "--demo runs its own server"),
        require(parser, [action.dest for action in options[1:]], "demo"),
        _named_server(parser),
    ]
    return options


def _named_server(parser: Parser) -> Check:
    """A check: without ``--demo``, ``--url`` and ``--user`` name a server livedash can ask."""

    def check(args: argparse.Namespace, given: set[str]) -> None:
        if "demo" in given:
            return
        for dest, what in (("url", "the server root, e.g. https://ias.example.com/"),
                           ("user", "the user name for HTTP Basic auth")):
            if dest not in given:
                parser.error(f"{flag(dest)} is required ({what}); or use --demo")
        problem = check_url(args.url)
        if problem:
            parser.error(problem)
        if args.keyring and importlib.util.find_spec("keyring") is None:
            parser.error("--keyring needs the keyring package, which is not installed "
                         "(in a clone: .venv/bin/pip install -e '.[keyring]')")

    return check


def add_log_option(parser: Parser) -> Options:
    return [parser.option(parser, "--log-file", type=log_file, metavar="PATH",
                          help="log here instead of the user log folder")]


def add_read_only_option(parser: Parser, group: Any = None) -> Options:
    return [(group or parser).add_argument(
        "--read-only", action="store_true",
        help="no supervisor actions: no keys, and pause/resume/stop/start refuse")]


def _theme(text: str) -> str:
    # Not in option_types: the themes are Textual's, and --once never loads Textual.
    from .themes import check_theme

    try:
        return check_theme(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_dashboard_options(parser: Parser, *, kiosk_implied: bool = False) -> Options:
    """What shapes a dashboard: polling, display, filters, kiosk. ``livedash serve`` takes
    these and passes each given one on to its viewers (``serve/viewer.py``): a new
    dashboard option added here reaches served viewers with no change to serve.

    ``kiosk_implied``: always a kiosk (serve); ``--kiosk`` is then accepted and hidden.
    """
    watching = parser.add_argument_group("polling and display")
    options = [
        parser.option(watching, "--interval", type=seconds(0.05, 3600), default=2.0,
                      metavar="S", help="seconds between polls (default 2)"),
        parser.option(watching, "--tz", type=zone, metavar="ZONE",
                      help="zone to show times in (default: this machine's)"),
        parser.option(watching, "--theme", type=_theme, metavar="NAME",
                      help="colours: livedash-high-contrast (for a wall) or one of "
                      "Textual's (textual-dark, nord, ...; default textual-dark)"),
    ]
    watch = parser.add_argument_group("long calls and forgotten pauses")
    options += [
        parser.option(watch, "--long-call", type=threshold, metavar="DURATION",
                      help="mark calls at or over DURATION: 15m, 90s, 1h30m, 900"),
        parser.option(watch, "--long-pause", type=threshold, metavar="DURATION",
                      help="mark recordings paused for DURATION or longer: 2m"),
        watch.add_argument("--bell", action="store_true",
                           help="ring the terminal bell when a recording crosses either"),
    ]
    ended = parser.add_argument_group("recently ended (h) and export (e)")
    options += [
        parser.option(ended, "--history-minutes", type=whole_number(1, 1440), default=30,
                      metavar="N", help="keep the recordings seen to end for N minutes "
                      "(default 30)"),
        parser.option(ended, "--export-dir", type=writable_folder, metavar="PATH",
                      help="folder for the CSV files of e (default: the current folder)"),
    ]
    filters = parser.add_argument_group("filters (all given must match)")
    for name, metavar in (("--device-name", "NAME"), ("--directory-number", "DN"),
                          ("--username", "USER"), ("--numeric-user-id", "ID")):
        options.append(parser.option(filters, name, default="", metavar=metavar))
    mode = parser.add_argument_group("mode")
    options += [
        mode.add_argument("--kiosk", action="store_true",
                          help=argparse.SUPPRESS if kiosk_implied else
                          "read-only wall display: big totals, pages through rows"),
        parser.option(mode, "--kiosk-page-seconds", type=seconds(1, 3600), default=10.0,
                      metavar="S", help="seconds per page in --kiosk (default 10)"),
        *add_read_only_option(parser, mode),
    ]
    if kiosk_implied:
        parser.set_defaults(kiosk=True)
    parser.checks.append(require(parser, ("kiosk_page_seconds",), "kiosk"))
    return options


def build_parser() -> Parser:
    """The dashboard's command line (also ``--once`` and ``--demo``)."""
    p = Parser(
        prog="livedash",
        description="Watch a call-recording server's live recordings.",
        epilog="The password is read from LIVEDASH_PASSWORD, the keyring (--keyring) "
        "or a prompt; never from the command line. Supervisor actions: livedash "
        "pause|resume|stop|start --help. A wallboard in a browser: livedash serve --help.",
    )
    p.add_argument("--version", action="version", version=f"livedash {__version__}")
    add_server_options(p)
    add_dashboard_options(p)
    once = p.add_argument_group("once, instead of the dashboard")
    once.add_argument("--once", action="store_true",
                      help="poll once, print, exit (see exit codes in the README)")
    p.option(once, "--format", choices=("table", "json", "csv"), default="table",
             help="output of --once (default table)")
    p.checks += [
        require(p, ("format",), "once"),
        refuse_with(p, ("once",), "kiosk", "--once prints, a kiosk shows"),
        refuse_with(p, ("theme",), "once", "--once prints plain text"),
        refuse_with(p, ("long_call", "long_pause", "bell"), "once",
                    "--once prints the recordings, it watches nothing"),
        refuse_with(p, ("history_minutes", "export_dir"), "once",
                    "it is for the dashboard's h and e keys; --once prints to stdout"),
    ]
    add_log_option(p)
    add_demo_options(p)
    return p


def resolve_server(args: argparse.Namespace, stack: ExitStack, *,
                   meanwhile: Callable[[], object] | None = None) -> tuple[str, Credentials]:
    """Which server to ask, with which credentials: the same for every command.

    ``--demo`` starts the embedded demo server, stopped when ``stack`` closes
    (``meanwhile``: see :func:`embedded_demo`). Otherwise the server of ``--url`` and
    ``--user`` (checked by the parser), with the password from ``LIVEDASH_PASSWORD``,
    the keyring with ``--keyring``, else a prompt on a terminal. Failing that: a
    :class:`CommandError`.
    """
    if args.demo:
        try:
            url = stack.enter_context(embedded_demo(
                args.demo_calls, args.demo_seed, args.demo_fault_rate, meanwhile=meanwhile))
        except DemoStartError as exc:
            raise CommandError(str(exc), ExitCode.INTERNAL) from None
        return url, demo_credentials()
    host = urlsplit(args.url).hostname or args.url
    try:
        password = resolve_password(args.user, host, use_keyring=args.keyring, interactive=True)
    except NoPassword as exc:
        raise UsageError(str(exc)) from None
    except EOFError:
        raise UsageError(f"no password entered for {args.user} at {host}") from None
    return args.url, Credentials(args.user, password)


def secrets_of(args: argparse.Namespace, credentials: Credentials) -> list[Secret]:
    """The passwords the log must mask: none for ``--demo``, whose password ("demo") is
    public and would otherwise mask every "demo" in the log (paths, messages)."""
    return [] if args.demo else [credentials.password]


def server_settings(args: argparse.Namespace, url: str, credentials: Credentials) -> Settings:
    """The settings of :func:`add_server_options` (any command)."""
    return Settings(
        url=url,
        credentials=credentials,
        timeout=args.timeout,
        tls=TlsOptions(ca_bundle=args.ca_bundle, insecure=args.insecure),
        server_tz=args.server_tz,
        max_body_bytes=max(1, int(args.max_body_mb * MIB)),
    )


def build_settings(args: argparse.Namespace, url: str, credentials: Credentials) -> Settings:
    """The dashboard's settings: the server's and :func:`add_dashboard_options`'."""
    return dataclasses.replace(
        server_settings(args, url, credentials),
        filters=Filters(
            args.device_name, args.directory_number, args.username, args.numeric_user_id
        ),
        interval=args.interval,
        display_tz=args.tz,
        kiosk=args.kiosk,
        kiosk_page_seconds=args.kiosk_page_seconds,
        read_only=args.read_only,
        long_call=args.long_call,
        long_pause=args.long_pause,
        bell=args.bell,
        history_minutes=args.history_minutes,
        export_dir=args.export_dir,
        theme=args.theme,
    )


# -- running a command -------------------------------------------------------------------

# Subcommands by name (``livedash NAME …``): each gets the arguments after its name and
# returns an exit code; errors it raises (CommandError) end it as they end the dashboard.
# Each module is imported only when its command runs.
COMMANDS: dict[str, Callable[[list[str]], int]] = {}


def _action_command(name: str) -> Callable[[list[str]], int]:
    """``livedash pause|resume|stop|start …``: the supervisor actions (``commands.py``)."""

    def run(argv: list[str]) -> int:
        from .commands import main as run_action

        return run_action(name, argv)

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
        url, credentials = resolve_server(
            args, stack, meanwhile=None if args.once else import_dashboard)
        settings = build_settings(args, url, credentials)
        logging_to = setup_logging(args.log_file, secrets_of(args, credentials),
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
