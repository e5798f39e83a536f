"""SearchBar: the quick search line (``/``), above the status line.

Hidden until ``/``; the table narrows as the text changes (no delay: a keystroke costs a
few ms at 10,000 recordings, ``benchmarks/bench_search.py``). Enter keeps the search and
returns to the table (the line stays, showing what narrows the rows); Esc clears it and
returns. What matches is decided in ``livedash/search.py``.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label

PLACEHOLDER = "user, remote party, number, state, start time or id"
HINT_TYPING = "Enter keeps it · Esc clears it"
HINT_KEPT = "/ changes it · Esc clears it"


class SearchBar(Horizontal):
    """One line: "Search", the text, and the keys that end it."""

    BINDINGS = [Binding("escape", "clear", "Clear search")]

    class Changed(Message):
        """The text changed: narrow the rows to it ('' : every row)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Done(Message):
        """Enter or Esc: back to the table (the text says whether a search stays)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        yield Label("Search", id="search-label")
        yield Input(placeholder=PLACEHOLDER, id="search-input", compact=True,
                    select_on_focus=False)
        yield Label(HINT_TYPING, id="search-hint")

    @property
    def input(self) -> Input:
        return self.query_one("#search-input", Input)

    @property
    def text(self) -> str:
        return self.input.value

    def open(self) -> None:
        """Show the line and put the cursor at the end of the text (to refine it)."""
        self.display = True
        field = self.input
        field.cursor_position = len(field.value)
        # at once, not deferred as Widget.focus is: the keys typed right after / (a fast
        # typist, a paste) are already queued and must reach the line, not the table
        self.screen.set_focus(field)

    def on_descendant_focus(self) -> None:
        self.query_one("#search-hint", Label).update(HINT_TYPING)

    def on_descendant_blur(self) -> None:
        self.query_one("#search-hint", Label).update(HINT_KEPT)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._done()

    def action_clear(self) -> None:
        """Esc: no search, back to the table."""
        if self.input.value:
            self.input.value = ""  # posts Changed("") through _changed
        self._done()

    def _done(self) -> None:
        # an empty search has nothing to show: the line goes
        self.display = bool(self.input.value.strip())
        self.post_message(self.Done(self.input.value))
