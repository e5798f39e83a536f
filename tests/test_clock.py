"""TickTimes: what each 1 Hz tick stands for, whatever the timer's jitter."""

from livedash.clock import TickTimes


def test_ticks_a_little_late_stand_for_whole_periods():
    ticks = TickTimes()
    readings = [1000.004, 1001.030, 1001.998, 1003.210, 1004.015]
    assert [ticks.next(r) for r in readings] == [1000.004, 1001.004, 1002.004, 1003.004,
                                                 1004.004]


def test_a_skipped_tick_or_a_long_stall_starts_afresh():
    ticks = TickTimes()
    assert ticks.next(1000.0) == 1000.0
    assert ticks.next(1002.1) == 1002.1  # a tick skipped under load
    assert ticks.next(1003.1) == 1003.1
    assert ticks.next(1003.5) == 1003.5  # an extra tick (a test, a restart): as read
    assert ticks.next(1004.6) == 1004.5
