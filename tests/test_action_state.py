"""The supervisor actions' state and words, without Textual: marks, the actions under
way and when a poll confirms them, what a notice says, the start dialog's checks."""

from __future__ import annotations

from livedash.action_state import (
    NO_FLAGS,
    PASSWORD_HINT,
    ActionsInFlight,
    ActionState,
    Marks,
    StartRequest,
    asks_first,
    recording_label,
    start_notice,
    start_request,
    summarize,
)
from livedash.actions import GONE, Action, ActionResult, Outcome, StartMode
from livedash.clock import FixedClock
from livedash.errors import AuthError
from livedash.model import FetchResult, Filters, LiveRecording
from livedash.store import LiveStore
from livedash.table_layout import STATE_WIDTH, progress_text


def rec(rec_id: str, **fields) -> LiveRecording:
    values = dict(id=rec_id, duration=10.0, started_at=None, username="alice",
                  first_name="Giulia", last_name="Rossi", phone_number="+390212345678",
                  is_paused=False)
    values.update(fields)
    return LiveRecording(**values)


def result(action: Action, target: str, outcome: Outcome, message: str = "",
           **fields) -> ActionResult:
    return ActionResult(action, target, outcome, message or outcome.value, **fields)


def test_marks_toggle_keep_their_order_and_leave_with_their_recordings():
    marks = Marks()
    assert marks.toggle("b") and marks.toggle("a") and marks.toggle("c")
    assert list(marks) == ["b", "a", "c"] and len(marks) == 3 and "a" in marks
    assert marks.toggle("a") is False and list(marks) == ["b", "c"]
    assert marks.keep_only({"c", "z"}) == ["b"]
    assert list(marks) == ["c"]
    assert marks.clear() == ["c"] and not marks


def test_an_action_blocks_every_action_until_answered_then_only_itself():
    rows = ActionsInFlight()
    assert rows.begin(Action.PAUSE, ["a", "b", "a"]) == ["a", "b"]
    assert rows.action_of("a") is Action.PAUSE
    # the request is out: nothing else on these rows (a double press sends nothing)
    assert rows.begin(Action.PAUSE, ["a"]) == []
    assert rows.begin(Action.RESUME, ["a"]) == []
    assert rows.answered([result(Action.PAUSE, "a", Outcome.DONE),
                          result(Action.PAUSE, "b", Outcome.NOTHING, GONE)], polls_sent=7) \
        == ["a", "b"]
    assert "b" not in rows  # a failure shows the server's word at once
    assert rows.action_of("a") is Action.PAUSE  # a success waits for a poll
    assert rows.blocking(Action.PAUSE, "a") is not None  # the same key again: not sent
    assert rows.blocking(Action.RESUME, "a") is None  # a resume right after: it may go


def test_only_a_poll_sent_after_the_answer_confirms():
    rows = ActionsInFlight()
    rows.begin(Action.STOP, ["a"])
    assert rows.confirmed(99) == []  # not answered yet: no poll confirms it
    rows.answered([result(Action.STOP, "a", Outcome.DONE)], polls_sent=4)
    assert rows.confirmed(4) == []  # sent before the answer arrived
    assert rows.confirmed(5) == ["a"] and "a" not in rows


def test_already_in_that_state_waits_for_the_poll_too_and_polling_that_waits_settles():
    rows = ActionsInFlight()
    rows.begin(Action.RESUME, ["a", "b"])
    rows.answered([result(Action.RESUME, "a", Outcome.ALREADY, "not paused"),
                   result(Action.RESUME, "b", Outcome.BUSY)], polls_sent=1)
    assert "a" in rows and "b" not in rows
    assert rows.settle_answered() == ["a"] and not len(rows)


def test_answers_for_rows_not_claimed_change_nothing():
    rows = ActionsInFlight()
    rows.begin(Action.PAUSE, ["a"])
    assert rows.answered([result(Action.RESUME, "a", Outcome.DONE),
                          result(Action.PAUSE, "zz", Outcome.DONE)], polls_sent=0) == []
    assert rows.forget(["a", "zz"]) == ["a"]


def test_the_table_reads_flags_and_nothing_costs_nothing():
    state = ActionState()
    assert state.flags("a") is NO_FLAGS
    state.marks.toggle("a")
    state.in_flight.begin(Action.STOP, ["b"])
    assert state.flags("a") == (True, None)
    assert state.flags("b") == (False, Action.STOP)
    assert state.in_progress("b") is Action.STOP and state.marked("a")


