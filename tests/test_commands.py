"""``livedash pause|resume|stop|start`` against the demo server over loopback HTTP: exit
codes, one line per id, nothing sent when refused, the audit lines in the log file."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass

import pytest

from livedash import cli
from livedash.commands import build_parser
from livedash.demo import DemoServer, Floor
from livedash.demo.testing import IDLE_LINES, KNOWN_CALLS, KNOWN_IDS, known_floor
from livedash.logs import shutdown_logging

MISSING = "00000000-0000-4000-8000-000000000000"


@dataclass
class Ran:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.err.splitlines()


class Terminal(io.StringIO):
    """stdin as a terminal, with the user's answer already typed."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def livedash(demo_server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LIVEDASH_PASSWORD", "demo")
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)  # the run replaces it
    log = tmp_path / "livedash.log"

    def run(command: str, *args: str, stdin: io.StringIO | None = None, server=demo_server,
            user: str = "supervisor") -> Ran:
        monkeypatch.setattr(sys, "stdin", stdin if stdin is not None else io.StringIO())
        argv = [command, "--url", server.url, "--user", user, "--log-file", str(log),
                "--timeout", "2", *args]
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    run.log = log
    yield run
    shutdown_logging()


def _actions_sent(server) -> list:
    return [r for r in server.requests if r.method != "GET"]


def test_pause_and_pause_again(livedash, demo_server):
    rec_id = KNOWN_IDS["alice-1"]
    assert livedash("pause", rec_id) == Ran(0, "", "")
    again = livedash("pause", rec_id)
    assert again.code == 0 and again.out == ""
    assert again.lines == [f"livedash: warning: pause {rec_id}: already paused"]
    assert [r.status for r in _actions_sent(demo_server)] == [204, 429]  # 429 not retried


def test_resume_of_a_running_recording_is_done_with_a_warning(livedash):
    ran = livedash("resume", KNOWN_IDS["bob"])
    assert ran.code == 0
    assert ran.lines == [f"livedash: warning: resume {KNOWN_IDS['bob']}: not paused"]


def test_the_worst_of_all_ids_one_line_each(livedash, demo_server):
    ran = livedash("pause", KNOWN_IDS["bob"], MISSING, KNOWN_IDS["bob"], KNOWN_IDS["carol"])
    assert ran.code == 8
    assert ran.lines == [
        f"livedash: error: pause {MISSING}: that recording has already ended",
        f"livedash: warning: pause {KNOWN_IDS['carol']}: already paused",
    ]
    assert len(_actions_sent(demo_server)) == 3  # the repeated id once, the 409 once


def test_stop_reasons_in_words(livedash, demo_server):
    ran = livedash("stop", "--yes", KNOWN_IDS["carol"], KNOWN_IDS["alice-2"], "not-a-guid",
                   KNOWN_IDS["bob"])
    assert ran.code == 6
    assert ran.lines == [
        f"livedash: error: stop {KNOWN_IDS['carol']}: this line is recorded by policy and "
        "cannot be stopped here",
        f"livedash: error: stop {KNOWN_IDS['alice-2']}: this line is not monitorable",
        "livedash: error: stop not-a-guid: the server says this is not a valid recording id",
    ]
    assert KNOWN_IDS["bob"] not in demo_server.floor.ids()


def test_stop_off_a_terminal_without_yes_sends_nothing(livedash, demo_server):
    ran = livedash("stop", KNOWN_IDS["bob"])
    assert ran.code == 2
    assert ran.lines == ["livedash: error: stop asks before it acts: run it on a terminal, "
                         "or add --yes; nothing was sent"]
    assert demo_server.requests == []


def test_stop_asks_on_a_terminal(livedash, demo_server):
    declined = livedash("stop", KNOWN_IDS["bob"], MISSING, stdin=Terminal("n\n"))
    assert declined.code == 2
    assert "Stop 2 recordings?" in declined.err
    assert f"  {KNOWN_IDS['bob']}  bob ↔ +15550001111  0:00:00" in declined.err
    assert f"  {MISSING}  (not among the live recordings now)" in declined.err
    assert declined.lines[-1].endswith("livedash: error: nothing was stopped")
    assert _actions_sent(demo_server) == []
    confirmed = livedash("stop", KNOWN_IDS["bob"], stdin=Terminal("y\n"))
    assert confirmed.code == 0 and confirmed.err.endswith("Stop? [y/N] ")
    assert [r.method for r in demo_server.requests] == ["GET", "GET", "DELETE"]
    audit = livedash.log.read_text().splitlines()[-1]
    assert f"action=stop id={KNOWN_IDS['bob']} local_user=bob remote=+15550001111 " \
           "outcome=done" in audit


