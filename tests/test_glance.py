"""What the kiosk's glance reads (no Textual): totals, the longest call, threshold tiles."""

import pytest

from livedash.clock import FixedClock
from livedash.errors import NetworkError
from livedash.glance import (
    CLEAR_WORD,
    LONG_CALL_WORD,
    LONG_PAUSE_WORD,
    Glance,
    LongestCall,
    LongestCallFinder,
    ThresholdCount,
    long_calls,
    long_pauses,
    threshold_text,
)
from livedash.model import FetchResult, Filters, LiveRecording
from livedash.store import LiveStore
from livedash.table_layout import duration_text


def rec(rec_id, duration, *, paused=False, observed_at=0.0, user=None, first="Ann",
        last="Lee", number="+1555"):
    return LiveRecording(rec_id, duration, None, user if user is not None else "u" + rec_id,
                         first, last, number, paused, observed_at)


@pytest.mark.parametrize(("seconds", "text"), [
    (900, "15:00"), (120, "2:00"), (45, "0:45"), (5400, "1:30:00"), (36000, "10:00:00"),
])
def test_thresholds_read_as_durations(seconds, text):
    assert threshold_text(seconds) == text


def test_a_threshold_tile_says_it_in_words_not_only_colour():
    assert long_calls(0, 900) == ThresholdCount("CALLS ≥ 15:00", 0, "≥ 15:00", "⚠ LONG")
    assert long_pauses(3, 120) == ThresholdCount("PAUSES ≥ 2:00", 3, "❚❚ ≥ 2:00", "⚠ PAUSE")
    assert (long_calls(0, 900).alert, long_calls(0, 900).word) == (False, CLEAR_WORD)
    assert (long_calls(2, 900).alert, long_calls(2, 900).word) == (True, LONG_CALL_WORD)
    assert (long_pauses(1, 60).alert, long_pauses(1, 60).word) == (True, LONG_PAUSE_WORD)
    assert CLEAR_WORD.startswith("✓ ")


def test_the_longest_call_over_time_a_paused_one_is_overtaken():
    records = {r.id: r for r in (
        rec("short", 60, observed_at=100.0),
        rec("later", 100, observed_at=130.0),  # a later poll's report: 70 s "older" at 100
        rec("held", 200, paused=True, observed_at=100.0),
    )}
    finder = LongestCallFinder()
    assert finder.longest(records, 130.0).id == "held"  # 200 paused > 100 running
    assert finder.longest(records, 229.0).id == "held"  # 199 running
    assert finder.longest(records, 230.0).id == "later"  # a tie: the running one
    assert finder.longest(records, 400.0).id == "later"  # 370 against 340 and 200
    assert finder.longest({}, 400.0) is None


def test_the_finder_looks_at_the_records_once_per_poll():
    finder = LongestCallFinder()
    records = {"a": rec("a", 10)}
    assert finder.longest(records, 0).id == "a"
    records["b"] = rec("b", 99)  # the store never changes a dict it handed out
    assert finder.longest(records, 0).id == "a"  # the same poll: the same answer
    assert finder.longest(dict(records), 0).id == "b"  # a new poll


def test_the_glance_of_a_store():
    clock = FixedClock(monotonic=0.0)
    store = LiveStore(clock)
    glance = Glance()

    def view(level="live", duration=duration_text, **kwargs):
        now = clock.monotonic()
        return glance.view(store, level=level, now=now, page="page 1/1",
                           duration_text=lambda r: duration(r, now), **kwargs)

    before = view()
    assert (before.recording, before.paused, before.longest) == (None, None, None)
    assert not before.trend.recording and before.long_calls is None
    # thresholds asked for, nothing to count yet: no figure and no all-clear
    blind = view(long_calls=long_calls(0, 900), long_pauses=long_pauses(0, 120))
    assert blind.long_calls.count is None and blind.long_pauses.count is None
    assert blind.long_calls.word == "" and not blind.long_calls.alert
    glance.observe(store, clock.monotonic())  # no answer yet: nothing to count
    assert not view().trend.recording

    store.apply(FetchResult(Filters(), [
        rec("a", 70, user="alice", first="Hugo", last="Martin"),
        rec("b", 3600, paused=True, user="bob\x1b[31m", first="", last="", number=""),
        rec("c", 5, user="carol", first="", last="", number="+3902"),
    ]))
    glance.observe(store, clock.monotonic())
    shown = view(long_calls=long_calls(1, 900), long_pauses=long_pauses(1, 120))
    assert (shown.recording, shown.paused) == (2, 1)  # running and paused: 3 in all
    # server text made safe; a caller without a name or number reads "unknown"
    assert shown.longest == LongestCall("bob␛[31m", "unknown", "1:00:00", True)
    assert shown.trend.recording == (2,) and shown.trend.paused == (1,)
    assert shown.long_calls.count == 1 and shown.long_pauses.label == "PAUSES ≥ 2:00"
    clock.advance(600)
    assert view().trend.recording == (2,) * 21  # the last counts carry on, slot by slot
    clock.advance(2931)  # alice's call (70 s + 3531 s) overtakes bob's paused one
    assert view().longest == LongestCall("alice", "Hugo Martin", "1:00:01", False)
    assert not view().trend.recording  # counts older than half an hour are gone
    store.fail(NetworkError("refused"), 5.0)
    stale = view("stale", lambda r, now: duration_text(r, now, estimated=True))
    assert stale.stale and stale.recording == 2 and stale.longest.duration == "~1:00:01"
