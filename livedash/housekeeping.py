"""Once a minute: what keeps a dashboard that runs for weeks at a flat memory.

Each item was found by ``benchmarks/soak.py`` (memory sampled for minutes under faults
while a simulated user opens and closes the details of a recording now and then) and is
a workaround for something outside livedash, so each says what it works around:

* dead watchers (Textual issue #6666): ``data_bind``/``watch`` entries are stored on the
  *watched* node and pruned only when its value changes. The Footer binds every
  FooterKey to its ``compact``, which never changes, and recomposes on each screen or
  focus change: every dialog opened kept ~8 dead FooterKeys alive;
* ``StylesCache.get_inner_outer`` (Textual issue #6665): an ``lru_cache`` on an instance
  method, so its 1,024 entries pin 1,024 widgets' style caches, with every line those
  widgets last drew, long after the widgets are gone: about 6 MB held once a few dozen
  dialogs were opened and closed;
* the C allocator's free pages (``livedash/memory.py``).

Each step costs well under a millisecond.
"""

from __future__ import annotations

import logging

from textual.app import App

from .memory import release_free_memory

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 60


def housekeeping(app: App) -> None:
    prune_dead_watchers(app)
    clear_style_cache_pins()
    release_free_memory()


def prune_dead_watchers(app: App) -> int:
    """Drop watchers whose widget is gone; returns how many (Textual #6666)."""
    dropped = 0
    for screen in app.screen_stack:
        for node in (app, screen, *screen.walk_children()):
            watchers = getattr(node, "__watchers", None)
            if not watchers:
                continue
            for entries in watchers.values():
                alive = [(owner, callback) for owner, callback in entries
                         if not (owner._closing or owner._closed)]
                dropped += len(entries) - len(alive)
                entries[:] = alive
    return dropped


def clear_style_cache_pins() -> bool:
    """Empty the ``lru_cache`` that pins dead widgets' style caches (Textual #6665).

    A pure cache of two colours → two styles: emptying it costs a few recomputations.
    False when this Textual no longer has it (then there is nothing to work around).
    """
    try:
        from textual._styles_cache import StylesCache

        StylesCache.get_inner_outer.cache_clear()
    except (ImportError, AttributeError):
        return False
    return True
