"""``livedash pause|resume|stop|start``: supervisor actions from the command line.

::

    livedash pause ID [ID ...]
    livedash resume ID [ID ...]
    livedash stop ID [ID ...] [--yes]
    livedash start (--device-name NAME | --directory-number DN) [--mode forking|dial-in]

The server, demo and log options are the dashboard's own (``cli``'s builders), so every
command spells and checks them alike, and finds its server the same way
(``cli.resolve_server``). Each id gets at most one line on stderr
(``livedash: warning: …`` or ``livedash: error: …``); success is silent, but ``start``
prints the new recording's id on stdout. The exit code is the worst of all ids (README,
"Exit codes of the commands"). What ends a command before any request (``--read-only``,
``stop`` not confirmed, no password) is a :class:`CommandError`: one line, exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from contextlib import ExitStack

from .actions import Action, ActionResult, Outcome, StartMode, Target
from .cli import (
    Parser,
    add_demo_options,
    add_log_option,
    add_read_only_option,
    add_server_options,
    resolve_server,
    secrets_of,
    server_settings,
)
from .errors import AuthError, FetchError, ForbiddenError
from .exits import CommandError, ExitCode, exit_code_for, print_error, print_warning
from .logs import install_excepthooks, setup_logging
from .model import Filters, LiveRecording
from .poller import fetch_recordings
from .safe_text import safe_text
from .settings import Settings
from .timefmt import format_duration

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
def _recording_id(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("a recording id cannot be empty")
    return text


def build_parser(command: str) -> Parser:
    parser = Parser(
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
    parser.set_defaults(command=command)
    if command == "start":
        line = parser.add_mutually_exclusive_group(required=True)
        line.add_argument("--device-name", metavar="NAME", help="the phone's device name")
        line.add_argument("--directory-number", metavar="DN", help="the line's number")
        parser.add_argument("--mode", choices=("forking", "dial-in"), default="forking",
                            help="media forking (default) or dial-in recording")
    else:
        parser.add_argument("ids", nargs="+", metavar="ID", type=_recording_id,
                            help="recording id, as the dashboard and --once show it")
    if command == "stop":
        parser.add_argument("--yes", action="store_true",
                            help="do not ask first (needed when not run on a terminal)")
    add_read_only_option(parser)
    add_log_option(parser)
    add_server_options(parser)
    add_demo_options(parser, faults=False)  # the actions' faults are never random
    return parser


def main(command: str, argv: list[str]) -> int:
    """``livedash COMMAND …``: parse, then :func:`run`."""
    return run(build_parser(command).parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Everything after parsing: checks, password, confirmation, the requests, the lines."""
    command = Action(args.command)
    if args.read_only:
        raise CommandError(f"{command.value}: actions are turned off by --read-only; "
                           "nothing was sent")
    ids: list[str] = list(dict.fromkeys(getattr(args, "ids", ())))  # once each, in order
    on_terminal = sys.stdin is not None and sys.stdin.isatty()
    if command is Action.STOP and not args.yes and not on_terminal:
        raise CommandError("stop asks before it acts: run it on a terminal, or add --yes; "
                           "nothing was sent")
    with ExitStack() as stack:
        url, credentials = resolve_server(args, stack)
        settings = server_settings(args, url, credentials)
        if setup_logging(args.log_file, secrets_of(args, credentials),
                         username=credentials.username) is None:
            print_warning("the log file cannot be opened: this action is not audited "
                          "(see --log-file)")
        install_excepthooks()
        for warning in settings.transport_warnings():
            print_warning(warning)
        targets = [Target(rec_id) for rec_id in ids]
        if command is Action.STOP and not args.yes:
            shown = asyncio.run(_live_recordings(settings))
            targets = _confirm_stop(targets, shown)  # off the event loop
        return asyncio.run(_act(command, args, targets, settings))


async def _act(command: Action, args: argparse.Namespace, targets: list[Target],
               settings: Settings) -> int:
    async with settings.make_action_client() as client:
        if command is Action.START:
            results = [await client.start(
                device_name=args.device_name or "", directory_number=args.directory_number or "",
                mode=StartMode.from_label(args.mode))]
        else:
            results = await client.act(command, targets)
    for result in results:
        _report(result)
    return worst([exit_code(result) for result in results])


def _report(result: ActionResult) -> None:
    """One id's line: its new id on stdout (``start``), a warning or an error on stderr."""
    if result.outcome is Outcome.DONE:
        if result.recording_id is not None:
            sys.stdout.write(f"{safe_text(result.recording_id)}\n")
    elif result.ok:
        print_warning(result.describe())
    else:
        print_error(result.describe(), exit_code(result))


# ---------------------------------------------------------------------- stop's question
def _confirm_stop(targets: list[Target], shown: dict[str, LiveRecording]) -> list[Target]:
    """Name the recordings and ask y/N: the targets as shown; a CommandError if not."""
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
    sys.stderr.write(f"Stop {count} recording{'s' if count > 1 else ''}?\n" + "\n".join(lines)
                     + "\nA stopped recording cannot be resumed. Stop? [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()  # Ctrl-C here: exit 130, nothing sent
    if answer.strip().lower() not in ("y", "yes"):
        raise CommandError("nothing was stopped")
    return described


async def _live_recordings(settings: Settings) -> dict[str, LiveRecording]:
    """The live recordings by id, to name them in stop's question; a CommandError after a
    401/403 (the stop would fail the same way, trying the password once more)."""
    client = settings.make_client(asyncio.get_running_loop().time)
    try:
        result = await fetch_recordings(client, settings.make_decoder(), Filters())
    except (AuthError, ForbiddenError) as exc:
        raise CommandError(f"{exc}; nothing was sent", exit_code_for(exc)) from None
    except FetchError as exc:
        print_warning(f"cannot name the recordings ({exc})")
        return {}
    finally:
        await client.aclose()
    return {rec.id: rec for rec in result.records}
