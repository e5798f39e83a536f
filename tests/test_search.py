"""search.py: what a quick search finds and where, without Textual."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from livedash.model import LiveRecording
from livedash.row_order import SortOrder, view_rows
from livedash.search import (
    RowSearch,
    SearchIndex,
    cell_spans,
    fold,
    parse_query,
    phone_form,
)
from livedash.table_layout import fit_marked

STARTED = datetime(2024, 3, 5, 9, 28, 45, tzinfo=UTC)


def rec(rec_id: str, *, username: str = "agent", first: str = "", last: str = "",
        number: str = "", paused: bool = False, started: datetime | None = STARTED
        ) -> LiveRecording:
    return LiveRecording(id=rec_id, duration=10.0, started_at=started, username=username,
                         first_name=first, last_name=last, phone_number=number,
                         is_paused=paused)


FLOOR = [
    rec("id-zoe", username="znowak", first="Zoë", last="Nowak", number="+48221234567"),
    rec("id-jurgen", username="jmueller", first="Jürgen", last="Müller",
        number="+49 30 1234 5678"),
    rec("id-giulia", username="alice", first="Giulia", last="Rossi", number="+390212345678"),
    rec("id-anna", username="anna", first="Anna", last="Strauß", number="+4930999",
        paused=True),
    rec("id-unknown", username="bob", number="+15550001111"),
    rec("id-withheld", username="carol"),
]


def found(text: str, records=FLOOR, ended=()) -> list[str]:
    keep = SearchIndex(UTC).keep(parse_query(text), ended)
    return [r.id for r in records if keep(r)]


def test_fold_ignores_case_and_accents():
    assert fold("Zoë") == fold("ZOE") == "zoe"
    assert fold("Jürgen Müller") == "jurgen muller"
    assert fold("Strauß") == "strauss"
    assert fold("Łukasz") == "łukasz"  # a letter of its own, not a letter with an accent
    assert fold("ﬁle") == "file"  # compatibility forms, too


@pytest.mark.parametrize(("typed", "expected"), [
    ("zoe", ["id-zoe"]),
    ("ZOË", ["id-zoe"]),
    ("jurgen", ["id-jurgen"]),
    ("MULLER", ["id-jurgen"]),
    ("STRAUSS", ["id-anna"]),
    ("rossi giulia", ["id-giulia"]),  # words in any order, anywhere in the row
    ("alice rossi", ["id-giulia"]),  # across columns
    ("alice nowak", []),  # all words must be found
    ("unknown", ["id-unknown", "id-withheld"]),  # the cell reads "unknown"
    ("paused", ["id-anna"]),  # the state word
    ("anna paused", ["id-anna"]),
    ("09:28", [r.id for r in FLOOR]),  # the start time as shown
    ("id-giu", ["id-giulia"]),  # the id
])
def test_a_query_finds_the_rows_holding_it_in_any_shown_column(typed, expected):
    assert found(typed) == expected


def test_an_ended_row_reads_ended_not_rec():
    assert found("ended", ended={"id-zoe"}) == ["id-zoe"]
    assert "id-zoe" not in found("rec", ended={"id-zoe"})
    assert "id-zoe" in found("rec")


@pytest.mark.parametrize(("typed", "expected"), [
    ("+39 02 1234", ["id-giulia"]),  # spaced query, compact number
    ("02-1234-5678", ["id-giulia"]),
    ("3012345678", ["id-jurgen"]),  # compact query, spaced number
    ("+49 30 1234", ["id-jurgen"]),
    ("(30) 999", ["id-anna"]),
    ("5550001111", ["id-unknown"]),
])
def test_digits_find_a_phone_number_whatever_its_spacing(typed, expected):
    assert found(typed) == expected


def test_a_query_of_digits_is_a_number_one_of_words_is_not():
    assert parse_query("+39 02-12").digits == "+390212"
    assert parse_query("giulia 02").digits == ""
    assert parse_query("  ").terms == () and not parse_query("  ")
    assert phone_form("+44 (20) 7946-0123") == "+442079460123"


def test_keys_are_made_once_per_record_object():
    index = SearchIndex(UTC)
    keep = index.keep(parse_query("zoe"))
    assert [keep(r) for r in FLOOR].count(True) == 1
    kept = {r.id: index.key(r) for r in FLOOR}
    # the next poll reuses the records (the store keeps an object that only ticked):
    # the very same keys, nothing folded again
    assert all(index.key(r) is kept[r.id] for r in FLOOR)
    # a changed record is a new object: its key is made again, from what it says now
    renamed = rec("id-zoe", username="znowak", first="Zoe", last="Kowalska")
    assert index.key(renamed) is not kept["id-zoe"]
    assert index.keep(parse_query("kowalska"))(renamed)


def test_departed_records_leave_the_index():
    index = SearchIndex(UTC)
    index.prepare(FLOOR)
    assert len(index) == len(FLOOR)
    index.forget_departed({"id-zoe": FLOOR[0]}, {"id-anna": FLOOR[3]})
    assert len(index) == 2


def test_row_search_counts_the_live_rows_it_finds():
    search = RowSearch(UTC)
    assert search.keep(()) is None and search.match_count is None
    assert search.set(parse_query("a"))
    assert not search.set(parse_query("a"))  # the same query: nothing to do
    records = {r.id: r for r in FLOOR[:-1]}
    ended = {FLOOR[-1].id: FLOOR[-1]}  # carol: fading out, and found ("carol" has an a)
    rows = view_rows(FLOOR, SortOrder(), now=0.0, ended=ended, keep=search.keep(ended))
    search.found(rows, records, ended)
    assert "id-withheld" in [r.id for r in rows]
    assert search.match_count == len(rows) - 1
    assert search.set(None) and search.match_count is None and len(search.index) == 0


def test_cell_spans_are_in_the_cell_as_drawn():
    query = parse_query("zoe no")
    assert cell_spans("Zoë Nowak", query) == [(0, 3), (4, 6)]
    # folding changes a length: ß is "ss"; the span still covers the cell's characters
    assert cell_spans("Strauß", parse_query("ss")) == [(5, 6)]
    assert cell_spans("Strauß", parse_query("strauss")) == [(0, 6)]
    # overlapping finds are one span
    assert cell_spans("aaaa", parse_query("aa aaa")) == [(0, 4)]
    # a number: the digits wherever the spaces are
    assert cell_spans("+49 30 1234 5678", parse_query("3012"), number=True) == [(4, 9)]
    assert cell_spans("+49 30 1234 5678", parse_query("3012")) == []  # not a number cell
    # what safe_text made visible is searched as it reads
    assert cell_spans("Eve⟨U+202E⟩x", parse_query("u+202e")) == [(4, 10)]
    assert cell_spans("nothing", parse_query("zoe")) == []


@pytest.mark.parametrize(("width", "expected"), [
    (12, [("Zoë", True), (" Nowak   ", False)]),
    (9, [("Zoë", True), (" Nowak", False)]),
    # cut: the match up to the edge, the ellipsis never marked
    (6, [("Zoë", True), (" N…", False)]),
    (2, [("Z", True), ("…", False)]),
    (1, [("…", False)]),
])
def test_a_marked_cell_keeps_its_width(width, expected):
    pieces = fit_marked("Zoë Nowak", width, [(0, 3)])
    assert pieces == expected
    assert "".join(piece for piece, _ in pieces) == fit_marked("Zoë Nowak", width, [])[0][0]


def test_a_marked_cell_of_wide_characters_keeps_its_width():
    pieces = fit_marked("山田太郎", 6, [(1, 3)])
    assert pieces == [("山", False), ("田", True), ("… ", False)]
    assert fit_marked("abc", 6, [(1, 2)], right=True) == [("   a", False), ("b", True),
                                                          ("c", False)]


def test_the_status_line_counts_matches_with_thousands_separated():
    from livedash.clock import FixedClock
    from livedash.model import FetchResult, Filters
    from livedash.status import describe_status
    from livedash.store import LiveStore

    store = LiveStore(FixedClock())
    store.apply(FetchResult(Filters(), [rec(f"id-{n}") for n in range(10_000)]))

    def parts(matches):
        return describe_status(store, host="h", interval=2, polling_paused=False,
                               display_tz=UTC, search_matches=matches).parts

    assert "12 of 10,000 match" in parts(12)
    assert not any("match" in part for part in parts(None))
