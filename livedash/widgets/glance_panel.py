"""GlancePanel: the kiosk's figures, big enough to read across a room.

At a wall's size (120×34)::

    ● RECORDING      ❚❚ PAUSED      CALLS ≥ 15:00    LONGEST CALL            page 1/2
        ╺┓ ┏━┓           ╺┓              ╺┓          ╺┓ ┏━┓┏━┓ ┏━┓┏━╸
         ┃ ┃ ┃            ┃               ┃           ┃ ┃ ┃┃ ┃ ┃ ┃┗━┓
        ╺┻╸┗━┛           ╺┻╸             ╺┻╸         ╺┻╸┗━┛┗━┛ ┗━┛╺━┛
                                        ⚠ LONG       ● alice ↔ Hugo Martin
    ● recording ▁▂▃▅▆▇█▇▆▅ 8–10   ❚❚ paused ▁▁▂▁▁▁▃▂ 0–2   last 30 min

It draws a ``GlanceView`` (``glance.py`` decides every figure and word); the app hands it
one per tick and per poll. How it gives way on a smaller terminal is in
``styles/app.tcss`` (the app's breakpoints): the sparklines go first (below 30 rows),
then the big digits become one line (below 22 rows); below 90 columns the longest call's
duration is plain bold text. The threshold tiles are there only when their option is.
With the ``livedash-high-contrast`` theme the recording and paused symbols are drawn
three rows tall beside their counts.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Label, Sparkline, Static

from ..count_history import CountTrend
from ..glance import GlanceView, LongestCall, ThresholdCount
from ..table_layout import ESTIMATE

# State symbols three rows tall, the height of the digits (high-contrast theme).
BIG_REC = "▄███▄\n█████\n▀███▀"
BIG_PAUSED = "██ ██\n██ ██\n██ ██"

NO_FIGURE = "-"  # Digits has no "?": before the first answer, and after an error without data


def _set(label: Label, content: str | Text, *, layout: bool = True) -> None:
    """``label.update``, only when the content changed: the panel is shown every second,
    and every update of a Label costs a layout of the screen. ``layout=False`` for a label
    whose size does not follow its text (a fixed width, one line)."""
    if label.content != content:
        label.update(content, layout=layout)


def _words(view: GlanceView) -> str:
    """What the totals' word line says when their figures are not the server's word now."""
    if view.recording is None:
        return "✕ no data" if view.level == "error" else "… waiting"
    return "◌ last known" if view.stale else ""


class CountTile(Vertical):
    """A label, a count in big digits (or plain, when short), and a word under it."""

    def __init__(self, label: str, short_label: str = "", *, symbol: str = "",
                 id: str | None = None):
        super().__init__(id=id, classes="tile")
        self._labels = (label, short_label or label)
        self._symbol = symbol
        self._shown: tuple | None = None

    def compose(self) -> ComposeResult:
        label, short_label = self._labels
        yield Label(label, classes="tile-label", markup=False)
        yield Label(short_label, classes="tile-label tile-label-short", markup=False)
        with Horizontal(classes="tile-figure"):
            if self._symbol:
                yield Static(self._symbol, classes="big-symbol", markup=False)
            yield Digits(NO_FIGURE, classes="tile-digits")
        yield Label(NO_FIGURE, classes="tile-value", markup=False)  # short terminals
        yield Label("", classes="tile-word", markup=False)

    @property
    def figure(self) -> str:
        return self.query_one(Digits).value

    def show(self, count: int | None, word: str = "", *,
             labels: tuple[str, str] | None = None, alert: bool = False) -> None:
        """``labels``: (label, short label) when they change (threshold tiles)."""
        shown = (count, word, labels, alert)
        if shown == self._shown:  # every second: only a change costs a repaint
            return
        self._shown = shown
        figure = NO_FIGURE if count is None else str(count)
        if labels is not None:
            label, short_label = labels
            long_label, short = self.query(".tile-label").results(Label)
            _set(long_label, label)
            _set(short, short_label or label)
        self.query_one(Digits).update(figure)  # a layout only when its width changes
        _set(self.query_one(".tile-value", Label), figure, layout=False)
        _set(self.query_one(".tile-word", Label), word, layout=False)
        self.set_class(alert, "-alert")


class LongestCallTile(Vertical):
    """The longest current call: how long (big, ticking), who, with whom."""

    def __init__(self, id: str | None = None):
        super().__init__(id=id, classes="tile")
        self._shown: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Label("LONGEST CALL", id="longest-label", markup=False)
        with Horizontal(classes="tile-figure", id="longest-figure"):
            yield Digits(NO_FIGURE, id="longest-digits")
        yield Label(NO_FIGURE, id="longest-duration", markup=False)  # narrow terminals
        yield Label("", id="longest-who", markup=False)

    def show(self, longest: LongestCall | None) -> None:
        if longest == self._shown:
            return
        self._shown = longest
        label = "LONGEST CALL"
        if longest is None:
            duration, who = NO_FIGURE, Text("")
        else:
            duration = longest.duration
            if duration.startswith(ESTIMATE):  # Digits has no "~": said in the label
                duration = duration[len(ESTIMATE):]
                label = f"LONGEST CALL ({ESTIMATE} estimated)"
            # server text, drawn as plain Text (made safe in glance.py)
            who = Text.assemble(("❚❚ " if longest.paused else "● "), (longest.who, "bold"),
                                " ↔ ", longest.whom, no_wrap=True, overflow="ellipsis")
        _set(self.query_one("#longest-label", Label), label, layout=False)
        self.query_one("#longest-digits", Digits).update(duration)
        _set(self.query_one("#longest-duration", Label),
             longest.duration if longest else NO_FIGURE, layout=False)
        _set(self.query_one("#longest-who", Label), who, layout=False)
        self.set_class(longest is not None and longest.paused, "-paused")


class TrendRow(Horizontal):
    """The counts of the last half hour: two sparklines, their ranges, the time covered."""

    def compose(self) -> ComposeResult:
        yield Label("● recording", classes="trend-label")
        yield Sparkline([], id="trend-recording")
        yield Label("", id="trend-recording-range", classes="trend-range")
        yield Label("❚❚ paused", classes="trend-label")
        yield Sparkline([], id="trend-paused")
        yield Label("", id="trend-paused-range", classes="trend-range")
        yield Label("", id="trend-span")

    def show(self, trend: CountTrend) -> None:
        for name, values in (("recording", trend.recording), ("paused", trend.paused)):
            line = self.query_one(f"#trend-{name}", Sparkline)
            # Textual draws a single value as a full bar, two equal ones as the lowest:
            # one slot is drawn as two, so that a flat count always reads flat
            data = list(values) * 2 if len(values) == 1 else list(values)
            if line.data != data:
                line.data = data
            low, high = (min(values), max(values)) if values else (0, 0)
            _set(self.query_one(f"#trend-{name}-range", Label),
                 "" if not values else str(low) if low == high else f"{low}–{high}",
                 layout=False)
        minutes = round(trend.seconds / 60)
        _set(self.query_one("#trend-span", Label),
             "no counts yet" if not trend.recording else f"last {max(1, minutes)} min")


class GlancePanel(Vertical):
    """Tiles in a row (recording, paused, thresholds, longest call, page), then the trend."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="tiles"):
            yield CountTile("● RECORDING", "● REC", symbol=BIG_REC, id="tile-recording")
            yield CountTile("❚❚ PAUSED", symbol=BIG_PAUSED, id="tile-paused")
            yield CountTile("", id="tile-long-calls")
            yield CountTile("", id="tile-long-pauses")
            yield LongestCallTile(id="tile-longest")
            yield Label("", id="kiosk-page", markup=False)
        yield TrendRow(id="trend")

    def show(self, view: GlanceView) -> None:
        words = _words(view)
        self.query_one("#tile-recording", CountTile).show(view.recording, words)
        self.query_one("#tile-paused", CountTile).show(view.paused, words)
        self._show_threshold("#tile-long-calls", view.long_calls, words)
        self._show_threshold("#tile-long-pauses", view.long_pauses, words)
        self.query_one(LongestCallTile).show(view.longest)
        _set(self.query_one("#kiosk-page", Label), view.page, layout=False)
        self.query_one(TrendRow).show(view.trend)
        self.set_class(view.stale, "-stale")

    def _show_threshold(self, selector: str, counted: ThresholdCount | None,
                        words: str) -> None:
        """``words``: the totals' (no data: why), for a tile without a count."""
        tile = self.query_one(selector, CountTile)
        tile.display = counted is not None  # not asked for: no tile at all
        if counted is not None:
            tile.show(counted.count, counted.word or words, alert=counted.alert,
                      labels=(counted.label, counted.short_label))
