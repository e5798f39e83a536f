"""The server's answer (bytes) → records: the wire format as msgspec Structs.

No Textual, no HTTP. Tolerant where the contract leaves things open (see
``../shared/api/CONTRACT.md``) and strict where it does not: a record that cannot be read
is skipped and reported (:class:`~livedash.model.RecordError`), never fatal to the poll;
an answer that is not a JSON array is a :class:`~livedash.errors.BodyError`.

Why msgspec: one typed decode of a 10,000-record body takes ~3 ms in C, whatever the
spelling (compact, spaced, indented, fields in any order), where ``json.loads`` plus a
Python pass took ~50 ms; and its ``gc=False`` Structs are invisible to the garbage
collector. The decode holds the GIL all the while, thread or not: what a thread buys is
that the Python pass after it interleaves with the event loop.

That Python pass is most of a poll's cost, so it does as little as it can: nearly every
record of a poll says what the last poll said, its duration ticked on, and then the
decoder hands back the record it made last time, the very object (see
``PollDecoder._records``). The start time and the parties stay JSON text (``msgspec.Raw``)
until a record is new or changed: comparing texts is all the others need.

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
from msgspec.structs import replace

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


_NULL = msgspec.Raw(b"null")


class WireRecording(msgspec.Struct, frozen=True, gc=False):
    """One element of the LiveRecordings array, as sent. Unknown fields are ignored.

    The start time and the parties stay JSON text (``msgspec.Raw``, a view of the body:
    no strings made) until a record is new or changed: most records of a poll are the
    last poll's, and comparing their texts is all they need (see ``PollDecoder._records``).
    """

    id: str
    duration: str | None = None  # ISO 8601; missing or null: 0
    startedAt: msgspec.Raw = _NULL  # anything but a readable date-time only blanks its cell
    localParty: msgspec.Raw = _NULL  # a LocalParty or null
    remoteParty: msgspec.Raw = _NULL  # a RemoteParty or null
    isPaused: bool | None = None  # missing or null: not paused


class ReadWireRecording(msgspec.Struct, frozen=True, gc=False):
    """A :class:`WireRecording` with its parties read: from ``json.loads`` (the rare
    body msgspec refuses), which leaves no JSON text to keep."""

    id: str
    duration: str | None = None
    startedAt: Any = None
    localParty: LocalParty | None = None
    remoteParty: RemoteParty | None = None
    isPaused: bool | None = None


Wire = WireRecording | ReadWireRecording


class _IdOnly(msgspec.Struct, gc=False):
    """What an unreadable record can still tell: its id, if it has one."""

    id: Any = None


_decode_body = msgspec.json.Decoder(list[WireRecording]).decode
_decode_raw = msgspec.json.Decoder(list[msgspec.Raw]).decode
_decode_one = msgspec.json.Decoder(WireRecording).decode
_decode_id = msgspec.json.Decoder(_IdOnly).decode
_decode_local = msgspec.json.Decoder(LocalParty | None).decode
_decode_remote = msgspec.json.Decoder(RemoteParty | None).decode
_decode_value = msgspec.json.Decoder().decode
_join = b"\0".join  # JSON text holds no raw NUL: the parts of a joined text stay apart

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


def _text(value: _Text) -> str:
    """A display string: None → "", a number → its text."""
    if type(value) is str:
        return value
    return "" if value is None else str(value)


def _reason(error: msgspec.ValidationError, field: str = "") -> str:
    """msgspec's message in the words the dashboard has always used, e.g.
    ``isPaused is str, expected a boolean``; ``field``: where the value that was
    decoded on its own sits in the record, e.g. ``.localParty``."""
    text = str(error)
    if "missing required field `id`" in text:
        return _ID_REASON
    match = _VALIDATION.match(text)
    if match is None:
        return text
    path = field + (match["path"] or "")
    if path == ".id":
        return _ID_REASON
    name, expected = _EXPECTED.get(path, (path.lstrip("."), "a string"))
    return f"{name} is {match['got']}, expected {expected}"


class _Unreadable(Exception):
    """A field read on its own, late, was of the wrong shape: the record is skipped."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Seen(msgspec.Struct, gc=False):
    """A record as the decoder remembers it from poll to poll: what the server said (all
    but the duration, as one text), the record made of it and the figures of that record
    that ``PollDecoder._records`` reads, and the last poll that had it.

    Why copies of the record's figures and one text, not the server's fields: after a
    few minutes of calls coming and going, the records of a poll lie scattered in
    memory, and each object read for one of them is a trip to main memory (~0.1 µs). At
    10,000 records a poll, two objects read instead of seven save ~2 ms a poll.
    """

    said: bytes | None  # start time, local party, remote party: JSON texts, NUL-joined
    paused: bool | None  # isPaused as sent: True, False or None
    record: LiveRecording
    duration: float  # record.duration and record.observed_at (record.is_paused: paused)
    observed_at: float
    poll: int


