"""The recently-ended table on paper: its columns, what each cell reads, how wide. No Textual.

``widgets/ended_table.py`` draws what this decides. Server text goes through
``safe_text``; a column narrower than its text shows an ellipsis (``table_layout.fit``),
the details (Enter) show every value whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import NamedTuple

from rich.cells import cell_len

from .history import EndedRecording
from .safe_text import safe_text
from .table_layout import PAD, UNKNOWN
from .timefmt import format_duration, format_start

__all__ = ["COLUMNS", "EndedColumn", "ended_cells", "ended_rows", "ended_text", "ended_widths"]


class EndedColumn(NamedTuple):
    header: str
    most: int  # a column grows with its longest cell up to this width
    least: int  # and gives way down to this one when the room is short
    right: bool = False


# In the order shown. The number gives way last: a number cut is useless.
COLUMNS: tuple[EndedColumn, ...] = (
    EndedColumn("User", 24, 6),
    EndedColumn("Remote party", 40, 8),
    EndedColumn("Number", 20, 20),
    EndedColumn("Final duration", 14, 14, right=True),
    EndedColumn("Ended", 22, 11),
)
REMOTE = 1  # the unknown caller's cell is drawn in its own (dim) style
_GIVE_WAY = (1, 0, 4)  # remote party first, then the user, then the ended time's date


def ended_text(entry: EndedRecording, zone: tzinfo | None, today: date) -> str:
    """When the end was seen (with its date when not ``today``); ``by 09:31:10`` when
    polling was interrupted before: it ended some time before livedash noticed."""
    seen = format_start(entry.ended, zone, today)
    return f"by {seen}" if entry.interrupted else seen


def ended_cells(entry: EndedRecording, zone: tzinfo | None, today: date,
                ended: str | None = None) -> tuple[str, ...]:
    """What each cell of an entry's row reads; an unknown caller reads ``unknown``.
    ``ended``: its :func:`ended_text`, when the caller has it already."""
    rec = entry.record
    remote = rec.remote_name
    return (safe_text(rec.username),
            safe_text(remote) if remote else UNKNOWN,
            safe_text(rec.phone_number),
            format_duration(entry.final_duration),
            ended_text(entry, zone, today) if ended is None else ended)


def ended_rows(entries: Sequence[EndedRecording], zone: tzinfo | None,
               today: date) -> list[tuple[str, ...]]:
    """The cells of every entry. The ends one poll saw share their time: each such time
    is formatted once (10,000 rows are read when the view opens, on the event loop)."""
    times: dict[tuple[datetime, bool], str] = {}
    rows = []
    for entry in entries:
        key = (entry.ended, entry.interrupted)
        ended = times.get(key)
        if ended is None:
            ended = times[key] = ended_text(entry, zone, today)
        rows.append(ended_cells(entry, zone, today, ended))
    return rows


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def ended_widths(rows: Sequence[tuple[str, ...]], room: int) -> list[int]:
    """Content width of each column for ``rows`` in ``room`` cells (padding is ``PAD``
    either side): each as wide as its header and longest cell up to its ``most``; when
    that does not fit, the remote party, then the user, then the ended time give way
    down to their ``least`` (what is still too wide is cut at the edge)."""
    widths = [min(column.most, max(cell_len(column.header),
                                   max((_cells(cells[index]) for cells in rows), default=0)))
              for index, column in enumerate(COLUMNS)]
    over = sum(widths) + 2 * PAD * len(COLUMNS) - room
    for index in _GIVE_WAY:
        if over <= 0:
            break
        give = min(over, widths[index] - min(widths[index], COLUMNS[index].least))
        widths[index] -= give
        over -= give
    return widths
