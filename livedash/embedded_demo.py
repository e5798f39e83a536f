"""``--demo``: run the demo server as a child process and point the dashboard at it.

A child process rather than a thread: the demo floor's JSON for 10,000 calls would
otherwise compete with the dashboard for the GIL and show up as UI stalls.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .credentials import Credentials, Secret
from .demo.accounts import DEMO_PASSWORD, DEMO_USER  # the demo's own account, not a secret


class DemoStartError(RuntimeError):
    pass


@contextmanager
def embedded_demo(calls: int, seed: int | None, fault_rate: float = 0.0, *,
                  meanwhile: Callable[[], object] | None = None) -> Iterator[str]:
    """Start ``python -m livedash.demo`` on a free loopback port; yield its URL.

    ``meanwhile`` runs once the server process is spawned, before its URL is awaited:
    the dashboard imports Textual then, while the server starts (about 0.3 s less to
    the first rows than doing one after the other).
    """
    argv = [sys.executable, "-m", "livedash.demo", "--port", "0", "--calls", str(calls)]
    if seed is not None:
        argv += ["--seed", str(seed)]
    if fault_rate:
        argv += ["--fault-rate", str(fault_rate)]
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        if meanwhile is not None:
            meanwhile()
        url = None
        assert proc.stdout is not None
        for line in proc.stdout:  # the server prints its URL once it listens
            url = next((tok for tok in line.split() if tok.startswith("http://")), None)
            if url:
                break
        if not url:
            raise DemoStartError("the demo server did not start (python -m livedash.demo)")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def demo_credentials() -> Credentials:
    return Credentials(DEMO_USER, Secret(DEMO_PASSWORD))
