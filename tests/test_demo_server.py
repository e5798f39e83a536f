"""The demo server over real loopback HTTP: contract, auth, log, actions, faults, runners."""

from __future__ import annotations

import asyncio
import json
import re
import selectors
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from livedash.demo import FAULT_KINDS, DemoServer, FaultInjector, Floor
from livedash.demo.faults import HOSTILE_TEXTS, RANDOM_KINDS
from livedash.demo.floor import dotnet_timestamp, iso_duration
from livedash.demo.server import LIVE_RECORDINGS
from livedash.demo.testing import (
    DEMO_AUTH,
    KNOWN_CALLS,
    KNOWN_IDS,
    demo_server_fixture,
    known_floor,
)
from livedash.demo.vendor_example import VENDOR_EXAMPLE

REPO = Path(__file__).resolve().parents[1]
STARTED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}")
DURATION = re.compile(r"PT(?:\d+S|\d+M\d+S|\d+H\d+M\d+S)")

server = demo_server_fixture(floor_factory=known_floor)
busy_server = demo_server_fixture(size=200, seed=5)


def get(srv: DemoServer, params=None, auth=DEMO_AUTH, **kwargs) -> httpx.Response:
    return httpx.get(srv.endpoint, params=params, auth=auth, **kwargs)


def ids(response: httpx.Response) -> set[str]:
    return {record["id"] for record in response.json()}


# ---------------------------------------------------------------------- floor (no HTTP)
def test_duration_and_timestamp_formats():
    assert [iso_duration(s) for s in (0, 0.9, 59, 73, 3600, 7205, 90061)] == [
        "PT0S", "PT0S", "PT59S", "PT1M13S", "PT1H0M0S", "PT2H0M5S", "PT25H1M1S"]
    assert dotnet_timestamp(known_floor().now()) == "2024-03-05T09:30:00.0000000"


def test_floor_is_deterministic_for_a_seed():
    fixed = known_floor().now
    a, b, c = Floor(50, 3, fixed), Floor(50, 3, fixed), Floor(50, 4, fixed)
    a.step(30)
    b.step(30)
    assert a.recordings() == b.recordings()
    assert a.recordings() != c.recordings()


def test_floor_looks_like_a_contact_centre():
    floor = Floor(2000, seed=9)
    records = floor.recordings()
    assert len(records) == 2000
    assert len({r["id"] for r in records}) == 2000
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                            r["id"]) for r in records)
    lines = floor.lines() + floor.idle_lines()
    assert all(re.fullmatch(r"SEP[0-9A-F]{12}", ln.device_name) for ln in lines)
    assert all(re.fullmatch(r"\d{4,6}", ln.directory_number) for ln in lines)
    assert all(re.fullmatch(r"\d{6}", ln.numeric_user_id) for ln in lines)
    assert len(lines) > 2000  # more agents' lines than calls
    per_user = Counter(ln.username for ln in floor.lines())
    assert 1 in per_user.values() and max(per_user.values()) == 2  # some agents on two lines
    unknown = sum("firstName" not in r["remoteParty"] for r in records)
    withheld = sum("phoneNumber" not in r["remoteParty"] for r in records)
    assert 0 < withheld < unknown < 0.08 * len(records)
    phones = [r["remoteParty"]["phoneNumber"] for r in records if r["remoteParty"]]
    assert all(re.fullmatch(r"\+\d{8,15}", p) for p in phones)
    assert {p[:3] for p in phones} >= {"+15", "+44", "+39"}
    paused = sum(r["isPaused"] for r in records)
    assert 0.02 * len(records) < paused < 0.09 * len(records)


def test_step_grows_running_calls_only_and_keeps_size():
    floor = Floor(300, seed=2, churn=0.0)
    before = {r["id"]: r for r in floor.recordings()}
    floor.step(3.0)  # under MEAN_PAUSE_SECONDS: few pause changes, checked per call below
    after = {r["id"]: r for r in floor.recordings()}
    assert after.keys() == before.keys()
    seconds = {key: _seconds(r["duration"]) for key, r in before.items()}
    for key, record in after.items():
        was_paused = before[key]["isPaused"]
        if was_paused and record["isPaused"]:
            assert _seconds(record["duration"]) == seconds[key]  # paused: no growth
        elif not was_paused and not record["isPaused"]:
            assert _seconds(record["duration"]) - seconds[key] in (2, 3, 4)  # whole seconds


