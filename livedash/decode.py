"""The server's answer (bytes) → records: the wire format as msgspec Structs.

No Textual, no HTTP. Tolerant where the contract leaves things open (see
``../shared/api/CONTRACT.md``) and strict where it does not: a record that cannot be read
is skipped and reported (:class:`~livedash.model.RecordError`), never fatal to the poll;
an answer that is not a JSON array is a :class:`~livedash.errors.BodyError`.

Why msgspec: one typed decode of a 10,000-record body takes ~5 ms in C, whatever the
spelling (compact, spaced, indented, fields in any order), where ``json.loads`` plus a
Python pass took ~50 ms; and its ``gc=False`` Structs are invisible to the garbage
collector. The decode holds the GIL all the while, thread or not: what a thread buys is
that the Python pass after it interleaves with the event loop.

Three paths, fastest first:

1. the whole body as ``list[WireRecording]`` (the usual case);
2. a validation error (one record of the wrong shape): the body as ``list[msgspec.Raw]``,
   then each element alone, so only the bad ones are skipped;
3. JSON msgspec refuses but Python accepts (an escaped lone surrogate such as ``"\\ud800"``
   in a name, a byte-order mark, UTF-16): ``json.loads``, then each element converted.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from datetime import UTC, datetime, tzinfo
from typing import Any

import isodate
import msgspec

from .errors import BodyError
from .model import LiveRecording, ParsedPoll, RecordError

# -------------------------------------------------------------------- the wire format

# A display string: text, or a number (harmless: shown as text); missing or null is "".
_Text = str | int | float | None


class LocalParty(msgspec.Struct, frozen=True, gc=False):
    username: _Text = None


class RemoteParty(msgspec.Struct, frozen=True, gc=False):
    firstName: _Text = None
    lastName: _Text = None
    phoneNumber: _Text = None


class WireRecording(msgspec.Struct, frozen=True, gc=False):
    """One element of the LiveRecordings array, as sent. Unknown fields are ignored."""

    id: str
    duration: str | None = None  # ISO 8601; missing or null: 0
    startedAt: Any = None  # anything but a readable date-time only blanks its cell
    localParty: LocalParty | None = None
    remoteParty: RemoteParty | None = None
    isPaused: bool | None = None  # missing or null: not paused


class _IdOnly(msgspec.Struct, gc=False):
    """What an unreadable record can still tell: its id, if it has one."""

    id: Any = None


_decode_body = msgspec.json.Decoder(list[WireRecording]).decode
_decode_raw = msgspec.json.Decoder(list[msgspec.Raw]).decode
_decode_one = msgspec.json.Decoder(WireRecording).decode
_decode_id = msgspec.json.Decoder(_IdOnly).decode

# How a validation error's path reads in a reason, and what that field should have been.
_EXPECTED = {
    "": ("record", "an object"),
    ".id": ("id", "a string"),
    ".duration": ("duration", "a string"),
    ".isPaused": ("isPaused", "a boolean"),
    ".localParty": ("localParty", "an object"),
    ".remoteParty": ("remoteParty", "an object"),
}
_VALIDATION = re.compile(r"Expected `[^`]*`, got `(?P<got>[^`]*)`(?: - at `\$(?P<path>[^`]*)`)?")
_ID_REASON = "id is missing or not a string"


def _reason(error: msgspec.ValidationError) -> str:
    """msgspec's message in the words the dashboard has always used, e.g.
    ``isPaused is str, expected a boolean``."""
    text = str(error)
    if "missing required field `id`" in text:
        return _ID_REASON
    match = _VALIDATION.match(text)
    if match is None:
        return text
    path = match["path"] or ""
    if path == ".id":
        return _ID_REASON
    name, expected = _EXPECTED.get(path, (path.lstrip("."), "a string"))
    return f"{name} is {match['got']}, expected {expected}"


# -------------------------------------------------------------------- the values

_SIMPLE_DURATION = re.compile(
    r"P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?"
)
MAX_DURATION = 10 * 366 * 86400  # ten years: longer is a broken server, not a call


def parse_duration(text: str) -> float:
    """ISO 8601 duration → seconds. A regex fast path for the usual ``PT#H#M#S``.

    ``isodate`` handles everything else (weeks, years, …) so we never hand-roll the
    full grammar. Raises ValueError (isodate's errors are ValueErrors too).
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


def parse_started_at(text: str, server_tz: tzinfo) -> datetime:
    """ISO 8601 date-time → aware datetime; no zone means the server's local zone."""
    text = text.strip()
    value = None
    plain = _PLAIN_DATETIME.fullmatch(text)
    if plain:
        # The usual shape, e.g. 2018-07-02T15:07:00.0000000 or …Z: the C parser, 20 times
        # faster than isodate, with the same result. What it refuses, isodate decides.
        try:
            value = datetime.fromisoformat(plain[1] + (plain[2] or "") + (plain[3] or ""))
        except ValueError:
            value = None
    if value is None:
        value = isodate.parse_datetime(_LONG_FRACTION.sub(r"\1", text))
    if value.tzinfo is None:
        value = value.replace(tzinfo=server_tz)
    return value


def local_zone() -> tzinfo:
    """This machine's zone: the default for start times sent without one."""
    return datetime.now().astimezone().tzinfo or UTC


# -------------------------------------------------------------------- the decoder


class PollDecoder:
    """Decodes one server's answers, remembering parsed values from poll to poll.

    Durations and start times repeat across polls (a start time for as long as its call
    lasts): they are parsed once and looked up after. One decoder per poller; it is not
    for two threads at once (the poller sends one request at a time).
    """

    MAX_DURATIONS = 16384  # distinct duration texts remembered (a few hours' worth)

    def __init__(self, server_tz: tzinfo):
        self.server_tz = server_tz
        self._durations: dict[str, float] = {}
        self._started: dict[str, datetime] = {}  # startedAt text → value, last poll
        self._started_next: dict[str, datetime] = {}  # … and this one

    def decode(self, body: bytes, content_type: str, observed_at: float) -> ParsedPoll:
        """Bytes → records and unreadable records. Raises BodyError for anything but a
        JSON array. CPU-bound: see :func:`decode_off_loop` for big answers."""
        errors: list[RecordError] = []
        try:
            try:
                wires: list[WireRecording | None] = _decode_body(body)
            except msgspec.ValidationError:
                wires = self._one_by_one(_decode_raw(body), errors)
        except (msgspec.ValidationError,  # valid JSON, but not an array
                msgspec.DecodeError):  # not JSON to msgspec: to Python, perhaps
            errors.clear()
            wires = self._from_python(self._loads(body, content_type), errors)
        return self._records(wires, observed_at, errors)

    # -- the slower paths ------------------------------------------------------------------

    @staticmethod
    def _one_by_one(raws: list[msgspec.Raw], errors: list[RecordError]
                    ) -> list[WireRecording | None]:
        wires: list[WireRecording | None] = []
        for index, raw in enumerate(raws):
            try:
                wires.append(_decode_one(raw))
            except msgspec.ValidationError as exc:
                wires.append(None)
                try:
                    rec_id = _decode_id(raw).id
                except msgspec.ValidationError:  # not an object
                    rec_id = None
                errors.append(RecordError(
                    index, rec_id if isinstance(rec_id, str) else None, _reason(exc)))
        return wires

    @staticmethod
    def _loads(body: bytes, content_type: str) -> Any:
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            if "html" in content_type.lower() or body.lstrip()[:1] == b"<":
                raise BodyError(
                    "the server answered with an HTML page, not JSON (a login or proxy page?)"
                ) from None
            if not body.strip():
                raise BodyError("the server answered with an empty body, not JSON") from None
            raise BodyError(f"the answer is not valid JSON ({str(exc)[:80]})") from None

    @staticmethod
    def _from_python(data: Any, errors: list[RecordError]) -> list[WireRecording | None]:
        if not isinstance(data, list):
            kind = "null" if data is None else type(data).__name__
            raise BodyError(f"unexpected answer: expected a JSON array of recordings, got {kind}")
        wires: list[WireRecording | None] = []
        for index, item in enumerate(data):
            try:
                wires.append(msgspec.convert(item, WireRecording))
            except msgspec.ValidationError as exc:
                wires.append(None)
                rec_id = item.get("id") if isinstance(item, dict) else None
                errors.append(RecordError(
                    index, rec_id if isinstance(rec_id, str) else None, _reason(exc)))
        return wires

    # -- wire → model ----------------------------------------------------------------------

    def _duration(self, text: str) -> float:
        seconds = parse_duration(text)
        durations = self._durations
        if len(durations) >= self.MAX_DURATIONS:
            durations.clear()
        durations[text] = seconds
        return seconds

    def _records(self, wires: list[WireRecording | None], observed_at: float,
                 errors: list[RecordError]) -> ParsedPoll:
        """Wire records → LiveRecordings: values parsed (or looked up), repeats dropped.

        Runs for every record of every poll, 10,000 times: the usual case is inline.
        """
        unsorted = bool(errors)  # errors of the element-wise paths come first
        records: list[LiveRecording] = []
        append = records.append
        seen: set[str] = set()
        seen_add = seen.add
        duration_of = self._durations.get
        started_before = self._started.get
        started_now = self._started_next
        server_tz = self.server_tz
        record = LiveRecording
        for index, wire in enumerate(wires):
            if wire is None:
                continue
            rec_id = wire.id
            if not rec_id or rec_id.isspace():
                errors.append(RecordError(index, None, _ID_REASON))
                continue
            text = wire.duration
            if text is None:
                seconds = 0.0
            else:
                seconds = duration_of(text)
                if seconds is None:
                    try:
                        seconds = self._duration(text)
                    except ValueError:
                        errors.append(RecordError(
                            index, rec_id, f"duration {text[:40]!r} is not ISO 8601"))
                        continue
            started = wire.startedAt
            if type(started) is str and started:
                started_at = started_before(started)
                if started_at is None:
                    try:
                        started_at = parse_started_at(started, server_tz)
                    except ValueError:  # a bad start time hides one cell, not the record
                        started_at = None
                started_now[started] = started_at
            else:
                started_at = None
            if rec_id in seen:
                errors.append(RecordError(index, rec_id, "duplicate id"))
                continue
            seen_add(rec_id)
            local = wire.localParty
            username = "" if local is None else local.username
            remote = wire.remoteParty
            if remote is None:
                first = last = number = ""
            else:
                first, last, number = remote.firstName, remote.lastName, remote.phoneNumber
            # None → "", a number → its text
            if type(username) is not str:
                username = "" if username is None else str(username)
            if type(first) is not str:
                first = "" if first is None else str(first)
            if type(last) is not str:
                last = "" if last is None else str(last)
            if type(number) is not str:
                number = "" if number is None else str(number)
            append(record(rec_id, seconds, started_at, username, first, last, number,
                          wire.isPaused is True, observed_at))
        # Keep only this poll's start times for the next one: never more than one poll's.
        self._started, self._started_next = started_now, {}
        if unsorted:
            errors.sort(key=lambda error: error.index)
        return ParsedPoll(records, errors)


# Bodies up to this size are decoded on the event loop: a thread costs more than it saves.
OFFLOAD_BYTES = 64 * 1024


def _timed_decode(decoder: PollDecoder, body: bytes, content_type: str,
                  observed_at: float) -> tuple[ParsedPoll, float]:
    started = time.thread_time()  # the work itself, not the waits for the GIL
    parsed = decoder.decode(body, content_type, observed_at)
    return parsed, time.thread_time() - started


async def decode_off_loop(decoder: PollDecoder, body: bytes, content_type: str,
                          observed_at: float) -> tuple[ParsedPoll, float]:
    """Decode an answer without holding up the event loop; also the CPU seconds it took.

    A big body goes to a thread: msgspec's decode still holds the GIL (a few ms for
    10,000 records), but the Python pass after it shares the interpreter with the loop.
    """
    if len(body) <= OFFLOAD_BYTES:
        return _timed_decode(decoder, body, content_type, observed_at)
    return await asyncio.to_thread(_timed_decode, decoder, body, content_type, observed_at)
