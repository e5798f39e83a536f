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
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ..model import LiveRecording, RecordError
from ..safe_text import safe_text
from ..table_layout import ESTIMATE
from ..timefmt import format_datetime
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
                     ended: bool = False) -> list[tuple[str, str]]:
    """The details of ``rec``; ``duration`` is the text its row shows (the same tick)."""
    if ended:
        state, note = "✕ ended (gone from the server)", "  (when its end was seen)"
    elif rec.is_paused:
        state, note = "❚❚ paused", "  (frozen while paused)"
    else:
        state, note = "● recording", ""
    if duration.startswith(ESTIMATE):
        note = "  (estimated: counted on since the last poll)"
    return [
        ("Id", rec.id),
        ("State", state),
        ("Duration", duration + note),
        ("Started at", format_datetime(rec.started_at, zone)),
        ("Local user", rec.username or "—"),
        ("Remote first name", rec.first_name or "—"),
        ("Remote last name", rec.last_name or "—"),
        ("Remote number", rec.phone_number or "—"),
    ]


class DetailsScreen(_Modal):
    """Every field of one recording. Its duration ticks with its row: the app calls
    :meth:`refresh_fields` on every tick and poll, and the text is the row's own."""

    def __init__(self, recording_id: str, table: RecordingsTable, zone: tzinfo | None):
        super().__init__()
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
            return recording_fields(rec, self._zone, duration=self._duration,
                                    ended=table.is_ended(rec_id))
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
            yield Label("Esc to close", classes="dialog-hint")

    def refresh_fields(self) -> None:
        rows = self._read()
        if rows != self._rows:
            self._rows = rows
            self.query_one("#details-fields", Static).update(_field_table(rows))


class UnreadableScreen(_Modal):
    """Records the last poll skipped, and why."""

    def __init__(self, errors: list[RecordError]):
        super().__init__()
        self.errors = errors

    def compose(self) -> ComposeResult:
        rows = [(f"#{e.index} {e.record_id or '(no id)'}", e.reason) for e in self.errors[:200]]
        with VerticalScroll(classes="dialog"):
            yield Label(f"{len(self.errors)} records unreadable in the last poll",
                        classes="dialog-title")
            yield Static(_field_table(rows) if rows else "None.", id="unreadable-list")
            yield Label("The other records are shown. Esc to close", classes="dialog-hint")


HELP = [
    ("↑ ↓ PgUp PgDn Home End", "move the cursor"),
    ("Enter", "details of the recording under the cursor"),
    ("s / S", "sort by the next column / reverse the order (or click a header)"),
    ("/", "edit the filters (Tab moves between them)"),
    ("Enter in a filter", "query at once and return to the table"),
    ("Esc in a filter", "clear it (on an empty filter: clear all)"),
    ("r", "poll now (also retries after an error)"),
    ("p", "pause / resume polling"),
    ("u", "records the last poll could not read"),
    ("L", "enter the password again (after a 401)"),
    ("?", "this help"),
    ("q", "quit"),
]


class HelpScreen(_Modal):
    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, what in HELP:
            table.add_row(keys, what)
        with Vertical(classes="dialog"):
            yield Label("Keys", classes="dialog-title")
            yield Static(table)
            yield Label(
                "State: ● recording · ❚❚ paused · ✕ ended (fades out). "
                "Green rows are new, amber rows changed since the last poll.",
                classes="dialog-hint",
            )


class PasswordScreen(ModalScreen[str | None]):
    """Ask for the password again after a 401. The value goes straight to the client."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, username: str, host: str):
        super().__init__()
        self._prompt = f"Password for {username} at {host}"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(safe_text(self._prompt)), classes="dialog-title")
            yield Input(password=True, id="password")
            yield Label("Enter to retry with it, Esc to cancel", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value
        event.input.value = ""
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
