"""StatusBar: one line of state, what went wrong and what happens next, and figures."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..safe_text import safe_text
from ..status import StatusView


class StatusBar(Static):
    _shown: StatusView | None = None

    def show(self, view: StatusView) -> None:
        # Called every second: an unchanged line must not cost a re-layout and a frame
        # (StatusView is a frozen dataclass, so == compares the text).
        if view == self._shown:
            return
        self._shown = view
        for level in ("live", "stale", "error", "connecting", "paused"):
            self.set_class(view.level == level, f"-{level}")
        text = Text(no_wrap=False)
        text.append(f" {view.badge} ", style="bold reverse")
        if view.message:
            # error texts can quote the server (a reason phrase): the safe path, as Text
            text.append(" " + safe_text(view.message))
            text.append("\n")
        else:
            text.append(" ")
        text.append(view.details, style="dim" if view.message else "")
        self.update(text)
