"""Modal screens: a recording's details, unreadable records, help, the password prompt.

Everything from the server is shown through ``safe_text`` as ``rich.text.Text``: never
parsed as markup.
"""

from __future__ import annotations

from datetime import tzinfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ..actions import Action
from ..keys import ACTION_LEGEND, LEGEND, keys_for
from ..model import LiveRecording, RecordError
from ..safe_text import safe_text
from ..table_layout import ESTIMATE
from ..timefmt import format_datetime
from ..watch import watch_details
from .recordings_table import RecordingsTable


class _Modal(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Close")]

    def action_dismiss(self, result=None) -> None:  # type: ignore[override]
        self.dismiss(result)


# A field longer than this is shown cut, with its length: a 5,000-character name from the
# network is a fault to see, not a page to read (and folding it costs a render each time).
MAX_FIELD_CHARS = 500


def _shown(value: str) -> Text:
    """A server string as literal Text: controls made visible, never markup, cut if huge."""
    text = safe_text(value)
    if len(text) > MAX_FIELD_CHARS:
        text = f"{text[:MAX_FIELD_CHARS]}… ({len(value):,} characters in all)"
    return Text(text)


def _field_table(rows: list[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, max_width=40, overflow="ellipsis")
    table.add_column(overflow="fold")
    for name, value in rows:
        # both cells are Text: a plain str cell would be parsed as Rich markup
        table.add_row(_shown(name), _shown(value))
    return table


def recording_fields(rec: LiveRecording, zone: tzinfo | None, *, duration: str,
                     ended: bool = False, paused: str = "",
                     marks: str = "") -> list[tuple[str, str]]:
    """The details of ``rec``; ``duration`` is the text its row shows (the same tick).

    ``paused`` ("paused for 3:12") and ``marks`` ("⚠ LONG: …"): ``watch.watch_details``.
    """
    if ended:
        state, note = "✕ ended (gone from the server)", "  (when its end was seen)"
    elif rec.is_paused:
        state, note = f"❚❚ {paused or 'paused'}", "  (frozen while paused)"
    else:
        state, note = "● recording", ""
    if duration.startswith(ESTIMATE):
        note = "  (estimated: counted on since the last poll)"
    return [
        ("Id", rec.id),
        ("State", state),
        ("Duration", duration + note),
        *([("Alert", marks)] if marks else []),
        ("Started at", format_datetime(rec.started_at, zone)),
        ("Local user", rec.username or "—"),
        ("Remote first name", rec.first_name or "—"),
        ("Remote last name", rec.last_name or "—"),
        ("Remote number", rec.phone_number or "—"),
    ]


class DetailsScreen(_Modal):
    """Every field of one recording. Its duration ticks with its row: the app calls
    :meth:`refresh_fields` on every tick and poll, and the text is the row's own.

    With ``actions`` (not ``--read-only`` or ``--kiosk``): buttons, and their keys, to
    pause, resume or stop this recording (:class:`ActionRequested` to the app).
    """

    BINDINGS = [
        Binding("P", "act('pause')", "Pause"),
        Binding("R", "act('resume')", "Resume"),
        Binding("X", "act('stop')", "Stop"),
    ]

    class ActionRequested(Message):
        """A button (or its key) asked for ``action`` on the recording shown."""

        def __init__(self, action: Action, recording_id: str) -> None:
            super().__init__()
            self.action = action
            self.recording_id = recording_id

    def __init__(self, recording_id: str, table: RecordingsTable, zone: tzinfo | None,
                 *, actions: bool = False):
        super().__init__()
        self.actions = actions
        self.recording_id = recording_id
        self._table = table
        self._zone = zone
        self.recording: LiveRecording | None = None
        self._duration = ""  # as last read from the table
        self._rows = self._read()

    def _read(self) -> list[tuple[str, str]]:
        table = self._table
        store = table.store
        rec_id = self.recording_id
        rec = store.records.get(rec_id) or store.ended.get(rec_id)
        if rec is not None:
            self.recording = rec
            self._duration = table.duration_text_of(rec)
            ended = table.is_ended(rec_id)
            watched = ("", "") if ended or table.watch is None else watch_details(
                table.watch, rec, table.tick_time or 0.0)
            return recording_fields(rec, self._zone, duration=self._duration, ended=ended,
                                    paused=watched[0], marks=watched[1])
        if self.recording is None:
            return [("Id", rec_id), ("State", "gone from the server")]
        # faded out of the table since: as it was last seen, ended
        return recording_fields(self.recording, self._zone, duration=self._duration, ended=True)

    def compose(self) -> ComposeResult:
        # The dialog scrolls as a whole when a field is long: it grows with its content
        # up to the screen's height, then scrolls.
        with VerticalScroll(classes="dialog"):
            yield Label("Live recording", classes="dialog-title")
            yield Static(_field_table(self._rows), id="details-fields")
            if self.actions:
                with Horizontal(classes="dialog-buttons", id="details-actions"):
                    yield Button("Pause  P", id="details-pause", compact=True)
                    yield Button("Resume  R", id="details-resume", compact=True)
                    yield Button("Stop…  X", id="details-stop", variant="error",
                                 compact=True)
            yield Label("Esc to close" if not self.actions else
                        "P pause · R resume · X stop (asks first) · Esc to close",
                        classes="dialog-hint")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.actions if action == "act" else True

    def action_act(self, action: str) -> None:
        self.post_message(self.ActionRequested(Action(action), self.recording_id))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        name = (event.button.id or "").removeprefix("details-")
        if name in ("pause", "resume", "stop"):
            self.action_act(name)

    def refresh_fields(self) -> None:
        rows = self._read()
        if rows != self._rows:
            self._rows = rows
            self.query_one("#details-fields", Static).update(_field_table(rows))


# More are counted, not listed: the reasons repeat, and the list is for reading.
MAX_UNREADABLE_LISTED = 200


def _unreadable_list(errors: list[RecordError]) -> Text:
    """Each record on two lines, its position and id, then why: readable at any width."""
    text = Text()
    for error in errors[:MAX_UNREADABLE_LISTED]:
        if text:
            text.append("\n")
        text.append(f"#{error.index}  ", style="bold")
        text.append_text(_shown(error.record_id) if error.record_id else Text("(no id)"))
        text.append("\n    ")
        text.append_text(_shown(error.reason))
    if len(errors) > MAX_UNREADABLE_LISTED:
        text.append(f"\n… and {len(errors) - MAX_UNREADABLE_LISTED:,} more")
    return text


class UnreadableScreen(_Modal):
    """Records the last poll skipped, and why."""

    def __init__(self, errors: list[RecordError]):
        super().__init__()
        self.errors = errors

    def compose(self) -> ComposeResult:
        count = len(self.errors)
        body = VerticalScroll(classes="dialog", id="unreadable")
        body.border_subtitle = "Esc closes"
        with body:
            yield Label(f"{count} record{'s' if count != 1 else ''} unreadable in the last "
                        "poll", classes="dialog-title")
            if count:
                yield Label("The other records are shown. #n is a record's position in "
                            "the server's answer, from 0.", classes="dialog-note")
            yield Static(_unreadable_list(self.errors) if count else "None.",
                         id="unreadable-list")


def _key_table(rows: list[tuple[str, str]]) -> Table:
    """Our own text (keys, legend): bold names, descriptions wrapped to the dialog."""
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for name, what in rows:
        table.add_row(Text(name), Text(what))
    return table


class HelpScreen(_Modal):
    """The keys (from ``keys.KEYS``) and what the screen shows; scrolls when it must."""

    BINDINGS = [Binding("question_mark", "dismiss", "Close")]

    def __init__(self, *, kiosk: bool = False, kiosk_page_seconds: float = 10.0,
                 actions: bool = True):
        super().__init__()
        self.kiosk = kiosk
        self.actions = actions and not kiosk  # the supervisor actions' keys work
        self._page_seconds = kiosk_page_seconds

    def compose(self) -> ComposeResult:
        entries = keys_for(kiosk=self.kiosk, actions=self.actions)
        body = VerticalScroll(classes="dialog", id="help")
        # on the border, so it stays in sight while the list scrolls
        body.border_subtitle = "↑ ↓ PgUp PgDn scroll · Esc closes"
        with body:
            yield Label("Keys", classes="dialog-title")
            if self.kiosk:
                yield Static(
                    Text("Wall display (--kiosk): read-only, the rows page by themselves "
                         f"every {self._page_seconds:g}s. Only these keys work:"),
                    classes="help-note",
                )
            yield Static(_key_table([(e.keys, e.what) for e in entries]), id="help-keys")
            for number, (title, rows) in enumerate(LEGEND):
                legend = [*rows, *(ACTION_LEGEND if number == 0 and self.actions else ())]
                yield Label(title, classes="dialog-title help-section")
                yield Static(_key_table(legend), classes="help-legend")


class PasswordScreen(ModalScreen[str | None]):
    """Ask for the password again after a 401. The value goes straight to the client."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, username: str, server: str):
        super().__init__()
        self._prompt = f"Password for {username} at {server}"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(safe_text(self._prompt)), classes="dialog-title")
            yield Label("The server rejected the last one (401).", classes="dialog-note")
            yield Input(password=True, id="password")
            yield Label("Enter to retry with it (kept in memory only, never written), "
                        "Esc to cancel", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value
        event.input.value = ""
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
