"""decode.py: the server's bytes → records, whatever the JSON spelling, one bad record at a time."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta, timezone

import msgspec
import pytest

from livedash.decode import PollDecoder, parse_duration
from livedash.demo.floor import Floor
from livedash.demo.spellings import SPELLINGS
from livedash.demo.vendor_example import EXAMPLE_ID, VENDOR_EXAMPLE
from livedash.errors import BodyError
from livedash.model import LiveRecording

CET = timezone(timedelta(hours=2))


def spelt(records: list, spelling: str) -> bytes:
    """The same JSON as the demo server writes it in each spelling."""
    options = {"compact": {"separators": (",", ":")}, "spaced": {},
               "pretty": {"indent": 2, "sort_keys": True}}[spelling]
    return json.dumps(records, ensure_ascii=False, **options).encode()


def decode(records_or_body, *, observed_at: float = 0.0, server_tz=UTC, spelling="compact",
           decoder: PollDecoder | None = None):
    body = (records_or_body if isinstance(records_or_body, bytes)
            else spelt(records_or_body, spelling))
    return (decoder or PollDecoder(server_tz)).decode(body, "application/json", observed_at)


def one(record: dict, **kwargs) -> LiveRecording:
    poll = decode([record], **kwargs)
    assert poll.errors == []
    (rec,) = poll.records
    return rec


# -- the example and the three spellings ---------------------------------------------

@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_vendor_example_reads_exactly_in_every_spelling(spelling):
    rec = one(VENDOR_EXAMPLE, observed_at=5.0, server_tz=CET, spelling=spelling)
    assert rec == LiveRecording(
        EXAMPLE_ID, 73.0,
        datetime(2018, 7, 2, 15, 7, tzinfo=CET),  # 7 fraction digits, no zone: the server's
        "user1", "John", "Doe", "+1555123456", False, 5.0)
    assert rec.remote_name == "John Doe"


def test_the_demo_server_spellings_are_what_they_say():
    floor = Floor.seed_example(extra=3)
    compact, spaced, pretty = (floor.encoded(None, spelling) for spelling in SPELLINGS)
    assert b'"id":"' in compact and b", " not in compact
    assert b'", "' in spaced and b'": "' in spaced and b"\n" not in spaced
    assert pretty.startswith(b'[\n  {\n    "duration": "')  # indented, keys sorted
    assert json.loads(compact) == json.loads(spaced) == json.loads(pretty)
    # byte for byte what json.dumps writes, paused recordings and unknown callers included
    busy = Floor(200, seed=5)
    for spelling in SPELLINGS:
        assert busy.encoded(None, spelling) == spelt(busy.recordings(), spelling)
        assert busy.encoded({"username": "nobody"}, spelling) == b"[]"


def test_a_floor_reads_the_same_in_every_spelling():
    floor = Floor(300, seed=5)
    polls = [decode(floor.encoded(None, spelling)) for spelling in SPELLINGS]
    assert polls[0].errors == [] and len(polls[0].records) == 300
    assert polls[0].records == polls[1].records == polls[2].records


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_bad_records_among_good_ones_are_skipped_and_reported(spelling):
    good = {**VENDOR_EXAMPLE}
    body = [
        good,                                                    # 0
        {**good, "id": None},                                    # 1
        "a string",                                              # 2
        {**good, "id": "b", "duration": 12},                     # 3
        {**good, "id": "c", "isPaused": "yes"},                  # 4
        {**good, "id": "d", "remoteParty": "John"},              # 5
        {**good, "id": "e"},                                     # 6
        {**good},                                                # 7: a repeated id
        {**good, "id": "f", "duration": "banana"},               # 8
        {**good, "id": "g", "localParty": {"username": True}},   # 9
        {**good, "id": " "},                                     # 10
        {**good, "id": "h", "duration": "PT99999999999H"},       # 11: absurd
        {k: v for k, v in good.items() if k != "id"},            # 12
    ]
    poll = decode(body, spelling=spelling)
    assert [r.id for r in poll.records] == [EXAMPLE_ID, "e"]
    assert [(e.index, e.record_id, e.reason) for e in poll.errors] == [
        (1, None, "id is missing or not a string"),
        (2, None, "record is str, expected an object"),
        (3, "b", "duration is int, expected a string"),
        (4, "c", "isPaused is str, expected a boolean"),
        (5, "d", "remoteParty is str, expected an object"),
        (7, EXAMPLE_ID, "duplicate id"),
        (8, "f", "duration 'banana' is not ISO 8601"),
        (9, "g", "localParty.username is bool, expected a string"),
        (10, None, "id is missing or not a string"),
        (11, "h", "duration 'PT99999999999H' is not ISO 8601"),
        (12, None, "id is missing or not a string"),
    ]


def test_duplicates_keep_the_first_and_report_the_others():
    first = {**VENDOR_EXAMPLE, "id": "a", "duration": "PT5S"}
    later = {**VENDOR_EXAMPLE, "id": "a", "duration": "PT9H", "isPaused": True}
    poll = decode([first, {**VENDOR_EXAMPLE, "id": "b"}, later, later])
    assert [(r.id, r.duration, r.is_paused) for r in poll.records] == [
        ("a", 5.0, False), ("b", 73.0, False)]
    assert [(e.index, e.record_id, e.reason) for e in poll.errors] == [
        (2, "a", "duplicate id"), (3, "a", "duplicate id")]


# -- tolerance: what the contract leaves open ------------------------------------------

def test_unknown_caller_and_missing_optional_fields():
    rec = one({"id": "x", "duration": "PT5S", "localParty": {"username": "u"}, "remoteParty": {}})
    assert (rec.remote_name, rec.phone_number, rec.started_at, rec.is_paused) == (
        "", "", None, False)
    rec = one({"id": "y", "remoteParty": None, "localParty": None, "startedAt": "garbage",
               "isPaused": None})
    assert (rec.remote_name, rec.username, rec.started_at, rec.duration, rec.is_paused) == (
        "", "", None, 0.0, False)
    rec = one({"id": "z", "duration": None, "remoteParty": {"firstName": None}})
    assert rec.duration == 0.0 and rec.first_name == ""


def test_a_number_where_text_was_expected_is_shown_as_text():
    rec = one({**VENDOR_EXAMPLE, "localParty": {"username": 42},
               "remoteParty": {"firstName": 1.5, "phoneNumber": 15551234567890123456789}})
    assert (rec.username, rec.first_name, rec.phone_number) == (
        "42", "1.5", "15551234567890123456789")


@pytest.mark.parametrize("started", ["garbage", "", 12, {"at": "noon"}, [1], "2018-13-45T99:00:00"])
def test_a_bad_start_time_only_blanks_its_cell(started):
    assert one({**VENDOR_EXAMPLE, "startedAt": started}).started_at is None


def test_start_times_with_a_zone_keep_it():
    rec = one({**VENDOR_EXAMPLE, "startedAt": "2018-07-02T15:07:00Z"}, server_tz=CET)
    assert rec.started_at == datetime(2018, 7, 2, 15, 7, tzinfo=UTC)


def test_unknown_fields_are_ignored():
    rec = one({**VENDOR_EXAMPLE, "recorder": {"node": 2}, "tags": [1, {"a": None}],
               "remoteParty": {**VENDOR_EXAMPLE["remoteParty"], "company": "ACME"}})
    assert rec.id == EXAMPLE_ID and rec.remote_name == "John Doe"


def test_json_python_reads_but_msgspec_refuses_is_still_read():
    # An escaped lone surrogate (a UTF-16 name cut in half) and a byte-order mark: one
    # strange name must not hide the other recordings.
    body = ('\ufeff[{"id": "a", "remoteParty": {"firstName": "\\ud800x"}},'
            ' {"id": "b", "isPaused": 3}, {"id": "c"}]').encode()
    poll = decode(body)
    assert [r.id for r in poll.records] == ["a", "c"]
    assert poll.records[0].first_name == "\ud800x"
    assert [(e.index, e.reason) for e in poll.errors] == [
        (1, "isPaused is int, expected a boolean")]


# -- not an array: the whole answer is refused ---------------------------------------------

@pytest.mark.parametrize(("body", "content_type", "message"), [
    (b"<html><body>Login</body></html>", "text/html",
     "the server answered with an HTML page, not JSON"),
    (b"  ", "application/json", "the server answered with an empty body, not JSON"),
    (b'[{"id":"a","duration":"PT1S"},{"id":"b"', "application/json",
     "the answer is not valid JSON ("),
    (b'[{"id":"a","duration":"PT1S\xff"}]', "application/json", "the answer is not valid JSON ("),
    (b'{"error": "x"}', "application/json",
     "unexpected answer: expected a JSON array of recordings, got dict"),
    (b"null", "application/json",
     "unexpected answer: expected a JSON array of recordings, got null"),
    (b"42", "application/json", "unexpected answer: expected a JSON array of recordings, got int"),
    (b'"text"', "application/json",
     "unexpected answer: expected a JSON array of recordings, got str"),
])
def test_anything_but_an_array_is_a_body_error(body, content_type, message):
    with pytest.raises(BodyError) as caught:
        PollDecoder(UTC).decode(body, content_type, 0.0)
    assert str(caught.value).startswith(message)


def test_an_empty_array_is_no_recordings():
    poll = decode(b"[]")
    assert poll.records == [] and poll.errors == []


# -- durations ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "seconds"), [
    ("PT1M13S", 73), ("PT0S", 0), ("PT2H0M5S", 7205), ("PT1.5S", 1.5), ("PT1,5S", 1.5),
    ("P1DT1S", 86401), ("PT36H", 129600),
    ("P1W", 604800),  # not the fast path: isodate
])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "P", "PT", "1:13", "banana", "PT-5S", "P99999Y"])
def test_bad_durations_raise(text):
    with pytest.raises(ValueError):
        parse_duration(text)


# -- poll after poll: what the decoder remembers -------------------------------------------

def ticked(record: dict, duration: str) -> dict:
    return {**record, "duration": duration}


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_record_that_only_ticked_is_the_last_polls_object(spelling):
    decoder = PollDecoder(UTC)
    other = {**VENDOR_EXAMPLE, "id": "b", "remoteParty": {}}  # an unknown caller
    first = decode([VENDOR_EXAMPLE, other], decoder=decoder, spelling=spelling, observed_at=10.0)
    later = decode([ticked(VENDOR_EXAMPLE, "PT1M15S"), ticked(other, "PT1M15S")],
                   decoder=decoder, spelling=spelling, observed_at=12.0)
    assert later.errors == []
    assert [a is b for a, b in zip(first.records, later.records, strict=True)] == [True, True]


def test_a_record_that_changed_is_read_again():
    decoder = PollDecoder(UTC)
    decode([VENDOR_EXAMPLE], decoder=decoder, observed_at=10.0)
    changes = [
        {"remoteParty": {**VENDOR_EXAMPLE["remoteParty"], "firstName": "Jane"}},
        {"localParty": {"username": "user2"}},
        {"startedAt": "2018-07-02T15:08:00Z"},
        {"isPaused": True},
    ]
    for step, change in enumerate(changes, start=1):
        before = decode([VENDOR_EXAMPLE], decoder=decoder, observed_at=10.0).records[0]
        (rec,) = decode([{**VENDOR_EXAMPLE, **change}], decoder=decoder,
                        observed_at=10.0 + step).records
        assert rec is not before
        assert rec == one({**VENDOR_EXAMPLE, **change}, observed_at=10.0 + step)


def test_a_duration_the_last_record_does_not_foresee_makes_a_new_record():
    decoder = PollDecoder(UTC)
    (first,) = decode([VENDOR_EXAMPLE], decoder=decoder, observed_at=10.0).records  # 73 s
    (same,) = decode([ticked(VENDOR_EXAMPLE, "PT1M15S")], decoder=decoder,
                     observed_at=12.0).records
    assert same is first  # 75 s two seconds later: foreseen
    (corrected,) = decode([ticked(VENDOR_EXAMPLE, "PT5M")], decoder=decoder,
                          observed_at=14.0).records
    assert (corrected.duration, corrected.observed_at) == (300.0, 14.0)
    assert corrected == msgspec.structs.replace(first, duration=300.0, observed_at=14.0)
    (then,) = decode([ticked(VENDOR_EXAMPLE, "PT5M2S")], decoder=decoder,
                     observed_at=16.0).records
    assert then is corrected  # the correction is the anchor from now on


@pytest.mark.parametrize("paused", [False, True])
@pytest.mark.parametrize("at", [9.0, 10.0, 10.5, 12.0, 100.0])
@pytest.mark.parametrize("later", [70.0, 72.5, 73.0, 73.9, 74.0, 75.0, 75.9, 76.0, 90.0, 163.0])
def test_the_decoder_keeps_a_record_exactly_when_it_foresees_the_next_duration(paused, at, later):
    # The decoder writes LiveRecording.foresees out (on its own copies of the figures):
    # the two must never disagree.
    decoder = PollDecoder(UTC)
    record = {**VENDOR_EXAMPLE, "isPaused": paused}  # 73 s
    (first,) = decode([record], decoder=decoder, observed_at=10.0).records
    (again,) = decode([ticked(record, f"PT{later}S")], decoder=decoder, observed_at=at).records
    assert (again is first) is first.foresees(later, at)
    if again is not first:  # the new report is the anchor
        assert (again.duration, again.observed_at) == (later, at)


def test_a_repeat_of_a_remembered_record_is_still_a_duplicate():
    decoder = PollDecoder(UTC)
    decode([VENDOR_EXAMPLE], decoder=decoder)
    poll = decode([VENDOR_EXAMPLE, {**VENDOR_EXAMPLE, "isPaused": True}, VENDOR_EXAMPLE],
                  decoder=decoder)
    assert [(r.id, r.is_paused) for r in poll.records] == [(EXAMPLE_ID, False)]
    assert [(e.index, e.reason) for e in poll.errors] == [(1, "duplicate id"),
                                                           (2, "duplicate id")]


def test_a_party_of_the_wrong_shape_skips_its_record_even_when_it_was_readable_before():
    decoder = PollDecoder(UTC)
    good = {**VENDOR_EXAMPLE, "id": "b"}
    decode([VENDOR_EXAMPLE, good], decoder=decoder)
    poll = decode([{**VENDOR_EXAMPLE, "remoteParty": ["John"]},
                   {**good, "localParty": {"username": {"a": 1}}}], decoder=decoder)
    assert poll.records == []
    assert [(e.index, e.record_id, e.reason) for e in poll.errors] == [
        (0, EXAMPLE_ID, "remoteParty is array, expected an object"),
        (1, "b", "localParty.username is object, expected a string")]


def test_records_read_by_python_then_by_msgspec_are_the_same():
    decoder = PollDecoder(UTC)
    # A byte-order mark: msgspec refuses the body, json.loads reads it.
    with_bom = "\ufeff".encode() + spelt([VENDOR_EXAMPLE], "compact")
    (by_python,) = decode(with_bom, decoder=decoder, observed_at=10.0).records
    (by_msgspec,) = decode([VENDOR_EXAMPLE], decoder=decoder, observed_at=10.0).records
    assert by_msgspec == by_python == one(VENDOR_EXAMPLE, observed_at=10.0)


def test_the_decoder_forgets_records_that_ended_and_holds_no_answer():
    decoder = PollDecoder(UTC)
    bodies = [spelt([{**VENDOR_EXAMPLE, "id": f"{poll}-{i}"} for i in range(40)], "compact")
              for poll in range(10)]
    for body in bodies:
        decode(body, decoder=decoder)
    del body
    # what it remembers stays in proportion to one poll, whatever the calls that ended
    assert len(decoder._known) <= 40 * 5 // 4 + 64
    # and it copies the parties it keeps out of their answer: no answer is kept alive
    assert len({sys.getrefcount(body) for body in bodies}) == 1
