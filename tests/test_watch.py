"""watch.py: thresholds, the pause tracker, counts and crossings, on an injected clock.

Records go through a real LiveStore (so anchoring is as in the app); the clock moves only
by ``clock.advance``; every time handed to the Watch is a reading of that clock.
"""

from __future__ import annotations

import pytest

from livedash.clock import FixedClock
from livedash.model import FetchResult, Filters, LiveRecording
from livedash.store import LiveStore
from livedash.watch import (
    LONG_CALL_MARK,
    LONG_PAUSE_MARK,
    Crossing,
    Pause,
    Thresholds,
    Watch,
    WatchCounts,
    parse_threshold,
    pause_text,
    short_duration,
)


class Floor:
    """A store and a watch fed by hand: ``poll`` is one successful poll at the clock's time."""

    def __init__(self, thresholds: Thresholds, max_gap: float = float("inf")):
        self.clock = FixedClock()
        self.store = LiveStore(self.clock)
        self.watch = Watch(thresholds, start=self.clock.monotonic(), max_gap=max_gap)
        self.calls: dict[str, tuple[float, bool]] = {}  # id → (server duration, paused)

    def rec(self, rec_id: str) -> LiveRecording:
        duration, paused = self.calls[rec_id]
        return LiveRecording(rec_id, duration, None, "agent", "Ann", "Lee", "+1555", paused,
                             self.clock.monotonic())

    def poll(self) -> None:
        self.store.apply(FetchResult(Filters(), [self.rec(i) for i in self.calls]))
        self.watch.observe(self.store.records, self.clock.monotonic())

    def step(self, seconds: float = 1.0) -> None:
        """Time passes on the server: running calls grow."""
        self.clock.advance(seconds)
        for rec_id, (duration, paused) in self.calls.items():
            self.calls[rec_id] = (duration if paused else duration + seconds, paused)

    @property
    def now(self) -> float:
        return self.clock.monotonic()


# -- durations as people write them ------------------------------------------------------

@pytest.mark.parametrize(("text", "seconds"), [
    ("90s", 90), ("15m", 900), ("1h30m", 5400), ("1h 30m", 5400), ("900", 900),
    ("15:00", 900), ("1:30:00", 5400), ("2.5m", 150), (" 2m ", 120), ("15 minutes", 900),
    ("1", 1), ("24h", 86400),
])
def test_thresholds_read_as_written(text, seconds):
    assert parse_threshold(text) == seconds


@pytest.mark.parametrize(("text", "says"), [
    ("15x", "not a duration"), ("", "not a duration"), ("soon", "not a duration"),
    ("nan", "not a duration"), ("inf", "not a duration"), ("0", "between 1 second"),
    ("-5m", "between 1 second"), ("25h", "and 24 hours"), ("1.5s", "whole number"),
])
def test_bad_thresholds_say_why(text, says):
    with pytest.raises(ValueError, match=says):
        parse_threshold(text)


def test_short_durations_read_like_the_status_line():
    assert [short_duration(s) for s in (0, 59.9, 120, 900, 3599, 3600, 5400)] == [
        "0:00", "0:59", "2:00", "15:00", "59:59", "1:00:00", "1:30:00"]


# -- long calls --------------------------------------------------------------------------

def test_a_long_call_counts_and_marks_exactly_from_its_crossing_tick():
    floor = Floor(Thresholds(long_call=80))
    floor.calls = {"a": (75.0, False), "b": (3605.0, False), "c": (10.0, True)}
    floor.poll()
    watch = floor.watch
    seen = []
    for _ in range(6):
        rec = floor.store.records["a"]
        seen.append((watch.counts(floor.now).long_calls, watch.mark(rec, floor.now)))
        floor.step()  # no poll: the count is the local extrapolation
    assert seen == [(1, "")] * 5 + [(2, LONG_CALL_MARK)]
    # a paused recording does not count on
    floor.clock.advance(3600)
    assert not watch.is_long_call(floor.store.records["c"], floor.now)
    assert watch.counts(floor.now) == WatchCounts(2, 0)


def test_counts_follow_each_poll_new_calls_ended_calls_and_corrections():
    floor = Floor(Thresholds(long_call=60))
    floor.calls = {"a": (50.0, False)}
    floor.poll()
    assert floor.watch.counts(floor.now).long_calls == 0
    floor.calls["b"] = (70.0, False)  # a call first seen already over
    floor.calls["a"] = (65.0, False)  # the server corrects a's duration upwards
    floor.poll()
    assert floor.watch.counts(floor.now).long_calls == 2
    del floor.calls["b"]
    floor.poll()
    assert floor.watch.counts(floor.now).long_calls == 1


def test_the_bell_crossings_come_once_per_recording_and_not_for_what_was_already_over():
    floor = Floor(Thresholds(long_call=80))
    floor.calls = {"a": (75.0, False), "b": (3605.0, False), "d": (78.0, False)}
    floor.poll()
    watch = floor.watch
    rung = []
    for _ in range(10):
        floor.step()
        if floor.now % 2 == 0:
            floor.poll()  # polls in between do not repeat a crossing
        rung.append([(c.kind, c.recording_id) for c in watch.crossings(floor.now)])
    assert rung == [[], [("long_call", "d")], [], [], [("long_call", "a")], [], [], [], [], []]
    # the exact time of the crossing, not of the tick
    floor.calls["e"] = (79.5, False)
    floor.poll()
    floor.step()
    assert watch.crossings(floor.now) == [Crossing("long_call", "e", floor.now - 0.5)]