def test_start_prints_the_new_id(livedash, demo_server):
    bob = KNOWN_CALLS["bob"]
    recorded = livedash("start", "--directory-number", bob["directory_number"])
    assert recorded.code == 9 and recorded.out == ""
    assert recorded.lines == [f"livedash: error: start {bob['directory_number']}: the call on "
                              "that line is already being recorded"]
    livedash("stop", "--yes", KNOWN_IDS["bob"])
    started = livedash("start", "--device-name", bob["device_name"], "--mode", "dial-in")
    assert started.code == 0 and started.err == ""
    (new_id,) = started.out.splitlines()
    assert new_id in demo_server.floor.ids()
    assert json.loads(demo_server.requests[-1].body) == {"deviceName": bob["device_name"],
                                                         "mode": 1}
    idle = livedash("start", "--device-name", IDLE_LINES["dave"]["device_name"])
    assert idle.code == 8 and "no connected call on that line" in idle.err
    refused = livedash("start", "--directory-number", IDLE_LINES["erin"]["directory_number"])
    assert refused.code == 6 and refused.lines == [
        "livedash: error: start 5001: that line is not monitorable"]
    assert json.loads(demo_server.requests[-1].body) == {"directoryNumber": "5001", "mode": 0}


@pytest.mark.parametrize("args", [
    ("start",), ("start", "--device-name", "A", "--directory-number", "1"),
    ("start", "--device-name", "A", "--mode", "loud"), ("pause",), ("pause", ""),
    ("stop", "--yes"), ("resume", "--password", "hunter2-pw", "x"),
])
def test_usage_errors_send_nothing(livedash, demo_server, args):
    ran = livedash(*args)
    assert ran.code == 2 and "hunter2-pw" not in ran.err
    assert demo_server.requests == []


@pytest.mark.parametrize("command", [("pause", "x"), ("resume", "x"), ("stop", "--yes", "x"),
                                     ("start", "--device-name", "SEP00000000B001")])
def test_read_only_refuses_and_sends_nothing(livedash, demo_server, command):
    ran = livedash(*command, "--read-only")
    assert ran.code == 2 and ran.lines == [
        f"livedash: error: {command[0]}: actions are turned off by --read-only; "
        "nothing was sent"]
    assert demo_server.requests == []


def test_a_wrong_password_is_sent_once_exit_4(livedash, demo_server, monkeypatch):
    monkeypatch.setenv("LIVEDASH_PASSWORD", "wrong-pw-5b2d")
    ran = livedash("pause", KNOWN_IDS["bob"], KNOWN_IDS["alice-1"], MISSING)
    assert ran.code == 4 and len(ran.lines) == 3
    assert ran.lines[0].startswith(f"livedash: error: pause {KNOWN_IDS['bob']}: 401 Unauthorized")
    assert "not sent" in ran.lines[1] and "wrong-pw-5b2d" not in ran.err
    assert len(demo_server.requests) == 1


def test_403_is_exit_5(livedash):
    ran = livedash("resume", KNOWN_IDS["carol"], user="viewer")
    assert ran.code == 5 and "level 10" in ran.err


def test_504_is_exit_6_and_not_retried(livedash, demo_server):
    demo_server.faults.inject_action("504", 1)
    ran = livedash("stop", "--yes", KNOWN_IDS["bob"])
    assert ran.code == 6
    assert ran.lines == [f"livedash: error: stop {KNOWN_IDS['bob']}: the recording service is "
                         "not available"]
    assert len(demo_server.requests) == 1 and KNOWN_IDS["bob"] in demo_server.floor.ids()


def test_no_answer_is_exit_3(livedash, demo_server):
    demo_server.go_down()
    ran = livedash("pause", KNOWN_IDS["bob"])
    assert ran.code == 3 and "cannot connect to 127.0.0.1:" in ran.err
    assert ran.err.rstrip().endswith("nothing was sent")


def test_server_text_and_odd_ids_stay_inert(livedash, demo_server):
    ran = livedash("pause", "\x1b[2J../x")
    assert ran.code == 8 and "\x1b" not in ran.err and "␛[2J../x" in ran.err
    assert demo_server.requests[-1].raw_path.endswith("/LiveRecordings/%1B%5B2J%2E%2E%2Fx/Pause")


