"""table_rows: the live table's rows after polls, sorts, searches and fade-outs; where the
cursor goes. No Textual here."""

from __future__ import annotations

from livedash.clock import FixedClock
from livedash.model import FetchResult, Filters, LiveRecording
from livedash.row_order import SortOrder
from livedash.search import parse_query
from livedash.store import LiveStore
from livedash.table_rows import TableRows, first_row_after


def rec(rec_id: str, duration: float, user: str = "agent") -> LiveRecording:
    return LiveRecording(rec_id, float(duration), None, user, "Ann", "Lee", "+1555", False,
                         1000.0)


def poll(*records: LiveRecording) -> FetchResult:
    return FetchResult(Filters(), list(records))


def store_with(*records: LiveRecording) -> tuple[LiveStore, FixedClock]:
    clock = FixedClock()
    store = LiveStore(clock, fade_seconds=4)
    store.apply(poll(*records))
    return store, clock


def test_rows_follow_the_sort_longest_first_by_default():
    store, clock = store_with(rec("a", 10), rec("b", 300), rec("c", 42))
    view = TableRows()
    view.rebuild(store, clock.monotonic(), arrived=True)
    assert view.ids == ["b", "c", "a"] and len(view) == 3
    view.resort(SortOrder.by("duration", reverse=False))
    view.rebuild(store, clock.monotonic(), arrived=False)
    assert view.ids == ["a", "c", "b"]


def test_an_ended_row_stays_at_its_place_and_duration_then_leaves_without_a_resort():
    store, clock = store_with(rec("a", 10), rec("b", 300), rec("c", 42))
    view = TableRows()
    view.rebuild(store, clock.monotonic(), arrived=True)
    clock.advance(2)
    store.apply(poll(rec("a", 12), rec("b", 302)))  # c ended
    view.rebuild(store, clock.monotonic(), arrived=True)
    assert view.ids == ["b", "c", "a"] and view.ended == {"c"}
    assert view.frozen_duration("c") == 44.0 and view.frozen_duration("a") is None
    clock.advance(4)
    assert store.expire_marks()
    before = view.rows
    view.rebuild(store, clock.monotonic(), arrived=False)  # a fade-out: no poll, no sort
    assert view.ids == ["b", "a"] and view.ended == frozenset()
    assert view.rows == [r for r in before if r.id != "c"]


def test_the_search_keeps_only_what_it_finds():
    store, clock = store_with(rec("a", 10, "alice"), rec("b", 300, "bob"))
    view = TableRows()
    view.search.set(parse_query("ali"))
    view.rebuild(store, clock.monotonic(), arrived=True)
    assert view.ids == ["a"] and view.search.match_count == 1


def test_the_cursor_stays_on_its_recording_else_at_its_index_clamped():
    store, clock = store_with(rec("a", 10), rec("b", 300), rec("c", 42))
    view = TableRows()
    view.rebuild(store, clock.monotonic(), arrived=True)  # b c a
    assert view.index_after("a", 0) == 2
    assert view.index_after("gone", 1) == 1
    assert view.index_after("gone", 7) == 2
    assert view.index_after(None, 5) == 2
    assert view.index_of("c") == 1 and view.index_of("gone") is None
    assert TableRows().index_after("a", 3) == 0  # no rows


def test_the_first_row_puts_the_cursor_back_on_its_screen_row():
    assert first_row_after(index=30, screen_row=5, first=10, max_first=100) == 25
    assert first_row_after(index=2, screen_row=5, first=10, max_first=100) == 0
    assert first_row_after(index=30, screen_row=None, first=10, max_first=100) == 10
    assert first_row_after(index=300, screen_row=0, first=10, max_first=100) == 100
