"""RecordCache: a poll parsed from the bytes that changed must equal a poll parsed whole.

Every test compares the cached path (``decode_body(..., cache=RecordCache)``) with the
plain one (``decode_body`` without a cache: ``json.loads`` and ``parse_recordings``),
poll after poll, on the demo floor and on hand-made hostile bodies.
"""

from __future__ import annotations

import json
from datetime import UTC

import pytest

from livedash.client import decode_body
from livedash.demo.floor import Floor
from livedash.errors import BodyError
from livedash.model import Filters, RecordCache

from .test_model import SEED_EXAMPLE as SEED


def compact(records: list) -> bytes:
    return json.dumps(records, ensure_ascii=False, separators=(",", ":")).encode()


def decode(body: bytes, observed_at: float, cache: RecordCache | None):
    return decode_body(body, "application/json", Filters(), observed_at, UTC, cache)


def assert_same_poll(cached, plain, observed_at: float) -> None:
    """Same records (the cache may keep an older anchor: within the second), same errors."""
    assert [r.id for r in cached.records] == [r.id for r in plain.records]
    assert cached.errors == plain.errors
    for mine, theirs in zip(cached.records, plain.records, strict=True):
        assert mine[2:8] == theirs[2:8]
        assert abs(mine.duration_at(observed_at) - theirs.duration_at(observed_at)) < 1.0


def test_a_busy_floor_poll_after_poll():
    floor = Floor(2000, seed=4, churn=0.01)
    cache = RecordCache(UTC)
    observed_at = 1000.0
    previous = {}
    for step in range(12):
        floor.step(2.0)
        observed_at += 2.0 + (step % 3) * 0.004  # arrival jitter
        body = floor.encoded()
        cached, plain = decode(body, observed_at, cache), decode(body, observed_at, None)
        assert_same_poll(cached, plain, observed_at)
        if step >= 2:  # the first body is decoded whole, the second fills the cache
            assert cache.reused > 1900 and cache.decoded < 100
            # Unchanged records are handed back as the very same objects.
            same = sum(1 for r in cached.records if previous.get(r.id) is r)
            assert same > 1800
        previous = {r.id: r for r in cached.records}


def test_a_server_correction_re_anchors_and_a_steady_duration_does_not():
    cache = RecordCache(UTC)
    decode(compact([{**SEED, "duration": "PT1M11S"}]), 8.0, cache)  # decoded whole
    first = decode(compact([SEED]), 10.0, cache).records[0]
    steady = decode(compact([{**SEED, "duration": "PT1M15S"}]), 12.0, cache).records[0]
    assert steady is first  # 73 s + 2 s: what the first record predicts
    jumped = decode(compact([{**SEED, "duration": "PT2M0S"}]), 14.0, cache).records[0]
    assert jumped is not first and (jumped.duration, jumped.observed_at) == (120, 14.0)
    paused = decode(compact([{**SEED, "duration": "PT2M0S", "isPaused": True}]), 16.0, cache)
    assert paused.records[0].is_paused and paused.records[0].duration == 120


@pytest.mark.parametrize("hostile", [
    {"remoteParty": {"firstName": 'a},{"id":"x","duration":"PT9S"}', "lastName": "b"}},
    {"remoteParty": {"firstName": '"duration":"PT1S"', "lastName": "},{"}},
    {"localParty": {"username": "u", "duration": "PT5S"}},  # a nested "duration"
    {"remoteParty": {"firstName": "\\u0041\u00e9\u202e[b]", "phoneNumber": "\u0000"}},
    {"extra": [{"a": 1}, {"id": "nested", "duration": "PT3S"}]},  # objects in an array
    {"duration": "P1W"},  # not a plain duration on the fast path's terms: still exact
    {"duration": 12},  # unreadable: an error, at its index, every time
    {"isPaused": "yes"},
])
def test_hostile_records_parse_as_the_whole_body_does(hostile):
    cache = RecordCache(UTC)
    others = [{**SEED, "id": f"r{i}", "duration": f"PT{i}S"} for i in range(5)]
    for step, observed_at in enumerate((10.0, 12.0, 14.0)):
        odd = {**SEED, "id": "odd", **hostile}
        if step == 2 and isinstance(odd.get("remoteParty"), dict):  # changes in place
            odd["remoteParty"] = {**odd["remoteParty"], "lastName": "changed"}
        body = compact([*others[:2], odd, *others[2:], {**SEED, "id": "r1"}])  # + duplicate
        assert_same_poll(decode(body, observed_at, cache), decode(body, observed_at, None),
                         observed_at)
        others = [{**r, "duration": f"PT{i + 2 * (step + 1)}S"} for i, r in enumerate(others)]


def test_a_nested_duration_never_stands_in_for_the_record_duration():
    cache = RecordCache(UTC)
    record = {**SEED, "remoteParty": {"firstName": "x", "duration": "PT1S"}}
    del record["duration"]
    for observed_at, nested in ((10.0, "PT1S"), (12.0, "PT3S"), (14.0, "PT5S")):
        record["remoteParty"]["duration"] = nested
        (rec,) = decode(compact([record]), observed_at, cache).records
        assert rec.duration == 0  # missing at the top level: 0, whatever is nested


@pytest.mark.parametrize("body", [
    b'[ {"id":"a","duration":"PT1S"} , {"id":"b","duration":"PT2S"} ]',  # not compact
    b'[{"id":"a","duration":"PT1S"},{"id":"b","duration":"PT2S"}]\n',
    b"[]",
    b'[{"id":"a","duration":"PT1S"}]',
])
def test_other_shapes_of_arrays(body):
    cache = RecordCache(UTC)
    for observed_at in (1.0, 2.0):
        assert_same_poll(decode(body, observed_at, cache), decode(body, observed_at, None),
                         observed_at)


@pytest.mark.parametrize("body", [
    b'[{"id":"a","duration":"PT1S"},{"id":"b","duration":"PT2S"}',  # truncated
    b'[{"id":"a","duration":"PT1S"},{"id":"b","duration":"PT2S"]}',
    b'[{"id":"a","duration":"PT1S"},{"id":"b","duration":"PT2S\xff"}]',  # not UTF-8
    b'[{"id":"a","duration":"PT1S"}},{"id":"b"}]',
])
def test_broken_bodies_fail_as_before(body):
    cache = RecordCache(UTC)
    decode(compact([{"id": "a", "duration": "PT1S"}, {"id": "b", "duration": "PT2S"}]), 0.0,
           cache)
    with pytest.raises(BodyError):
        decode(body, 1.0, None)
    with pytest.raises(BodyError):
        decode(body, 1.0, cache)


def test_the_cache_holds_one_poll_only():
    cache = RecordCache(UTC)
    for poll in range(5):
        records = [{**SEED, "id": f"{poll}-{i}"} for i in range(50)]
        decode(compact(records), float(poll), cache)
    assert len(cache._index) == len(cache._keys) == len(cache._records) == 50
    assert len(cache._started) <= 50
