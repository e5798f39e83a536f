"""row_order: sorting by each column, ties by id, where ended rows go. No Textual here."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from livedash.model import LiveRecording, durations_at
from livedash.row_order import (
    SortOrder,
    frozen_durations,
    order_rows,
    view_rows,
    without_departed,
)
from livedash.table_layout import COLUMNS

NOW = 1000.0
BASE = datetime(2026, 11, 28, 9, 0, 0, tzinfo=UTC)


def rec(rec_id: str, duration: float, *, paused: bool = False, user: str = "agent",
        first: str = "Ann", last: str = "Lee", number: str = "+15550100",
        started: datetime | None = BASE, observed_at: float = NOW) -> LiveRecording:
    return LiveRecording(id=rec_id, duration=float(duration), started_at=started,
                         username=user, first_name=first, last_name=last, phone_number=number,
                         is_paused=paused, observed_at=observed_at)


def five() -> list[LiveRecording]:
    """Distinct values in every column, so each sort has one right answer."""
    return [
        rec("c-id", 300, user="carol", first="Zoe", last="", number="+3"),
        rec("a-id", 3000, user="alice", first="Bob", last="Ray", number="+5",
            started=BASE + timedelta(minutes=3)),
        rec("e-id", 5, paused=True, user="Eve", first="", last="", number="+1",
            started=BASE + timedelta(minutes=1)),
        rec("b-id", 42, user="bob", first="amy", last="", number="+4",
            started=BASE + timedelta(minutes=4)),
        rec("d-id", 7200, user="dave", first="Cy", last="", number="+2",
            started=BASE + timedelta(minutes=2)),
    ]


ASCENDING = {
    "state": ["a-id", "b-id", "c-id", "d-id", "e-id"],  # recording (by id), then paused
    "duration": ["e-id", "b-id", "c-id", "a-id", "d-id"],
    "user": ["a-id", "b-id", "c-id", "d-id", "e-id"],  # case-insensitive: alice … Eve
    "remote": ["b-id", "a-id", "d-id", "c-id", "e-id"],  # amy, Bob Ray, Cy, Zoe, unknown
    "number": ["e-id", "d-id", "c-id", "b-id", "a-id"],
    "started": ["c-id", "e-id", "d-id", "a-id", "b-id"],
    "id": ["a-id", "b-id", "c-id", "d-id", "e-id"],
}


def ids(rows: list[LiveRecording]) -> list[str]:
    return [r.id for r in rows]


@pytest.mark.parametrize("key", COLUMNS)
def test_each_column_both_ways(key):
    rows = five()
    assert ids(order_rows(rows, SortOrder(key, False), now=NOW)) == ASCENDING[key]
    assert ids(order_rows(rows, SortOrder(key, True), now=NOW)) == ASCENDING[key][::-1]


@pytest.mark.parametrize("key", COLUMNS)
def test_ties_by_id_whatever_the_server_order(key):
    """Equal values everywhere: the order is the ids', and the reverse exactly reversed."""
    rows = [rec(f"r{i:02d}", 60) for i in range(20)]
    expected = [f"r{i:02d}" for i in range(20)]
    for seed in range(3):
        random.Random(seed).shuffle(rows)
        assert ids(order_rows(rows, SortOrder(key, False), now=NOW)) == expected
        assert ids(order_rows(rows, SortOrder(key, True), now=NOW)) == expected[::-1]


def test_durations_compare_at_the_given_time():
    # 100 s observed long ago outgrows 150 s observed now; a paused one does not grow
    rows = [rec("old", 100, observed_at=NOW - 60), rec("new", 150),
            rec("held", 140, paused=True, observed_at=NOW - 60)]
    assert ids(order_rows(rows, SortOrder("duration", True), now=NOW)) == ["old", "new", "held"]


def test_ended_rows_stay_where_their_frozen_values_put_them():
    rows = five()  # the store lists the fading-out records last
    ended = {"a-id"}
    frozen = {"a-id": 10.0}  # it ended 10 s into the call, as far as the table saw
    order = order_rows(rows, SortOrder("duration", False), now=NOW, ended=ended, frozen=frozen)
    assert ids(order) == ["e-id", "a-id", "b-id", "c-id", "d-id"]
    # by state: recording, paused, ended
    order = order_rows(rows, SortOrder("state", False), now=NOW, ended=ended, frozen=frozen)
    assert ids(order) == ["b-id", "c-id", "d-id", "e-id", "a-id"]
    # by anything else, an ended row is a row like the others
    order = order_rows(rows, SortOrder("user", False), now=NOW, ended=ended, frozen=frozen)
    assert ids(order) == ASCENDING["user"]


def test_frozen_durations_keep_the_value_they_froze_at():
    a, b = rec("a", 100, observed_at=NOW - 5), rec("b", 50, paused=True)
    first = frozen_durations({}, {"a": a}, NOW)
    assert first == {"a": 105.0}
    later = frozen_durations(first, {"a": a, "b": b}, NOW + 30)
    assert later == {"a": 105.0, "b": 50.0}
    assert frozen_durations(later, {}, NOW + 31) == {}


def test_view_filters_then_orders():
    rows = five()
    view = view_rows(rows, SortOrder("user", True), now=NOW, keep=lambda r: r.phone_number != "+1")
    assert ids(view) == ["d-id", "c-id", "b-id", "a-id"]
    assert ids(view_rows(rows, SortOrder(), now=NOW)) == ASCENDING["duration"][::-1]


def test_without_departed_keeps_the_order():
    rows = five()
    records = {r.id: r for r in rows[:2]}
    ended = {"d-id": rows[4]}
    assert ids(without_departed(rows, records, ended)) == ["c-id", "a-id", "d-id"]


def test_sort_order_steps():
    order = SortOrder()
    assert order == SortOrder("duration", True)
    assert order.next_column() == SortOrder("user", False)
    assert SortOrder("id", False).next_column() == SortOrder("state", False)
    assert SortOrder("remote", False).next_column() == SortOrder("number", False)
    assert SortOrder("number", False).next_column() == SortOrder("started", True)
    assert order.reversed() == SortOrder("duration", False)
    assert order.clicked("duration") == SortOrder("duration", False)
    assert order.clicked("number") == SortOrder("number", False)
    assert SortOrder.by("started") == SortOrder("started", True)
    assert SortOrder.by("started", reverse=False) == SortOrder("started", False)
    with pytest.raises(ValueError):
        SortOrder.by("nope")


def test_durations_at_is_duration_at():
    rows = [rec("a", 10), rec("b", 10, paused=True), rec("c", 10, observed_at=NOW + 5),
            rec("d", 7.5, observed_at=NOW - 2.25), rec("e", 0, paused=True, observed_at=0)]
    for now in (0.0, NOW - 1, NOW, NOW + 0.5, NOW + 3600):
        assert durations_at(rows, now) == [r.duration_at(now) for r in rows]
