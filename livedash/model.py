"""The live-recording model: JSON from the server parsed into immutable records.

Pure Python, no Textual. Parsing is tolerant where the contract leaves things open
(see ``../shared/api/CONTRACT.md``) and strict where it does not: a record that cannot
be read is skipped and reported, never fatal to the whole poll.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any, NamedTuple

import isodate

FILTER_NAMES = ("deviceName", "directoryNumber", "username", "numericUserId")


@dataclass(frozen=True)
class Filters:
    """The four query filters of the LiveRecordings endpoint; all given ones are ANDed."""

    deviceName: str = ""
    directoryNumber: str = ""
    username: str = ""
    numericUserId: str = ""

    def as_query(self) -> dict[str, str]:
        """Only the filters that carry a value: blank ones are omitted, never sent as ``name=``."""
        query = {}
        for name in FILTER_NAMES:
            value = getattr(self, name).strip()
            if value:
                query[name] = value
        return query

    def describe(self) -> str:
        """Human summary, e.g. ``username=user1 AND deviceName=SEP…``; '' when unfiltered."""
        return " AND ".join(f"{k}={v}" for k, v in self.as_query().items())

    def __bool__(self) -> bool:
        return bool(self.as_query())


class LiveRecording(NamedTuple):
    """One active recording as the server reported it at ``observed_at``.

    A NamedTuple rather than a frozen dataclass: it is immutable, compares by value and
    is several times cheaper to build, which matters at 10,000 records a poll.
    """

    id: str
    duration: float  # seconds, as the server reported it at observed_at
    started_at: datetime | None  # aware; None when the server sent no usable value
    username: str
    first_name: str
    last_name: str
    phone_number: str
    is_paused: bool
    observed_at: float = 0.0  # monotonic clock reading when the poll that carried it arrived

    @property
    def remote_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def duration_at(self, now: float) -> float:
        """Duration extrapolated to the monotonic time ``now``.

        A paused recording is frozen at the server's value: whether the server's duration
        grows during a pause is undocumented, so we never invent time for it.
        """
        if self.is_paused:
            return self.duration
        return self.duration + max(0.0, now - self.observed_at)

    def same_except_time(self, other: LiveRecording) -> bool:
        """True when nothing a user would notice changed, apart from the ticking duration."""
        return self[2:8] == other[2:8]


class RecordError(NamedTuple):
    """A record that could not be read: its position in the array and why."""

    index: int
    record_id: str | None
    reason: str


@dataclass
class ParsedPoll:
    records: list[LiveRecording] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)


class ProtocolError(ValueError):
    """The body is not the documented JSON array of recordings."""


_SIMPLE_DURATION = re.compile(
    r"P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?"
)


def parse_duration(text: str) -> float:
    """ISO 8601 duration → seconds. A regex fast path for the usual ``PT#H#M#S``.

    ``isodate`` handles everything else (weeks, years, …) so we never hand-roll the
    full grammar.
    """
    if text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"empty duration {text!r}")
    match = _SIMPLE_DURATION.fullmatch(text)
    if match:
        d, h, m, s = match.group("d", "h", "m", "s")
        return (
            int(d or 0) * 86400
            + int(h or 0) * 3600
            + int(m or 0) * 60
            + (float(s.replace(",", ".")) if s else 0.0)
        )
    value = isodate.parse_duration(text)
    if isinstance(value, isodate.Duration):  # years/months: anchor on a fixed date
        value = value.totimedelta(start=datetime(2000, 1, 1))
    seconds = value.total_seconds()
    if seconds < 0:
        raise ValueError("negative duration")
    return seconds


# 7 fractional digits (a .NET habit) are one more than datetime accepts: trim to 6.
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")


@lru_cache(maxsize=65536)
def parse_started_at(text: str, server_tz: tzinfo) -> datetime:
    """ISO 8601 date-time → aware datetime; no zone means the server's local zone.

    Cached: a recording's ``startedAt`` is the same string on every poll.
    """
    value = isodate.parse_datetime(_LONG_FRACTION.sub(r"\1", text.strip()))
    if value.tzinfo is None:
        value = value.replace(tzinfo=server_tz)
    return value


def local_zone() -> tzinfo:
    return datetime.now().astimezone().tzinfo or UTC


def _text(value: Any, name: str) -> str:
    """A display string field: missing or null is empty; another type is an error."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # a number where text was expected: show it, it is harmless
    raise TypeError(f"{name} is {type(value).__name__}, expected a string")


