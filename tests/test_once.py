"""``livedash --once`` as a monitoring check would run it: a real process, real HTTP."""

import csv
import io
import json
import os
import re
import subprocess
import sys

import pytest

from livedash.demo.testing import KNOWN_IDS


def run_once(server, *args, password="demo", user="supervisor"):
    env = {**os.environ, "LIVEDASH_PASSWORD": password, "TZ": "UTC"}
    return subprocess.run(
        [sys.executable, "-m", "livedash", "--once", "--url", server.url, "--user", user,
         "--server-tz", "UTC", "--tz", "UTC", "--timeout", "2", *args],
        capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL,
    )


def test_json_output_and_filters(demo_server):
    done = run_once(demo_server, "--format", "json", "--username", "alice")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {r["id"] for r in rows} == {KNOWN_IDS["alice-1"], KNOWN_IDS["alice-2"]}
    assert demo_server.requests[-1].query == {"username": "alice"}


def test_table_output_has_the_seed_example(demo_server):
    done = run_once(demo_server, "--directory-number", "123456", "--username", "user1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["STATE", "DURATION", "USER", "REMOTE", "NUMBER", "STARTED", "ID"]
    # not today: the date, then the time, in --tz; no microseconds, no offset
    assert lines[1].split() == ["recording", "0:01:13", "user1", "John", "Doe", "+1555123456",
                                "2018-07-02", "15:07:00", KNOWN_IDS["example"]]
    assert lines[-1] == "1 live recording, 0 paused"


# Longest first, as the dashboard sorts: alice-2 3605 s, alice-1 75, example 73, carol 42
LONGEST_FIRST = ["alice-2", "alice-1", "example", "carol", "bob"]


def test_table_is_longest_first_and_fits_a_terminal(demo_server):
    done = run_once(demo_server)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[-1] for line in lines[1:-1]] == [KNOWN_IDS[n] for n in LONGEST_FIRST]
    assert lines[-1] == "5 live recordings, 1 paused"
    assert max(len(line) for line in lines) <= 120  # was 145 with full ISO timestamps


