"""The dropdown of values a filter field suggests (textual-autocomplete's ``AutoComplete``).

It opens as you type (values holding what is typed, case and accents ignored, those
starting with it first) or with ↓ on an empty field (every value). Tab puts the first
(or the one chosen with ↑ ↓) in the field; Enter does so only after ↑ ↓: else it sends
what is typed, as without a list (the filter bar's Enter, :attr:`offers`), so that a
value that is the start of a suggestion can still be sent. Esc closes the list. Which
values: the ones used before in this field (``filter_history.py``), and for User the
users on a call now; each is marked by where it comes from, by symbol, not colour alone.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import Input
from textual_autocomplete import AutoComplete, DropdownItem, DropdownItemHit, TargetState

from ..filter_history import Suggestion, ranked

# In front of each value: on a call now / used before (and not live now).
LIVE_MARK = "● "
USED_MARK = "↺ "
MAX_SHOWN = 50  # the list scrolls; more would be a list to read, not a suggestion


class FilterSuggestions(AutoComplete):
    """Suggestions for one filter field; ``source(field)`` gives its current values."""

    class Completed(Message):
        """A suggestion was put in the field: the filter can be sent at once."""

    def __init__(self, target: Input, field: str,
                 source: Callable[[str], list[Suggestion]], *, id: str | None = None):
        super().__init__(target, id=id)
        self.field = field
        self._source = source
        self.chosen = False  # ↑ ↓ pressed since the text last changed: Enter takes one

    def on_mount(self) -> None:
        # beside the library's own listener (its on_mount runs after this one)
        self.target.message_signal.subscribe(self, self._note)

    def _note(self, event: object) -> None:
        if isinstance(event, events.Key) and event.key in ("up", "down"):
            self.chosen = True
        elif isinstance(event, Input.Changed):
            self.chosen = False

    @property
    def offers(self) -> bool:
        """The list is open and nothing was chosen in it: Enter sends what is typed."""
        return bool(self.display) and not self.chosen

    def get_candidates(self, target_state: TargetState) -> list[DropdownItem]:
        """The values to show for what is typed, already matched, ordered and cut to
        ``MAX_SHOWN`` (``filter_history.ranked``): a list item is built only for those,
        not for each of the thousands of users a big floor has."""
        typed = self.get_search_string(target_state)
        return [DropdownItemHit(self.apply_highlights(Content(item.value), offsets),
                                prefix=LIVE_MARK if item.live else USED_MARK)
                for item, offsets in ranked(typed, self._source(self.field), MAX_SHOWN)]

    def get_matches(self, target_state: TargetState, candidates: list[DropdownItem],
                    search_string: str) -> list[DropdownItem]:
        return candidates  # matched in get_candidates

    def post_completion(self) -> None:
        super().post_completion()
        # to the field, whence it bubbles to the filter bar (this list is on the screen)
        self.target.post_message(self.Completed())
