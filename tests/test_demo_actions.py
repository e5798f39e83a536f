"""The demo server's supervisor actions over loopback HTTP: every documented answer, the
lines that cannot be stopped, and faults injected for the next action request."""

from __future__ import annotations

import json
import zlib

import httpx
import pytest

from livedash.demo import Floor
from livedash.demo.faults import ACTION_KINDS
from livedash.demo.lines import POLICY_PERCENT, UNMONITORABLE_PERCENT, RecordedByPolicy
from livedash.demo.testing import DEMO_AUTH, IDLE_LINES, KNOWN_IDS

MISSING = "00000000-0000-4000-8000-000000000000"


def _put(server, rec_id: str, action: str) -> httpx.Response:
    return httpx.put(f"{server.endpoint}/{rec_id}/{action}", auth=DEMO_AUTH)


def _delete(server, rec_id: str) -> httpx.Response:
    return httpx.delete(f"{server.endpoint}/{rec_id}", auth=DEMO_AUTH)


def _start(server, **body) -> httpx.Response:
    return httpx.post(server.endpoint, json=body, auth=DEMO_AUTH)


def _live(server) -> set[str]:
    return {record["id"] for record in httpx.get(server.endpoint, auth=DEMO_AUTH).json()}


def test_stop_refuses_lines_that_cannot_be_stopped(demo_server):
    policy = _delete(demo_server, KNOWN_IDS["carol"])
    assert policy.status_code == 400 and policy.json() == {"reason": 2}
    unmonitorable = _delete(demo_server, KNOWN_IDS["alice-2"])
    assert unmonitorable.status_code == 400 and unmonitorable.json() == {"reason": 1}
    assert {KNOWN_IDS["carol"], KNOWN_IDS["alice-2"]} <= _live(demo_server)
    # a policy line's recording can still be paused (a card number is read out there too)
    assert _put(demo_server, KNOWN_IDS["carol"], "Resume").status_code == 204


def test_start_answers_on_idle_and_unmonitorable_lines(demo_server):
    dave, erin = IDLE_LINES["dave"], IDLE_LINES["erin"]
    assert _start(demo_server, deviceName=dave["device_name"]).status_code == 409
    refused = _start(demo_server, directoryNumber=erin["directory_number"])
    assert refused.status_code == 400 and refused.json() == {"reason": 1, "deviceName": ""}
    refused = _start(demo_server, deviceName=erin["device_name"], mode=1)
    assert refused.json() == {"reason": 1, "deviceName": erin["device_name"]}
    assert json.loads(demo_server.requests[-1].body) == {"deviceName": erin["device_name"],
                                                         "mode": 1}


def test_a_fixed_share_of_generated_lines_cannot_be_stopped():
    floor = Floor(2000, seed=9)
    lines = floor.lines() + floor.idle_lines()
    policy = [line for line in lines if line.recorded_by_policy]
    unmonitorable = [line for line in lines if not line.monitorable]
    assert 0.5 * POLICY_PERCENT < 100 * len(policy) / len(lines) < 1.5 * POLICY_PERCENT
    assert 0.5 * UNMONITORABLE_PERCENT < 100 * len(unmonitorable) / len(lines) < (
        1.5 * UNMONITORABLE_PERCENT)
    assert not set(policy) & set(unmonitorable)
    # from the device name, not from the floor's random draws: the same for every seed
    assert all(zlib.crc32(line.device_name.encode()) % 100 < POLICY_PERCENT for line in policy)


def test_supervisor_stop_on_a_generated_policy_line():
    floor = Floor(400, seed=3)
    rec_id = next(rec_id for rec_id, line in zip(floor.ids(), floor.lines(), strict=True)
                  if line.recorded_by_policy)
    with pytest.raises(RecordedByPolicy):
        floor.supervisor_stop(rec_id)
    floor.stop(rec_id)  # a test ending the recording is not a supervisor: it ends
    assert rec_id not in floor.ids()