def test_audit_lines_in_the_log_file_never_the_password(tmp_path, livedash, monkeypatch):
    password = "pw-4f1a-audit-only"
    monkeypatch.setenv("LIVEDASH_PASSWORD", password)
    with DemoServer(known_floor(), users={"supervisor": (password, 10)}) as server:
        livedash("pause", KNOWN_IDS["bob"], server=server)
        livedash("stop", "--yes", KNOWN_IDS["carol"], server=server)
        livedash("start", "--directory-number", "4001", "--mode", "dial-in", server=server)
    logged = livedash.log.read_text()
    audit = [line for line in logged.splitlines() if " livedash.audit: " in line]
    assert len(audit) == 3
    assert "INFO livedash.audit: audit time=" in audit[0]
    assert "user=supervisor os_user=" in audit[0]
    assert f"action=pause id={KNOWN_IDS['bob']} local_user=- remote=- outcome=done " \
           "status=204 detail=paused" in audit[0]
    assert "action=stop" in audit[1] and "outcome=refused status=400 reason=2" in audit[1]
    assert "action=start id=- device=- line=4001 mode=dial-in outcome=nothing" in audit[2]
    basic = base64.b64encode(f"supervisor:{password}".encode()).decode()
    assert password not in logged and basic not in logged


SHARED = ["--url", "https://ias.example.com/", "--user", "sup", "--insecure",
          "--timeout", "3", "--server-tz", "Europe/Rome", "--max-body-mb", "8",
          "--log-file", "x.log", "--read-only"]


@pytest.mark.parametrize("command", ["pause", "resume", "stop", "start"])
def test_commands_take_the_dashboards_server_options(command):
    """The same options, read the same way, with the same defaults as the dashboard's."""
    rest = ["--device-name", "A"] if command == "start" else ["id-1"]
    dashboard = cli.build_parser()
    parser = build_parser(command)
    for argv in (SHARED, SHARED[:4]):
        mine, theirs = vars(parser.parse_args([*argv, *rest])), vars(dashboard.parse_args(argv))
        for dest in ("url", "user", "keyring", "insecure", "ca_bundle", "timeout", "server_tz",
                     "max_body_mb", "log_file", "read_only", "demo", "demo_calls", "demo_seed"):
            assert mine[dest] == theirs[dest], dest
    assert parser.parse_args([*SHARED[:4], *rest]).timeout == 10.0  # not None: a default
    assert "--demo-fault-rate" not in parser.format_help()  # actions never get random faults


@pytest.mark.parametrize(("argv", "named"), [
    (["--demo", "--url", "https://ias.example.com/", "x"], ("--url", "--demo")),
    (["--demo", "--insecure", "x"], ("--insecure", "--demo")),
    (["--demo-seed", "3", "--url", "https://ias.example.com/", "--user", "u", "x"],
     ("--demo-seed", "--demo")),
    (["--user", "u", "x"], ("--url is required", "or use --demo")),
    (["--url", "ias.example.com", "--user", "u", "x"], ("--url", "http://")),
    (["--timeout", "0", "--demo", "x"], ("--timeout", "between 0.05 and 3600")),
    (["--demo", "--kiosk", "x"], ("unrecognized arguments: --kiosk",)),
    (["--demo", "--once", "x"], ("unrecognized arguments: --once",)),
])
def test_the_dashboards_refusals_hold_for_the_commands(argv, named, capsys, demo_server):
    assert cli.main(["pause", *argv]) == 2
    out, err = capsys.readouterr()
    (line,) = err.splitlines()
    assert line.startswith("livedash: error: ") and all(n in line for n in named), line
    assert out == "" and demo_server.requests == []


def test_a_real_process_against_the_embedded_demo():
    """The console entry point dispatches; --demo acts on a fresh demo floor (seed 1)."""
    rec_id = Floor(40, 1).ids()[0]
    env = {key: value for key, value in os.environ.items() if key != "LIVEDASH_PASSWORD"}
    done = subprocess.run(
        [sys.executable, "-m", "livedash", "pause", "--demo", "--log-file", os.devnull,
         rec_id, MISSING], capture_output=True, text=True, env=env, timeout=60,
        stdin=subprocess.DEVNULL)
    assert done.returncode == 8, done.stderr
    assert done.stderr == f"livedash: error: pause {MISSING}: that recording has already ended\n"


def test_without_a_log_file_the_command_says_it_is_not_audited(demo_server, tmp_path):
    """A real process (under pytest the root logger has handlers): the audit lines must not
    reach stderr through logging's last resort either."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    done = subprocess.run(
        [sys.executable, "-m", "livedash", "pause", "--url", demo_server.url, "--user",
         "supervisor", "--log-file", str(blocker / "x.log"), KNOWN_IDS["bob"], MISSING],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        env={**os.environ, "LIVEDASH_PASSWORD": "demo"})
    assert done.returncode == 8
    assert done.stderr.splitlines() == [
        "livedash: warning: the log file cannot be opened: this action is not audited "
        "(see --log-file)",
        f"livedash: error: pause {MISSING}: that recording has already ended",
    ]
