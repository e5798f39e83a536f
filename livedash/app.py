"""LiveDashApp: wires client → poller → store → widgets. It owns no live state itself."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, Static

from .action_controller import (
    KEY_ACTIONS,
    ActionCommands,
    ActionController,
    ActionsAnswered,
    StartAnswered,
)
from .actions import Action
from .client import RecordingsClient
from .clock import Clock, TickTimes
from .credentials import Credentials, Secret
from .export_action import TableExport
from .filter_history import FilterHistory, Suggestion, history_path, live_usernames, suggestions
from .glance import Glance, ThresholdCount, long_calls, long_pauses
from .guard import GuardedApp, guarded
from .history import EndedHistory
from .housekeeping import INTERVAL_SECONDS as HOUSEKEEPING_SECONDS
from .housekeeping import housekeeping
from .logs import add_secret
from .messages import PollFailed, PollSucceeded
from .poller import FORBIDDEN_RETRY_SECONDS, Backoff, Poller
from .search import parse_query
from .settings import Settings
from .status import StatusView, describe_status, empty_table_message
from .store import LiveStore, PollDiff
from .themes import HIGH_CONTRAST_THEME
from .timefmt import format_clock
from .watch import Thresholds, Watch
from .widgets.filter_bar import FilterBar
from .widgets.glance_panel import GlancePanel
from .widgets.header_bar import HeaderBar
from .widgets.recently_ended import RecentlyEndedScreen
from .widgets.recordings_table import RecordingsTable
from .widgets.screens import DetailsScreen, HelpScreen, PasswordScreen, UnreadableScreen
from .widgets.search_bar import SearchBar
from .widgets.status_bar import StatusBar
from .widgets.watch_commands import WatchCommands

log = logging.getLogger(__name__)


def styles_dir() -> Path:
    """``styles/``: inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "styles", here.parent / "styles"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("livedash styles/ not found")


_ACTIONS = Binding.Group("Act on rows")


