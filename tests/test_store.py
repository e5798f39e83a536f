from datetime import UTC

import msgspec

from livedash.clock import FixedClock
from livedash.decode import PollDecoder
from livedash.demo.floor import Floor
from livedash.errors import AuthError, NetworkError
from livedash.model import FetchResult, Filters, LiveRecording
from livedash.status import describe_status, empty_table_message
from livedash.store import LiveStore, RowMark


def rec(rec_id, duration=10.0, paused=False, name="Ann"):
    return LiveRecording(rec_id, duration, None, "u" + rec_id, name, "Lee", "+1555", paused, 0.0)


def poll(*records, filters=None):
    filters = filters or Filters()
    return FetchResult(filters, list(records), latency=0.012)


def test_diff_marks_new_changed_and_fades_ended():
    clock = FixedClock()
    store = LiveStore(clock, highlight_seconds=3, fade_seconds=4)
    first = store.apply(poll(rec("a"), rec("b"), rec("c")))
    assert first.reset and store.mark("a") is RowMark.NONE  # first poll: nothing flashes
    diff = store.apply(poll(rec("a", duration=12), rec("b", paused=True), rec("d")))
    assert (diff.added, diff.changed, diff.removed) == (["d"], ["b"], ["c"])
    assert store.mark("a") is RowMark.NONE  # only the duration moved
    assert store.mark("d") is RowMark.NEW and store.mark("b") is RowMark.CHANGED
    assert store.mark("c") is RowMark.ENDED and "c" in {r.id for r in store.visible()}
    clock.advance(3)
    assert store.expire_marks() is False and store.mark("d") is RowMark.NONE
    clock.advance(1)
    assert store.expire_marks() is True
    assert "c" not in {r.id for r in store.visible()}


def test_answer_for_other_filters_is_ignored_and_filter_change_clears():
    store = LiveStore(FixedClock())
    store.apply(poll(rec("a")))
    assert store.set_filters(Filters(username="x"))
    assert store.records == {} and not store.has_data
    assert store.apply(poll(rec("a"))) is None  # an answer for the old (empty) filters
    assert store.apply(poll(rec("b"), filters=Filters(username="x"))).reset


def test_failure_keeps_data_and_reads_as_stale_with_age_and_next_step():
    clock = FixedClock()
    store = LiveStore(clock)
    store.apply(poll(rec("a"), rec("b", paused=True)))
    clock.advance(45)
    store.fail(NetworkError("cannot connect to the server (connection refused)"), 8.0)
    clock.advance(3)
    view = describe_status(store, host="h", interval=2, polling_paused=False, display_tz=UTC)
    assert view.level == "stale" and view.badge == "◌ STALE 48s"
    assert view.message == (
        "cannot connect to the server (connection refused). Showing data from 09:30:00 "
        "(48s old); ~ marks estimated durations. Retrying in 5s, or press r"
    )
    assert "2 recordings (1 paused)" in view.details and len(store.records) == 2


def test_auth_failure_says_it_will_not_retry():
    store = LiveStore(FixedClock())
    store.fail(AuthError("401 Unauthorized: the server rejected the user name or password"), None)
    view = describe_status(store, host="h", interval=2, polling_paused=False, display_tz=UTC)
    assert view.level == "error"
    assert "Not retried automatically" in view.message and "press L" in view.message


def test_live_status_line():
    store = LiveStore(FixedClock())
    store.apply(poll(rec("a")))
    view = describe_status(store, host="h", interval=2, polling_paused=False, display_tz=UTC)
    assert view.badge == "● LIVE" and view.message == ""
    assert view.details == "1 recording (0 paused) · last poll 09:30:00 · 12 ms · every 2s"


def test_a_record_that_only_ticked_stays_the_same_object_whatever_the_spelling():
    # Anchoring lives in the store: the decode path (compact, spaced, pretty, one bad
    # record forcing the element-wise path) does not matter.
    floor = Floor(200, seed=3, churn=0.0, paused_fraction=0.0)
    decoder = PollDecoder(UTC)
    store = LiveStore(FixedClock())
    observed_at = 100.0
    store.apply(poll(*decoder.decode(floor.encoded(), "", observed_at).records))
    first = dict(store.records)
    for spelling in ("spaced", "pretty", "compact"):
        floor.step(2.0)
        observed_at += 2.004  # arrival jitter
        body = floor.encoded(None, spelling)
        if spelling == "compact":
            body = body[:-1] + b',{"id": 5}]'  # one unreadable record
        parsed = decoder.decode(body, "", observed_at)
        diff = store.apply(poll(*parsed.records))
        assert (diff.added, diff.changed, diff.removed) == ([], [], [])
        assert all(store.records[key] is value for key, value in first.items())


def test_a_corrected_duration_re_anchors_and_a_pause_marks_the_row():
    clock = FixedClock()
    store = LiveStore(clock)
    store.apply(poll(rec("a", duration=73.0)))
    anchor = store.records["a"]
    store.apply(poll(msgspec.structs.replace(anchor, duration=120.0, observed_at=2.0)))
    assert store.records["a"] is not anchor and store.records["a"].duration == 120.0
    diff = store.apply(poll(rec("a", duration=122.0, paused=True)))
    assert diff.changed == ["a"] and store.mark("a") is RowMark.CHANGED


def test_what_an_empty_table_says():
    store = LiveStore(FixedClock())
    waiting = "Nothing to show yet: the server has not answered (see below)."
    assert empty_table_message(store, "x", kiosk=False, search_text=None) == waiting
    store.fail(NetworkError("cannot connect to the server"), 2.0)
    # a wall says what is wrong where the room looks, control characters made visible
    assert empty_table_message(store, "down\x1b[2J", kiosk=True, search_text=None) == \
        "down␛[2J"
    assert empty_table_message(store, "down", kiosk=False, search_text=None) == waiting
    store.set_filters(Filters(username="nobody"))
    store.apply(poll(filters=Filters(username="nobody")))
    assert empty_table_message(store, "", kiosk=False, search_text=None) == (
        'No live recordings match User "nobody".\n'
        "The filters match exactly: f to change them, Esc in a field to clear it.")
    assert empty_table_message(store, "", kiosk=True, search_text=None) == (
        'No live recordings match User "nobody".')
    store.set_filters(Filters())
    store.apply(poll(rec("a")))
    assert empty_table_message(store, "", kiosk=False, search_text=" zoë ") == (
        'No recording here matches the search "zoë".\n/ to change it, Esc to clear it.')
    store.apply(poll())
    assert empty_table_message(store, "", kiosk=False, search_text=None) == (
        "No live recordings right now.")
