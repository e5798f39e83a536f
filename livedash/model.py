"""The live-recording model: JSON from the server parsed into immutable records.

Pure Python, no Textual. Parsing is tolerant where the contract leaves things open
(see ``tests/contract/CONTRACT.md``) and strict where it does not: a record that cannot
be read is skipped and reported, never fatal to the whole poll.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any, NamedTuple

import isodate

FILTER_NAMES = ("deviceName", "directoryNumber", "username", "numericUserId")
_tuple_new = tuple.__new__  # LiveRecording(...) without NamedTuple's Python-level __new__


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

    def same_but_duration(self, other: LiveRecording) -> bool:
        """True when nothing a user would notice changed, apart from the ticking duration."""
        return self[2:8] == other[2:8]


class RecordError(NamedTuple):
    """A record that could not be read: its position in the array and why."""

    index: int
    record_id: str | None
    reason: str


@dataclass
class FetchResult:
    """One successful poll: the records of an answer to ``filters``."""

    filters: Filters
    records: list[LiveRecording]
    errors: list[RecordError] = field(default_factory=list)
    latency: float = 0.0  # seconds from sending the request to having the whole body
    received_at: float = 0.0  # monotonic
    decode_time: float = 0.0  # seconds spent turning the body into records (not waiting)


@dataclass
class ParsedPoll:
    records: list[LiveRecording] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)


class ProtocolError(ValueError):
    """The body is not the documented JSON array of recordings."""


_SIMPLE_DURATION = re.compile(
    r"P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?"
)


MAX_DURATION = 10 * 366 * 86400  # ten years: longer is a broken server, not a call


def parse_duration(text: str) -> float:
    """ISO 8601 duration → seconds. A regex fast path for the usual ``PT#H#M#S``.

    ``isodate`` handles everything else (weeks, years, …) so we never hand-roll the
    full grammar.
    """
    if text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"empty duration {text!r}")
    match = _SIMPLE_DURATION.fullmatch(text)
    try:
        if match:
            d, h, m, s = match.group("d", "h", "m", "s")
            seconds = (
                int(d or 0) * 86400
                + int(h or 0) * 3600
                + int(m or 0) * 60
                + (float(s.replace(",", ".")) if s else 0.0)
            )
        else:
            value = isodate.parse_duration(text)
            if isinstance(value, isodate.Duration):  # years/months: anchor on a fixed date
                value = value.totimedelta(start=datetime(2000, 1, 1))
            seconds = value.total_seconds()
    except OverflowError:  # "PT999…9H": one unreadable record, not a failed poll
        raise ValueError("duration out of range") from None
    if not 0 <= seconds <= MAX_DURATION:
        # negative, or longer than any call: a column would grow without bound
        raise ValueError("duration out of range")
    return float(seconds)


# 7 fractional digits (a .NET habit) are one more than datetime accepts: trim to 6.
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")
_PLAIN_DATETIME = re.compile(  # date T time, up to 6 fraction digits kept, zone
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:(\.\d{1,6})\d*)?(Z|[+-]\d{2}:\d{2})?", re.ASCII
)


@lru_cache(maxsize=4096)
def parse_started_at(text: str, server_tz: tzinfo) -> datetime:
    """ISO 8601 date-time → aware datetime; no zone means the server's local zone.

    Cached, but only a little: a :class:`RecordCache` keeps the values of the last poll,
    which is what repeats. A big LRU here would grow for half an hour on a busy floor
    (every new call brings a new string) before it levelled off.
    """
    text = text.strip()
    value = None
    plain = _PLAIN_DATETIME.fullmatch(text)
    if plain:
        # The usual shape, e.g. 2018-07-02T15:07:00.0000000 or …Z: the C parser, 20 times
        # faster than isodate, with the same result. What it refuses, isodate decides.
        try:
            value = datetime.fromisoformat(
                plain[1] + (plain[2] or "") + (plain[3] or ""))
        except ValueError:
            value = None
    if value is None:
        value = isodate.parse_datetime(_LONG_FRACTION.sub(r"\1", text))
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


def parse_recording(record: Any, observed_at: float, server_tz: tzinfo, *,
                    cache: RecordCache | None = None) -> LiveRecording:
    """One JSON object → LiveRecording. Raises ValueError/TypeError when unreadable.

    Required: a non-empty string ``id``. Tolerated: a missing or null party, missing
    names or number (an unknown caller), a missing or unreadable ``startedAt`` (shown
    as unknown), a missing ``duration`` (0), a missing ``isPaused`` (not paused).
    ``cache`` (optional) remembers parsed durations and start times across polls.
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
            duration = (cache.duration(raw_duration) if cache is not None
                        else parse_duration(raw_duration))
        except (ValueError, isodate.ISO8601Error) as exc:
            raise ValueError(f"duration {raw_duration[:40]!r} is not ISO 8601") from exc
    else:
        raise TypeError(f"duration is {type(raw_duration).__name__}, expected a string")
    raw_started = record.get("startedAt")
    started_at = None
    if isinstance(raw_started, str) and raw_started:
        try:
            started_at = (cache.started_at(raw_started) if cache is not None
                          else parse_started_at(raw_started, server_tz))
        except (ValueError, isodate.ISO8601Error):
            started_at = None  # a bad start time hides one cell, not the recording
    paused = record.get("isPaused", False)
    if paused is None:
        paused = False
    if not isinstance(paused, bool):
        raise TypeError(f"isPaused is {type(paused).__name__}, expected a boolean")
    # The usual case (objects holding strings) inline, the rest through _party/_text:
    # this runs for every record of a first poll, 10,000 times.
    local = record.get("localParty")
    if type(local) is not dict:
        local = _party(record, "localParty")
    remote = record.get("remoteParty")
    if type(remote) is not dict:
        remote = _party(record, "remoteParty")
    username = local.get("username")
    if type(username) is not str:
        username = _text(username, "localParty.username")
    first = remote.get("firstName")
    if type(first) is not str:
        first = _text(first, "remoteParty.firstName")
    last = remote.get("lastName")
    if type(last) is not str:
        last = _text(last, "remoteParty.lastName")
    number = remote.get("phoneNumber")
    if type(number) is not str:
        number = _text(number, "remoteParty.phoneNumber")
    return _tuple_new(LiveRecording, (
        rec_id, duration, started_at, username, first, last, number, paused, observed_at))


