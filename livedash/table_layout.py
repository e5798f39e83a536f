"""The recordings table on paper: its columns, their widths, and what each cell reads.

Pure (no Textual), so that it is tested without an app and shared by the dashboard's
table and ``--once``. The widget (``widgets/recordings_table.py``) only draws what this
module decides.

Widths. A terminal is rarely wide enough for everything, so the columns claim room in
order of what a supervisor reads first (:data:`CLAIMS`): state and duration always; the
user, the other party and the number at a readable minimum, then the number whole, then
the names longer; only when all of those are served does the start time appear, and the
36-character id last, whole or not at all (it is always in the details, Enter). What is
left goes to the names (up to a point), so that the columns span the room: no blank
cells kept for nothing. A column narrower than what it holds shows an ellipsis.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import NamedTuple

from rich.cells import cell_len, get_character_cell_size, set_cell_size

from .model import LiveRecording
from .safe_text import safe_text
from .timefmt import format_clock, format_duration

__all__ = [
    "COLUMNS",
    "HEADERS",
    "PAD",
    "Column",
    "TableLayout",
    "cell_texts",
    "compute_layout",
    "duration_text",
    "fit",
    "fit_marked",
    "header_text",
    "progress_text",
    "state_text",
]

# The columns, in display order (also the column order of ``--once``).
COLUMNS: tuple[str, ...] = ("state", "duration", "user", "remote", "number", "started", "id")
HEADERS: Mapping[str, str] = {
    "state": "State",
    "duration": "Duration",
    "user": "User",
    "remote": "Remote party",
    "number": "Number",
    "started": "Started",
    "id": "Id",
}
# What a header reads when its column is too narrow for the full one and the sort arrow.
SHORT_HEADERS: Mapping[str, str] = {"duration": "Dur", "remote": "Remote", "started": "Start"}
RIGHT_ALIGNED = frozenset({"duration"})

PAD = 1  # blank cells either side of every column: two between neighbours

STATE_REC = "● REC"
STATE_PAUSED = "❚❚ PAUSED"
STATE_ENDED = "✕ ENDED"
UNKNOWN = "unknown"  # a caller without a name (drawn in its own style)
ESTIMATE = "~"  # before a duration counted on locally while the view is stale or paused
ELLIPSIS = "…"
# A marked row (space) shows this in its first cell: the state column's left padding, so
# that marks take no room from the columns and the layout stays as it is.
MARK = "✓"
IN_PROGRESS = "…"  # before the word of an action under way: "… PAUSING"

STATE_WIDTH = 9  # "❚❚ PAUSED"
DURATION_WIDTH = 8  # "~0:00:00" or "10:00:00"; grows when a duration needs more
STARTED_WIDTH = 8  # "HH:MM:SS"
ID_WIDTH = 36  # a GUID
ARROW = 2  # " ▼" beside a header label

# (column, content width it reaches, whole): claims served in this order while room lasts.
# A claim for a column not yet shown also pays its padding. A "whole" claim is served
# entirely or not at all (the column is not shown); the others take what is left and
# share it, in proportion, with the other columns of the same step.
CLAIMS: tuple[tuple[tuple[str, int, bool], ...], ...] = (
    (("state", STATE_WIDTH, True),),
    (("duration", DURATION_WIDTH, True),),
    (("user", 6, True),),
    (("remote", 6, True),),
    (("number", 8, True),),
    (("number", 14, False),),  # a number is useless cut: whole before the names grow
    (("user", 10, False), ("remote", 12, False)),
    (("duration", DURATION_WIDTH + ARROW, False),),  # "Duration ▼" whole
    (("user", 16, False), ("remote", 20, False), ("number", 16, False)),  # E.164: 16
    (("started", STARTED_WIDTH, True),),
    (("started", STARTED_WIDTH + 1, False),),  # "Started ▼" whole
    (("id", ID_WIDTH, True),),
)
# The rest of the room goes to the names, up to these widths (the columns span the room
# up to 168 cells); a wider terminal leaves the rest blank at the right: a 60-cell gap
# inside the table would be harder to read.
SPARE: Mapping[str, int] = {"user": 24, "remote": 50}


class Column(NamedTuple):
    key: str
    x: int  # first cell of the column, its left padding included
    width: int  # content width, without the padding
    right: bool  # right-aligned


class TableLayout(NamedTuple):
    width: int  # the room the columns were laid out in
    columns: tuple[Column, ...]  # the shown ones, in display order
    duration: Column | None
    used: int  # cells the columns take, padding included (over width only when very narrow)

    def widths(self) -> dict[str, int]:
        """Content width of every column of :data:`COLUMNS`; 0 for a hidden one."""
        shown = {column.key: column.width for column in self.columns}
        return {key: shown.get(key, 0) for key in COLUMNS}

    def column_at(self, x: int) -> str | None:
        """The column whose cells (padding included) hold cell ``x``."""
        for column in self.columns:
            if column.x <= x < column.x + column.width + 2 * PAD:
                return column.key
        return None


def _share(room: int, needs: dict[str, int]) -> dict[str, int]:
    """``room`` cells split in proportion to ``needs`` (largest remainders get the rest)."""
    total = sum(needs.values())
    if room >= total:
        return dict(needs)
    shares = {key: room * need // total for key, need in needs.items()}
    left = room - sum(shares.values())
    by_remainder = sorted(needs, key=lambda key: -(room * needs[key] % total))
    for key in by_remainder[:left]:
        shares[key] += 1
    return shares


def compute_layout(width: int, duration_width: int = DURATION_WIDTH) -> TableLayout:
    """Which columns show, and how wide, in ``width`` cells (see the module's docstring).

    ``duration_width``: what the longest duration on screen needs, when over the default.
    """
    widths: dict[str, int] = {}
    room = width
    duration_width = max(DURATION_WIDTH, duration_width)
    for step in CLAIMS:
        needs: dict[str, int] = {}
        for key, target, whole in step:
            if key == "duration":
                target += duration_width - DURATION_WIDTH
            current = widths.get(key)
            if current is None:
                if not whole:
                    continue  # grows a column that did not fit: nothing to grow
                need = target + 2 * PAD
            else:
                need = max(0, target - current)
            if whole:
                # the state and the duration are shown whatever the room (cut at the edge)
                if need <= room or key in ("state", "duration"):
                    widths[key] = widths.get(key, 0) + (target if current is None else need)
                    room -= need
                continue
            needs[key] = need
        if needs and room > 0:
            for key, extra in _share(room, needs).items():
                widths[key] += extra
                room -= extra
    if room > 0:
        needs = {key: max(0, most - widths[key]) for key, most in SPARE.items() if key in widths}
        for key, extra in _share(room, needs).items():
            widths[key] += extra

    columns = []
    duration = None
    x = 0
    for key in COLUMNS:
        if key not in widths:
            continue
        column = Column(key, x, widths[key], key in RIGHT_ALIGNED)
        if key == "duration":
            duration = column
        columns.append(column)
        x += column.width + 2 * PAD
    return TableLayout(width, tuple(columns), duration, x)


def fit(text: str, width: int, right: bool = False) -> str:
    """``text`` cut (with …) or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length == width:
        return text
    if length < width:
        pad = " " * (width - length)
        return pad + text if right else text + pad
    if width == 1:
        return ELLIPSIS
    # set_cell_size pads with a space when a wide character would straddle the edge:
    # keep the ellipsis against the text and pad after it instead.
    cut = set_cell_size(text, width - 1)
    if cut.endswith(" "):
        stripped = cut.rstrip(" ")
        return stripped + ELLIPSIS + " " * (width - 1 - cell_len(stripped))
    return cut + ELLIPSIS


def fit_marked(text: str, width: int, spans: list[tuple[int, int]],
               right: bool = False) -> list[tuple[str, bool]]:
    """``fit(text, width, right)`` in pieces, each marked when it lies in one of ``spans``
    (sorted, disjoint ``(start, end)`` character ranges of ``text``: a search's matches).

    The pieces join to exactly what :func:`fit` draws: a match cut by the column's edge
    is marked up to the edge; the ellipsis and the padding are never marked.
    """
    fitted = fit(text, width, right)
    if not spans or not fitted:
        return [(fitted, False)] if fitted else []
    length = cell_len(text)
    if length <= width:  # whole, padded: the text starts after the padding when right
        offset, kept = (width - length if right else 0), len(text)
    else:  # cut: the characters that fit in width - 1 cells, then "…"
        offset, kept, cells = 0, 0, 0
        if width > 1:
            for ch in text:
                cells += get_character_cell_size(ch)
                if cells > width - 1:
                    break
                kept += 1
    pieces: list[tuple[str, bool]] = []
    at = 0  # in fitted
    for start, end in spans:
        start, end = min(start, kept) + offset, min(end, kept) + offset
        if start >= end:
            continue
        if at < start:
            pieces.append((fitted[at:start], False))
        pieces.append((fitted[start:end], True))
        at = end
    if at < len(fitted):
        pieces.append((fitted[at:], False))
    return pieces


def header_text(key: str, width: int, arrow: str = "") -> str:
    """The header of column ``key`` in ``width`` cells; ``arrow`` (▲/▼) on the sort column.

    The full label when it fits (with the arrow), else the short one, else the full one cut.
    """
    right = key in RIGHT_ALIGNED
    suffix = f" {arrow}" if arrow else ""
    for label in (HEADERS[key], SHORT_HEADERS.get(key)):
        if label is not None and cell_len(label) + len(suffix) <= width:
            return fit(label + suffix, width, right)
    if arrow and width >= 3:
        return fit(f"{fit(HEADERS[key], width - 2).rstrip()}{suffix}", width, right)
    return fit(HEADERS[key], width, right)


def state_text(rec: LiveRecording, ended: bool) -> str:
    """Symbol and word, never colour alone."""
    if ended:
        return STATE_ENDED
    return STATE_PAUSED if rec.is_paused else STATE_REC


def progress_text(word: str, width: int = STATE_WIDTH) -> str:
    """The state cell of a row with an action under way: ``… PAUSING``; where the space
    would not fit the column (``…RESUMING``, ``…STOPPING``), without it: the column stays
    as wide as ``❚❚ PAUSED`` rather than every row moving over for a moment's word."""
    text = f"{IN_PROGRESS} {word.upper()}"
    if cell_len(text) > width:
        text = IN_PROGRESS + word.upper()
    return text


def cell_texts(rec: LiveRecording, *, ended: bool, zone: tzinfo | None) -> dict[str, str]:
    """What each cell of a row reads, but the ticking duration: server text made safe.

    An unknown caller reads :data:`UNKNOWN` (the widget draws it dimmed).
    """
    return {
        "state": state_text(rec, ended),
        "user": safe_text(rec.username),
        "remote": safe_text(rec.remote_name) if rec.remote_name else UNKNOWN,
        "number": safe_text(rec.phone_number),
        "started": format_clock(rec.started_at, zone),
        "id": safe_text(rec.id),
    }


def duration_text(rec: LiveRecording, now: float, *, frozen: float | None = None,
                  estimated: bool = False) -> str:
    """A row's duration at the tick time ``now``, the one text its row and details show.

    ``frozen``: the duration an ended recording had when its end was seen (it no longer
    counts). ``estimated``: the view is stale or polling is paused, so a running
    recording's duration is counted on locally, past what the server last said: it
    reads ``~0:12:34``. A paused recording shows the server's value, never an estimate.
    """
    if frozen is not None:
        return format_duration(frozen)
    text = format_duration(rec.duration_at(now))
    if estimated and not rec.is_paused:
        return ESTIMATE + text
    return text
