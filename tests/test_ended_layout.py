"""The recently-ended table on paper (ended_layout.py): cells and widths, no Textual."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rich.cells import cell_len

from livedash.ended_layout import COLUMNS, ended_cells, ended_widths
from livedash.history import EndedRecording
from livedash.model import Filters, LiveRecording
from livedash.table_layout import PAD

TODAY = date(2026, 11, 28)
ENDED = datetime(2026, 11, 28, 9, 31, 10, tzinfo=UTC)


def entry(interrupted=False, ended=ENDED, **fields) -> EndedRecording:
    values = dict(id="a", duration=75.0, started_at=None, username="alice",
                  first_name="Giulia", last_name="Rossi", phone_number="+390212345678",
                  is_paused=False)
    values.update(fields)
    return EndedRecording(LiveRecording(**values), 85.4, ENDED, ended, 0.0, Filters(),
                          interrupted)


def test_cells_read_as_the_view_shows_them():
    assert ended_cells(entry(), UTC, TODAY) == (
        "alice", "Giulia Rossi", "+390212345678", "0:01:25", "09:31:10")
    assert ended_cells(entry(interrupted=True), UTC, TODAY)[4] == "by 09:31:10"
    yesterday = datetime(2026, 11, 27, 23, 59, 0, tzinfo=UTC)
    assert ended_cells(entry(ended=yesterday), UTC, TODAY)[4] == "2026-11-27 23:59:00"
    unknown = ended_cells(entry(first_name="", last_name="", phone_number=""), UTC, TODAY)
    assert unknown[1:3] == ("unknown", "")


def test_server_text_is_made_visible_never_passed_through():
    cells = ended_cells(entry(username="x\x1b[2J", first_name="\u202eevil", last_name="[b]"),
                        UTC, TODAY)
    assert cells[0] == "x␛[2J" and cells[1] == "⟨U+202E⟩evil [b]"


def test_columns_fit_their_longest_cell_up_to_a_limit():
    rows = [ended_cells(entry(), UTC, TODAY),
            ended_cells(entry(first_name="名前" * 30, last_name=""), UTC, TODAY)]
    widths = ended_widths(rows, 200)
    # each column as wide as its header or its longest cell, the remote party at most 40
    assert widths == [len("alice"), 40, len("+390212345678"), len("Final duration"), 8]
    assert cell_len(rows[1][1]) == 120  # wide characters: cells, not characters


def test_narrow_rooms_take_from_the_names_first_the_number_last():
    rows = [ended_cells(entry(username="u" * 24, first_name="n" * 40, last_name=""), UTC,
                        TODAY)]
    full = ended_widths(rows, 500)
    assert full == [24, 40, 13, 14, 8]
    padding = 2 * PAD * len(COLUMNS)
    assert ended_widths(rows, sum(full) + padding - 30) == [24, 10, 13, 14, 8]  # remote gave
    assert ended_widths(rows, 60) == [7, 8, 13, 14, 8]  # remote down to 8, then the user
    # narrower than the number and the duration: what is left is cut at the edge
    assert ended_widths(rows, 30) == [6, 8, 13, 14, 8]
