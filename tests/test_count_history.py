"""CountHistory: the kiosk's sparkline data over time, on an injected clock (no Textual)."""

import pytest

from livedash.clock import FixedClock
from livedash.count_history import SLOT_SECONDS, SPAN_SECONDS, CountHistory, CountTrend


@pytest.fixture
def clock():
    return FixedClock(monotonic=0.0)


def feed(history, clock, seconds, every, counts):
    """Poll every ``every`` seconds for ``seconds``; ``counts(t)`` → (recording, paused)."""
    end = clock.monotonic() + seconds
    while clock.monotonic() < end:
        history.add(clock.monotonic(), *counts(clock.monotonic()))
        clock.advance(every)


def test_nothing_seen_nothing_drawn(clock):
    trend = CountHistory().trend(clock.monotonic())
    assert trend == CountTrend() and trend.seconds == 0


def test_half_an_hour_in_30_second_slots_holding_each_slots_peak(clock):
    assert (SPAN_SECONDS, SLOT_SECONDS) == (1800, 30)
    history = CountHistory()
    # every 2 s for an hour: the recording count is the minute (a slow climb), with a
    # one-poll peak of 99 in the middle of every 5th minute; one paused call in odd minutes
    def counts(t):
        minute = int(t // 60)
        peak = minute % 5 == 0 and t % 60 == 30
        return (99 if peak else minute), minute % 2
    feed(history, clock, 3600, 2, counts)
    clock.advance(-2)  # at the last poll, 59:58
    trend = history.trend(clock.monotonic())
    assert len(trend.recording) == len(trend.paused) == 60 and trend.seconds == 1800
    # the last 30 minutes (minutes 30-59), two slots a minute, oldest first
    expected = []
    for minute in range(30, 60):
        expected += [minute, 99 if minute % 5 == 0 else minute]
    assert list(trend.recording) == expected
    assert list(trend.paused) == [m % 2 for m in range(30, 60) for _ in (0, 1)]
    clock.advance(2)  # the next slot begins: it carries the last counts, the oldest leaves
    assert history.trend(clock.monotonic()).recording == (*expected[1:], 59)


def test_a_young_kiosk_shows_only_what_it_saw(clock):
    history = CountHistory()
    clock.advance(990)
    feed(history, clock, 300, 2, lambda t: (4, 1))  # 5 minutes, from 16:30 to 21:28
    clock.advance(-2)
    trend = history.trend(clock.monotonic())
    assert trend.recording == (4,) * 10 and trend.paused == (1,) * 10
    assert trend.seconds == 300


def test_slots_without_a_poll_carry_the_last_counts(clock):
    history = CountHistory()
    feed(history, clock, 600, 120, lambda t: (int(t // 120), 0))  # a poll every 2 min
    trend = history.trend(500)
    # 0 at 0 s, 1 at 120 s, ... 4 at 480 s: each held for the 4 slots until the next
    assert trend.recording == (0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4)


def test_the_last_counts_carry_on_until_they_leave_the_span(clock):
    history = CountHistory()
    feed(history, clock, 600, 10, lambda t: (7, 2))  # 10 minutes of answers, to 9:50
    clock.advance(25 * 60)  # then 25 minutes of failures: nothing is added
    trend = history.trend(clock.monotonic())  # 35:00: the span is 5:30 to 35:00
    assert trend.recording == (7,) * 60 and trend.paused == (2,) * 60
    clock.advance(5 * 60)  # 40:00: the last sample (9:50) is older than the span
    assert history.trend(clock.monotonic()) == CountTrend()


def test_a_sample_before_the_span_carries_into_its_first_slots(clock):
    history = CountHistory()
    history.add(0, 3, 0)
    history.add(1790, 5, 1)  # the only sample inside the span ending at 1810
    trend = history.trend(1810)  # slots 1 to 60
    assert trend.recording == (3,) * 58 + (5, 5)
    assert trend.paused == (0,) * 58 + (1, 1)


def test_clear_and_odd_spans(clock):
    history = CountHistory(span=60, slot=20)
    for t in (0, 25, 45, 65):
        history.add(t, int(t), 0)
    assert history.trend(65).recording == (25, 45, 65)
    history.add(30, 1000, 0)  # earlier than the last slot (a clock gone back): ignored
    assert history.trend(65).recording == (25, 45, 65)
    history.clear()
    assert history.trend(65) == CountTrend(slot_seconds=20)
    with pytest.raises(ValueError):
        CountHistory(span=10, slot=20)
