from datetime import UTC, datetime, timedelta, timezone

import pytest

from livedash.model import (
    Filters,
    ProtocolError,
    parse_duration,
    parse_recording,
    parse_recordings,
)

SEED_EXAMPLE = {
    "id": "6b98303a-b295-473a-adae-19b78aca468d",
    "duration": "PT1M13S",
    "startedAt": "2018-07-02T15:07:00.0000000",
    "localParty": {"username": "user1"},
    "remoteParty": {"firstName": "John", "lastName": "Doe", "phoneNumber": "+1555123456"},
    "isPaused": False,
}
CET = timezone(timedelta(hours=2))


def test_seed_example_parses_exactly():
    rec = parse_recording(SEED_EXAMPLE, observed_at=5.0, server_tz=CET)
    assert rec.id == "6b98303a-b295-473a-adae-19b78aca468d"
    assert rec.duration == 73
    assert rec.username == "user1"
    assert rec.remote_name == "John Doe"
    assert rec.phone_number == "+1555123456"
    assert rec.is_paused is False
    # seven fractional digits, no zone: the server's local time
    assert rec.started_at == datetime(2018, 7, 2, 15, 7, tzinfo=CET)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT1M13S", 73),
        ("PT0S", 0),
        ("PT2H0M5S", 7205),
        ("PT1.5S", 1.5),
        ("P1DT1S", 86401),
        ("PT36H", 129600),
        ("P1W", 604800),  # not the fast path: isodate
    ],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "P", "PT", "1:13", "banana", "PT-5S"])
def test_bad_durations_raise(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_started_at_with_zone_kept():
    rec = parse_recording(
        {**SEED_EXAMPLE, "startedAt": "2018-07-02T15:07:00Z"}, observed_at=0, server_tz=CET
    )
    assert rec.started_at == datetime(2018, 7, 2, 15, 7, tzinfo=UTC)


def test_unknown_caller_and_missing_optional_fields():
    rec = parse_recording(
        {"id": "x", "duration": "PT5S", "localParty": {"username": "u"}, "remoteParty": {}},
        observed_at=0, server_tz=UTC,
    )
    assert (rec.remote_name, rec.phone_number, rec.started_at, rec.is_paused) == (
        "", "", None, False
    )
    rec = parse_recording({"id": "y", "remoteParty": None, "startedAt": "garbage"}, 0, UTC)
    assert rec.remote_name == "" and rec.started_at is None and rec.duration == 0


def test_ticking_is_frozen_while_paused():
    rec = parse_recording({**SEED_EXAMPLE}, observed_at=10.0, server_tz=UTC)
    paused = parse_recording({**SEED_EXAMPLE, "isPaused": True}, observed_at=10.0, server_tz=UTC)
    assert rec.duration_at(13.0) == 76
    assert paused.duration_at(13.0) == 73


def test_one_bad_record_is_skipped_and_counted():
    body = [
        SEED_EXAMPLE,
        {"id": None},
        "a string",
        {**SEED_EXAMPLE, "id": "b", "duration": 12},
        {**SEED_EXAMPLE, "id": "c", "isPaused": "yes"},
        {**SEED_EXAMPLE, "id": "d", "remoteParty": "John"},
        {**SEED_EXAMPLE, "id": "e"},
        {**SEED_EXAMPLE},  # duplicate id
    ]
    poll = parse_recordings(body, observed_at=0, server_tz=UTC)
    assert [r.id for r in poll.records] == [SEED_EXAMPLE["id"], "e"]
    assert [e.index for e in poll.errors] == [1, 2, 3, 4, 5, 7]
    assert poll.errors[-1].reason == "duplicate id"


@pytest.mark.parametrize("body", [{"error": "x"}, None, 42, "text"])
def test_body_must_be_an_array(body):
    with pytest.raises(ProtocolError):
        parse_recordings(body, observed_at=0, server_tz=UTC)


def test_filters_omit_blank_values():
    f = Filters(deviceName="SEP00112233AABB", directoryNumber="  ", username="", numericUserId="7")
    assert f.as_query() == {"deviceName": "SEP00112233AABB", "numericUserId": "7"}
    assert f.describe() == "deviceName=SEP00112233AABB AND numericUserId=7"
    assert not Filters(username="  ")
