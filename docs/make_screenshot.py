"""Regenerate docs/main-screen.svg: the dashboard on a seeded demo floor.

    .venv/bin/python docs/make_screenshot.py
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from livedash.app import LiveDashApp
from livedash.clock import FixedClock
from livedash.credentials import Credentials, Secret
from livedash.demo.floor import Floor
from livedash.demo.server import DEMO_PASSWORD, DEMO_USER, DemoServer
from livedash.settings import Settings

OUT = Path(__file__).with_name("main-screen.svg")
INTERVAL = 2.0  # livedash's default
LATENCY = 0.038  # seconds: a server on the LAN


class RequestTimer:
    """The client's clock: the fixed clock, read ``LATENCY`` early when a request starts.

    The client reads its clock twice per poll, at the request and at the answer: the
    status line then shows a realistic latency instead of 0 ms, while the answer is
    stamped with the fixed clock's time, so the durations on screen are exact.
    """

    def __init__(self, clock: FixedClock):
        self.clock = clock
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.clock.monotonic() - (LATENCY if self.reads % 2 else 0.0)


async def main() -> None:
    start = datetime(2026, 11, 27, 10, 15, 0)
    floor = Floor(size=30, seed=11, now=lambda: start)
    floor.step(400)  # some calls ended, some new ones: a floor in mid-shift
    with DemoServer(floor) as server:
        settings = Settings(
            url=server.url, credentials=Credentials(DEMO_USER, Secret(DEMO_PASSWORD)),
            interval=INTERVAL, server_tz=UTC, display_tz=UTC,
        )
        clock = FixedClock(floor.now().replace(tzinfo=UTC))
        app = LiveDashApp(settings, clock=clock,
                          client=settings.make_client(RequestTimer(clock)))
        async with app.run_test(size=(150, 36)) as pilot:
            while not app.store.has_data:
                app.poll_settled.clear()
                await asyncio.wait_for(app.poll_settled.wait(), 10)
            await pilot.press("down", "down", "down")
            await pilot.pause()
            OUT.write_text(app.export_screenshot(title="livedash --demo"))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
