"""``--once``: poll one time, print, exit with a code a monitoring check can read."""

from __future__ import annotations

import csv
import json
import sys
from enum import IntEnum
from typing import TextIO

from rich.cells import cell_len, set_cell_size

from .clock import Clock
from .errors import (
    AuthError,
    BodyError,
    FetchError,
    ForbiddenError,
    HttpStatusError,
    NetworkError,
)
from .model import FetchResult, LiveRecording
from .safe_text import safe_text
from .settings import Settings
from .timefmt import format_duration


class ExitCode(IntEnum):
    """Documented in the README (Operations, and the commands' exit codes): keep them in step."""

    OK = 0
    INTERNAL = 1  # a bug of ours: see the log
    USAGE = 2  # bad command line (argparse's own code)
    NETWORK = 3  # no answer: refused, unreachable, TLS, timeout, dropped
    AUTH = 4  # 401: wrong or missing credentials
    FORBIDDEN = 5  # 403: the user lacks level 10
    SERVER = 6  # any other HTTP status (404, 5xx, …)
    PROTOCOL = 7  # an answer that is not the documented JSON array
    NOTHING_TO_ACT_ON = 8  # actions: 409, no such live recording (start: no connected call)
    ALREADY_RECORDED = 9  # start: the line's call is already recorded (429)


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


COLUMNS = ("state", "duration", "user", "remote", "number", "started", "id")


def _iso_in_zone(rec: LiveRecording, settings: Settings) -> str:
    if rec.started_at is None:
        return ""
    try:
        return rec.started_at.astimezone(settings.display_tz).isoformat()
    except (OverflowError, ValueError):  # 9999-12-31T23:59:59 cannot move zone: as sent
        return rec.started_at.isoformat()


def record_fields(rec: LiveRecording, settings: Settings) -> dict[str, str]:
    """One record as display strings (unsanitised: each format escapes in its own way)."""
    started = _iso_in_zone(rec, settings)
    return {
        "state": "paused" if rec.is_paused else "recording",
        "duration": format_duration(rec.duration),
        "user": rec.username,
        "remote": rec.remote_name,
        "number": rec.phone_number,
        "started": started,
        "id": rec.id,
    }


def write_json(result: FetchResult, settings: Settings, out: TextIO) -> None:
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
        for r in result.records
    ]
    # ensure_ascii: every control or bidi character leaves as a literal \uXXXX escape
    json.dump(rows, out, ensure_ascii=True, indent=2)
    out.write("\n")


def write_csv(result: FetchResult, settings: Settings, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for rec in result.records:
        writer.writerow([safe_text(v) for v in record_fields(rec, settings).values()])


def write_table(result: FetchResult, settings: Settings, out: TextIO) -> None:
    rows = [[safe_text(v) for v in record_fields(r, settings).values()] for r in result.records]
    header = [c.upper() for c in COLUMNS]
    widths = [
        min(40, max([cell_len(header[i])] + [cell_len(row[i]) for row in rows]))
        for i in range(len(COLUMNS))
    ]
    for row in [header, *rows]:
        cells = [set_cell_size(cell, width) for cell, width in zip(row, widths, strict=True)]
        out.write("  ".join(cells).rstrip() + "\n")
    paused = sum(1 for r in result.records if r.is_paused)
    out.write(f"{len(rows)} live recordings, {paused} paused\n")


WRITERS = {"table": write_table, "json": write_json, "csv": write_csv}


async def run_once(settings: Settings, fmt: str, out: TextIO = sys.stdout,
                   err: TextIO = sys.stderr, clock: Clock | None = None) -> int:
    clock = clock or Clock()
    client = settings.make_client(clock.monotonic)
    for warning in settings.transport_warnings():
        err.write(f"livedash: warning: {warning}\n")
    try:
        result = await client.fetch(settings.filters)
    except FetchError as exc:
        err.write(f"livedash: error: {safe_text(str(exc))}\n")
        return exit_code_for(exc)
    finally:
        await client.aclose()
    WRITERS[fmt](result, settings, out)
    if result.errors:
        err.write(f"livedash: {len(result.errors)} records unreadable, skipped\n")
        for item in result.errors[:20]:
            err.write(
                f"  record #{item.index} id={safe_text(item.record_id or '?')}: "
                f"{safe_text(item.reason)}\n"
            )
    return ExitCode.OK
