"""How many recordings were running and paused over the last half hour (no Textual).

The kiosk's sparklines draw this. It is a ring buffer of fixed slots (30 s each, 60 of
them), fed with the counts of every successful poll at the time of an injected clock
(monotonic seconds), so that its contents over time are tested without waiting.

- A slot holds the highest counts seen in it: a short peak between two samples of a
  sparkline cell is not lost.
- A slot without a sample (polls further apart than a slot, or failing for a while)
  carries the counts of the slot before it: the last known value, as the table shows the
  last good rows (the glance marks them stale meanwhile); a value older than the span is
  dropped.
- The series ends with the current slot and starts at the first slot in the span that
  had a sample (or that a sample before the span carries into): a kiosk started ten
  minutes ago shows ten minutes, and says so, rather than twenty minutes of made-up zeros.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

SPAN_SECONDS = 30 * 60
SLOT_SECONDS = 30.0


@dataclass(frozen=True)
class CountTrend:
    """One value per slot, oldest first: what the sparklines draw."""

    recording: tuple[int, ...] = ()
    paused: tuple[int, ...] = ()
    slot_seconds: float = SLOT_SECONDS

    @property
    def seconds(self) -> float:
        """The time the series covers (0 when it is empty)."""
        return len(self.recording) * self.slot_seconds


class CountHistory:
    def __init__(self, span: float = SPAN_SECONDS, slot: float = SLOT_SECONDS):
        if slot <= 0 or span < slot:
            raise ValueError("the span must hold at least one slot of positive length")
        self.slot = slot
        self.slots = int(span // slot)
        # (slot number, recording, paused), one per slot that had a sample; one more than
        # the span holds, so that the oldest slot in the span can carry a value into it
        self._samples: deque[tuple[int, int, int]] = deque(maxlen=self.slots + 1)

    def _slot_of(self, now: float) -> int:
        return int(now // self.slot)

    def add(self, now: float, recording: int, paused: int) -> None:
        """The counts of a poll that arrived at monotonic time ``now``."""
        index = self._slot_of(now)
        samples = self._samples
        if samples:
            last, last_recording, last_paused = samples[-1]
            if index < last:  # a monotonic clock does not go back; a test clock might
                return
            if index == last:
                samples[-1] = (index, max(last_recording, recording),
                               max(last_paused, paused))
                return
        samples.append((index, recording, paused))

    def clear(self) -> None:
        self._samples.clear()

    def trend(self, now: float) -> CountTrend:
        """The slots of the span that ends with ``now``'s slot, as described above."""
        newest = self._slot_of(now)
        oldest = newest - self.slots + 1
        samples = [s for s in self._samples if s[0] <= newest]
        if not samples or samples[-1][0] < oldest:
            return CountTrend(slot_seconds=self.slot)
        before = [s for s in samples if s[0] < oldest]
        inside = [s for s in samples if s[0] >= oldest]
        first = oldest if before else inside[0][0]
        carried = before[-1] if before else inside[0]
        recording: list[int] = []
        paused: list[int] = []
        pending = iter(inside)
        upcoming = next(pending, None)
        for index in range(first, newest + 1):
            if upcoming is not None and upcoming[0] == index:
                carried = upcoming
                upcoming = next(pending, None)
            recording.append(carried[1])
            paused.append(carried[2])
        return CountTrend(tuple(recording), tuple(paused), self.slot)
