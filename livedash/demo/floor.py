"""A simulated contact-centre floor: the live recordings a demo server reports.

Pure Python (no aiohttp, no Textual) and deterministic for a seed, so tests can step it
by hand and benchmarks can replay it. Every public method takes one lock: the demo
server reads the floor from its own thread while a test thread steps or mutates it.

The simulation runs on its own clock: ``origin`` (read once from ``now``) plus the
simulated seconds elapsed. ``startedAt`` and ``duration`` therefore always agree, whether
the floor is stepped by hand or follows the monotonic clock (``live=True``).
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import random
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from functools import cache

from ..model import FILTER_NAMES  # noqa: F401 (the server reads it from here)
from .lines import (
    FILTER_ATTRIBUTES,
    AlreadyInState,
    AlreadyRecorded,
    Line,
    NoConnectedCall,
    NoSuchRecording,
    NotMonitorable,
    RecordedByPolicy,
    UnknownLine,
    line_predicate,
    line_rules,
)
from .spellings import ARRAYS, json_string, spelt_pieces
from .vendor_example import example_call

MEAN_CALL_SECONDS = 300.0  # a contact-centre call lasts 4-6 minutes on average
DEFAULT_CHURN = 1.0 / MEAN_CALL_SECONDS  # fraction of calls ending per simulated second
PAUSED_FRACTION = 0.05  # about 5 % of recordings are paused at any time (card numbers, …)
MEAN_PAUSE_SECONDS = 30.0
UNKNOWN_NAME_RATE = 0.03  # caller id without a directory match
UNKNOWN_NUMBER_RATE = 0.01  # withheld number: nothing known at all
SECOND_LINE_RATE = 0.04  # agents with two lines, so username AND deviceName filters matter
MAX_SUBSTEP = 5.0  # long steps are split so calls can start and end inside them

# (weight, first names, last names, phone prefix, digits after the prefix).
# Prefixes are fictional or drama ranges where a country has them (+1 555, Ofcom's 7946 0xxx).
_COUNTRIES = (
    (30, "James Mary Robert Patricia Michael Jennifer David Linda Emily Daniel Sarah Chris",
     "Smith Johnson Williams Brown Jones Garcia Miller Davis Wilson Anderson Taylor Moore",
     "+1555", 7),
    (15, "Oliver Amelia Harry Isla George Ava Jack Sophie Charlotte Thomas",
     "Taylor Evans Thomas Roberts Walker Wright Hughes Patel O'Brien Clarke",
     "+442079460", 3),
    (12, "Giulia Marco Alessandro Francesca Luca Chiara Matteo Sofia Niccolò",
     "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci De Luca",
     "+3902", 8),
    (8, "Jürgen Anna Lukas Lea Maximilian Hannah Felix Katrin",
     "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker",
     "+4930", 8),
    (8, "François Camille Léa Louis Chloé Hugo Manon Théo",
     "Martin Bernard Dubois Thomas Robert Richard Petit Lefèvre",
     "+331", 8),
    (8, "José María Javier Lucía Carmen Alejandro Pablo Elena",
     "García Fernández González Rodríguez López Martínez Sánchez Pérez",
     "+3491", 7),
    (6, "Aarav Priya Rohan Ananya Vikram Deepika",
     "Sharma Patel Singh Kumar Gupta Iyer",
     "+9198", 8),
    (5, "João Ana Pedro Beatriz Lucas Gabriela",
     "Silva Santos Oliveira Souza Costa Pereira",
     "+55119", 8),
    (3, "Yuki Haruto Sakura Ren Aoi Takeshi",
     "Tanaka Suzuki Takahashi Watanabe Ito Yamamoto",
     "+813", 8),
    (3, "Łukasz Agnieszka Piotr Katarzyna Zoë",
     "Nowak Wójcik Kowalczyk Lewandowski Zielińska",
     "+4822", 7),
    (2, "Øyvind Ingrid Sigrid Håkon",
     "Hansen Johansen Olsen Larsen",
     "+47", 8),
)
_COUNTRY_WEIGHTS = [c[0] for c in _COUNTRIES]
_COUNTRY_CUM_WEIGHTS = list(itertools.accumulate(_COUNTRY_WEIGHTS))
_COUNTRY_TOTAL = _COUNTRY_CUM_WEIGHTS[-1] + 0.0


def _draw_pool(rng: random.Random) -> tuple:
    """``rng.choices(_POOLS, _COUNTRY_WEIGHTS)[0]``: the same draw, as choices makes it,
    without re-summing the weights and building a list on each of the 25,000 draws of
    a 10,000-call floor."""
    return _POOLS[bisect.bisect(_COUNTRY_CUM_WEIGHTS, rng.random() * _COUNTRY_TOTAL, 0,
                                len(_POOLS) - 1)]
_POOLS = [(c[1].split(), c[2].split(), c[3], c[4]) for c in _COUNTRIES]

# The version and variant bits of a random (version 4) UUID, as uuid.UUID sets them.
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)

_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def is_guid(text: str) -> bool:
    return bool(_GUID.fullmatch(text))


def iso_duration(seconds: float) -> str:
    """Whole seconds as ``PT#H#M#S``, dropping leading zero units: PT0S, PT1M13S, PT2H0M5S."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"PT{hours}H{minutes}M{secs}S"
    if minutes:
        return f"PT{minutes}M{secs}S"
    return f"PT{secs}S"


