"""Export (``e``) under Pilot, against the demo server over loopback HTTP."""

from __future__ import annotations

import asyncio
import csv
import errno
import io
import threading

import pytest

from livedash import export, export_action
from livedash.app import LiveDashApp
from livedash.demo.testing import KNOWN_IDS
from livedash.model import Filters

from .conftest import settings_for, until
from .test_once import add_formula_calls

SIZE = (100, 30)
LONG_NAME = "Maximiliane-Josephine von Hohenzollern-Sigmaringen " * 3


def exported_rows(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def notices(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def export_now(pilot) -> None:
    """Press e and wait for the export's outcome to be shown (written or failed)."""
    app = pilot.app
    await pilot.press("e")
    await asyncio.wait_for(app.exporter.finished.wait(), timeout=10)
    await pilot.pause()


async def test_export_writes_the_rows_shown_in_their_order_whole_and_neutralised(
        demo_server, clock, tmp_path, monkeypatch):
    ids = add_formula_calls(demo_server.floor)
    long_id = demo_server.floor.add_call(username="zed", first_name=LONG_NAME.strip(),
                                         last_name="", duration=1)
    threads = []
    write = export_action.write_export

    def watched(*args):
        threads.append(threading.current_thread())
        return write(*args)

    monkeypatch.setattr(export_action, "write_export", watched)
    app = LiveDashApp(settings_for(demo_server.url, export_dir=tmp_path), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("s")  # by user, A to Z
        table = app.table
        assert table.sort_key == "user"
        shown = [table.recording_at(index).id for index in range(table.row_count)]
        await export_now(pilot)
        (path,) = tmp_path.iterdir()
        assert path == app.exporter.last_path
        assert path.name == "livedash-20261128-093000.csv"
        rows = exported_rows(path)
        assert [row["id"] for row in rows] == shown  # the display order, after the sort
        assert [row["user"] for row in rows] == [
            "'@SUM(1)", "alice", "alice", "bob", "carol", "mallory", "trent", "user1", "zed"]
        by_id = {row["id"]: row for row in rows}
        mallory, at_sum = by_id[ids["mallory"]], by_id[ids["@SUM(1)"]]
        assert (mallory["remote"], mallory["number"]) == ("'=cmd|'/c calc'!A1", "+1555123456")
        assert (at_sum["remote"], at_sum["number"]) == ("'-2+3", "+39 02 1234")
        assert by_id[ids["trent"]]["remote"] == "'+A1"
        # whole values, where the table cuts them to the column
        assert by_id[long_id]["remote"] == LONG_NAME.strip()
        assert "…" in next(table.render_line(y).text for y in range(1, table.row_count + 1)
                           if "zed" in table.render_line(y).text)
        alice = by_id[KNOWN_IDS["alice-1"]]
        assert (alice["state"], alice["duration"], alice["started"]) == (
            "recording", "0:01:15", "2024-03-05T09:28:45+00:00")
        assert notices(app)[-1] == f"Exported 9 rows to {path}"
        assert threads and threading.main_thread() not in threads  # off the event loop


async def test_export_follows_the_server_filters_and_includes_ended_rows(
        demo_server, clock, tmp_path):
    settings = settings_for(demo_server.url, export_dir=tmp_path,
                            filters=Filters(username="alice"))
    app = LiveDashApp(settings, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        demo_server.floor.stop(KNOWN_IDS["alice-1"])
        before = app.outcomes
        app.poller.poll_now()
        await until(app, lambda: app.outcomes > before)
        await export_now(pilot)
        rows = exported_rows(app.exporter.last_path)
        assert [(row["id"], row["state"]) for row in rows] == [
            (KNOWN_IDS["alice-2"], "recording"), (KNOWN_IDS["alice-1"], "ended")]


FAILURES = [
    pytest.param("file", "is not a folder", id="a path that is a file"),
    pytest.param("read-only", "is on a read-only file system", id="read-only"),
    pytest.param("full", "is full", id="full disk"),
]


@pytest.mark.parametrize(("failure", "says"), FAILURES)
async def test_a_failed_export_says_why_and_leaves_no_file(demo_server, clock, tmp_path,
                                                           monkeypatch, failure, says):
    folder = tmp_path / "exports"
    folder.mkdir()
    if failure == "file":  # the folder was replaced by a file after livedash started
        folder.rmdir()
        folder.write_text("not a folder")
    elif failure == "read-only":  # what the OS answers on a read-only mount (root or not)
        def read_only(**kwargs):
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(export.tempfile, "mkstemp", read_only)
    else:  # the disk fills up as the file is flushed
        def full(fd):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(export.os, "fsync", full)
    app = LiveDashApp(settings_for(demo_server.url, export_dir=folder), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await export_now(pilot)
        message = notices(app)[-1]
        assert message.startswith("Export failed: ") and says in message, message
        assert message.endswith("no file was written")
        assert app.exporter.last_path is None
        if folder.is_dir():
            assert list(folder.iterdir()) == []  # not even the temporary file
        # the dashboard goes on: the next export works once the folder is fine
        monkeypatch.undo()
        if not folder.is_dir():
            folder.unlink()
            folder.mkdir()
        await export_now(pilot)
        assert app.exporter.last_path is not None and app.exporter.last_path.parent == folder


async def test_nothing_to_export_is_said_and_writes_nothing(demo_server, clock, tmp_path):
    # A folder of its own: the test's tmp_path also holds the XDG state folder.
    exports = tmp_path / "exports"
    exports.mkdir()
    settings = settings_for(demo_server.url, export_dir=exports,
                            filters=Filters(username="nobody"))
    app = LiveDashApp(settings, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.press("e")
        assert notices(app)[-1] == "Nothing to export: the table shows no rows."
        assert list(exports.iterdir()) == [] and not app.exporter.running


async def test_the_current_folder_is_the_default(demo_server, clock, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = LiveDashApp(settings_for(demo_server.url), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await export_now(pilot)
        assert app.exporter.last_path == tmp_path / "livedash-20261128-093000.csv"
        assert len(exported_rows(app.exporter.last_path)) == len(KNOWN_IDS)



def status_text(app) -> str:
    from livedash.widgets.status_bar import StatusBar

    return " ".join(str(app.query_one(StatusBar).render()).split())


async def test_the_status_line_says_the_path_for_a_minute(demo_server, clock, tmp_path):
    app = LiveDashApp(settings_for(demo_server.url, export_dir=tmp_path), clock=clock)
    async with app.run_test(size=(200, 30)) as pilot:
        await until(app, lambda: app.store.has_data)
        await export_now(pilot)
        path = app.exporter.last_path
        assert f"exported to {path}" in status_text(app)
        clock.advance(59)
        app.tick()
        await pilot.pause()
        assert f"exported to {path}" in status_text(app)
        clock.advance(2)
        app.tick()
        await pilot.pause()
        assert "exported" not in status_text(app)


async def test_a_failed_export_is_in_the_status_line_too(demo_server, clock, tmp_path):
    folder = tmp_path / "gone"
    folder.mkdir()
    app = LiveDashApp(settings_for(demo_server.url, export_dir=folder), clock=clock)
    async with app.run_test(size=(200, 30)) as pilot:
        await until(app, lambda: app.store.has_data)
        folder.rmdir()
        await export_now(pilot)
        assert "export failed: no file written" in status_text(app)


async def test_the_export_has_the_columns_and_rows_of_once_csv(demo_server, clock, tmp_path):
    from .test_once import run_once

    add_formula_calls(demo_server.floor)
    app = LiveDashApp(settings_for(demo_server.url, export_dir=tmp_path), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        await export_now(pilot)  # the default order, longest first, as --once
        exported = app.exporter.last_path.read_text(encoding="utf-8-sig")
        done = await asyncio.to_thread(run_once, demo_server, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert exported.split("\n")[0] == done.stdout.split("\n")[0]  # the header

    def without_duration(text):  # the only column that moves between the two
        return [{**row, "duration": ""} for row in csv.DictReader(io.StringIO(text))]

    assert without_duration(exported) == without_duration(done.stdout)
