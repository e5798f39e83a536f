"""Shared fixtures: a real demo server on loopback, clients and apps pointed at it."""

from __future__ import annotations

import asyncio
from datetime import UTC

import pytest

from livedash import logs
from livedash.client import RecordingsClient
from livedash.clock import FixedClock
from livedash.credentials import Credentials, Secret
from livedash.demo.server import DEMO_PASSWORD, DEMO_USER
from livedash.demo.testing import demo_server_fixture, known_floor
from livedash.model import Filters
from livedash.settings import Settings

demo_server = demo_server_fixture(floor_factory=known_floor)

DEMO_CREDENTIALS = Credentials(DEMO_USER, Secret(DEMO_PASSWORD))


@pytest.fixture(autouse=True)
def secrets_of_this_test_only():
    """Each test masks only the passwords it registered itself.

    In livedash the set of secrets to mask is process-wide and only grows, as it must.
    Across tests it would leak: once one test has used the demo password "demo", every
    later test would read "--******** cannot be used with --********". (A monkeypatch of
    its own: a test's ``monkeypatch.undo()`` must not undo this.)
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(logs, "_redactor", logs.RedactSecrets())
        yield


def settings_for(url: str, **overrides) -> Settings:
    """Deterministic settings: UTC everywhere, a long interval (tests poll explicitly).

    The header names the server "demo", not its random port, so snapshots stay fixed.
    """
    values = dict(
        url=url, credentials=DEMO_CREDENTIALS, interval=3600.0, timeout=5.0,
        server_tz=UTC, display_tz=UTC, filters=Filters(), server_name="demo",
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def make_client(demo_server):
    clients = []

    def make(**kwargs) -> RecordingsClient:
        credentials = kwargs.pop("credentials", DEMO_CREDENTIALS)
        client = RecordingsClient(demo_server.url, credentials, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture(autouse=True)
def private_state_dir(tmp_path, monkeypatch):
    """No test reads or writes the user's own state directory (the filter history):
    platformdirs finds it under XDG_STATE_HOME, here a fresh folder per test."""
    state = tmp_path / "xdg-state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


async def until(app, predicate, timeout: float = 10) -> None:
    """Wait on the app's poll event (not a timer) until ``predicate()`` holds."""
    while not predicate():
        app.poll_settled.clear()
        await asyncio.wait_for(app.poll_settled.wait(), timeout=timeout)


async def press_and_settle(pilot, *keys: str) -> None:
    """Press keys, then wait for the next poll outcome (answer or failure) on screen.

    The count is read before pressing: the press itself may let the poll finish.
    """
    app = pilot.app
    before = app.outcomes
    await pilot.press(*keys)
    await until(app, lambda: app.outcomes > before)