@pytest.mark.parametrize(("kind", "status"), [
    ("504", 504), ("500", 500), ("502_html", 502), ("503_html", 503), ("401", 401),
    ("403", 403), ("404", 404),
])
def test_action_faults_answer_instead_of_acting(demo_server, kind, status):
    rec_id = KNOWN_IDS["bob"]
    demo_server.faults.inject_action(kind, 1)
    assert httpx.get(demo_server.endpoint, auth=DEMO_AUTH).status_code == 200  # not a poll's
    assert _delete(demo_server, rec_id).status_code == status
    assert rec_id in _live(demo_server)
    assert demo_server.requests[-2].fault == kind
    assert _delete(demo_server, rec_id).status_code == 204  # one request only


def test_slow_and_dropped_actions_act(demo_server):
    demo_server.faults.inject_action("slow", 1, delay=0.1)
    assert _put(demo_server, KNOWN_IDS["bob"], "Pause").status_code == 204
    demo_server.faults.inject_action("drop", 1)
    with pytest.raises(httpx.TransportError):
        _put(demo_server, KNOWN_IDS["alice-1"], "Pause")
    paused = {r["id"]: r["isPaused"] for r in
              httpx.get(demo_server.endpoint, auth=DEMO_AUTH).json()}
    assert paused[KNOWN_IDS["bob"]] and paused[KNOWN_IDS["alice-1"]]  # the server acted


def test_action_faults_over_the_control_surface(demo_server):
    control = demo_server.url + "_demo/faults"
    assert httpx.post(control, json={"kind": "504", "count": 1, "on": "action"}).status_code == 204
    assert httpx.get(demo_server.url + "_demo/stats").json()["action_faults_pending"] == [
        ["504", 1]]
    assert _start(demo_server, deviceName="SEP00000000B001").status_code == 504
    assert httpx.post(control, json={"kind": "huge", "on": "action"}).status_code == 400
    assert httpx.post(control, json={"kind": "504", "on": "elsewhere"}).status_code == 400
    assert set(ACTION_KINDS) >= {"504", "slow", "drop", "401", "403"}
    demo_server.faults.inject_action("504")
    demo_server.faults.clear()
    assert demo_server.faults.pending_actions == []


def test_ids_reach_the_route_as_one_segment(demo_server):
    for rec_id, quoted in (("a/b", "a%2Fb"), ("..", "%2E%2E"), ("x?y=1", "x%3Fy%3D1")):
        response = httpx.put(f"{demo_server.endpoint}/{quoted}/Pause", auth=DEMO_AUTH)
        assert response.status_code == 409, rec_id  # the Pause route, with that id
        assert demo_server.requests[-1].raw_path.endswith(f"/LiveRecordings/{quoted}/Pause")
        response = httpx.delete(f"{demo_server.endpoint}/{quoted}", auth=DEMO_AUTH)
        assert response.status_code == 400 and response.json() == {"reason": 0}


def test_missing_recordings_are_409_for_every_action(demo_server):
    assert _put(demo_server, MISSING, "Pause").status_code == 409
    assert _put(demo_server, MISSING, "Resume").status_code == 409
    assert _delete(demo_server, MISSING).status_code == 409


def test_a_held_action_waits_until_released_then_acts(demo_server):
    from concurrent.futures import ThreadPoolExecutor

    demo_server.faults.inject_action("hold", 1)
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(_put, demo_server, KNOWN_IDS["bob"], "Pause")
        assert demo_server.faults.wait_served("hold")  # it has arrived, and waits
        assert not answer.done()
        assert not any(r.method == "PUT" for r in demo_server.requests)  # not answered
        assert demo_server.faults.release_held() == 1
        assert answer.result(timeout=10).status_code == 204
    assert demo_server.floor.recordings({"username": "bob"})[0]["isPaused"]
    assert demo_server.faults.release_held() == 0
