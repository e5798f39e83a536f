"""Supervisor actions in the dashboard, under Pilot, against the demo server over loopback
HTTP: the keys, marks, the questions, every documented answer in words, nothing sent
twice or retried, nothing at all with --read-only or --kiosk, the audit lines."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from textual.widgets import Button, Input, OptionList

from livedash.action_controller import ActionCommands
from livedash.actions import STOP_REASONS, UNAVAILABLE
from livedash.app import LiveDashApp
from livedash.credentials import Credentials, Secret
from livedash.demo import DemoServer
from livedash.demo.server import DEMO_USER, REQUIRED_LEVEL
from livedash.demo.testing import IDLE_LINES, KNOWN_CALLS, KNOWN_IDS, known_floor
from livedash.widgets.action_dialogs import ConfirmActionScreen, StartRecordingScreen
from livedash.widgets.recordings_table import RecordingsTable
from livedash.widgets.screens import DetailsScreen, HelpScreen, PasswordScreen

from .conftest import press_and_settle, settings_for, until
from .test_app import poll_now, rendered_text, row_of

SIZE = (140, 30)
ALICE_2, ALICE_1, CAROL, BOB = (KNOWN_IDS[name] for name in ("alice-2", "alice-1", "carol",
                                                                "bob"))


class NoticedApp(LiveDashApp):
    """The dashboard, keeping what it notified (severity, text) for the test to read."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notices: list[tuple[str, str]] = []

    def notify(self, message, *, title="", severity="information", timeout=None, markup=True):
        self.notices.append((severity, message))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


def make_app(server, clock, **overrides) -> NoticedApp:
    return NoticedApp(settings_for(server.url, **overrides), clock=clock)


def action_requests(server) -> list[tuple[str, str, int | None]]:
    """(method, last path step, status) of every request that is not a poll."""
    return [(r.method, r.path.rsplit("/", 1)[-1], r.status) for r in server.requests
            if r.method != "GET"]


async def until_answered(app, answers: int = 1, timeout: float = 10) -> None:
    """Wait (on an event, not a timer) until ``answers`` action answers are on screen."""
    actions = app.actions
    while actions.answers < answers:
        actions.answered.clear()
        await asyncio.wait_for(actions.answered.wait(), timeout)


async def ready(app) -> RecordingsTable:
    await until(app, lambda: app.store.has_data)
    return app.query_one(RecordingsTable)


def put_cursor_on(app, name: str) -> None:
    table = app.query_one(RecordingsTable)
    table.move_cursor(table.row_of(KNOWN_IDS[name]))


def last_notice(app) -> tuple[str, str]:
    return app.notices[-1]


# ---------------------------------------------------------------------- marks
async def test_space_marks_and_marks_follow_their_recordings_across_sorts_and_polls(
        demo_server, clock):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = await ready(app)
        assert table.cursor_id == ALICE_2
        await pilot.press("space", "space")  # marks alice-2, then alice-1 (the next row)
        assert table.cursor_id == KNOWN_IDS["example"]
        assert row_of(app, "alice-2").startswith("✓")
        assert row_of(app, "alice-1").startswith("✓")
        assert not row_of(app, "bob").startswith("✓")
        marks_line = app.query_one("#marks")
        assert marks_line.display and "✓ 2 marked" in str(marks_line.render())
        await pilot.press("s")  # by user: the rows move, the marks with them
        assert table.sort_key == "user"
        assert [row_of(app, name).startswith("✓") for name in ("alice-2", "alice-1", "bob")
                ] == [True, True, False]
        await press_and_settle(pilot, "r")
        assert row_of(app, "alice-2").startswith("✓") and row_of(app, "alice-1").startswith("✓")
        # a recording that ends loses its mark
        demo_server.floor.stop(ALICE_1)
        await press_and_settle(pilot, "r")
        assert "✕ ENDED" in row_of(app, "alice-1") and not row_of(app, "alice-1").startswith("✓")
        assert list(app.store.actions.marks) == [ALICE_2]
        assert "✓ 1 marked" in str(marks_line.render())
        put_cursor_on(app, "alice-2")
        await pilot.press("space")  # unmark
        assert not row_of(app, "alice-2").startswith("✓") and not marks_line.display
        assert action_requests(demo_server) == []