def test_churn_is_exact_and_paused_fraction_holds():
    floor = Floor(1000, seed=4, churn=0.005)  # "1 % churn per 2 s poll"
    for _ in range(5):
        before = set(floor.ids())
        floor.step(2.0)
        assert len(floor) == 1000
        assert len(before - set(floor.ids())) == 10
    floor.step(1800)
    paused = sum(r["isPaused"] for r in floor.recordings())
    assert 20 < paused < 90


@pytest.mark.parametrize("paused_fraction", [0.0, 0.05])
def test_started_at_and_duration_agree(paused_fraction):
    floor = Floor(100, seed=6, now=known_floor().now, paused_fraction=paused_fraction)
    floor.step(600)
    now = floor.now()
    for record in floor.recordings():
        assert STARTED_AT.fullmatch(record["startedAt"])
        age = (now - _parse_started(record["startedAt"])).total_seconds()
        recorded = _seconds(record["duration"])
        if paused_fraction:
            assert recorded <= age  # time spent paused is not recorded
        else:
            assert 0 <= age - recorded < 1.0


def test_live_floor_follows_the_monotonic_clock():
    clock = [100.0]
    live = Floor(20, seed=1, now=known_floor().now, live=True, churn=0.0, paused_fraction=0.0,
                 monotonic=lambda: clock[0])
    still = Floor(20, seed=1, now=known_floor().now, churn=0.0, paused_fraction=0.0,
                  monotonic=lambda: clock[0])
    before = [_seconds(r["duration"]) for r in live.recordings()]
    clock[0] += 7.0
    live.advance_to_now()
    still.advance_to_now()  # not live: only step() moves it
    assert [_seconds(r["duration"]) for r in live.recordings()] == [s + 7 for s in before]
    assert [_seconds(r["duration"]) for r in still.recordings()] == before
    assert live.now() - still.now() == timedelta(seconds=7)


def test_seed_example_is_the_article_record():
    floor = Floor.seed_example()
    assert floor.recordings({"directoryNumber": "123456", "username": "user1"}) == [
        VENDOR_EXAMPLE]
    assert len(Floor.seed_example(extra=30)) == 31


def test_ten_thousand_calls_are_fast():
    floor = Floor(10_000, seed=1)
    best_list = min(_timed(floor.recordings) for _ in range(5))
    best_bytes = min(_timed(floor.encoded) for _ in range(5))
    assert json.loads(floor.encoded()) == floor.recordings()
    assert best_list < 0.05 and best_bytes < 0.05, (best_list, best_bytes)


# ---------------------------------------------------------------------- filters
@pytest.mark.parametrize(("params", "expected"), [
    ({}, set(KNOWN_CALLS)),
    ({"username": "alice"}, {"alice-1", "alice-2"}),
    ({"deviceName": "SEP00000000A002"}, {"alice-2"}),
    ({"directoryNumber": "2001"}, {"bob"}),
    ({"numericUserId": "100001"}, {"alice-1", "alice-2"}),
    ({"username": "alice", "deviceName": "SEP00000000A002"}, {"alice-2"}),
    ({"numericUserId": "100001", "directoryNumber": "1001"}, {"alice-1"}),
    ({"username": "alice", "directoryNumber": "2001"}, set()),
    ({"directoryNumber": "123456", "username": "user1"}, {"example"}),
    ({"deviceName": "SEP123456789ABC", "directoryNumber": "123456", "username": "user1",
      "numericUserId": "654321"}, {"example"}),
    ({"deviceName": "SEP123456789ABC", "directoryNumber": "123456", "username": "user1",
      "numericUserId": "000000"}, set()),
    ({"username": "nobody"}, set()),
    ({"username": "ALICE"}, set()),  # exact, case-sensitive match (our documented choice)
    ({"username": ""}, set(KNOWN_CALLS)),  # an empty value counts as not given
    ({"foo": "bar", "username": "bob"}, {"bob"}),  # unknown parameters are ignored
])
def test_filters_are_anded(server, params, expected):
    response = get(server, params)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert ids(response) == {KNOWN_IDS[name] for name in expected}
    if not expected:
        assert response.content == b"[]"


def test_repeated_filter_uses_the_first_value(server):
    response = get(server, [("username", "bob"), ("username", "alice")])
    assert ids(response) == {KNOWN_IDS["bob"]}


