"""filter_history.py: the filter values used before, kept across runs (no Textual)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from livedash.filter_history import (
    HISTORY_FILE,
    MAX_VALUES,
    FilterHistory,
    Suggestion,
    default_state_dir,
    history_path,
    live_usernames,
    rank,
    ranked,
    suggestions,
)
from livedash.model import Filters

from .test_search import rec


def test_values_are_kept_most_recent_first_each_once(tmp_path):
    history = FilterHistory(tmp_path / HISTORY_FILE)
    assert history.remember(Filters(username="alice"))
    assert history.remember(Filters(username="bob", directoryNumber="1001"))
    assert history.remember(Filters(username="alice"))
    assert not history.remember(Filters(username="alice"))  # already first: no change
    assert not history.remember(Filters())  # an empty field is no value
    assert history.values("username") == ["alice", "bob"]
    assert history.values("directoryNumber") == ["1001"]
    assert history.values("deviceName") == []


def test_at_most_fifty_values_a_field(tmp_path):
    history = FilterHistory(tmp_path / HISTORY_FILE)
    for number in range(MAX_VALUES + 10):
        history.remember(Filters(directoryNumber=str(number)))
    values = history.values("directoryNumber")
    assert len(values) == MAX_VALUES == 50
    assert values[0] == str(MAX_VALUES + 9) and values[-1] == "10"


def test_what_cannot_be_shown_as_it_is_is_not_kept(tmp_path):
    history = FilterHistory(tmp_path / HISTORY_FILE)
    history.remember(Filters(username="evil\x1b[2J", deviceName="x" * 500))
    assert history.values("username") == [] and history.values("deviceName") == []


def test_saved_privately_and_read_back(tmp_path):
    path = tmp_path / "state" / "livedash" / HISTORY_FILE
    history = FilterHistory(path)
    history.remember(Filters(username="Zoë", numericUserId="100001"))
    assert history.dirty
    history.save()
    assert not history.dirty
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [HISTORY_FILE]  # no temporary left
    again = FilterHistory.load(path)
    assert again.values("username") == ["Zoë"]
    assert again.values("numericUserId") == ["100001"]


@pytest.mark.parametrize("content", [
    b"{not json", b"\xff\xfe\x00", b"[]", b'{"filters": 3}', b"null",
    b'{"filters": {"username": ["ok", 3, "", "  padded ", "ok"], "deviceName": "x"}}',
])
def test_a_corrupt_file_is_an_empty_history_not_an_error(tmp_path, content, caplog):
    path = tmp_path / HISTORY_FILE
    path.write_bytes(content)
    history = FilterHistory.load(path)
    assert history.values("deviceName") == []
    assert history.values("username") in ([], ["ok"])  # the good values of a list stay
    history.remember(Filters(username="alice"))
    history.save()  # and the next save writes a good file over it
    assert json.loads(path.read_text())["filters"]["username"][0] == "alice"


def test_an_unreadable_file_is_an_empty_history(tmp_path, caplog):
    path = tmp_path / HISTORY_FILE
    path.mkdir()  # unreadable as a file, whoever runs the test (root reads a 000 file)
    assert FilterHistory.load(path).values("username") == []
    assert "not read" in caplog.text


def test_a_failed_save_keeps_the_values_and_says_so(tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    history = FilterHistory(blocker / "livedash" / HISTORY_FILE)  # a folder in a file
    history.remember(Filters(username="alice"))
    history.save()
    assert history.dirty and history.values("username") == ["alice"]
    assert "filter history not saved" in caplog.text


def test_without_a_path_nothing_is_written(tmp_path):
    history = FilterHistory.load(None)
    history.remember(Filters(username="alice"))
    history.save()
    assert history.values("username") == ["alice"]


def test_the_file_is_in_the_user_state_directory(private_state_dir):
    assert default_state_dir() == private_state_dir / "livedash"
    assert history_path(None) == private_state_dir / "livedash" / HISTORY_FILE
    assert history_path(private_state_dir) == private_state_dir / HISTORY_FILE


def test_live_usernames_each_once_alphabetically():
    records = [rec("1", username="bob"), rec("2", username="Zoë"), rec("3", username="bob"),
               rec("4", username="ana"), rec("5", username=""), rec("6", username="a\x07")]
    assert live_usernames(records) == ["ana", "bob", "Zoë"]


def test_suggestions_used_values_first_then_live_ones():
    assert suggestions(["carol", "alice"], ["alice", "bob"]) == [
        Suggestion("carol", False), Suggestion("alice", True), Suggestion("bob", True)]
    assert suggestions([]) == []


@pytest.mark.parametrize(("typed", "value", "score"), [
    ("al", "alice", 2.0), ("AL", "Alice", 2.0), ("ice", "alice", 1.0), ("x", "alice", 0.0),
    ("zoe", "Zoë", 2.0), ("", "alice", 1.0),
])
def test_rank_prefers_values_starting_with_what_is_typed(typed, value, score):
    assert rank(typed, value)[0] == score


def test_rank_offsets_are_in_the_value():
    assert rank("ice", "alice") == (1.0, (2, 3, 4))
    assert rank("zoe", "Zoë") == (2.0, (0, 1, 2))


def test_ranked_starting_first_then_holding_in_order_at_most_limit():
    items = suggestions(["carol", "alice"], ["Álvaro", "bob", "malia", "al"])
    found = [(item.value, offsets) for item, offsets in ranked("al", items, 10)]
    # "al" itself is in the field already: not offered
    assert found == [("alice", (0, 1)), ("Álvaro", (0, 1)), ("malia", (1, 2))]
    assert [item.value for item, _ in ranked("a", items, 2)] == ["alice", "Álvaro"]
    assert [item.value for item, _ in ranked("", items, 3)] == ["carol", "alice", "Álvaro"]
    assert ranked("zz", items, 10) == []
