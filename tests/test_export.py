"""The CSV writer shared by ``--once --format csv`` and the export (``e``): pure, no app."""

from __future__ import annotations

import csv
import errno
import io
import os
import stat
from datetime import UTC, datetime

import pytest

from livedash import export
from livedash.export import (
    ExportError,
    neutralise,
    record_fields,
    shown_fields,
    write_csv,
    write_export,
)
from livedash.model import LiveRecording
from livedash.table_layout import COLUMNS

MOMENT = datetime(2026, 11, 28, 9, 30, 5, tzinfo=UTC)

# What a spreadsheet would run, from OWASP's CSV injection page and the issue
HOSTILE = ["=cmd|'/c calc'!A1", "@SUM(1)", "-2+3", "+A1", "=1+1", "\t=1", "\r=1",
           "=HYPERLINK(\"http://x\")", "-", "+", "@", "+ 39"]
PHONE_NUMBERS = ["+1555123456", "+39 02 1234", "+39 02 1234 5678", "+1 (555) 123-4567",
                 "+44.20.7946.0958", "0212345678", "123456"]


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_a_spreadsheet_would_run_gets_a_quote(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", PHONE_NUMBERS)
def test_phone_numbers_stay_as_they_are(cell):
    assert neutralise(cell) == cell


@pytest.mark.parametrize("cell", ["Giulia Rossi", "0:01:15", "", "'=already", " =1", "a=b"])
def test_other_cells_stay_as_they_are(cell):
    assert neutralise(cell) == cell


def record(rec_id: str, **fields) -> LiveRecording:
    values = dict(id=rec_id, duration=75.0, started_at=datetime(2026, 11, 28, 9, 28, 45,
                                                                 tzinfo=UTC),
                  username="alice", first_name="Giulia", last_name="Rossi",
                  phone_number="+390212345678", is_paused=False, observed_at=1000.0)
    values.update(fields)
    return LiveRecording(**values)


def read_back(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_write_csv_neutralises_every_column_and_makes_controls_visible():
    out = io.StringIO()
    rows = [record_fields(record("=id"), "@start"),
            record_fields(record("b", username="-2+3", first_name="=cmd|'/c calc'!A1",
                                 last_name="", phone_number="+1555123456"), ""),
            record_fields(record("c", username="x\x1b[31m", first_name="\t@SUM(1)",
                                 last_name=""), "")]
    assert write_csv(rows, out) == 3
    first, second, third = read_back(out.getvalue())
    assert list(first) == list(COLUMNS)
    assert first["id"] == "'=id" and first["started"] == "'@start"
    assert second["user"] == "'-2+3" and second["remote"] == "'=cmd|'/c calc'!A1"
    assert second["number"] == "+1555123456"
    # a tab is made visible first (␉): nothing left that a spreadsheet runs, nothing hidden
    assert third["user"] == "x␛[31m" and third["remote"] == "␉@SUM(1)"


def test_shown_fields_are_what_the_table_shows_at_the_tick():
    live = record("a", duration=75.0, observed_at=1000.0)
    paused = record("b", duration=42.0, is_paused=True)
    gone = record("c")
    rows = list(shown_fields([live, paused, gone], now=1010.0, zone=UTC,
                             ended={"c": "0:02:00"}, estimated=False))
    assert [(r["state"], r["duration"]) for r in rows] == [
        ("recording", "0:01:25"), ("paused", "0:00:42"), ("ended", "0:02:00")]
    assert rows[0]["started"] == "2026-11-28T09:28:45+00:00"
    estimated = next(iter(shown_fields([live], now=1010.0, zone=UTC, ended={},
                                       estimated=True)))
    assert estimated["duration"] == "~0:01:25"


def test_full_values_are_written_uncut():
    long_name = "Bartholomew-Alexandrina " * 20
    rows = [record_fields(record("a", first_name=long_name.strip(), last_name=""), "")]
    out = io.StringIO()
    write_csv(rows, out)
    assert read_back(out.getvalue())[0]["remote"] == long_name.strip()


def exported(tmp_path, rows=None):
    rows = rows if rows is not None else [record_fields(record("a"), "")]
    return write_export(tmp_path, MOMENT, rows)


def test_the_export_is_named_by_its_time_private_and_readable_by_a_spreadsheet(tmp_path):
    path, count = exported(tmp_path)
    assert path == tmp_path / "livedash-20261128-093005.csv" and count == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads accents right
    assert read_back(raw.decode("utf-8-sig"))[0]["id"] == "a"
    # a second export in the same second does not overwrite the first
    again, _ = exported(tmp_path)
    assert again.name == "livedash-20261128-093005-2.csv" and path.exists()
    assert {p.name for p in tmp_path.iterdir()} == {path.name, again.name}


def test_a_path_that_is_a_file_fails_clearly(tmp_path):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    with pytest.raises(ExportError, match="is not a folder; no file was written"):
        exported(a_file)


def test_a_missing_folder_fails_clearly(tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        exported(tmp_path / "gone")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_a_read_only_folder_fails_clearly(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    try:
        with pytest.raises(ExportError, match="no permission to write in"):
            exported(folder)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_a_full_disk_leaves_no_file_at_all(tmp_path, monkeypatch):
    """The disk fills while writing: no export, no temporary file, a clear reason."""

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export.os, "fsync", full)
    with pytest.raises(ExportError, match="is full; no file was written"):
        exported(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_failure_half_way_through_the_rows_leaves_no_file(tmp_path):
    def rows():
        yield record_fields(record("a"), "")
        raise OSError(errno.EIO, "Input/output error")

    with pytest.raises(ExportError, match="Input/output error"):
        exported(tmp_path, rows())
    assert list(tmp_path.iterdir()) == []
