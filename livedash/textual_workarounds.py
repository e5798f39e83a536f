"""Every use of Textual's private API, in one place, each checked against Textual versions.

Everywhere else livedash uses Textual's public API. The workarounds below reach into its
internals because no public API does what they must. Each names what it touches and why.
All were checked against the Textual versions in ``CHECKED_ON``; at start-up
:func:`check_installed_textual` logs a warning when the installed Textual is not one of
them, or when a workaround no longer finds what it patches (then it does nothing: the
app still runs). ``tests/test_textual_workarounds.py`` checks, on the installed version,
that each still finds what it patches and that livedash behaves as it should.

1. :class:`OneLineFatalError` overrides ``App._handle_exception`` and
   ``App._fatal_error`` and calls ``MessagePump._close_messages_no_wait``: an error that
   reaches Textual itself ends the app with a rich traceback *with local variables* over
   the terminal (a password can be a local). There is no public hook for what is
   printed; the overrides print nothing, and the command line prints one line instead.
2. :func:`prune_dead_watchers` (Textual issue #6666) edits the ``__watchers`` dict that
   ``textual.reactive._watch`` keeps on a *watched* node, and reads ``_closing`` and
   ``_closed`` of its owners. Entries are pruned upstream only when the watched value
   changes: the Footer binds every FooterKey to its ``compact``, which never changes, and
   recomposes on each screen or focus change, so every dialog opened kept ~8 dead
   FooterKeys alive.
3. :func:`clear_style_cache_pins` (Textual issue #6665) empties the ``lru_cache`` on the
   instance method ``textual._styles_cache.StylesCache.get_inner_outer``: its 1,024
   entries pin 1,024 widgets' style caches, with every line those widgets last drew,
   long after the widgets are gone (about 6 MB once a few dozen dialogs were opened).

``livedash/housekeeping.py`` runs 2 and 3 once a minute.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from textual import reactive
from textual.app import App
from textual.message_pump import MessagePump

log = logging.getLogger(__name__)

# The Textual versions every workaround below was checked against (by the tests in
# tests/test_textual_workarounds.py and by benchmarks/soak.py for 2 and 3).
CHECKED_ON = ("8.2.8",)


# -- 1. one line instead of a traceback with locals -----------------------------------

class OneLineFatalError(App[int]):
    """An App that ends on an unhandled error without printing a traceback with locals.

    Textual still ends the app (the message pump that raised is stopped), sets exit code
    1 and, under Pilot, re-raises the error for the test: only what is printed changes.
    After ``run()``, :attr:`fatal_error` is the error that ended the app (or None), and
    whoever ran it prints :meth:`fatal_error_message` (``cli``: one ``livedash: error:``
    line, after the terminal is restored: Rich would wrap or crop it at the width).
    Subclasses also say what to log (:meth:`fatal_error_seen`).
    """

    fatal_error: BaseException | None = None

    def fatal_error_seen(self, error: BaseException) -> None:
        """Called first with the error that ends the app (log it here)."""

    def fatal_error_message(self) -> str:
        return f"stopped after an internal error ({type(self.fatal_error).__name__})"

    def _handle_exception(self, error: Exception) -> None:  # private: see the module doc
        self.fatal_error = error
        self.fatal_error_seen(error)
        super()._handle_exception(error)

    def _fatal_error(self) -> None:  # private: Textual prints a traceback with locals here
        self.bell()
        self._close_messages_no_wait()  # what Textual's own does to end the app at once


def _fatal_error_path_found() -> bool:
    """``App._handle_exception`` still ends in ``App._fatal_error``, which still ends the
    app with ``_close_messages_no_wait``."""
    handle = getattr(App, "_handle_exception", None)
    fatal = getattr(App, "_fatal_error", None)
    return (handle is not None and fatal is not None
            and callable(getattr(App, "_close_messages_no_wait", None))
            and "_fatal_error" in handle.__code__.co_names
            and "_close_messages_no_wait" in fatal.__code__.co_names)


# -- 2. dead watchers (Textual #6666) ---------------------------------------------------

_WATCHERS = "__watchers"  # the attribute textual.reactive._watch sets on a watched node


def prune_dead_watchers(app: App) -> int:
    """Drop watchers whose owner is closed or closing; returns how many (Textual #6666)."""
    dropped = 0
    for screen in app.screen_stack:
        for node in (app, screen, *screen.walk_children()):
            watchers = getattr(node, _WATCHERS, None)
            if not watchers:
                continue
            for entries in watchers.values():
                alive = [(owner, callback) for owner, callback in entries
                         if not (owner._closing or owner._closed)]
                dropped += len(entries) - len(alive)
                entries[:] = alive
    return dropped


def _watchers_found() -> bool:
    """``_watch`` still stores watchers under ``__watchers``; pumps still have the flags."""
    watch = getattr(reactive, "_watch", None)
    init_names = MessagePump.__init__.__code__.co_names
    return (watch is not None and _WATCHERS in watch.__code__.co_consts
            and "_closing" in init_names and "_closed" in init_names)


# -- 3. style caches pinned by an lru_cache (Textual #6665) ----------------------------

def _inner_outer_cache() -> Callable[[], None] | None:
    try:
        from textual._styles_cache import StylesCache
    except ImportError:
        return None
    return getattr(StylesCache.get_inner_outer, "cache_clear", None)


def clear_style_cache_pins() -> bool:
    """Empty the ``lru_cache`` that pins dead widgets' style caches (Textual #6665).

    A pure cache of two colours → two styles: emptying it costs a few recomputations.
    False when this Textual no longer has it (then there is nothing to work around).
    """
    cache_clear = _inner_outer_cache()
    if cache_clear is None:
        return False
    cache_clear()
    return True


# -- the check --------------------------------------------------------------------------

@dataclass(frozen=True)
class Workaround:
    name: str
    touches: str  # the private API it uses
    checked_on: tuple[str, ...]  # Textual versions it was checked against
    finds_its_target: Callable[[], bool]  # does the installed Textual still have it?


WORKAROUNDS = (
    Workaround("one-line fatal error",
               "App._handle_exception, App._fatal_error, App._close_messages_no_wait",
               CHECKED_ON, _fatal_error_path_found),
    Workaround("dead watchers (Textual #6666)",
               "the __watchers dict of textual.reactive._watch, MessagePump._closing/_closed",
               CHECKED_ON, _watchers_found),
    Workaround("pinned style caches (Textual #6665)",
               "textual._styles_cache.StylesCache.get_inner_outer (an lru_cache)",
               CHECKED_ON, lambda: _inner_outer_cache() is not None),
)


def installed_textual() -> str:
    try:
        return version("textual")
    except PackageNotFoundError:  # running from a source tree without metadata
        import textual

        return getattr(textual, "__version__", "unknown")


def check_installed_textual(installed: str | None = None) -> list[str]:
    """Warnings (also logged) for workarounds that may not fit the installed Textual."""
    installed = installed or installed_textual()
    problems = []
    for workaround in WORKAROUNDS:
        if not workaround.finds_its_target():
            problems.append(
                f"the workaround '{workaround.name}' no longer finds {workaround.touches} "
                f"in Textual {installed}: it does nothing (livedash/textual_workarounds.py)")
        elif installed not in workaround.checked_on:
            problems.append(
                f"the workaround '{workaround.name}' was checked on Textual "
                f"{', '.join(workaround.checked_on)}, not on the installed {installed} "
                "(livedash/textual_workarounds.py)")
    for problem in problems:
        log.warning("%s", problem)
    return problems
