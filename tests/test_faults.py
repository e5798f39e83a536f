"""Every fault the issue lists, injected at the demo server while the dashboard runs.

For each: the message on screen says what happened and what comes next; the last good
rows stay, marked stale with their age; transient faults back off (capped, doubling)
and 401/403 wait for the user; recovery comes with the server. Time is a FixedClock and
retries are triggered with ``r`` (or left to a tiny backoff), never waited for.
"""

import asyncio
import json

import pytest

from livedash.app import LiveDashApp
from livedash.clock import FixedClock
from livedash.demo.testing import KNOWN_IDS
from livedash.logs import setup_logging, shutdown_logging
from livedash.poller import Backoff
from livedash.widgets.recordings_table import RecordingsTable
from livedash.widgets.screens import UnreadableScreen

from .conftest import press_and_settle, settings_for, until
from .test_app import rendered_text
from .test_once import run_once

SIZE = (150, 30)
SLOW_TIMEOUT = 0.5  # the client's timeout in the `slow` case (the server waits 30 s)
CAP_BYTES = 256 * 1024  # Settings.max_body_bytes in these tests: `huge` sends 2 MiB


def make_app(server, *, backoff=None, clock=None, **overrides):
    overrides.setdefault("max_body_bytes", CAP_BYTES)
    return LiveDashApp(
        settings_for(server.url, **overrides), clock=clock or FixedClock(),
        # deterministic: no jitter, 30 s then 60 s (the cap); nothing fires by itself
        backoff=backoff or Backoff(base=30, cap=60, jitter=0.25, rand=lambda: 0.0),
    )


def status_text(app) -> str:
    return str(app.query_one("#status").render())


def row_ids(app) -> set[str]:
    table = app.query_one(RecordingsTable)
    return {table.recording_at(i).id for i in range(table.row_count)}


def row_texts(app) -> list[str]:
    table = app.query_one(RecordingsTable)
    return [table.render_line(y).text for y in range(1, table.row_count + 1)]


async def first_data(app) -> None:
    await until(app, lambda: app.store.has_data)
    assert status_text(app).startswith(" ● LIVE ")


def break_server(server, kind, params):
    if kind == "go_down":
        server.go_down()
    else:
        server.faults.inject(kind, **params)  # no count: every request until cleared


def mend_server(server, kind):
    if kind == "go_down":
        server.come_up()
    else:
        server.faults.clear()


# kind, params, what the message must say (what happened), client timeout
TRANSIENT = [
    ("404", {}, "404 Not Found: no LiveRecordings endpoint at http://127.0.0.1:"),
    ("500", {}, "500 Internal Server Error: the server failed to answer"),
    ("502_html", {}, "502 Bad Gateway: the server failed to answer"),
    ("503_html", {}, "503 Service Unavailable: the server failed to answer"),
    ("slow", {"delay": 30}, "the server did not answer in time"),
    ("go_down", {}, "cannot connect to 127.0.0.1:"),
    ("drop", {}, "the connection dropped before the answer was complete"),
    ("truncated_json", {}, "the answer is not valid JSON"),
    ("html_200", {}, "the server answered with an HTML page, not JSON"),
    ("json_object", {}, "unexpected answer: expected a JSON array of recordings, got dict"),
    ("json_null", {}, "unexpected answer: expected a JSON array of recordings, got null"),
    ("json_number", {}, "unexpected answer: expected a JSON array of recordings, got int"),
    ("huge", {"mb": 2}, "the answer is larger than the 0.25 MiB cap; it was not read"),
]