def dotnet_timestamp(value: datetime) -> str:
    """The seed's format, e.g. 2018-07-02T15:07:00.0000000: 7 fractional digits, no zone."""
    if value.year < 1000:  # strftime's %Y does not pad: keep its output exactly
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond:06d}0"
    return (f"{value.year}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:"
            f"{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}0")


@cache  # the name pools are small; this runs for every generated agent
def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _compact_strings(value: dict[str, str]) -> str:
    """``_compact(value)`` for a dict of strings, without the encoder's Python layers."""
    if not all(type(item) is str for item in value.values()):
        return _compact(value)
    return "{" + ",".join(
        json_string(key) + ":" + json_string(item) for key, item in value.items()) + "}"


def _local_party_json(username: str) -> str:
    """``_compact({"username": username})``."""
    return '{"username":' + json_string(username) + "}"


class _Call:
    """One active recording. The JSON pieces that never change are encoded once."""

    __slots__ = (
        "base",
        "head",
        "id",
        "line",
        "paused",
        "remote",
        "since",
        "spelt",
        "started_at",
        "tail_paused",
        "tail_running",
    )

    def __init__(self, rec_id: str, line: Line, remote: dict[str, str], started_at: str,
                 recorded: float, since: float, paused: bool):
        self.id = rec_id
        self.line = line
        self.remote = remote
        self.started_at = started_at
        self.paused = paused
        # Recorded seconds are kept lazily: ``base`` up to the simulated time ``since``,
        # plus the time since then while running. A step then touches only calls that change.
        self.base = recorded
        self.since = since
        self.head = f'{{"id":{json_string(rec_id)},"duration":"'.encode()
        middle = (
            f'","startedAt":"{started_at}","localParty":{_local_party_json(line.username)}'
            f',"remoteParty":{_compact_strings(remote)},"isPaused":'
        )
        self.tail_running = (middle + "false}").encode()
        self.tail_paused = (middle + "true}").encode()
        self.spelt: dict[str, tuple[bytes, bytes, bytes]] = {}  # other spellings, on demand

    def pieces(self, spelling: str) -> tuple[bytes, bytes, bytes]:
        """(head, tail running, tail paused) of this record in another spelling: the
        bytes around its duration value, as ``json.dumps`` writes it in an array."""
        found = self.spelt.get(spelling)
        if found is None:
            found = self.spelt[spelling] = spelt_pieces(self, spelling)
        return found

    def recorded(self, elapsed: float) -> float:
        # Our choice for an undocumented point: a paused recording's duration does NOT grow.
        if self.paused:
            return self.base
        return self.base + (elapsed - self.since)


