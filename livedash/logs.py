"""The rotating log file, in the user's log directory (platformdirs decides where)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs

from .credentials import Secret


def default_log_path() -> Path:
    return Path(platformdirs.user_log_dir("livedash", appauthor=False)) / "livedash.log"


class RedactSecrets(logging.Filter):
    """Belt and braces: mask the password should it ever be formatted into a record."""

    def __init__(self, secrets: list[Secret]):
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        text = message + (logging.Formatter().formatException(record.exc_info)
                          if record.exc_info else "")
        for secret in self._secrets:
            value = secret.reveal()
            if value and value in text:
                record.msg = message.replace(value, "********")
                record.args = None
                record.exc_info = None
                record.exc_text = None
        return True


def setup_logging(
    path: Path | None, secrets: list[Secret], level: int = logging.INFO
) -> Path | None:
    """Log to a rotating file (1 MiB × 3). Returns the path, or None if it can't be opened."""
    root = logging.getLogger("livedash")
    root.setLevel(level)
    root.propagate = False
    path = path or default_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1024 * 1024, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None  # a read-only home must not stop the monitor
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    return path
