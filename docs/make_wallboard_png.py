"""Regenerate docs/wallboard.png: ``livedash serve --long-call 10m --long-pause 1m`` in
Chromium, on a seeded demo floor.

    .venv/bin/python docs/make_wallboard_png.py

Needs Debian's chromium (``apt-get install chromium``) and the test extras (Playwright).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from playwright.async_api import async_playwright

from livedash.credentials import Credentials, Secret
from livedash.demo.floor import Floor
from livedash.demo.server import DEMO_PASSWORD, DEMO_USER, DemoServer
from livedash.serve.testing import ScreenText, launch_chromium, running_wallboard

OUT = Path(__file__).with_name("wallboard.png")


async def main() -> None:
    start = datetime(2026, 11, 27, 10, 15, 0)
    floor = Floor(size=30, seed=11, now=lambda: start)
    floor.step(400)  # some calls ended, some new ones: a floor in mid-shift
    credentials = Credentials(DEMO_USER, Secret(DEMO_PASSWORD))
    with DemoServer(floor) as server:
        options = ["--tz", "UTC", "--server-tz", "UTC", "--long-call", "10m", "--long-pause", "1m"]
        async with running_wallboard(server.url, credentials, options=options) as wall, \
                async_playwright() as playwright:
            browser = await launch_chromium(playwright)
            page = await browser.new_page(viewport={"width": 1280, "height": 720})
            screen = ScreenText()
            page.on("websocket", lambda ws: ws.on("framereceived", screen.add))
            await page.goto(wall.token_url)
            await screen.wait_for("LIVE")
            await screen.wait_frames(2)  # the first screens are drawn; the next is a tick
            await page.locator("#overlay").wait_for(state="hidden")
            await page.screenshot(path=str(OUT))
            await browser.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