# ---------------------------------------------------------------------- pause, resume
async def test_one_pause_goes_at_once_and_its_row_says_pausing_until_a_poll_confirms(
        demo_server, clock):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        demo_server.reset_log()
        demo_server.faults.inject("500", 1)  # the poll after the answer fails: unconfirmed
        await pilot.press("P")
        assert not isinstance(app.screen, ConfirmActionScreen)  # no question for one
        assert "… PAUSING" in row_of(app, "alice-2")  # from the key press on
        await until_answered(app)
        await until(app, lambda: app.store.failure is not None)
        # answered (204), but no poll has shown it yet
        assert action_requests(demo_server) == [("PUT", "Pause", 204)]
        assert "… PAUSING" in row_of(app, "alice-2")
        assert last_notice(app) == ("information", "Paused: alice ↔ Hugo Martin +33112345678")
        await press_and_settle(pilot, "r")
        assert "❚❚ PAUSED" in row_of(app, "alice-2") and "PAUSING" not in row_of(app, "alice-2")
        demo_server.faults.inject_action("hold", 1)  # the resume waits at the server
        await pilot.press("R")  # and back, at once too
        assert "…RESUMING" in row_of(app, "alice-2")
        demo_server.faults.release_held()
        await until_answered(app, 2)
        await until(app, lambda: not app.store.records[ALICE_2].is_paused)
        assert "● REC" in row_of(app, "alice-2")
        assert action_requests(demo_server)[1:] == [("PUT", "Resume", 204)]


async def test_a_pause_answered_polls_at_once_even_while_polling_is_paused(demo_server, clock):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        await pilot.press("p")  # polling paused: a success still polls once
        polls = app.poller.requests_sent
        await pilot.press("P")
        await until_answered(app)
        await until(app, lambda: "❚❚ PAUSED" in row_of(app, "alice-2"))
        assert app.poller.requests_sent == polls + 1 and app.poller.paused


async def test_pausing_several_asks_first_names_them_and_cancel_sends_nothing(
        demo_server, clock):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        await pilot.press("space", "space")
        for cancel in ("n", "escape"):
            await pilot.press("P")
            dialog = app.screen
            assert isinstance(dialog, ConfirmActionScreen)
            assert str(dialog.query_one("#confirm-title").render()) == "Pause 2 recordings?"
            assert [row[:2] for row in dialog.rows] == [
                ("alice ↔ Hugo Martin +33112345678", "1:00:05"),
                ("alice ↔ Giulia Rossi +390212345678", "0:01:15")]
            assert app.focused is dialog.query_one("#confirm-yes", Button)
            await pilot.press(cancel)
            assert not isinstance(app.screen, ConfirmActionScreen)
            assert "PAUSING" not in row_of(app, "alice-2")
        assert action_requests(demo_server) == []  # cancelled twice: nothing sent
        await pilot.press("P", "enter")  # Enter on the focused action button confirms
        await until_answered(app)
        assert sorted(action_requests(demo_server)) == [("PUT", "Pause", 204)] * 2
        assert last_notice(app) == ("information", "Paused 2 recordings.")
        await until(app, lambda: app.store.paused_count == 3)  # carol was already


async def test_marked_rows_are_acted_on_not_the_cursors(demo_server, clock):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        put_cursor_on(app, "bob")
        await pilot.press("space")  # bob marked; the cursor stays on the last row
        put_cursor_on(app, "alice-1")
        await pilot.press("P")  # one marked: paused at once, and it is bob
        await until_answered(app)
        assert [r.path.split("/")[-2] for r in demo_server.requests if r.method == "PUT"] == [
            BOB]


# ---------------------------------------------------------------------- stop
async def test_stop_always_asks_and_says_why_the_server_refused(demo_server, clock):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        put_cursor_on(app, "carol")
        await pilot.press("X")
        dialog = app.screen
        assert isinstance(dialog, ConfirmActionScreen)
        assert str(dialog.query_one("#confirm-title").render()) == "Stop 1 recording?"
        assert dialog.rows == [("carol ↔ unknown", "0:00:42", "paused")]
        await pilot.press("n")
        assert action_requests(demo_server) == []
        await pilot.press("X", "y")
        await until_answered(app)
        assert action_requests(demo_server) == [("DELETE", CAROL, 400)]
        assert last_notice(app) == (
            "error", "Stop carol ↔ unknown: this line is recorded by policy and cannot be "
                     "stopped here")
        assert "❚❚ PAUSED" in row_of(app, "carol")  # as the server has it, at once
        put_cursor_on(app, "alice-2")
        await pilot.press("X", "y")
        await until_answered(app, 2)
        assert last_notice(app)[1].endswith(STOP_REASONS[1])
        put_cursor_on(app, "bob")
        await pilot.press("X", "y")
        await until_answered(app, 3)
        await until(app, lambda: "✕ ENDED" in row_of(app, "bob"))
        assert action_requests(demo_server)[-1] == ("DELETE", BOB, 204)
        assert BOB not in demo_server.floor.ids()


