"""livedash serve, without a browser: real viewer processes behind the websocket.

The password reaches a viewer through its environment only, option values are never
shell text, viewers that end are reaped, and the limit on viewers holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import ssl
import sys
from pathlib import Path

import aiohttp
import psutil
import pytest

from livedash.credentials import Credentials, Secret
from livedash.demo.server import REQUIRED_LEVEL, DemoServer
from livedash.demo.testing import known_floor
from livedash.serve.access import COOKIE_NAME, TOKEN_ENV
from livedash.serve.server import tls_context
from livedash.serve.testing import TEST_TOKEN, ScreenText, running_wallboard
from tests.test_credentials import _self_signed

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")

PASSWORD = "pw-7f3a9c-never-in-argv"
CREDENTIALS = Credentials("supervisor", Secret(PASSWORD))


@pytest.fixture
def recorder():
    """A demo recording server whose supervisor has a password worth looking for."""
    with DemoServer(known_floor(), users={"supervisor": (PASSWORD, REQUIRED_LEVEL)}) as server:
        yield server


class Socket:
    """A websocket to the wallboard, as the page opens it, read in the background."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse, screen: ScreenText):
        self.websocket = websocket
        self.screen = screen  # the viewer's drawing
        self.texts: asyncio.Queue = asyncio.Queue()  # the server's JSON messages (pong)
        self.closed = asyncio.Event()

    async def read(self) -> None:
        async for message in self.websocket:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.screen.add(message.data)
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.texts.put_nowait(message.json())
        self.closed.set()


@contextlib.asynccontextmanager
async def viewer_socket(url: str, screen: ScreenText, trust: ssl.SSLContext | None = None):
    async with aiohttp.ClientSession(cookies={COOKIE_NAME: TEST_TOKEN}) as session:
        async with session.ws_connect(url + "ws?width=140&height=40",
                                      ssl=trust if trust else True) as websocket:
            socket = Socket(websocket, screen)
            reader = asyncio.create_task(socket.read())
            try:
                yield socket
            finally:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader


@contextlib.asynccontextmanager
async def one_viewer(recorder):
    """A wallboard with one viewer connected and drawing: (wall, socket, viewer)."""
    screen = ScreenText()
    async with running_wallboard(recorder.url, CREDENTIALS) as wall:
        async with viewer_socket(wall.url, screen) as socket:
            await screen.wait_for("alice")
            (viewer,) = wall.board.viewers
            yield wall, socket, viewer


def proc_file(pid: int, name: str) -> list[str]:
    return Path(f"/proc/{pid}/{name}").read_bytes().decode().split("\0")


async def test_password_in_the_environment_never_the_command_line(recorder):
    screen = ScreenText()
    async with running_wallboard(recorder.url, CREDENTIALS, max_viewers=2,
                                 environment={**os.environ, TOKEN_ENV: TEST_TOKEN}) as wall:
        async with viewer_socket(wall.url, screen), viewer_socket(wall.url, screen):
            await wall.board.wait_until(lambda: len(wall.board.viewers) == 2)
            await screen.wait_for("alice")  # the viewers logged in: the password worked
            for viewer in wall.board.viewers:
                cmdline = proc_file(viewer.pid, "cmdline")
                environ = proc_file(viewer.pid, "environ")
                assert cmdline[0] == sys.executable  # the viewer itself: no shell between
                assert "--kiosk" in cmdline
                assert not any(PASSWORD in arg for arg in cmdline)
                assert f"LIVEDASH_PASSWORD={PASSWORD}" in environ
                assert not any(TEST_TOKEN in var for var in environ)  # nor the access token
    assert len(wall.board.ended) == 2


@pytest.mark.parametrize("field,option,query", [
    ("username", "--username", "username"),
    ("device", "--device-name", "deviceName"),
])
async def test_option_values_reach_the_viewer_as_literal_text(recorder, tmp_path, field,
                                                              option, query):
    witness = tmp_path / "ran"
    value = f"x;touch {witness} $(touch {witness}) `touch {witness}` \"q' && echo $HOME"
    screen = ScreenText()
    async with running_wallboard(recorder.url, CREDENTIALS, options=[option, value]) as wall:
        async with viewer_socket(wall.url, screen):
            await screen.wait_for("LIVE")  # the viewer polled and drew the answer
    asked = [r.query.get(query) for r in recorder.requests if r.user == "supervisor"]
    assert asked and set(asked) == {value}
    assert not witness.exists()


