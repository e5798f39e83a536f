"""Supervisor actions in the dashboard: from a key, a button or the palette to the server,
and back to the rows. The app only wires (``app.py``); the state and the words are
Textual-free (``action_state.py``, ``actions.py``); the dialogs are widgets
(``widgets/action_dialogs.py``).

``P`` on one row: the row is claimed at once and shows ``… PAUSING``; a worker sends the
request through the :class:`~livedash.actions.ActionClient` (its own connections, beside
the poller's one request in flight) and posts the answer back as :class:`ActionsAnswered`.
A success polls at once, and the row keeps its word until the answer to a poll sent
after the action's answer is on screen; a failure shows the row as the server has it at
once, and says why. Nothing is ever sent again by itself: not after a 429 (already so),
a 409 (ended), a 5xx, nor a 401 (the password: ``L``).
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message
from textual.screen import Screen

from .action_state import (
    Notice,
    StartRequest,
    asks_first,
    recording_label,
    start_notice,
    summarize,
)
from .actions import Action, ActionClient, ActionResult, Outcome, Target
from .credentials import Credentials
from .errors import AuthError
from .guard import guarded
from .model import LiveRecording
from .widgets.action_dialogs import ConfirmActionScreen, StartRecordingScreen

if TYPE_CHECKING:
    from .app import LiveDashApp

# The app's actions (its key bindings) that act on recordings: off unless actions are on.
KEY_ACTIONS = frozenset({"toggle_mark", "pause_recordings", "resume_recordings",
                         "stop_recordings", "start_recording"})
# Answers after which the server's state is known to have changed, or to differ from
# the rows: poll at once to show it.
_POLL_AFTER = frozenset({Outcome.DONE, Outcome.ALREADY, Outcome.NOTHING})


class ActionsAnswered(Message):
    """The answers to one press of P, R or X (``results`` None: the request itself failed
    with a bug of ours, logged)."""

    def __init__(self, action: Action, labels: dict[str, str],
                 results: list[ActionResult] | None) -> None:
        super().__init__()
        self.action = action
        self.labels = labels  # id → "user ↔ remote party", as its row showed it
        self.results = results


class StartAnswered(Message):
    def __init__(self, request: StartRequest, result: ActionResult | None) -> None:
        super().__init__()
        self.request = request
        self.result = result


class ActionController:
    """Between the keys and the ActionClient: what to act on, whether to ask first, what
    the rows show meanwhile, and what the answers mean on screen."""

    def __init__(self, app: LiveDashApp):
        self.app = app
        self.allowed = app.settings.actions_allowed
        self.state = app.store.actions  # marks and actions under way: the table reads it
        # No client at all when actions are off: nothing can be sent.
        self.client: ActionClient | None = (
            app.settings.make_action_client(app.clock) if self.allowed else None)
        self._rejected = False  # an action got 401: L asks for the password again
        # a recording just started, for the cursor: (its id, polls sent before the answer)
        self._select_after_poll: tuple[str, int] | None = None
        self._marks_shown: int | None = None
        # Tests wait on this instead of sleeping: set after every answer is on screen.
        self.answered = asyncio.Event()
        self.answers = 0

    def internal_error(self, what: str, exc: BaseException) -> None:  # for @guarded
        self.app.internal_error(what, exc)

    async def aclose(self) -> None:
        if self.client is not None:
            await self.client.aclose()

    # -- what works now -------------------------------------------------------------------

    def usable(self, screen: Screen | None = None) -> bool:
        """Actions are on and the table's screen is in front (not under a dialog)."""
        if not self.allowed:
            return False
        stack = self.app.screen_stack
        return bool(stack) and (screen or stack[-1]) is stack[0]

    def password_rejected(self) -> bool:
        """The server rejected the password, on a poll or an action: ``L`` asks again, and
        no action is sent with it meanwhile (each try could count towards a lock-out)."""
        failure = self.app.store.failure
        return self._rejected or (failure is not None and isinstance(failure.error, AuthError))

    def set_credentials(self, credentials: Credentials) -> None:
        self._rejected = False
        if self.client is not None:
            self.client.set_credentials(credentials)

    # -- keys, buttons, palette -----------------------------------------------------------

    @guarded("marking the recording")
    def toggle_mark(self) -> None:
        """space: mark or unmark the row under the cursor, then go to the next row."""
        table = self.app.table
        rec = table.cursor_recording
        if rec is None:
            return
        if rec.id not in self.app.store.records:
            self._say(Notice("That recording has ended: there is nothing to mark.",
                             "information", 3))
            return
        self.state.marks.toggle(rec.id)
        table.refresh()
        table.move_cursor(table.cursor + 1)
        self.show_marks()

    @guarded("clearing the marks")
    def clear_marks(self) -> None:
        if self.state.marks.clear():
            self.app.table.refresh()
        self.show_marks()

    @guarded("acting on the recordings")
    def act_on_chosen(self, action: Action) -> None:
        """P, R, X: the marked recordings, or the one under the cursor."""
        chosen = self._chosen()
        if isinstance(chosen, str):
            self._say(Notice(chosen, "information", 3))
        else:
            self._request(action, chosen)

    @guarded("acting on the recording")
    def act_on(self, action: Action, rec_id: str) -> None:
        """A button of the details dialog: this recording, whatever is marked."""
        rec = self.app.store.records.get(rec_id)
        if not self.allowed:
            return
        if rec is None:
            self._say(Notice(f"That recording has already ended: nothing to {action.value}.",
                             "information", 3))
        else:
            self._request(action, [rec])

    @guarded("asking which line to record")
    def start_dialog(self) -> None:
        """N: the start dialog, then the request."""
        if not self._password_refused():
            self.app.push_screen(StartRecordingScreen(), self._start)

    def _chosen(self) -> list[LiveRecording] | str:
        """The marked recordings on screen, in the table's order; else the cursor's."""
        store = self.app.store
        table = self.app.table
        if self.state.marks:
            rows = {rec_id: table.row_of(rec_id) for rec_id in self.state.marks
                    if rec_id in store.records}
            shown = sorted((row, rec_id) for rec_id, row in rows.items() if row is not None)
            if shown:
                return [store.records[rec_id] for _, rec_id in shown]
            return "The marked recordings are not in the table now."
        rec = table.cursor_recording
        if rec is None:
            return "There is no recording under the cursor."
        if rec.id not in store.records:
            return "That recording has already ended."
        return [rec]

    def _request(self, action: Action, recordings: list[LiveRecording]) -> None:
        if self._password_refused():
            return
        in_flight = self.state.in_flight
        busy = [(rec, entry) for rec in recordings
                if (entry := in_flight.blocking(action, rec.id)) is not None]
        if busy:
            names = [f"{entry.action.in_progress} {recording_label(rec)}"
                     for rec, entry in busy[:3]]
            self._say(Notice("Already under way, not sent again: " + ", ".join(names)
                             + (" …" if len(busy) > 3 else ""), "information", 3))
            skipped = {rec.id for rec, _ in busy}
            recordings = [rec for rec in recordings if rec.id not in skipped]
        if not recordings:
            return
        if not asks_first(action, len(recordings)):
            self._send(action, recordings)
            return
        table = self.app.table
        rows = [(recording_label(rec), table.duration_text_of(rec),
                 "paused" if rec.is_paused else "") for rec in recordings]

        def answer(confirmed: bool | None) -> None:
            if confirmed:
                self._send(action, recordings)

        self.app.push_screen(ConfirmActionScreen(action, rows), answer)

    # -- to the server and back -----------------------------------------------------------

    @guarded("sending the action")
    def _send(self, action: Action, recordings: list[LiveRecording]) -> None:
        # Claimed before the worker starts: the rows show "… PAUSING" from the press on,
        # and a second press meanwhile finds them busy (nothing is sent twice).
        if self.client is None:  # actions are off: there is no client to send with
            return
        claimed = set(self.state.in_flight.begin(action, [rec.id for rec in recordings]))
        recordings = [rec for rec in recordings if rec.id in claimed]
        if not recordings:
            return
        self.app.table.refresh()
        labels = {rec.id: recording_label(rec) for rec in recordings}
        # the audit line names each recording as its row showed it
        targets = [Target(rec.id, rec.username, rec.phone_number) for rec in recordings]
        self.app.run_worker(self._act(self.client, action, targets, labels),
                            name=f"{action.value} {len(targets)}", group="actions",
                            exit_on_error=False)

    async def _act(self, client: ActionClient, action: Action, targets: list[Target],
                   labels: dict[str, str]) -> None:
        results = None
        try:
            results = await client.act(action, targets)
        except Exception as exc:  # a bug of ours: logged; the rows must not stay "… PAUSING"
            self.app.internal_error(f"sending a {action.value}", exc)
        self.app.post_message(ActionsAnswered(action, labels, results))

    def _start(self, request: StartRequest | None) -> None:
        if request is None or self.client is None:
            return
        self.app.run_worker(self._start_request(self.client, request), name="start",
                            group="actions", exit_on_error=False)

    async def _start_request(self, client: ActionClient, request: StartRequest) -> None:
        result = None
        try:
            result = await client.start(device_name=request.device_name,
                                        directory_number=request.directory_number,
                                        mode=request.mode)
        except Exception as exc:
            self.app.internal_error("starting a recording", exc)
        self.app.post_message(StartAnswered(request, result))

    @guarded("showing the answer")
    def actions_answered(self, message: ActionsAnswered) -> None:
        try:
            in_flight = self.state.in_flight
            if message.results is None:
                in_flight.forget(message.labels)
            else:
                in_flight.answered(message.results, self.app.poller.requests_sent)
                self._after(message.results)
                notice = summarize(message.results, message.labels)
                if notice is not None:
                    self._say(notice)
            self.app.table.refresh()
        finally:
            self._settled()

    @guarded("showing the answer")
    def start_answered(self, message: StartAnswered) -> None:
        try:
            result = message.result
            if result is not None:
                self._after([result])
                if result.outcome is Outcome.DONE and result.recording_id:
                    self._select_after_poll = (result.recording_id,
                                               self.app.poller.requests_sent)
                self._say(start_notice(message.request, result))
        finally:
            self._settled()

    def _after(self, results: list[ActionResult]) -> None:
        if any(isinstance(result.error, AuthError) for result in results):
            self._rejected = True  # L is offered (the app's check_action asks us)
            self.app.refresh_bindings()
        if any(result.outcome in _POLL_AFTER for result in results):
            poller = self.app.poller
            if poller.blocked:  # polling waits for the user: no confirming poll comes
                self.state.in_flight.settle_answered()
            else:
                poller.poll_now()

    def _settled(self) -> None:
        self.answers += 1
        self.answered.set()

    @guarded("showing the actions' state")
    def poll_applied(self, request: int) -> None:
        """The answer to poll number ``request`` is on screen: it confirms the rows whose
        action was answered before it was sent; a recording just started gets the cursor."""
        if self.state.in_flight.confirmed(request):
            self.app.table.refresh()
        started = self._select_after_poll
        if started is not None and request > started[1]:  # the first poll that can show it
            self._select_after_poll = None
            row = self.app.table.row_of(started[0])  # None: not shown (the filters)
            if row is not None:
                self.app.table.move_cursor(row)
        self.show_marks()

    def show_marks(self) -> None:
        """The line under the table: how many are marked, and what the keys do to them."""
        count = len(self.state.marks)
        if count == self._marks_shown or not self.allowed:
            return
        self._marks_shown = count
        line = self.app.query_one("#marks")
        line.display = count > 0
        line.update(  # type: ignore[attr-defined]
            f"✓ {count} marked · P pause · R resume · X stop them · space unmarks")

    # -- on screen ------------------------------------------------------------------------

    def _password_refused(self) -> bool:
        if not self.password_rejected():
            return False
        self._say(Notice("The server rejected the password: press L to enter it again "
                         "first. Nothing was sent.", "warning", 6))
        return True

    def _say(self, notice: Notice) -> None:
        self.app.notify(notice.text, title="Supervisor action", severity=notice.severity,  # type: ignore[arg-type]
                        timeout=notice.timeout, markup=False)


