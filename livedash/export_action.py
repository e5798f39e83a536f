"""``e``: the rows the table shows, as they show them, to a CSV file off the event loop.

The rows are read from the table (its row list: server filters, a local search and the
sort all applied, in display order) and their durations from the same tick the screen
shows; formatting, writing and syncing 10,000 rows then run in a worker thread
(``export.write_export``). The outcome is a notification (the file's path, or why
nothing was written) and, for :data:`STATUS_SECONDS`, a part of the status line
(:meth:`TableExport.status_parts`): a notification covers the status line's end and goes
away; the line keeps the path readable for a while.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .export import ExportError, shown_fields, write_export
from .safe_text import safe_text

if TYPE_CHECKING:
    from .guard import GuardedApp
    from .widgets.recordings_table import RecordingsTable

log = logging.getLogger(__name__)

STATUS_SECONDS = 60.0  # how long the status line tells the last export's outcome


class TableExport:
    """One export at a time, for ``app``; ``directory`` None: the current folder."""

    def __init__(self, app: GuardedApp, directory: Path | None, zone,
                 on_outcome: Callable[[], None] | None = None):
        self.app = app
        self.directory = directory
        self.zone = zone
        self.on_outcome = on_outcome  # the app redraws its status line
        self.running = False
        self.last_path: Path | None = None  # the last file written (tests read it)
        self.finished = asyncio.Event()  # set after each export's outcome is shown
        self._outcome: tuple[float, str] | None = None  # (monotonic time, status part)

    def status_parts(self, now: float) -> tuple[str, ...]:
        """The last export's outcome for the status line, within STATUS_SECONDS of it."""
        if self._outcome is None or now - self._outcome[0] > STATUS_SECONDS:
            return ()
        return (self._outcome[1],)

    def start(self, table: RecordingsTable) -> None:
        app = self.app
        if self.running:
            app.notify("An export is still being written; try again in a moment.",
                       timeout=4, markup=False)
            return
        rows = [table.recording_at(index) for index in range(table.row_count)]
        if not rows:
            app.notify("Nothing to export: the table shows no rows.", timeout=4, markup=False)
            return
        now = table.tick_time if table.tick_time is not None else app.clock.monotonic()
        ended = {rec.id: table.duration_text_of(rec) for rec in rows if table.is_ended(rec.id)}
        fields = shown_fields(rows, now=now, zone=self.zone, ended=ended,
                              estimated=table.estimated)
        moment = app.clock.now().astimezone(self.zone)
        self.running = True
        self.finished.clear()
        app.run_worker(self._write(moment, fields), name="export", group="export",
                       exit_on_error=False)

    async def _write(self, moment: datetime, fields: Iterable[Mapping[str, str]]) -> None:
        app = self.app
        try:
            path, count = await asyncio.to_thread(self._write_file, moment, fields)
        except ExportError as exc:
            log.warning("%s", exc)
            self._tell("export failed: no file written")
            app.notify(str(exc), title="Export", severity="error", timeout=12, markup=False)
        except Exception as exc:  # a bug of ours: logged and shown, the dashboard goes on
            app.internal_error("exporting the rows", exc)
        else:
            self.last_path = path
            log.info("exported %d rows to %s", count, path)
            self._tell(f"exported to {safe_text(str(path))}")
            app.notify(f"Exported {count:,} row{'' if count == 1 else 's'} to "
                       f"{safe_text(str(path))}", title="Export", timeout=10, markup=False)
        finally:
            self.running = False
            self.finished.set()

    def _tell(self, part: str) -> None:
        self._outcome = (self.app.clock.monotonic(), part)
        if self.on_outcome is not None:
            self.on_outcome()

    def _write_file(self, moment: datetime,
                    fields: Iterable[Mapping[str, str]]) -> tuple[Path, int]:
        """In the worker thread: the folder (the current one is read here), then the file."""
        directory = self.directory
        if directory is None:
            try:
                directory = Path.cwd()
            except OSError as exc:
                raise ExportError("Export failed: the current folder no longer exists; "
                                  "no file was written (start livedash with --export-dir)"
                                  ) from exc
        return write_export(directory, moment, fields)
