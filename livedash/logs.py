"""The rotating log file, in the user's log directory (platformdirs decides where).

On Linux that is ``$XDG_STATE_HOME/livedash/log/livedash.log`` (by default
``~/.local/state/livedash/log/livedash.log``); ``--log-file`` puts it elsewhere.

Secrets never reach the file: every record, its exception text and its stack are passed
through :class:`RedactSecrets`, which masks each registered password and the
``Authorization`` header value built from it, and makes control characters visible (a
message can quote the server; ``tail -f`` must not run its escape sequences). The app
registers a password entered again with ``L`` through :func:`add_secret`. Tracebacks are
written without local variables.

The file is private, as ssh keeps its files: it names users, and failure details, and
will hold audit lines with phone numbers. Folders livedash creates are 0700, the file and
every rotated file 0600. An existing folder or file at ``--log-file`` is the user's
choice and keeps its mode; the default folder and file are ours and are tightened (a
version before this one created them world-readable).
"""

from __future__ import annotations

import base64
import logging
import logging.handlers
import os
import stat
import threading
from pathlib import Path

import platformdirs

from .credentials import Secret
from .safe_text import safe_text

MASK = "********"
_MARK = "_livedash_handler"  # set on the handlers we install, to find them again

_current_path: Path | None = None


def default_log_path() -> Path:
    return Path(platformdirs.user_log_dir("livedash", appauthor=False)) / "livedash.log"


def current_log_path() -> Path | None:
    """Where :func:`setup_logging` is writing, or None (no log file could be opened)."""
    return _current_path


def _forms(secret: Secret, username: str | None) -> list[str]:
    """The password itself and, with a user name, the Basic credentials built from it."""
    value = secret.reveal()
    if not value:
        return []
    forms = [value]
    if username is not None:
        token = f"{username}:{value}".encode()
        forms.append(base64.b64encode(token).decode("ascii"))
    return forms


class RedactSecrets(logging.Filter):
    """Mask every registered secret in the message, the exception text and the stack."""

    def __init__(self, secrets: list[Secret] | None = None, username: str | None = None):
        super().__init__()
        self._lock = threading.Lock()
        self._values: list[str] = []
        self._formatter = logging.Formatter()
        for secret in secrets or ():
            self.add(secret, username)

    def add(self, secret: Secret, username: str | None = None) -> None:
        with self._lock:
            for form in _forms(secret, username):
                if form not in self._values:
                    self._values.append(form)
            # longest first: a value that contains another is masked whole
            self._values.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        return text

    def clean(self, text: str, lines: bool = False) -> str:
        """Secrets masked, control characters made visible (``lines``: keep newlines)."""
        text = self.redact(text)
        if lines:
            return "\n".join(safe_text(line) for line in text.split("\n"))
        return safe_text(text)

    def filter(self, record: logging.LogRecord) -> bool:
        # A message can quote the server: an escape sequence or a newline in it must not
        # reach a terminal running `tail -f`, nor forge a log line of its own.
        message = record.getMessage()
        clean = self.clean(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            # the text is formatted here, cleaned, and used instead of exc_info
            record.exc_text = self.clean(record.exc_text, lines=True)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info, lines=True)
        return True


_redactor = RedactSecrets()


def add_secret(secret: Secret, username: str | None = None) -> None:
    """Mask ``secret`` (and ``username:secret`` in Basic form) in every later log line."""
    _redactor.add(secret, username)


def redact(text: str) -> str:
    """``text`` with every registered secret masked (for anything shown or printed)."""
    return _redactor.redact(text)


def _ours(handler: logging.Handler) -> bool:
    return getattr(handler, _MARK, False)


def shutdown_logging() -> None:
    """Remove and close the handlers :func:`setup_logging` installed."""
    global _current_path
    for logger in (logging.getLogger("livedash"), logging.getLogger()):
        for handler in list(logger.handlers):
            if _ours(handler):
                logger.removeHandler(handler)
                handler.close()
    logging.getLogger("livedash").propagate = True
    logging.captureWarnings(False)
    _current_path = None


def setup_logging(
    path: Path | None, secrets: list[Secret], level: int = logging.INFO,
    *, username: str | None = None,
) -> Path | None:
    """Log to a rotating file (1 MiB × 3). Returns the path, or None if it can't be opened.

    livedash's own records go to the file from ``level`` up; warnings and errors of the
    libraries (asyncio's "Task exception was never retrieved", httpx, Textual) and of
    ``warnings.warn`` go there too, instead of stderr, which would scribble over the
    dashboard.
    """
    global _current_path
    for secret in secrets:
        add_secret(secret, username)
    ours = path is None
    path = path or default_log_path()
    try:
        _make_private_folders(path.parent, tighten=ours)
        _create_private_file(path, tighten=ours)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1024 * 1024, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None  # a read-only home must not stop the monitor
    handler.rotator = _rotate_privately
    shutdown_logging()
    root = logging.getLogger("livedash")
    root.setLevel(level)
    root.propagate = False
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_redactor)
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    # Other libraries: warnings and errors only, through the same file and filter.
    others = _SharedHandler(handler, logging.WARNING)
    setattr(others, _MARK, True)
    logging.getLogger().addHandler(others)
    logging.captureWarnings(True)
    _current_path = path
    return path


_PRIVATE_FOLDER = 0o700
_PRIVATE_FILE = 0o600


def _tighten(path: Path, mode: int) -> None:
    """Take group and other permissions away from a file or folder of ours."""
    info = path.stat()
    if stat.S_IMODE(info.st_mode) & 0o077 and info.st_uid == os.getuid():
        path.chmod(stat.S_IMODE(info.st_mode) & mode)


def _make_private_folders(folder: Path, *, tighten: bool) -> None:
    """Create ``folder`` and any missing parent 0700 (``mkdir -p`` would use 0777 - umask)."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(mode=_PRIVATE_FOLDER, exist_ok=True)
    if tighten and not missing and os.name == "posix":
        _tighten(folder, _PRIVATE_FOLDER)


def _create_private_file(path: Path, *, tighten: bool = False) -> None:
    """Create ``path`` 0600 if it does not exist, so that the handler opens a private file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, _PRIVATE_FILE)
    os.close(fd)
    if tighten and os.name == "posix":
        _tighten(path, _PRIVATE_FILE)


def _rotate_privately(source: str, dest: str) -> None:
    """The handler's rotation (rename), then the new file created 0600 before it opens it.

    A rename keeps the mode, so rotated files stay 0600 too.
    """
    if os.path.exists(source):
        os.replace(source, dest)
    _create_private_file(Path(source))


class _SharedHandler(logging.Handler):
    """Hands records of other loggers to our file handler (one file, one rotation)."""

    def __init__(self, target: logging.Handler, level: int):
        super().__init__(level)
        self._target = target

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "livedash" or record.name.startswith("livedash."):
            return  # already written by the livedash logger's own handler
        self._target.handle(record)


def log_uncaught(exc: BaseException, what: str = "uncaught error") -> None:
    """Write ``exc`` and its traceback (no locals, secrets masked) to the log file."""
    logging.getLogger("livedash").error(what, exc_info=(type(exc), exc, exc.__traceback__))


def install_excepthooks() -> None:
    """Uncaught exceptions in threads go to the log file, not over the screen."""

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
            log_uncaught(args.exc_value, f"uncaught error in thread {args.thread!r}")

    threading.excepthook = thread_hook  # the main thread's are caught in cli.main
