"""What each viewer process is started with: an argv list and an environment.

The dashboard options given to ``livedash serve`` are passed on to every viewer as they
were parsed, each value a separate argv item (never a shell string: a value such as
``x;rm -rf ~`` or ``$(id)`` stays literal text). ``--kiosk`` is always added: what is
served is read-only. The password travels in the viewer's environment
(``LIVEDASH_PASSWORD``), never on its command line, where ``ps`` would show it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping

from ..credentials import PASSWORD_ENV, Credentials
from .access import TOKEN_ENV

# Dashboard options that the serve process handles itself, or that make no sense for a
# served viewer; everything else given to ``livedash serve`` reaches every viewer.
NOT_PASSED_ON = frozenset({
    "help", "version",
    "url", "user",  # passed explicitly: with --demo they name the serve's demo server
    "keyring",  # the serve process resolves the password once
    "kiosk",  # always on
    "once", "format",  # refused by serve
    "demo", "demo_calls", "demo_seed", "demo_fault_rate",  # one demo server, in serve
})


def _long_option(action: argparse.Action) -> str:
    return next((o for o in action.option_strings if o.startswith("--")),
                action.option_strings[0])


def passed_on_options(dashboard: argparse.ArgumentParser,
                      args: argparse.Namespace) -> list[str]:
    """The dashboard options of ``args`` that differ from their defaults, as argv items.

    Generic over the dashboard's parser, so an option added to it later (a theme, a
    threshold) reaches served viewers without a change here.
    """
    argv: list[str] = []
    for action in dashboard._actions:  # argparse has no public list of its actions
        if not action.option_strings or action.dest in NOT_PASSED_ON:
            continue
        value = getattr(args, action.dest, action.default)
        if value == action.default or value is None:
            continue
        option = _long_option(action)
        if isinstance(action, argparse._StoreTrueAction):
            argv.append(option)
        elif isinstance(action, argparse._StoreFalseAction):
            argv.append(option)
        elif isinstance(value, list):
            for item in value:
                argv += [option, str(item)]
        else:
            argv += [option, str(value)]  # a ZoneInfo prints as its key, a float as itself
    return argv


def viewer_argv(url: str, username: str, options: list[str]) -> list[str]:
    """The command of one viewer: this Python, this livedash, the kiosk, no password.

    Through ``viewer_entry``: a viewer ends with the serve process that started it.
    """
    return [sys.executable, "-m", "livedash.serve.viewer_entry", "--url", url,
            "--user", username, "--kiosk", *options]


def viewer_environment(credentials: Credentials,
                       base: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment, with the password and without the access token."""
    environment = dict(os.environ if base is None else base)
    environment.pop(TOKEN_ENV, None)  # a viewer has no use for the wallboard's token
    environment[PASSWORD_ENV] = credentials.password.reveal()
    return environment


def check_round_trip(dashboard: argparse.ArgumentParser, args: argparse.Namespace,
                     options: list[str]) -> None:
    """Every viewer must run with exactly the options given: parse them back and compare."""
    parsed = dashboard.parse_args(["--kiosk", *options])
    for action in dashboard._actions:
        if not action.option_strings or action.dest in NOT_PASSED_ON:
            continue
        if getattr(parsed, action.dest) != getattr(args, action.dest):
            raise ValueError(f"{_long_option(action)} would not reach the viewers unchanged")
