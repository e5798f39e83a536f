"""LiveDashApp: wires client → poller → store → widgets. It owns no live state itself."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from .client import RecordingsClient
from .clock import Clock
from .credentials import Credentials, Secret
from .logs import add_secret, current_log_path
from .messages import PollFailed, PollSucceeded
from .model import local_zone
from .poller import Backoff, Poller
from .safe_text import safe_text
from .settings import Settings
from .status import describe_status
from .store import LiveStore, PollDiff
from .widgets.filter_bar import FilterBar
from .widgets.kiosk_totals import KioskTotals
from .widgets.recordings_table import RecordingsTable
from .widgets.screens import DetailsScreen, HelpScreen, PasswordScreen, UnreadableScreen
from .widgets.status_bar import StatusBar

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

# At most one "internal error" notification per this many seconds: a bug that fires on
# every tick must not bury the screen under toasts (every one is logged).
_NOTIFY_EVERY = 10.0
_PRUNE_EVERY_TICKS = 60  # seconds between prune_dead_watchers() runs


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
            async def async_wrapper(self: LiveDashApp, *args: Any, **kwargs: Any) -> Any:
                try:
                    return await method(self, *args, **kwargs)
                except Exception as exc:
                    self.internal_error(what, exc)
                    return None

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(method)
        def wrapper(self: LiveDashApp, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except Exception as exc:
                self.internal_error(what, exc)
                return None

        return wrapper  # type: ignore[return-value]

    return decorate


def styles_dir() -> Path:
    """``styles/``: inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "styles", here.parent / "styles"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("livedash styles/ not found")


