"""Property-based contract test: schemathesis drives the demo server from the OpenAPI file.

Only ``getLiveRecordings`` (the dashboard's data source); a bounded number of examples so
it stays a few seconds. Every check schemathesis enables by default must pass, including
its negative-data and missing-auth checks: the server must never answer 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from livedash.demo import DemoServer, Floor
from livedash.demo.testing import DEMO_AUTH

SCHEMA_PATH = Path(__file__).parent / "contract" / "openapi.yaml"

# Basic auth through schemathesis' own config, not the call: its negative cases that drop
# the Authorization header must really go without it (and get 401).
CONFIG = SchemathesisConfig.from_dict(
    {"auth": {"basic": {"username": DEMO_AUTH[0], "password": DEMO_AUTH[1]}}})
schema = schemathesis.openapi.from_path(SCHEMA_PATH, config=CONFIG).include(
    operation_id="getLiveRecordings")


@pytest.fixture(scope="module")
def contract_server() -> Iterator[DemoServer]:
    # The article's example among other calls, so the schema's examples match something.
    with DemoServer(Floor.seed_example(extra=30)) as server:
        yield server


@schema.parametrize()
@settings(max_examples=50, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_live_recordings_conform_to_the_contract(case, contract_server):
    case.call_and_validate(base_url=contract_server.url.rstrip("/"))


def test_schemathesis_really_exercised_the_server(contract_server):
    """Runs after the property test (same module-scoped server): it must have sent both
    authenticated requests with filters and requests without credentials."""
    seen = contract_server.requests
    if not seen:
        pytest.skip("run together with test_live_recordings_conform_to_the_contract")
    statuses = {record.status for record in seen}
    assert statuses <= {200, 401, 405}, statuses  # 405: its unsupported-method probe
    assert 200 in statuses and 401 in statuses
    assert any(record.query for record in seen if record.status == 200)
    print(len(seen), sorted({record.query_string for record in seen})[:40])