def test_records_follow_the_contract(busy_server):
    records = get(busy_server).json()
    assert len(records) == 200
    for record in records:
        assert set(record) == {"id", "duration", "startedAt", "localParty", "remoteParty",
                               "isPaused"}
        assert DURATION.fullmatch(record["duration"])
        assert STARTED_AT.fullmatch(record["startedAt"])
        assert set(record["localParty"]) == {"username"}
        assert set(record["remoteParty"]) <= {"firstName", "lastName", "phoneNumber"}
        assert isinstance(record["isPaused"], bool)


def test_unknown_parties_omit_keys(server):
    by_id = {r["id"]: r for r in get(server).json()}
    assert by_id[KNOWN_IDS["bob"]]["remoteParty"] == {"phoneNumber": "+15550001111"}
    assert by_id[KNOWN_IDS["carol"]]["remoteParty"] == {}
    assert by_id[KNOWN_IDS["carol"]]["isPaused"] is True
    assert by_id[KNOWN_IDS["alice-2"]]["duration"] == "PT1H0M5S"


def test_step_over_http_and_paused_duration_frozen(server):
    httpx.post(server.url + "_demo/step", json={"seconds": 10}).raise_for_status()
    by_id = {r["id"]: r for r in get(server).json()}
    assert by_id[KNOWN_IDS["alice-1"]]["duration"] == "PT1M25S"
    assert by_id[KNOWN_IDS["carol"]]["duration"] == "PT42S"
    assert httpx.post(server.url + "_demo/step", json={"seconds": "x"}).status_code == 400


# ---------------------------------------------------------------------- auth
@pytest.mark.parametrize("auth", [None, ("supervisor", "wrong"), ("nobody", "demo"),
                                  ("supervisor", "")])
def test_401_without_or_with_wrong_credentials(server, auth):
    response = get(server, auth=auth)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="Recorder"'


@pytest.mark.parametrize("header", ["Basic !!!not-base64", "Bearer abc", "Basic", "Basic Og=="])
def test_401_for_malformed_authorization(server, header):
    response = httpx.get(server.endpoint, headers={"Authorization": header})
    assert response.status_code == 401


def test_403_for_a_user_without_level_10(server):
    assert get(server, auth=("viewer", "demo")).status_code == 403


# ---------------------------------------------------------------------- request log
def test_request_log_records_what_was_received(server):
    with httpx.Client(auth=DEMO_AUTH) as client:
        client.get(server.endpoint, params={"username": "alice"})
        client.get(server.endpoint + "?username=&deviceName=SEP00000000A001")
    get(server, auth=None)
    first, second, third = server.requests
    assert first.method == "GET" and first.path == LIVE_RECORDINGS
    assert first.query == {"username": "alice"} and first.query_string == "username=alice"
    assert first.user == "supervisor" and first.status == 200 and first.fault is None
    assert second.query == {"username": "", "deviceName": "SEP00000000A001"}
    assert second.query_string == "username=&deviceName=SEP00000000A001"
    assert third.user is None and third.status == 401
    assert first.time <= second.time <= third.time
    assert server.connections == 2  # the client kept its connection alive; get() opened one
    assert server.max_concurrent == 1
    server.reset_log()
    assert server.requests == [] and server.connections == 0


async def test_concurrency_and_connections_are_counted(server):
    server.faults.inject("slow", 3, delay=0.5)
    async with httpx.AsyncClient(auth=DEMO_AUTH) as client:
        responses = await asyncio.gather(*(client.get(server.endpoint) for _ in range(3)))
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert server.max_concurrent == 3
    assert server.connections == 3


# ---------------------------------------------------------------------- supervisor actions
def _put(srv: DemoServer, rec_id: str, action: str, auth=DEMO_AUTH) -> httpx.Response:
    return httpx.put(f"{srv.endpoint}/{rec_id}/{action}", auth=auth)


def test_pause_and_resume(server):
    rec_id = KNOWN_IDS["alice-1"]
    assert _put(server, rec_id, "Pause").status_code == 204
    assert {r["id"]: r["isPaused"] for r in get(server).json()}[rec_id] is True
    assert _put(server, rec_id, "Pause").status_code == 429  # already paused
    assert _put(server, rec_id, "Resume").status_code == 204
    assert _put(server, rec_id, "Resume").status_code == 429  # not paused
    missing = "00000000-0000-4000-8000-000000000000"
    assert _put(server, missing, "Pause").status_code == 409
    assert _put(server, missing, "Resume").status_code == 409
    assert _put(server, rec_id, "Pause", auth=None).status_code == 401
    assert _put(server, rec_id, "Pause", auth=("viewer", "demo")).status_code == 403


