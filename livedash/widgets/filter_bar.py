"""FilterBar: the four query filters of the LiveRecordings endpoint, one input each (``f``).

An empty field reads "any"; a field that filters is marked three ways, never by colour
alone: a ▶ before its name, the name drawn reversed, its value bold (and the status
line names the active filters). Each field suggests values (``filter_suggestions.py``):
those used before, and for User the users on a call now.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label

from ..filter_history import Suggestion
from ..filter_labels import FILTER_LABELS
from ..model import FILTER_NAMES, Filters
from .filter_suggestions import FilterSuggestions

# The vendor article's own examples: a tooltip, never a placeholder (greyed example
# values in empty fields read as filters in effect).
EXAMPLES = {
    "deviceName": "SEP123456789ABC",
    "directoryNumber": "123456",
    "username": "user1",
    "numericUserId": "654321",
}
ACTIVE_MARK = "▶ "


class FilterBar(Horizontal):
    """Typing re-queries after a short pause; Enter at once; Escape clears."""

    BINDINGS = [
        Binding("escape", "clear", "Clear filter (on an empty one: all)"),
        # before the suggestion list sees it, while it is open with nothing chosen
        # (check_action): Enter sends what is typed, the list does not replace it
        Binding("enter", "send_typed", show=False, priority=True),
    ]

    class Changed(Message):
        def __init__(self, filters: Filters) -> None:
            super().__init__()
            self.filters = filters

    class Done(Message):
        """Enter: the user is done typing; the app moves focus to the table."""

    class Left(Message):
        """Focus left the bar with ``filters`` in effect (sent: no change waits)."""

        def __init__(self, filters: Filters) -> None:
            super().__init__()
            self.filters = filters

    def __init__(self, filters: Filters, *, debounce: float = 0.4, id: str | None = None,
                 suggest: Callable[[str], list[Suggestion]] | None = None):
        super().__init__(id=id)
        self._initial = filters
        self.debounce = debounce
        self._suggest = suggest  # field name → the values it suggests (None: none)
        self._timer: Timer | None = None
        self._sent = filters

    def compose(self) -> ComposeResult:
        for name in FILTER_NAMES:
            yield Label(FILTER_LABELS[name], classes="filter-label", id=f"label-{name}")
            field = Input(
                value=getattr(self._initial, name),
                placeholder="any",
                id=f"filter-{name}",
                compact=True,
                select_on_focus=False,
            )
            field.tooltip = (f"{FILTER_LABELS[name]}: exact match, e.g. {EXAMPLES[name]}. "
                             "Empty: any. ↓ lists the values it suggests")
            yield field

    async def on_mount(self) -> None:
        self._mark_active(self._initial)
        if self._suggest is not None:
            # On the screen, not in this one-line bar: a dropdown inside it would be cut
            # to the bar's height (it is drawn over the screen wherever it is mounted).
            await self.screen.mount(*(
                FilterSuggestions(self.query_one(f"#filter-{name}", Input), name,
                                  self._suggest, id=f"suggest-{name}")
                for name in FILTER_NAMES))

    def _mark_active(self, filters: Filters) -> None:
        """Mark the fields whose filter is in effect (as sent, not as being typed)."""
        active = filters.as_query()
        for name in FILTER_NAMES:
            on = name in active
            label = self.query_one(f"#label-{name}", Label)
            label.update((ACTIVE_MARK if on else "") + FILTER_LABELS[name])
            label.set_class(on, "-active")
            self.query_one(f"#filter-{name}", Input).set_class(on, "-active")

    @property
    def filters(self) -> Filters:
        return Filters(**{name: self.query_one(f"#filter-{name}", Input).value
                          for name in FILTER_NAMES})

    def _emit(self) -> None:
        self._cancel_timer()
        filters = self.filters
        self._mark_active(filters)
        if filters.as_query() != self._sent.as_query():
            self._sent = filters
            self.post_message(self.Changed(filters))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    @on(Input.Changed)
    def _debounce(self, event: Input.Changed) -> None:
        event.stop()
        self._cancel_timer()
        self._timer = self.set_timer(self.debounce, self._emit)

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self._emit()
        self.post_message(self.Done())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send_typed":
            return self._offering() is not None
        return True

    def _offering(self) -> FilterSuggestions | None:
        """The open suggestion list of the focused field, if nothing was chosen in it."""
        focused = self.screen.focused if self.is_attached else None
        if not isinstance(focused, Input) or focused.parent is not self:
            return None
        for suggestions in self.screen.query(FilterSuggestions):
            if suggestions.target is focused and suggestions.offers:
                return suggestions
        return None

    async def action_send_typed(self) -> None:
        suggestions = self._offering()
        if suggestions is not None:
            suggestions.action_hide()
            await suggestions.target.action_submit()

    @on(FilterSuggestions.Completed)
    def _completed(self, event: FilterSuggestions.Completed) -> None:
        event.stop()
        self._emit()  # a value chosen from the list is meant: no need to wait

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        # where focus goes is known once it has gone
        self.call_after_refresh(self._check_left)

    def _check_left(self) -> None:
        if not self.is_attached:  # the app is closing
            return
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors:
            return
        self._emit()  # a value still waiting for the pause is sent now
        self.post_message(self.Left(self._sent))

    def action_clear(self) -> None:
        """Escape clears the focused field; on an empty field it clears them all."""
        focused = self.screen.focused
        if isinstance(focused, Input) and focused.value:
            focused.value = ""
        else:
            for field in self.query(Input):
                field.value = ""
        self._emit()
