"""Does a duration on screen tick like a clock? Follow one row in a real terminal.

    .venv/bin/python benchmarks/tick_steadiness.py [--calls 2000] [--seconds 20]
        [--interval 2] [--rate 10] [--size 160x50]

Runs ``livedash --demo --demo-calls N --interval S`` in a tmux session, samples the pane
about ``--rate`` times a second with ``tmux capture-pane -p`` and follows one recording
(found again in every sample by the text right of its duration: user, party, number,
start, id). Prints when its duration text changed, the intervals between changes, the
longest stretch without one and when the polls landed (the status line's "last poll").
A steady clock reads intervals of 1.0 s (± one sampling period) and no gap over ~1.1 s.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROW = re.compile(r"(?P<state>● REC|❚❚ PAUSED|✕ ENDED)\s+(?P<duration>~?\d+:\d\d:\d\d)(?P<rest>.*)")
LAST_POLL = re.compile(r"last poll (\d\d:\d\d:\d\d)")


def livedash_command(args: argparse.Namespace, log_file: Path) -> str:
    exe = Path(sys.executable).with_name("livedash")
    if not exe.exists():
        raise SystemExit(f"{exe} not found: run with the project's .venv/bin/python")
    return (f"{exe} --demo --demo-calls {args.calls} --interval {args.interval:g} "
            f"--log-file {log_file}")


def capture(session: str) -> list[str]:
    out = subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                         capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def key_of(match: re.Match) -> str:
    # the cells right of the duration, without the scrollbar (block elements)
    return re.sub("[\u2580-\u259f]", "", match["rest"]).strip()


def pick_row(lines: list[str]) -> str | None:
    """A recording (not paused) from the middle of the screen: its key."""
    candidates = [m for line in lines if (m := ROW.search(line)) and m["state"] == "● REC"]
    if not candidates:
        return None
    return key_of(candidates[len(candidates) // 2])


def find(lines: list[str], key: str) -> str | None:
    for line in lines:
        match = ROW.search(line)
        if match and key_of(match) == key:
            return match["duration"]
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--rate", type=float, default=10.0, help="samples a second")
    parser.add_argument("--size", default="160x50")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed")
    width, height = (int(part) for part in args.size.split("x"))
    session = f"tick-steadiness-{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        command = livedash_command(args, Path(tmp) / "livedash.log")
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", str(width),
                        "-y", str(height), command], check=True)
        try:
            run(args, session)
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], check=False)


def run(args: argparse.Namespace, session: str) -> None:
    deadline = time.monotonic() + 30
    key = None
    while key is None:
        if time.monotonic() > deadline:
            raise SystemExit("no rows on screen after 30 s:\n" + "\n".join(capture(session)))
        time.sleep(0.2)
        key = pick_row(capture(session))
    time.sleep(1.0)  # past the first frames
    print(f"livedash --demo --demo-calls {args.calls} --interval {args.interval:g} "
          f"in tmux {args.size}; sampling {args.rate:g}×/s for {args.seconds:g} s")
    print(f"following: {key[:100]}")
    period = 1.0 / args.rate
    start = time.monotonic()
    samples = 0
    polls: list[float] = []
    last_poll_text = None
    changes: list[float] = []  # when the followed row's duration text changed
    intervals: list[float] = []  # between two changes of the same row
    previous = None  # the followed row's duration text at the last sample
    last_change = None  # time of the followed row's last change
    rows_followed = 1
    n = 0
    while True:
        target = start + n * period
        n += 1
        now = time.monotonic()
        if target > now:
            time.sleep(target - now)
        t = time.monotonic() - start
        if t > args.seconds:
            break
        lines = capture(session)
        samples += 1
        poll_match = next((m for line in lines if (m := LAST_POLL.search(line))), None)
        if poll_match and poll_match[1] != last_poll_text:
            if last_poll_text is not None:
                polls.append(t)
            last_poll_text = poll_match[1]
        text = find(lines, key)
        if text is None:  # ended (or scrolled away): follow another row from here on
            key = pick_row(lines) or key
            previous = last_change = None
            rows_followed += 1
            continue
        if previous is not None and text != previous:
            if last_change is not None:
                intervals.append(t - last_change)
            changes.append(t)
            last_change = t
        previous = text
    print(f"samples: {samples} (one every {(t - 0) / max(1, samples) * 1000:.0f} ms on average), "
          f"rows followed: {rows_followed}")
    print(f"polls landed at (s): {' '.join(f'{p:.2f}' for p in polls) or '-'}")
    print(f"duration changed at (s): {' '.join(f'{c:.2f}' for c in changes)}")
    print(f"intervals (s): {' '.join(f'{i:.2f}' for i in intervals)}")
    if intervals:
        off = [i for i in intervals if not 0.75 <= i <= 1.25]
        print(f"longest gap: {max(intervals):.2f} s; shortest interval: {min(intervals):.2f} s; "
              f"intervals outside 0.75-1.25 s: {len(off)} of {len(intervals)}")


if __name__ == "__main__":
    main()