def test_stop_and_start(server):
    rec_id = KNOWN_IDS["bob"]
    stop = httpx.delete(f"{server.endpoint}/not-a-guid", auth=DEMO_AUTH)
    assert stop.status_code == 400 and stop.json() == {"reason": 0}
    missing = httpx.delete(f"{server.endpoint}/00000000-0000-4000-8000-000000000000",
                           auth=DEMO_AUTH)
    assert missing.status_code == 409
    assert httpx.delete(f"{server.endpoint}/{rec_id}", auth=DEMO_AUTH).status_code == 204
    assert rec_id not in ids(get(server))

    def start(body=None, **kwargs):
        return httpx.post(server.endpoint, json=body, auth=DEMO_AUTH, **kwargs)

    started = start({"deviceName": "SEP00000000B001"})  # bob's call goes on unrecorded
    assert started.status_code == 201
    new_id = started.json()["id"]
    assert new_id != rec_id and new_id in ids(get(server, {"username": "bob"}))
    assert start({"directoryNumber": "2001"}).status_code == 429  # already recorded
    idle = server.floor.idle_lines()[0]
    assert start({"deviceName": idle.device_name}).status_code == 409  # no call there
    unknown = start({"deviceName": "SEPFFFFFFFFFFFF", "mode": 1})
    assert unknown.status_code == 400 and unknown.json() == {"reason": 0,
                                                             "deviceName": "SEPFFFFFFFFFFFF"}
    assert start({"deviceName": "SEP00000000B001", "mode": 7}).status_code == 400
    assert start(content=b"{not json").status_code == 400
    assert start().status_code == 400  # neither device nor line
    assert httpx.post(server.endpoint, json={"deviceName": "x"}).status_code == 401


# ---------------------------------------------------------------------- faults
@pytest.mark.parametrize(("kind", "status", "content_type"), [
    ("401", 401, "text/plain"),
    ("403", 403, "application/json"),
    ("404", 404, "text/html"),
    ("500", 500, "application/json"),
    ("502_html", 502, "text/html"),
    ("503_html", 503, "text/html"),
    ("html_200", 200, "text/html"),
])
def test_status_faults(server, kind, status, content_type):
    server.faults.inject(kind, 1)
    response = get(server)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(content_type)
    if content_type == "text/html":
        assert response.text.lstrip().startswith(("<", "<!DOCTYPE"))
        with pytest.raises(ValueError):
            response.json()
    if kind == "401":
        assert response.headers["www-authenticate"] == 'Basic realm="Recorder"'
    assert get(server).status_code == 200  # count=1: the next request is normal
    assert [r.fault for r in server.requests] == [kind, None]


@pytest.mark.parametrize(("kind", "body"), [
    ("json_object", {"error": "Service temporarily unavailable"}),
    ("json_null", None),
    ("json_number", 42),
])
def test_wrong_json_shapes(server, kind, body):
    server.faults.inject(kind, 1)
    response = get(server)
    assert response.status_code == 200 and response.json() == body


def test_truncated_json(server):
    server.faults.inject("truncated_json", 1)
    response = get(server)
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.content.startswith(b"[")
    response.content.decode("utf-8")  # clean UTF-8 …
    with pytest.raises(ValueError):
        json.loads(response.content)  # … but not JSON


