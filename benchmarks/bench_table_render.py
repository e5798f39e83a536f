"""Throwaway micro-benchmark for RecordingsTable. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_table_render.py [--rows 1000 10000] [--wall 0]

Measured in a headless app of 160×50 cells (the headless driver skips writing, so each
frame's terminal output is generated here by hand, as a real driver would):

* sync: ``table.sync(diff)`` after a poll with 1 % churn (the store's own ``apply`` is
  shown apart), and the frame painted after it;
* sort_by: a re-sort by each column;
* tick: ``clock.advance(1); table.tick()`` and the frame it causes (render_lines +
  compositor + terminal sequence), for the two repaint strategies;
* render_line: per call, with the row cache cold and warm;
* --wall N: process CPU over N real seconds with a 1 Hz tick, against the same app idle.

Times are CPU time of the running thread (``time.thread_time``), so other processes
competing for the CPU do not inflate them; medians of repeated runs.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import time
from datetime import UTC, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from msgspec.structs import replace  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.geometry import Region  # noqa: E402
from textual.screen import Screen  # noqa: E402

from livedash.clock import FixedClock  # noqa: E402
from livedash.model import FetchResult, Filters, LiveRecording  # noqa: E402
from livedash.store import LiveStore  # noqa: E402
from livedash.widgets import RecordingsTable  # noqa: E402

SIZE = (160, 50)
FIRST = "James Mary Giulia Jürgen François José Aarav João Yuki Łukasz Øyvind 王 Zoë".split()
LAST = "Smith García Müller Rossi Tanaka Nowak Hansen 秀英 O'Brien Lefèvre".split()


def make_record(rng: random.Random, clock: FixedClock, index: int) -> LiveRecording:
    duration = rng.uniform(0, 7200)
    unknown = rng.random() < 0.03
    return LiveRecording(
        "-".join(f"{rng.getrandbits(4 * n):0{n}x}" for n in (8, 4, 4, 4, 12)),
        duration,
        clock.now() - timedelta(seconds=duration),
        f"agent{index:05d}",
        "" if unknown else rng.choice(FIRST),
        "" if unknown else rng.choice(LAST),
        "" if rng.random() < 0.01 else f"+1555{rng.randrange(10**7):07d}",
        rng.random() < 0.05,
        clock.monotonic(),
    )


class BenchApp(App):
    CSS_PATH = str(ROOT / "styles" / "table.tcss")

    def __init__(self, store: LiveStore, clock: FixedClock) -> None:
        super().__init__()
        self.store = store
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield RecordingsTable(self.store, self.clock, UTC)


FRAMES: list[float] = []  # seconds per screen update
OUTPUT: list[int] = []  # bytes of terminal output per update


def instrument() -> None:
    """Time every screen update; generate the terminal output a real driver would write."""
    from textual._compositor import CompositorUpdate

    original_update = Screen._on_timer_update
    original_display = App._display

    def display(self, screen, renderable):
        if isinstance(renderable, CompositorUpdate):
            OUTPUT.append(len(renderable.render_segments(self.console)))
        return original_display(self, screen, renderable)

    def on_timer_update(self):
        start = time.thread_time()
        original_update(self)
        FRAMES.append(time.thread_time() - start)

    App._display = display
    Screen._on_timer_update = on_timer_update


def tick_full_lines(table: RecordingsTable) -> None:
    """The other repaint strategy, for comparison: a tick that repaints whole lines."""
    table.tick_time = table.clock.monotonic()
    first = table.scroll_offset.y
    table.refresh_lines(first + 1, min(table.row_count - first, table.size.height - 1))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.3f} ms"


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.thread_time()
        fn()
        times.append(time.thread_time() - start)
    return statistics.median(times)


async def frames_after(pilot, action) -> tuple[float, float, int]:
    """Run ``action``, let the app paint; (action time, frame time, output bytes)."""
    await pilot.pause()
    FRAMES.clear()
    OUTPUT.clear()
    start = time.thread_time()
    action()
    spent = time.thread_time() - start
    await pilot.pause()
    await pilot.pause()
    frame = sum(FRAMES)
    output = sum(OUTPUT)
    return spent, frame, output


async def bench(rows: int, wall: float) -> None:
    rng = random.Random(rows)
    clock = FixedClock()
    store = LiveStore(clock)
    records = [make_record(rng, clock, i) for i in range(rows)]
    store.apply(FetchResult(Filters(), records))
    app = BenchApp(store, clock)
    print(f"\n=== {rows:,} rows, {SIZE[0]}×{SIZE[1]} ===")
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(RecordingsTable)
        table.focus()
        spent, frame, output = await frames_after(pilot, table.sync)
        print(f"first sync            {ms(spent)}   first frame {ms(frame)}  {output:,} B")
        await pilot.press("down", "down", "down")
        gc.collect()

        # A poll: 1 % of calls end, as many start, the rest tick on.
        apply_times, sync_times, frame_times = [], [], []
        for _ in range(15):
            clock.advance(2)
            keep = records[rows // 100 :]
            records = [
                replace(r, duration=r.duration_at(clock.monotonic()), observed_at=clock.monotonic())
                for r in keep
            ]
            records += [make_record(rng, clock, rows + i) for i in range(rows // 100)]
            result = FetchResult(Filters(), records)
            start = time.thread_time()
            diff = store.apply(result)
            apply_times.append(time.thread_time() - start)
            spent, frame, _ = await frames_after(pilot, lambda diff=diff: table.sync(diff))
            sync_times.append(spent)
            frame_times.append(frame)
        print(f"store.apply (not mine){ms(statistics.median(apply_times))}")
        print(
            f"sync after a poll     {ms(statistics.median(sync_times))}   "
            f"max {ms(max(sync_times))}   frame after {ms(statistics.median(frame_times))}"
        )

        for key in ("duration", "state", "user", "remote", "number", "started", "id"):
            t = median_time(lambda key=key: table.sort_by(key, reverse=False), 5)
            print(f"sort_by({key!r:10})   {ms(t)}")
        table.sort_by("duration", reverse=True)

        # Ticks, both strategies, interleaved so drift and warm-up hit both alike.
        results: dict[bool, tuple[list, list, list]] = {False: ([], [], []), True: ([], [], [])}
        for round_ in range(80):
            full_lines = bool(round_ % 2)
            clock.advance(1)
            tick = (lambda: tick_full_lines(table)) if full_lines else table.tick
            spent, frame, output = await frames_after(pilot, tick)
            ticks, frames, outputs = results[full_lines]
            ticks.append(spent)
            frames.append(frame)
            outputs.append(output)
        for full_lines, label in ((False, "column region"), (True, "full lines   ")):
            ticks, frames, outputs = results[full_lines]
            per_second = statistics.median(ticks) + statistics.median(frames)
            print(
                f"tick ({label}) {ms(statistics.median(ticks))} + frame "
                f"{ms(statistics.median(frames))}  {statistics.median(outputs):,.0f} B"
                f"  → {per_second * 100:.3f} % of a core at 1 Hz"
            )

        # render_line, cold (no row cache) and warm.
        height = table.size.height

        def all_lines():
            for y in range(1, height):
                table.render_line(y)

        def cold():
            table._painter.clear()
            all_lines()

        lines = height - 1

        def in_pass():  # as Textual calls it: inside render_lines, one _begin_pass
            table._pass = table._begin_pass()
            try:
                all_lines()
            finally:
                table._pass = None

        print(f"render_line cold      {ms(median_time(cold, 50) / lines)} per line (standalone)")
        print(
            f"render_line warm      {ms(median_time(all_lines, 200) / lines)} per line (standalone)"
        )
        print(f"render_line in a pass {ms(median_time(in_pass, 200) / lines)} per line (warm)")
        crop = Region(0, 0, *table.size)

        def widget_frame():
            table.refresh()
            table.render_lines(crop)

        print(f"render_lines 50 lines {ms(median_time(widget_frame, 100))} (refresh + all lines)")

        if wall:
            await wall_cpu(pilot, table, clock, wall)


async def wall_cpu(pilot, table, clock, seconds: float) -> None:
    """Process CPU over ``seconds`` of real time: idle, then with a 1 Hz tick."""
    await pilot.pause()
    start = time.process_time()
    await asyncio.sleep(seconds)
    idle = time.process_time() - start

    def tick():
        clock.advance(1)
        table.tick()

    timer = table.set_interval(1.0, tick)
    start = time.process_time()
    await asyncio.sleep(seconds)
    ticking = time.process_time() - start
    timer.stop()
    print(
        f"wall {seconds:.0f}s: idle {idle / seconds * 100:.2f} % of a core, "
        f"ticking {ticking / seconds * 100:.2f} % (tick share ≈ "
        f"{(ticking - idle) / seconds * 100:.2f} %)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--wall", type=float, default=0.0)
    args = parser.parse_args()
    instrument()
    for rows in args.rows:
        asyncio.run(bench(rows, args.wall))


if __name__ == "__main__":
    main()
