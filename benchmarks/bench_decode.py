"""Decode micro-benchmark: one poll's body → records → store diff, per JSON spelling.

    .venv/bin/python benchmarks/bench_decode.py                  # 10,000 records, 30 polls
    .venv/bin/python benchmarks/bench_decode.py --calls 1000 --polls 50

A demo floor (``livedash.demo.floor.Floor``, 1 % of the calls replaced per 2 s poll) is
stepped poll by poll and written in each spelling (compact, spaced, pretty) as the demo
server writes it; each body is decoded by ``PollDecoder.decode`` and applied to a
``LiveStore``, timed as this thread's CPU time (the thread the app decodes big bodies in
is left out: this is the work itself, which other processes on a busy machine change
less than they change wall time). It prints, per spelling, the median and max in ms of:
the decode alone (parse + model), the store's diff, and the two together (the issue's
"parse + model + diff", target ≤ 15 ms median / ≤ 30 ms max at 10,000), and the share
of records the store kept as the same object (anchors kept). The first poll (nothing to
diff against) is not counted. Asserts nothing.

Each spelling is measured twice: back to back (``warm``: the last poll's records still in
the CPU's caches) and with the caches flushed before each poll (``cold``: 64 MB copied
over itself), as in the app, where two seconds of ticks and frames pass between polls and
the decode finds the last poll's records in memory, not in cache. Cold is the figure to
compare with ``bench_scale.py``'s; the difference (a few ms at 10,000) is memory traffic,
which is why the decode touches as few of the last poll's objects as it can. In the app
the figures also creep up by a few ms over the first minutes, as the heap ages and new
objects land further apart.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from datetime import UTC

from livedash.clock import FixedClock
from livedash.decode import PollDecoder
from livedash.demo.floor import Floor
from livedash.demo.spellings import SPELLINGS
from livedash.model import FetchResult, Filters
from livedash.store import LiveStore

INTERVAL = 2.0


def measure(spelling: str, calls: int, polls: int, cold: bool) -> dict:
    floor = Floor(calls, seed=1, churn=0.01 / INTERVAL)
    decoder = PollDecoder(UTC)
    clock = FixedClock()
    store = LiveStore(clock)
    flush = bytearray(64 * 2**20) if cold else None
    decode_ms, diff_ms, kept, sizes = [], [], [], []
    for poll in range(polls + 1):
        body = floor.encoded(None, spelling)
        sizes.append(len(body))
        observed_at = clock.monotonic() + 0.003 * (poll % 3)  # arrival jitter
        previous = store.records
        if flush is not None:
            flush[:] = flush  # out of the caches: what two seconds of an app do
        started = time.thread_time()
        parsed = decoder.decode(body, "application/json", observed_at)
        decoded = time.thread_time()
        store.apply(FetchResult(Filters(), parsed.records, parsed.errors))
        applied = time.thread_time()
        if poll:
            decode_ms.append((decoded - started) * 1000)
            diff_ms.append((applied - decoded) * 1000)
            kept.append(sum(1 for key, rec in store.records.items()
                            if previous.get(key) is rec))
        floor.step(INTERVAL)
        clock.advance(INTERVAL)
    both = [a + b for a, b in zip(decode_ms, diff_ms, strict=True)]
    return {
        "body_kb": statistics.median(sizes) / 1000,
        "decode": (statistics.median(decode_ms), max(decode_ms)),
        "diff": (statistics.median(diff_ms), max(diff_ms)),
        "both": (statistics.median(both), max(both)),
        "kept": statistics.median(kept) / calls * 100,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--polls", type=int, default=30)
    parser.add_argument("--spellings", default=",".join(SPELLINGS),
                        help=f"comma-separated, of {', '.join(SPELLINGS)} (default: all)")
    args = parser.parse_args()
    gc.freeze()  # as the app does at start-up: the interpreter's objects are not ours
    print(f"bench_decode: {args.calls:,} records, {args.polls} polls, 1 % churn per poll, "
          f"load average {os.getloadavg()[0]:.2f}; ms median / max")
    print(f"{'spelling':<9} {'caches':<6} {'body KB':>8} {'parse+model':>13} {'store diff':>12} "
          f"{'parse+model+diff':>17} {'anchors kept':>13}")
    for spelling in args.spellings.split(","):
        for cold in (False, True):
            figures = measure(spelling, args.calls, args.polls, cold)
            cells = [f"{figures[key][0]:.1f} / {figures[key][1]:.1f}"
                     for key in ("decode", "diff", "both")]
            print(f"{spelling:<9} {'cold' if cold else 'warm':<6} {figures['body_kb']:>8.0f} "
                  f"{cells[0]:>13} {cells[1]:>12} {cells[2]:>17} {figures['kept']:>12.1f}%")


if __name__ == "__main__":
    main()
