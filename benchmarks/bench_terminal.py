"""The dashboard in a real terminal (tmux), as a user runs it: CPU, and how steadily it ticks.

    .venv/bin/python benchmarks/bench_terminal.py                      # 10,000, every spelling
    .venv/bin/python benchmarks/bench_terminal.py --calls 10000 --spellings spaced --seconds 20

A headless run does not pay for writing to a terminal; this one does. For each JSON
spelling of the demo server (``python -m livedash.demo --spelling …``, 1 % of the calls
replaced per 2 s poll, in a subprocess) it starts ``livedash --url … --user supervisor``
in a detached tmux session of 160×50 and, after the first rows and a warm-up, for
``--seconds`` (a polling minute by default):

* CPU of the livedash process, from the OS (psutil: user + system time of the process),
  as % of one core (issue #9's target at 10,000: ≤ 5 %);
* the screen, sampled ~10 times a second with ``tmux capture-pane -p``: the durations of
  the recording rows (``● REC``) on screen, and the longest stretch in which none of them
  changed (target: no stretch over 1.15 s without a tick), with the intervals between
  changes (median, 90th percentile). The sampling period (0.1 s) is the resolution.

The password of the demo account reaches livedash through ``LIVEDASH_PASSWORD`` set in a
0700 wrapper script, never in tmux's argv. Uses tmux sessions named ``bench-terminal-PID-…``
and kills each one it started. Asserts nothing; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from bench_scale import start_demo, stop_process  # (this folder is on sys.path)

from livedash.demo.accounts import DEMO_PASSWORD, DEMO_USER
from livedash.demo.spellings import SPELLINGS

ROOT = Path(__file__).resolve().parents[1]
SIZE = (160, 50)
INTERVAL = 2.0
SAMPLE_PERIOD = 0.1
_REC_DURATION = re.compile(r"● REC\s+(\d+:\d\d:\d\d)")


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def _durations_on_screen(session: str) -> tuple[str, ...] | None:
    try:
        screen = _tmux("capture-pane", "-p", "-t", session)
    except subprocess.CalledProcessError:
        return None
    return tuple(_REC_DURATION.findall(screen))


def measure(calls: int, spelling: str, seconds: float, warmup: float) -> dict:
    demo, url = start_demo(calls, 0.01 / INTERVAL, spelling)
    session = f"bench-terminal-{os.getpid()}-{spelling}"
    workdir = tempfile.mkdtemp(prefix="bench-terminal-")
    script = Path(workdir) / "run.sh"
    livedash = Path(sys.executable).with_name("livedash")
    script.write_text(
        "#!/bin/sh\n"
        f"export LIVEDASH_PASSWORD='{DEMO_PASSWORD}'\n"
        f"exec '{livedash}' --url '{url}' --user '{DEMO_USER}' --interval {INTERVAL:g} "
        f"--log-file '{workdir}/livedash.log'\n")
    script.chmod(0o700)
    try:
        started = time.monotonic()
        _tmux("new-session", "-d", "-s", session, "-x", str(SIZE[0]), "-y", str(SIZE[1]),
              str(script))
        pid = int(_tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())
        process = psutil.Process(pid)
        first_rows = None
        while time.monotonic() - started < 60:
            if _durations_on_screen(session):
                first_rows = time.monotonic() - started
                break
            time.sleep(SAMPLE_PERIOD)
        if first_rows is None:
            raise RuntimeError("no rows on screen after 60 s")
        time.sleep(warmup)
        cpu0 = process.cpu_times()
        wall0 = time.monotonic()
        last_seen = _durations_on_screen(session)
        last_change = wall0
        intervals: list[float] = []
        samples = 0
        next_sample = wall0
        while time.monotonic() - wall0 < seconds:
            next_sample += SAMPLE_PERIOD
            time.sleep(max(0.0, next_sample - time.monotonic()))
            seen = _durations_on_screen(session)
            samples += 1
            now = time.monotonic()
            if seen and seen != last_seen:
                intervals.append(now - last_change)
                last_change = now
                last_seen = seen
        wall = time.monotonic() - wall0
        cpu1 = process.cpu_times()
        intervals.append(time.monotonic() - last_change)  # the stretch still open at the end
        cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
        return {
            "first_rows": first_rows,
            "cpu_pct": cpu / wall * 100,
            "rss_mb": process.memory_info().rss / 2**20,
            "longest": max(intervals),
            "median": statistics.median(intervals),
            "p90": sorted(intervals)[int(0.9 * (len(intervals) - 1))],
            "changes": len(intervals) - 1,
            "samples_per_s": samples / wall,
        }
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True,
                       check=False)
        stop_process(demo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--spellings", default=",".join(SPELLINGS))
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="length of the measurement (default 60: a polling minute)")
    parser.add_argument("--warmup", type=float, default=6.0,
                        help="seconds after the first rows before measuring (default 6)")
    args = parser.parse_args()
    print(f"bench_terminal: {args.calls:,} recordings in tmux {SIZE[0]}×{SIZE[1]}, poll every "
          f"{INTERVAL:g} s, {args.seconds:g} s each, load average {os.getloadavg()[0]:.2f}")
    print(f"{'spelling':<9} {'first rows s':>12} {'CPU % core':>11} {'RSS MB':>7} "
          f"{'longest s':>10} {'median s':>9} {'p90 s':>6} {'changes':>8} {'samples/s':>10}")
    for spelling in args.spellings.split(","):
        m = measure(args.calls, spelling, args.seconds, args.warmup)
        print(f"{spelling:<9} {m['first_rows']:>12.2f} {m['cpu_pct']:>11.2f} {m['rss_mb']:>7.1f} "
              f"{m['longest']:>10.2f} {m['median']:>9.2f} {m['p90']:>6.2f} {m['changes']:>8} "
              f"{m['samples_per_s']:>10.1f}")
        sys.stdout.flush()
    print("targets at 10,000 (issue #9): CPU ≤ 5 % of a core; longest stretch without a "
          "visible tick ≤ 1.15 s")


if __name__ == "__main__":
    main()