def parse_recordings(body: Any, observed_at: float, server_tz: tzinfo, *,
                     cache: RecordCache | None = None) -> ParsedPoll:
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
            recording = parse_recording(item, observed_at, server_tz, cache=cache)
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
    if cache is not None:
        cache.reused, cache.decoded = 0, len(poll.records)
        cache.end_poll()
    return poll


# ---------------------------------------------------------------------- across polls

_scan_once = json.JSONDecoder().scan_once  # one JSON value at an index: (value, end)
_SEPARATOR = b'},{"'  # between two records of a compact array: `…},{"id":…`
_DURATION_KEY = b'"duration":"'
_DURATION_TOKEN = b'"duration"'


class RecordCache:
    """What the last poll parsed, so that the next one parses only what changed.

    From one poll to the next, a floor of 10,000 calls changes in a few dozen records;
    every other record differs only in its ``duration``. Decoding all of them again
    (``json.loads`` of 3 MB and 10,000 :func:`parse_recording`) costs about 80 ms of
    CPU on a slow core, and ``json.loads`` holds the GIL all the while, stalling the
    event loop even from a worker thread.

    :meth:`parse_body` therefore works on the bytes: it cuts a compact JSON array
    (``[{"…},{"…}]``, what servers send) at the record boundaries with one
    ``bytes.split``, and looks each record up by its bytes *without the duration value*.
    A record seen in the last poll is taken from it, with its new duration; any other is
    decoded alone (JSON, then :func:`parse_recording`).

    A remembered record whose new duration is what its last one predicts (within the
    second the server rounds to) is returned *as is*, the same object, still anchored at
    the poll that first reported it: the time shown is as right as with the new anchor,
    it ticks on without a jolt at every poll, and most polls then build no new objects at
    all (no garbage-collector work, and the store and table see ``is`` the same record).
    A duration off by a second or more (a server correction, a missed pause) re-anchors.

    Why the bytes can be trusted without decoding them: a record is remembered only
    after its own bytes decoded, alone, to a JSON object whose only ``"duration"`` token
    is its top-level duration, so a later record with the same bytes around a plain
    duration value (letters, digits, ``.`` and ``,`` only) is that same valid object
    with another duration. When any piece does not decode alone (the cut went through a
    string ending in ``},{``, a nested array of objects, …), or the body is not compact,
    it returns None and the caller decodes the body whole, as before. Every remembered
    record is one of the last poll's, so the cache never outgrows one poll.

    Not thread-safe for concurrent polls of one client; the poller sends one at a time.
    """

    MAX_DURATIONS = 16384  # distinct duration strings remembered (a few hours' worth)

    def __init__(self, server_tz: tzinfo):
        self.server_tz = server_tz
        # The records of the last poll that can be recognised by their bytes, in the
        # order they came: their keys, (the bytes before the duration value, up to
        # ``"duration":"``; the bytes after it, from ``"``), and the records themselves.
        self._keys: list[tuple[bytes, bytes]] = []
        self._records: list[LiveRecording] = []
        self._index: dict[tuple[bytes, bytes], int] = {}  # key → its index in both
        self._durations: dict[bytes | str, float] = {}
        self._started: dict[str, datetime] = {}  # startedAt text → value, last poll
        self._started_next: dict[str, datetime] = {}  # … and this one
        self._warm = False  # a first body was seen (and decoded whole)
        self.reused = 0  # records of the last parse_body taken from the cache
        self.decoded = 0  # records of the last poll decoded from JSON

    # -- the full path's helpers (parse_recording with cache=) --------------------------

    def duration(self, text: str) -> float:
        seconds = self._durations.get(text)
        if seconds is None:
            seconds = parse_duration(text)
            self._remember_duration(text, seconds)
        return seconds

    def started_at(self, text: str) -> datetime:
        value = self._started.get(text)
        if value is None:
            value = parse_started_at(text, self.server_tz)
        self._started_next[text] = value
        return value

    def _remember_duration(self, raw: bytes | str, seconds: float) -> None:
        durations = self._durations
        if len(durations) >= self.MAX_DURATIONS:
            durations.clear()
        durations[raw] = seconds

    def end_poll(self) -> None:
        """Keep only this poll's start times for the next one."""
        self._started, self._started_next = self._started_next, {}

    def _plain_duration(self, raw: bytes) -> float | None:
        """A duration value as it stands in the bytes, if it needs no JSON decoding."""
        seconds = self._durations.get(raw)
        if seconds is not None:
            return seconds
        # ASCII letters and digits, and . or , in the seconds: nothing JSON would decode
        if not raw.replace(b".", b"").replace(b",", b"").isalnum():  # b"".isalnum() is False
            return None
        try:
            seconds = parse_duration(raw.decode("ascii"))
        except (ValueError, isodate.ISO8601Error, OverflowError, UnicodeDecodeError):
            return None
        self._remember_duration(raw, seconds)
        return seconds

    # -- the fast path --------------------------------------------------------------------

    def parse_body(self, body: bytes, observed_at: float) -> ParsedPoll | None:
        """The records of a compact JSON array, or None: decode it whole instead."""
        steps = self.parse_steps(body, observed_at)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value

    def parse_steps(self, body: bytes, observed_at: float,
                    chunk: int = 1000) -> Generator[None, None, ParsedPoll | None]:
        """:meth:`parse_body` a ``chunk`` of records at a time: a generator that yields
        between chunks and returns what ``parse_body`` returns. The client runs it on the
        event loop, letting the loop run between chunks: a few ms each, where a thread
        would pay for the GIL changing hands with the loop (a third more CPU).
        """
        if not self._warm:
            # With nothing remembered, decoding record by record is slower than one
            # json.loads; the first rows should not wait for it. The next poll fills us.
            self._warm = True
            return None
        if not body.startswith(b'[{"'):
            return None
        end = len(body.rstrip())
        if body[end - 2:end] != b"}]":
            return None
        # Servers list the same calls in the same order poll after poll, so the record at
        # position ``at`` of the last poll is tried first, by comparing bytes in place
        # (no slicing, no hashing); the dict by key is the fallback, and resynchronises.
        last_keys = self._keys
        last_records = self._records
        count = len(last_keys)
        index_of = self._index.get
        at = 0
        durations_get = self._durations.get
        plain_duration = self._plain_duration
        decode_one = self._decode_one
        keys: list[tuple[bytes, bytes]] = []
        kept: list[LiveRecording] = []
        records: list[LiveRecording] = []
        append = records.append
        errors: list[RecordError] = []
        seen: set[str] = set()
        seen_add = seen.add
        record_type = LiveRecording
        new = _tuple_new
        reused = 0  # records taken from the last poll
        pieces = body[3:end - 2].split(_SEPARATOR)
        yield
        for index, piece in enumerate(pieces):
            if not index % chunk and index:
                yield
            found = -1
            if at < count:
                prefix, suffix = last_keys[at]
                start = len(prefix)
                stop = len(piece) - len(suffix)
                if stop >= start and piece.startswith(prefix) and piece.endswith(suffix):
                    found = at
            if found < 0:
                start = piece.find(_DURATION_KEY) + 12
                stop = piece.find(b'"', start) if start >= 12 else -1
                if stop >= 0:
                    found = index_of((piece[:start], piece[stop:]), -1)
                else:
                    start = 0
            if found >= 0:
                raw = piece[start:stop]  # between the same bytes as a record we decoded
                seconds = durations_get(raw)
                if seconds is None:
                    seconds = plain_duration(raw)
                if seconds is not None:
                    at = found + 1
                    last = last_records[found]
                    rec_id = last[0]
                    if rec_id in seen:
                        errors.append(RecordError(index, rec_id, "duplicate id"))
                        continue
                    seen_add(rec_id)
                    # What the last record predicts now (LiveRecording.duration_at)
                    drift = seconds - last[1]
                    if not last[7] and observed_at > last[8]:
                        drift -= observed_at - last[8]
                    if not -1.0 < drift < 1.0:  # off by a second or more: re-anchor
                        last = new(record_type, (rec_id, seconds, *last[2:8], observed_at))
                    keys.append(last_keys[found])
                    kept.append(last)
                    append(last)
                    reused += 1
                    continue
            # New, changed, or not remembered: decode this record alone.
            item, outcome = decode_one(piece, index, observed_at)
            if outcome is None:  # not cut at a record boundary: decode the body whole
                self._started_next = {}
                return None
            if isinstance(outcome, RecordError):
                errors.append(outcome)
                continue
            if outcome.id in seen:
                errors.append(RecordError(index, outcome.id, "duplicate id"))
                continue
            seen_add(outcome.id)
            append(outcome)
            if start and self._cacheable(piece, start, stop, item):
                keys.append((piece[:start], piece[stop:]))
                kept.append(outcome)
        yield
        self._keys = keys
        self._records = kept
        self._index = dict(zip(keys, range(len(keys)), strict=True))
        self.reused = reused
        self.decoded = len(records) - reused
        self.end_poll()
        return ParsedPoll(records, errors)

    def _decode_one(self, piece: bytes, index: int, observed_at: float
                    ) -> tuple[Any, LiveRecording | RecordError | None]:
        """One record's bytes (without its leading ``{"`` and closing ``}``) → record.

        (None, None) when the bytes are not one JSON value by themselves.
        """
        try:
            # as json.loads decodes bytes
            text = '{"' + piece.decode("utf-8", "surrogatepass") + "}"
            item, stop = _scan_once(text, 0)
        except (ValueError, StopIteration):  # UnicodeDecodeError, JSONDecodeError
            return None, None
        if stop != len(text):
            return None, None
        try:
            return item, parse_recording(item, observed_at, self.server_tz, cache=self)
        except (TypeError, ValueError) as exc:
            rec_id = item.get("id")
            return item, RecordError(
                index, rec_id if isinstance(rec_id, str) else None, str(exc))

    def _cacheable(self, piece: bytes, start: int, stop: int, item: dict) -> bool:
        """Whether a decoded record can be recognised by its bytes from now on: the
        value at ``piece[start:stop]`` is its top-level duration, and a plain one."""
        if piece.count(_DURATION_TOKEN) != 1 or b"\\u" in piece:
            return False  # another "duration" somewhere, or one spelt with escapes
        value = piece[start:stop]
        return (self._plain_duration(value) is not None
                and item.get("duration") == value.decode("ascii"))