@pytest.mark.parametrize(("kind", "params", "what"), TRANSIENT, ids=[t[0] for t in TRANSIENT])
async def test_transient_fault_keeps_stale_rows_backs_off_and_recovers(
        demo_server, kind, params, what):
    clock = FixedClock()
    timeout = SLOW_TIMEOUT if kind == "slow" else 5.0
    app = make_app(demo_server, clock=clock, timeout=timeout)
    async with app.run_test(size=SIZE) as pilot:
        await first_data(app)
        assert row_ids(app) == set(KNOWN_IDS.values())

        break_server(demo_server, kind, params)
        # attempts 1, 2, 3: 30 s, 60 s, then the 60 s cap (base 30, no jitter)
        for attempt, delay, age in ((1, 30, "30s"), (2, 60, "1m00s"), (3, 60, "1m30s")):
            clock.advance(30)
            await press_and_settle(pilot, "r")
            text = status_text(app)
            # what happened
            assert what in text, text
            # the data on screen: the last good rows, marked stale with their age
            assert text.startswith(f" ◌ STALE {age} "), text
            assert f"Showing data from 09:30:00 ({age} old)" in text
            assert row_ids(app) == set(KNOWN_IDS.values())  # durations tick on, locally
            assert app.query_one("#status").has_class("-stale")
            # what comes next: a retry after the poller's backoff
            assert app.store.failure.next_attempt_in == delay
            assert app.poller.backoff.delay(attempt) == delay
            next_try = f"Retrying in {delay}s" + (f" (attempt {attempt + 1})" if attempt > 1
                                                  else "")
            assert f"{next_try}, or press r" in text
            assert not app.poller.blocked
        # the countdown follows the clock
        clock.advance(20)
        app.tick()
        assert "Retrying in 40s" in status_text(app)

        # the server recovers, with one more call than before
        new_id = demo_server.floor.add_call(username="zed", duration=5)
        mend_server(demo_server, kind)
        clock.advance(5)
        await press_and_settle(pilot, "r")
        text = status_text(app)
        assert text.startswith(" ● LIVE "), text
        assert what not in text and "STALE" not in text
        assert row_ids(app) == {*KNOWN_IDS.values(), new_id}
        assert app.store.last_success == clock.now()
        assert app.is_running


@pytest.mark.parametrize(("kind", "what", "next_step"), [
    ("401", "401 Unauthorized: the server rejected the user name or password",
     "Not retried automatically (repeated attempts can lock the account): "
     "press L to enter the password again, or r to retry"),
    ("403", "403 Forbidden: this user lacks the 'Call Recording Complete Management' "
     "privilege (level 10) needed to see live recordings",
     "Not retried automatically: press r once an administrator has granted the privilege"),
], ids=["401", "403"])
async def test_auth_faults_are_not_retried_without_the_user(demo_server, kind, what, next_step):
    clock = FixedClock()
    # Were a 401/403 retried by itself, it would be 10 ms later: a loop would show at once.
    app = make_app(demo_server, clock=clock,
                   backoff=Backoff(base=0.01, cap=0.01, rand=lambda: 0.0))
    async with app.run_test(size=SIZE) as pilot:
        await first_data(app)
        demo_server.faults.inject(kind, count=1)  # the next request only
        clock.advance(30)
        await press_and_settle(pilot, "r")
        text = status_text(app)
        assert what in text and next_step in text, text
        assert text.startswith(" ◌ STALE 30s ") and len(row_ids(app)) == len(KNOWN_IDS)
        assert app.poller.blocked and app.store.failure.next_attempt_in is None
        sent = len(demo_server.requests)

        # No request without the user: no poll outcome comes (a retry would bring the
        # good answer within 10 ms), however much time passes on the app's clock.
        app.poll_settled.clear()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(app.poll_settled.wait(), timeout=0.5)
        clock.advance(3600)
        app.tick()
        await pilot.pause()
        assert len(demo_server.requests) == sent
        assert "1h00m old" in status_text(app)

        # The user retries: one request, and the fault was a one-off.
        await press_and_settle(pilot, "r")
        assert len(demo_server.requests) == sent + 1
        assert status_text(app).startswith(" ● LIVE ")
        assert not app.poller.blocked


async def test_401_before_any_data_is_an_error_not_stale(demo_server):
    demo_server.faults.inject("401", count=1)
    app = make_app(demo_server)
    async with app.run_test(size=SIZE):
        await until(app, lambda: app.outcomes >= 1)
        text = status_text(app)
        assert text.startswith(" ✕ ERROR ") and "401 Unauthorized" in text
        assert "press L" in text and app.query_one(RecordingsTable).row_count == 0


