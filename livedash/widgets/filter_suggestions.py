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
from operator import itemgetter

from textual import events
from textual.message import Message
from textual.widgets import Input
from textual_autocomplete import AutoComplete, DropdownItem, DropdownItemHit, TargetState

from ..filter_history import Suggestion, rank

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
        return [DropdownItem(item.value, prefix=LIVE_MARK if item.live else USED_MARK)
                for item in self._source(self.field)]

    def get_matches(self, target_state: TargetState, candidates: list[DropdownItem],
                    search_string: str) -> list[DropdownItem]:
        """Substring matches but the text itself, those starting with it first, then in
        the order given (used before, most recent first; then live); ``MAX_SHOWN``."""
        if not search_string:
            return candidates[:MAX_SHOWN]
        scored = []
        for order, candidate in enumerate(candidates):
            if candidate.value == search_string:
                continue  # already in the field: nothing to offer
            score, offsets = rank(search_string, candidate.value)
            if score > 0:
                scored.append((-score, order, candidate, offsets))
        scored.sort(key=itemgetter(0, 1))
        return [DropdownItemHit(self.apply_highlights(candidate.main, offsets),
                                prefix=candidate.prefix)
                for _, _, candidate, offsets in scored[:MAX_SHOWN]]

    def post_completion(self) -> None:
        super().post_completion()
        # to the field, whence it bubbles to the filter bar (this list is on the screen)
        self.target.post_message(self.Completed())