async def test_table_shows_only_the_time_of_a_start_today(demo_server):
    """Today in the display zone: HH:MM:SS. The clock is the reader's, injected here."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from livedash.clock import FixedClock
    from livedash.demo.testing import KNOWN_NOW
    from livedash.once import run_once as once_in_process

    from .conftest import settings_for

    rome = ZoneInfo("Europe/Rome")  # KNOWN_NOW 09:30 UTC is 10:30 in Rome, in March
    clock = FixedClock(KNOWN_NOW.replace(hour=10, tzinfo=UTC))
    out, err = io.StringIO(), io.StringIO()
    code = await once_in_process(settings_for(demo_server.url, display_tz=rome), "table",
                                 out=out, err=err, clock=clock)
    assert code == 0 and err.getvalue() == ""
    rows = {line.split()[-1]: line.split() for line in out.getvalue().splitlines()[1:-1]}
    assert rows[KNOWN_IDS["alice-1"]][-2] == "10:28:45"  # started 75 s before 10:30 Rome
    assert rows[KNOWN_IDS["example"]][-3:-1] == ["2018-07-02", "17:07:00"]  # CEST: +2
    assert datetime(2018, 7, 2, tzinfo=rome).date() != clock.now().date()


def test_csv_and_json_keep_full_iso_timestamps_longest_first(demo_server):
    done = run_once(demo_server, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == len(KNOWN_IDS) and done.returncode == 0
    assert [row["id"] for row in rows] == [KNOWN_IDS[n] for n in LONGEST_FIRST]
    example = next(row for row in rows if row["id"] == KNOWN_IDS["example"])
    assert example["started"] == "2018-07-02T15:07:00+00:00"
    done = run_once(demo_server, "--format", "json")
    rows = json.loads(done.stdout)
    assert [row["id"] for row in rows] == [KNOWN_IDS[n] for n in LONGEST_FIRST]
    assert rows[0]["startedAt"].endswith("+00:00")


@pytest.mark.parametrize(
    ("fault", "code", "message"),
    [
        ("401", 4, "401 Unauthorized"),
        ("403", 5, "level 10"),
        ("404", 6, "404 Not Found"),
        ("500", 6, "500"),
        ("503_html", 6, "503"),
        ("html_200", 7, "HTML page"),
        ("truncated_json", 7, "not valid JSON"),
        ("json_null", 7, "got null"),
        ("drop", 3, "connection dropped"),
        ("slow", 3, "did not answer in time"),
    ],
)
def test_exit_codes_and_one_line_errors(demo_server, fault, code, message):
    demo_server.faults.inject(fault, count=1, **({"delay": 10} if fault == "slow" else {}))
    done = run_once(demo_server)
    assert done.returncode == code
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("livedash: error: ") and message in line
    assert "Traceback" not in done.stderr


def test_wrong_password_exit_code_and_no_leak(demo_server):
    done = run_once(demo_server, password="hunter2-secret")
    assert done.returncode == 4
    assert "hunter2-secret" not in done.stderr + done.stdout


def test_server_down_is_exit_3(demo_server):
    demo_server.go_down()
    done = run_once(demo_server)
    assert done.returncode == 3 and "cannot connect" in done.stderr


def test_unreadable_records_are_skipped_exit_0_with_warning_lines(demo_server):
    demo_server.faults.inject("bad_records", count=1)
    done = run_once(demo_server, "--format", "json")
    assert done.returncode == 0
    assert len(json.loads(done.stdout)) >= len(KNOWN_IDS)
    lines = done.stderr.splitlines()
    assert re.fullmatch(r"livedash: warning: \d+ records unreadable, skipped", lines[0])
    assert len(lines) > 2
    assert all(re.match(r"livedash: warning: record #\d+ \(id [^)]+\): \S", line)
               for line in lines[1:])


def test_hostile_strings_leave_no_control_characters(demo_server):
    demo_server.faults.inject("hostile", count=1)
    for fmt in ("table", "csv", "json"):
        demo_server.faults.inject("hostile", count=1)
        done = run_once(demo_server, "--format", fmt)
        assert done.returncode == 0
        assert not any(ch in done.stdout for ch in "\x1b\x07\x9b\u202e\x00"), fmt


# Names a spreadsheet would run as formulas (OWASP CSV injection), and numbers to keep
FORMULA_CALLS = {
    "mallory": dict(first_name="=cmd|'/c calc'!A1", last_name="", phone_number="+1555123456"),
    "@SUM(1)": dict(first_name="-2+3", last_name="", phone_number="+39 02 1234"),
    "trent": dict(first_name="+A1", last_name="", phone_number="-1+1"),
}


def add_formula_calls(floor) -> dict[str, str]:
    """The calls of FORMULA_CALLS on ``floor``, longest first; username → id."""
    return {user: floor.add_call(username=user, duration=50_000 - index, **spec)
            for index, (user, spec) in enumerate(FORMULA_CALLS.items())}


def test_csv_neutralises_formulas_and_keeps_phone_numbers(demo_server):
    ids = add_formula_calls(demo_server.floor)
    done = run_once(demo_server, "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(done.stdout))}
    mallory, at_sum, trent = (rows[ids[user]] for user in FORMULA_CALLS)
    assert (mallory["user"], mallory["remote"], mallory["number"]) == (
        "mallory", "'=cmd|'/c calc'!A1", "+1555123456")
    assert (at_sum["user"], at_sum["remote"], at_sum["number"]) == (
        "'@SUM(1)", "'-2+3", "+39 02 1234")
    assert (trent["remote"], trent["number"]) == ("'+A1", "'-1+1")
    # the other rows are untouched
    assert rows[KNOWN_IDS["example"]]["number"] == "+1555123456"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_output_that_cannot_be_written_is_exit_10_and_one_line(demo_server):
    env = {**os.environ, "LIVEDASH_PASSWORD": "demo", "TZ": "UTC"}
    with open("/dev/full", "w") as full:  # every write: "No space left on device"
        done = subprocess.run(
            [sys.executable, "-m", "livedash", "--once", "--url", demo_server.url,
             "--user", "supervisor", "--format", "csv"],
            stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=60,
            stdin=subprocess.DEVNULL)
    assert done.returncode == 10
    assert done.stderr == "livedash: error: cannot write the output (No space left on device)\n"
