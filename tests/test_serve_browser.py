"""livedash serve in a real browser: Debian's chromium driven by Playwright.

xterm.js draws on a canvas, so what the viewer shows is read from the websocket frames.
Every request the browser makes is recorded: none may leave loopback.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page, async_playwright, expect

from livedash.serve.access import COOKIE_NAME
from livedash.serve.testing import (
    CHROMIUM_PATH,
    ScreenText,
    TcpProxy,
    launch_chromium,
    running_wallboard,
)
from tests.conftest import DEMO_CREDENTIALS

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM_PATH),
    reason="chromium is not installed (.ci/run installs it: these tests never skip in CI)",
)

TIMEOUT_MS = 60_000


@pytest.fixture
async def browser():
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        yield browser
        await browser.close()


@pytest.fixture
async def wall(demo_server):
    async with running_wallboard(demo_server.url, DEMO_CREDENTIALS, max_viewers=2) as running:
        yield running


@dataclass
class Watched:
    """A page, what its viewer drew (websocket frames), and every URL it asked for."""

    page: Page
    screen: ScreenText = field(default_factory=ScreenText)
    requests: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)

    def off_loopback(self) -> list[str]:
        hosts = {"127.0.0.1", "localhost"}
        return [url for url in self.requests + self.websockets
                if urlsplit(url).scheme not in ("data", "about")
                and urlsplit(url).hostname not in hosts]

    async def overlay_says(self, heading: str) -> None:
        await expect(self.page.locator("#overlay-title")).to_have_text(heading,
                                                                       timeout=TIMEOUT_MS)
        await expect(self.page.locator("#overlay")).to_be_visible()


async def open_page(browser) -> Watched:
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    watched = Watched(await context.new_page())
    context.on("request", lambda request: watched.requests.append(request.url))

    def on_websocket(websocket) -> None:
        watched.websockets.append(websocket.url)
        watched.screen.new_connection()
        websocket.on("framereceived", watched.screen.add)

    watched.page.on("websocket", on_websocket)
    return watched


async def test_without_the_token_401_and_no_frames(browser, wall):
    watched = await open_page(browser)
    response = await watched.page.goto(wall.url)
    assert response.status == 401
    await expect(watched.page.locator("h1")).to_have_text("This wallboard needs its access token")
    assert watched.websockets == [] and watched.screen.frames == 0
    assert wall.board.sessions == 0 and not wall.board.ended
    assert await watched.page.context.cookies() == []
    assert watched.off_loopback() == []


async def test_rows_arrive_and_nothing_leaves_loopback(browser, wall):
    watched = await open_page(browser)
    await watched.page.goto(wall.token_url)
    await watched.screen.wait_for("alice")  # a user of the demo floor, drawn by the viewer
    assert watched.page.url == wall.url  # the token left the address bar
    (cookie,) = await watched.page.context.cookies()
    assert (cookie["name"], cookie["httpOnly"], cookie["sameSite"]) == (
        COOKIE_NAME, True, "Strict")
    await expect(watched.page.locator("#overlay")).to_be_hidden()
    assert watched.websockets == [wall.url.replace("http:", "ws:") + "ws?width=142&height=34"]
    assert watched.off_loopback() == []
    assert any(url.endswith("RobotoMono.ttf") for url in watched.requests)  # local font


async def test_reconnects_by_itself_after_the_connection_is_cut(browser, wall):
    proxy = TcpProxy(wall.port)
    await proxy.start()
    watched = await open_page(browser)
    try:
        await watched.page.goto(f"{proxy.url}?token={wall.board.config.token}")
        await watched.screen.wait_for("alice")
        (first,) = wall.board.viewers

        await proxy.stop()  # the network between the wall and the server goes away
        await watched.overlay_says("Reconnecting…")
        # the last picture stays, dimmed, and the banner says since when it is not live
        await expect(watched.page.locator("iframe.board.stale")).to_have_count(1)
        await expect(watched.page.locator("#overlay-detail")).to_contain_text("NOT LIVE since")
        await wall.board.wait_until(lambda: first in wall.board.ended)  # reaped

        await proxy.start()  # ... and comes back: nobody touches the page
        await watched.screen.wait_for("alice", connection=2)
        await expect(watched.page.locator("#overlay")).to_be_hidden()
        await expect(watched.page.locator("iframe")).to_have_count(1)  # the stale one is gone
        assert wall.board.viewers and first not in wall.board.viewers
    finally:
        await proxy.stop()
    assert watched.off_loopback() == []


async def test_reconnects_by_itself_when_the_viewer_process_ends(browser, wall):
    watched = await open_page(browser)
    await watched.page.goto(wall.token_url)
    await watched.screen.wait_for("alice")
    (first,) = wall.board.viewers
    os.kill(first.pid, signal.SIGKILL)
    await watched.screen.wait_for("alice", connection=2)  # a new viewer, without a click
    await wall.board.wait_until(lambda: first in wall.board.ended)
    assert len(wall.board.viewers) == 1 and first not in wall.board.viewers


async def test_the_viewer_past_the_limit_gets_a_clear_page_then_the_board(browser, demo_server):
    async with running_wallboard(demo_server.url, DEMO_CREDENTIALS, max_viewers=1) as wall:
        first = await open_page(browser)
        await first.page.goto(wall.token_url)
        await first.screen.wait_for("alice")

        second = await open_page(browser)
        await second.page.goto(wall.token_url)
        await second.overlay_says("All viewers in use")
        await expect(second.page.locator("#overlay-detail")).to_contain_text(
            "at most 1 screen at a time (--max-viewers)")
        assert "alice" not in second.screen.text and len(wall.board.viewers) == 1

        await first.page.close()  # a screen is switched off: the waiting one takes over
        await second.screen.wait_for("alice", connection=1)
        await expect(second.page.locator("#overlay")).to_be_hidden()
        assert second.off_loopback() == [] and first.off_loopback() == []
