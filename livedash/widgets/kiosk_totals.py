"""KioskTotals: active and paused counts in digits big enough to read across a room."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Label


class KioskTotals(Horizontal):
    def compose(self) -> ComposeResult:
        with Vertical(classes="total"):
            yield Label("● ACTIVE RECORDINGS", classes="total-label")
            yield Digits("0", id="total-active")
        with Vertical(classes="total"):
            yield Label("❚❚ PAUSED", classes="total-label")
            yield Digits("0", id="total-paused")
        with Vertical(classes="total"):
            yield Label("PAGE", classes="total-label")
            yield Label("", id="kiosk-page")

    def show(self, active: int, paused: int, page: str, stale: bool) -> None:
        self.query_one("#total-active", Digits).update(str(active))
        self.query_one("#total-paused", Digits).update(str(paused))
        self.query_one("#kiosk-page", Label).update(page)
        self.set_class(stale, "-stale")
