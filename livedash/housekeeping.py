"""Once a minute: what keeps a dashboard that runs for weeks at a flat memory.

Each step was found by ``benchmarks/soak.py`` (memory sampled for minutes under faults
while a simulated user opens and closes the details of a recording now and then) and
works around something outside livedash:

* dead watchers that Textual keeps (issue #6666) and
* dialogs' style caches pinned by an ``lru_cache`` in Textual (issue #6665): both use
  Textual's private API, so they live, explained and version-checked, in
  ``livedash/textual_workarounds.py``;
* the C allocator's free pages (``livedash/memory.py``).

Each step costs well under a millisecond.
"""

from __future__ import annotations

from textual.app import App

from .memory import release_free_memory
from .textual_workarounds import clear_style_cache_pins, prune_dead_watchers

INTERVAL_SECONDS = 60


def housekeeping(app: App) -> None:
    prune_dead_watchers(app)
    clear_style_cache_pins()
    release_free_memory()
