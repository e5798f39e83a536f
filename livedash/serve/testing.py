"""Helpers for tests and docs scripts of ``livedash serve`` (like ``demo/testing.py``).

- :func:`running_wallboard`: a :class:`Wallboard` listening on a loopback port.
- :class:`ScreenText`: what viewers drew, read from websocket frames (xterm.js draws on a
  canvas, so the frames are where the text is), with waits on what appears.
- :class:`TcpProxy`: a loopback TCP proxy that a test stops and starts again, to cut the
  connection between a browser and the server.
- :func:`launch_chromium`: Debian's chromium through Playwright (no browser download).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

from ..credentials import Credentials
from .access import TOKEN_PARAM
from .server import Wallboard, WallboardConfig, start_wallboard
from .viewer import viewer_argv, viewer_environment

TEST_TOKEN = "test-token-0123456789abcdef-not-secret"
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@dataclass
class RunningWallboard:
    board: Wallboard
    url: str  # http://127.0.0.1:PORT/ (https with TLS)
    port: int

    @property
    def token_url(self) -> str:
        return f"{self.url}?{TOKEN_PARAM}={self.board.config.token}"


@contextlib.asynccontextmanager
async def running_wallboard(server_url: str, credentials: Credentials, *,
                            options: list[str] | None = None, max_viewers: int = 4,
                            token: str = TEST_TOKEN, secure_cookie: bool = False,
                            environment: Mapping[str, str] | None = None,
                            ssl_context: ssl.SSLContext | None = None,
                            ) -> AsyncIterator[RunningWallboard]:
    """A wallboard of ``server_url`` on a free loopback port; stopped (viewers reaped) after."""
    config = WallboardConfig(
        viewer_argv=viewer_argv(server_url, credentials.username, options or []),
        viewer_environment=viewer_environment(credentials, environment),
        token=token, max_viewers=max_viewers, secure_cookie=secure_cookie,
    )
    board = Wallboard(config)
    runner, port = await start_wallboard(board, "127.0.0.1", 0, ssl_context)
    scheme = "https" if ssl_context else "http"
    try:
        yield RunningWallboard(board, f"{scheme}://127.0.0.1:{port}/", port)
    finally:
        await runner.cleanup()


@dataclass
class ScreenText:
    """Text of the websocket frames a viewer sent, with waits on what appears in it.

    ``connections`` counts websockets (``new_connection``): the text is that of the latest,
    so a wait for a reconnected viewer is not satisfied by the frames of the previous one.
    """

    text: str = ""
    frames: int = 0
    connections: int = 0
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def new_connection(self) -> None:
        self.clear()
        self.connections += 1
        self._changed.set()

    def add(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            payload = payload.decode("utf-8", "replace")
        self.text += payload
        self.frames += 1
        self._changed.set()

    def clear(self) -> None:
        self.text = ""
        self.frames = 0

    async def wait_for(self, needle: str, timeout: float = 60.0, *,
                       connection: int = 0) -> None:
        """Until ``needle`` has been drawn (over the ``connection``-th websocket or later)."""
        await self._until(lambda: self.connections >= connection and needle in self.text,
                          timeout)

    async def wait_frames(self, count: int, timeout: float = 60.0) -> None:
        """Until ``count`` more frames have arrived (the viewer is alive and drawing)."""
        target = self.frames + count
        await self._until(lambda: self.frames >= target, timeout)

    async def _until(self, predicate, timeout: float) -> None:
        async def wait() -> None:
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(wait(), timeout)


class TcpProxy:
    """127.0.0.1:port → 127.0.0.1:target_port; ``stop`` cuts every connection at once."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._pipes: set[asyncio.Task] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    async def start(self) -> None:
        """Listen (again, on the same port after a stop)."""
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()  # a cut cable, not a polite close
        for task in list(self._pipes):
            task.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def _handle(self, client_reader: asyncio.StreamReader,
                      client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(
                "127.0.0.1", self.target_port)
        except OSError:
            client_writer.transport.abort()
            return
        self._writers |= {client_writer, server_writer}
        pipes = {asyncio.create_task(self._pipe(client_reader, server_writer)),
                 asyncio.create_task(self._pipe(server_reader, client_writer))}
        self._pipes |= pipes
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in pipes:
                task.cancel()
            for writer in (client_writer, server_writer):
                writer.transport.abort()
                self._writers.discard(writer)
            self._pipes -= pipes

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()


async def launch_chromium(playwright):
    """Debian's chromium, headless, making no requests of its own."""
    return await playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