def test_a_crossing_that_a_poll_reveals_late_still_rings_once():
    floor = Floor(Thresholds(long_call=80))
    floor.calls = {"a": (70.0, False)}
    floor.poll()
    floor.step()
    assert floor.watch.crossings(floor.now) == []
    floor.calls["a"] = (85.0, False)  # the server's duration jumps past the threshold
    floor.clock.advance(0.2)
    floor.poll()
    floor.clock.advance(0.8)
    assert [c.recording_id for c in floor.watch.crossings(floor.now)] == ["a"]
    floor.step()
    floor.poll()
    assert floor.watch.crossings(floor.now) == []


def test_a_new_threshold_rings_only_for_crossings_after_it_is_set():
    floor = Floor(Thresholds())
    floor.calls = {"a": (100.0, False), "b": (55.0, False)}
    floor.poll()
    watch = floor.watch
    assert watch.counts(floor.now) == WatchCounts(0, 0) and watch.status_parts(floor.now) == []
    watch.set_thresholds(Thresholds(long_call=60), floor.now)
    assert watch.status_parts(floor.now) == ["1 over 1:00"]
    rung = []
    for _ in range(6):
        floor.step()
        rung += [c.recording_id for c in watch.crossings(floor.now)]
    assert rung == ["b"]
    watch.set_thresholds(Thresholds(), floor.now)
    assert watch.counts(floor.now) == WatchCounts(0, 0)
    assert watch.mark(floor.store.records["a"], floor.now) == ""


# -- pauses ------------------------------------------------------------------------------

def test_paused_for_counts_from_the_first_poll_that_saw_the_pause():
    floor = Floor(Thresholds(long_pause=120))
    floor.calls = {"a": (30.0, False), "b": (40.0, True)}
    floor.poll()
    # b was paused when livedash first saw it: its pause began before, "at least"
    assert floor.watch.pause("b") == Pause(floor.now, at_least=True)
    assert floor.watch.pause("a") is None
    floor.step(2)
    floor.calls["a"] = (32.0, True)
    floor.poll()
    began = floor.now
    assert floor.watch.pause("a") == Pause(began, at_least=False)
    floor.step(100)
    assert pause_text(floor.watch.pause("a"), floor.now) == "paused for 1:40"
    assert pause_text(floor.watch.pause("b"), floor.now) == "paused for at least 1:42"


def test_a_failed_poll_does_not_end_a_pause_and_a_resume_or_an_end_does():
    floor = Floor(Thresholds(long_pause=120))
    floor.calls = {"a": (30.0, False), "b": (40.0, False)}
    floor.poll()
    floor.calls["a"] = (30.0, True)
    floor.calls["b"] = (40.0, True)
    floor.step(2)
    floor.poll()
    began = floor.now
    floor.step(119)  # polls fail meanwhile: nothing is observed
    assert floor.watch.counts(floor.now).long_pauses == 0
    floor.step(1)
    assert floor.watch.counts(floor.now).long_pauses == 2
    assert floor.watch.mark(floor.store.records["a"], floor.now) == LONG_PAUSE_MARK
    floor.calls["a"] = (30.0, False)  # resumed
    del floor.calls["b"]  # ended
    floor.poll()
    assert floor.watch.counts(floor.now).long_pauses == 0
    assert floor.watch.pause("a") is None and floor.watch.pause("b") is None
    # paused again: a new pause, measured afresh, not "at least"
    floor.step(2)
    floor.calls["a"] = (32.0, True)
    floor.poll()
    assert floor.watch.pause("a") == Pause(floor.now, at_least=False) and floor.now > began


def test_a_pause_first_seen_after_a_long_gap_is_at_least():
    floor = Floor(Thresholds(long_pause=60), max_gap=5)
    floor.calls = {"a": (30.0, False)}
    floor.poll()
    floor.calls["a"] = (30.0, True)
    floor.step(300)  # five minutes of failed polls
    floor.poll()
    assert floor.watch.pause("a").at_least


def test_each_pause_crosses_once_and_a_long_pause_outranks_a_long_call():
    floor = Floor(Thresholds(long_call=60, long_pause=120))
    floor.calls = {"a": (100.0, False), "b": (10.0, True)}
    floor.poll()
    floor.calls["a"] = (100.0, True)
    floor.poll()
    watch = floor.watch
    assert watch.mark(floor.store.records["a"], floor.now) == LONG_CALL_MARK
    rung = []
    for _ in range(125):
        floor.step()
        rung += [(c.kind, c.recording_id) for c in watch.crossings(floor.now)]
    # b was paused at the first poll: livedash measures it from there, and it crosses too
    assert sorted(rung) == [("long_pause", "a"), ("long_pause", "b")]
    assert watch.mark(floor.store.records["a"], floor.now) == LONG_PAUSE_MARK
    assert watch.counts(floor.now) == WatchCounts(1, 2)
    assert watch.status_parts(floor.now) == ["1 over 1:00", "2 paused over 2:00"]


def test_filters_changing_keep_the_pauses_of_recordings_still_shown():
    floor = Floor(Thresholds(long_pause=120))
    floor.calls = {"a": (30.0, False), "b": (40.0, False)}
    floor.poll()
    floor.calls = {"a": (30.0, True), "b": (40.0, True)}
    floor.step(2)
    floor.poll()
    began = floor.now
    floor.store.set_filters(Filters(username="agent"))
    floor.step(2)
    del floor.calls["b"]
    floor.store.apply(FetchResult(Filters(username="agent"), [floor.rec("a")]))
    floor.watch.observe(floor.store.records, floor.now)
    assert floor.watch.pause("a") == Pause(began, at_least=False)
    assert floor.watch.pause("b") is None