def _error(index: int, rec_id: str, reason: str) -> RecordError:
    """A record skipped: its id named if it has a usable one."""
    if not rec_id or rec_id.isspace():
        return RecordError(index, None, _ID_REASON)
    return RecordError(index, rec_id, reason)


def _party(value: Any, decode: Any, field: str) -> Any:
    """A party as a struct (or None): read from its JSON text if it is still that."""
    if type(value) is not msgspec.Raw:
        return value
    try:
        return decode(value)
    except msgspec.ValidationError as exc:
        raise _Unreadable(_reason(exc, field)) from None


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
    """Decodes one server's answers, remembering the last poll's records.

    A record that only ticked on since the last poll is that poll's record again (see
    ``_records``); duration texts repeat across records and polls, and are parsed once.
    One decoder per poller; it is not for two threads at once (the poller sends one
    request at a time).
    """

    MAX_DURATIONS = 16384  # distinct duration texts remembered (a few hours' worth)

    def __init__(self, server_tz: tzinfo):
        self.server_tz = server_tz
        self._durations: dict[str | None, float] = {None: 0.0}  # text → seconds
        self._known: dict[str, _Seen] = {}  # by id: the records of the last polls
        self._polls = 0

    def decode(self, body: bytes, content_type: str, observed_at: float) -> ParsedPoll:
        """Bytes → records and unreadable records. Raises BodyError for anything but a
        JSON array. CPU-bound: see :func:`decode_off_loop` for big answers."""
        errors: list[RecordError] = []
        try:
            try:
                wires: list[Wire | None] = _decode_body(body)
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
                    ) -> list[Wire | None]:
        wires: list[Wire | None] = []
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
    def _from_python(data: Any, errors: list[RecordError]) -> list[Wire | None]:
        if not isinstance(data, list):
            kind = "null" if data is None else type(data).__name__
            raise BodyError(f"unexpected answer: expected a JSON array of recordings, got {kind}")
        wires: list[Wire | None] = []
        for index, item in enumerate(data):
            try:
                wires.append(msgspec.convert(item, ReadWireRecording))
            except msgspec.ValidationError as exc:
                wires.append(None)
                rec_id = item.get("id") if isinstance(item, dict) else None
                errors.append(RecordError(
                    index, rec_id if isinstance(rec_id, str) else None, _reason(exc)))
        return wires

    # -- wire → model ----------------------------------------------------------------------

    def _records(self, wires: list[Wire | None], observed_at: float,
                 errors: list[RecordError]) -> ParsedPoll:
        """Wire records → LiveRecordings: values parsed (or looked up), repeats dropped.

        Runs for every record of every poll, 10,000 times, so the usual case comes first
        and is short: a record that says what it said last time (all but its duration),
        and whose duration the record made then still foresees (``LiveRecording.foresees``,
        the store's anchoring rule), *is* that record, the object itself. Nothing is
        read, built or stored for it, and the store (``model.reconcile``) finds the very
        object it holds.
        """
        unsorted = bool(errors)  # errors of the element-wise paths come first
        poll = self._polls = self._polls + 1
        records: list[LiveRecording] = []
        append = records.append
        known = self._known
        known_of = known.get
        duration_of = self._durations.get
        join = _join
        for index, wire in enumerate(wires):
            if wire is None:
                continue
            wires[index] = None  # freed after this record, while it is still in the cache
            rec_id = wire.id
            seconds = duration_of(wire.duration)  # None (no duration) is in it: 0 s
            if seconds is None:
                try:
                    seconds = self._duration(wire.duration)
                except ValueError as exc:
                    errors.append(_error(index, rec_id, str(exc)))
                    continue
            # What it says apart from its id, duration and pause flag, as one text to
            # compare with the next poll's (see _Seen). None for a record read by Python:
            # no JSON text is left, and it is rebuilt every poll (a rare path anyway).
            said = (join((wire.startedAt, wire.localParty, wire.remoteParty))
                    if type(wire) is WireRecording else None)
            seen = known_of(rec_id)
            if seen is not None:
                if seen.poll == poll:
                    errors.append(RecordError(index, rec_id, "duplicate id"))
                    continue
                if said is not None and said == seen.said and wire.isPaused is seen.paused:
                    seen.poll = poll
                    # LiveRecording.foresees, written out on the copies in ``seen``: the
                    # record itself is not read (see _Seen); test_decode.py holds them equal.
                    if seen.paused is True or observed_at <= seen.observed_at:
                        off = seconds - seen.duration
                    else:
                        off = seconds - seen.duration - (observed_at - seen.observed_at)
                    if -1.0 < off < 1.0:
                        append(seen.record)
                    else:  # a correction by the server: this report is the new anchor
                        append(self._remember(seen, replace(
                            seen.record, duration=seconds, observed_at=observed_at)))
                    continue
            try:
                rec = self._build(wire, seconds, observed_at)
            except _Unreadable as exc:
                errors.append(_error(index, rec_id, exc.reason))
                continue
            known[rec_id] = _Seen(said, wire.isPaused, rec, seconds, observed_at, poll)
            append(rec)
        if len(known) > len(records) * 5 // 4 + 64:  # now and then, not every poll
            self._known = {key: seen for key, seen in known.items() if seen.poll == poll}
        if unsorted:
            errors.sort(key=lambda error: error.index)
        return ParsedPoll(records, errors)

    @staticmethod
    def _remember(seen: _Seen, rec: LiveRecording) -> LiveRecording:
        """``rec`` is now what ``seen`` stands for: its figures copied (see _Seen)."""
        seen.record, seen.duration, seen.observed_at = rec, rec.duration, rec.observed_at
        return rec

    def _duration(self, text: str) -> float:
        """A duration text not seen lately: parsed, and remembered."""
        try:
            seconds = parse_duration(text)
        except ValueError:
            raise ValueError(f"duration {text[:40]!r} is not ISO 8601") from None
        durations = self._durations
        if len(durations) >= self.MAX_DURATIONS:
            durations.clear()
            durations[None] = 0.0  # no duration: 0 s
        durations[text] = seconds
        return seconds

    def _build(self, wire: Wire, seconds: float, observed_at: float) -> LiveRecording:
        """A record not in the last poll, or changed: every field read. Raises
        _Unreadable for an id that is blank or a party of the wrong shape."""
        rec_id = wire.id
        if not rec_id or rec_id.isspace():
            raise _Unreadable(_ID_REASON)
        local = _party(wire.localParty, _decode_local, ".localParty")
        remote = _party(wire.remoteParty, _decode_remote, ".remoteParty")
        username = "" if local is None else local.username
        if remote is None:
            first = last = number = ""
        else:
            first, last, number = remote.firstName, remote.lastName, remote.phoneNumber
        started = wire.startedAt
        if type(started) is msgspec.Raw:
            started = _decode_value(started)
        started_at = None
        if type(started) is str and started:
            try:
                started_at = parse_started_at(started, self.server_tz)
            except ValueError:  # a bad start time hides one cell, not the record
                pass
        return LiveRecording(rec_id, seconds, started_at, _text(username), _text(first),
                             _text(last), _text(number), wire.isPaused is True, observed_at)


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
