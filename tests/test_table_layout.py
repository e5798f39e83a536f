"""table_layout: which columns show how wide, what each cell reads. No Textual here."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rich.cells import cell_len

from livedash.model import LiveRecording
from livedash.table_layout import (
    COLUMNS,
    HEADERS,
    PAD,
    cell_texts,
    compute_layout,
    duration_text,
    fit,
    header_text,
)

# What each column gets (content cells; 0: not shown) in a room of that many cells.
# Narrow: state and duration whole, then the number whole before the names grow; the
# start appears only once everything else has what it wants, the id (36) last and whole.
WIDTHS = {
    60: dict(state=9, duration=8, user=9, remote=10, number=14, started=0, id=0),
    80: dict(state=9, duration=10, user=16, remote=19, number=16, started=0, id=0),
    100: dict(state=9, duration=10, user=18, remote=26, number=16, started=9, id=0),
    140: dict(state=9, duration=10, user=18, remote=28, number=16, started=9, id=36),
    160: dict(state=9, duration=10, user=22, remote=44, number=16, started=9, id=36),
    200: dict(state=9, duration=10, user=24, remote=50, number=16, started=9, id=36),  # 32 left
}


@pytest.mark.parametrize("width", list(WIDTHS))
def test_what_each_column_gets(width):
    layout = compute_layout(width)
    assert layout.widths() == WIDTHS[width]
    # in display order, side by side, each with its padding
    x = 0
    for column in layout.columns:
        assert column.x == x
        x += column.width + 2 * PAD
    assert layout.used == x
    assert [c.key for c in layout.columns] == [k for k in COLUMNS if WIDTHS[width][k]]


@pytest.mark.parametrize("width", range(40, 169))
def test_no_blank_cells_kept_for_nothing(width):
    """Up to where every column has all it can use, the columns span the whole room."""
    assert compute_layout(width).used == width


def test_priorities_as_the_room_shrinks():
    shown = {}
    for width in range(200, 19, -1):
        keys = tuple(c.key for c in compute_layout(width).columns)
        shown.setdefault(keys, width)
    # what goes first as the terminal narrows: the id, then the start, then the number…
    assert list(shown) == [
        COLUMNS,
        ("state", "duration", "user", "remote", "number", "started"),
        ("state", "duration", "user", "remote", "number"),
        ("state", "duration", "user", "remote"),
        ("state", "duration", "user"),
        ("state", "duration"),
    ]
    # …and the start goes before the number is cut or the names get short
    narrowest_with_start = min(w for w in range(20, 200) if compute_layout(w).widths()["started"])
    widths = compute_layout(narrowest_with_start - 1).widths()
    assert widths["number"] == 16 and widths["user"] >= 16 and widths["remote"] >= 20


def test_too_narrow_for_the_fixed_columns():
    layout = compute_layout(12)
    assert [c.key for c in layout.columns] == ["state", "duration"]
    assert layout.used > 12  # the widget cuts the line at its edge


def test_a_longer_duration_widens_its_column():
    assert compute_layout(160, duration_width=11).widths()["duration"] == 13
    assert compute_layout(60, duration_width=11).widths()["duration"] == 11


def test_column_at():
    layout = compute_layout(160)
    for column in layout.columns:
        assert layout.column_at(column.x) == column.key
        assert layout.column_at(column.x + column.width + 2 * PAD - 1) == column.key
    assert layout.column_at(layout.used) is None


@pytest.mark.parametrize("text", ["plain", "王秀英王秀英", "👩\u200d💻 dev", "N" * 50, ""])
@pytest.mark.parametrize("width", [0, 1, 2, 5, 8, 30])
def test_fit_is_exactly_the_width(text, width):
    fitted = fit(text, width)
    assert cell_len(fitted) == width
    if cell_len(text) > width > 0:
        assert fitted.rstrip().endswith("…")
    assert cell_len(fit(text, width, right=True)) == width


def test_fit_aligns():
    assert fit("ab", 4) == "ab  " and fit("ab", 4, right=True) == "  ab"
    assert fit("abcdef", 4) == "abc…"


def test_headers_fit_with_the_arrow():
    assert header_text("duration", 10, "▼") == "Duration ▼"
    assert header_text("duration", 8, "▼") == "   Dur ▼"  # right-aligned, short
    assert header_text("duration", 8) == "Duration"
    assert header_text("started", 8, "▲") == "Start ▲ "
    assert header_text("remote", 20) == "Remote party" + " " * 8
    assert header_text("remote", 9, "▲") == "Remote ▲ "
    assert header_text("user", 3, "▲") == "… ▲"
    for key in COLUMNS:
        for width in range(1, 14):
            assert cell_len(header_text(key, width, "▼")) == width
            assert cell_len(header_text(key, width)) == width
    assert set(HEADERS) == set(COLUMNS)


def recording(**fields) -> LiveRecording:
    values = dict(id="r1", duration=75.0, started_at=datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
                  username="alice", first_name="Giulia", last_name="Rossi",
                  phone_number="+390212345678", is_paused=False, observed_at=1000.0)
    values.update(fields)
    return LiveRecording(**values)


def test_cell_texts_are_made_safe():
    texts = cell_texts(recording(username="[b]x\x1b[31m", first_name="", last_name=""),
                       ended=False, zone=UTC)
    assert texts == {
        "state": "● REC",
        "user": "[b]x␛[31m",
        "remote": "unknown",
        "number": "+390212345678",
        "started": "09:30:00",
        "id": "r1",
    }
    assert cell_texts(recording(is_paused=True), ended=False, zone=UTC)["state"] == "❚❚ PAUSED"
    assert cell_texts(recording(is_paused=True), ended=True, zone=UTC)["state"] == "✕ ENDED"
    assert cell_texts(recording(started_at=None), ended=False, zone=UTC)["started"] == "?"


def test_duration_text():
    rec = recording()
    assert duration_text(rec, 1000.0) == "0:01:15"
    assert duration_text(rec, 1001.9) == "0:01:16"
    assert duration_text(rec, 1001.9, estimated=True) == "~0:01:16"
    paused = recording(is_paused=True)
    assert duration_text(paused, 1100.0, estimated=True) == "0:01:15"  # the server's, not ~
    assert duration_text(rec, 1100.0, frozen=80.4, estimated=True) == "0:01:20"  # ended