class Floor:
    """About ``size`` recorded calls on a pool of agents' lines larger than the call count.

    ``churn`` is the fraction of calls that end (and are replaced) per simulated second;
    the default gives a mean call of five minutes. A benchmark wanting "1 % churn per 2 s
    poll" passes ``churn=0.005``. Ending calls are counted exactly (fractions carry over
    between steps) so such a benchmark gets the churn it asked for.
    """

    def __init__(self, size: int = 40, seed: int = 1, now: Callable[[], datetime] | None = None,
                 *, live: bool = False, churn: float = DEFAULT_CHURN,
                 paused_fraction: float = PAUSED_FRACTION,
                 monotonic: Callable[[], float] = time.monotonic):
        self.size = size
        self.churn = churn
        self.live = live
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self.origin = (now or datetime.now)()
        self.elapsed = 0.0  # simulated seconds since origin
        self._monotonic = monotonic  # injectable so tests can drive a live floor
        self._last_monotonic = monotonic()
        self._resume_rate = 1.0 / MEAN_PAUSE_SECONDS
        pf = min(max(paused_fraction, 0.0), 0.5)
        self._pause_rate = self._resume_rate * pf / (1.0 - pf)
        self._calls: dict[str, _Call] = {}
        self._paused: dict[str, None] = {}  # ordered, unlike a set, so choices stay deterministic
        self._unrecorded: dict[Line, dict[str, str]] = {}  # connected calls whose recording stopped
        self._debt = {"end": 0.0, "pause": 0.0, "resume": 0.0}
        self._taken: set[str] = set()  # identifiers in use, kept unique across generated lines
        self._suffix: dict[str, int] = {}  # last number appended to a username stem
        self._free: list[Line] = []
        self._add_lines(max(size + size // 2, size + 12))
        for _ in range(size):
            self._start_initial_call()

    # ----------------------------------------------------------------- construction
    @classmethod
    def seed_example(cls, extra: int = 0, *, seed: int = 1,
                     now: Callable[[], datetime] | None = None) -> Floor:
        """A floor holding the vendor article's example record, plus ``extra`` random calls.

        Its clock reads 2018-07-02 15:08:13, when the example (started 15:07:00) is PT1M13S.
        """
        floor = cls(size=0, seed=seed, now=now or (lambda: datetime(2018, 7, 2, 15, 8, 13)),
                    churn=0.0, paused_fraction=0.0)
        floor.add_call(**example_call())
        with floor._lock:
            floor._add_lines(extra + extra // 2 + 2)
            for _ in range(extra):
                floor._start_initial_call()
        return floor

    def _add_lines(self, count: int) -> None:
        # Draws as rng.choice(seq) and rng.randrange(a, b) make them (seq[below(len(seq))],
        # a + below(b - a)), without their argument checks: 15,000 lines for a floor of
        # 10,000 calls are built while the dashboard waits. Same numbers, same floor.
        rng = self._rng
        below = rng._randbelow
        taken = self._taken
        agents = []
        for _ in range(count):
            first_names, last_names, _, _ = _draw_pool(rng)
            first = _ascii(first_names[below(len(first_names))])
            last = _ascii(last_names[below(len(last_names))])
            stems = (first[:1] + last, f"{first}.{last}", first + last[:1])
            stem = stems[below(3)]
            username = stem
            while username in taken:  # jsmith, then jsmith2, jsmith3, …
                self._suffix[stem] = self._suffix.get(stem, 1) + 1
                username = f"{stem}{self._suffix[stem]}"
            taken.add(username)
            agents.append((username, self._unique(lambda: str(100000 + below(900000)))))
        for username, numeric_id in agents:
            for _ in range(2 if rng.random() < SECOND_LINE_RATE else 1):
                device = self._unique(lambda: f"SEP{rng.getrandbits(48):012X}")
                number = self._unique(lambda: str(1000 + below(999000)))
                self._free.append(Line(device, number, username, numeric_id,
                                       *line_rules(device)))

    def _unique(self, make: Callable[[], str]) -> str:
        value = make()
        while value in self._taken:
            value = make()
        self._taken.add(value)
        return value

    def _new_id(self) -> str:
        # str(uuid.UUID(int=bits, version=4)), without building the UUID object
        bits = (self._rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET
        text = f"{bits:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def _remote_party(self) -> dict[str, str]:
        rng = self._rng
        first_names, last_names, prefix, digits = _draw_pool(rng)
        roll = rng.random()
        if roll < UNKNOWN_NUMBER_RATE:
            return {}
        below = rng._randbelow  # as in _add_lines: the draws of randrange and choice
        number = prefix + str(below(10**digits)).zfill(digits)
        if roll < UNKNOWN_NAME_RATE:
            return {"phoneNumber": number}
        return {"firstName": first_names[below(len(first_names))],
                "lastName": last_names[below(len(last_names))], "phoneNumber": number}

    def _take_free_line(self) -> Line | None:
        if not self._free:
            return None
        index = self._rng.randrange(len(self._free))
        self._free[index], self._free[-1] = self._free[-1], self._free[index]
        return self._free.pop()  # swap-and-pop: O(1) for 15,000 lines

    def _release(self, line: Line) -> None:
        self._free.append(line)

    def _sim_time(self, elapsed: float) -> datetime:
        return self.origin + timedelta(seconds=elapsed)

    def _place(self, line: Line, remote: dict[str, str], age: float, recorded: float,
               paused: bool, rec_id: str | None = None,
               started_at: datetime | None = None) -> _Call:
        started = started_at or self._sim_time(self.elapsed - age)
        call = _Call(rec_id or self._new_id(), line, remote, dotnet_timestamp(started),
                     recorded, self.elapsed, paused)
        self._calls[call.id] = call
        if paused:
            self._paused[call.id] = None
        return call

    def _start_initial_call(self) -> None:
        line = self._take_free_line()
        if line is None:
            return
        rng = self._rng
        mean = 1.0 / self.churn if self.churn > 0 else MEAN_CALL_SECONDS
        # Mostly the steady-state age of memoryless calls; a few long ones (escalations).
        age = rng.uniform(3600, 3 * 3600) if rng.random() < 0.03 else rng.expovariate(1 / mean)
        paused = rng.random() < self._pause_rate / (self._pause_rate + self._resume_rate)
        recorded = age * rng.uniform(0.5, 0.95) if paused else age
        self._place(line, self._remote_party(), age, recorded, paused)

    # ----------------------------------------------------------------- public API
    def add_call(self, *, username: str, device_name: str | None = None,
                 directory_number: str | None = None, numeric_user_id: str | None = None,
                 first_name: str | None = None, last_name: str | None = None,
                 phone_number: str | None = None, duration: float = 0.0,
                 started_at: datetime | None = None, paused: bool = False,
                 rec_id: str | None = None, recorded_by_policy: bool = False,
                 monitorable: bool = True) -> str:
        """Place one known call (for tests and the seed example); returns its id.

        Unknown identifiers are generated. ``startedAt`` defaults to now minus ``duration``.
        """
        with self._lock:
            line = self._known_line(username, device_name, directory_number, numeric_user_id,
                                    recorded_by_policy, monitorable)
            remote = {key: value for key, value in (
                ("firstName", first_name), ("lastName", last_name), ("phoneNumber", phone_number),
            ) if value is not None}
            call = self._place(line, remote, duration, duration, paused, rec_id, started_at)
            return call.id

    def add_line(self, *, username: str, device_name: str | None = None,
                 directory_number: str | None = None, numeric_user_id: str | None = None,
                 recorded_by_policy: bool = False, monitorable: bool = True) -> Line:
        """Add one known line without a call (a start there gets "no connected call")."""
        with self._lock:
            line = self._known_line(username, device_name, directory_number, numeric_user_id,
                                    recorded_by_policy, monitorable)
            self._free.append(line)
            return line

    def _known_line(self, username: str, device_name: str | None,
                    directory_number: str | None, numeric_user_id: str | None,
                    recorded_by_policy: bool, monitorable: bool) -> Line:
        rng = self._rng
        line = Line(
            device_name or self._unique(lambda: f"SEP{rng.getrandbits(48):012X}"),
            directory_number or self._unique(lambda: str(rng.randrange(1000, 1000000))),
            username,
            numeric_user_id or self._unique(lambda: str(rng.randrange(100000, 1000000))),
            recorded_by_policy,
            monitorable,
        )
        self._taken.update((line.device_name, line.directory_number, username,
                            line.numeric_user_id))
        return line

    def __len__(self) -> int:
        with self._lock:
            return len(self._calls)

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._calls)

    def lines(self) -> list[Line]:
        """Every line with a recorded call, in output order (for tests choosing filters)."""
        with self._lock:
            return [call.line for call in self._calls.values()]

    def idle_lines(self) -> list[Line]:
        """Lines with no call at all (a start there gets "no connected call")."""
        with self._lock:
            return list(self._free)

    def now(self) -> datetime:
        """The simulated wall-clock time (server local time, no zone)."""
        with self._lock:
            return self._sim_time(self.elapsed)

    def advance_to_now(self) -> None:
        """Live floors follow the monotonic clock; the server calls this on every request."""
        with self._lock:
            current = self._monotonic()
            if self.live:
                self.step(current - self._last_monotonic)
            self._last_monotonic = current

    def step(self, seconds: float) -> None:
        """Advance the simulation by ``seconds`` of simulated time."""
        with self._lock:
            remaining = max(0.0, seconds)
            while remaining > 0:
                dt = min(remaining, MAX_SUBSTEP)
                remaining -= dt
                self.elapsed += dt
                self._end_calls(dt)
                self._toggle_pauses(dt)
                while len(self._calls) < self.size and self._free:
                    self._place(self._take_free_line(), self._remote_party(), 0.0, 0.0, False)

    def _due(self, kind: str, rate: float) -> int:
        """Events of one kind due this step: expected counts accumulate, fractions carry over."""
        self._debt[kind] += rate
        due = int(self._debt[kind])
        self._debt[kind] -= due
        return due

    def _end_calls(self, dt: float) -> None:
        due = min(self._due("end", self.churn * dt * len(self._calls)), len(self._calls))
        if due:
            for rec_id in self._rng.sample(list(self._calls), due):
                call = self._calls.pop(rec_id)
                self._paused.pop(rec_id, None)
                self._release(call.line)
        # Calls whose recording a supervisor stopped go on unrecorded, and end like the others.
        p_end = 1.0 - math.exp(-self.churn * dt)
        for line in [ln for ln in self._unrecorded if self._rng.random() < p_end]:
            del self._unrecorded[line]
            self._release(line)

    def _toggle_pauses(self, dt: float) -> None:
        running = len(self._calls) - len(self._paused)
        for _ in range(self._due("pause", self._pause_rate * dt * running)):
            call = self._calls[self._rng.choice(list(self._calls))]
            if not call.paused:
                self._set_paused(call, True)
        for _ in range(self._due("resume", self._resume_rate * dt * len(self._paused))):
            if self._paused:
                self._set_paused(self._calls[self._rng.choice(list(self._paused))], False)

    def _set_paused(self, call: _Call, paused: bool) -> None:
        call.base = call.recorded(self.elapsed)
        call.since = self.elapsed
        call.paused = paused
        if paused:
            self._paused[call.id] = None
        else:
            self._paused.pop(call.id, None)

    # ----------------------------------------------------------------- reading
    def _matching(self, filters: Mapping[str, str] | None) -> Iterable[_Call]:
        # Exact, case-sensitive match (our choice; the article does not say). Empty values
        # and names other than the four filters are ignored, as if not given.
        wanted = {k: v for k, v in (filters or {}).items() if k in FILTER_ATTRIBUTES and v}
        calls = self._calls.values()
        if not wanted:
            return calls
        matches = line_predicate(wanted)
        return [call for call in calls if matches(call.line)]

    def recordings(self, filters: Mapping[str, str] | None = None) -> list[dict]:
        """The contract objects of the active recordings matching ALL given filters."""
        with self._lock:
            elapsed = self.elapsed
            # Inlined rather than a method per call: this runs for 10,000 calls per poll.
            return [
                {
                    "id": call.id,
                    "duration": iso_duration(call.base if call.paused
                                             else call.base + (elapsed - call.since)),
                    "startedAt": call.started_at,
                    "localParty": {"username": call.line.username},
                    "remoteParty": call.remote.copy(),
                    "isPaused": call.paused,
                }
                for call in self._matching(filters)
            ]

    def encoded(self, filters: Mapping[str, str] | None = None,
                spelling: str = "compact") -> bytes:
        """``recordings(filters)`` as UTF-8 JSON, in one of ``spellings.SPELLINGS``.

        Each record's bytes around its duration are built once (compact at once, the
        others on first use, with ``json``): 10,000 calls are written in a few ms.
        """
        if spelling != "compact":
            start, separator, end = (part.encode() for part in ARRAYS[spelling])
            with self._lock:
                elapsed = self.elapsed
                parts = []
                for call in self._matching(filters):
                    head, running, paused = call.pieces(spelling)
                    parts.append(head + iso_duration(call.recorded(elapsed)).encode()
                                 + (paused if call.paused else running))
            return start + separator.join(parts) + end if parts else b"[]"
        with self._lock:
            elapsed = self.elapsed
            parts = [
                call.head + iso_duration(call.recorded(elapsed)).encode()
                + (call.tail_paused if call.paused else call.tail_running)
                for call in self._matching(filters)
            ]
        return b"[" + b",".join(parts) + b"]"

    # ----------------------------------------------------------------- supervisor actions
    def pause(self, rec_id: str) -> None:
        self._pause_or_resume(rec_id, True)

    def resume(self, rec_id: str) -> None:
        self._pause_or_resume(rec_id, False)

    def _pause_or_resume(self, rec_id: str, paused: bool) -> None:
        with self._lock:
            call = self._calls.get(rec_id)
            if call is None:
                raise NoSuchRecording(rec_id)
            if call.paused == paused:
                raise AlreadyInState("already paused" if paused else "not paused")
            self._set_paused(call, paused)

    def supervisor_stop(self, rec_id: str) -> None:
        """``stop`` as a supervisor asks it: refused on lines that cannot be stopped."""
        with self._lock:
            call = self._calls.get(rec_id)
            if call is None:
                raise NoSuchRecording(rec_id)
            if not call.line.monitorable:
                raise NotMonitorable(rec_id)
            if call.line.recorded_by_policy:
                raise RecordedByPolicy(rec_id)
            self.stop(rec_id)

    def stop(self, rec_id: str) -> None:
        """Stop recording; the call itself goes on, so it can be recorded again.

        Whatever the line (tests end recordings with it): see ``supervisor_stop``.
        """
        with self._lock:
            call = self._calls.pop(rec_id, None)
            if call is None:
                raise NoSuchRecording(rec_id)
            self._paused.pop(rec_id, None)
            self._unrecorded[call.line] = call.remote

    def start(self, device_name: str = "", directory_number: str = "") -> str:
        """Start recording the connected call on a device and/or line; returns the new id."""
        with self._lock:
            wanted = {k: v for k, v in (("deviceName", device_name),
                                        ("directoryNumber", directory_number)) if v}
            if not wanted:
                raise UnknownLine("a deviceName or directoryNumber is required")
            lines = [call.line for call in self._calls.values()] + list(self._unrecorded) + \
                self._free
            if any(not line.monitorable for line in lines if line.matches(wanted)):
                raise NotMonitorable(device_name or directory_number)
            for call in self._calls.values():
                if call.line.matches(wanted):
                    raise AlreadyRecorded(call.id)
            for line, remote in self._unrecorded.items():
                if line.matches(wanted):
                    del self._unrecorded[line]
                    return self._place(line, remote, 0.0, 0.0, False).id
            if any(line.matches(wanted) for line in self._free):
                raise NoConnectedCall(device_name or directory_number)
            raise UnknownLine(device_name or directory_number)
