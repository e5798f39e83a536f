"""Quick search (``/``): which rows a typed text finds, and where in their cells.

Pure (no Textual): the table applies it through ``row_order.view_rows(..., keep=)`` and
highlights what :func:`cell_spans` finds.

What matches. The text is looked for in the columns a row shows (user, remote party,
number, state word, start time, id: not the ticking duration), as the cells read them
(``table_layout.cell_texts``: server text made safe, "unknown" for a caller without a
name), whatever the terminal's width hides:

* case and accents are ignored (``zoe`` finds ``Zoë``, ``STRASSE`` finds ``Straße``):
  both sides are *folded*, NFKD, casefold, NFKD again, combining marks dropped
  (:func:`fold`);
* words are ANDed, anywhere in the row: ``anna paused`` finds Anna's paused recordings,
  ``rossi giulia`` finds Giulia Rossi;
* a query of digits (with ``+``, spaces, dashes, dots, brackets) also matches a phone
  number whatever its spacing: ``+39 02 1234`` finds ``+390212345678`` and ``2079460``
  finds ``+44 20 7946 0123``.

Cost. What a record is searched by (:class:`SearchIndex`) is folded once per record and
kept by record *identity*: a poll that reuses a record (the store keeps the very object
while only its duration ticks) costs a dict look-up, and a keystroke only ``in`` tests
on kept strings. The 1 Hz tick never searches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from datetime import tzinfo
from functools import lru_cache
from typing import NamedTuple

from .model import LiveRecording
from .table_layout import STATE_ENDED, STATE_PAUSED, STATE_REC, cell_texts

__all__ = [
    "SEARCHED_COLUMNS",
    "Query",
    "RowSearch",
    "SearchIndex",
    "cell_spans",
    "fold",
    "parse_query",
    "phone_form",
]

# The columns a search looks in (the state word is matched apart: it depends on whether
# the row has ended, which is not part of the record).
SEARCHED_COLUMNS = ("user", "remote", "number", "started", "id")
_SEPARATOR = "\n"  # between cells in a record's key: no term holds one (terms are words)

_NUMBER_QUERY = re.compile(r"[\d+\-\s.()/]*\d[\d+\-\s.()/]*")
_NOT_PHONE = re.compile(r"[^\d+]")
_PHONE_CHAR = re.compile(r"[\d+]")


def fold(text: str) -> str:
    """``text`` with case and accents folded away: what a search compares.

    Per character (no context), so a folded string is the concatenation of its folded
    characters: :func:`cell_spans` relies on it to map a match back to the cell.
    """
    if text.isascii():  # most of what a floor holds: casefold is lower for ASCII
        return text.lower()
    return _fold_unicode(text)


@lru_cache(maxsize=8192)  # names repeat across a floor: Zoë is folded once, not per call
def _fold_unicode(text: str) -> str:
    folded = unicodedata.normalize(
        "NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def phone_form(text: str) -> str:
    """A phone number as a search compares it: its digits and ``+``, nothing else."""
    return _NOT_PHONE.sub("", text)


class Query(NamedTuple):
    """A search as typed, and what it looks for."""

    text: str  # as typed
    terms: tuple[str, ...]  # folded words, each must be in the row
    digits: str  # the number to find in phone numbers ('' when the query is not one)

    def __bool__(self) -> bool:
        return bool(self.terms)


def parse_query(text: str) -> Query:
    """What ``text`` looks for: its folded words, and a number when it is made of digits."""
    terms = tuple(dict.fromkeys(fold(text).split()))
    stripped = text.strip()
    digits = phone_form(stripped) if _NUMBER_QUERY.fullmatch(stripped) else ""
    return Query(text, terms, digits)


_STATES = (STATE_REC, STATE_PAUSED, STATE_ENDED)
_FOLDED_STATES = tuple(fold(state) for state in _STATES)


class _Key(NamedTuple):
    record: LiveRecording  # the very object the key was made from
    text: str  # the searched cells, folded, joined by _SEPARATOR
    phone: str  # phone_form of the number


class SearchIndex:
    """What each record is searched by, made once per record object and kept.

    ``zone``: the display zone (the start time is searched as the table shows it).
    Keys of records that left the view are dropped by :meth:`forget_departed`.
    """

    def __init__(self, zone: tzinfo | None):
        self.zone = zone
        self._keys: dict[str, _Key] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def clear(self) -> None:
        self._keys.clear()

    def key(self, rec: LiveRecording) -> _Key:
        key = self._keys.get(rec.id)
        if key is None or key.record is not rec:
            texts = cell_texts(rec, ended=False, zone=self.zone)
            cells = [texts[name] for name in SEARCHED_COLUMNS]
            joined = _SEPARATOR.join(cells)
            # one call for an ASCII row; else cell by cell, through fold's cache
            folded = (joined.lower() if joined.isascii()
                      else _SEPARATOR.join([fold(cell) for cell in cells]))
            key = _Key(rec, folded, phone_form(rec.phone_number))
            self._keys[rec.id] = key
        return key

    def prepare(self, records: Collection[LiveRecording]) -> None:
        """Make the keys of ``records`` now (when the search opens, before a keystroke)."""
        key = self.key
        for rec in records:
            key(rec)

    def forget_departed(self, records: Mapping[str, object], ended: Mapping[str, object]) -> None:
        """Drop the keys of records neither live nor fading out (one look-up per key)."""
        keys = self._keys
        for rec_id in [k for k in keys if k not in records and k not in ended]:
            del keys[rec_id]

    def keep(self, query: Query, ended: Collection[str] = ()) -> Callable[[LiveRecording], bool]:
        """The row filter for ``view_rows(..., keep=)``: True for a record ``query`` finds.

        ``ended``: ids of the rows fading out (their state word is "ENDED").
        """
        # The terms a row's state word already satisfies need not be in its cells: per
        # state, the terms left to find (usually all of them, or all but one).
        left = [tuple(term for term in query.terms if term not in state)
                for state in _FOLDED_STATES]
        digits = query.digits
        keys = self._keys
        make = self.key

        def matches(rec: LiveRecording) -> bool:
            key = keys.get(rec.id)
            if key is None or key.record is not rec:
                key = make(rec)
            if digits and digits in key.phone:
                return True
            text = key.text
            if ended and rec.id in ended:
                terms = left[2]
            else:
                terms = left[1] if rec.is_paused else left[0]
            for term in terms:
                if term not in text:
                    return False
            return True

        return matches


def _fold_with_map(text: str) -> tuple[str, list[int] | None]:
    """``fold(text)`` and, for each of its characters, the index in ``text`` it came from
    (None: the same index, for ASCII)."""
    if text.isascii():
        return text.lower(), None
    out: list[str] = []
    where: list[int] = []
    for index, ch in enumerate(text):
        folded = fold(ch)
        out.append(folded)
        where.extend([index] * len(folded))
    return "".join(out), where


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def cell_spans(text: str, query: Query, *, number: bool = False) -> list[tuple[int, int]]:
    """Where ``query`` is found in a cell that reads ``text``: sorted, disjoint
    ``(start, end)`` character ranges of ``text``. ``number``: the cell is a phone
    number (a number query is found in it whatever its spacing)."""
    spans: list[tuple[int, int]] = []
    if query.terms:
        folded, where = _fold_with_map(text)
        for term in query.terms:
            start = folded.find(term)
            while start != -1:
                end = start + len(term)
                if where is None:
                    spans.append((start, end))
                else:
                    spans.append((where[start], where[end - 1] + 1))
                start = folded.find(term, end)
    if number and query.digits:
        positions = [match.start() for match in _PHONE_CHAR.finditer(text)]
        phone = "".join(text[index] for index in positions)
        length = len(query.digits)
        start = phone.find(query.digits)
        while start != -1:
            spans.append((positions[start], positions[start + length - 1] + 1))
            start = phone.find(query.digits, start + length)
    return _merge(spans)


class RowSearch:
    """The quick search as a table applies it: the query, the records' keys, the count.

    ``keep`` is handed to ``view_rows`` on every full re-order; :meth:`found` is told
    the rows that came out, to count the live ones and drop the keys of departed records.
    """

    def __init__(self, zone: tzinfo | None):
        self.index = SearchIndex(zone)
        self.query: Query | None = None
        self.match_count: int | None = None  # live records found; None without a search

    def set(self, query: Query | None) -> bool:
        """Search for ``query`` (None or an empty one: no search). True if it changed."""
        query = query or None
        if query is None:
            self.index.clear()  # also the keys prepared for a search never typed
            self.match_count = None
        if query == self.query:
            return False
        self.query = query
        return True

    def prepare(self, records: Collection[LiveRecording]) -> None:
        """Make the keys of ``records`` before the first keystroke (the search opens)."""
        self.index.prepare(records)

    def keep(self, ended: Collection[str]) -> Callable[[LiveRecording], bool] | None:
        return None if self.query is None else self.index.keep(self.query, ended)

    def found(self, rows: list[LiveRecording], records: Mapping[str, object],
              ended: Mapping[str, object]) -> None:
        if self.query is None:
            return
        self.index.forget_departed(records, ended)
        fading = sum(1 for rec in rows if rec.id in ended) if ended else 0
        self.match_count = len(rows) - fading