async def test_kiosk_marks_stale_and_gives_no_key_advice(demo_server):
    clock = FixedClock()
    app = make_app(demo_server, clock=clock, kiosk=True)
    async with app.run_test(size=SIZE):
        await first_data(app)
        demo_server.faults.inject("503_html")
        clock.advance(30)
        before = app.outcomes
        app.poller.poll_now()  # a kiosk has no keys: the test asks directly
        await until(app, lambda: app.outcomes > before)
        text = status_text(app)
        assert text.startswith(" ◌ STALE 30s ") and "Retrying in 30s" in text
        assert "press" not in text
        glance = app.query_one("#glance")
        assert glance.has_class("-stale")  # the last good figures, marked in words too
        assert glance.query_one("#tile-recording").figure == str(len(KNOWN_IDS) - 1)
        assert "◌ last known" in str(glance.query_one("#tile-recording .tile-word").render())
        assert " ◌ STALE 30s " in str(app.query_one("#header").render())


async def test_kiosk_401_asks_for_a_restart_not_a_key(demo_server):
    demo_server.faults.inject("401", count=1)
    app = make_app(demo_server, kiosk=True)
    async with app.run_test(size=SIZE):
        await until(app, lambda: app.outcomes >= 1)
        text = status_text(app)
        assert "401 Unauthorized" in text and "press" not in text
        assert "correct the password and restart livedash" in text
        assert "correct the password and restart livedash" in str(
            app.query_one("#empty").content)


async def test_kiosk_403_is_asked_again_every_5_minutes_by_itself(demo_server):
    clock = FixedClock()
    app = make_app(demo_server, clock=clock, kiosk=True)
    waited = []
    time_passed = asyncio.Event()  # the test says when the 5 minutes are over

    async def wait(wake, delay):
        waited.append(delay)
        await time_passed.wait()
        time_passed.clear()

    app.poller.wait = wait
    demo_server.faults.inject("403")  # until an administrator grants the privilege
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.outcomes >= 1)
        text = status_text(app)
        assert text.startswith(" ✕ ERROR ") and "403 Forbidden" in text and "press" not in text
        assert ("An administrator must grant the privilege to this user; livedash checks "
                "again every 5 minutes by itself (next in 5m00s)") in text
        assert not app.poller.blocked and waited == [300]
        # said in the middle of the wall too, where the empty table would be
        empty = app.query_one("#empty")
        assert empty.display and empty.has_class("-failure")
        assert "must grant the privilege" in str(empty.content)
        clock.advance(61)
        app.tick()
        assert "(next in 3m59s)" in status_text(app)
        assert "(next in 3m59s)" in str(empty.content)
        time_passed.set()  # 5 minutes later: still forbidden
        await until(app, lambda: app.outcomes >= 2)
        assert app.store.failure.attempt == 2 and waited == [300, 300]
        demo_server.faults.clear()  # granted
        time_passed.set()
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        assert status_text(app).startswith(" ● LIVE ") and len(row_ids(app)) == len(KNOWN_IDS)


async def test_transient_faults_recover_without_the_user(demo_server):
    """One poll is asked for; every retry after it is the poller's own, on its backoff."""
    app = make_app(demo_server, backoff=Backoff(base=0.02, cap=0.05, jitter=0.25,
                                                rand=lambda: 0.0))
    delays = []
    deliver = app.poller._on_error
    app.poller._on_error = lambda error, delay: (delays.append(delay), deliver(error, delay))
    kinds = ["500", "502_html", "503_html", "drop", "truncated_json", "html_200",
             "json_object", "json_null", "json_number"]
    async with app.run_test(size=SIZE):
        await first_data(app)
        for kind in kinds:
            demo_server.faults.inject(kind, count=1)
        new_id = demo_server.floor.add_call(username="zed", duration=5)
        sent = len(demo_server.requests)
        app.poller.poll_now()
        await until(app, lambda: new_id in app.store.records, timeout=20)
        assert status_text(app).startswith(" ● LIVE ")
        assert [r.fault for r in demo_server.requests[sent:]] == [*kinds, None]
        # doubling from 0.02, capped at 0.05
        assert delays == [0.02, 0.04] + [0.05] * (len(kinds) - 2)

        # the server goes away and comes back: polling finds it again by itself
        demo_server.go_down()
        before = app.outcomes
        app.poller.poll_now()
        await until(app, lambda: app.outcomes > before and app.store.failure is not None)
        assert "cannot connect to 127.0.0.1:" in status_text(app)
        demo_server.come_up()
        await until(app, lambda: app.store.failure is None, timeout=20)
        assert status_text(app).startswith(" ● LIVE ")


