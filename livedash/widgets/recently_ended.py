"""The recently-ended view (``h``) and the details of one ended recording.

What ended is ``history.EndedHistory`` (fed by the store); this view is a snapshot of it
taken when it opens (``r`` takes a new one), drawn by ``EndedTable`` (a visible line at a
time) from the cell texts of ``ended_layout``. Server strings pass ``safe_text`` and are
drawn as plain text: never markup.
"""

from __future__ import annotations

from datetime import tzinfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ..clock import Clock
from ..ended_layout import ended_rows
from ..filter_labels import describe_filters
from ..history import EndedHistory, EndedRecording
from ..timefmt import format_clock, format_datetime, format_duration
from .ended_table import EndedTable
from .screens import _field_table, _Modal, recording_fields

TITLE = "Recently ended — as seen by this livedash"


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
        today = self.as_of.astimezone(self.zone).date()
        self.rows = ended_rows(self.entries, self.zone, today)

    def compose(self) -> ComposeResult:
        body = Vertical(classes="dialog", id="recently-ended")
        body.border_subtitle = "Enter details · r refresh · h or Esc back"
        with body:
            yield Label(TITLE, classes="dialog-title")
            yield Static(self._note(), id="recently-ended-note")
            yield EndedTable(id="recently-ended-table")
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
        self._show()
        self.query_one(EndedTable).focus()

    def _show(self) -> None:
        """The rows, or the message that there are none."""
        table = self.query_one(EndedTable)
        table.set_rows(self.rows)
        table.display = bool(self.rows)
        self.query_one("#recently-ended-empty").display = not self.rows

    def action_close(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self._take()
        self.query_one("#recently-ended-note", Static).update(self._note())
        self._show()

    @on(EndedTable.Selected)
    def _open(self, event: EndedTable.Selected) -> None:
        event.stop()
        if 0 <= event.index < len(self.entries):
            self.app.push_screen(EndedDetailsScreen(self.entries[event.index], self.zone))


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