# ---------------------------------------------------------------------- every answer
@pytest.mark.parametrize(("name", "key", "fault", "severity", "words"), [
    ("carol", "P", None, "information", "Pause carol ↔ unknown: already paused"),
    ("bob", "R", None, "information", "Resume bob ↔ +15550001111: not paused"),
    ("bob", "P", "504", "error", f"Pause bob ↔ +15550001111: {UNAVAILABLE}"),
    ("bob", "P", "500", "error", "500 Internal Server Error: the server failed to act"),
    ("bob", "P", "502_html", "error", "502 Bad Gateway: the server failed to act"),
    ("bob", "R", "403", "error", "lacks the 'Call Recording Complete Management' privilege "
                                 "(level 10)"),
])
async def test_each_answer_in_its_own_words_and_never_retried(
        demo_server, clock, name, key, fault, severity, words):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        if fault:
            demo_server.faults.inject_action(fault)  # every action request, until cleared
        put_cursor_on(app, name)
        await pilot.press(key)
        await until_answered(app)
        assert last_notice(app)[0] == severity and words in last_notice(app)[1]
        await poll_now(app)  # time for a retry, were there one
        assert len(action_requests(demo_server)) == 1
        assert "PAUSING" not in row_of(app, name) and "RESUMING" not in row_of(app, name)


async def test_an_ended_recording_is_409_in_words_and_not_retried(demo_server, clock):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        demo_server.floor.stop(BOB)  # ended at the server; the table does not know yet
        put_cursor_on(app, "bob")
        await pilot.press("P")
        await until_answered(app)
        assert last_notice(app) == (
            "warning", "Pause bob ↔ +15550001111: that recording has already ended")
        await until(app, lambda: "✕ ENDED" in row_of(app, "bob"))  # polled at once
        assert action_requests(demo_server) == [("PUT", "Pause", 409)]


# Entered again with L, a password is masked in every later log line of the process: an
# unlikely one, not the demo's "demo" (which would mask "--demo" in later tests' output).
UNLIKELY = "wrong-horse-action-ui-7"


async def test_a_401_offers_L_and_nothing_is_sent_until_the_password_is_entered_again(clock):
    server = DemoServer(known_floor(), users={DEMO_USER: (UNLIKELY, REQUIRED_LEVEL)})
    credentials = Credentials(DEMO_USER, Secret(UNLIKELY))
    with server as demo_server:
        await _a_401_offers_L(demo_server, NoticedApp(
            settings_for(demo_server.url, credentials=credentials), clock=clock))


