"""The server filters' values used before, kept across runs, and the values each field
suggests. Pure (no Textual); the filter bar shows them (``widgets/filter_suggestions.py``).

Where: ``filter-history.json`` in the user's state directory (platformdirs; on Linux
``~/.local/state/livedash/``). What: per filter, at most :data:`MAX_VALUES` values, the
most recent first. A value counts as used when the user leaves the filter bar with it in
effect (Enter, or focus elsewhere) and when it came from the command line.

The file names users and lines, so it is private like the log: the folder is made 0700,
the file written 0600, atomically (a temporary file in the same folder, then renamed):
a crash never leaves half a file. A missing, unreadable or corrupt file is an empty
history (and a warning in the log), never an error: suggestions are a convenience.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import platformdirs

from .model import FILTER_NAMES, Filters, LiveRecording
from .safe_text import safe_text
from .search import Query, cell_spans, fold

__all__ = [
    "HISTORY_FILE",
    "MAX_VALUES",
    "FilterHistory",
    "Suggestion",
    "default_state_dir",
    "history_path",
    "live_usernames",
    "rank",
    "ranked",
    "suggestions",
]

log = logging.getLogger(__name__)

HISTORY_FILE = "filter-history.json"
MAX_VALUES = 50  # per filter
MAX_VALUE_CHARS = 200  # a longer "value" is a paste gone wrong, not a name to suggest
_FORMAT = 1


def default_state_dir() -> Path:
    return Path(platformdirs.user_state_dir("livedash", appauthor=False))


def _suggestible(value: object) -> bool:
    """A value worth offering: text, not blank, not huge, and drawn as it is (a value
    ``safe_text`` would change could not be shown and inserted faithfully)."""
    return (isinstance(value, str) and bool(value.strip()) and value == value.strip()
            and len(value) <= MAX_VALUE_CHARS and safe_text(value) == value)


class FilterHistory:
    """Values used per filter, most recent first; ``path`` None keeps them in memory only.

    Thread-safe: the app saves from a worker thread while the UI reads.
    """

    def __init__(self, path: Path | None):
        self.path = path
        self._values: dict[str, list[str]] = {name: [] for name in FILTER_NAMES}
        self._lock = threading.Lock()
        self._dirty = False

    @classmethod
    def load(cls, path: Path | None) -> FilterHistory:
        """The history in ``path``; empty when it is missing, unreadable or corrupt."""
        history = cls(path)
        if path is None:
            return history
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return history
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            log.warning("filter history %s not read (%s): starting with none", path, exc)
            return history
        stored = data.get("filters") if isinstance(data, dict) else None
        if not isinstance(stored, dict):
            log.warning("filter history %s not read (not livedash's format): starting with "
                        "none", path)
            return history
        for name in FILTER_NAMES:
            values = stored.get(name)
            if isinstance(values, list):
                kept = [value for value in values if _suggestible(value)]
                history._values[name] = list(dict.fromkeys(kept))[:MAX_VALUES]
        return history

    def values(self, name: str) -> list[str]:
        """The values used in filter ``name``, the most recent first."""
        with self._lock:
            return list(self._values[name])

    def remember(self, filters: Filters) -> bool:
        """Put the values of ``filters`` first in their fields. True if anything changed."""
        changed = False
        with self._lock:
            for name, value in filters.as_query().items():
                if not _suggestible(value):
                    continue
                values = self._values[name]
                if values[:1] == [value]:
                    continue
                if value in values:
                    values.remove(value)
                values.insert(0, value)
                del values[MAX_VALUES:]
                changed = True
            self._dirty = self._dirty or changed
        return changed

    @property
    def dirty(self) -> bool:
        """Remembered since the last save."""
        return self._dirty

    def save(self) -> None:
        """Write the file (atomically, 0600 in a 0700 folder); a failure is logged, once
        per attempt, and the values stay in memory."""
        if self.path is None:
            return
        with self._lock:
            data = {"format": _FORMAT, "filters": {name: list(values)
                                                   for name, values in self._values.items()}}
            self._dirty = False
            try:
                _write_private(self.path, json.dumps(data, ensure_ascii=False, indent=1))
            except OSError as exc:
                self._dirty = True
                log.warning("filter history not saved to %s: %s", self.path, exc)


def _write_private(path: Path, text: str) -> None:
    folder = path.parent
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is cut by the umask
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:  # mkstemp: already 0600
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def live_usernames(records: Iterable[LiveRecording]) -> list[str]:
    """The users on a recorded call now, each once, in alphabetical order (case and
    accents folded)."""
    names = {rec.username for rec in records}
    return sorted((name for name in names if _suggestible(name)), key=fold)


class Suggestion(NamedTuple):
    value: str
    live: bool  # from the live data (someone on a call now), not only from the history


def suggestions(used: Iterable[str], live: Iterable[str] = ()) -> list[Suggestion]:
    """What a field offers: the values used before (most recent first), then the live
    ones not among them. A used value that is live now is marked live."""
    live_set = dict.fromkeys(live)
    used_list = list(dict.fromkeys(used))
    return ([Suggestion(value, value in live_set) for value in used_list]
            + [Suggestion(value, True) for value in live_set if value not in used_list])


def rank(typed: str, value: str) -> tuple[float, tuple[int, ...]]:
    """How well ``value`` suits what is ``typed`` (case and accents ignored): 2 when it
    starts with it, 1 when it holds it, 0 not at all; and the offsets that match."""
    wanted = fold(typed.strip())
    if not wanted:
        return 1.0, ()
    spans = cell_spans(value, Query(typed, (wanted,), ""))
    if not spans:
        return 0.0, ()
    start, end = spans[0]
    return (2.0 if start == 0 else 1.0), tuple(range(start, end))


def ranked(typed: str, items: Sequence[Suggestion], limit: int
           ) -> list[tuple[Suggestion, tuple[int, ...]]]:
    """What a field offers for what is ``typed``: the items holding it (case and accents
    ignored), those starting with it first, each group in the order given; not the typed
    value itself (it is in the field already); at most ``limit``, with the offsets that
    match. Nothing typed: the first ``limit`` items.

    One ``find`` on a folded string per item: a 10,000-user floor per keystroke.
    """
    wanted = fold(typed.strip())
    if not wanted:
        return [(item, ()) for item in items[:limit]]
    starting: list[Suggestion] = []
    holding: list[Suggestion] = []
    for item in items:
        if item.value == typed:
            continue
        at = fold(item.value).find(wanted)
        if at == 0:
            starting.append(item)
            if len(starting) >= limit:
                break
        elif at > 0 and len(holding) < limit:
            holding.append(item)
    return [(item, rank(typed, item.value)[1]) for item in (starting + holding)[:limit]]


def history_path(state_dir: Path | None) -> Path:
    """The history file in ``state_dir`` (None: the user's state directory)."""
    return (state_dir or default_state_dir()) / HISTORY_FILE
