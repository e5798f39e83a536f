"""The log file is private: folders livedash creates 0700, the file and rotated files 0600."""

from __future__ import annotations

import logging
import logging.handlers
import os
import stat

import pytest

from livedash import logs
from livedash.credentials import Secret

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask():
    """The umask most users have: without livedash's care, files come out 0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)
    logs.shutdown_logging()


def our_handler() -> logging.handlers.RotatingFileHandler:
    (handler,) = [h for h in logging.getLogger("livedash").handlers
                  if isinstance(h, logging.handlers.RotatingFileHandler)]
    return handler


def test_new_folders_are_0700_and_the_file_0600(tmp_path):
    path = tmp_path / "state" / "livedash" / "log" / "livedash.log"
    assert logs.setup_logging(path, [Secret("pw")]) == path
    logging.getLogger("livedash.test").warning("user alice failed")
    for folder in (path.parent, path.parent.parent, path.parent.parent.parent):
        assert mode(folder) == 0o700, folder
    assert mode(path) == 0o600
    assert "user alice failed" in path.read_text()


def test_rotated_files_are_0600_too(tmp_path):
    path = tmp_path / "livedash.log"
    logs.setup_logging(path, [Secret("pw")])
    log = logging.getLogger("livedash.test")
    for round_ in range(3):
        log.warning("line before rotation %d", round_)
        our_handler().doRollover()
    log.warning("after")
    rotated = sorted(tmp_path.glob("livedash.log*"))
    assert [p.name for p in rotated] == ["livedash.log", "livedash.log.1", "livedash.log.2",
                                         "livedash.log.3"]
    assert {p.name: mode(p) for p in rotated} == {p.name: 0o600 for p in rotated}
    assert "after" in path.read_text()


def test_a_folder_and_file_the_user_chose_keep_their_modes(tmp_path):
    folder = tmp_path / "shared-logs"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    chosen = folder / "livedash.log"
    chosen.write_text("")
    chosen.chmod(0o640)  # e.g. read by a log shipper's group
    logs.setup_logging(chosen, [Secret("pw")])
    assert mode(folder) == 0o755 and mode(chosen) == 0o640
    fresh = folder / "new.log"  # a new file in it is still created private
    logs.setup_logging(fresh, [Secret("pw")])
    assert mode(fresh) == 0o600 and mode(folder) == 0o755


def test_the_default_folder_and_file_of_an_older_version_are_tightened(tmp_path, monkeypatch):
    folder = tmp_path / "livedash" / "log"
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    default = folder / "livedash.log"
    default.write_text("old lines\n")
    default.chmod(0o644)
    monkeypatch.setattr(logs, "default_log_path", lambda: default)
    assert logs.setup_logging(None, [Secret("pw")]) == default
    assert mode(folder) == 0o700 and mode(default) == 0o600
    assert default.read_text() == "old lines\n"
