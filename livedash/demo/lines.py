"""The monitored phone lines of the demo floor, and what a supervisor may do on them.

The exceptions are the floor's refusals; the server turns each into the contract's answer
(``server.py``).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import attrgetter

# Lines a supervisor cannot stop (stop's 400 reasons 2 and 1), in percent of lines. Chosen
# from a checksum of the device name, not drawn from the floor's random generator: the
# floors of every seed stay call for call as they were.
POLICY_PERCENT = 5  # recorded automatically, by policy
UNMONITORABLE_PERCENT = 2  # the recorder cannot monitor the line


@dataclass(frozen=True, slots=True)
class Line:
    """A monitored phone line and the agent it belongs to (an agent may own two lines).

    ``recorded_by_policy``: every call is recorded automatically; a supervisor cannot stop
    it (stop's 400 reason 2). ``monitorable`` False: the recorder cannot control the line
    (stop's and, in our reading, start's 400 reason 1).
    """

    device_name: str
    directory_number: str
    username: str
    numeric_user_id: str
    recorded_by_policy: bool = False
    monitorable: bool = True

    def matches(self, wanted: Mapping[str, str]) -> bool:
        return all(getattr(self, FILTER_ATTRIBUTES[name]) == value
                   for name, value in wanted.items())


def line_predicate(wanted: Mapping[str, str]) -> Callable[[Line], bool]:
    """A fast test for 10,000 lines: one attrgetter compared with one value or tuple."""
    getter = attrgetter(*(FILTER_ATTRIBUTES[name] for name in wanted))
    target = tuple(wanted.values()) if len(wanted) > 1 else next(iter(wanted.values()))
    return lambda line: getter(line) == target


FILTER_ATTRIBUTES = {
    "deviceName": "device_name",
    "directoryNumber": "directory_number",
    "username": "username",
    "numericUserId": "numeric_user_id",
}


def line_rules(device_name: str) -> tuple[bool, bool]:
    """(recorded_by_policy, monitorable) of a generated line: a fixed share of lines."""
    bucket = zlib.crc32(device_name.encode()) % 100
    return bucket < POLICY_PERCENT, not (
        POLICY_PERCENT <= bucket < POLICY_PERCENT + UNMONITORABLE_PERCENT)


class NoSuchRecording(LookupError):
    """No live recording has that id (HTTP 409 in the contract)."""


class AlreadyInState(RuntimeError):
    """Pause of a paused recording, resume of a running one (HTTP 429 in the contract)."""


class UnknownLine(LookupError):
    """Start on a device/line the floor does not know (HTTP 400 reason 0, our reading)."""


class NotMonitorable(RuntimeError):
    """Stop or start on a line the recorder cannot monitor (HTTP 400 reason 1)."""


class RecordedByPolicy(RuntimeError):
    """Stop of a recording made by policy (HTTP 400 reason 2)."""


class NoConnectedCall(RuntimeError):
    """Start on a line that has no call (HTTP 409 in the contract)."""


class AlreadyRecorded(RuntimeError):
    """Start on a line whose call is already recorded (HTTP 429 in the contract)."""
