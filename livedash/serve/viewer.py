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
from collections.abc import Mapping, Sequence

from ..cli import Parser, build_parser
from ..credentials import PASSWORD_ENV, Credentials
from .access import TOKEN_ENV

# Options of serve's dashboard builders that are not passed on as given: the serve
# process handles them itself. Everything else reaches every viewer.
NOT_PASSED_ON = frozenset({
    "url", "user",  # passed explicitly: with --demo they name the serve's demo server
    "keyring",  # the serve process resolves the password once
    "kiosk",  # always on
})


def _option(action: argparse.Action, value: object) -> str:
    """The spelling of ``action`` that gives ``value``: its long form; for a switch that
    is off, its ``--no-`` form if it has one (argparse.BooleanOptionalAction)."""
    longs = [o for o in action.option_strings if o.startswith("--")] or action.option_strings
    if value is False:
        return next((o for o in longs if o.startswith("--no-")), longs[0])
    return next((o for o in longs if not o.startswith("--no-")), longs[0])


def passed_on_options(options: Sequence[argparse.Action],
                      args: argparse.Namespace) -> list[str]:
    """The ``options`` that ``args`` sets otherwise than a viewer's default, as argv items.

    ``options`` are the actions serve's parser got from the dashboard's option builders
    (``cli.add_dashboard_options`` and the others): an option added to them later (a
    theme, a threshold) reaches served viewers without a change here.
    """
    viewer = _viewer_parser()
    argv: list[str] = []
    for action in options:
        if action.dest in NOT_PASSED_ON:
            continue
        value = getattr(args, action.dest)
        if value is None or value == viewer.default(action.dest):
            continue
        if action.nargs == 0:  # a switch (store_true and the like): its flag alone
            argv.append(_option(action, value))
        elif isinstance(value, list):
            for item in value:
                argv += [_option(action, item), str(item)]
        else:
            argv += [_option(action, value), str(value)]  # a ZoneInfo prints as its key
    return argv


def _viewer_parser() -> Parser:
    """The command line a viewer parses: the dashboard's (``livedash --kiosk …``)."""
    return build_parser()


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


def check_round_trip(options: Sequence[argparse.Action], args: argparse.Namespace,
                     argv: list[str]) -> None:
    """Every viewer must run with exactly the options given: parse ``argv`` back as a
    viewer does and compare each of ``options``. (Any server will do here: a viewer's
    ``--url`` and ``--user`` are not among ``argv``, see :func:`viewer_argv`.)"""
    parsed = _viewer_parser().parse_args(["--url", "http://127.0.0.1/", "--user", "viewer",
                                          "--kiosk", *argv])
    for action in options:
        if action.dest in NOT_PASSED_ON:
            continue
        if getattr(parsed, action.dest) != getattr(args, action.dest):
            raise ValueError(f"{_option(action, True)} would not reach the viewers unchanged")
