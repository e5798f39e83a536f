"""Export (``e``) and the recently-ended view (``h``) at 10,000 rows: what holds the loop.

    .venv/bin/python benchmarks/bench_export.py            # 10,000 recordings
    .venv/bin/python benchmarks/bench_export.py --calls 1000 --runs 5

The real ``LiveDashApp``, headless (160×50) in this process, settled as the CLI settles
it (``gc.freeze``), against ``python -m livedash.demo`` in a child process on loopback, as
``--demo`` runs it (in this process, the server's own objects would load the garbage
collector and the figures with them). Measured, each the median and the worst of
``--runs``:

* export: the time ``e`` holds the event loop (reading the table's rows and the ended
  rows' durations; the rest runs in a worker thread), then the time until the file is
  written and synced, and the file's size;
* history: the cost of one poll's bookkeeping for ``h`` (``EndedHistory.poll_applied``)
  with 1 % of the recordings ending per 2 s poll (``--churn 0.005``), next to the whole
  ``store.apply`` of that poll;
* the view: ``h`` with a full history (a server replacing every call each second, until
  10,000 ends were seen): the time taking its snapshot holds the loop (10,000 rows of
  cell texts), the time until it is drawn (``pilot.pause`` included), and how long a
  full garbage collection takes with the view open and closed (the rows are not objects
  the collector walks: a stock ``DataTable`` of 10,000 rows made it 100-300 ms).

Prints figures; asserts nothing. A shared machine makes every figure worse: run it alone.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from livedash.app import LiveDashApp  # noqa: E402
from livedash.cli import settle_for_a_long_run  # noqa: E402
from livedash.history import MAX_ENTRIES  # noqa: E402
from livedash.widgets import recently_ended  # noqa: E402
from tests.conftest import settings_for, until  # noqa: E402

SIZE = (160, 50)


@contextmanager
def demo_server(calls: int, churn: float) -> Iterator[str]:
    """``python -m livedash.demo`` in a child process (a live floor); yields its URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "livedash.demo", "--port", "0", "--calls", str(calls),
         "--seed", "3", "--churn", str(churn)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None
        url = next(tok for line in proc.stdout for tok in line.split()
                   if tok.startswith("http://"))
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def poll(app) -> None:
    before = app.outcomes
    app.poller.poll_now()
    await until(app, lambda: app.outcomes > before, timeout=60)


def make_app(url: str, **settings) -> LiveDashApp:
    app = LiveDashApp(settings_for(url, **settings))
    settle_for_a_long_run()
    return app


async def measure_export(url: str, folder: Path, runs: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {"on the loop": [], "until written": [], "MiB": []}
    app = make_app(url, export_dir=folder)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data, timeout=60)
        await pilot.pause()
        app.poller.set_paused(True)  # the same rows each time
        for _ in range(runs):
            started = time.perf_counter()
            app.action_export()
            held = time.perf_counter() - started
            await asyncio.wait_for(app.exporter.finished.wait(), timeout=60)
            written = time.perf_counter() - started
            figures["on the loop"].append(held * 1000)
            figures["until written"].append(written * 1000)
            figures["MiB"].append(app.exporter.last_path.stat().st_size / 2**20)
    return figures


def timed(record: list[float], function):
    def run(*args, **kwargs):
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            record.append((time.perf_counter() - began) * 1000)

    return run


async def measure_polls(url: str, runs: int) -> dict[str, list[float]]:
    """The history's share of each poll, 1 % of the calls ending per 2 s poll."""
    figures: dict[str, list[float]] = {"history per poll": [], "store.apply": []}
    app = make_app(url)
    store = app.store
    store.history.poll_applied = timed(figures["history per poll"],  # type: ignore[method-assign]
                                       store.history.poll_applied)
    store.apply = timed(figures["store.apply"], store.apply)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE):
        await until(app, lambda: app.store.has_data, timeout=60)
        for _ in range(runs + 1):
            await asyncio.sleep(2)
            await poll(app)
    for values in figures.values():
        del values[:2]  # the first answers: the whole floor is new
    return figures


async def measure_view(url: str, runs: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {"snapshot (on the loop)": [], "until drawn": [],
                                       "full GC pass, view open": [],
                                       "full GC pass, closed": []}
    app = make_app(url)
    screen_class = recently_ended.RecentlyEndedScreen
    take = screen_class._take
    screen_class._take = timed(figures["snapshot (on the loop)"], take)  # type: ignore
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(app, lambda: app.store.has_data, timeout=60)
            while len(app.store.history) < MAX_ENTRIES:
                await asyncio.sleep(1)
                await poll(app)
            app.poller.set_paused(True)
            for _ in range(runs):
                figures["full GC pass, closed"].append(full_gc_pass())
                started = time.perf_counter()
                await pilot.press("h")
                await pilot.pause()
                figures["until drawn"].append((time.perf_counter() - started) * 1000)
                figures["full GC pass, view open"].append(full_gc_pass())
                await pilot.press("escape")
                await pilot.pause()
    finally:
        screen_class._take = take  # type: ignore[method-assign]
    return figures


def full_gc_pass() -> float:
    """ms of one full collection: what a gen2 pass would hold the loop for now."""
    started = time.perf_counter()
    gc.collect()
    return (time.perf_counter() - started) * 1000


def show(title: str, figures: dict[str, list[float]]) -> None:
    print(title)
    for name, values in figures.items():
        unit = "" if name == "MiB" else " ms"
        print(f"  {name:<22} median {statistics.median(values):8.1f}{unit}   "
              f"worst {max(values):8.1f}{unit}   ({len(values)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    calls = args.calls
    with demo_server(calls, 0.0) as url, tempfile.TemporaryDirectory() as folder:
        show(f"export of {calls:,} rows (e)",
             asyncio.run(measure_export(url, Path(folder), args.runs)))
    with demo_server(calls, 0.005) as url:
        show(f"{calls:,} live, 1 % ending per 2 s poll",
             asyncio.run(measure_polls(url, args.runs)))
    with demo_server(calls, 1.0) as url:
        show(f"the recently-ended view (h) of {MAX_ENTRIES:,} entries",
             asyncio.run(measure_view(url, args.runs)))


if __name__ == "__main__":
    main()
