"""A served viewer's entry point: the dashboard, ended with the serve process that started it.

Textual's web driver does not exit when its stdin closes, so a viewer whose
``livedash serve`` was killed outright (SIGKILL, the OOM killer) would go on polling the
recording server for ever, with nobody watching. On Linux the kernel sends the viewer
SIGTERM when its parent dies (``PR_SET_PDEATHSIG``), which Textual's web driver turns into
a clean exit.

    python -m livedash.serve.viewer_entry [dashboard options]
"""

from __future__ import annotations

import os
import signal
import sys

from ..memory import _glibc  # the project's one ctypes handle on the C library

PR_SET_PDEATHSIG = 1


def die_with_parent() -> bool:
    """Ask for SIGTERM when the parent process ends; exit now if it already has."""
    libc = _glibc()
    if libc is None:
        return False
    parent = os.getppid()
    if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:  # the parent ended before the request took effect
        sys.exit(0)
    return True


def main() -> int:
    die_with_parent()
    from ..cli import main as dashboard

    return dashboard(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
