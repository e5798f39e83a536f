"""LiveDashApp: wires client → poller → store → widgets. It owns no live state itself."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, Static

from .client import RecordingsClient
from .clock import Clock, TickTimes
from .credentials import Credentials, Secret
from .errors import AuthError
from .filter_labels import describe_filters
from .glance import Glance, ThresholdCount
from .guard import GuardedApp, guarded
from .housekeeping import INTERVAL_SECONDS as HOUSEKEEPING_SECONDS
from .housekeeping import housekeeping
from .logs import add_secret
from .messages import PollFailed, PollSucceeded
from .poller import FORBIDDEN_RETRY_SECONDS, Backoff, Poller
from .safe_text import safe_text
from .settings import Settings
from .status import StatusView, describe_status
from .store import LiveStore, PollDiff
from .themes import HIGH_CONTRAST_THEME
from .timefmt import format_clock
from .widgets.filter_bar import FilterBar
from .widgets.glance_panel import GlancePanel
from .widgets.header_bar import HeaderBar
from .widgets.recordings_table import RecordingsTable
from .widgets.screens import DetailsScreen, HelpScreen, PasswordScreen, UnreadableScreen
from .widgets.status_bar import StatusBar

log = logging.getLogger(__name__)


def styles_dir() -> Path:
    """``styles/``: inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "styles", here.parent / "styles"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("livedash styles/ not found")