def _party(record: dict, name: str) -> dict:
    party = record.get(name)
    if party is None:
        return {}
    if not isinstance(party, dict):
        raise TypeError(f"{name} is {type(party).__name__}, expected an object")
    return party


def parse_recording(record: Any, observed_at: float, server_tz: tzinfo) -> LiveRecording:
    """One JSON object → LiveRecording. Raises ValueError/TypeError when unreadable.

    Required: a non-empty string ``id``. Tolerated: a missing or null party, missing
    names or number (an unknown caller), a missing or unreadable ``startedAt`` (shown
    as unknown), a missing ``duration`` (0), a missing ``isPaused`` (not paused).
    """
    if not isinstance(record, dict):
        raise TypeError(f"record is {type(record).__name__}, expected an object")
    rec_id = record.get("id")
    if not isinstance(rec_id, str) or not rec_id.strip():
        raise ValueError("id is missing or not a string")
    raw_duration = record.get("duration")
    if raw_duration is None:
        duration = 0.0
    elif isinstance(raw_duration, str):
        try:
            duration = parse_duration(raw_duration)
        except (ValueError, isodate.ISO8601Error) as exc:
            raise ValueError(f"duration {raw_duration[:40]!r} is not ISO 8601") from exc
    else:
        raise TypeError(f"duration is {type(raw_duration).__name__}, expected a string")
    raw_started = record.get("startedAt")
    started_at = None
    if isinstance(raw_started, str) and raw_started:
        try:
            started_at = parse_started_at(raw_started, server_tz)
        except (ValueError, isodate.ISO8601Error):
            started_at = None  # a bad start time hides one cell, not the recording
    paused = record.get("isPaused", False)
    if paused is None:
        paused = False
    if not isinstance(paused, bool):
        raise TypeError(f"isPaused is {type(paused).__name__}, expected a boolean")
    local = _party(record, "localParty")
    remote = _party(record, "remoteParty")
    return LiveRecording(
        rec_id,
        duration,
        started_at,
        _text(local.get("username"), "localParty.username"),
        _text(remote.get("firstName"), "remoteParty.firstName"),
        _text(remote.get("lastName"), "remoteParty.lastName"),
        _text(remote.get("phoneNumber"), "remoteParty.phoneNumber"),
        paused,
        observed_at,
    )


def parse_recordings(body: Any, observed_at: float, server_tz: tzinfo) -> ParsedPoll:
    """The decoded JSON body → records and per-record errors.

    Anything but a JSON array is a ProtocolError: the contract's body is an array.
    A repeated id keeps its first occurrence; the others are reported as errors.
    """
    if not isinstance(body, list):
        kind = "null" if body is None else type(body).__name__
        raise ProtocolError(f"expected a JSON array of recordings, got {kind}")
    poll = ParsedPoll()
    seen: set[str] = set()
    for index, item in enumerate(body):
        try:
            recording = parse_recording(item, observed_at, server_tz)
        except (TypeError, ValueError) as exc:
            rec_id = item.get("id") if isinstance(item, dict) else None
            poll.errors.append(
                RecordError(index, rec_id if isinstance(rec_id, str) else None, str(exc))
            )
            continue
        if recording.id in seen:
            poll.errors.append(RecordError(index, recording.id, "duplicate id"))
            continue
        seen.add(recording.id)
        poll.records.append(recording)
    return poll