class LiveDashApp(GuardedApp):
    """The dashboard: wiring only. How errors are kept from ending it: ``guard.py``."""

    TITLE = "livedash"
    # Ctrl+P: Textual's own, the supervisor actions, the thresholds and the bell
    COMMANDS = GuardedApp.COMMANDS | {ActionCommands, WatchCommands}
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
        # priority: run as the app reads the key, before it hands on the keys typed right
        # after (a fast typist, tmux send-keys): those then reach the line, not the table
        Binding("slash", "search", "Search", priority=True),
        Binding("f", "focus_filters", "Filters", priority=True),
        # from the table, with a search kept (Enter): clear it (in the line, Esc is its own)
        Binding("escape", "clear_search", "Clear search"),
        Binding("u", "show_unreadable", "Unreadable", show=False),
        Binding("h", "recently_ended", "Ended", show=False),
        Binding("e", "export", "Export", show=False),
        # in the footer only while the server rejects the password; else a short notice
        Binding("L", "login", "Password"),
        Binding("L", "login_not_needed", show=False),
        # not in the footer: the header says "? keys" (the footer keeps to 80 columns)
        Binding("question_mark", "help", "Keys", show=False),
        # Supervisor actions: capitals change the server's state. Off (not even in the
        # footer) with --read-only and --kiosk: check_action asks the ActionController.
        # One footer entry for the five ("space P R X N Act on rows"): each is in the help.
        Binding("space", "toggle_mark", "Mark", group=_ACTIONS),
        Binding("P", "pause_recordings", "Pause", group=_ACTIONS),
        Binding("R", "resume_recordings", "Resume", group=_ACTIONS),
        Binding("X", "stop_recordings", "Stop", group=_ACTIONS),
        Binding("N", "start_recording", "Start", group=_ACTIONS),
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
        # polls further apart than this were interrupted (paused, failing): history.py
        gap = 2 * settings.interval + settings.timeout
        self.store = LiveStore(self.clock, history=EndedHistory(settings.history_minutes,
                                                                gap_seconds=gap))
        self.store.set_filters(settings.filters)
        self.client = client or settings.make_client(self.clock.monotonic)
        self.poller = Poller(
            self.client,
            decoder=settings.make_decoder(),
            interval=settings.interval,
            filters=settings.filters,
            on_result=lambda result: self.post_message(
                PollSucceeded(result, self.poller.requests_sent)),
            on_error=lambda error, delay: self.post_message(PollFailed(error, delay)),
            backoff=backoff,
            # a wall display asks again after a 403 by itself: nobody will press r
            forbidden_retry=FORBIDDEN_RETRY_SECONDS if settings.kiosk else None,
        )
        self._debounce = debounce
        # Long calls and forgotten pauses (watch.py); a pause first seen more than two
        # polls after the last look at its recording may have begun long before.
        self.watch = Watch(Thresholds(settings.long_call, settings.long_pause),
                           start=self.clock.monotonic(), max_gap=2 * settings.interval + 1)
        self.bell_on = settings.bell
        self.bells = 0  # times the bell rang (tests, and a headless run, count them)
        self.exporter = TableExport(self, settings.export_dir, settings.display_tz,
                                    on_outcome=self._refresh_status)
        # Tests await this instead of sleeping: set after every poll outcome is shown.
        self.poll_settled = asyncio.Event()
        self.outcomes = 0  # poll outcomes shown so far (answers and failures)
        self._ticks = 0
        self._tick_times = TickTimes()  # what each tick stands for: see clock.py
        self.tick_timer = None  # the 1 Hz timer (tests that step the clock pause it)
        # (paused, 401, search kept): see check_action
        self._binding_state: tuple[bool, bool, bool] | None = None
        self.glance = Glance()  # the kiosk's figures: counts of the last half hour, …
        self.actions = ActionController(self)  # pause, resume, stop, start: the keys' work
        # The filter values used before (suggestions), read before the loop runs: a
        # small file. Values from the command line count as used. Kiosk: no filters.
        self.history = None if settings.kiosk else FilterHistory.load(
            history_path(settings.state_dir))
        if self.history is not None:
            self.history.remember(settings.filters)
        self._live_users: tuple[dict, list[str]] | None = None  # (records, their users)
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
            yield FilterBar(self.settings.filters, debounce=self._debounce, id="filters",
                            suggest=self._suggestions)
        yield RecordingsTable(
            self.store, self.clock, self.settings.display_tz,
            show_cursor=not self.settings.kiosk, watch=self.watch, id="recordings",
        )
        yield Static("", id="empty", markup=False)
        if self.settings.actions_allowed:
            yield Static("", id="marks", markup=False)  # "✓ 3 marked: …", when any are
        if not self.settings.kiosk:
            yield SearchBar(id="search")
        yield StatusBar(id="status")
        if not self.settings.kiosk:
            # without the palette hint, every key fits at 80 columns (Ctrl-P is in the
            # help; the header keeps "? keys" in sight on narrower terminals)
            yield Footer(show_command_palette=False, compact=True)

    @property
    def table(self) -> RecordingsTable:
        return self.query_one(RecordingsTable)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    def on_mount(self) -> None:
        self.title = f"livedash — {self.settings.host}"
        self.run_worker(self._run_poller(), name="poller", group="poll", exclusive=True)
        self.tick_timer = self.set_interval(1.0, self.tick)
        if self.settings.kiosk:
            self.set_interval(self.settings.kiosk_page_seconds, self.next_kiosk_page)
        else:
            self.search_bar.display = False
            self.table.focus()
            self._save_history()
        self.show_time()
        self.refresh_views()

    async def on_unmount(self) -> None:
        await self.client.aclose()
        await self.actions.aclose()
        if self.history is not None and self.history.dirty:
            self.history.save()  # closing: what a worker thread may not have written

    def show_time(self) -> None:
        """The header's clock, from the injected clock (fixed in tests and snapshots)."""
        self.query_one(HeaderBar).show_time(
            format_clock(self.clock.now(), self.settings.display_tz))

    def check_action(self, action: str, parameters) -> bool | None:
        if self.settings.kiosk:
            return action in self._KIOSK_ACTIONS
        if action in KEY_ACTIONS:  # on, and the table in front (not under a dialog)
            return self.actions.usable()
        if action == "pause_polling":
            return not self.poller.paused
        if action == "resume_polling":
            return self.poller.paused
        if action == "login":
            return self._password_rejected()
        if action == "login_not_needed":
            return not self._password_rejected()
        if action in ("focus_filters", "search"):  # in a field: the footer shows its keys
            # (and the key is the field's: these bindings have priority); not under a dialog
            return (self.screen is self.screen_stack[0]
                    and not isinstance(self.focused, Input))
        if action == "clear_search":
            return self.table.search.query is not None and not isinstance(self.focused, Input)
        return True

    def _password_rejected(self) -> bool:
        return self.actions.password_rejected()  # by a poll or by an action

    def _refresh_bindings_if_changed(self) -> None:
        """The footer follows check_action; recomposing it costs, so only on a change."""
        state = (self.poller.paused, self._password_rejected(),
                 self.table.search.query is not None)
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
                self.watch.observe(self.store.records, self.clock.monotonic())
                if self.settings.kiosk:
                    self.glance.observe(self.store, self.clock.monotonic())
                self.refresh_views(diff)
                self.actions.poll_applied(message.request)
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

    @on(FilterBar.Left)
    @guarded("remembering the filters")
    def _filters_left(self, message: FilterBar.Left) -> None:
        if self.history is not None and self.history.remember(message.filters):
            self._save_history()

    def _save_history(self) -> None:
        """Write the filter history in a worker thread (a file write: not on the loop)."""
        if self.history is not None and self.history.dirty:
            self.run_worker(self.history.save, thread=True, group="history",
                            name="saving the filter history")

    def _suggestions(self, field: str) -> list[Suggestion]:
        """What filter ``field`` suggests: the values used before; User also the users
        on a call now (from the store, worked out once per poll)."""
        used = self.history.values(field) if self.history is not None else []
        if field != "username":
            return suggestions(used)
        records = self.store.records
        # Not from an answer filtered by user: typing in User sends it, and the users
        # to choose from would shrink to the one typed so far.
        if not self.store.filters.username and (
                self._live_users is None or self._live_users[0] is not records):
            self._live_users = (records, live_usernames(records.values()))
        return suggestions(used, self._live_users[1] if self._live_users else ())

    @on(SearchBar.Changed)
    @guarded("searching")
    def _search_changed(self, message: SearchBar.Changed) -> None:
        self.table.set_search(parse_query(message.text))
        self.refresh_views()  # the count, and the empty table's message

    @on(SearchBar.Done)
    @guarded("leaving the search")
    def _search_done(self, message: SearchBar.Done) -> None:
        self.table.set_search(parse_query(message.text))  # the same, or none at all
        self.table.focus()
        self.refresh_views()

    @on(RecordingsTable.Opened)
    @guarded("opening the recording")
    def _open_details(self, message: RecordingsTable.Opened) -> None:
        rec_id = message.recording_id
        if rec_id in self.store.records or rec_id in self.store.ended:
            self.push_screen(DetailsScreen(rec_id, self.table, self.settings.display_tz,
                                           actions=self.settings.actions_allowed))

    @on(DetailsScreen.ActionRequested)
    def _act_from_details(self, message: DetailsScreen.ActionRequested) -> None:
        self.actions.act_on(message.action, message.recording_id)

    @on(ActionsAnswered)
    def _actions_answered(self, message: ActionsAnswered) -> None:
        self.actions.actions_answered(message)

    @on(StartAnswered)
    def _start_answered(self, message: StartAnswered) -> None:
        self.actions.start_answered(message)

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
        self.actions.show_marks()  # a filter or an ended recording may have unmarked some
        empty = self.query_one("#empty", Static)
        # Not while the first answer is on its way (a moment, and the status line says
        # "Asking …"): the table would shrink and grow back under it.
        show_empty = ((self.store.has_data or self.store.failure is not None)
                      and not self.table.row_count)  # none at all, or none found
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
            search = self.table.search.query
            text = empty_table_message(self.store, view.message, kiosk=self.settings.kiosk,
                                       search_text=None if search is None else search.text)
            if text != str(empty.content):
                empty.update(text)
            empty.set_class(self.settings.kiosk and self.store.failure is not None,
                            "-failure")

    def _refresh_status(self) -> StatusView:
        # Stale or paused: the durations on screen are counted on here, marked "~".
        self.table.estimated = self.store.stale or self.poller.paused
        self._refresh_bindings_if_changed()
        view = describe_status(
            self.store, host=self.settings.host, interval=self.settings.interval,
            polling_paused=self.poller.paused, display_tz=self.settings.display_tz,
            kiosk=self.settings.kiosk, watch_parts=self.watch.status_parts(self.tick_time()),
            search_matches=self.table.search.match_count,
            notice_parts=self.exporter.status_parts(self.clock.monotonic()),
        )
        self.query_one(StatusBar).show(view)
        if self.settings.kiosk:
            self.query_one(HeaderBar).show_state(view.level, view.badge)
            now = self.tick_time()
            long_calls, long_pauses = self.glance_thresholds(now)
            self.query_one(GlancePanel).show(self.glance.view(
                self.store, level=view.level, now=now, page=self.table.page_label(),
                duration_text=self.table.duration_text_of,  # the row's text, at the same tick
                long_calls=long_calls, long_pauses=long_pauses,
            ))
        return view

    def glance_thresholds(self, now: float
                          ) -> tuple[ThresholdCount | None, ThresholdCount | None]:
        """The kiosk's --long-call and --long-pause tiles, counted by the watch at the
        table's tick time (so a tile agrees with the rows' marks); None hides a tile: no
        such threshold."""
        long_call, long_pause = self.watch.thresholds
        counts = self.watch.counts(now)
        return (None if long_call is None else long_calls(counts.long_calls, long_call),
                None if long_pause is None else long_pauses(counts.long_pauses, long_pause))

    @guarded("updating the clock")
    def tick(self) -> None:
        """Once a second: durations move, highlights expire, ages grow.

        Every duration on screen (table and details) is drawn at this tick's time, and
        only here: a repaint between ticks (a poll) shows the same second.
        """
        self.show_time()
        if self.store.expire_marks():
            self.table.sync(None)
        now = self._tick_times.next(self.clock.monotonic())
        self.table.tick(now)
        self._ring_for_crossings(now)
        view = self._refresh_status()
        if self.settings.kiosk:
            self._show_empty_message(view)
        self._refresh_details()
        self._ticks += 1
        if self._ticks % HOUSEKEEPING_SECONDS == 0:
            housekeeping(self)

    @guarded("setting the thresholds")
    def set_thresholds(self, thresholds: Thresholds) -> None:
        """New thresholds from now on (the palette): marks and counts at once; the bell
        only for what crosses after (watch.py)."""
        self.watch.set_thresholds(thresholds, self.tick_time())
        self.table.relayout()
        self._refresh_status()
        self._refresh_details()

    def tick_time(self) -> float:
        """The time the table draws at (the last tick): counts and marks agree with it."""
        drawn_at = self.table.tick_time
        return self.clock.monotonic() if drawn_at is None else drawn_at

    def _ring_for_crossings(self, now: float) -> None:
        """--bell: one bell for a tick in which recordings crossed a threshold (each
        recording's crossing comes once: watch.py)."""
        if self.watch.crossings(now) and self.bell_on:
            self.bells += 1
            self.bell()
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
        # at once (not Widget.focus, deferred): keys typed right after f reach the field
        self.screen.set_focus(self.query_one("#filter-deviceName"))

    @guarded("opening the search")
    def action_search(self) -> None:
        self.table.search.prepare(self.store.visible())  # not on the first keystroke
        self.search_bar.open()

    @guarded("clearing the search")
    def action_clear_search(self) -> None:
        self.search_bar.action_clear()

    @guarded("showing the keys")
    def action_help(self) -> None:
        self.push_screen(HelpScreen(kiosk=self.settings.kiosk,
                                    kiosk_page_seconds=self.settings.kiosk_page_seconds,
                                    actions=self.settings.actions_allowed))

    @guarded("showing the recently ended recordings")
    def action_recently_ended(self) -> None:
        self.push_screen(RecentlyEndedScreen(self.store.history, self.clock,
                                             self.settings.display_tz))

    @guarded("exporting the rows")
    def action_export(self) -> None:
        self.exporter.start(self.table)

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
                self.actions.set_credentials(Credentials(username, secret))
                self.poller.poll_now()
            except Exception as exc:
                self.internal_error("using the new password", exc)

        self.push_screen(PasswordScreen(username, self.settings.server_label), retry_with)

    # -- supervisor actions: the work is the ActionController's (action_controller.py) --

    def action_toggle_mark(self) -> None:
        self.actions.toggle_mark()

    def action_pause_recordings(self) -> None:
        self.actions.act_on_chosen(Action.PAUSE)

    def action_resume_recordings(self) -> None:
        self.actions.act_on_chosen(Action.RESUME)

    def action_stop_recordings(self) -> None:
        self.actions.act_on_chosen(Action.STOP)

    def action_start_recording(self) -> None:
        self.actions.start_dialog()