class LiveDashApp(App[int]):
    """The dashboard.

    Errors, by where they happen (see also the README's Operations section):

    * a poll that fails (HTTP, network, a body that is not the contract) is a state on
      screen, never an exception: the poller turns it into ``PollFailed``;
    * a bug in one of our handlers, actions or timer callbacks is caught by
      :func:`guarded`: logged, notified for a few seconds, and the app goes on;
    * a bug in the polling loop itself restarts the loop after a backoff;
    * anything else that still reaches Textual (a bug inside a widget's own drawing or
      event code) ends the app, as Textual must, because the message pump that raised is
      already stopped: but with one plain line on stderr, exit code 1 and the full
      traceback in the log file, instead of Textual's traceback with local variables
      over the terminal (locals could hold a password). Run a kiosk under a service
      manager that restarts it (systemd ``Restart=on-failure``).
    """

    TITLE = "livedash"
    CSS_PATH = [styles_dir() / "app.tcss", styles_dir() / "table.tcss"]
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("r", "poll_now", "Poll now"),
        Binding("p", "toggle_polling", "Pause polling"),
        Binding("slash", "focus_filters", "Filter"),
        Binding("u", "show_unreadable", "Unreadable", show=False),
        Binding("L", "login", "Password", show=False),
        Binding("question_mark", "help", "Keys"),
    ]

    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 client: RecordingsClient | None = None, debounce: float = 0.4,
                 backoff: Backoff | None = None):
        super().__init__()
        self.settings = settings
        self.clock = clock or Clock()
        self.store = LiveStore(self.clock)
        self.store.set_filters(settings.filters)
        self.client = client or RecordingsClient(
            settings.url,
            settings.credentials,
            timeout=settings.timeout,
            tls=settings.tls,
            server_tz=settings.server_tz or local_zone(),
            max_body_bytes=settings.max_body_bytes,
            clock=self.clock.monotonic,
        )
        self.poller = Poller(
            self.client,
            interval=settings.interval,
            filters=settings.filters,
            on_result=lambda result: self.post_message(PollSucceeded(result)),
            on_error=lambda error, delay: self.post_message(PollFailed(error, delay)),
            backoff=backoff,
        )
        self._debounce = debounce
        # Tests await this instead of sleeping: set after every poll outcome is shown.
        self.poll_settled = asyncio.Event()
        self.outcomes = 0  # poll outcomes shown so far (answers and failures)
        self.internal_errors = 0  # bugs caught and logged (see guarded)
        self._last_error_notice: float | None = None
        self._fatal: BaseException | None = None
        self._ticks = 0
        if settings.kiosk:
            self.add_class("-kiosk")

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        for warning in self.settings.transport_warnings():
            yield Static(f"⚠ {warning}", classes="warning", markup=False)
        if self.settings.kiosk:
            yield KioskTotals(id="totals")
        else:
            yield FilterBar(self.settings.filters, debounce=self._debounce, id="filters")
        yield RecordingsTable(
            self.store, self.clock, self.settings.display_tz,
            show_cursor=not self.settings.kiosk, id="recordings",
        )
        yield Static("", id="empty", markup=False)
        yield StatusBar(id="status")
        if not self.settings.kiosk:
            yield Footer()

    @property
    def table(self) -> RecordingsTable:
        return self.query_one(RecordingsTable)

    def on_mount(self) -> None:
        self.title = f"livedash — {self.settings.host}"
        self.run_worker(self._run_poller(), name="poller", group="poll", exclusive=True)
        self.set_interval(1.0, self.tick)
        if self.settings.kiosk:
            self.set_interval(self.settings.kiosk_page_seconds, self.next_kiosk_page)
        else:
            self.table.focus()
        self.refresh_views()

    async def on_unmount(self) -> None:
        await self.client.aclose()

    def check_action(self, action: str, parameters) -> bool | None:
        if self.settings.kiosk:
            return action in ("quit", "help")
        return True

    # -- errors -------------------------------------------------------------------------

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

    async def _run_poller(self) -> None:
        """The poller, restarted after a backoff should its loop itself ever fail."""
        restarts = 0
        while True:
            try:
                await self.poller.run()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                restarts += 1
                self.internal_error("polling", exc)
                self.poller.in_flight = False
                await asyncio.sleep(self.poller.backoff.delay(restarts))

    def _handle_exception(self, error: Exception) -> None:
        """Last resort, for errors outside our guarded code (see the class docstring)."""
        log.critical("unhandled error; livedash stops",
                     exc_info=(type(error), error, error.__traceback__))
        self._fatal = error
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Instead of Textual's traceback with locals: one line, the log has the rest."""
        error = self._fatal
        name = type(error).__name__ if error is not None else "error"
        where = current_log_path()
        self.bell()
        self.panic(Text(
            f"livedash stopped after an internal error ({name})."
            + (f" The details are in {where}" if where else ""),
        ))

    # -- data in ------------------------------------------------------------------------

    @on(PollSucceeded)
    def _poll_succeeded(self, message: PollSucceeded) -> None:
        try:
            if self.store.failure is not None:
                log.info("polling recovered after %d failed attempts",
                         self.store.failure.attempt)
            diff = self.store.apply(message.result)
            if diff is not None:
                self.refresh_views(diff)
        except Exception as exc:  # a bug on the render path must not end a kiosk's week
            self.internal_error("showing the poll", exc)
        finally:
            self._settled()

    @on(PollFailed)
    def _poll_failed(self, message: PollFailed) -> None:
        try:
            retry = ("waiting for the user" if message.retry_in is None
                     else f"retry in {message.retry_in:.1f}s")
            log.warning("poll failed (%s): %s", retry, message.error)
            self.store.fail(message.error, message.retry_in)
            self.refresh_views()
        except Exception as exc:
            self.internal_error("showing the failed poll", exc)
        finally:
            self._settled()

    def _settled(self) -> None:
        self.outcomes += 1
        self.poll_settled.set()

    @on(FilterBar.Changed)
    @guarded("applying the filters")
    def _filters_changed(self, message: FilterBar.Changed) -> None:
        if self.store.set_filters(message.filters):
            self.refresh_views(PollDiff(reset=True))
        self.poller.set_filters(message.filters)

    @on(FilterBar.Done)
    @guarded("leaving the filters")
    def _filters_done(self) -> None:
        self.table.focus()

    @on(RecordingsTable.Opened)
    @guarded("opening the recording")
    def _open_details(self, message: RecordingsTable.Opened) -> None:
        rec = self.store.records.get(message.recording_id) or self.store.ended.get(
            message.recording_id
        )
        if rec is not None:
            self.push_screen(
                DetailsScreen(rec, self.clock.monotonic(), self.settings.display_tz)
            )

    # -- views out ----------------------------------------------------------------------

    def refresh_views(self, diff: PollDiff | None = None) -> None:
        """Make every widget show the store again (after a poll, a failure, a filter)."""
        if diff is not None:
            self.table.sync(diff)
        self._refresh_status()
        empty = self.query_one("#empty", Static)
        show_empty = self.store.has_data and not self.store.records and not self.store.ended
        empty.display = show_empty
        self.table.set_class(show_empty, "-empty")
        if show_empty:
            query = self.store.filters.describe()
            empty.update(
                f"No live recordings match {safe_text(query)}." if query
                else "No live recordings right now."
            )

    def _refresh_status(self) -> None:
        view = describe_status(
            self.store, host=self.settings.host, interval=self.settings.interval,
            polling_paused=self.poller.paused, display_tz=self.settings.display_tz,
            kiosk=self.settings.kiosk,
        )
        self.query_one(StatusBar).show(view)
        if self.settings.kiosk:
            self.query_one(KioskTotals).show(
                len(self.store.records), self.store.paused_count, self.table.page_label(),
                stale=view.level in ("stale", "error"),
            )

    @guarded("updating the clock")
    def tick(self) -> None:
        """Once a second: durations move, highlights expire, ages grow."""
        if self.store.expire_marks():
            self.table.sync(None)
        self.table.tick()
        self._refresh_status()
        self._ticks += 1
        if self._ticks % _PRUNE_EVERY_TICKS == 0:
            self.prune_dead_watchers()

    def prune_dead_watchers(self) -> int:
        """Drop watchers whose widget is gone; returns how many. Works around Textual
        issue #6666 (open in 8.2): ``data_bind``/``watch`` entries are stored on the
        *watched* node and pruned only when its value changes. The Footer binds every
        FooterKey to its ``compact``, which never changes, and recomposes on each screen
        or focus change: without this, every dialog opened keeps ~8 dead FooterKeys (about
        12 KiB) alive for as long as the app runs.
        """
        dropped = 0
        for screen in self.screen_stack:
            for node in (self, screen, *screen.walk_children()):
                watchers = getattr(node, "__watchers", None)
                if not watchers:
                    continue
                for entries in watchers.values():
                    alive = [(owner, callback) for owner, callback in entries
                             if not (owner._closing or owner._closed)]
                    dropped += len(entries) - len(alive)
                    entries[:] = alive
        return dropped

    @guarded("turning the kiosk page")
    def next_kiosk_page(self) -> None:
        self.table.next_page()
        self._refresh_status()

    # -- actions ------------------------------------------------------------------------

    @guarded("polling now")
    def action_poll_now(self) -> None:
        self.poller.poll_now()

    @guarded("pausing polling")
    def action_toggle_polling(self) -> None:
        self.poller.set_paused(not self.poller.paused)
        self._refresh_status()

    @guarded("opening the filters")
    def action_focus_filters(self) -> None:
        self.query_one("#filter-deviceName").focus()

    @guarded("showing the keys")
    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    @guarded("showing the unreadable records")
    def action_show_unreadable(self) -> None:
        self.push_screen(UnreadableScreen(self.store.unreadable))

    @guarded("asking for the password")
    def action_login(self) -> None:
        username = self.settings.credentials.username

        def retry_with(password: str | None) -> None:
            if not password:
                return
            secret = Secret(password)
            del password  # from here on only the Secret holds it
            try:
                # masked in the log file from now on, like the first password
                add_secret(secret, username)
                self.client.set_credentials(Credentials(username, secret))
                self.poller.poll_now()
            except Exception as exc:
                self.internal_error("using the new password", exc)

        self.push_screen(PasswordScreen(username, self.settings.host), retry_with)
