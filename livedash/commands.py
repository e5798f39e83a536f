"""``livedash pause|resume|stop|start``: supervisor actions from the command line.

::

    livedash pause ID [ID ...]
    livedash resume ID [ID ...]
    livedash stop ID [ID ...] [--yes]
    livedash start (--device-name NAME | --directory-number DN) [--mode forking|dial-in]

The server options are the dashboard's own (``cli.build_parser``), so both spell and
check them alike. Each id gets at most one line on stderr (``livedash: warning: …`` or
``livedash: error: …``); success is silent, but ``start`` prints the new recording's id
on stdout. The exit code is the worst of all ids (README, "Exit codes of the commands").
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from .actions import Action, ActionResult, Outcome, StartMode, Target
from .cli import build_parser as build_dashboard_parser
from .client import TlsOptions
from .credentials import Credentials, NoPassword, resolve_password
from .embedded_demo import DemoStartError, demo_credentials, embedded_demo
from .errors import AuthError, FetchError, ForbiddenError
from .exits import ExitCode, exit_code_for
from .logs import install_excepthooks, setup_logging
from .model import Filters, LiveRecording
from .poller import fetch_recordings
from .safe_text import safe_text
from .settings import Settings, check_url
from .timefmt import format_duration

COMMANDS = ("pause", "resume", "stop", "start")
# The dashboard's options that the commands take too, defined once in cli.build_parser.
SHARED_OPTIONS = ("--url", "--user", "--keyring", "--timeout", "--ca-bundle", "--insecure",
                  "--log-file", "--read-only", "--demo", "--demo-calls", "--demo-seed")

_EXIT = {
    Outcome.DONE: ExitCode.OK,
    Outcome.ALREADY: ExitCode.OK,
    Outcome.NOTHING: ExitCode.NOTHING_TO_ACT_ON,
    Outcome.ALREADY_RECORDED: ExitCode.ALREADY_RECORDED,
    Outcome.REFUSED: ExitCode.SERVER,
    Outcome.UNAVAILABLE: ExitCode.SERVER,
    Outcome.HTTP: ExitCode.SERVER,
    Outcome.BAD_ANSWER: ExitCode.PROTOCOL,
    Outcome.AUTH: ExitCode.AUTH,
    Outcome.FORBIDDEN: ExitCode.FORBIDDEN,
    Outcome.NETWORK: ExitCode.NETWORK,
}
# "The worst of all ids": credentials first (every other id failed for the same reason),
# then no answer (the server may or may not have acted), then refusals, then nothing to do.
WORST_FIRST = (ExitCode.AUTH, ExitCode.FORBIDDEN, ExitCode.NETWORK, ExitCode.PROTOCOL,
               ExitCode.SERVER, ExitCode.ALREADY_RECORDED, ExitCode.NOTHING_TO_ACT_ON,
               ExitCode.OK)


def exit_code(result: ActionResult) -> ExitCode:
    if result.outcome is Outcome.NOT_SENT and result.error is not None:
        return exit_code_for(result.error)  # not sent after a 401/403: that code
    return _EXIT.get(result.outcome, ExitCode.SERVER)


def worst(codes: Sequence[ExitCode]) -> ExitCode:
    return min(codes, key=WORST_FIRST.index, default=ExitCode.OK)


# ---------------------------------------------------------------------- the command line
def _shared_options(dashboard: argparse.ArgumentParser,
                    group: argparse._ArgumentGroup) -> None:
    """Put the dashboard parser's own definitions of ``SHARED_OPTIONS`` into ``group``.

    argparse has no public way to take some options of another parser; its own
    ``parents=`` copies every one the same way (``_actions``, ``_add_action``).
    """
    by_name = {name: action for action in dashboard._actions for name in action.option_strings}
    for name in SHARED_OPTIONS:
        group._add_action(by_name[name])


def build_parser(command: str) -> argparse.ArgumentParser:
    dashboard = build_dashboard_parser()
    # The dashboard's parser class: it refuses password options and never echoes values.
    parser = type(dashboard)(
        prog=f"livedash {command}",
        description={
            "pause": "Pause live recordings (a card number is being read out).",
            "resume": "Resume paused live recordings.",
            "stop": "Stop live recordings. Asks first on a terminal; --yes elsewhere.",
            "start": "Start recording the call on a device or a line.",
        }[command],
        epilog="Exit codes: 0 done (or already so), 2 usage or nothing sent, 3 no answer, "
        "4 401, 5 403, 6 another status, 8 nothing to act on, 9 already recorded; the "
        "worst of all ids. The password is read from LIVEDASH_PASSWORD, the keyring "
        "(--keyring) or a prompt.",
    )
    _shared_options(dashboard, parser.add_argument_group("server (as for the dashboard)"))
    parser.set_defaults(command=command)
    if command == "start":
        line = parser.add_mutually_exclusive_group(required=True)
        line.add_argument("--device-name", metavar="NAME", help="the phone's device name")
        line.add_argument("--directory-number", metavar="DN", help="the line's number")
        parser.add_argument("--mode", choices=("forking", "dial-in"), default="forking",
                            help="media forking (default) or dial-in recording")
    else:
        parser.add_argument("ids", nargs="+", metavar="ID",
                            help="recording id, as the dashboard and --once show it")
    if command == "stop":
        parser.add_argument("--yes", action="store_true",
                            help="do not ask first (needed when not run on a terminal)")
    return parser


def _error(message: str, err: TextIO) -> None:
    err.write(f"livedash: error: {message}\n")


def run_command(parser: argparse.ArgumentParser, args: argparse.Namespace, *,
                stdin: TextIO | None = None, out: TextIO | None = None,
                err: TextIO | None = None) -> int:
    """Everything after parsing: checks, password, confirmation, the requests, the lines."""
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    command = Action(args.command)
    if args.read_only:
        _error(f"{command.value}: actions are turned off by --read-only; nothing was sent", err)
        return ExitCode.USAGE
    ids: list[str] = list(dict.fromkeys(getattr(args, "ids", ())))  # once each, in order
    if any(not rec_id.strip() for rec_id in ids):
        parser.error("a recording id cannot be empty")
    on_terminal = stdin is not None and stdin.isatty()
    if command is Action.STOP and not args.yes and not on_terminal:
        _error("stop asks before it acts: run it on a terminal, or add --yes; "
               "nothing was sent", err)
        return ExitCode.USAGE
    with ExitStack() as stack:
        connected = _connect(parser, args, stack, err)
        if isinstance(connected, int):
            return connected
        settings = connected
        log = setup_logging(Path(args.log_file) if args.log_file else None,
                            [settings.credentials.password],
                            username=settings.credentials.username)
        if log is None:
            err.write("livedash: warning: the log file cannot be opened: this action is not "
                      "audited (see --log-file)\n")
        install_excepthooks()
        for warning in settings.transport_warnings():
            err.write(f"livedash: warning: {warning}\n")
        targets = [Target(rec_id) for rec_id in ids]
        if command is Action.STOP and not args.yes:
            shown = asyncio.run(_live_recordings(settings, err))
            if isinstance(shown, int):
                return shown
            confirmed = _confirm_stop(targets, shown, stdin, err)  # off the event loop
            if confirmed is None:
                return ExitCode.USAGE
            targets = confirmed
        return asyncio.run(_act(command, args, targets, settings, out, err))


def _connect(parser: argparse.ArgumentParser, args: argparse.Namespace, stack: ExitStack,
             err: TextIO) -> Settings | int:
    """The server and credentials, as the dashboard finds them; an exit code if none."""
    if args.demo:
        try:
            url = stack.enter_context(embedded_demo(args.demo_calls, args.demo_seed))
        except DemoStartError as exc:
            err.write(f"livedash: {exc}\n")
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
            password = resolve_password(args.user, urlsplit(url).hostname or url,
                                        use_keyring=args.keyring, interactive=True)
        except NoPassword as exc:
            err.write(f"livedash: {exc}\n")
            return ExitCode.USAGE
        except (KeyboardInterrupt, EOFError):
            return ExitCode.USAGE
        credentials = Credentials(args.user, password)
    return Settings(url=url, credentials=credentials, timeout=args.timeout,
                    tls=TlsOptions(ca_bundle=args.ca_bundle, insecure=args.insecure),
                    read_only=args.read_only)


async def _act(command: Action, args: argparse.Namespace, targets: list[Target],
               settings: Settings, out: TextIO, err: TextIO) -> int:
    async with settings.make_action_client() as client:
        if command is Action.START:
            results = [await client.start(
                device_name=args.device_name or "", directory_number=args.directory_number or "",
                mode=StartMode.from_label(args.mode))]
        else:
            results = await client.act(command, targets)
    for result in results:
        _report(result, out, err)
    return worst([exit_code(result) for result in results])


def _report(result: ActionResult, out: TextIO, err: TextIO) -> None:
    if result.outcome is Outcome.DONE:
        if result.recording_id is not None:
            out.write(f"{safe_text(result.recording_id)}\n")
        return
    level = "warning" if result.ok else "error"
    err.write(f"livedash: {level}: {result.describe()}\n")


# ---------------------------------------------------------------------- stop's question
def _confirm_stop(targets: list[Target], shown: dict[str, LiveRecording], stdin: TextIO,
                  err: TextIO) -> list[Target] | None:
    """Name the recordings and ask y/N: the targets as shown, or None (not confirmed)."""
    lines = []
    described = []
    for target in targets:
        rec = shown.get(target.id)
        if rec is None:
            lines.append(f"  {safe_text(target.id)}  (not among the live recordings now)")
            described.append(target)
            continue
        remote = " ".join(part for part in (rec.remote_name, rec.phone_number) if part)
        lines.append(f"  {safe_text(target.id)}  {safe_text(rec.username)} ↔ "
                     f"{safe_text(remote) or 'unknown'}  {format_duration(rec.duration)}"
                     f"{'  paused' if rec.is_paused else ''}")
        described.append(Target(target.id, rec.username, rec.phone_number))
    count = len(targets)
    err.write(f"Stop {count} recording{'s' if count > 1 else ''}?\n" + "\n".join(lines)
              + "\nA stopped recording cannot be resumed. Stop? [y/N] ")
    err.flush()
    answer = stdin.readline()  # Ctrl-C here: exit 130, nothing sent
    if answer.strip().lower() not in ("y", "yes"):
        err.write("livedash: nothing was stopped\n")
        return None
    return described


async def _live_recordings(settings: Settings, err: TextIO) -> dict[str, LiveRecording] | int:
    """The live recordings by id, to name them in stop's question; an exit code after a
    401/403 (the stop would fail the same way, trying the password once more)."""
    client = settings.make_client(asyncio.get_running_loop().time)
    try:
        result = await fetch_recordings(client, settings.make_decoder(), Filters())
    except (AuthError, ForbiddenError) as exc:
        _error(f"{safe_text(str(exc))}; nothing was sent", err)
        return exit_code_for(exc)
    except FetchError as exc:
        err.write(f"livedash: warning: cannot name the recordings ({safe_text(str(exc))})\n")
        return {}
    finally:
        await client.aclose()
    return {rec.id: rec for rec in result.records}