def test_drop_cuts_the_connection(server):
    server.faults.inject("drop", 1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        get(server)
    assert get(server).status_code == 200


def test_bad_records_keep_the_good_ones(server):
    server.faults.inject("bad_records", 1)
    body = get(server).json()
    good = [r for r in body if isinstance(r, dict) and r.get("id") in KNOWN_IDS.values()]
    assert {r["id"] for r in good} == set(KNOWN_IDS.values())
    bad = [r for r in body if r not in good]
    dicts = [r for r in bad if isinstance(r, dict)]
    assert sum("id" not in r for r in dicts) == 1
    assert any(r.get("id", "") is None for r in dicts)
    assert any(r.get("id") == 12345 for r in dicts)
    assert any(r.get("duration") == 73 for r in dicts)
    assert any(r.get("duration") == "banana" for r in dicts)
    assert any("remoteParty" in r and r["remoteParty"] is None for r in dicts)
    assert any(r.get("remoteParty") == "John Doe" for r in dicts)
    assert any(r.get("isPaused") == "yes" for r in dicts)
    assert any("startedAt" not in r for r in dicts)
    assert any(isinstance(r, str) for r in bad)


def test_duplicate_ids(server):
    server.faults.inject("duplicate_ids", 1)
    counts = Counter(r["id"] for r in get(server).json())
    assert set(counts) == set(KNOWN_IDS.values())
    assert sum(counts.values()) == len(KNOWN_IDS) + 2


def test_hostile_strings(server):
    server.faults.inject("hostile", 1)
    body = get(server).json()
    assert set(KNOWN_IDS.values()) <= {r["id"] for r in body}
    names = {r["remoteParty"]["firstName"] for r in body if "firstName" in r["remoteParty"]}
    users = {r["localParty"]["username"] for r in body}
    assert set(HOSTILE_TEXTS) <= names and set(HOSTILE_TEXTS) <= users
    assert any(len(name) == 5000 for name in names)
    assert {"[/]", "\x1b[31mred\x1b[0m", "王秀英", "👩\u200d💻📞"} <= names
    assert any("\u202e" in name for name in names)
    assert any("\x85" in name and "\x00" in name for name in names)  # C1 and C0 controls


def test_huge_is_streamed_valid_json(server):
    server.faults.inject("huge", 1, mb=2)
    response = get(server)
    assert "content-length" not in response.headers
    assert response.headers["transfer-encoding"] == "chunked"
    assert abs(len(response.content) - 2 * 1024 * 1024) < 4096
    records = response.json()
    assert len({r["id"] for r in records}) == len(records) > 5000


async def test_slow_does_not_block_other_requests(server):
    server.faults.inject("slow", 1, delay=1.0)
    async with httpx.AsyncClient(auth=DEMO_AUTH) as slow_client, \
            httpx.AsyncClient(auth=DEMO_AUTH) as fast_client:
        started = time.monotonic()
        slow = asyncio.create_task(slow_client.get(server.endpoint))
        await asyncio.to_thread(server.faults.wait_served, "slow")
        fast = await fast_client.get(server.endpoint)
        assert fast.status_code == 200 and not slow.done()
        assert time.monotonic() - started < 1.0
        assert (await slow).status_code == 200
        assert time.monotonic() - started >= 1.0


def test_slow_is_cancelled_by_a_client_timeout_and_by_stop():
    with DemoServer(known_floor()) as srv:
        srv.faults.inject("slow", delay=30)
        with pytest.raises(httpx.ReadTimeout):
            get(srv, timeout=0.3)
        started = time.monotonic()
    assert time.monotonic() - started < 3
    assert srv.requests[0].status is None  # cancelled, never answered


async def test_go_down_cuts_a_request_in_flight(server):
    server.faults.inject("slow", 1, delay=30)
    async with httpx.AsyncClient(auth=DEMO_AUTH) as client:
        pending = asyncio.create_task(client.get(server.endpoint))
        assert await asyncio.to_thread(server.faults.wait_served, "slow")
        started = time.monotonic()
        await asyncio.to_thread(server.go_down)
        assert time.monotonic() - started < 2
        with pytest.raises(httpx.TransportError):
            await pending
        await asyncio.to_thread(server.come_up)
        assert (await client.get(server.endpoint)).status_code == 200


def test_fault_counts_queue_and_clear(server):
    server.faults.inject("500", 2)
    server.faults.inject("json_null", 1)
    assert [get(server).status_code for _ in range(2)] == [500, 500]
    assert get(server).json() is None
    assert get(server).status_code == 200
    server.faults.inject("503_html")  # no count: until cleared
    assert [get(server).status_code for _ in range(3)] == [503, 503, 503]
    server.faults.clear()
    assert get(server).status_code == 200


def test_faults_apply_only_to_authenticated_gets(server):
    server.faults.inject("500", 1)
    assert get(server, auth=None).status_code == 401
    assert _put(server, KNOWN_IDS["bob"], "Pause").status_code == 204
    assert get(server).status_code == 500


def test_fault_injector_validates_and_random_faults_are_transient():
    faults = FaultInjector()
    with pytest.raises(ValueError):
        faults.inject("teapot")
    with pytest.raises(ValueError):
        faults.inject("500", 0)
    with pytest.raises(ValueError):
        faults.inject("slow", delay=-1)
    assert set(FAULT_KINDS) >= set(RANDOM_KINDS)
    random_faults = FaultInjector(rate=1.0, seed=3)
    kinds = Counter(random_faults.take().kind for _ in range(2000))
    assert set(kinds) == set(RANDOM_KINDS)
    assert not {"401", "403"} & set(kinds)
    half = FaultInjector(rate=0.25, seed=3)
    assert 400 < sum(half.take() is not None for _ in range(2000)) < 600


def test_demo_control_over_http(server):
    control = server.url + "_demo/faults"
    assert httpx.post(control, json={"kind": "500", "count": 1}).status_code == 204
    assert get(server).status_code == 500
    assert httpx.post(control, json={"kind": "teapot"}).status_code == 400
    assert httpx.post(control, json={"kind": "slow", "delay": 30}).status_code == 204
    assert httpx.delete(control).status_code == 204
    assert get(server).status_code == 200
    assert httpx.post(control, json={"rate": 1.0, "kinds": ["json_number"]}).status_code == 204
    assert get(server).json() == 42
    stats = httpx.get(server.url + "_demo/stats").json()
    assert stats["requests"] == 3 and stats["calls"] == len(KNOWN_CALLS)
    assert stats["faults_served"] == {"500": 1, "json_number": 1}
    assert all(not r.path.startswith("/_demo") for r in server.requests)


# ---------------------------------------------------------------------- runners
def test_go_down_refuses_and_come_up_recovers_on_the_same_port(server):
    url = server.url
    with httpx.Client(auth=DEMO_AUTH) as client:
        assert client.get(server.endpoint).status_code == 200
        server.go_down()
        with pytest.raises(httpx.ConnectError):
            client.get(server.endpoint)  # the kept-alive connection died with the server
        with pytest.raises(httpx.ConnectError):
            get(server)
        server.come_up()
        assert server.url == url
        assert client.get(server.endpoint).status_code == 200
    assert server.connections == 2


def test_standalone_prints_its_url_serves_and_stops_cleanly():
    proc = subprocess.Popen(
        [sys.executable, "-m", "livedash.demo", "--port", "0", "--calls", "5", "--seed", "3"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = _readline(proc, timeout=20)
        assert line.startswith("livedash demo server listening on http://127.0.0.1:")
        assert line.rstrip().endswith("(user supervisor, password demo)")
        (url,) = [token for token in line.split() if token.startswith("http://")]
        assert url == line.split()[5] and url.endswith("/")
        response = httpx.get(url + LIVE_RECORDINGS.lstrip("/"), auth=DEMO_AUTH)
        assert response.status_code == 200 and len(response.json()) == 5
        httpx.post(url + "_demo/faults", json={"kind": "503_html", "count": 1})
        assert httpx.get(url + LIVE_RECORDINGS.lstrip("/"), auth=DEMO_AUTH).status_code == 503
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_standalone_sigint_exits_cleanly():
    proc = subprocess.Popen([sys.executable, "-m", "livedash.demo", "--port", "0"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "http://" in _readline(proc, timeout=20)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("name", ["openapi.yaml", "CONTRACT.md"])
def test_contract_copy_matches_shared(name):
    """tests/contract/ holds vendored copies of the shared contract: unchanged."""
    copy = REPO / "tests" / "contract" / name
    shared = REPO.parent / "shared" / "api" / name
    assert copy.is_file()
    if not shared.is_file():
        pytest.skip(f"../shared/api/{name} is not beside this checkout")
    assert copy.read_bytes() == shared.read_bytes()


# ---------------------------------------------------------------------- helpers
def _seconds(duration: str) -> int:
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(\d+)S", duration)
    assert match, duration
    h, m, s = (int(x or 0) for x in match.groups())
    return h * 3600 + m * 60 + s


def _parse_started(text: str):
    from datetime import datetime

    return datetime.strptime(text[:26], "%Y-%m-%dT%H:%M:%S.%f")


def _timed(func) -> float:
    """CPU seconds of this thread: a busy CI machine must not fail a speed test."""
    started = time.thread_time()
    func()
    return time.thread_time() - started


def _readline(proc: subprocess.Popen, timeout: float) -> str:
    """The child's first stdout line, or fail after ``timeout`` (never hang the suite)."""
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            pytest.fail(f"no line from the demo server in {timeout} s: "
                        f"{proc.stderr.read() if proc.poll() is not None else ''}")
    return proc.stdout.readline()
