"""The dialogs of supervisor actions: "stop these?" and "start recording a line".

Server text reaches them already made safe (``action_state.recording_label``) and is
drawn as ``rich.text.Text``, never parsed as markup.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from ..action_state import StartRequest, plural, start_request
from ..actions import Action, StartMode

# A question names at most this many recordings; the rest are counted ("… and 12 more").
MAX_LISTED = 10


def _listing(rows: list[tuple[str, str, str]]) -> Table:
    """Who ↔ whom, the duration, "paused": one line each, the durations aligned."""
    table = Table.grid(padding=(0, 2))
    table.add_column(overflow="ellipsis", no_wrap=True, ratio=1)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    for label, duration, note in rows[:MAX_LISTED]:
        table.add_row(Text(label), Text(duration), Text(note, style="bold"))
    if len(rows) > MAX_LISTED:
        table.add_row(Text(f"… and {len(rows) - MAX_LISTED} more"), Text(""), Text(""))
    return table


class ConfirmActionScreen(ModalScreen[bool]):
    """Asks before a stop, or a pause or resume of several: names them and their count.

    ``y`` or Enter on the action button confirms (True); ``n`` or Esc cancels (False),
    and nothing is sent.
    """

    BINDINGS = [
        Binding("y", "confirm", "Yes"),
        Binding("n,escape", "cancel", "No"),
    ]

    def __init__(self, action: Action, rows: list[tuple[str, str, str]]):
        super().__init__()
        self.action = action
        self.rows = rows  # (who ↔ whom, duration, note), already safe text

    def compose(self) -> ComposeResult:
        verb = self.action.value.capitalize()
        count = plural(len(self.rows))
        with Vertical(classes="dialog", id="confirm"):
            yield Label(f"{verb} {count}?", classes="dialog-title", id="confirm-title")
            yield Static(_listing(self.rows), id="confirm-list")
            if self.action is Action.STOP:
                yield Label("A stopped recording cannot be resumed: the call goes on "
                            "unrecorded (N records it again, from then on).",
                            classes="dialog-note confirm-warning")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{verb} {count}", id="confirm-yes",
                             variant="error" if self.action is Action.STOP else "primary")
                yield Button("Cancel", id="confirm-no")
            yield Label(f"y or Enter: {self.action.value} · n or Esc: cancel, nothing is sent",
                        classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class StartRecordingScreen(ModalScreen[StartRequest | None]):
    """N: which line to record (device name or directory number) and how."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="start"):
            yield Label("Start recording a line", classes="dialog-title")
            yield Label("Records the call connected on a phone or a line, from now on. "
                        "Fill in one of the two.", classes="dialog-note")
            with Horizontal(classes="start-field"):
                yield Label("Device name", classes="start-label")
                yield Input(placeholder="e.g. SEP123456789ABC", id="start-device",
                            compact=True)
            with Horizontal(classes="start-field"):
                yield Label("Directory number", classes="start-label")
                yield Input(placeholder="e.g. 123456", id="start-number", compact=True)
            with Horizontal(classes="start-field", id="start-mode-field"):
                yield Label("Mode", classes="start-label")
                with RadioSet(id="start-mode", compact=True):
                    yield RadioButton("Media forking (the server's default)", value=True,
                                      id="mode-forking")
                    yield RadioButton("Dial-in: the recorder joins the call",
                                      id="mode-dial-in")
            yield Label("", id="start-problem", classes="dialog-note")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Start recording", id="start-yes", variant="primary")
                yield Button("Cancel", id="start-no")
            yield Label("Tab: next field · Enter in a field: start · Esc: cancel",
                        classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#start-problem", Label).display = False
        self.query_one("#start-device", Input).focus()

    @property
    def mode(self) -> StartMode:
        dial_in = self.query_one("#mode-dial-in", RadioButton).value
        return StartMode.DIAL_IN if dial_in else StartMode.FORKING

    def _submit(self) -> None:
        request = start_request(self.query_one("#start-device", Input).value,
                                self.query_one("#start-number", Input).value, self.mode)
        if isinstance(request, str):  # what is missing or wrong: said in the dialog
            problem = self.query_one("#start-problem", Label)
            problem.update(Text(request))
            problem.display = True
            return
        self.dismiss(request)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "start-yes":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
