"""Soak: the dashboard against a churning, faulty demo server, for minutes. Prints figures.

    .venv/bin/python benchmarks/soak.py [--seconds 600] [--interval 0.1] [--sample 5]
                                        [--calls 200] [--fault-rate 0.1] [--tracemalloc]

Three processes, as in production: the demo server (``python -m livedash.demo --port 0
--calls 200 --fault-rate 0.1``: calls start, end, pause, and a tenth of the requests get a
random transient fault: 5xx, HTML, slow, dropped, truncated, wrong shape, bad records,
hostile text), the dashboard under test (this file with ``--child``: a real
``LiveDashApp`` run headless, polling every ``--interval`` seconds, with the log file of a
real run), and this parent, which only reads and reports.

Every ``--sample`` seconds the child appends a line of figures about itself: resident
memory (psutil), asyncio tasks, open file descriptors, threads, polls and failures. It also
does what a person would, now and then: sorts, opens and closes the details of a
recording, asks for a poll. The parent prints the samples, then first/last/max of each
figure and its drift (last − first, and last − the sample after a one-minute warm-up),
and reports a crash: the child's exit code, anything it wrote to stderr, internal errors
it caught, ERROR/CRITICAL lines in its log. Exit code 0 when nothing crashed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIGURES = ("rss_mib", "tasks", "fds", "threads")
WARM_UP = 60.0  # seconds: caches and pools fill during the first minute


# ----------------------------------------------------------------------- the child
def run_child(args: argparse.Namespace) -> int:
    import psutil

    from livedash.app import LiveDashApp
    from livedash.cli import settle_for_a_long_run
    from livedash.credentials import Credentials, Secret
    from livedash.logs import setup_logging
    from livedash.memory import heap_figures
    from livedash.settings import Settings
    from livedash.widgets.screens import DetailsScreen

    credentials = Credentials("supervisor", Secret("demo"))
    setup_logging(Path(args.log_file), [credentials.password], username="supervisor")
    settings = Settings(url=args.url, credentials=credentials, interval=args.interval,
                        timeout=5.0, server_tz=UTC, display_tz=UTC)
    process = psutil.Process()
    started = time.monotonic()
    out = open(args.stats, "a", encoding="utf-8")  # open for the whole run

    tracing = None
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start(8)
        tracing = {"module": tracemalloc, "warm": None}

    class SoakApp(LiveDashApp):
        def on_mount(self) -> None:
            super().on_mount()
            self.set_interval(args.sample, self.sample)
            self.set_interval(7.0, self.act)
            self.set_timer(args.seconds, self.finish)
            self._acts = 0
            self.sample()

        def sample(self) -> None:
            memory = process.memory_info()
            line = {
                "t": round(time.monotonic() - started, 1),
                "rss_mib": round(memory.rss / 2**20, 2),
                "tasks": len(asyncio.all_tasks()),
                "fds": process.num_fds(),
                "threads": threading.active_count(),
                "outcomes": self.outcomes,
                "polls_ok": self.store.polls,
                "requests": self.poller.requests_sent,
                "internal_errors": self.internal_errors,
                "rows": self.table.row_count,
                "cpu_s": round(sum(process.cpu_times()[:2]), 2),
                "py_blocks": sys.getallocatedblocks(),
                **heap_figures(),
            }
            out.write(json.dumps(line) + "\n")
            out.flush()
            if tracing and tracing["warm"] is None and line["t"] >= WARM_UP:
                gc.collect()  # compare live objects, not garbage awaiting collection
                tracing["warm"] = tracing["module"].take_snapshot()

        def act(self) -> None:
            """What a person at the screen would do, in turn."""
            self._acts += 1
            step = self._acts % 4
            if isinstance(self.screen, DetailsScreen):
                self.pop_screen()
            elif step == 0:
                self.table.action_next_sort()
            elif step == 1 and self.table.cursor_recording is not None:
                self.table.action_open()
            elif step == 2:
                self.action_poll_now()
            else:
                self.table.action_page_down()

        def finish(self) -> None:
            self.sample()
            if tracing and tracing["warm"] is not None:
                gc.collect()
                end = tracing["module"].take_snapshot()
                growth = end.compare_to(tracing["warm"], "traceback")[:8]
                with open(Path(args.stats).with_name("tracemalloc.txt"), "w") as report:
                    for stat in growth:
                        report.write(f"{stat.size_diff / 1024:+.0f} KiB in "
                                     f"{stat.count_diff:+d} blocks, allocated at:\n")
                        for frame in stat.traceback.format()[-6:]:
                            report.write(f"    {frame}\n")
            self.exit(0)

    app = SoakApp(settings)
    settle_for_a_long_run()  # as livedash's command line does before the app runs
    app.run(headless=True, size=(160, 50))
    out.close()
    return app.return_code or 0


# ----------------------------------------------------------------------- the parent
def start_demo(calls: int, fault_rate: float) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "livedash.demo", "--port", "0", "--calls", str(calls),
         "--fault-rate", str(fault_rate), "--seed", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    url = next((tok for tok in line.split() if tok.startswith("http://")), None)
    if url is None:
        proc.kill()
        raise SystemExit(f"the demo server did not start: {line!r}")
    return proc, url


def demo_stats(url: str) -> dict:
    import httpx

    try:
        return httpx.get(url + "_demo/stats", timeout=5).json()
    except (httpx.HTTPError, ValueError) as exc:
        return {"error": str(exc)}


def summarize(samples: list[dict]) -> list[str]:
    """first/last/max, the drift last − first, and a steadier one: the median of the last
    five samples against the median of five after the warm-up (tasks come and go: a
    sample can catch a screen being opened)."""
    warm = [s for s in samples if s["t"] >= WARM_UP][:5] or samples[:5]
    tail = samples[-5:]
    lines = [f"{'figure':<10}{'first':>10}{'last':>10}{'max':>10}{'drift':>10}"
             f"{'steady drift':>14}  (median of 5 after {WARM_UP:g}s → median of last 5)"]
    for name in FIGURES:
        values = [s[name] for s in samples]
        first, last = values[0], values[-1]
        steady = statistics.median(s[name] for s in tail) - statistics.median(
            s[name] for s in warm)
        lines.append(f"{name:<10}{first:>10g}{last:>10g}{max(values):>10g}"
                     f"{last - first:>+10.4g}{steady:>+14.4g}")
    span = tail[-1]["t"] - warm[0]["t"]
    if span > 0:
        rss = statistics.median(s["rss_mib"] for s in tail) - statistics.median(
            s["rss_mib"] for s in warm)
        lines.append(f"rss after the warm-up: {rss:+.2f} MiB over {span:.0f}s "
                     f"({rss * 60 / span:+.2f} MiB/min)")
    return lines


def run_parent(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="livedash-soak-"))
    stats = workdir / "samples.jsonl"
    log_file = workdir / "livedash.log"
    demo, url = start_demo(args.calls, args.fault_rate)
    print(f"demo server {url} (calls {args.calls}, fault rate {args.fault_rate}); "
          f"app polls every {args.interval}s for {args.seconds:g}s; samples every "
          f"{args.sample}s; files in {workdir}", flush=True)
    child_cmd = [sys.executable, __file__, "--child", "--url", url,
                 *(["--tracemalloc"] if args.tracemalloc else []),
                 "--seconds", str(args.seconds), "--interval", str(args.interval),
                 "--sample", str(args.sample), "--stats", str(stats),
                 "--log-file", str(log_file)]
    wall = time.monotonic()
    child = subprocess.Popen(child_cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        _, err = child.communicate(timeout=args.seconds + 120)
        code = child.returncode
    except subprocess.TimeoutExpired:
        child.kill()
        _, err = child.communicate()
        code = "hung (killed)"
    wall = time.monotonic() - wall
    server = demo_stats(url)
    demo_alive = demo.poll() is None
    demo.terminate()
    try:
        demo.wait(timeout=10)
    except subprocess.TimeoutExpired:
        demo.kill()

    samples = [json.loads(line) for line in stats.read_text().splitlines()] if (
        stats.exists()) else []
    print(f"\n{'t/s':>7}{'rss MiB':>9}{'tasks':>7}{'fds':>5}{'thr':>5}{'polls':>7}"
          f"{'failed':>8}{'rows':>6}{'cpu s':>8}{'py blocks':>10}{'heap used':>10}"
          f"{'heap free':>10}")
    for s in samples:
        failed = s["outcomes"] - s["polls_ok"]
        print(f"{s['t']:>7}{s['rss_mib']:>9}{s['tasks']:>7}{s['fds']:>5}{s['threads']:>5}"
              f"{s['polls_ok']:>7}{failed:>8}{s['rows']:>6}{s['cpu_s']:>8}"
              f"{s.get('py_blocks', ''):>10}{s.get('heap_used_mib', ''):>10}"
              f"{s.get('heap_free_mib', ''):>10}")
    crashed = []
    if code != 0:
        crashed.append(f"the app exited with {code}")
    if err.strip():
        crashed.append("the app wrote to stderr:\n" + err.strip()[-2000:])
    if not samples or samples[-1]["t"] < args.seconds - args.sample:
        crashed.append("the samples stop before the end")
    if not demo_alive:
        crashed.append("the demo server died")
    logged = log_file.read_text(errors="replace") if log_file.exists() else ""
    bad_lines = [line for line in logged.splitlines()
                 if " ERROR " in line or " CRITICAL " in line]
    if samples:
        last = samples[-1]
        print()
        print("\n".join(summarize(samples)))
        failed = last["outcomes"] - last["polls_ok"]
        print(f"\npolls: {last['outcomes']} outcomes, {last['polls_ok']} good, {failed} failed;"
              f" {last['requests']} requests in {last['t']:g}s "
              f"({last['requests'] / max(last['t'], 1):.1f}/s); app CPU {last['cpu_s']}s "
              f"({100 * last['cpu_s'] / max(last['t'], 1):.0f} % of one core)")
        print(f"internal errors caught: {last['internal_errors']}; ERROR/CRITICAL log lines: "
              f"{len(bad_lines)}; log size {len(logged.encode()) / 1024:.0f} KiB")
    faults = server.get("faults_served", {})
    print(f"server: {server.get('requests', '?')} requests, {server.get('calls', '?')} calls; "
          f"faults served: {sum(faults.values())} "
          + json.dumps(dict(sorted(faults.items())), separators=(",", ":")))
    print(f"wall {wall:.0f}s")
    if bad_lines:
        print("first log errors:\n  " + "\n  ".join(bad_lines[:5]))
    traced = stats.with_name("tracemalloc.txt")
    if traced.exists():
        print(f"\nlargest growth after the warm-up (tracemalloc):\n{traced.read_text()}")
    if crashed:
        print("CRASH: " + "; ".join(crashed))
        return 1
    print("no crash")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=600.0, help="how long (default 600)")
    p.add_argument("--interval", type=float, default=0.1, help="poll interval (default 0.1)")
    p.add_argument("--sample", type=float, default=5.0, help="seconds between samples")
    p.add_argument("--calls", type=int, default=200)
    p.add_argument("--fault-rate", type=float, default=0.1)
    p.add_argument("--tracemalloc", action="store_true",
                   help="also report where memory grew after the warm-up (slower)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--url", help=argparse.SUPPRESS)
    p.add_argument("--stats", help=argparse.SUPPRESS)
    p.add_argument("--log-file", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        return run_child(args)
    os.environ.pop("LIVEDASH_PASSWORD", None)
    return run_parent(args)


if __name__ == "__main__":
    sys.exit(main())