async def _a_401_offers_L(demo_server, app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        demo_server.faults.inject_action("401", 1)
        put_cursor_on(app, "bob")
        await pilot.press("P")
        await until_answered(app)
        severity, text = last_notice(app)
        assert severity == "error" and "401 Unauthorized" in text and "Press L" in text
        assert app.check_action("login", ()) and not app.check_action("login_not_needed", ())
        await pilot.press("P")  # not with the rejected password again
        assert last_notice(app)[1].startswith("The server rejected the password: press L")
        assert action_requests(demo_server) == [("PUT", "Pause", 401)]
        await pilot.press("L")
        assert isinstance(app.screen, PasswordScreen)
        await pilot.press(*UNLIKELY, "enter")
        await pilot.press("P")
        await until_answered(app, 2)
        assert action_requests(demo_server)[-1] == ("PUT", "Pause", 204)


# ---------------------------------------------------------------------- once, never twice
async def test_a_double_press_sends_one_request_while_it_is_out(demo_server, clock):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        demo_server.faults.inject_action("hold", 1)
        await pilot.press("P")
        assert await asyncio.to_thread(demo_server.faults.wait_served, "hold")
        await pilot.press("P")  # the request is out: this one sends nothing
        assert last_notice(app)[1] == ("Already under way, not sent again: pausing "
                                       "alice ↔ Hugo Martin +33112345678")
        demo_server.faults.release_held()
        await until_answered(app)
        await until(app, lambda: "❚❚ PAUSED" in row_of(app, "alice-2"))
        assert action_requests(demo_server) == [("PUT", "Pause", 204)]


async def test_a_double_press_sends_one_request_while_its_result_is_not_shown(
        demo_server, clock):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        demo_server.faults.inject("500", 1)  # the confirming poll fails
        await pilot.press("P")
        await until_answered(app)
        await until(app, lambda: app.store.failure is not None)
        await pilot.press("P")
        assert "… PAUSING" in row_of(app, "alice-2")
        assert action_requests(demo_server) == [("PUT", "Pause", 204)]


# ---------------------------------------------------------------------- start
async def test_N_starts_recording_a_line_and_says_each_answer(demo_server, clock):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        table = await ready(app)

        async def start(line_field: str, value: str, *, dial_in: bool = False) -> None:
            before = app.actions.answers
            await pilot.press("N")
            dialog = app.screen
            assert isinstance(dialog, StartRecordingScreen)
            assert app.focused is dialog.query_one("#start-device", Input)
            if line_field == "number":
                await pilot.press("tab")
            await pilot.press(*value)
            if dial_in:
                dialog.query_one("#mode-dial-in").value = True
            await pilot.press("enter")
            await until_answered(app, before + 1)

        await start("number", IDLE_LINES["dave"]["directory_number"])
        assert last_notice(app) == (
            "warning", "Start recording 4001: there is no connected call on that line to "
                       "record")
        await start("device", KNOWN_CALLS["bob"]["device_name"])
        assert last_notice(app)[1].endswith("the call on that line is already being recorded")
        await start("number", IDLE_LINES["erin"]["directory_number"])
        assert last_notice(app) == ("error", "Start recording 5001: that line is not monitorable")
        demo_server.floor.stop(BOB)  # bob's call goes on, unrecorded
        await start("number", KNOWN_CALLS["bob"]["directory_number"], dial_in=True)
        severity, text = last_notice(app)
        assert severity == "information"
        assert text.startswith("Recording started on 2001 (dial-in): ")
        new_id = text.rsplit(" ", 1)[-1]
        posted = [r.body for r in demo_server.requests if r.method == "POST"]
        assert json.loads(posted[-1]) == {"directoryNumber": "2001", "mode": 1}
        await until(app, lambda: new_id in app.store.records)  # polled at once…
        assert table.cursor_id == new_id  # …and the cursor goes to the new recording


async def test_the_start_dialog_wants_a_line_and_esc_sends_nothing(demo_server, clock):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        await pilot.press("N", "enter")
        dialog = app.screen
        assert isinstance(dialog, StartRecordingScreen)  # still open, and says why
        problem = dialog.query_one("#start-problem")
        assert problem.display and "Enter a device name or a directory number" in str(
            problem.render())
        await pilot.press("escape")
        assert not isinstance(app.screen, StartRecordingScreen)
        assert action_requests(demo_server) == []


# ---------------------------------------------------------------------- details, palette
async def test_the_details_dialog_has_the_buttons_and_they_act_on_its_recording(
        demo_server, clock):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        await pilot.press("space")  # a mark elsewhere does not matter here
        put_cursor_on(app, "bob")
        await pilot.press("enter")
        details = app.screen
        assert isinstance(details, DetailsScreen) and details.recording_id == BOB
        assert not isinstance(app.focused, Button)  # a second Enter acts on nothing
        await pilot.click("#details-pause")
        await until_answered(app)
        assert [r.path.split("/")[-2] for r in demo_server.requests if r.method == "PUT"] == [
            BOB]
        await pilot.press("X")  # the stop button's key: asks first, over the details
        assert isinstance(app.screen, ConfirmActionScreen)
        assert app.screen.rows[0][0] == "bob ↔ +15550001111"
        await pilot.press("escape")
        assert app.screen is details
        assert len(action_requests(demo_server)) == 1


async def test_the_palette_offers_the_actions(demo_server, clock):
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        provider = ActionCommands(app.screen)
        names = [hit.text async for hit in provider.discover()]
        assert names == ["Pause recordings", "Resume recordings", "Stop recordings…",
                         "Start recording a line…",
                         "Mark or unmark the recording under the cursor"]
        hits = [hit async for hit in provider.search("pause rec")]
        assert [hit.text for hit in hits] == ["Pause recordings"]
        hits[0].command()
        await until_answered(app)
        assert action_requests(demo_server) == [("PUT", "Pause", 204)]
        await until(app, lambda: "❚❚ PAUSED" in row_of(app, "alice-2"))
        await pilot.press("ctrl+p", *"Resume recordings")  # the real palette has them
        palette = app.screen
        options = palette.query_one(OptionList)
        for _ in range(100):  # its search runs in a worker: let it deliver
            if options.option_count:
                break
            await pilot.pause()
        assert "Resume recordings" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await until_answered(app, 2)
        assert action_requests(demo_server)[-1] == ("PUT", "Resume", 204)


# ---------------------------------------------------------------------- turned off
@pytest.mark.parametrize("mode", [{"read_only": True}, {"kiosk": True}])
async def test_read_only_and_kiosk_send_nothing_and_offer_nothing(demo_server, clock, mode):
    app = make_app(demo_server, clock, **mode)
    async with app.run_test(size=SIZE) as pilot:
        table = await ready(app)
        assert app.actions.client is None  # nothing to send with
        await pilot.press("space", "P", "R", "X", "N")
        assert not isinstance(app.screen, (ConfirmActionScreen, StartRecordingScreen))
        assert not app.store.actions.marks and not app.query("#marks")
        assert not any("✓" in row_of(app, name) for name in KNOWN_IDS)
        assert [name async for name in ActionCommands(app.screen).discover()] == []
        bindings = {b.binding.action for b in app.screen.active_bindings.values()}
        assert not bindings & {"toggle_mark", "pause_recordings", "stop_recordings"}
        if not app.settings.kiosk:
            table.focus()
            await pilot.press("enter")
            assert isinstance(app.screen, DetailsScreen) and not app.screen.query(Button)
            await pilot.press("P", "X", "escape", "question_mark")
            help_text = str(app.screen.query_one("#help-keys").render())
            assert isinstance(app.screen, HelpScreen) and "pause the marked" not in help_text
        await poll_now(app)
        assert action_requests(demo_server) == []


async def test_capitals_typed_into_a_filter_are_text_not_actions(demo_server, clock):
    app = make_app(demo_server, clock, interval=3600.0)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        await pilot.press("f", *"PRXN ")
        assert app.query_one("#filter-deviceName", Input).value == "PRXN "
        await pilot.press("enter", "slash", *"PRXN ")  # and in the search line
        assert app.query_one("#search-input", Input).value == "PRXN "
        assert not isinstance(app.screen, (ConfirmActionScreen, StartRecordingScreen))
        assert not app.store.actions.marks and action_requests(demo_server) == []


# ---------------------------------------------------------------------- audit
async def test_every_action_is_audited_with_the_row_as_shown(demo_server, clock, caplog):
    app = make_app(demo_server, clock)
    caplog.set_level(logging.INFO, logger="livedash.audit")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        put_cursor_on(app, "alice-1")
        await pilot.press("P")
        await until_answered(app)
        put_cursor_on(app, "carol")
        await pilot.press("X", "y")
        await until_answered(app, 2)
    lines = [r.getMessage() for r in caplog.records if r.name == "livedash.audit"]
    assert len(lines) == 2
    assert ("user=supervisor" in lines[0] and "action=pause" in lines[0]
            and f"id={ALICE_1} local_user=alice remote=+390212345678 outcome=done "
                "status=204" in lines[0])
    assert f"action=stop id={CAROL} local_user=carol remote=- outcome=refused status=400 " \
           "reason=2" in lines[1]


async def test_server_text_in_the_question_and_the_notice_stays_text(demo_server, clock):
    demo_server.faults.inject("hostile", 1)
    app = make_app(demo_server, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        table = app.query_one(RecordingsTable)
        hostile = next(rec for rec in app.store.records.values()
                       if rec.username == "[bold red]x[/]")
        table.move_cursor(table.row_of(hostile.id))
        await pilot.press("X")
        dialog = app.screen
        assert isinstance(dialog, ConfirmActionScreen)
        assert dialog.rows[0][0].startswith("[bold red]x[/] ↔ [bold red]x[/]")
        assert "[bold red]x[/] ↔" in rendered_text(dialog.query_one("#confirm-list").content)
        await pilot.press("y")
        await until_answered(app)
        assert last_notice(app)[1].startswith("Stop [bold red]x[/] ↔ ")  # shown literally
        assert app.is_running