def test_default_backoff_is_capped_exponential_with_jitter(demo_server):
    app = LiveDashApp(settings_for(demo_server.url, interval=2.0))
    backoff = app.poller.backoff
    assert (backoff.base, backoff.cap, backoff.jitter) == (2.0, 60.0, 0.25)
    fixed = Backoff(base=2, cap=60, jitter=0.25, rand=lambda: 1.0)  # the most jitter
    assert [fixed.delay(n) for n in (1, 2, 3, 6, 7, 20)] == [1.5, 3, 6, 45, 45, 45]


@pytest.mark.parametrize(("kind", "unreadable", "extra_ids", "reasons"), [
    ("bad_records", 8, {"badbad00-0000-4000-8000-000000000005",
                        "badbad00-0000-4000-8000-000000000099"},
     ["id is missing or not a string", "duration 'banana' is not ISO 8601",
      "isPaused is str, expected a boolean", "record is str, expected an object"]),
    ("duplicate_ids", 2, set(), ["duplicate id"]),
])
async def test_unreadable_records_are_skipped_counted_and_listed(
        demo_server, kind, unreadable, extra_ids, reasons):
    app = make_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await first_data(app)
        demo_server.faults.inject(kind)
        await press_and_settle(pilot, "r")
        text = status_text(app)
        assert text.startswith(" ● LIVE ")
        assert f"{unreadable} records unreadable (u for details)" in text
        assert row_ids(app) == {*KNOWN_IDS.values(), *extra_ids}
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, UnreadableScreen)
        listed = rendered_text(app.screen.query_one("#unreadable-list").content)
        for reason in reasons:
            assert reason in listed
        await pilot.press("escape")
        assert not isinstance(app.screen, UnreadableScreen)


# -- unexpected errors: caught, logged, shown briefly; polling goes on ----------------

async def test_a_bug_in_a_handler_is_logged_shown_and_the_app_goes_on(
        demo_server, tmp_path, monkeypatch):
    log_file = setup_logging(tmp_path / "livedash.log", [])
    try:
        app = make_app(demo_server)
        async with app.run_test(size=SIZE) as pilot:
            await first_data(app)

            # 1. applying a poll
            def broken_apply(result):
                raise ZeroDivisionError("a bug while applying")

            monkeypatch.setattr(app.store, "apply", broken_apply)
            await press_and_settle(pilot, "r")
            assert app.internal_errors == 1 and app.is_running
            notes = [n.message for n in app._notifications]
            assert any("Internal error while showing the poll (ZeroDivisionError); "
                       "livedash goes on." in n and str(log_file) in n for n in notes)
            monkeypatch.undo()

            # 2. a timer callback, 3. an action, 4. a failed poll's handler
            monkeypatch.setattr(app.table, "tick", lambda: 1 / 0)
            app.tick()
            monkeypatch.setattr(app.poller, "set_paused", lambda paused: 1 / 0)
            await pilot.press("p")
            monkeypatch.setattr(app.store, "fail", lambda error, delay: 1 / 0)
            demo_server.faults.inject("500", count=1)
            await press_and_settle(pilot, "r")
            assert app.internal_errors == 4 and app.is_running
            monkeypatch.undo()

            # polling goes on
            await press_and_settle(pilot, "r")
            assert status_text(app).startswith(" ● LIVE ")
        assert app.return_code in (None, 0)
    finally:
        shutdown_logging()
    logged = log_file.read_text()
    assert logged.count("Traceback (most recent call last)") == 4
    assert "internal error while showing the poll" in logged
    assert "ZeroDivisionError: a bug while applying" in logged
    assert "poll failed (retry in 30.0s): 500 Internal Server Error" in logged


