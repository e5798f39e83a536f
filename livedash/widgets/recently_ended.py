"""The recently-ended view (``h``) and the details of one ended recording.

What ended is ``history.EndedHistory`` (fed by the store); this view is a snapshot of it
taken when it opens (``r`` takes a new one): a stock ``DataTable``, at most 10,000 static
rows, filled a chunk at a time so that a full history does not hold the event loop.
Server strings are cells of ``rich.text.Text`` through ``safe_text``: never markup.
"""

from __future__ import annotations

from datetime import tzinfo

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from ..clock import Clock
from ..filter_labels import describe_filters
from ..history import EndedHistory, EndedRecording
from ..safe_text import safe_text
from ..table_layout import UNKNOWN, fit
from ..timefmt import format_clock, format_datetime, format_duration, format_start
from .screens import _field_table, _Modal, recording_fields

TITLE = "Recently ended — as seen by this livedash"
CELL_MAX = 40  # a longer name is cut here (the details show it whole)
CHUNK = 500  # rows added to the table per turn of the event loop


def _cell(value: str) -> Text:
    text = safe_text(value)
    if cell_len(text) > CELL_MAX:
        text = fit(text, CELL_MAX)
    return Text(text)


def ended_text(entry: EndedRecording, zone: tzinfo | None, today) -> str:
    """When the end was seen; ``by 09:31:10`` when polling was interrupted before (it
    ended some time before livedash noticed)."""
    seen = format_start(entry.ended, zone, today)
    return f"by {seen}" if entry.interrupted else seen


def row_cells(entry: EndedRecording, zone: tzinfo | None, today) -> tuple[Text, ...]:
    rec = entry.record
    remote = _cell(rec.remote_name) if rec.remote_name else Text(UNKNOWN, style="dim italic")
    return (_cell(rec.username), remote, _cell(rec.phone_number),
            Text(format_duration(entry.final_duration), justify="right"),
            Text(ended_text(entry, zone, today)))


COLUMNS = ("User", "Remote party", "Number", "Final duration", "Ended")


class RecentlyEndedScreen(ModalScreen[None]):
    """The recordings seen to end in the last ``--history-minutes``, most recent first."""

    BINDINGS = [
        Binding("escape,h,q", "close", "Back"),
        Binding("r", "reload", "Refresh"),
    ]

    def __init__(self, history: EndedHistory, clock: Clock, zone: tzinfo | None):
        super().__init__()
        self.history = history
        self.clock = clock
        self.zone = zone
        self._take()

    def _take(self) -> None:
        """The history as it is now: what the view shows until ``r``."""
        self.entries = self.history.entries(self.clock.monotonic())
        self.as_of = self.clock.now()
        self._today = self.as_of.astimezone(self.zone).date()

    def compose(self) -> ComposeResult:
        body = Vertical(classes="dialog", id="recently-ended")
        body.border_subtitle = "Enter details · r refresh · h or Esc back"
        with body:
            yield Label(TITLE, classes="dialog-title")
            yield Static(self._note(), id="recently-ended-note")
            yield DataTable(id="recently-ended-table", cursor_type="row")
            yield Static(self._empty(), id="recently-ended-empty", markup=False)

    def _note(self) -> Text:
        history = self.history
        zone = self.zone
        count = len(self.entries)
        since = history.watching_since
        minutes = history.minutes
        if since is not None and (self.as_of - since).total_seconds() < minutes * 60:
            span = f"since livedash started at {format_clock(since, zone)}"
        else:
            span = f"in the last {minutes:g} min"
        parts = [f"{count:,} {span}, most recent first, as of {format_clock(self.as_of, zone)}",
                 "whatever the filters"]
        if count >= history.max_entries:
            parts.append(f"only the last {history.max_entries:,} are kept")
        return Text(" · ".join(parts) + "\nEnded: the first poll without it (\"by\": polling "
                    "was interrupted, it ended before). Final duration: at the last poll "
                    "that had it.")

    def _empty(self) -> str:
        minutes = f"{self.history.minutes:g}"
        return (f"No recording seen to end in the last {minutes} minutes.\nOnly ends this "
                "livedash saw are listed: not those while the filters hid them, nor before "
                "it started.")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label)
        self._show()
        table.focus()

    def _show(self) -> None:
        """The rows, or the message that there are none."""
        self.query_one(DataTable).display = bool(self.entries)
        self.query_one("#recently-ended-empty").display = not self.entries
        self._fill(0)

    def _fill(self, start: int) -> None:
        """Add the rows from ``start``, a chunk now and the rest after the next refresh."""
        entries = self.entries[start:start + CHUNK]
        if not entries or not self.is_attached:
            return
        zone, today = self.zone, self._today
        self.query_one(DataTable).add_rows(row_cells(entry, zone, today) for entry in entries)
        if start + CHUNK < len(self.entries):
            self.call_after_refresh(self._fill, start + CHUNK)

    @property
    def filled(self) -> bool:
        """Every entry is a row (tests wait on this)."""
        return self.query_one(DataTable).row_count == len(self.entries)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self._take()
        self.query_one(DataTable).clear()
        self.query_one("#recently-ended-note", Static).update(self._note())
        self._show()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.entries):
            self.app.push_screen(EndedDetailsScreen(self.entries[event.cursor_row], self.zone))


def ended_fields(entry: EndedRecording, zone: tzinfo | None) -> list[tuple[str, str]]:
    """The details of an ended recording: its fields as last seen, and what livedash saw."""
    duration = format_duration(entry.final_duration)
    rows = [
        ("Final duration", f"{duration}  (at the last poll that had it)") if name == "Duration"
        else (name, value)
        for name, value in recording_fields(entry.record, zone, duration=duration, ended=True)
    ]
    seen = format_datetime(entry.ended, zone)
    rows += [
        ("Last seen live", format_datetime(entry.last_seen, zone)),
        ("Ended", f"by {seen}  (polling was interrupted: it ended between the two)"
         if entry.interrupted else f"{seen}  (the first poll without it)"),
        ("Seen while watching", describe_filters(entry.filters) or "all live recordings"),
    ]
    return rows


class EndedDetailsScreen(_Modal):
    """Every field of one ended recording, as last seen."""

    def __init__(self, entry: EndedRecording, zone: tzinfo | None):
        super().__init__()
        self.entry = entry
        self._zone = zone

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Ended recording (as last seen)", classes="dialog-title")
            yield Static(_field_table(ended_fields(self.entry, self._zone)),
                         id="ended-details-fields")
            yield Label("Esc to close", classes="dialog-hint")
