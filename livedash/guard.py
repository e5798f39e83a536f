"""Keeping a bug of ours from ending the monitor, and from printing secrets if it must.

Errors, by where they happen (see also the README's Operations section):

* a poll that fails (HTTP, network, a body that is not the contract) is a state on
  screen, never an exception: the poller turns it into ``PollFailed``;
* a bug in one of the app's handlers, actions or timer callbacks is caught by
  :func:`guarded`: logged, notified for a few seconds, and the app goes on;
* a bug in the polling loop itself restarts the loop after a backoff (``app.py``);
* anything else that still reaches Textual (a bug inside a widget's own drawing or
  event code) ends the app, as Textual must, because the message pump that raised is
  already stopped: but with one line on stderr (``livedash: error: stopped after an
  internal error …``, printed by ``cli``), exit code 1 and the full traceback in the
  log file, instead of Textual's traceback with local variables over the terminal
  (locals could hold a password). Run a kiosk under a service manager that restarts
  it (systemd ``Restart=on-failure``). That last part needs Textual's private API:
  ``textual_workarounds.OneLineFatalError``.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from .clock import Clock
from .logs import current_log_path
from .textual_workarounds import OneLineFatalError

log = logging.getLogger("livedash.app")

F = TypeVar("F", bound=Callable[..., Any])

# At most one "internal error" notification per this many seconds: a bug that fires on
# every tick must not bury the screen under toasts (every one is logged).
_NOTIFY_EVERY = 10.0


def guarded(what: str) -> Callable[[F], F]:
    """Run a handler, action or timer callback so that a bug in it never ends the app.

    Textual treats any exception escaping a handler as fatal: it stops that message
    pump and exits, printing a traceback *with local variables* over the terminal. Our
    handlers catch instead: the error is logged (traceback, secrets masked), shown
    briefly, and the app goes on; the next poll or tick tries again.
    """

    def decorate(method: F) -> F:
        if inspect.iscoroutinefunction(method):

            @functools.wraps(method)
            async def async_wrapper(self: GuardedApp, *args: Any, **kwargs: Any) -> Any:
                try:
                    return await method(self, *args, **kwargs)
                except Exception as exc:
                    self.internal_error(what, exc)
                    return None

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(method)
        def wrapper(self: GuardedApp, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except Exception as exc:
                self.internal_error(what, exc)
                return None

        return wrapper  # type: ignore[return-value]

    return decorate


class GuardedApp(OneLineFatalError):
    """An App whose bugs are logged and shown rather than fatal (see the module doc)."""

    clock: Clock

    def __init__(self) -> None:
        super().__init__()
        self.internal_errors = 0  # bugs caught and logged (see guarded)
        self._last_error_notice: float | None = None

    def internal_error(self, what: str, exc: BaseException) -> None:
        """A bug of ours was caught: log it whole, show it briefly, carry on."""
        self.internal_errors += 1
        log.error("internal error while %s", what, exc_info=(type(exc), exc, exc.__traceback__))
        now = self.clock.monotonic()
        if self._last_error_notice is not None and now - self._last_error_notice < _NOTIFY_EVERY:
            return
        self._last_error_notice = now
        where = current_log_path()
        try:
            self.notify(
                # the exception's type only: its text may quote the server
                f"Internal error while {what} ({type(exc).__name__}); livedash goes on."
                + (f" Details in {where}" if where else ""),
                title="livedash", severity="error", timeout=8, markup=False,
            )
        except Exception:  # no notifying while shutting down: the log has it
            log.debug("could not show the internal-error notice", exc_info=True)

    def fatal_error_seen(self, error: BaseException) -> None:
        """Last resort, for errors outside our guarded code (see the module doc)."""
        log.critical("unhandled error; livedash stops",
                     exc_info=(type(error), error, error.__traceback__))

    def fatal_error_message(self) -> str:
        """Instead of Textual's traceback with locals: one line, the log has the rest."""
        name = type(self.fatal_error).__name__ if self.fatal_error is not None else "error"
        where = current_log_path()
        return (f"stopped after an internal error ({name})"
                + (f"; the details are in {where}" if where else ""))
