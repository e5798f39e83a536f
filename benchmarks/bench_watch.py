"""Long calls and forgotten pauses (``livedash/watch.py``): the cost per poll and per tick.

    .venv/bin/python benchmarks/bench_watch.py                  # 1,000 and 10,000, 60 polls
    .venv/bin/python benchmarks/bench_watch.py --sizes 10000 --polls 30

A demo floor (``livedash.demo.floor.Floor``: 1 % of the calls replaced per 2 s poll, about
5 % paused) is decoded and applied to a ``LiveStore`` poll by poll, as in the app; the
``Watch`` (``--long-call 5m --long-pause 30s``) is fed each poll's records, and ticked
twice a poll (1 Hz against a 2 s interval). Timed as this thread's CPU time, medians and
maxima in ms:

* per poll: ``Watch.observe`` (the pause tracker, and the long calls put in crossing
  order again: one pass and one sort);
* per tick: what the app does every second: the crossings for the bell, the two counts
  for the status line, and the marks of the 50 rows on screen;
* for comparison, the same counts by a plain pass over every record each tick (what the
  watch avoids), with the answers checked equal.

Asserts nothing (besides that the counts agree).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from datetime import UTC

from livedash.clock import FixedClock
from livedash.decode import PollDecoder
from livedash.demo.floor import Floor
from livedash.model import FetchResult, Filters
from livedash.store import LiveStore
from livedash.watch import Thresholds, Watch, WatchCounts

INTERVAL = 2.0
LONG_CALL = 300.0
LONG_PAUSE = 30.0
ROWS_ON_SCREEN = 50


def naive_counts(watch: Watch, records, now: float) -> WatchCounts:
    """The counts by a pass over every record: what a tick would cost without the watch."""
    long_calls = sum(1 for rec in records.values() if rec.duration_at(now) >= LONG_CALL)
    long_pauses = sum(1 for rec in records.values() if watch.is_long_pause(rec.id, now))
    return WatchCounts(long_calls, long_pauses)


def measure(calls: int, polls: int) -> dict:
    floor = Floor(calls, seed=1, churn=0.01 / INTERVAL)
    decoder = PollDecoder(UTC)
    clock = FixedClock()
    store = LiveStore(clock)
    watch = Watch(Thresholds(LONG_CALL, LONG_PAUSE), start=clock.monotonic())
    observe_ms, tick_ms, naive_ms, counts = [], [], [], []
    for poll in range(polls + 1):
        parsed = decoder.decode(floor.encoded(None), "application/json", clock.monotonic())
        store.apply(FetchResult(Filters(), parsed.records, parsed.errors))
        started = time.thread_time()
        watch.observe(store.records, clock.monotonic())
        if poll:  # the first poll has everything to sort: not a steady cost
            observe_ms.append((time.thread_time() - started) * 1000)
        on_screen = list(store.records.values())[:ROWS_ON_SCREEN]
        for tick in (0.5, 1.5):
            now = clock.monotonic() + tick
            started = time.thread_time()
            watch.crossings(now)
            found = watch.counts(now)
            watch.status_parts(now)
            for rec in on_screen:
                watch.mark(rec, now)
            tick_ms.append((time.thread_time() - started) * 1000)
            started = time.thread_time()
            expected = naive_counts(watch, store.records, now)
            naive_ms.append((time.thread_time() - started) * 1000)
            if found != expected:
                raise SystemExit(f"counts differ at poll {poll}: {found} != {expected}")
            counts.append(found)
        floor.step(INTERVAL)
        clock.advance(INTERVAL)
    return {"observe": observe_ms, "tick": tick_ms, "naive": naive_ms, "last": counts[-1]}


def figures(values: list[float]) -> str:
    return f"{statistics.median(values):7.3f} / {max(values):7.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000",
                        help="live recordings, comma-separated (default 1000,10000)")
    parser.add_argument("--polls", type=int, default=60, help="polls measured (default 60)")
    args = parser.parse_args()
    gc.freeze()  # as the app does at start (cli.settle_for_a_long_run)
    print(f"--long-call {LONG_CALL:g}s --long-pause {LONG_PAUSE:g}s; ms of CPU, "
          "median / max")
    print(f"{'recordings':>10}  {'per poll: observe':>19}  {'per tick: watch':>19}  "
          f"{'per tick: a pass':>19}  last counts (long calls, long pauses)")
    for size in (int(part) for part in args.sizes.split(",")):
        result = measure(size, args.polls)
        print(f"{size:>10,}  {figures(result['observe']):>19}  {figures(result['tick']):>19}  "
              f"{figures(result['naive']):>19}  {tuple(result['last'])}")


if __name__ == "__main__":
    main()
