"""Command line → Settings → the dashboard, ``--once``, or the embedded demo."""

from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import __version__
from .client import TlsOptions
from .credentials import PASSWORD_ENV, Credentials, NoPassword, resolve_password
from .embedded_demo import DemoStartError, demo_credentials, embedded_demo
from .logs import current_log_path, install_excepthooks, log_uncaught, redact, setup_logging
from .model import Filters
from .once import WRITERS, ExitCode
from .safe_text import safe_text
from .settings import Settings, check_url


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0.05 <= value <= 3600:
        raise argparse.ArgumentTypeError("must be between 0.05 and 3600 seconds")
    return value


def _zone(text: str):
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(f"unknown time zone {text!r}") from None


# What people type when they look for a password option (there is none, on purpose).
_PASSWORD_OPTIONS = ("--password", "--passwor", "--passwo", "--passw", "--pass", "--passwd",
                     "--pw", "--secret")


class _Parser(argparse.ArgumentParser):
    """argparse, except that a mistyped command line is never echoed whole.

    argparse's "unrecognized arguments: …" repeats every token it did not know, values
    included: ``livedash --password hunter2`` would print the password back (into a
    terminal, a CI log, a screen recording). Only option names are named here.
    """

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        argv = list(sys.argv[1:] if args is None else args)
        for token in argv:
            if token == "--":
                break
            name = token.split("=", 1)[0]
            if name in _PASSWORD_OPTIONS:
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
            self.error(f"unrecognized arguments: {what} (values are not repeated here)")
        return namespace


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="livedash",
        description="Watch a call-recording server's live recordings.",
        epilog="The password is read from LIVEDASH_PASSWORD, the keyring (--keyring) "
        "or a prompt; never from the command line.",
    )
    p.add_argument("--version", action="version", version=f"livedash {__version__}")
    server = p.add_argument_group("server")
    server.add_argument("--url", help="server root, e.g. https://ias.example.com/")
    server.add_argument("--user", help="user with Call Recording Complete Management (level 10)")
    server.add_argument("--keyring", action="store_true",
                        help="look the password up in the system keyring (livedash[keyring])")
    server.add_argument("--interval", type=_seconds, default=2.0,
                        help="seconds between polls (default 2)")
    server.add_argument("--timeout", type=_seconds, default=10.0,
                        help="seconds to wait for an answer (default 10)")
    server.add_argument("--ca-bundle", metavar="PATH", help="CA certificates to trust (PEM)")
    server.add_argument("--insecure", action="store_true",
                        help="do not verify the server's TLS certificate")
    server.add_argument("--server-tz", type=_zone, metavar="ZONE",
                        help="zone of start times sent without one (default: this machine's)")
    server.add_argument("--tz", type=_zone, metavar="ZONE",
                        help="zone to show times in (default: this machine's)")
    server.add_argument("--max-body-mb", type=float, default=32.0,
                        help="refuse answers larger than this (default 32 MiB)")
    filters = p.add_argument_group("filters (all given must match)")
    filters.add_argument("--device-name", default="", metavar="NAME")
    filters.add_argument("--directory-number", default="", metavar="DN")
    filters.add_argument("--username", default="", metavar="USER")
    filters.add_argument("--numeric-user-id", default="", metavar="ID")
    mode = p.add_argument_group("mode")
    mode.add_argument("--kiosk", action="store_true",
                      help="read-only wall display: big totals, pages through rows")
    mode.add_argument("--kiosk-page-seconds", type=_seconds, default=10.0)
    mode.add_argument("--once", action="store_true",
                      help="poll once, print, exit (see exit codes in the README)")
    mode.add_argument("--format", choices=sorted(WRITERS), default="table",
                      help="output of --once (default table)")
    mode.add_argument("--log-file", metavar="PATH", help="log here instead of the user log dir")
    demo = p.add_argument_group("demo")
    demo.add_argument("--demo", action="store_true",
                      help="start the embedded demo server and watch it")
    demo.add_argument("--demo-calls", type=int, default=40, metavar="N")
    demo.add_argument("--demo-seed", type=int, default=None, metavar="SEED")
    demo.add_argument("--demo-fault-rate", type=float, default=0.0, metavar="P",
                      help="probability of a random transient fault per request")
    return p


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
        max_body_bytes=int(args.max_body_mb * 1024 * 1024),
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "serve":  # the wallboard: livedash/serve/
        from .serve.command import main as serve_main

        return serve_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _main(parser, args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of ours: one line here, the traceback in the log
        log_uncaught(exc, "livedash stopped after an internal error")
        where = current_log_path()
        detail = safe_text(redact(str(exc)))[:200]
        print(f"livedash: internal error ({type(exc).__name__}: {detail})"
              + (f"; details in {where}" if where else ""), file=sys.stderr)
        return ExitCode.INTERNAL


def import_dashboard() -> type:
    """The dashboard's App class; Textual is imported only when the dashboard runs."""
    from .app import LiveDashApp

    return LiveDashApp


def _main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        if args.demo:
            try:
                url = stack.enter_context(embedded_demo(
                    args.demo_calls, args.demo_seed, args.demo_fault_rate,
                    meanwhile=None if args.once else import_dashboard,
                ))
            except DemoStartError as exc:
                print(f"livedash: {exc}", file=sys.stderr)
                return ExitCode.INTERNAL
            credentials = demo_credentials()
        else:
            if not args.url or not args.user:
                parser.error("--url and --user are required (or use --demo)")
            problem = check_url(args.url)
            if problem:
                parser.error(problem)
            url = args.url
            try:
                password = resolve_password(
                    args.user, urlsplit(url).hostname or url,
                    use_keyring=args.keyring, interactive=True,
                )
            except NoPassword as exc:
                print(f"livedash: {exc}", file=sys.stderr)
                return ExitCode.USAGE
            except (KeyboardInterrupt, EOFError):
                return ExitCode.USAGE
            credentials = Credentials(args.user, password)
        settings = build_settings(args, url, credentials)
        setup_logging(Path(args.log_file) if args.log_file else None, [credentials.password],
                      username=credentials.username)
        install_excepthooks()
        if args.once:
            from .once import run_once

            return asyncio.run(run_once(settings, args.format))
        app = import_dashboard()(settings)
        app.run()
        return app.return_code or 0