def test_the_store_unmarks_a_recording_that_ends_and_all_with_new_filters():
    clock = FixedClock()
    store = LiveStore(clock)
    store.apply(FetchResult(Filters(), [rec("a"), rec("b")]))
    store.actions.marks.toggle("a")
    store.actions.marks.toggle("b")
    store.apply(FetchResult(Filters(), [rec("b")]))
    assert list(store.actions.marks) == ["b"]  # a ended: its mark is gone
    store.set_filters(Filters(username="bob"))
    assert not store.actions.marks


def test_labels_and_who_asks_first():
    assert recording_label(rec("a")) == "alice ↔ Giulia Rossi +390212345678"
    unknown = rec("b", first_name="", last_name="", phone_number="", username="\x1b[31m")
    assert recording_label(unknown) == "␛[31m ↔ unknown"
    assert asks_first(Action.STOP, 1) and asks_first(Action.PAUSE, 2)
    assert not asks_first(Action.PAUSE, 1) and not asks_first(Action.RESUME, 1)


def test_progress_words_fit_the_state_column():
    assert progress_text("pausing") == "… PAUSING"
    assert progress_text("resuming") == "…RESUMING"
    assert progress_text("stopping") == "…STOPPING"
    for action in Action:
        assert len(progress_text(action.in_progress)) <= STATE_WIDTH


def test_a_notice_for_one_success_names_it():
    notice = summarize([result(Action.PAUSE, "a", Outcome.DONE)], {"a": "alice ↔ x"})
    assert (notice.text, notice.severity) == ("Paused: alice ↔ x", "information")


def test_a_notice_says_each_failure_in_the_servers_words():
    labels = {"a": "alice ↔ x", "b": "bob ↔ y", "c": "carol ↔ z"}
    notice = summarize([
        result(Action.STOP, "a", Outcome.DONE),
        result(Action.STOP, "b", Outcome.NOTHING, GONE),
        result(Action.STOP, "c", Outcome.REFUSED,
               "this line is recorded by policy and cannot be stopped here"),
    ], labels)
    assert notice.severity == "error"
    assert notice.text.splitlines() == [
        "Stopped 1 of 3 recordings.",
        "Stop bob ↔ y: that recording has already ended",
        "Stop carol ↔ z: this line is recorded by policy and cannot be stopped here",
    ]


def test_already_paused_is_information_and_a_401_says_press_L():
    notice = summarize([result(Action.PAUSE, "a", Outcome.ALREADY, "already paused")],
                       {"a": "alice ↔ x"})
    assert (notice.text, notice.severity) == ("Pause alice ↔ x: already paused", "information")
    denied = summarize([result(Action.PAUSE, "a", Outcome.AUTH, "401 Unauthorized",
                               error=AuthError("401"))], {})
    assert denied.severity == "error" and denied.text.endswith(PASSWORD_HINT)
    assert "Pause a: 401 Unauthorized" in denied.text
    assert summarize([], {}) is None


def test_many_failures_are_counted_not_all_listed():
    results = [result(Action.PAUSE, str(n), Outcome.NOTHING, GONE) for n in range(12)]
    lines = summarize(results, {}).text.splitlines()
    assert len(lines) == 9 and lines[-1] == "… and 4 more (see the log)"


def test_start_dialog_checks_and_notices():
    assert start_request("", " ") == "Enter a device name or a directory number."
    assert "spaces" in start_request("SEP 1", "")
    request = start_request(" SEP00000000D001 ", "", StartMode.DIAL_IN)
    assert request == StartRequest("SEP00000000D001", "", StartMode.DIAL_IN)
    assert request.line == "SEP00000000D001"
    done = start_notice(StartRequest("", "4001"), result(
        Action.START, "4001", Outcome.DONE, recording_id="new-id"))
    assert (done.text, done.severity) == (
        "Recording started on 4001 (forking): new-id", "information")
    busy = start_notice(StartRequest("", "2001"), result(
        Action.START, "2001", Outcome.ALREADY_RECORDED,
        "the call on that line is already being recorded"))
    assert busy.severity == "warning"
    assert busy.text == "Start recording 2001: the call on that line is already being recorded"
