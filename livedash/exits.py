"""How a livedash command ends: its exit code and the one line it prints on stderr.

No Textual here. Every command (the dashboard, ``--once``, any subcommand) ends through
these: zero or more ``livedash: warning: …`` lines, then at most one
``livedash: error: …`` line, and an :class:`ExitCode` (the README's table). The text
passes through :func:`~livedash.logs.redact` and :func:`~livedash.safe_text.safe_text`:
an error can quote the server, and must neither show a password nor drive the terminal.
"""

from __future__ import annotations

import os
import sys
from enum import IntEnum
from typing import TextIO

from .errors import (
    AuthError,
    BodyError,
    FetchError,
    ForbiddenError,
    HttpStatusError,
    NetworkError,
)
from .logs import redact
from .safe_text import safe_text


class ExitCode(IntEnum):
    """Documented in the README (Operations, and the commands' exit codes): keep them in step."""

    OK = 0
    INTERNAL = 1  # a bug of ours: see the log
    USAGE = 2  # bad command line (argparse's own code), or no password available
    NETWORK = 3  # no answer: refused, unreachable, TLS, timeout, dropped
    AUTH = 4  # 401: wrong or missing credentials
    FORBIDDEN = 5  # 403: the user lacks level 10
    SERVER = 6  # any other HTTP status (404, 5xx, …)
    PROTOCOL = 7  # an answer that is not the documented JSON array
    NOTHING_TO_ACT_ON = 8  # actions: 409, no such live recording (start: no connected call)
    ALREADY_RECORDED = 9  # start: the line's call is already recorded (429)
    OUTPUT = 10  # --once could not write its output (a full disk behind "> file")
    INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT


def exit_code_for(error: FetchError) -> ExitCode:
    for kind, code in (
        (AuthError, ExitCode.AUTH),
        (ForbiddenError, ExitCode.FORBIDDEN),
        (HttpStatusError, ExitCode.SERVER),
        (NetworkError, ExitCode.NETWORK),
        (BodyError, ExitCode.PROTOCOL),
    ):
        if isinstance(error, kind):
            return code
    return ExitCode.INTERNAL


class CommandError(Exception):
    """Ends a command with ``livedash: error: <message>`` and ``code``.

    Raised anywhere below ``cli.main``; printed there, once. The message says what was
    wrong and, where there is one, what to do instead.
    """

    def __init__(self, message: str, code: ExitCode = ExitCode.USAGE):
        super().__init__(message)
        self.message = message
        self.code = code


class UsageError(CommandError):
    """A bad command line: exit 2, one line naming the option."""

    def __init__(self, message: str):
        super().__init__(message, ExitCode.USAGE)


def _line(kind: str, message: str) -> str:
    return f"livedash: {kind}: {safe_text(redact(message))}\n"


def print_warning(message: str, err: TextIO | None = None) -> None:
    (err or sys.stderr).write(_line("warning", message))


def print_error(message: str, code: ExitCode, err: TextIO | None = None) -> ExitCode:
    """Print the command's one error line; returns ``code`` (``return print_error(…)``)."""
    (err or sys.stderr).write(_line("error", message))
    return code


def discard_unwritten(stream: TextIO) -> None:
    """Point ``stream``'s file at /dev/null, after writing to it failed.

    Python flushes stdout once more at exit: what is still buffered would fail again and
    print "Exception ignored …" (with exit status 120), or raise BrokenPipeError again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file (a test's StringIO)
        pass
