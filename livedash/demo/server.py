"""The demo Recorder Web API server: aiohttp app, request log, and runners.

``create_app`` serves ``GET fw/Apps/Recorder/WebAPI/LiveRecordings`` and the sibling
supervisor actions from a ``Floor``, with HTTP Basic auth on every request.
``DemoServer`` runs it on a loopback port in a background thread with its own event loop,
so sync tests and async tests (which own another loop) can both use it.

``/_demo/*`` (faults, stepping, stats) has no auth: a demo-only control surface for
standalone demos and subprocess benchmarks. Keep the server on loopback.
"""

from __future__ import annotations

import asyncio
import binascii
import hmac
import json
import signal
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BasicAuth, hdrs, web
from aiohttp import log as web_log

from . import floor as floor_mod
from . import lines
from .accounts import DEMO_PASSWORD, DEMO_USER, VIEWER_USER, announcement
from .faults import FaultInjector, render, render_action
from .floor import Floor
from .spellings import SPELLINGS

LIVE_RECORDINGS = "/fw/Apps/Recorder/WebAPI/LiveRecordings"
REQUIRED_LEVEL = 10  # Call Recording Complete Management
# user name → (password, authorization level)
DEMO_USERS: Mapping[str, tuple[str, int]] = {
    DEMO_USER: (DEMO_PASSWORD, REQUIRED_LEVEL),
    VIEWER_USER: (DEMO_PASSWORD, 5),
}
_CHALLENGE = {"WWW-Authenticate": 'Basic realm="Recorder"'}


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server received it, for tests to assert on."""

    method: str
    path: str
    query: dict[str, str]  # first value of each name, empty values kept (``username=`` → "")
    query_items: tuple[tuple[str, str], ...]  # every pair, in order, repeats included
    query_string: str  # raw, still percent-encoded
    user: str | None  # the authenticated user; None when credentials were missing or wrong
    status: int | None  # None when the handler was cancelled (client gone, server stopping)
    time: float  # time.monotonic() when the request arrived
    fault: str | None = None  # the injected fault kind this request got, if any
    raw_path: str = ""  # as sent, still percent-encoded (an id's %2F stays %2F)
    body: bytes = b""  # the request's body (a start's JSON)


@dataclass
class RequestLog:
    requests: list[RequestRecord] = field(default_factory=list)
    max_concurrent: int = 0
    in_flight: int = 0
    _peers: set = field(default_factory=set)

    @property
    def connections(self) -> int:
        """Distinct TCP connections seen (by client address and port)."""
        return len(self._peers)

    def begin(self, peer: object) -> None:
        self._peers.add(peer)
        self.in_flight += 1
        self.max_concurrent = max(self.max_concurrent, self.in_flight)

    def end(self, record: RequestRecord) -> None:
        self.in_flight -= 1
        self.requests.append(record)

    def reset(self) -> None:
        self.requests = []
        self.max_concurrent = self.in_flight
        self._peers = set()


@dataclass
class DemoState:
    floor: Floor
    users: Mapping[str, tuple[str, int]]
    faults: FaultInjector
    log: RequestLog
    spelling: str = "compact"  # how the recordings' JSON is written: spellings.SPELLINGS


STATE = web.AppKey("livedash_demo_state", DemoState)
FAULT = web.RequestKey("livedash_demo_fault", str)  # the fault kind a request drew


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.json_response(payload, status=status, content_type="application/json")


def _authenticate(request: web.Request, users: Mapping[str, tuple[str, int]]) -> str | None:
    header = request.headers.get(hdrs.AUTHORIZATION, "")
    try:
        auth = BasicAuth.decode(header)
    except (ValueError, binascii.Error, UnicodeError):
        return None
    password, _level = users.get(auth.login, ("", 0))
    # compare_digest on bytes: constant time, and safe for non-ASCII passwords
    if password and hmac.compare_digest(auth.password.encode(), password.encode()):
        return auth.login
    return None


@web.middleware
async def _log_and_auth(request: web.Request, handler: Callable) -> web.StreamResponse:
    state = request.app[STATE]
    if request.path.startswith("/_demo/"):
        return await handler(request)
    peer = request.transport.get_extra_info("peername") if request.transport else None
    state.log.begin(peer)
    arrived = time.monotonic()
    status: int | None = None
    user = _authenticate(request, state.users)
    body = b""
    try:
        body = await request.read() if request.body_exists else b""  # cached for the handler
        if user is None:
            response: web.StreamResponse = web.Response(
                status=401, text="401 Unauthorized", headers=_CHALLENGE)
        elif state.users[user][1] < REQUIRED_LEVEL:
            response = _json({"Message": "Authorization has been denied for this request."}, 403)
        else:
            state.floor.advance_to_now()  # live floors follow the clock; others ignore this
            try:
                response = await handler(request)
            except web.HTTPException as exc:  # 404/405 from routing
                status = exc.status
                raise
            except Exception:  # never let a demo bug look like a hang; answer like IIS would
                response = _json({"Message": "An error has occurred."}, 500)
        status = response.status
        return response
    finally:
        query = request.rel_url.query
        first: dict[str, str] = {}
        for name, value in query.items():
            first.setdefault(name, value)
        state.log.end(RequestRecord(
            request.method, request.path, first, tuple(query.items()),
            request.rel_url.raw_query_string, user, status, arrived, request.get(FAULT),
            request.rel_url.raw_path, body,
        ))


# ---------------------------------------------------------------------- the contract
def _filters(request: web.Request) -> dict[str, str]:
    # The first value of each filter counts; unknown names are ignored.
    return {name: request.query[name] for name in floor_mod.FILTER_NAMES if name in request.query}


async def live_recordings(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    filters = _filters(request)

    async def normal() -> web.StreamResponse:
        state.floor.advance_to_now()  # again: a slow answer is computed after its delay
        return web.Response(body=state.floor.encoded(filters, state.spelling),
                            content_type="application/json", charset="utf-8")

    fault = state.faults.take()
    if fault is None:
        return await normal()
    request[FAULT] = fault.kind
    return await render(fault, request, state.floor, filters, normal)


def _act(action: Callable[[str], None], rec_id: str) -> web.Response:
    try:
        action(rec_id)
    except lines.NoSuchRecording:
        return _json({"Message": "No such live recording."}, 409)
    except lines.AlreadyInState as exc:
        # 429 here means "already in that state", not rate limiting (tests/contract/CONTRACT.md).
        return _json({"Message": f"The recording is {exc}."}, 429)
    except lines.NotMonitorable:
        return _json({"reason": 1}, 400)
    except lines.RecordedByPolicy:
        return _json({"reason": 2}, 400)
    return web.Response(status=204)


async def _acting(request: web.Request, act: Callable[[], web.Response]) -> web.StreamResponse:
    """``act()``'s answer, unless a fault was injected for the next action request."""
    faults = request.app[STATE].faults
    fault = faults.take_action()
    if fault is None:
        return act()
    request[FAULT] = fault.kind
    if fault.kind == "hold":  # until the test releases it: an action frozen under way
        await faults.held()
        return act()
    return await render_action(fault, request, act)