class ActionCommands(Provider):
    """The supervisor actions in the command palette (Ctrl+P); none when they are off
    (``--read-only``, ``--kiosk``) or a dialog is open."""

    def _commands(self) -> list[tuple[str, str, object]]:
        controller = getattr(self.app, "actions", None)
        if not isinstance(controller, ActionController) or not controller.usable(self.screen):
            return []
        act = controller.act_on_chosen
        commands = [
            ("Pause recordings", "the marked ones, or the one under the cursor (P)",
             partial(act, Action.PAUSE)),
            ("Resume recordings", "the marked ones, or the one under the cursor (R)",
             partial(act, Action.RESUME)),
            ("Stop recordings…", "the marked ones, or the one under the cursor; asks "
             "first (X)", partial(act, Action.STOP)),
            ("Start recording a line…", "by device name or directory number (N)",
             controller.start_dialog),
            ("Mark or unmark the recording under the cursor", "P R X act on the marked "
             "ones (space)", controller.toggle_mark),
        ]
        if controller.state.marks:
            commands.append(("Clear the marks", f"unmark all {len(controller.state.marks)}",
                             controller.clear_marks))
        return commands

    async def discover(self) -> Hits:
        for name, help_text, command in self._commands():
            yield DiscoveryHit(name, command, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command,  # type: ignore[arg-type]
                          help=help_text)
