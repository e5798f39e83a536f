"""Test helpers around the demo server, for any test module of the project.

``demo_server_fixture`` builds a pytest fixture without a conftest::

    from livedash.demo.testing import demo_server_fixture, known_floor

    demo_server = demo_server_fixture(floor_factory=known_floor)

    def test_something(demo_server):
        httpx.get(demo_server.endpoint, auth=DEMO_AUTH)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from .floor import Floor
from .server import DEMO_PASSWORD, DEMO_USER, DemoServer
from .vendor_example import example_call

DEMO_AUTH = (DEMO_USER, DEMO_PASSWORD)
KNOWN_NOW = datetime(2024, 3, 5, 9, 30, 0)

# A small floor whose filter results are known. alice owns two lines (same numeric user
# id), so username AND deviceName narrows to one call; bob's caller is unknown by name;
# carol's recording is paused and her caller withheld everything.
# For supervisor actions: carol's line is recorded by policy (stop: 400 reason 2) and
# alice's second line is not monitorable (stop: 400 reason 1); bob, alice-1 and the
# example stop normally. IDLE_LINES have no call: a start there gets 409 (dave) or 400
# reason 1 (erin, not monitorable).
KNOWN_CALLS = {
    "alice-1": dict(username="alice", device_name="SEP00000000A001", directory_number="1001",
                    numeric_user_id="100001", first_name="Giulia", last_name="Rossi",
                    phone_number="+390212345678", duration=75,
                    rec_id="a1111111-0000-4000-8000-000000000001"),
    "alice-2": dict(username="alice", device_name="SEP00000000A002", directory_number="1002",
                    numeric_user_id="100001", first_name="Hugo", last_name="Martin",
                    phone_number="+33112345678", duration=3605,
                    rec_id="a1111111-0000-4000-8000-000000000002", monitorable=False),
    "bob": dict(username="bob", device_name="SEP00000000B001", directory_number="2001",
                numeric_user_id="200002", phone_number="+15550001111", duration=0,
                rec_id="b2222222-0000-4000-8000-000000000003"),
    "carol": dict(username="carol", device_name="SEP00000000C001", directory_number="3001",
                  numeric_user_id="300003", duration=42, paused=True,
                  rec_id="c3333333-0000-4000-8000-000000000004", recorded_by_policy=True),
    "example": example_call(),
}
KNOWN_IDS = {name: spec["rec_id"] for name, spec in KNOWN_CALLS.items()}
IDLE_LINES = {
    "dave": dict(username="dave", device_name="SEP00000000D001", directory_number="4001",
                 numeric_user_id="400004"),
    "erin": dict(username="erin", device_name="SEP00000000E001", directory_number="5001",
                 numeric_user_id="500005", monitorable=False),
}


def known_floor() -> Floor:
    """``KNOWN_CALLS`` on a static floor (no churn, no random pauses): step it freely."""
    floor = Floor(size=0, seed=7, now=lambda: KNOWN_NOW, churn=0.0, paused_fraction=0.0)
    for spec in KNOWN_CALLS.values():
        floor.add_call(**spec)
    for spec in IDLE_LINES.values():
        floor.add_line(**spec)
    return floor


def demo_server_fixture(*, scope: str = "function",
                        floor_factory: Callable[[], Floor] | None = None,
                        **server_kwargs: object) -> Callable[[], Iterator[DemoServer]]:
    """A pytest fixture yielding a started ``DemoServer`` (stopped afterwards)."""

    @pytest.fixture(scope=scope)
    def demo_server() -> Iterator[DemoServer]:
        floor = floor_factory() if floor_factory else None
        with DemoServer(floor, **server_kwargs) as server:
            yield server

    return demo_server
