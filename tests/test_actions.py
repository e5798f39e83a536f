"""ActionClient against the demo server over loopback HTTP: every documented answer in
words, never a retry, bounded concurrency, one request per double press, quoted ids, the
audit line."""

from __future__ import annotations

import asyncio
import base64
import json
import logging

import pytest

from livedash.actions import (
    GONE,
    STOP_REASONS,
    UNAVAILABLE,
    Action,
    ActionClient,
    Outcome,
    StartMode,
    Target,
    interpret,
    recording_path,
)
from livedash.clock import FixedClock
from livedash.credentials import Credentials, Secret
from livedash.demo import DemoServer
from livedash.demo.testing import IDLE_LINES, KNOWN_CALLS, KNOWN_IDS, known_floor
from livedash.errors import AuthError, ForbiddenError, HttpStatusError, NetworkError

from .conftest import DEMO_CREDENTIALS

MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
async def actions(demo_server):
    clients = []

    def make(**kwargs) -> ActionClient:
        kwargs.setdefault("timeout", 5.0)
        credentials = kwargs.pop("credentials", DEMO_CREDENTIALS)
        client = ActionClient(demo_server.url, credentials, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


def _action_requests(server) -> list:
    return [r for r in server.requests if r.method != "GET"]


async def test_pause_and_resume_in_words(demo_server, actions):
    client = actions()
    rec_id = KNOWN_IDS["alice-1"]
    steps = [(client.pause, Outcome.DONE, "paused"),
             (client.pause, Outcome.ALREADY, "already paused"),
             (client.resume, Outcome.DONE, "resumed"),
             (client.resume, Outcome.ALREADY, "not paused")]
    for act, outcome, message in steps:
        result = await act(rec_id)
        assert (result.outcome, result.message) == (outcome, message)
        assert result.ok and result.error is None
    assert [r.status for r in _action_requests(demo_server)] == [204, 429, 204, 429]


async def test_ended_recordings_for_every_action(demo_server, actions):
    client = actions()
    for act in (client.pause, client.resume, client.stop):
        result = await act(MISSING)
        assert (result.outcome, result.message, result.status) == (Outcome.NOTHING, GONE, 409)
        assert not result.ok
    assert len(_action_requests(demo_server)) == 3  # 409 is not retried


async def test_stop_and_its_reasons(demo_server, actions):
    client = actions()
    cases = [("not-a-guid", 0), (KNOWN_IDS["alice-2"], 1), (KNOWN_IDS["carol"], 2)]
    for rec_id, reason in cases:
        result = await client.stop(rec_id)
        assert (result.outcome, result.reason, result.status) == (Outcome.REFUSED, reason, 400)
        assert result.message == STOP_REASONS[reason]
        assert isinstance(result.error, HttpStatusError)
    assert STOP_REASONS[2] == "this line is recorded by policy and cannot be stopped here"
    assert (await client.stop(KNOWN_IDS["bob"])).outcome is Outcome.DONE
    assert KNOWN_IDS["bob"] not in demo_server.floor.ids()


async def test_start_and_its_answers(demo_server, actions):
    client = actions()
    bob = KNOWN_CALLS["bob"]
    dave, erin = IDLE_LINES["dave"], IDLE_LINES["erin"]
    busy = await client.start(directory_number=bob["directory_number"])
    assert (busy.outcome, busy.status) == (Outcome.ALREADY_RECORDED, 429)
    assert busy.message == "the call on that line is already being recorded"
    await client.stop(KNOWN_IDS["bob"])  # bob's call goes on, unrecorded
    started = await client.start(device_name=bob["device_name"], mode=StartMode.DIAL_IN)
    assert (started.outcome, started.status) == (Outcome.DONE, 201)
    assert started.recording_id in demo_server.floor.ids()
    assert started.message == f"recording started: {started.recording_id}"
    assert json.loads(demo_server.requests[-1].body) == {"deviceName": bob["device_name"],
                                                         "mode": 1}
    idle = await client.start(device_name=dave["device_name"])
    assert (idle.outcome, idle.message) == (
        Outcome.NOTHING, "there is no connected call on that line to record")
    refused = await client.start(directory_number=erin["directory_number"])
    assert (refused.outcome, refused.reason, refused.message) == (
        Outcome.REFUSED, 1, "that line is not monitorable")
    unknown = await client.start(device_name="SEPFFFFFFFFFFFF")
    assert (unknown.reason, unknown.message) == (
        0, "the server does not know that device or line")
    with pytest.raises(ValueError):
        await client.start()


@pytest.mark.parametrize(("kind", "outcome", "error", "words"), [
    ("504", Outcome.UNAVAILABLE, HttpStatusError, UNAVAILABLE),
    ("401", Outcome.AUTH, AuthError, "401 Unauthorized"),
    ("403", Outcome.FORBIDDEN, ForbiddenError, "level 10"),
    ("500", Outcome.HTTP, HttpStatusError, "500 Internal Server Error: the server failed to act"),
    ("502_html", Outcome.HTTP, HttpStatusError, "502 Bad Gateway"),
    ("404", Outcome.HTTP, HttpStatusError, "404 Not Found: unexpected answer"),
])
async def test_failures_in_words_and_never_retried(demo_server, actions, kind, outcome, error,
                                                    words):
    demo_server.faults.inject_action(kind, 1)
    result = await actions().stop(KNOWN_IDS["bob"])
    assert result.outcome is outcome and isinstance(result.error, error)
    assert words in result.message and not result.ok
    assert len(_action_requests(demo_server)) == 1
    assert KNOWN_IDS["bob"] in demo_server.floor.ids()


async def test_no_answer_says_whether_the_server_may_have_acted(demo_server, actions):
    client = actions(timeout=0.5)
    demo_server.faults.inject_action("drop", 1)
    dropped = await client.pause(KNOWN_IDS["bob"])
    assert dropped.outcome is Outcome.NETWORK and isinstance(dropped.error, NetworkError)
    assert dropped.status is None
    assert dropped.message.endswith("the server may have acted: check the recording before "
                                    "trying again")
    demo_server.faults.inject_action("slow", 1, delay=5)
    late = await client.pause(KNOWN_IDS["alice-1"])
    assert late.message.startswith("the server did not answer in time")
    await asyncio.to_thread(demo_server.go_down)  # also ends the late one's handler
    assert len(_action_requests(demo_server)) == 2  # neither was sent again
    refused = await client.pause(KNOWN_IDS["alice-1"])
    assert refused.outcome is Outcome.NETWORK and refused.message.endswith("nothing was sent")


async def test_a_second_press_while_in_flight_sends_nothing(demo_server, actions):
    changes: list[tuple[str, Action | None]] = []
    claimed = asyncio.Event()

    def on_change(rec_id: str, action: Action | None) -> None:
        changes.append((rec_id, action))
        claimed.set()

    client = actions(on_change=on_change)
    rec_id = KNOWN_IDS["bob"]
    demo_server.faults.inject_action("slow", 1, delay=1.0)
    first = asyncio.create_task(client.pause(rec_id))
    await claimed.wait()
    assert client.in_flight(rec_id) is Action.PAUSE
    assert client.busy_ids == {rec_id: Action.PAUSE}
    again = await client.pause(rec_id)
    other = await client.stop(rec_id)
    assert again.outcome is other.outcome is Outcome.BUSY and not again.sent
    assert again.message == "not sent: a pause of this recording is already under way"
    assert (await first).outcome is Outcome.DONE
    assert client.in_flight(rec_id) is None and client.busy_ids == {}
    assert changes == [(rec_id, Action.PAUSE), (rec_id, None)]
    assert len(_action_requests(demo_server)) == 1


async def test_a_second_start_on_the_same_line_sends_nothing(demo_server, actions):
    client = actions()
    demo_server.faults.inject_action("slow", 1, delay=1.0)
    first = asyncio.create_task(client.start(device_name="SEP00000000B001"))
    assert await asyncio.to_thread(demo_server.faults.wait_served, "slow")  # it arrived
    again = await client.start(device_name="SEP00000000B001")
    assert again.outcome is Outcome.BUSY
    assert (await first).outcome is Outcome.ALREADY_RECORDED
    assert len(_action_requests(demo_server)) == 1


async def test_several_recordings_at_most_four_at_a_time(demo_server, actions):
    client = actions()
    ids = [KNOWN_IDS[name] for name in ("alice-1", "bob", "example")] + [
        f"00000000-0000-4000-8000-00000000000{n}" for n in range(1, 7)]
    demo_server.faults.inject_action("slow", None, delay=0.3)
    results = await client.act(Action.PAUSE, [*ids, ids[0]])  # a repeated id counts once
    assert [r.target for r in results] == ids
    assert [r.outcome for r in results] == [Outcome.DONE] * 3 + [Outcome.NOTHING] * 6
    assert len(_action_requests(demo_server)) == len(ids)
    assert demo_server.max_concurrent == 4


async def test_a_wrong_password_is_tried_once_per_batch(demo_server, actions):
    wrong = Credentials(DEMO_CREDENTIALS.username, Secret("wrong"))
    client = actions(credentials=wrong)
    results = await client.act(Action.PAUSE, [KNOWN_IDS["bob"], KNOWN_IDS["alice-1"], MISSING])
    assert [r.outcome for r in results] == [Outcome.AUTH, Outcome.NOT_SENT, Outcome.NOT_SENT]
    assert all(isinstance(r.error, AuthError) for r in results)
    assert results[1].message.startswith("not sent: an earlier request of this batch got 401")
    assert len(_action_requests(demo_server)) == 1
    client.set_credentials(DEMO_CREDENTIALS)
    assert (await client.pause(KNOWN_IDS["bob"])).outcome is Outcome.DONE


@pytest.mark.parametrize("rec_id", ["a/b", "x?y=1&z", "..", "../..", ".", "%2F", "a b#c"])
async def test_ids_are_one_opaque_path_segment(demo_server, actions, rec_id):
    client = actions()
    paused = await client.pause(rec_id)
    stopped = await client.stop(rec_id)
    assert paused.outcome is Outcome.NOTHING  # the Pause route answered, for that id
    assert (stopped.outcome, stopped.reason) == (Outcome.REFUSED, 0)  # the stop route
    pause, stop = _action_requests(demo_server)
    segment = recording_path(rec_id).rsplit("/", 1)[1]
    assert "/" not in segment and "?" not in segment and "." not in segment
    assert pause.raw_path == f"/{recording_path(rec_id)}/Pause"
    assert stop.raw_path == f"/{recording_path(rec_id)}" and pause.query_string == ""
    assert pause.path.endswith(f"/LiveRecordings/{rec_id}/Pause")
    with pytest.raises(ValueError):
        await client.pause("")


async def test_audit_lines(actions, caplog):
    caplog.set_level(logging.INFO, logger="livedash.audit")
    client = actions(clock=FixedClock())
    hostile = "eve \x1b[31m\"x\""
    await client.pause(Target(KNOWN_IDS["alice-1"], "alice", "+390212345678"))
    await client.stop(Target(KNOWN_IDS["carol"], hostile, ""))
    await client.start(device_name="SEP00000000D001", mode=StartMode.DIAL_IN)
    done, refused, start = (r.getMessage() for r in caplog.records)
    assert done == ("audit time=2026-11-28T09:30:00+00:00 user=supervisor os_user="
                    f"{client._os_user or '-'} action=pause id={KNOWN_IDS['alice-1']} "
                    "local_user=alice remote=+390212345678 outcome=done status=204 "
                    "detail=paused")
    assert 'local_user="eve ␛[31m\\"x\\"" remote=- outcome=refused status=400 reason=2 ' \
           'detail="this line is recorded by policy and cannot be stopped here"' in refused
    assert "\x1b" not in refused
    assert "action=start id=- device=SEP00000000D001 line=- mode=dial-in outcome=nothing " \
           "status=409" in start
    assert [r.levelno for r in caplog.records] == [logging.INFO, logging.WARNING,
                                                   logging.WARNING]


async def test_the_password_never_reaches_the_audit(caplog):
    caplog.set_level(logging.INFO, logger="livedash.audit")
    password = "pw-8c1e-never-logged"
    with DemoServer(known_floor(), users={"supervisor": (password, 10)}) as server:
        credentials = Credentials("supervisor", Secret(password))
        async with ActionClient(server.url, credentials) as client:
            await client.pause(KNOWN_IDS["bob"])
            await client.act(Action.STOP, [KNOWN_IDS["carol"], MISSING])
            await client.start(directory_number="4001")
            client.set_credentials(Credentials("supervisor", Secret(password + "x")))
            assert (await client.resume(KNOWN_IDS["bob"])).outcome is Outcome.AUTH
        assert password not in repr(client)
    basic = base64.b64encode(f"supervisor:{password}".encode()).decode()
    assert len(caplog.records) == 5
    assert not any(password in r.getMessage() or basic in r.getMessage()
                   for r in caplog.records)


async def test_a_cancelled_action_is_audited(demo_server, actions, caplog):
    caplog.set_level(logging.INFO, logger="livedash.audit")
    client = actions()
    demo_server.faults.inject_action("slow", 1, delay=5)
    task = asyncio.create_task(client.pause(KNOWN_IDS["bob"]))
    assert await asyncio.to_thread(demo_server.faults.wait_served, "slow")  # it arrived
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    (line,) = (r.getMessage() for r in caplog.records)
    assert "outcome=cancelled" in line and "the server may have acted" in line
    assert client.in_flight(KNOWN_IDS["bob"]) is None


def test_interpret_answers_the_demo_does_not_give():
    assert interpret(Action.STOP, 400, b'{"reason": 9}').message == (
        "the server refused the request (reason 9)")
    assert interpret(Action.STOP, 400, b"<html>").message == "the server refused the request"
    assert interpret(Action.PAUSE, 504, b"").message == UNAVAILABLE
    assert interpret(Action.START, 201, b'{"id": ""}').outcome is Outcome.BAD_ANSWER
    assert interpret(Action.START, 201, b"[]").outcome is Outcome.BAD_ANSWER
    assert interpret(Action.START, 400, b'{"reason": "2", "deviceName": "SEP\\u001b1"}',
                     target="1001").message == (
        "that line is recorded by policy: its calls are recorded anyway (device SEP␛1)")
    assert interpret(Action.PAUSE, 200, b"").outcome is Outcome.DONE
    assert interpret(Action.STOP, 429, b"", "Too Many Requests").outcome is Outcome.HTTP
    assert interpret(Action.RESUME, 418, b"", "\x1b[2J").message == (
        "418 ␛[2J: unexpected answer from the server")
    assert Action.PAUSE.in_progress == "pausing" and StartMode.from_label("dial-in") == 1
