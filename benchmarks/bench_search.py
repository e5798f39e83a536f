"""Quick search benchmark (issue #11): each keystroke's narrowing, and the 1 Hz tick with
and without a search on, at 1,000 and 10,000 live recordings.

    .venv/bin/python benchmarks/bench_search.py                  # 1,000 and 10,000
    .venv/bin/python benchmarks/bench_search.py --sizes 10000 --ticks 20

Two parts; every figure is measured (perf_counter for wall time on this thread,
process_time for CPU), none asserted:

1. **Narrowing, pure.** The records of a demo floor (``livedash.demo.floor.Floor``,
   seed 1), decoded as a poll brings them. Each query is typed a character at a time;
   per keystroke, what the table does with the rows: ``RowSearch.keep`` through
   ``row_order.view_rows`` (filter, then sort longest first) and the count of matches.
   Also the one-off cost of making every record's search key when the search opens
   (``/``), and a keystroke without it (keys made on the way, the worst case). And the
   User filter's suggestions: the users on a call (made once per poll, when the list
   is used) and, per keystroke, the values offered (``filter_history.ranked``).
2. **In the app.** The real ``LiveDashApp`` headless at 160×50 on the demo server
   (in this process, no churn), after its first poll. Per keystroke: the app's own
   handler (``set_search`` + ``refresh_views``) and then drawing every table line of
   the next frame (the rows found, their matches marked). Per 1 Hz tick, polling
   paused: the CPU of ``app.tick()`` and of the frame it causes (``pilot.pause``),
   first with no search, then with a search on; median and max over ``--ticks``.

Targets (issue #11): a keystroke's narrowing ≤ 30 ms at 10,000; the tick no dearer with
a search on than without. Run it on a quiet machine: other processes make every figure
worse.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
from datetime import UTC
from pathlib import Path

from textual.geometry import Region

from livedash.app import LiveDashApp
from livedash.clock import FixedClock
from livedash.credentials import Credentials, Secret
from livedash.decode import PollDecoder
from livedash.demo.floor import Floor
from livedash.demo.server import DEMO_PASSWORD, DEMO_USER, DemoServer
from livedash.filter_history import live_usernames, ranked, suggestions
from livedash.row_order import SortOrder, view_rows
from livedash.search import RowSearch, parse_query
from livedash.settings import Settings

SIZE = (160, 50)
# What a supervisor types: a name with an accent, a common first name, a surname, a
# spaced number, a state word, and a single letter (the widest narrowing).
QUERIES = ("zoe", "anna", "rossi", "+39 02 1234", "paused", "e")


def ms(seconds: float) -> float:
    return seconds * 1000.0


def typed(query: str) -> list[str]:
    """The text after each keystroke of ``query``."""
    return [query[:end] for end in range(1, len(query) + 1)]


def pure_narrowing(calls: int) -> dict:
    floor = Floor(calls, seed=1)
    records = PollDecoder(UTC).decode(floor.encoded(None, "compact"), "application/json",
                                      0.0).records
    order = SortOrder()
    out: dict = {"queries": {}}
    search = RowSearch(UTC)
    started = time.perf_counter()
    search.prepare(records)
    out["prepare"] = ms(time.perf_counter() - started)
    by_id = {rec.id: rec for rec in records}
    for query in QUERIES:
        times, found = [], 0
        for text in typed(query):
            search.set(parse_query(text))
            started = time.perf_counter()
            rows = view_rows(records, order, now=10.0, keep=search.keep(()))
            search.found(rows, by_id, {})
            times.append(ms(time.perf_counter() - started))
            found = search.match_count
        out["queries"][query] = (statistics.median(times), max(times), found)
    # the worst case: a keystroke that makes every key on the way
    cold = RowSearch(UTC)
    cold.set(parse_query("z"))
    started = time.perf_counter()
    view_rows(records, order, now=10.0, keep=cold.keep(()))
    out["cold"] = ms(time.perf_counter() - started)
    started = time.perf_counter()
    users = live_usernames(records)
    made = ms(time.perf_counter() - started)
    offered = suggestions([], users)
    worst = 0.0
    for text in typed("zoe") + typed("anna"):
        started = time.perf_counter()
        ranked(text, offered, 50)
        worst = max(worst, ms(time.perf_counter() - started))
    out["users"] = (len(users), made, worst)
    return out


def make_settings(url: str, state_dir: Path) -> Settings:
    return Settings(url=url, credentials=Credentials(DEMO_USER, Secret(DEMO_PASSWORD)),
                    interval=3600.0, timeout=30.0, server_tz=UTC, display_tz=UTC,
                    server_name="demo", state_dir=state_dir)


async def in_the_app(calls: int, ticks: int) -> dict:
    out: dict = {}
    floor = Floor(calls, seed=1, churn=0.0)
    with DemoServer(floor) as server, tempfile.TemporaryDirectory() as state:
        clock = FixedClock()
        app = LiveDashApp(make_settings(server.url, Path(state)), clock=clock)
        async with app.run_test(size=SIZE) as pilot:
            while not app.store.has_data:
                app.poll_settled.clear()
                await asyncio.wait_for(app.poll_settled.wait(), 60)
            app.tick_timer.pause()  # ticks are stepped here, on the injected clock
            app.poller.set_paused(True)
            await pilot.pause()
            table = app.table

            def frame() -> None:
                table.render_lines(Region(0, 0, table.size.width, table.size.height))

            async def tick_cpu() -> list[float]:
                gc.collect()
                costs = []
                for _ in range(ticks):
                    clock.advance(1.0)
                    started = time.process_time()
                    app.tick()
                    await pilot.pause()
                    costs.append(ms(time.process_time() - started))
                return costs

            out["tick_off"] = await tick_cpu()
            await pilot.press("slash")
            full_passes = gc.get_stats()[2]["collections"]
            per_query = {}
            for query in QUERIES:
                handler, drawing = [], []
                for text in typed(query):
                    started = time.perf_counter()
                    app.table.set_search(parse_query(text))
                    app.refresh_views()
                    between = time.perf_counter()
                    frame()
                    done = time.perf_counter()
                    handler.append(ms(between - started))
                    drawing.append(ms(done - between))
                per_query[query] = (max(handler), max(a + b for a, b in zip(handler, drawing,
                                                                             strict=True)))
            out["keystrokes"] = per_query
            # a full pass of the garbage collector (tens of ms at this size) can land in
            # a keystroke: counted, so that a max can be told from the search's own cost
            out["full_gc"] = gc.get_stats()[2]["collections"] - full_passes
            app.search_bar.input.value = "anna"  # a search on while ticking
            await pilot.press("enter")
            await pilot.pause()
            out["tick_on"] = await tick_cpu()
            out["tick_matches"] = table.search.match_count
    return out


def report(calls: int, pure: dict, app: dict) -> None:
    print(f"\n== {calls:,} live recordings ==")
    print(f"opening the search (every record's key): {pure['prepare']:.1f} ms; "
          f"a first keystroke without it: {pure['cold']:.1f} ms")
    print(f"{'query':<14}{'found':>8}  {'pure: median':>13}{'max':>8}  "
          f"{'app handler max':>16}{'+ frame max':>13}   (ms per keystroke)")
    for query in QUERIES:
        median, worst, found = pure["queries"][query]
        handler, with_frame = app["keystrokes"][query]
        print(f"{query!r:<14}{found:>8,}  {median:>13.2f}{worst:>8.2f}  "
              f"{handler:>16.2f}{with_frame:>13.2f}")
    print(f"(full garbage-collector passes during those keystrokes: {app['full_gc']})")
    users, made, worst = pure["users"]
    print(f"User suggestions: {users:,} users on a call, listed in {made:.1f} ms (once per "
          f"poll); the values offered per keystroke: at most {worst:.2f} ms")
    off, on = app["tick_off"], app["tick_on"]
    print(f"1 Hz tick CPU, no search:     median {statistics.median(off):.2f} ms, "
          f"max {max(off):.2f} ms")
    print(f"1 Hz tick CPU, search 'anna': median {statistics.median(on):.2f} ms, "
          f"max {max(on):.2f} ms ({app['tick_matches']:,} rows found)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000",
                        help="numbers of live recordings, comma-separated")
    parser.add_argument("--ticks", type=int, default=30, help="ticks measured per mode")
    args = parser.parse_args()
    for calls in (int(size) for size in args.sizes.split(",")):
        pure = pure_narrowing(calls)
        app = asyncio.run(in_the_app(calls, args.ticks))
        report(calls, pure, app)


if __name__ == "__main__":
    main()