async def pause(request: web.Request) -> web.StreamResponse:
    floor, rec_id = request.app[STATE].floor, request.match_info["id"]
    return await _acting(request, lambda: _act(floor.pause, rec_id))


async def resume(request: web.Request) -> web.StreamResponse:
    floor, rec_id = request.app[STATE].floor, request.match_info["id"]
    return await _acting(request, lambda: _act(floor.resume, rec_id))


async def stop(request: web.Request) -> web.StreamResponse:
    floor, rec_id = request.app[STATE].floor, request.match_info["id"]

    def act() -> web.Response:
        if not floor_mod.is_guid(rec_id):
            return _json({"reason": 0}, 400)
        # 409 before the line's rules: a recording that is over has no line to refuse it
        return _act(floor.supervisor_stop, rec_id)

    return await _acting(request, act)


async def _json_body(request: web.Request) -> dict | None:
    """The request's JSON object; {} when there is no body; None when it is not an object."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:  # includes UnicodeDecodeError
        return None
    return body if isinstance(body, dict) else None


async def start(request: web.Request) -> web.StreamResponse:
    body = await _json_body(request)
    return await _acting(request, lambda: _start(request.app[STATE].floor, body))


def _start(floor: Floor, body: dict | None) -> web.Response:
    """Start's answers. Its 400 reasons are our reading (the vendor documents only the
    body ``{reason, deviceName}``): 0 the request names no known device or line, or is
    malformed; 1 the line is not monitorable; 2 (recorded by policy) is never needed here,
    as a policy line's call is always recorded already (429)."""
    if body is None:
        return _json({"reason": 0, "deviceName": ""}, 400)
    device, line, mode = body.get("deviceName", ""), body.get("directoryNumber", ""), body.get(
        "mode", 0)
    if not isinstance(device, str) or not isinstance(line, str) or mode not in (0, 1) or (
            isinstance(mode, bool)):
        return _json({"reason": 0, "deviceName": device if isinstance(device, str) else ""}, 400)
    try:
        rec_id = floor.start(device, line)
    except lines.UnknownLine:
        return _json({"reason": 0, "deviceName": device}, 400)
    except lines.NotMonitorable:
        return _json({"reason": 1, "deviceName": device}, 400)
    except lines.NoConnectedCall:
        return _json({"Message": "No connected call to record."}, 409)
    except lines.AlreadyRecorded:
        return _json({"Message": "The call is already being recorded."}, 429)
    return _json({"id": rec_id}, 201)


