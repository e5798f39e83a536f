"""Property-based contract test: schemathesis drives the demo server from the OpenAPI file.

All five operations of ``tests/contract/openapi.yaml`` (the vendored copy of
``../shared/api/openapi.yaml``), each on a fresh demo server of its own, so no test depends
on another having run first and none skips. Every check schemathesis enables by default
must pass, including its negative-data and missing-auth checks: the server must never
answer 500, nor a status the contract does not list. Then each test asserts what the
server really saw: requests with and without credentials, and the operation's success.

Random ids and bodies mostly name no live recording; real ids and lines of the floor are
mixed in so that each action also succeeds (and then meets its "already" answer).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from livedash.demo import DemoServer, Floor
from livedash.demo.server import LIVE_RECORDINGS
from livedash.demo.testing import DEMO_AUTH

SCHEMA_PATH = Path(__file__).parent / "contract" / "openapi.yaml"

# A schema-valid request can still name a device or recording that does not exist: start
# and stop then answer their documented 400 (reason 0), which schemathesis' "positive data
# accepted" check would otherwise count against them.
_MAY_NAME_NOTHING = {"checks": {"positive_data_acceptance": {"expected-statuses": [
    "2xx", "400", "401", "403", "404", "409", "429"]}}}
# Basic auth through schemathesis' own config, not the call: its negative cases that drop
# the Authorization header must really go without it (and get 401).
CONFIG = SchemathesisConfig.from_dict({
    "auth": {"basic": {"username": DEMO_AUTH[0], "password": DEMO_AUTH[1]}},
    "operations": [{"include-operation-id": operation_id, **_MAY_NAME_NOTHING}
                   for operation_id in ("startRecording", "stopRecording")],
})
schema = schemathesis.openapi.from_path(SCHEMA_PATH, config=CONFIG)

OPERATIONS = {  # operation id → its success status
    "getLiveRecordings": 200,
    "startRecording": 201,
    "stopRecording": 204,
    "pauseRecording": 204,
    "resumeRecording": 204,
}


def _contract_floor() -> tuple[Floor, list[str], list[str]]:
    """The article's example among other calls (the schema's examples match it); some
    recordings paused (resume succeeds) and some stopped, their calls going on (start
    succeeds). Returns the floor, ids of live recordings, devices with an unrecorded call."""
    floor = Floor.seed_example(extra=30)
    ids = floor.ids()
    for rec_id in ids[1:4]:
        floor.pause(rec_id)
    lines = dict(zip(floor.ids(), floor.lines(), strict=True))
    devices = []
    for rec_id in ids[-3:]:
        floor.stop(rec_id)
        devices.append(lines[rec_id].device_name)
    return floor, ids[:6], devices


def _strategy(operation, ids: list[str], devices: list[str]) -> st.SearchStrategy:
    strategies = [operation.as_strategy(GenerationMode.POSITIVE),
                  operation.as_strategy(GenerationMode.NEGATIVE),
                  *operation.get_strategies_from_examples()]
    if "{id}" in operation.path:
        strategies += [operation.as_strategy(path_parameters={"id": rec_id}) for rec_id in ids]
    elif operation.method.upper() == "POST":
        strategies += [operation.as_strategy(body={"deviceName": device}) for device in devices]
    return st.one_of(strategies)


@pytest.mark.parametrize("operation_id", list(OPERATIONS))
def test_operation_conforms_to_the_contract(operation_id):
    operation = schema.find_operation_by_id(operation_id)
    floor, ids, devices = _contract_floor()
    documented = {int(code) for code in operation.definition.raw["responses"]}
    with DemoServer(floor) as server:

        @given(case=_strategy(operation, ids, devices))
        @settings(max_examples=60, deadline=None, database=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        def conforms(case):
            case.call_and_validate(base_url=server.url.rstrip("/"))

        conforms()
        seen = [r for r in server.requests if r.method == operation.method.upper()]
    statuses = Counter(record.status for record in seen)
    assert set(statuses) <= documented, statuses
    assert statuses[401] and any(record.user for record in seen)  # without and with auth
    assert statuses[OPERATIONS[operation_id]], statuses  # the operation really succeeded
    if operation_id == "getLiveRecordings":
        assert any(record.query for record in seen if record.status == 200)
    print(operation_id, sorted(statuses.items()))


@pytest.mark.parametrize(("method", "path"), [
    ("PATCH", ""), ("PUT", ""), ("GET", "/6b98303a-b295-473a-adae-19b78aca468d"),
    ("POST", "/6b98303a-b295-473a-adae-19b78aca468d/Pause"),
    ("DELETE", "/6b98303a-b295-473a-adae-19b78aca468d/Resume"),
])
def test_methods_outside_the_contract_are_405(demo_server, method, path):
    url = demo_server.url + LIVE_RECORDINGS.lstrip("/") + path
    assert httpx.request(method, url, auth=DEMO_AUTH).status_code == 405
