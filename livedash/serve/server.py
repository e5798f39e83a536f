"""The wallboard's web server: pages, assets, a status probe, and one websocket per viewer.

Routes (all behind the access token, see ``access.py``):

- ``/`` the wallboard page. It never ends: it holds the viewer in an iframe, and when the
  connection drops or the viewer ends it shows "Reconnecting…" and loads the viewer again
  with backoff (``assets/wallboard.js``). textual-serve's own page would show "Session
  ended" and wait for a click that nobody at a wall makes.
- ``/terminal`` the viewer page: textual-serve's xterm.js bundle, fed by ``/ws``.
- ``/ws`` starts one viewer process (``viewer_process.py``) and relays its screen.
- ``/status`` how many viewers run of how many allowed (the page asks before connecting).
- ``/assets/NAME`` a fixed list of files, all served from here: the page loads nothing from
  outside (the Content-Security-Policy says so to the browser too).

The server keeps no access log (a URL can carry the token).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import textual_serve
from aiohttp import WSMsgType, web

from .access import token_middleware
from .viewer_process import ViewerProcess

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEXTUAL_SERVE_STATIC = Path(textual_serve.__file__).resolve().parent / "static"

# name → (file, content type). Roboto Mono comes in the textual-serve wheel (Apache 2.0).
ASSETS: dict[str, tuple[Path, str]] = {
    "textual.js": (TEXTUAL_SERVE_STATIC / "js" / "textual.js", "text/javascript"),
    "xterm.css": (TEXTUAL_SERVE_STATIC / "css" / "xterm.css", "text/css"),
    "RobotoMono.ttf": (TEXTUAL_SERVE_STATIC / "fonts" / "RobotoMono-VariableFont_wght.ttf",
                       "font/ttf"),
    "wallboard.js": (HERE / "assets" / "wallboard.js", "text/javascript"),
    "terminal.js": (HERE / "assets" / "terminal.js", "text/javascript"),
    "wallboard.css": (HERE / "assets" / "wallboard.css", "text/css"),
}
PAGES = {"wallboard": HERE / "assets" / "wallboard.html",
         "terminal": HERE / "assets" / "terminal.html"}

# Everything from this origin, nothing from anywhere else. textual.js inserts <style>
# elements, hence 'unsafe-inline' for styles (not for scripts).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
}

WEBSOCKET_HEARTBEAT = 15.0  # seconds: a silently dropped connection is noticed this soon
MAX_BROWSER_MESSAGE = 64 * 1024
TERMINAL_WIDTH = (20, 500)  # columns a browser may ask for
TERMINAL_HEIGHT = (5, 200)
ENDED_KEPT = 16


@dataclass(frozen=True)
class WallboardConfig:
    viewer_argv: list[str]
    viewer_environment: dict[str, str] = field(repr=False)  # holds the password
    token: str = field(repr=False)
    max_viewers: int = 4
    secure_cookie: bool = False  # TLS here or at a proxy in front (--public-url https://…)
    title: str = "livedash"
    public_url: str | None = None  # its origin is accepted on websockets besides Host's


def _clamp(text: str | None, bounds: tuple[int, int], default: int) -> int:
    try:
        value = int(text or default)
    except ValueError:
        value = default
    return max(bounds[0], min(bounds[1], value))


@web.middleware
async def security_headers(request: web.Request, handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITY_HEADERS)
        raise
    if not response.prepared:  # a websocket's headers are already sent
        response.headers.update(SECURITY_HEADERS)
    return response


class Wallboard:
    """The aiohttp application and the viewers it runs."""

    def __init__(self, config: WallboardConfig):
        self.config = config
        self.viewers: set[ViewerProcess] = set()  # running now
        # the last viewers that ended, reaped (tests look here); bounded: a wall runs weeks
        self.ended: deque[ViewerProcess] = deque(maxlen=ENDED_KEPT)
        self._sessions = 0  # viewer slots taken, including those still starting
        self._websockets: set[web.WebSocketResponse] = set()
        self._changed = asyncio.Condition()

    # -- for the serve command and tests ---------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[
            security_headers,
            token_middleware(self.config.token, secure_cookie=self.config.secure_cookie),
        ])
        app.router.add_get("/", self._page("wallboard"))
        app.router.add_get("/terminal", self._page("terminal"))
        app.router.add_get("/status", self.handle_status)
        app.router.add_get("/ws", self.handle_websocket)
        app.router.add_get("/assets/{name}", self.handle_asset)
        app.on_shutdown.append(self._close_all)
        return app

    @property
    def sessions(self) -> int:
        return self._sessions

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        """Wait until ``predicate()`` holds, re-checked whenever a viewer starts or ends."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- routes ----------------------------------------------------------------------------

    def _page(self, name: str):
        path = PAGES[name]

        async def page(request: web.Request) -> web.StreamResponse:
            return web.FileResponse(path, headers={"Content-Type": "text/html; charset=utf-8",
                                                   "Cache-Control": "no-cache"})

        return page

    async def handle_asset(self, request: web.Request) -> web.StreamResponse:
        asset = ASSETS.get(request.match_info["name"])
        if asset is None:
            raise web.HTTPNotFound()
        path, content_type = asset
        return web.FileResponse(path, headers={"Content-Type": content_type,
                                               "Cache-Control": "no-cache"})

    async def handle_status(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"viewers": self._sessions, "max_viewers": self.config.max_viewers,
             "title": self.config.title},
            headers={"Cache-Control": "no-store"},
        )

    def _origin_allowed(self, request: web.Request) -> bool:
        """A websocket from a page of this server (or of the public URL in front of it)."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a browser: the token was checked all the same
        parts = urlsplit(origin)
        allowed = {request.host}
        if self.config.public_url:
            allowed.add(urlsplit(self.config.public_url).netloc)
        return parts.netloc in allowed

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if not self._origin_allowed(request):
            return web.Response(status=403, text="websocket from another site refused")
        if self._sessions >= self.config.max_viewers:
            return web.Response(
                status=503,
                text=f"all {self.config.max_viewers} viewers in use (--max-viewers)",
            )
        self._sessions += 1  # taken before the first await: no two take the last slot
        websocket = web.WebSocketResponse(heartbeat=WEBSOCKET_HEARTBEAT,
                                          max_msg_size=MAX_BROWSER_MESSAGE)
        viewer: ViewerProcess | None = None
        try:
            await websocket.prepare(request)
            self._websockets.add(websocket)
            viewer = ViewerProcess(
                self.config.viewer_argv, self.config.viewer_environment,
                write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                close=websocket.close,
            )
            await viewer.start(
                _clamp(request.query.get("width"), TERMINAL_WIDTH, 80),
                _clamp(request.query.get("height"), TERMINAL_HEIGHT, 24),
            )
            self.viewers.add(viewer)
            log.info("viewer %s started (%d of %d)", viewer.pid, self._sessions,
                     self.config.max_viewers)
            await self._notify()
            await self._relay_until_either_ends(websocket, viewer)
        except OSError as exc:  # the viewer could not be started
            log.error("could not start a viewer: %s", exc)
        finally:
            await self._end_session(websocket, viewer)
        return websocket

    async def _relay_until_either_ends(self, websocket: web.WebSocketResponse,
                                       viewer: ViewerProcess) -> None:
        browser = asyncio.create_task(self._relay_browser(websocket, viewer))
        process = asyncio.create_task(viewer.ended.wait())
        try:
            await asyncio.wait({browser, process}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (browser, process):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _end_session(self, websocket: web.WebSocketResponse,
                           viewer: ViewerProcess | None) -> None:
        try:
            if viewer is not None:
                await asyncio.shield(viewer.stop())
                log.info("viewer %s ended (exit code %s)", viewer.pid, viewer.returncode)
            if websocket.prepared:  # not prepared: it was no websocket request at all
                await websocket.close()  # the page reconnects: a fresh viewer
        finally:
            self._websockets.discard(websocket)
            if viewer is not None:
                self.viewers.discard(viewer)
                self.ended.append(viewer)
            self._sessions -= 1
            await self._notify()

    async def _relay_browser(self, websocket: web.WebSocketResponse,
                             viewer: ViewerProcess) -> None:
        """Sizes, focus and pings from the page; never keys (read-only, see viewer_process)."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, payload = envelope[0], (envelope[1] if len(envelope) > 1 else None)
            if kind == "resize" and isinstance(payload, dict):
                await viewer.set_terminal_size(
                    _clamp(str(payload.get("width")), TERMINAL_WIDTH, 80),
                    _clamp(str(payload.get("height")), TERMINAL_HEIGHT, 24),
                )
            elif kind == "ping":
                await websocket.send_json(["pong", str(payload)[:32]])
            elif kind == "focus":
                await viewer.focus()
            elif kind == "blur":
                await viewer.blur()

    async def _close_all(self, app: web.Application | None = None) -> None:
        """On shutdown: close every websocket, so every viewer is stopped and reaped."""
        for websocket in list(self._websockets):
            await websocket.close(code=1001, message=b"server shutting down")
        try:
            await self.wait_until(lambda: self._sessions == 0, timeout=10.0)
        except TimeoutError:
            log.error("%d viewers still running at shutdown", self._sessions)


def tls_context(certfile: str, keyfile: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    return context


async def start_wallboard(wallboard: Wallboard, host: str, port: int,
                          ssl_context: ssl.SSLContext | None = None) -> tuple[web.AppRunner, int]:
    """Listen; return the runner (``await runner.cleanup()`` stops it) and the port."""
    runner = web.AppRunner(wallboard.make_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
    await site.start()
    return runner, runner.addresses[0][1]