# ---------------------------------------------------------------------- /_demo control
async def demo_inject(request: web.Request) -> web.Response:
    faults = request.app[STATE].faults
    body = await _json_body(request)
    if body is None:
        return _json({"error": "expected a JSON object"}, 400)
    params = {k: v for k, v in body.items() if k not in ("kind", "count", "rate", "kinds", "on")}
    try:
        if "rate" in body:
            kinds = tuple(body["kinds"]) if body.get("kinds") else None
            faults.set_rate(float(body["rate"]), kinds)
        if "kind" in body:
            on = body.get("on", "poll")
            if on not in ("poll", "action"):
                raise ValueError('"on" must be "poll" or "action"')
            inject = faults.inject_action if on == "action" else faults.inject
            inject(str(body["kind"]), body.get("count"), **params)
    except (TypeError, ValueError) as exc:
        return _json({"error": str(exc)}, 400)
    return web.Response(status=204)


async def demo_clear(request: web.Request) -> web.Response:
    request.app[STATE].faults.clear()
    return web.Response(status=204)


async def demo_step(request: web.Request) -> web.Response:
    body = await _json_body(request)
    seconds = (body or {}).get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        return _json({"error": "expected {\"seconds\": a non-negative number}"}, 400)
    request.app[STATE].floor.step(float(seconds))
    return web.Response(status=204)


