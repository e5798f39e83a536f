"""Keep a long-running dashboard's resident memory flat under glibc (Linux).

No Textual here. Why this exists: in ``benchmarks/soak.py`` (0.1 s polls against a demo
server that injects faults and hostile records) Python's live objects stayed flat
(tracemalloc, ``sys.getallocatedblocks``) while resident memory crept up by about
1 MiB a minute, and glibc's own figures showed why: the memory it held *free* grew in
steps, each time an unusual answer (a 5,000-character name, an HTML page, a large body)
passed through. Two glibc behaviours do that:

* the mmap threshold is dynamic: once a large block (a response body) is freed, glibc
  raises the threshold to its size, so every later block of that size comes from the
  heap instead of its own mapping, and the heap fragments around the long-lived objects
  allocated in between;
* freed memory inside the heap goes back to the system only at its top.

``tune_allocator`` pins the thresholds at glibc's defaults (pinning turns the dynamic
adjustment off); ``release_free_memory`` (``malloc_trim``) hands free pages anywhere in
the heap back. Both are no-ops where there is no glibc (macOS, Windows, musl): the
figures there are the platform allocator's business.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
from functools import cache

log = logging.getLogger(__name__)

# mallopt(3) parameters and values: glibc's compile-time defaults, pinned.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 128 * 1024
_TRIM_THRESHOLD = 128 * 1024


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
        "uordblks", "fordblks", "keepcost")]


@cache
def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
        libc.malloc_trim.argtypes = (ctypes.c_size_t,)
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    return libc


def tune_allocator() -> bool:
    """Turn glibc's dynamic mmap/trim thresholds off. Call once, early. True if done."""
    libc = _glibc()
    if libc is None:
        return False
    done = bool(libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(
        libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
    if not done:
        log.warning("could not tune the memory allocator (mallopt failed)")
    return done


def release_free_memory() -> bool:
    """Give the heap's free pages back to the system (``malloc_trim(0)``). True if any."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


def heap_figures() -> dict[str, float]:
    """glibc's own view of its heap, in MiB: in use, held free, mapped apart (benchmarks).

    Resident memory can grow while Python's live objects do not: these say whether the
    allocator is holding freed memory (fragmentation). Empty where there is no glibc ≥ 2.33.
    """
    libc = _glibc()
    mallinfo2 = getattr(libc, "mallinfo2", None) if libc is not None else None
    if mallinfo2 is None:
        return {}
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return {"heap_used_mib": round(info.uordblks / 2**20, 2),
            "heap_free_mib": round(info.fordblks / 2**20, 2),
            "heap_mmap_mib": round(info.hblkhd / 2**20, 2)}