async def test_a_bug_in_the_polling_loop_restarts_it(demo_server, tmp_path):
    app = make_app(demo_server, backoff=Backoff(base=0.01, cap=0.01, rand=lambda: 0.0))
    real = app.poller.poll_once
    calls = 0

    async def flaky():
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("a bug in the loop")
        return await real()

    app.poller.poll_once = flaky
    async with app.run_test(size=SIZE):
        await first_data(app)
        new_id = demo_server.floor.add_call(username="zed", duration=5)
        app.poller.poll_now()  # this one raises; the loop restarts and polls again
        await until(app, lambda: new_id in app.store.records)
        assert app.internal_errors == 1 and calls == 3


# -- the same faults in --once mode: the ones tests/test_once.py does not cover -------

@pytest.mark.parametrize(("fault", "params", "args", "code", "message"), [
    ("huge", {"mb": 2}, ["--max-body-mb", "0.25"], 7,
     "the answer is larger than the 0.25 MiB cap; it was not read"),
    ("json_object", {}, [], 7, "expected a JSON array of recordings, got dict"),
    ("json_number", {}, [], 7, "expected a JSON array of recordings, got int"),
    ("502_html", {}, [], 6, "502 Bad Gateway"),
    ("json_null", {}, [], 7, "got null"),
])
def test_once_exit_codes_for_more_faults(demo_server, fault, params, args, code, message):
    demo_server.faults.inject(fault, count=1, **params)
    done = run_once(demo_server, *args)
    assert done.returncode == code, done.stderr
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("livedash: error: ") and message in line


def test_once_403_for_a_real_user_without_level_10(demo_server):
    done = run_once(demo_server, user="viewer")
    assert done.returncode == 5
    (line,) = done.stderr.splitlines()
    assert "level 10" in line


def test_once_duplicate_ids_print_the_first_and_count_the_rest(demo_server):
    demo_server.faults.inject("duplicate_ids", count=1)
    done = run_once(demo_server, "--format", "json")
    assert done.returncode == 0, done.stderr
    ids = [row["id"] for row in json.loads(done.stdout)]
    assert sorted(ids) == sorted(KNOWN_IDS.values())
    lines = done.stderr.splitlines()
    assert lines[0] == "livedash: warning: 2 records unreadable, skipped"
    assert all(line.startswith("livedash: warning: record #") and "duplicate id" in line
               for line in lines[1:]) and len(lines) == 3


def test_once_server_down_then_up(demo_server):
    demo_server.go_down()
    down = run_once(demo_server)
    demo_server.come_up()
    up = run_once(demo_server)
    assert down.returncode == 3 and down.stderr.startswith("livedash: error: cannot connect")
    assert up.returncode == 0 and up.stderr == ""


# -- weeks of uptime: what a dialog leaves behind is released -------------------------

async def test_dialogs_opened_and_closed_do_not_pile_up_widgets(demo_server):
    """After a minute, the FooterKeys of closed dialogs are gone: whether Textual still
    keeps them watched (issue #6666) or not, the app's housekeeping prunes dead watchers
    (tests/test_textual_workarounds.py checks the workaround itself)."""
    import gc

    from textual.widgets._footer import FooterKey

    def footer_keys() -> int:
        gc.collect()
        return sum(1 for obj in gc.get_objects() if isinstance(obj, FooterKey))

    app = make_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await first_data(app)
        await pilot.pause()
        live = len(app.query(FooterKey))
        for _ in range(5):
            app.action_help()
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
        for _ in range(60):  # a minute of ticks
            app.tick()
        assert footer_keys() <= 2 * live