async def test_a_viewer_that_ends_is_reaped_and_its_socket_closed(recorder):
    async with one_viewer(recorder) as (wall, socket, viewer):
        os.kill(viewer.pid, signal.SIGKILL)  # a crash
        await asyncio.wait_for(socket.closed.wait(), 30)  # the server closes the socket
        await wall.board.wait_until(lambda: viewer in wall.board.ended)
        assert viewer.returncode == -signal.SIGKILL
        assert not Path(f"/proc/{viewer.pid}").exists()  # waited for: no zombie


async def test_a_browser_that_leaves_ends_its_viewer(recorder):
    async with one_viewer(recorder) as (wall, socket, viewer):
        await socket.websocket.close()  # the tab is closed
        await wall.board.wait_until(lambda: viewer in wall.board.ended)
        assert viewer.returncode == 0  # asked to quit, and it did
        assert not Path(f"/proc/{viewer.pid}").exists()
        assert wall.board.sessions == 0


async def test_viewers_past_the_limit_are_refused_without_a_process(recorder):
    screen = ScreenText()
    async with running_wallboard(recorder.url, CREDENTIALS, max_viewers=1) as wall:
        async with viewer_socket(wall.url, screen):
            await wall.board.wait_until(lambda: wall.board.sessions == 1)
            async with aiohttp.ClientSession(cookies={COOKIE_NAME: TEST_TOKEN}) as session:
                with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
                    await session.ws_connect(wall.url + "ws")
                assert caught.value.status == 503
                async with session.get(wall.url + "status") as response:
                    assert await response.json() == {
                        "viewers": 1, "max_viewers": 1, "title": "livedash"}
            assert len(wall.board.viewers) == 1 and not wall.board.ended


async def test_keys_from_the_browser_never_reach_the_viewer(recorder):
    async with one_viewer(recorder) as (wall, socket, viewer):
        # "q" quits the dashboard; a wall's viewer must not take it from a browser
        await socket.websocket.send_json(["stdin", "q"])
        await socket.websocket.send_json(["ping", "after-the-key"])  # handled in order
        assert await asyncio.wait_for(socket.texts.get(), 30) == ["pong", "after-the-key"]
        await socket.screen.wait_frames(3)  # seconds of redraws later, it still runs
        assert viewer in wall.board.viewers and not viewer.ended.is_set()
        assert not await viewer.send_bytes(b"q")


async def test_tls_https_and_wss(recorder, tmp_path):
    cert_file, key_file = _self_signed(tmp_path)
    trust = ssl.create_default_context(cafile=str(cert_file))
    screen = ScreenText()
    async with running_wallboard(recorder.url, CREDENTIALS, secure_cookie=True,
                                 ssl_context=tls_context(str(cert_file), str(key_file))) as wall:
        assert wall.url.startswith("https://")
        async with aiohttp.ClientSession() as session:
            async with session.get(wall.token_url, ssl=trust,
                                   allow_redirects=False) as response:
                assert response.status == 303
                assert response.cookies[COOKIE_NAME]["secure"] is True
        async with viewer_socket(wall.url, screen, trust):  # wss://
            await screen.wait_for("alice")


async def test_viewers_end_when_the_serve_process_is_killed(recorder):
    """SIGKILL leaves no orphan polling the recording server (PR_SET_PDEATHSIG)."""
    environment = {**os.environ, TOKEN_ENV: TEST_TOKEN, "LIVEDASH_PASSWORD": PASSWORD}
    serve = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "livedash", "serve", "--url", recorder.url, "--user",
        "supervisor", "--port", "0", "--log-file", os.devnull,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        stdin=asyncio.subprocess.DEVNULL, env=environment,
    )
    viewer = None
    try:
        url = None
        while url is None:
            line = (await asyncio.wait_for(serve.stdout.readline(), 60)).decode()
            assert line, "serve ended before listening"
            found = re.search(r"for browsers at (\S+)", line)
            url = found and found.group(1)
        screen = ScreenText()
        async with viewer_socket(url, screen):
            await screen.wait_for("alice")
            (viewer,) = psutil.Process(serve.pid).children()
            assert "livedash.serve.viewer_entry" in viewer.cmdline()
            serve.kill()
            await serve.wait()
            # the viewer is not our child: psutil waits for it to go (or turn zombie)
            await asyncio.to_thread(viewer.wait, 30)
    finally:
        if serve.returncode is None:
            serve.kill()
            await serve.wait()
        if viewer is not None and viewer.is_running():  # the test failed: no orphan either
            viewer.kill()
