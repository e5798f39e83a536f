"""One viewer process per browser connection: textual-serve's ``AppService``, made safe.

This is the one module that reaches into textual-serve's internals. It was written
against textual-serve ``TESTED_VERSION`` (``textual_serve/app_service.py``); the serve
command refuses to start on another minor version (see :func:`check_textual_serve`) so a
changed internal fails loudly at start, not silently on a wall. What is changed:

- **No shell.** ``AppService`` runs a command *string* through ``/bin/sh``
  (``create_subprocess_shell``): a filter value such as ``x;rm -rf ~`` would be a
  command. Here the viewer is spawned from an argv list with ``create_subprocess_exec``.
- **The password in the environment only.** The environment is given whole by the caller
  (``LIVEDASH_PASSWORD`` for the viewer), never appended to a command line that ``ps``
  shows.
- **Read-only.** Keys, mouse and pasted text from the browser never reach the viewer
  (``send_bytes`` is a no-op); resizes still do. ``open_url`` and file downloads asked for
  by the viewer are dropped: server text never becomes a link or a download.
- **Reaped, with a deadline.** ``AppService.stop`` asks the app to quit and waits for it
  forever. Here a viewer that has not ended ``QUIT_SECONDS`` after being asked is
  terminated, then killed, and always waited for: no zombies, no handler stuck on a hung
  process.
- **Ends are reported.** When the viewer process ends by itself (a crash, ``q``), the
  ``ended`` event is set so the server closes the browser's websocket and the page
  reconnects, instead of showing a frozen screen forever.
- **Bounded stderr.** ``AppService.run`` keeps all of the viewer's stderr in memory and
  copies it raw onto the server's terminal. Here only its last ``STDERR_TAIL`` bytes are
  kept and logged, made printable by ``safe_text``, when the viewer ends.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from importlib.metadata import version

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from ..safe_text import safe_text

log = logging.getLogger(__name__)

TESTED_VERSION = "1.1.3"
QUIT_SECONDS = 3.0  # a viewer asked to quit gets this long before SIGTERM
TERM_SECONDS = 2.0  # then this long before SIGKILL
STDERR_TAIL = 4096  # bytes of a viewer's stderr kept for the log
PRELUDE_LINES = 10  # lines a viewer may print before textual's "__GANGLION__" marker


class UnsupportedTextualServe(RuntimeError):
    pass


def check_textual_serve(installed: str | None = None) -> None:
    """Refuse a textual-serve whose internals this module was not written against."""
    installed = installed or version("textual-serve")
    if installed.split(".")[:2] != TESTED_VERSION.split(".")[:2]:
        raise UnsupportedTextualServe(
            f"livedash serve was written against textual-serve {TESTED_VERSION} and "
            f"{installed} is installed; install textual-serve=={TESTED_VERSION} (or check "
            "livedash/serve/viewer_process.py against the new version)"
        )


class ViewerProcess(AppService):
    """A livedash viewer as a child process (argv, no shell), speaking textual's web protocol."""

    def __init__(
        self,
        argv: Sequence[str],
        environment: Mapping[str, str],
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
    ) -> None:
        super().__init__(
            " ".join(argv[:1]),  # only for textual-serve's own messages; never executed
            write_bytes=write_bytes, write_str=write_str, close=close,
            download_manager=DownloadManager(),
        )
        self.argv = list(argv)
        self.environment = dict(environment)
        self.ended = asyncio.Event()  # the process has ended and been waited for
        self.returncode: int | None = None
        self._waiter: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        # textual-serve's own variables (the web driver, the size) over the caller's
        # environment; the caller's replaces os.environ, so nothing else leaks in.
        environment = dict(self.environment)
        textual_vars = super()._build_environment(width, height)
        for name in ("TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM", "TERM_PROGRAM",
                     "TERM_PROGRAM_VERSION", "COLUMNS", "ROWS"):
            environment[name] = textual_vars[name]
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24):
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,  # a Ctrl+C in the serve terminal is ours to pass on
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        self._waiter = asyncio.create_task(self._wait_for_exit())
        return process

    async def _wait_for_exit(self) -> None:
        assert self._process is not None
        self.returncode = await self._process.wait()
        self.ended.set()

    async def run(self) -> None:
        """Relay the viewer's packets to the browser until its stdout ends."""
        process = self._process
        assert process is not None and process.stdout is not None
        assert process.stderr is not None
        stderr_tail = bytearray()

        async def read_stderr(stderr: asyncio.StreamReader) -> None:
            while chunk := await stderr.read(4096):
                stderr_tail.extend(chunk)
                del stderr_tail[:-STDERR_TAIL]

        stderr_task = asyncio.create_task(read_stderr(process.stderr))
        stdout = process.stdout
        handlers = {b"D": self.on_data, b"M": self.on_meta, b"P": self.on_packed}
        try:
            for _ in range(PRELUDE_LINES):
                line = await stdout.readline()
                if not line or line == b"__GANGLION__\n":
                    break
            while True:
                kind = await stdout.readexactly(1)
                size = int.from_bytes(await stdout.readexactly(4), "big")
                payload = await stdout.readexactly(size)
                handler = handlers.get(kind)
                if handler is not None:
                    await handler(payload)
        except (asyncio.IncompleteReadError, ConnectionResetError):
            pass  # the viewer ended
        except asyncio.CancelledError:
            stderr_task.cancel()
            raise
        try:
            await asyncio.wait_for(stderr_task, 1.0)
        except TimeoutError:
            pass  # a grandchild holds stderr open: what we have will do
        if stderr_tail:
            log.info("viewer %s wrote on stderr: %s", process.pid,
                     safe_text(stderr_tail.decode("utf-8", "replace")))

    async def send_bytes(self, data: bytes) -> bool:
        return False  # read-only: the browser's keys and mouse never reach the viewer

    async def on_meta(self, data: bytes) -> None:
        try:
            meta = json.loads(data)
        except ValueError:
            return
        if isinstance(meta, dict) and meta.get("type") == "exit":
            await self.remote_close()
        # open_url, deliver_file_start: dropped (no links, no downloads from a wall)

    async def on_packed(self, payload: bytes) -> None:
        return None  # file chunks: no downloads from a wall

    async def stop(self) -> None:
        """Ask the viewer to quit; terminate, then kill, if it does not; always reap it."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            try:
                await self.send_meta({"type": "quit"})
            except Exception:  # stdin already gone: the process is ending anyway
                pass
        for deadline, escalate in ((QUIT_SECONDS, process.terminate),
                                   (TERM_SECONDS, process.kill)):
            try:
                await asyncio.wait_for(self.ended.wait(), deadline)
                break
            except TimeoutError:
                log.warning("viewer %s did not end in %.0f s; %s", process.pid, deadline,
                            escalate.__name__)
                try:
                    escalate()
                except ProcessLookupError:
                    pass
        await self.ended.wait()  # after SIGKILL, wait() returns: the process is reaped
        if self._task is not None:
            await _cancel(self._task)
            self._task = None


async def _cancel(task: asyncio.Task) -> None:
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
