"""The allocator tuning behind a flat resident memory (see livedash/memory.py)."""

import sys

import psutil
import pytest

from livedash import memory

glibc = pytest.mark.skipif(memory._glibc() is None, reason="needs glibc (Linux)")


@glibc
def test_thresholds_are_pinned():
    assert memory.tune_allocator() is True


@glibc
def test_free_pages_in_the_middle_of_the_heap_go_back():
    memory.tune_allocator()
    process = psutil.Process()
    # ~20 MB of heap, written to (so resident), in blocks too big for pymalloc (> 512 B);
    # a variable size, or the compiler folds b"x" * 1000 into one shared constant
    size = 1000
    blocks = [b"x" * size for _ in range(20_000)]
    keep = blocks[::1000]  # one block a megabyte stays: what is freed lies between them
    del blocks
    held = process.memory_info().rss  # freed, but glibc holds the pages
    assert memory.release_free_memory() is True
    returned = held - process.memory_info().rss
    assert returned > 10 * 2**20, f"only {returned / 2**20:.1f} MiB went back"
    del keep


@glibc
def test_heap_figures_say_what_glibc_holds():
    figures = memory.heap_figures()
    assert set(figures) == {"heap_used_mib", "heap_free_mib", "heap_mmap_mib"}
    assert figures["heap_used_mib"] > 0 and figures["heap_free_mib"] >= 0


def test_no_glibc_is_a_quiet_no_op(monkeypatch):
    memory._glibc.cache_clear()
    monkeypatch.setattr(sys, "platform", "darwin")
    try:
        assert memory.tune_allocator() is False
        assert memory.release_free_memory() is False
        assert memory.heap_figures() == {}
    finally:
        memory._glibc.cache_clear()
