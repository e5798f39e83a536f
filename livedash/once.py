"""``--once``: poll one time, print, exit with a code a monitoring check can read."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from typing import TextIO

from rich.cells import cell_len, set_cell_size

from .clock import Clock
from .errors import FetchError
from .exits import ExitCode, discard_unwritten, exit_code_for, print_error, print_warning
from .export import record_fields
from .export import write_csv as write_csv_rows
from .model import FetchResult, LiveRecording
from .poller import fetch_recordings
from .row_order import SortOrder, order_rows
from .safe_text import safe_text
from .settings import Settings
from .table_layout import COLUMNS
from .timefmt import format_iso, format_start

# Unreadable records named one by one on stderr; the rest are counted.
_UNREADABLE_SHOWN = 20


def longest_first(records: list[LiveRecording]) -> list[LiveRecording]:
    """The dashboard's default order (longest running first), by the dashboard's own code:
    one poll's records share their observation time, so their durations as reported."""
    return order_rows(records, SortOrder(), now=0.0)


# Every writer takes the same arguments; ``today`` (in the display zone) only matters to
# the table, which shows a start time without its date when it is today.

def write_json(result: FetchResult, settings: Settings, out: TextIO, today: date) -> None:
    rows = [
        {
            "id": r.id,
            "durationSeconds": r.duration,
            "startedAt": r.started_at.isoformat() if r.started_at else None,
            "isPaused": r.is_paused,
            "localParty": {"username": r.username},
            "remoteParty": {
                "firstName": r.first_name,
                "lastName": r.last_name,
                "phoneNumber": r.phone_number,
            },
        }
        for r in longest_first(result.records)
    ]
    # ensure_ascii: every control or bidi character leaves as a literal \uXXXX escape
    json.dump(rows, out, ensure_ascii=True, indent=2)
    out.write("\n")


def write_csv(result: FetchResult, settings: Settings, out: TextIO, today: date) -> None:
    """The export's CSV (``export.write_csv``): the same columns, formulas neutralised."""
    zone = settings.display_tz
    write_csv_rows((record_fields(rec, format_iso(rec.started_at, zone))
                    for rec in longest_first(result.records)), out)


def write_table(result: FetchResult, settings: Settings, out: TextIO, today: date) -> None:
    """Aligned columns for a person: the start as ``HH:MM:SS`` (with its date if not today)."""
    rows = [
        [safe_text(v) for v in record_fields(
            rec, format_start(rec.started_at, settings.display_tz, today)).values()]
        for rec in longest_first(result.records)
    ]
    header = [c.upper() for c in COLUMNS]
    widths = [
        min(40, max([cell_len(header[i])] + [cell_len(row[i]) for row in rows]))
        for i in range(len(COLUMNS))
    ]
    for row in [header, *rows]:
        cells = [set_cell_size(cell, width) for cell, width in zip(row, widths, strict=True)]
        out.write("  ".join(cells).rstrip() + "\n")
    paused = sum(1 for r in result.records if r.is_paused)
    out.write(f"{len(rows)} live recording{'' if len(rows) == 1 else 's'}, {paused} paused\n")


WRITERS: dict[str, Callable[[FetchResult, Settings, TextIO, date], None]] = {
    "table": write_table, "json": write_json, "csv": write_csv,
}


async def run_once(settings: Settings, fmt: str, out: TextIO = sys.stdout,
                   err: TextIO = sys.stderr, clock: Clock | None = None) -> int:
    """Poll once and print; returns the exit code. Errors and warnings go to ``err``.

    A reader that closes ``out`` early (``| head``) raises BrokenPipeError from here, at
    the latest from the flush: ``cli`` ends quietly on it. Any other failure to write
    (a full disk behind ``> file``) is exit code 10 and one line.
    """
    clock = clock or Clock()
    client = settings.make_client(clock.monotonic)
    for warning in settings.transport_warnings():
        print_warning(warning, err)
    try:
        result = await fetch_recordings(client, settings.make_decoder(), settings.filters)
    except FetchError as exc:
        return print_error(str(exc), exit_code_for(exc), err)
    finally:
        await client.aclose()
    today = clock.now().astimezone(settings.display_tz).date()
    try:
        WRITERS[fmt](result, settings, out, today)
        out.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        discard_unwritten(out)
        return print_error(f"cannot write the output ({exc.strerror or type(exc).__name__})",
                           ExitCode.OUTPUT, err)
    if result.errors:
        print_warning(f"{len(result.errors)} record{'' if len(result.errors) == 1 else 's'} "
                      "unreadable, skipped", err)
        for item in result.errors[:_UNREADABLE_SHOWN]:
            print_warning(f"record #{item.index} (id {item.record_id or '?'}): {item.reason}",
                          err)
        if len(result.errors) > _UNREADABLE_SHOWN:
            print_warning(f"… and {len(result.errors) - _UNREADABLE_SHOWN} more", err)
    return ExitCode.OK

