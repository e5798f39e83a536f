"""model.py: what a record is, the filters, and how a poll's records continue the last's."""

import gc
from datetime import UTC, datetime

import msgspec
import pytest

from livedash.model import Filters, LiveRecording, durations_at, reconcile


def rec(rec_id="a", duration=73.0, *, observed_at=10.0, paused=False, first="John",
        started=datetime(2018, 7, 2, 15, 7, tzinfo=UTC)) -> LiveRecording:
    return LiveRecording(rec_id, duration, started, "user1", first, "Doe", "+1555123456",
                         paused, observed_at)


def test_ticking_is_frozen_while_paused():
    running, paused = rec(), rec(paused=True)
    assert running.duration_at(13.0) == 76 and paused.duration_at(13.0) == 73
    assert running.duration_at(9.0) == 73  # never before the server's own value
    assert durations_at([running, paused], 13.5) == [76.5, 73]


def test_a_record_is_immutable_and_unseen_by_the_garbage_collector():
    record = rec()
    with pytest.raises(AttributeError):
        record.duration = 5.0
    assert not gc.is_tracked(record)
    assert msgspec.structs.replace(record, duration=5.0).duration == 5.0


def test_same_but_duration_looks_at_everything_a_user_sees():
    base = rec()
    assert base.same_but_duration(rec(duration=500.0, observed_at=99.0))
    assert not base.same_but_duration(rec(paused=True))
    assert not base.same_but_duration(rec(first="Jane"))
    assert not base.same_but_duration(rec(started=None))


def test_a_record_predicts_a_later_one_within_a_second():
    anchor = rec(duration=73.0, observed_at=10.0)
    assert anchor.predicts(rec(duration=75.0, observed_at=12.004))  # arrival jitter
    assert anchor.predicts(rec(duration=74.0, observed_at=11.9))  # the server rounds down
    assert not anchor.predicts(rec(duration=120.0, observed_at=14.0))  # a correction
    assert not anchor.predicts(rec(duration=73.0, observed_at=14.0))  # a missed pause


@pytest.mark.parametrize("paused", [False, True])
@pytest.mark.parametrize("at", [9.0, 10.0, 10.5, 12.0, 100.0])
@pytest.mark.parametrize("later", [70.0, 72.5, 73.0, 73.9, 74.0, 75.0, 75.9, 76.0, 90.0, 163.0])
def test_foresees_is_duration_at_within_a_second(paused, at, later):
    # foresees is duration_at within a second, and predicts is foresees: never apart.
    anchor = rec(duration=73.0, observed_at=10.0, paused=paused)
    assert anchor.foresees(later, at) is (-1.0 < later - anchor.duration_at(at) < 1.0)
    assert anchor.predicts(rec(duration=later, observed_at=at)) is anchor.foresees(later, at)


def test_reconcile_keeps_the_anchor_object_of_a_record_that_only_ticked():
    previous = {"a": rec("a"), "b": rec("b"), "c": rec("c"), "gone": rec("gone")}
    fresh = [
        rec("a", 75.0, observed_at=12.0),  # ticked on: the anchor stays
        rec("b", 140.0, observed_at=12.0),  # corrected by the server: a new anchor
        rec("c", 75.0, observed_at=12.0, paused=True),  # paused: changed
        rec("new", 1.0, observed_at=12.0),
    ]
    records, added, changed = reconcile(previous, fresh)
    assert list(records) == ["a", "b", "c", "new"]  # the server's order
    assert records["a"] is previous["a"]
    assert records["b"] is fresh[1] and records["c"] is fresh[2]
    assert (added, changed) == (["new"], ["c"])


def test_reconcile_takes_the_objects_it_holds_as_they_are():
    previous = {"a": rec("a"), "b": rec("b", paused=True)}
    records, added, changed = reconcile(previous, [previous["b"], previous["a"]])
    assert list(records) == ["b", "a"] and added == changed == []
    assert records["a"] is previous["a"] and records["b"] is previous["b"]


def test_a_steady_floor_builds_no_new_records():
    previous = {f"r{i}": rec(f"r{i}", 10.0 + i) for i in range(100)}
    for step in range(1, 4):  # three polls, two seconds apart
        fresh = [rec(f"r{i}", 10.0 + i + 2 * step, observed_at=10.0 + 2 * step)
                 for i in range(100)]
        records, added, changed = reconcile(previous, fresh)
        assert all(records[key] is value for key, value in previous.items())
        assert added == changed == []


# -- filters ------------------------------------------------------------------------------

def test_filters_omit_blank_values():
    f = Filters(deviceName="SEP00112233AABB", directoryNumber="  ", username="", numericUserId="7")
    assert f.as_query() == {"deviceName": "SEP00112233AABB", "numericUserId": "7"}
    assert f.describe() == "deviceName=SEP00112233AABB AND numericUserId=7"
    assert not Filters(username="  ")


def test_filters_are_held_trimmed_so_blank_is_no_filter():
    # A blank value is the same filter as none at all, for the poller (what it sends)
    # and the store (which answers it keeps) alike: issue #8 point 5.
    assert Filters(username=" ") == Filters()
    assert Filters(username=" alice ", deviceName="\tSEP1 ") == Filters("SEP1", "", "alice")
    assert Filters(username=" alice ").username == "alice"
