"""HeaderBar: which server, as whom, what time it is, and where the help is.

One line, like the top of k9s or htop::

     livedash  server ias.example.com  user supervisor            ? keys  09:30:00
     livedash  supervisor@ias.example.com  ? keys  09:30:00          (when narrow)

The clock is set by the app's once-a-second tick from its injected clock (not a timer of
its own), so it moves in step with the durations and stands still in snapshots.

A kiosk's header also says whether what is on the wall is live, before the clock::

     livedash  server ias.example.com  user supervisor       ◌ STALE 42s   09:30:00

(the status line's badge: symbol and word, coloured by the theme; the whole bar takes the
warning or error colour too, to be seen from across the room).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from ..safe_text import safe_text

STATE_LEVELS = ("connecting", "live", "stale", "error", "paused")


class HeaderBar(Widget):
    COMPONENT_CLASSES = {f"header-bar--{level}" for level in STATE_LEVELS}

    def __init__(self, server: str, user: str, *, show_help: bool = True,
                 id: str | None = None):
        super().__init__(id=id)
        self.server = safe_text(server)  # the user's own input, yet never a control code
        self.user = safe_text(user)
        self.show_help = show_help
        self.time_text = ""
        self.state: tuple[str, str] | None = None  # (level, badge): kiosk only

    def show_state(self, level: str, badge: str) -> None:
        """The live/stale badge (``status.StatusView``); a repaint only on a change."""
        if (level, badge) != self.state:
            self.state = (level, badge)
            for name in STATE_LEVELS:
                self.set_class(name == level, f"-{name}")
            self.refresh()

    def show_time(self, text: str) -> None:
        """Called every second; only a changed clock costs a repaint (never a layout)."""
        if text != self.time_text:
            self.time_text = text
            self.refresh()

    def render(self) -> Text:
        width = self.content_size.width
        right = Text()
        if self.state is not None:
            level, badge = self.state
            right.append(f" {badge} ", style=self.get_component_rich_style(
                f"header-bar--{level}", partial=True))
            right.append("  ")
        if self.show_help:
            right.append("?", style="bold")
            right.append(" keys  ", style="dim")
        right.append(self.time_text, style="bold")
        left = Text()
        left.append("livedash", style="bold")
        room = width - cell_len(right.plain) - 2
        # labelled when there is room, else the shorter user@server, else cut
        labelled = Text.assemble(("  server ", "dim"), (self.server, "bold"),
                                 ("  user ", "dim"), (self.user, "bold"))
        if cell_len(left.plain) + cell_len(labelled.plain) <= room:
            left.append_text(labelled)
        else:
            left.append("  ")
            left.append(f"{self.user}@{self.server}", style="bold")
        if room < cell_len(left.plain):
            left.truncate(max(0, room), overflow="ellipsis")
        gap = max(1, width - cell_len(left.plain) - cell_len(right.plain))
        return Text.assemble(left, " " * gap, right, no_wrap=True, end="")
