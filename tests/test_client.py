"""RecordingsClient against the demo server over loopback HTTP (and, through
``fetch_recordings``, the decode every poll makes of its answer)."""

import email.utils
from datetime import UTC, datetime, timedelta

import pytest

from livedash.client import _retry_after
from livedash.credentials import Credentials, Secret
from livedash.decode import PollDecoder
from livedash.demo.server import VIEWER_USER
from livedash.demo.testing import KNOWN_IDS
from livedash.errors import (
    AuthError,
    BodyError,
    ForbiddenError,
    HttpStatusError,
    NetworkError,
)
from livedash.model import Filters
from livedash.poller import fetch_recordings


async def fetch(client, filters):
    """One poll as the dashboard makes it: the request, then the decode."""
    return await fetch_recordings(client, PollDecoder(UTC), filters)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), set(KNOWN_IDS)),
        (Filters(username="alice"), {"alice-1", "alice-2"}),
        (Filters(deviceName="SEP00000000A002"), {"alice-2"}),
        (Filters(directoryNumber="2001"), {"bob"}),
        (Filters(numericUserId="100001"), {"alice-1", "alice-2"}),
        (Filters(username="alice", deviceName="SEP00000000A001"), {"alice-1"}),
        (Filters(username="alice", directoryNumber="2001"), set()),  # AND, not OR
        (Filters(directoryNumber="123456", username="user1"), {"example"}),
        (Filters(username="nobody"), set()),
    ],
)
async def test_filters_are_sent_exactly_and_anded(make_client, demo_server, filters, expected):
    client = make_client()
    result = await fetch(client, filters)
    assert {r.id for r in result.records} == {KNOWN_IDS[name] for name in expected}
    seen = demo_server.requests[-1]
    assert seen.query == filters.as_query()
    assert seen.user == "supervisor"


async def test_blank_filters_are_not_sent(make_client, demo_server):
    await fetch(make_client(), Filters(username="  ", deviceName="", numericUserId="654321"))
    assert demo_server.requests[-1].query_string == "numericUserId=654321"


async def test_seed_example_over_http(make_client):
    result = await fetch(make_client(), Filters(directoryNumber="123456", username="user1"))
    (rec,) = result.records
    assert (rec.id, rec.duration, rec.username, rec.remote_name, rec.phone_number,
            rec.is_paused) == (KNOWN_IDS["example"], 73, "user1", "John Doe", "+1555123456",
                               False)
    assert rec.started_at == datetime(2018, 7, 2, 15, 7, tzinfo=UTC)


async def test_one_connection_kept_alive(make_client, demo_server):
    client = make_client()
    for _ in range(5):
        await fetch(client, Filters())
    assert demo_server.connections == 1 and demo_server.max_concurrent == 1


async def test_wrong_password_is_401(make_client):
    client = make_client(credentials=Credentials("supervisor", Secret("nope")))
    with pytest.raises(AuthError) as info:
        await fetch(client, Filters())
    assert "nope" not in str(info.value) and not info.value.retry


async def test_user_without_level_10_is_403(make_client):
    client = make_client(credentials=Credentials(VIEWER_USER, Secret("demo")))
    with pytest.raises(ForbiddenError, match="level 10"):
        await fetch(client, Filters())


@pytest.mark.parametrize(
    ("kind", "error", "text"),
    [
        ("404", HttpStatusError, "404 Not Found"),
        ("500", HttpStatusError, "500"),
        ("502_html", HttpStatusError, "502"),
        ("html_200", BodyError, "HTML page"),
        ("truncated_json", BodyError, "not valid JSON"),
        ("json_object", BodyError, "got dict"),
        ("json_null", BodyError, "got null"),
        ("json_number", BodyError, "got int"),
        ("drop", NetworkError, "connection dropped"),
    ],
)
async def test_faults_become_typed_errors(make_client, demo_server, kind, error, text):
    demo_server.faults.inject(kind, count=1)
    with pytest.raises(error, match=text):
        await fetch(make_client(), Filters())


async def test_retry_after_is_read_from_the_answer(make_client, demo_server):
    demo_server.faults.inject("503_html", count=1, retry_after=45)
    with pytest.raises(HttpStatusError, match=r"\(it asked to wait 45s\)") as caught:
        await fetch(make_client(), Filters())
    assert caught.value.retry_after == 45


@pytest.mark.parametrize(("header", "seconds"), [
    (None, None), ("", None), ("120", 120), (" 7 ", 7), ("99999999", 3600),
    ("soon", None), ("-5", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0),
])
def test_retry_after_values(header, seconds):
    assert _retry_after(header) == seconds


def test_retry_after_as_a_date():
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 80 <= _retry_after(when) <= 90


async def test_timeout_is_a_network_error(make_client, demo_server):
    demo_server.faults.inject("slow", count=1, delay=5)
    with pytest.raises(NetworkError, match="did not answer in time"):
        await fetch(make_client(timeout=0.2), Filters())


async def test_too_large_answer_is_refused_with_a_clear_message(make_client, demo_server):
    demo_server.faults.inject("huge", count=1, mb=3)
    with pytest.raises(BodyError, match="larger than the 1 MiB cap"):
        await fetch(make_client(max_body_bytes=1024 * 1024), Filters())


async def test_server_down_is_a_network_error(make_client, demo_server):
    client = make_client()
    demo_server.go_down()
    with pytest.raises(NetworkError) as refused:
        await client.fetch_body(Filters())
    # names the server (issue #8 point 12), says what happened in words
    assert str(refused.value) == (
        f"cannot connect to 127.0.0.1:{demo_server.port} (connection refused)")
    demo_server.come_up()
    assert len((await fetch(client, Filters())).records) == len(KNOWN_IDS)


async def test_a_poll_carries_the_time_its_answer_arrived(make_client, clock):
    client = make_client(clock=clock.monotonic)
    decoder = PollDecoder(UTC)
    first = await fetch_recordings(client, decoder, Filters())
    clock.advance(2.0)
    later = await fetch_recordings(client, decoder, Filters())
    # this poll's time, whatever the records say (one that only ticked on is observed
    # at the poll that last set its duration: test_decode.py)
    assert (first.observed_at, later.observed_at) == (clock.monotonic() - 2.0, clock.monotonic())


async def test_bad_records_are_skipped_not_fatal(make_client, demo_server):
    demo_server.faults.inject("bad_records", count=1)
    result = await fetch(make_client(), Filters())
    assert {r.id for r in result.records} >= set(KNOWN_IDS.values())
    assert len(result.errors) >= 5


async def test_repr_never_shows_the_password(make_client):
    client = make_client()
    assert repr(client) == f"RecordingsClient({client.base_url!r})"


async def test_the_client_hands_back_the_bytes_as_sent(make_client, demo_server):
    answer = await make_client().fetch_body(Filters(username="bob"))
    assert answer.body == demo_server.floor.encoded({"username": "bob"})
    assert answer.content_type.startswith("application/json")
    assert answer.latency >= 0 and answer.received_at > 0