class LiveDashApp(GuardedApp):
    """The dashboard: wiring only. How errors are kept from ending it: ``guard.py``."""

    TITLE = "livedash"
    CSS_PATH = [styles_dir() / "app.tcss", styles_dir() / "table.tcss"]
    # What each key does is told in keys.py (the help screen); tests/test_keys.py checks
    # that every key bound here is there. Two bindings of one key: check_action enables
    # exactly one, so the footer names what the key does now ("Resume polling").
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        # as in htop and k9s (Textual's default only says "press ctrl+q"); priority: also
        # from a focused input, which would take it as "copy"
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("r", "poll_now", "Poll now"),
        Binding("p", "pause_polling", "Pause polling"),
        Binding("p", "resume_polling", "Resume polling"),
        Binding("slash", "focus_filters", "Filter"),
        Binding("u", "show_unreadable", "Unreadable", show=False),
        # in the footer only while the server rejects the password; else a short notice
        Binding("L", "login", "Password"),
        Binding("L", "login_not_needed", show=False),
        Binding("question_mark", "help", "Keys"),
    ]
    # narrow terminals: dialogs take the whole width (styles/app.tcss)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]
    # short terminals: the kiosk's glance gives way (styles/app.tcss, glance_panel.py)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (22, "-medium"), (30, "-tall")]
    _KIOSK_ACTIONS = frozenset({"quit", "help"})

    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 client: RecordingsClient | None = None, debounce: float = 0.4,
                 backoff: Backoff | None = None):
        super().__init__()
        self.settings = settings
        self.clock = clock or Clock()
        self.store = LiveStore(self.clock)
        self.store.set_filters(settings.filters)
        self.client = client or settings.make_client(self.clock.monotonic)
        self.poller = Poller(
            self.client,
            decoder=settings.make_decoder(),
            interval=settings.interval,
            filters=settings.filters,
            on_result=lambda result: self.post_message(PollSucceeded(result)),
            on_error=lambda error, delay: self.post_message(PollFailed(error, delay)),
            backoff=backoff,
            # a wall display asks again after a 403 by itself: nobody will press r
            forbidden_retry=FORBIDDEN_RETRY_SECONDS if settings.kiosk else None,
        )
        self._debounce = debounce
        # Tests await this instead of sleeping: set after every poll outcome is shown.
        self.poll_settled = asyncio.Event()
        self.outcomes = 0  # poll outcomes shown so far (answers and failures)
        self._ticks = 0
        self._tick_times = TickTimes()  # what each tick stands for: see clock.py
        self.tick_timer = None  # the 1 Hz timer (tests that step the clock pause it)
        self._binding_state: tuple[bool, bool] | None = None  # (paused, 401): see check_action
        self.glance = Glance()  # the kiosk's figures: counts of the last half hour, …
        if settings.kiosk:
            self.add_class("-kiosk")
        self.register_theme(HIGH_CONTRAST_THEME)  # also in the palette (Ctrl+P), by name
        if settings.theme:
            self.theme = settings.theme

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield HeaderBar(self.settings.server_label, self.settings.credentials.username,
                        show_help=not self.settings.kiosk, id="header")
        for warning in self.settings.transport_warnings():
            yield Static(f"⚠ {warning}", classes="warning", markup=False)
        if self.settings.kiosk:
            yield GlancePanel(id="glance")
        else:
            yield FilterBar(self.settings.filters, debounce=self._debounce, id="filters")
        yield RecordingsTable(
            self.store, self.clock, self.settings.display_tz,
            show_cursor=not self.settings.kiosk, id="recordings",
        )
        yield Static("", id="empty", markup=False)
        yield StatusBar(id="status")
        if not self.settings.kiosk:
            # without the palette hint, every key fits at 80 columns (Ctrl-P is in the
            # help; the header keeps "? keys" in sight on narrower terminals)
            yield Footer(show_command_palette=False)

    @property
    def table(self) -> RecordingsTable:
        return self.query_one(RecordingsTable)

    def on_mount(self) -> None:
        self.title = f"livedash — {self.settings.host}"
        self.run_worker(self._run_poller(), name="poller", group="poll", exclusive=True)
        self.tick_timer = self.set_interval(1.0, self.tick)
        if self.settings.kiosk:
            self.set_interval(self.settings.kiosk_page_seconds, self.next_kiosk_page)
        else:
            self.table.focus()
        self.show_time()
        self.refresh_views()

    async def on_unmount(self) -> None:
        await self.client.aclose()

    def show_time(self) -> None:
        """The header's clock, from the injected clock (fixed in tests and snapshots)."""
        self.query_one(HeaderBar).show_time(
            format_clock(self.clock.now(), self.settings.display_tz))

    def check_action(self, action: str, parameters) -> bool | None:
        if self.settings.kiosk:
            return action in self._KIOSK_ACTIONS
        if action == "pause_polling":
            return not self.poller.paused
        if action == "resume_polling":
            return self.poller.paused
        if action == "login":
            return self._password_rejected()
        if action == "login_not_needed":
            return not self._password_rejected()
        if action == "focus_filters":  # already there: the footer shows the bar's own keys
            return not isinstance(self.focused, Input)
        return True

    def _password_rejected(self) -> bool:
        failure = self.store.failure
        return failure is not None and isinstance(failure.error, AuthError)

    def _refresh_bindings_if_changed(self) -> None:
        """The footer follows check_action; recomposing it costs, so only on a change."""
        state = (self.poller.paused, self._password_rejected())
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

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

    # -- data in ------------------------------------------------------------------------

    @on(PollSucceeded)
    def _poll_succeeded(self, message: PollSucceeded) -> None:
        try:
            if self.store.failure is not None:
                log.info("polling recovered after %d failed attempts",
                         self.store.failure.attempt)
            diff = self.store.apply(message.result)
            if diff is not None:
                if self.settings.kiosk:
                    self.glance.observe(self.store, self.clock.monotonic())
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
        rec_id = message.recording_id
        if rec_id in self.store.records or rec_id in self.store.ended:
            self.push_screen(DetailsScreen(rec_id, self.table, self.settings.display_tz))

    def _refresh_details(self) -> None:
        """The details dialog, if open, shows what its row shows (same tick, same data)."""
        if isinstance(self.screen, DetailsScreen):
            self.screen.refresh_fields()

    # -- views out ----------------------------------------------------------------------

    def refresh_views(self, diff: PollDiff | None = None) -> None:
        """Make every widget show the store again (after a poll, a failure, a filter)."""
        if diff is not None:
            self.table.sync(diff)
        view = self._refresh_status()
        self._refresh_details()
        empty = self.query_one("#empty", Static)
        # Not while the first answer is on its way (a moment, and the status line says
        # "Asking …"): the table would shrink and grow back under it.
        show_empty = ((self.store.has_data or self.store.failure is not None)
                      and not self.store.records and not self.store.ended)
        empty.display = show_empty
        self.table.set_class(show_empty, "-empty")
        self._show_empty_message(view)
        if self.settings.kiosk:
            # the status line may now take another number of lines, and the table as
            # many fewer or more rows: its page count is right after the next layout
            self.call_after_refresh(self._show_kiosk_page)

    def _show_empty_message(self, view: StatusView) -> None:
        """The empty table's message, when shown; a repaint only when its text changed
        (a kiosk's says when the next attempt is: it changes every second)."""
        empty = self.query_one("#empty", Static)
        if empty.display:
            text = self._empty_message(view)
            if text != str(empty.content):
                empty.update(text)
            empty.set_class(self.settings.kiosk and self.store.failure is not None,
                            "-failure")

    def _empty_message(self, view: StatusView) -> str:
        """What the space of an empty table says (the status line below has the details)."""
        store = self.store
        if not store.has_data:
            if self.settings.kiosk and store.failure is not None:
                # a wall: what is wrong and what to do, where the room looks (the
                # message can quote the server: the safe path, drawn without markup)
                return safe_text(view.message)
            return "Nothing to show yet: the server has not answered (see below)."
        query = describe_filters(store.filters)  # its values already made safe
        if not query:
            return "No live recordings right now."
        keys = "" if self.settings.kiosk else (
            "\nThe filters match exactly: / to change them, Esc in a field to clear it.")
        return f"No live recordings match {query}.{keys}"

    def _refresh_status(self) -> StatusView:
        # Stale or paused: the durations on screen are counted on here, marked "~".
        self.table.estimated = self.store.stale or self.poller.paused
        self._refresh_bindings_if_changed()
        view = describe_status(
            self.store, host=self.settings.host, interval=self.settings.interval,
            polling_paused=self.poller.paused, display_tz=self.settings.display_tz,
            kiosk=self.settings.kiosk,
        )
        self.query_one(StatusBar).show(view)
        if self.settings.kiosk:
            self.query_one(HeaderBar).show_state(view.level, view.badge)
            table = self.table
            now = table.tick_time if table.tick_time is not None else self.clock.monotonic()
            long_calls, long_pauses = self.glance_thresholds()
            self.query_one(GlancePanel).show(self.glance.view(
                self.store, level=view.level, now=now, page=table.page_label(),
                duration_text=table.duration_text_of,  # the row's text, at the same tick
                long_calls=long_calls, long_pauses=long_pauses,
            ))
        return view

    def glance_thresholds(self) -> tuple[ThresholdCount | None, ThresholdCount | None]:
        """The kiosk's --long-call and --long-pause tiles (``glance.long_calls`` and
        ``long_pauses`` of their counts); None hides a tile: no such option given."""
        return None, None

    @guarded("updating the clock")
    def tick(self) -> None:
        """Once a second: durations move, highlights expire, ages grow.

        Every duration on screen (table and details) is drawn at this tick's time, and
        only here: a repaint between ticks (a poll) shows the same second.
        """
        self.show_time()
        if self.store.expire_marks():
            self.table.sync(None)
        self.table.tick(self._tick_times.next(self.clock.monotonic()))
        view = self._refresh_status()
        if self.settings.kiosk:
            self._show_empty_message(view)
        self._refresh_details()
        self._ticks += 1
        if self._ticks % HOUSEKEEPING_SECONDS == 0:
            housekeeping(self)

    @guarded("showing the kiosk page")
    def _show_kiosk_page(self) -> None:
        self._refresh_status()

    @guarded("turning the kiosk page")
    def next_kiosk_page(self) -> None:
        self.table.next_page()
        self._refresh_status()

    # -- actions ------------------------------------------------------------------------

    @guarded("polling now")
    def action_poll_now(self) -> None:
        self.poller.poll_now()

    @guarded("pausing polling")
    def action_pause_polling(self) -> None:
        self.poller.set_paused(True)
        self._refresh_status()

    @guarded("resuming polling")
    def action_resume_polling(self) -> None:
        self.poller.set_paused(False)
        self._refresh_status()

    @guarded("opening the filters")
    def action_focus_filters(self) -> None:
        self.query_one("#filter-deviceName").focus()

    @guarded("showing the keys")
    def action_help(self) -> None:
        self.push_screen(HelpScreen(kiosk=self.settings.kiosk,
                                    kiosk_page_seconds=self.settings.kiosk_page_seconds))

    @guarded("showing the unreadable records")
    def action_show_unreadable(self) -> None:
        self.push_screen(UnreadableScreen(self.store.unreadable))

    def action_login_not_needed(self) -> None:
        self.notify("L is for after the server rejects the password (401); it has not.",
                    timeout=3, markup=False)

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

        self.push_screen(PasswordScreen(username, self.settings.server_label), retry_with)
