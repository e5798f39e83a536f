"""Recordings as CSV: ``--once --format csv`` and the dashboard's export (``e``). No Textual.

One writer (:func:`write_csv`) for both, so the two have the same columns
(``table_layout.COLUMNS``) and the same protection:

* **Formula neutralisation** (OWASP "CSV Injection"): a spreadsheet runs a cell that
  starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula, and a
  caller's name is whatever the telephone network says (``=cmd|'/c calc'!A1``). Such a
  cell gets a ``'`` in front (:func:`neutralise`), which a spreadsheet shows as text.
  A phone number (``+39 02 1234``, ``+1555123456``: a ``+``, then only digits and the
  usual separators) stays as it is: it cannot call anything, and a number with a quote
  in front is no longer a number to dial or match.
* Control and invisible characters are made visible first (``safe_text``), as on screen.

The export file is written whole or not at all (:func:`write_export`): into a temporary
file in the same folder, flushed to disk, then renamed over the final name in one step.
It is private to its owner (0600): it holds names and numbers of callers, and sharing it
is a deliberate act (mail it, or ``chmod``), never a side effect of the folder it landed in.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TextIO

from .model import LiveRecording
from .safe_text import safe_text
from .table_layout import COLUMNS, duration_text
from .timefmt import format_duration, format_iso

__all__ = [
    "ExportError",
    "export_name",
    "neutralise",
    "record_fields",
    "shown_fields",
    "write_csv",
    "write_export",
]

# What makes a spreadsheet evaluate a cell (OWASP: = + - @ tab carriage return).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A phone number as people and switches write one: +, digits, spaces, - . / ( ).
_PHONE_NUMBER = re.compile(r"\+?[0-9][0-9 ()./-]*")

NAME_FORMAT = "livedash-%Y%m%d-%H%M%S"


def neutralise(cell: str) -> str:
    """``cell`` as a spreadsheet will show it and never run it: see the module's docstring."""
    if cell.startswith(_FORMULA_START) and not _PHONE_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def record_fields(rec: LiveRecording, started: str, *, duration: str | None = None,
                  ended: bool = False) -> dict[str, str]:
    """One record as the strings of :data:`COLUMNS` (unsanitised: each format escapes in
    its own way). ``duration``: the text to show instead of the server's value."""
    if ended:
        state = "ended"
    else:
        state = "paused" if rec.is_paused else "recording"
    return {
        "state": state,
        "duration": format_duration(rec.duration) if duration is None else duration,
        "user": rec.username,
        "remote": rec.remote_name,
        "number": rec.phone_number,
        "started": started,
        "id": rec.id,
    }


def write_csv(rows: Iterable[Mapping[str, str]], out: TextIO) -> int:
    """A header, then each row of :func:`record_fields`, made safe; returns the row count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for fields in rows:
        writer.writerow([neutralise(safe_text(fields[key])) for key in COLUMNS])
        count += 1
    return count


def shown_fields(rows: Iterable[LiveRecording], *, now: float, zone,
                 ended: Mapping[str, str], estimated: bool) -> Iterable[dict[str, str]]:
    """The dashboard's rows as the table shows them at tick time ``now``: each duration
    is its row's text (``~`` when counted on locally: ``estimated``), an ended row's the
    one it froze at (``ended``: id → that text). Start times whole, as ``--once`` writes."""
    for rec in rows:
        frozen = ended.get(rec.id)
        duration = frozen if frozen is not None else duration_text(
            rec, now, estimated=estimated)
        yield record_fields(rec, format_iso(rec.started_at, zone), duration=duration,
                            ended=frozen is not None)


class ExportError(Exception):
    """The export could not be written; the message says why, and that nothing was left."""


def export_name(moment: datetime) -> str:
    """``livedash-YYYYmmdd-HHMMSS.csv`` for ``moment`` (in the zone the user reads)."""
    return moment.strftime(NAME_FORMAT) + ".csv"


def _free_path(directory: Path, moment: datetime) -> Path:
    """The export's path: a second export in the same second gets ``-2``, ``-3``, …"""
    stem = moment.strftime(NAME_FORMAT)
    path = directory / f"{stem}.csv"
    number = 2
    while path.exists():
        path = directory / f"{stem}-{number}.csv"
        number += 1
    return path


def _reason(exc: OSError, directory: Path) -> str:
    where = safe_text(str(directory))
    reasons = {
        errno.EACCES: f"no permission to write in {where}",
        errno.EPERM: f"no permission to write in {where}",
        errno.EROFS: f"{where} is on a read-only file system",
        errno.ENOSPC: f"the disk holding {where} is full",
        errno.EDQUOT: f"the disk quota for {where} is used up",
        errno.ENOENT: f"the folder {where} does not exist (any more)",
        errno.ENOTDIR: f"{where} is not a folder",
    }
    return reasons.get(exc.errno or 0) or (
        f"{safe_text(exc.strerror or type(exc).__name__)} ({where})")


def write_export(directory: Path, moment: datetime,
                 rows: Iterable[Mapping[str, str]]) -> tuple[Path, int]:
    """Write ``rows`` to a new ``livedash-…csv`` in ``directory``: (its path, rows written).

    Whole or nothing: on any failure the temporary file is removed and
    :class:`ExportError` says why. UTF-8 with a byte-order mark, which spreadsheets need
    to read accented names right (``--once`` writes none: its reader is a program).
    Blocking I/O: the dashboard calls it in a worker thread.
    """
    directory = Path(directory)
    temp_name: str | None = None
    try:
        path = _free_path(directory, moment)
        # mkstemp: a new file only its owner can read (0600), in the same folder (so the
        # rename below is atomic and never crosses a file system)
        handle, temp_name = tempfile.mkstemp(prefix=".livedash-export-", suffix=".tmp",
                                             dir=directory)
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            count = write_csv(rows, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
        temp_name = None
        _sync_folder(directory)
        return path, count
    except OSError as exc:
        raise ExportError(f"Export failed: {_reason(exc, directory)}; no file was written"
                          ) from exc
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)


def _sync_folder(directory: Path) -> None:
    """Make the rename itself durable (a crash right after keeps the file); best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
