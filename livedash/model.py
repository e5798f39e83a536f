"""What a live recording is, the filters that select them, and how one poll relates to the last.

Pure Python, no Textual, no JSON: ``decode.py`` turns the server's bytes into these
records. This module is the one home for what a record holds; nothing else indexes one
by position or repeats the duration formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import NamedTuple

import msgspec

# The endpoint's four query filters, in the order the vendor's article lists them.
FILTER_NAMES = ("deviceName", "directoryNumber", "username", "numericUserId")


@dataclass(frozen=True)
class Filters:
    """The four query filters of the LiveRecordings endpoint; all given ones are ANDed.

    Values are held trimmed: a blank value (``" "``) *is* no filter, so the poller (what
    it sends) and the store (which answers it keeps) agree on what "unfiltered" means.
    """

    deviceName: str = ""
    directoryNumber: str = ""
    username: str = ""
    numericUserId: str = ""

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if value != value.strip():
                object.__setattr__(self, spec.name, value.strip())

    def as_query(self) -> dict[str, str]:
        """Only the filters that carry a value: blank ones are omitted, never sent as ``name=``."""
        return {name: value for name in FILTER_NAMES if (value := getattr(self, name))}

    def describe(self) -> str:
        """Human summary, e.g. ``username=user1 AND deviceName=SEP…``; '' when unfiltered."""
        return " AND ".join(f"{k}={v}" for k, v in self.as_query().items())

    def __bool__(self) -> bool:
        return bool(self.as_query())


class LiveRecording(msgspec.Struct, frozen=True, gc=False):
    """One active recording as the server reported it at ``observed_at``.

    A msgspec Struct: immutable, compared by value, cheap to build, and (``gc=False``)
    never visited by the garbage collector, which at 10,000 records a poll otherwise
    pauses the event loop for 10-20 ms now and then.
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
        """Duration extrapolated to the monotonic time ``now``: THE duration formula.

        A paused recording is frozen at the server's value: whether the server's duration
        grows during a pause is undocumented, so we never invent time for it.
        """
        if self.is_paused or now <= self.observed_at:
            return self.duration
        return self.duration + (now - self.observed_at)

    def same_but_duration(self, other: LiveRecording) -> bool:
        """True when nothing a user would notice changed, apart from the ticking duration."""
        return (
            self.is_paused == other.is_paused
            and self.username == other.username
            and self.first_name == other.first_name
            and self.last_name == other.last_name
            and self.phone_number == other.phone_number
            and self.started_at == other.started_at
        )

    def predicts(self, later: LiveRecording) -> bool:
        """Whether this report, ticking on, still tells ``later``'s duration (within the
        second the server rounds to). Then it may stand for ``later``: shown durations
        carry on without a jolt, and an unchanged row stays the very same object."""
        return self.foresees(later.duration, later.observed_at)

    def foresees(self, duration: float, at: float) -> bool:
        """:meth:`predicts` for a report of ``duration`` seconds at ``at``: the anchoring
        rule. ``decode.PollDecoder._records`` writes it out for speed (its test holds the
        two to the same answers)."""
        return -1.0 < duration - self.duration_at(at) < 1.0


def durations_at(records: Iterable[LiveRecording], now: float) -> list[float]:
    """``[rec.duration_at(now) for rec in records]``, for sorting thousands at once."""
    return [rec.duration_at(now) for rec in records]


class Reconciled(NamedTuple):
    """A poll's records against the last poll's: see :func:`reconcile`."""

    records: dict[str, LiveRecording]  # by id, in the server's order
    added: list[str]
    changed: list[str]  # anything but the ticking duration


def reconcile(previous: Mapping[str, LiveRecording],
              fresh: Iterable[LiveRecording]) -> Reconciled:
    """Anchoring, in one place: a fresh record that only ticked on is replaced by the
    record it continues (the same object), as long as that one still predicts its
    duration; one off by a second or more (a server correction) takes over the anchor.

    Records are unique by id (``decode.py`` drops repeats).
    """
    records: dict[str, LiveRecording] = {}
    added: list[str] = []
    changed: list[str] = []
    last_of = previous.get
    for rec in fresh:
        rec_id = rec.id
        last = last_of(rec_id)
        if last is rec:  # the decoder found it continued: nearly every record of a poll
            pass
        elif last is None:
            added.append(rec_id)
        elif not last.same_but_duration(rec):
            changed.append(rec_id)
        elif last.predicts(rec):
            rec = last
        records[rec_id] = rec
    return Reconciled(records, added, changed)


class RecordError(NamedTuple):
    """A record that could not be read: its position in the array and why."""

    index: int
    record_id: str | None
    reason: str


@dataclass
class ParsedPoll:
    """One answer's readable records (in the server's order) and the unreadable ones."""

    records: list[LiveRecording] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)


@dataclass
class FetchResult:
    """One successful poll: the records of an answer to ``filters``."""

    filters: Filters
    records: list[LiveRecording]
    errors: list[RecordError] = field(default_factory=list)
    latency: float = 0.0  # seconds from sending the request to having the whole body
    decode_time: float = 0.0  # seconds spent turning the body into records (not waiting)
    # The client's monotonic clock when the answer arrived: this poll's time. Not to be
    # read off the records: one that only ticked on is the record of the poll that last
    # set its duration (decode.py hands back the same object), observed then.
    observed_at: float = 0.0
