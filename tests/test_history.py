"""Recently ended recordings (history.py), fed by the store's polls: no Textual, no HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from livedash.clock import FixedClock
from livedash.errors import NetworkError
from livedash.history import MAX_ENTRIES, EndedHistory
from livedash.model import FetchResult, Filters, LiveRecording, RecordError
from livedash.store import LiveStore

ALICE = Filters(username="alice")
EVERYTHING = Filters()


def rec(rec_id: str, duration: float, clock: FixedClock, **fields) -> LiveRecording:
    values = dict(started_at=datetime(2026, 11, 28, 9, 0, tzinfo=UTC), username="alice",
                  first_name="Giulia", last_name="Rossi", phone_number="+390212345678",
                  is_paused=False)
    values.update(fields)
    return LiveRecording(rec_id, duration, observed_at=clock.monotonic(), **values)


class Floor:
    """A store fed by hand: each poll is the recordings named, their durations ticking."""

    def __init__(self, history: EndedHistory | None = None, filters: Filters = EVERYTHING):
        self.clock = FixedClock()
        self.store = LiveStore(self.clock, history=history)
        self.store.set_filters(filters)
        self.start = self.clock.monotonic()

    def poll(self, *recordings: tuple[str, dict] | str, errors=(), paused=()) -> None:
        records = []
        for item in recordings:
            rec_id, fields = (item, {}) if isinstance(item, str) else item
            elapsed = self.clock.monotonic() - self.start
            records.append(rec(rec_id, 60 + elapsed, self.clock,
                               is_paused=rec_id in paused, **fields))
        self.store.apply(FetchResult(self.store.filters, records, list(errors)))

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def ended(self) -> list:
        return self.store.history.entries(self.clock.monotonic())


def test_a_recording_that_leaves_is_recently_ended_with_its_last_duration():
    floor = Floor(history=EndedHistory(gap_seconds=30))
    floor.poll("a", "b")
    floor.advance(2)
    floor.poll("a", "b")  # the last poll that has "a": its duration was 62 s then
    last_seen = floor.clock.now()
    floor.advance(2)
    floor.poll("b")
    (entry,) = floor.ended()
    assert entry.id == "a" and entry.final_duration == 62  # not extrapolated to 64
    assert entry.last_seen == last_seen and entry.ended == floor.clock.now()
    assert not entry.interrupted and entry.record.username == "alice"


def test_most_recent_first_and_a_recording_seen_again_had_not_ended():
    floor = Floor()
    floor.poll("a", "b", "c")
    floor.advance(2)
    floor.poll("b", "c")
    floor.advance(2)
    floor.poll("c")
    assert [e.id for e in floor.ended()] == ["b", "a"]
    floor.advance(2)
    floor.poll("c", "a")  # "a" is back (the server had left it out): no end after all
    assert [e.id for e in floor.ended()] == ["b"]


def test_a_paused_recording_ends_with_its_frozen_duration():
    floor = Floor()
    floor.poll("a", paused={"a"})
    floor.advance(30)
    floor.poll(paused={"a"})
    (entry,) = floor.ended()
    assert entry.final_duration == 60  # paused at 60 s: it did not count on


def test_polls_that_failed_in_between_mark_the_end_as_noticed_late():
    floor = Floor(history=EndedHistory(gap_seconds=30))
    floor.poll("a", "b")
    floor.advance(2)
    floor.store.fail(NetworkError("cannot connect"), 2.0)
    floor.advance(2)
    floor.poll("b")
    floor.advance(40)  # polling paused for 40 s (p): no failure, but a gap
    floor.poll()
    late_after_gap, late_after_failure = floor.ended()
    assert late_after_failure.id == "a" and late_after_failure.interrupted
    assert late_after_gap.id == "b" and late_after_gap.interrupted
    assert late_after_gap.last_seen == floor.clock.now() - timedelta(seconds=40)


def test_a_record_the_poll_could_not_read_has_not_ended():
    floor = Floor()
    floor.poll("a", "b")
    floor.advance(2)
    floor.poll("b", errors=[RecordError(0, "a", "duration: not ISO 8601")])
    assert floor.ended() == []


def test_leaving_because_the_filters_changed_is_no_end_and_the_history_stays():
    floor = Floor(filters=ALICE)
    floor.poll("a1", "a2")
    floor.advance(2)
    floor.poll("a2")  # a1 ended, seen while watching alice
    floor.store.set_filters(Filters(username="bob"))
    floor.advance(2)
    floor.poll("b1")  # a2 left the view: the filter changed, the call did not end
    floor.advance(2)
    floor.store.set_filters(Filters())
    floor.poll("a2", "b1")
    floor.advance(2)
    floor.poll("a2")
    assert [(e.id, e.filters) for e in floor.ended()] == [("b1", Filters()), ("a1", ALICE)]


def test_a_recording_seen_again_after_a_filter_change_had_not_ended():
    floor = Floor()
    floor.poll("a", "b")
    floor.advance(2)
    floor.poll("b")  # "a" missing: taken for ended
    floor.store.set_filters(ALICE)
    floor.advance(2)
    floor.poll("a")  # the first answer for the new filters has it: it had not ended
    assert floor.ended() == []


def test_entries_expire_after_the_minutes_kept():
    floor = Floor(history=EndedHistory(minutes=30))
    floor.poll("a", "b")
    floor.advance(2)
    floor.poll("b")
    floor.advance(20 * 60)
    floor.poll()
    assert [e.id for e in floor.ended()] == ["b", "a"]
    floor.advance(10 * 60)  # "a" ended 30 min 0 s ago: still in; one second more, out
    assert [e.id for e in floor.ended()] == ["b", "a"]
    floor.advance(1)
    assert [e.id for e in floor.ended()] == ["b"]


def test_at_most_ten_thousand_entries_the_oldest_go_first():
    floor = Floor()
    ids = [f"r{n:05d}" for n in range(MAX_ENTRIES + 50)]
    floor.poll(*ids[:60])
    floor.advance(1)
    floor.poll()  # 60 end at once
    floor.poll(*ids[60:])
    floor.advance(1)
    floor.poll()  # 9,990 more: 10,050 in all
    ended = floor.ended()
    assert len(ended) == MAX_ENTRIES == len(floor.store.history)
    assert ended[0].id == ids[-1] and ended[-1].id == ids[50]  # the first 50 dropped


def test_a_record_that_only_ticked_ends_at_its_last_poll_not_at_the_record_s_time():
    """The decoder hands back the last poll's object for a record that only ticked on
    (its observed_at is that earlier poll's): the final duration counts to the time of
    the last poll that had it, the FetchResult's observed_at."""
    clock = FixedClock()
    store = LiveStore(clock, history=EndedHistory(gap_seconds=30))
    a = rec("a", 60, clock)
    store.apply(FetchResult(EVERYTHING, [a], observed_at=clock.monotonic()))
    clock.advance(2)
    store.apply(FetchResult(EVERYTHING, [a], observed_at=clock.monotonic()))  # ticked: 62
    clock.advance(2)
    store.apply(FetchResult(EVERYTHING, [], observed_at=clock.monotonic()))
    (entry,) = store.history.entries(clock.monotonic())
    assert entry.final_duration == 62
