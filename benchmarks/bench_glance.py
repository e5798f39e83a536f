"""What the kiosk's glance costs. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_glance.py [--sizes 1000 10000] [--ticks 30]

* poll: the glance's work after a poll (``Glance.observe`` and the longest-call finder
  looking at the new records once), beside the store's own ``apply``;
* view: building the glance at a tick (two candidates compared, the half hour's series);
* tick: ``app.tick()`` of a headless kiosk at 120×34 (table, status line, header, glance
  panel), against the same app without the glance panel's work (``--kiosk`` off).

Times are CPU time of the running thread (``time.thread_time``), medians of repeats.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from livedash.app import LiveDashApp  # noqa: E402
from livedash.clock import FixedClock  # noqa: E402
from livedash.credentials import Credentials, Secret  # noqa: E402
from livedash.demo.floor import Floor  # noqa: E402
from livedash.demo.server import (  # noqa: E402
    DEMO_PASSWORD,
    DEMO_USER,
    DemoServer,
)
from livedash.glance import Glance  # noqa: E402
from livedash.model import FetchResult, Filters, LiveRecording  # noqa: E402
from livedash.settings import Settings  # noqa: E402
from livedash.store import LiveStore  # noqa: E402


def records(rng: random.Random, count: int, observed_at: float) -> list[LiveRecording]:
    return [LiveRecording(f"id-{i}", rng.uniform(0, 7200), None, f"agent{i}", "Ann", "Lee",
                          "+1555", rng.random() < 0.1, observed_at) for i in range(count)]


def ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:7.3f} ms"


def pure(size: int, repeats: int) -> None:
    rng = random.Random(1)
    clock = FixedClock(monotonic=0.0)
    store = LiveStore(clock)
    glance = Glance()
    applies, polls, views = [], [], []
    for _ in range(repeats):
        clock.advance(2)
        fetched = FetchResult(Filters(), records(rng, size, clock.monotonic()))
        started = time.thread_time()
        store.apply(fetched)
        applied = time.thread_time()
        glance.observe(store, clock.monotonic())
        glance.finder.longest(store.records, clock.monotonic())
        polled = time.thread_time()
        applies.append(applied - started)
        polls.append(polled - applied)
        for _ in range(2):  # two ticks a poll, at the default interval
            clock.advance(1)
            started = time.thread_time()
            glance.view(store, level="live", now=clock.monotonic(), page="page 1/1",
                        duration_text=lambda rec: "")
            views.append(time.thread_time() - started)
    print(f"{size:>6} records  store.apply {ms(applies)}  glance after a poll {ms(polls)}"
          f"  glance view a tick {ms(views)}")


async def ticking(size: int, ticks: int, kiosk: bool) -> float:
    floor = Floor(size=size, seed=3, churn=0.0)
    with DemoServer(floor) as server:
        clock = FixedClock()
        settings = Settings(url=server.url, interval=3600.0, kiosk=kiosk,
                            credentials=Credentials(DEMO_USER, Secret(DEMO_PASSWORD)))
        app = LiveDashApp(settings, clock=clock)
        async with app.run_test(size=(120, 34)) as pilot:
            while not app.store.has_data:
                app.poll_settled.clear()
                await asyncio.wait_for(app.poll_settled.wait(), 60)
            app.tick_timer.pause()
            await pilot.pause()
            times = []
            for _ in range(ticks):
                clock.advance(1)
                started = time.thread_time()
                app.tick()
                await pilot.pause()  # the frame the tick causes
                times.append(time.thread_time() - started)
            return statistics.median(times)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--ticks", type=int, default=30)
    args = parser.parse_args()
    for size in args.sizes:
        pure(size, repeats=10)
    for size in args.sizes:
        kiosk = await ticking(size, args.ticks, kiosk=True)
        plain = await ticking(size, args.ticks, kiosk=False)
        print(f"{size:>6} records  app.tick + frame: kiosk {kiosk * 1000:7.3f} ms, "
              f"dashboard {plain * 1000:7.3f} ms (120×34, median of {args.ticks})")


if __name__ == "__main__":
    asyncio.run(main())
