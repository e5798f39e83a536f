"""--history-minutes and --export-dir: checked at start, one line and exit 2 when wrong."""

from __future__ import annotations

import os

import pytest

from livedash import cli
from livedash.exits import ExitCode

from .test_cli import SERVER, no_password, one_error_line  # noqa: F401 (a fixture)

BAD = [
    (["--history-minutes", "0"], "--history-minutes", "between 1 and 1440"),
    (["--history-minutes", "1441"], "--history-minutes", "between 1 and 1440"),
    (["--history-minutes", "half"], "--history-minutes", "not a whole number"),
    (["--export-dir", "{tmp}/nowhere"], "--export-dir", "does not exist"),
    (["--export-dir", "{tmp}/a-file"], "--export-dir", "is not a folder"),
    (["--export-dir", ""], "--export-dir", "needs a folder"),
    (["--once", "--history-minutes", "5"], "--history-minutes", "cannot be used with --once"),
    (["--once", "--export-dir", "{tmp}"], "--export-dir", "cannot be used with --once"),
]


@pytest.mark.parametrize(("argv", "option", "says"), BAD, ids=[" ".join(c[0]) for c in BAD])
def test_a_bad_value_or_combination_is_one_line_and_exit_2(argv, option, says, tmp_path,
                                                           capsys):
    (tmp_path / "a-file").write_text("x")
    argv = [arg.format(tmp=tmp_path) for arg in argv]
    assert cli.main([*SERVER, *argv]) == ExitCode.USAGE
    line = one_error_line(capsys)
    assert option in line and says in line, line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_a_folder_this_user_cannot_write_is_refused(tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    try:
        assert cli.main([*SERVER, "--export-dir", str(folder)]) == ExitCode.USAGE
        assert "is not writable" in one_error_line(capsys)
    finally:
        folder.chmod(0o700)


def test_good_values_reach_the_settings(tmp_path):
    args = cli.build_parser().parse_args([*SERVER, "--history-minutes", "5",
                                          "--export-dir", str(tmp_path / ".")])
    settings = cli.build_settings(args, args.url, None)  # type: ignore[arg-type]
    assert settings.history_minutes == 5 and settings.export_dir == tmp_path.resolve()
    defaults = cli.build_parser().parse_args(SERVER)
    assert (defaults.history_minutes, defaults.export_dir) == (30, None)
