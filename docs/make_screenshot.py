"""Regenerate docs/main-screen.svg and docs/kiosk.svg: the dashboard and the kiosk (in the
high-contrast theme) on a seeded demo floor.

    .venv/bin/python docs/make_screenshot.py

The kiosk's sparklines show the half hour before the picture: the floor is simulated for
30 minutes, polled every 30 simulated seconds (real polls of the demo server, on a clock
that jumps), while its calls rise from a quiet start to the mid-morning peak.
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
KIOSK_OUT = Path(__file__).with_name("kiosk.svg")
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


def demo_settings(url: str, **options) -> Settings:
    return Settings(url=url, credentials=Credentials(DEMO_USER, Secret(DEMO_PASSWORD)),
                    interval=INTERVAL, server_tz=UTC, display_tz=UTC, **options)


async def until_polled(app: LiveDashApp, polls: int) -> None:
    while app.outcomes < polls:
        app.poll_settled.clear()
        await asyncio.wait_for(app.poll_settled.wait(), 10)


async def main() -> None:
    start = datetime(2026, 11, 27, 10, 15, 0)
    floor = Floor(size=30, seed=11, now=lambda: start)
    floor.step(400)  # some calls ended, some new ones: a floor in mid-shift
    with DemoServer(floor) as server:
        settings = demo_settings(server.url)
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
    await kiosk()


# calls on the floor, every 30 s of the half hour before the picture
MORNING = [14, 14, 15, 16, 16, 17, 18, 18, 19, 21, 22, 22, 23, 24, 26, 27, 27, 28, 28, 27,
           26, 25, 25, 26, 27, 29, 30, 31, 32, 32, 31, 30, 29, 29, 30, 31, 33, 34, 34, 33,
           32, 31, 30, 29, 29, 30, 31, 31, 32, 33, 34, 35, 35, 34, 33, 33, 32, 32, 32, 32]


async def kiosk() -> None:
    start = datetime(2026, 11, 27, 9, 45, 0)
    floor = Floor(size=max(MORNING), seed=11, now=lambda: start)  # lines for the peak
    floor.size = MORNING[0]  # calls end and are not replaced until the floor is this quiet
    floor.step(1200)
    with DemoServer(floor) as server:
        clock = FixedClock(floor.now().replace(tzinfo=UTC))
        settings = demo_settings(server.url, kiosk=True, theme="livedash-high-contrast",
                                 server_name="ias.example.com")
        app = LiveDashApp(settings, clock=clock,
                          client=settings.make_client(RequestTimer(clock)))
        async with app.run_test(size=(120, 34)) as pilot:
            await until_polled(app, 1)
            app.tick_timer.pause()
            for polls, size in enumerate(MORNING[1:], start=2):
                floor.size = size
                floor.step(30)
                clock.advance(30)
                app.poller.poll_now()
                await until_polled(app, polls)
                app.tick()
            await pilot.pause()
            KIOSK_OUT.write_text(app.export_screenshot(title="livedash --kiosk --theme "
                                                       "livedash-high-contrast"))
    print(f"wrote {KIOSK_OUT}")


if __name__ == "__main__":
    asyncio.run(main())
