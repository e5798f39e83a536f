"""Long calls and forgotten pauses from the command palette (Ctrl+P).

"Set long-call threshold…" and "Set long-pause threshold…" open a small dialog that
reads a duration as ``--long-call`` does (``watch.parse_threshold``); "Turn … marking
off" and "Turn the bell on/off" act at once. The app does the setting
(``LiveDashApp.set_thresholds``, ``bell_on``); this module only asks.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ..watch import Thresholds, parse_threshold, short_duration

__all__ = ["ThresholdScreen", "WatchCommands"]


class ThresholdScreen(ModalScreen[float | None]):
    """Asks for a duration; Enter gives its seconds (or says what is wrong), Esc None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, current: float | None):
        super().__init__()
        self._title = title
        self._current = "" if current is None else short_duration(current)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="threshold-dialog"):
            yield Label(self._title, classes="dialog-title")
            yield Input(self._current, placeholder="15m, 90s, 1h30m, 15:00 or seconds",
                        id="threshold")
            yield Label("", id="threshold-error", classes="dialog-note")
            yield Label("Enter to set it, Esc to cancel", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            seconds = parse_threshold(event.value)
        except ValueError as exc:
            # the user's own text, quoted back: plain Text, never markup
            self.query_one("#threshold-error", Label).update(Text(f"✕ {exc}"))
            return
        self.dismiss(seconds)

    def action_cancel(self) -> None:
        self.dismiss(None)


class WatchCommands(Provider):
    """The palette's commands for the long-call and long-pause thresholds and the bell."""

    def _commands(self) -> list[tuple[str, Callable[[], None], str]]:
        app = self.app
        watch = getattr(app, "watch", None)
        if watch is None:  # not the dashboard
            return []
        long_call, long_pause = watch.thresholds
        commands = [("Set long-call threshold…", lambda: self._ask("long_call"),
                     "mark calls at or over a duration (⚠ LONG) and count them")]
        if long_call is not None:
            commands.append(("Turn long-call marking off", lambda: self._set(long_call=None),
                             f"now at {short_duration(long_call)}"))
        commands.append(("Set long-pause threshold…", lambda: self._ask("long_pause"),
                         "mark recordings paused for a duration or longer (⚠ PAUSE)"))
        if long_pause is not None:
            commands.append(("Turn long-pause marking off",
                             lambda: self._set(long_pause=None),
                             f"now at {short_duration(long_pause)}"))
        if app.bell_on:
            commands.append(("Turn the bell off", lambda: self._bell(False),
                             "no bell when a recording crosses a threshold"))
        else:
            commands.append(("Turn the bell on", lambda: self._bell(True),
                             "ring once when a recording crosses a threshold"))
        return commands

    def _ask(self, which: str) -> None:
        app = self.app
        title = ("Long calls: mark calls at or over" if which == "long_call"
                 else "Forgotten pauses: mark recordings paused for at least")

        def chosen(seconds: float | None) -> None:
            if seconds is not None:
                self._set(**{which: seconds})

        app.push_screen(ThresholdScreen(title, getattr(app.watch.thresholds, which)), chosen)

    def _set(self, **changes: float | None) -> None:
        app = self.app
        thresholds: Thresholds = app.watch.thresholds._replace(**changes)
        app.set_thresholds(thresholds)
        words = []
        for name, what in (("long_call", "long calls"), ("long_pause", "long pauses")):
            if name in changes:
                value = changes[name]
                words.append(f"{what}: off" if value is None
                             else f"{what}: marked at {short_duration(value)} or longer")
        app.notify("; ".join(words).capitalize(), timeout=3, markup=False)

    def _bell(self, on: bool) -> None:
        self.app.bell_on = on
        self.app.notify(f"The bell is {'on' if on else 'off'}", timeout=3, markup=False)

    async def discover(self) -> Hits:
        for name, command, help_text in self._commands():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, text=name, help=help_text)