async def demo_stats(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return _json({
        "requests": len(state.log.requests),
        "max_concurrent": state.log.max_concurrent,
        "connections": state.log.connections,
        "calls": len(state.floor),
        "faults_served": dict(state.faults.served),
        "faults_pending": state.faults.pending,
        "action_faults_pending": state.faults.pending_actions,
    })


def create_app(floor: Floor, *, users: Mapping[str, tuple[str, int]] = DEMO_USERS,
               faults: FaultInjector | None = None,
               log: RequestLog | None = None, spelling: str = "compact") -> web.Application:
    if spelling not in SPELLINGS:
        raise ValueError(f"unknown spelling {spelling!r}: one of {SPELLINGS}")
    app = web.Application(middlewares=[_log_and_auth])
    app[STATE] = DemoState(floor, users, faults or FaultInjector(), log or RequestLog(),
                           spelling)
    app.router.add_get(LIVE_RECORDINGS, live_recordings)
    app.router.add_post(LIVE_RECORDINGS, start)
    app.router.add_delete(LIVE_RECORDINGS + "/{id}", stop)
    app.router.add_put(LIVE_RECORDINGS + "/{id}/Pause", pause)
    app.router.add_put(LIVE_RECORDINGS + "/{id}/Resume", resume)
    app.router.add_post("/_demo/faults", demo_inject)
    app.router.add_delete("/_demo/faults", demo_clear)
    app.router.add_post("/_demo/step", demo_step)
    app.router.add_get("/_demo/stats", demo_stats)
    return app


async def _listen(app: web.Application, host: str, port: int,
                  access_log: bool = False,
                  sock: socket.socket | None = None) -> tuple[web.AppRunner, int]:
    # handler_cancellation: a client that gives up cancels its slow answer. A short
    # shutdown_timeout: stopping is a crash simulation, not a graceful drain.
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.1,
                           access_log=web_log.access_logger if access_log else None)
    await runner.setup()
    site = web.TCPSite(runner, host, port) if sock is None else web.SockSite(runner, sock)
    await site.start()
    return runner, runner.addresses[0][1]


class DemoServer:
    """The demo app on a loopback port, served from a background thread and event loop."""

    def __init__(self, floor: Floor | None = None, *, size: int = 40, seed: int = 1,
                 live: bool = False, host: str = "127.0.0.1", port: int = 0,
                 users: Mapping[str, tuple[str, int]] = DEMO_USERS,
                 faults: FaultInjector | None = None, spelling: str = "compact"):
        self.floor = floor if floor is not None else Floor(size, seed, live=live)
        self.faults = faults or FaultInjector()
        self.log = RequestLog()
        self.app = create_app(self.floor, users=users, faults=self.faults, log=self.log,
                              spelling=spelling)
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The server root, with a trailing slash; clients append the endpoint path."""
        return f"http://{self.host}:{self.port}/"

    @property
    def endpoint(self) -> str:
        return self.url + LIVE_RECORDINGS.lstrip("/")

    @property
    def requests(self) -> list[RequestRecord]:
        return self.log.requests

    @property
    def max_concurrent(self) -> int:
        return self.log.max_concurrent

    @property
    def connections(self) -> int:
        return self.log.connections

    def reset_log(self) -> None:
        self._call(self._reset_log())

    async def _reset_log(self) -> None:  # on the server loop: no race with the middleware
        self.log.reset()

    def _call(self, coro: Awaitable, timeout: float = 15.0) -> Any:
        if self._loop is None:
            raise RuntimeError("the demo server is not started")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def start(self) -> DemoServer:
        """Listen (blocks until the port is open) and return self."""
        if self._loop is not None:
            return self
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever,
                                        name="livedash-demo-server", daemon=True)
        self._thread.start()
        self.come_up()
        return self

    async def _up(self) -> None:
        if self._runner is None:
            self._runner, self.port = await _listen(self.app, self.host, self.port)

    async def _down(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    def go_down(self) -> None:
        """Like the server process dying: the port refuses and open connections are cut."""
        self._call(self._down())

    def come_up(self) -> None:
        """Listen again, on the same port as before."""
        self._call(self._up())

    def stop(self) -> None:
        if self._loop is None:
            return
        try:
            self._call(self._down())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=15)
            self._loop.close()
            self._loop = self._thread = None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


async def serve_forever(app: web.Application, host: str, port: int, *,
                        access_log: bool = False,
                        announce: Callable[[str], None] = print,
                        sock: socket.socket | None = None) -> None:
    """Run until SIGTERM or SIGINT, for ``python -m livedash.demo``.

    With ``sock`` (already listening, and announced by the caller), serve on it;
    otherwise listen on ``host``:``port`` and announce the URL.
    """
    runner, port = await _listen(app, host, port, access_log, sock)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    if sock is None:
        announce(announcement(host, port))
    try:
        await stopping.wait()
    finally:
        await runner.cleanup()
