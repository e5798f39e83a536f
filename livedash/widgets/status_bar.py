"""StatusBar: the state badge, what went wrong and what happens next, and figures.

Laid out at the width it is drawn at (it re-wraps when the terminal is resized)::

     ◌ STALE 30s  503 Service Unavailable: the server failed to answer. Showing
                  data from 09:30:00 (30s old). Retrying in 30s, or press r
                  5 recordings (1 paused) · last poll 09:30:00 · 4 ms · every 2s

The message wraps between words, the figures only at their " · " separators
(``status.pack_parts``); every line after the first starts under the first one's text.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.widget import Widget

from ..safe_text import safe_text
from ..status import StatusView, pack_parts

# Below this many cells beside the badge, the badge takes a line of its own.
_MIN_HANGING_WIDTH = 24


class StatusLines:
    """A Rich renderable of one ``StatusView``, wrapped at the width Rich offers."""

    def __init__(self, view: StatusView):
        self.view = view

    def lines(self, console: Console, width: int) -> list[Text]:
        view = self.view
        badge = Text(f" {view.badge} ", style="bold reverse")
        indent = cell_len(badge.plain) + 1
        hanging = width - indent >= _MIN_HANGING_WIDTH
        room = width - indent if hanging else max(1, width)
        body: list[Text] = []
        if view.message:
            # error texts can quote the server (a reason phrase): the safe path, as Text
            body.extend(Text(safe_text(view.message)).wrap(console, room))
        style = "dim" if view.message else ""
        parts = [safe_text(part) for part in view.parts]
        for line in pack_parts(parts, room):
            body.extend(Text(line, style=style).wrap(console, room))
        if not hanging:  # too narrow to keep a column beside the badge: badge on its own
            return [badge, *body]
        out = []
        for number, line in enumerate(body):
            row = Text(end="")
            if number == 0:
                row.append_text(badge)
                row.append(" ")
            else:
                row.append(" " * indent)
            row.append_text(line)
            out.append(row)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text("\n").join(self.lines(console, options.max_width))

    def __str__(self) -> str:
        """The text as drawn, without the wrapping (for tests)."""
        view = self.view
        details = safe_text(view.details)
        if view.message:
            return f" {view.badge}  {safe_text(view.message)}\n{details}"
        return f" {view.badge}  {details}"


class StatusBar(Widget):
    _shown: StatusView | None = None

    def show(self, view: StatusView) -> None:
        # Called every second: an unchanged line must not cost a re-layout and a frame
        # (StatusView is a frozen dataclass, so == compares the text).
        if view == self._shown:
            return
        self._shown = view
        for level in ("live", "stale", "error", "connecting", "paused"):
            self.set_class(view.level == level, f"-{level}")
        self.refresh(layout=True)  # the number of lines may change

    def render(self) -> StatusLines | str:
        # Rich lays it out at whatever width the bar has now, so a resize re-wraps it
        return StatusLines(self._shown) if self._shown is not None else ""
