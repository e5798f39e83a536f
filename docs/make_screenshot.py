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


async def main() -> None:
    start = datetime(2026, 11, 27, 10, 15, 0)
    floor = Floor(size=30, seed=11, now=lambda: start)
    floor.step(400)  # some calls ended, some new ones: a floor in mid-shift
    with DemoServer(floor) as server:
        settings = Settings(
            url=server.url, credentials=Credentials(DEMO_USER, Secret(DEMO_PASSWORD)),
            interval=3600, server_tz=UTC, display_tz=UTC,
        )
        app = LiveDashApp(settings, clock=FixedClock(floor.now().replace(tzinfo=UTC)))
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
