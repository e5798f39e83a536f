"""Fault injection for the demo server: the ways a real server, proxy or network misbehaves.

``FaultInjector`` decides which fault (if any) the next authenticated
``GET LiveRecordings`` gets: queued faults first, in the order injected, then a random
transient fault with probability ``rate``. ``render`` turns a fault into an aiohttp answer.

Supervisor actions (pause, resume, stop, start) have a queue of their own
(``inject_action``, ``take_action``, ``render_action``) and no random faults: a test
injects exactly the answer it wants for the next action request, e.g. 504.
"""

from __future__ import annotations

import asyncio
import copy
import json
import random
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .floor import Floor, dotnet_timestamp
from .vendor_example import VENDOR_EXAMPLE

KINDS = (
    "401", "403", "404", "500", "502_html", "503_html", "slow", "drop", "truncated_json",
    "html_200", "json_object", "json_null", "json_number", "bad_records", "duplicate_ids",
    "huge", "hostile",
)
# Faults for action requests. "slow" delays, then acts; "drop" acts, then cuts the
# connection before the answer (the client cannot know that the server acted); "hold"
# waits until release_held(), then acts (a test freezes "an action under way").
ACTION_KINDS = ("401", "403", "404", "500", "502_html", "503_html", "504", "slow", "drop",
                "hold")
# Random faults model transient trouble: never 401/403 (they stop a client's polling for
# good), 404 (a configuration error, not a passing one) or huge (too heavy for a soak).
RANDOM_KINDS = tuple(k for k in KINDS if k not in ("401", "403", "404", "huge"))
DEFAULT_SLOW_DELAY = 30.0
DEFAULT_HUGE_MB = 40.0


@dataclass(frozen=True)
class Fault:
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class _Queued:
    fault: Fault
    remaining: int | None  # None: until cleared


def _check(kind: str, params: Mapping[str, Any], kinds: tuple[str, ...] = KINDS) -> None:
    if kind not in kinds:
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(kinds)}")
    for name in ("delay", "mb", "retry_after"):
        value = params.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or value < 0):
            raise ValueError(f"{name} must be a non-negative number")


class FaultInjector:
    """Thread-safe: tests inject from their thread while the server's loop takes faults."""

    def __init__(self, rate: float = 0.0, *, seed: int | None = None,
                 kinds: tuple[str, ...] = RANDOM_KINDS):
        self._lock = threading.Condition()
        self._queue: list[_Queued] = []
        self._action_queue: list[_Queued] = []
        self._rng = random.Random(seed)
        self.rate = rate
        self.kinds = kinds
        self.served: Counter[str] = Counter()  # faults handed out, by kind (for benchmarks)
        # requests held by a "hold" fault: (their loop, what they wait on)
        self._held: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = []

    def inject(self, kind: str, count: int | None = None, **params: Any) -> None:
        """Queue a fault for the next ``count`` requests (None: every request until cleared).

        Faults queue up: ``inject("500", 1); inject("drop", 1)`` fails the next request with
        500 and the one after with a dropped connection. A fault without a count holds the
        head of the queue until ``clear()``.
        """
        _check(kind, params)
        self._enqueue(self._queue, kind, count, params)

    def inject_action(self, kind: str, count: int | None = None, **params: Any) -> None:
        """Queue a fault for the next ``count`` action requests (one of ``ACTION_KINDS``)."""
        _check(kind, params, ACTION_KINDS)
        self._enqueue(self._action_queue, kind, count, params)

    def _enqueue(self, queue: list[_Queued], kind: str, count: int | None,
                 params: Mapping[str, Any]) -> None:
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)
                                  or count < 1):
            raise ValueError("count must be a positive integer or None")
        with self._lock:
            queue.append(_Queued(Fault(kind, dict(params)), count))

    def set_rate(self, rate: float, kinds: tuple[str, ...] | None = None) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        for kind in kinds or ():
            _check(kind, {})
        with self._lock:
            self.rate = rate
            if kinds:
                self.kinds = tuple(kinds)

    def clear(self) -> None:
        """Back to normal answers: the queues are emptied, the random rate set to 0 and
        held requests released."""
        with self._lock:
            self._queue.clear()
            self._action_queue.clear()
            self.rate = 0.0
        self.release_held()

    async def held(self) -> None:
        """Wait, on the server's loop, until :meth:`release_held` (a "hold" fault)."""
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        with self._lock:
            self._held.append((loop, waiter))
        await waiter

    def release_held(self) -> int:
        """Let every held request go on (from any thread); how many were held."""
        with self._lock:
            held, self._held = self._held, []
        for loop, waiter in held:
            if not loop.is_closed():
                loop.call_soon_threadsafe(lambda w=waiter: w.done() or w.set_result(None))
        return len(held)

    @property
    def pending(self) -> list[tuple[str, int | None]]:
        with self._lock:
            return [(q.fault.kind, q.remaining) for q in self._queue]

    @property
    def pending_actions(self) -> list[tuple[str, int | None]]:
        with self._lock:
            return [(q.fault.kind, q.remaining) for q in self._action_queue]

    @staticmethod
    def _pop(queue: list[_Queued]) -> Fault | None:
        if not queue:
            return None
        head = queue[0]
        if head.remaining is not None:
            head.remaining -= 1
            if head.remaining == 0:
                queue.pop(0)
        return head.fault

    def take(self) -> Fault | None:
        """The fault for the request being handled now, consuming one use of it."""
        with self._lock:
            fault = self._pop(self._queue)
            if fault is None and self.rate > 0 and self._rng.random() < self.rate:
                kind = self._rng.choice(self.kinds)
                # A random slow answer stays under a client's usual 10 s timeout.
                params = {"delay": self._rng.uniform(0.5, 3.0)} if kind == "slow" else {}
                fault = Fault(kind, params)
            return self._served(fault)

    def take_action(self) -> Fault | None:
        """The fault for the action request being handled now (queued ones only)."""
        with self._lock:
            return self._served(self._pop(self._action_queue))

    def _served(self, fault: Fault | None) -> Fault | None:
        if fault is not None:
            self.served[fault.kind] += 1
            self._lock.notify_all()
        return fault

    def wait_served(self, kind: str, count: int = 1, timeout: float = 10.0) -> bool:
        """Block until ``count`` faults of ``kind`` were handed out (lets tests avoid sleeps)."""
        with self._lock:
            return self._lock.wait_for(lambda: self.served[kind] >= count, timeout)


# ---------------------------------------------------------------------- canned bodies
_HTML = "text/html"
_PAGE_404 = (
    "<!DOCTYPE html><html><head><title>404 - File or directory not found.</title></head>"
    "<body><h2>404 - File or directory not found.</h2><h3>The resource you are looking for "
    "might have been removed, had its name changed, or is temporarily unavailable.</h3>"
    "</body></html>"
)
_PAGE_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_PAGE_503 = (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">'
    "<HTML><HEAD><TITLE>Service Unavailable</TITLE></HEAD><BODY><h2>Service Unavailable</h2>"
    "<hr><p>HTTP Error 503. The service is unavailable.</p></BODY></HTML>"
)
_LOGIN_PAGE = (
    "<!DOCTYPE html><html><head><title>Sign in - Application Suite</title></head><body>"
    '<form method="post" action="/fw/Login"><label>User name <input name="username"></label>'
    '<label>Password <input name="password" type="password"></label>'
    "<button>Sign in</button></form></body></html>"
)


def _json(payload: Any, status: int = 200) -> web.Response:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return web.Response(status=status, body=body, content_type="application/json",
                        charset="utf-8")


def _sample(floor: Floor, rec_id: str, **remote: str) -> dict:
    """A well-formed record, for faults that need one whatever the floor holds."""
    return {
        "id": rec_id,
        "duration": "PT1M13S",
        "startedAt": dotnet_timestamp(floor.now()),
        "localParty": {"username": "user1"},
        "remoteParty": remote or {"firstName": "John", "lastName": "Doe",
                                  "phoneNumber": "+1555123456"},
        "isPaused": False,
    }


def bad_records(floor: Floor) -> list[dict | str]:
    """Records a tolerant client must skip (or, where the contract allows, accept)."""
    good = _sample(floor, "")
    cases: list[tuple[str, Any]] = [
        ("id", None), ("id", 12345), ("duration", 73), ("duration", "banana"),
        ("remoteParty", None), ("remoteParty", "John Doe"), ("isPaused", "yes"),
    ]
    records: list[dict | str] = []
    missing_id = dict(good)
    del missing_id["id"]
    records.append(missing_id)
    for index, (key, value) in enumerate(cases, start=1):
        record = dict(good, id=f"badbad00-0000-4000-8000-{index:012d}")
        record[key] = value
        records.append(record)
    records.append("just a string, not a recording")
    no_start = dict(good, id="badbad00-0000-4000-8000-000000000099")
    del no_start["startedAt"]
    records.append(no_start)
    return records


_LONG_NAME = ("Wolfeschlegelsteinhausenbergerdorff" * 150)[:5000]
HOSTILE_TEXTS = (
    "[bold red]x[/]",
    "[/]",
    "[@click=app.quit]click[/]",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;http://evil/\x07link\x1b]8;;\x07",
    "nul\x00bel\x07bs\x08vt\x0bdel\x7fnel\x85csi\x9b",
    "line\nbreak\ttab\rreturn",
    "\u202eevil\u202c.exe",
    _LONG_NAME,
    "王秀英",
    "👩\u200d💻📞",
)


def hostile_records(floor: Floor) -> list[dict]:
    """Well-formed records whose text is hostile: markup, escapes, controls, huge, wide."""
    records = []
    for index, text in enumerate(HOSTILE_TEXTS):
        record = _sample(floor, f"4057113e-0000-4000-8000-{index:012d}",
                         firstName=text, lastName=text, phoneNumber=text)
        record["localParty"] = {"username": text}
        records.append(record)
    return records


def duplicate_ids(records: list[dict], floor: Floor) -> list[dict]:
    records = records or [_sample(floor, "d0d0d0d0-0000-4000-8000-000000000001")]
    first, last = copy.deepcopy(records[0]), copy.deepcopy(records[-1])
    first["duration"], first["isPaused"] = "PT9H9M9S", not first["isPaused"]
    return [*records, first, last]


def truncated(body: bytes) -> bytes:
    """Cut mid-array at a character boundary: clean UTF-8 but invalid JSON."""
    if len(body) < 8:
        body = json.dumps([VENDOR_EXAMPLE], separators=(",", ":")).encode()
    cut = len(body) // 2
    while cut > 1 and 0x80 <= body[cut] <= 0xBF:  # never split a multi-byte character
        cut -= 1
    return body[:cut]


# ---------------------------------------------------------------------- streamed faults
async def _drop(request: web.Request, body: bytes) -> web.StreamResponse:
    """Promise the whole body, send part of it, then reset the connection."""
    response = web.StreamResponse(status=200)
    response.content_type = "application/json"
    response.charset = "utf-8"
    response.content_length = max(len(body), 16) + 1024
    await response.prepare(request)
    await response.write(body[: len(body) // 2])
    if request.transport is not None:
        request.transport.abort()
    return response


async def _huge(request: web.Request, floor: Floor, megabytes: float) -> web.StreamResponse:
    """A valid JSON array of ``megabytes`` MiB, chunked, generated piece by piece."""
    response = web.StreamResponse(status=200)
    response.content_type = "application/json"
    response.charset = "utf-8"
    response.enable_chunked_encoding()
    await response.prepare(request)
    template = json.dumps(_sample(floor, "ID"), separators=(",", ":")).encode()
    before, after = template.split(b'"ID"')
    record_size = len(before) + 38 + len(after) + 1  # a quoted GUID and a comma
    count = max(1, (int(megabytes * 1024 * 1024) - 2) // record_size)
    await response.write(b"[")
    for start in range(0, count, 1000):  # about 200 kB per write; each awaits the socket
        pieces = [b'%s"00000000-0000-4000-8000-%012d"%s' % (before, index, after)
                  for index in range(start, min(start + 1000, count))]
        await response.write((b"," if start else b"") + b",".join(pieces))
    await response.write(b"]")
    return response


def _status_answer(fault: Fault) -> web.Response | None:
    """The canned answer of a fault that is only a status (and a body), else None."""
    kind = fault.kind
    if kind == "401":
        return web.Response(status=401, text="401 Unauthorized",
                            headers={"WWW-Authenticate": 'Basic realm="Recorder"'})
    if kind == "403":
        return _json({"Message": "Authorization has been denied for this request."}, 403)
    if kind == "404":
        return web.Response(status=404, text=_PAGE_404, content_type=_HTML)
    if kind == "500":
        return _json({"Message": "An error has occurred."}, 500)
    if kind == "502_html":
        return web.Response(status=502, text=_PAGE_502, content_type=_HTML)
    if kind == "503_html":
        return web.Response(status=503, text=_PAGE_503, content_type=_HTML,
                            headers={"Retry-After": f"{fault.params.get('retry_after', 5):g}"})
    if kind == "504":  # the recording service behind the Web API does not answer
        return web.Response(status=504)
    return None


async def render_action(fault: Fault, request: web.Request,
                        act: Callable[[], web.Response]) -> web.StreamResponse:
    """The answer to an action request that drew ``fault``; ``act`` does the action."""
    if fault.kind == "slow":
        await asyncio.sleep(float(fault.params.get("delay", DEFAULT_SLOW_DELAY)))
        return act()
    if fault.kind == "drop":
        act()  # the server acts; its answer is lost on the way
        response = web.StreamResponse(status=200)
        response.content_length = 64
        await response.prepare(request)
        if request.transport is not None:
            request.transport.abort()
        return response
    answer = _status_answer(fault)
    if answer is None:  # _check keeps this unreachable
        raise ValueError(f"unknown action fault kind {fault.kind!r}")
    return answer


async def render(fault: Fault, request: web.Request, floor: Floor,
                 filters: Mapping[str, str],
                 normal: Callable[[], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    """The answer to a LiveRecordings request that drew ``fault``."""
    kind = fault.kind
    answer = _status_answer(fault)
    if answer is not None:
        return answer
    if kind == "slow":
        # asyncio.sleep: the loop keeps serving other requests, and a client that gives up
        # (or a server stop) cancels this handler.
        await asyncio.sleep(float(fault.params.get("delay", DEFAULT_SLOW_DELAY)))
        return await normal()
    if kind == "drop":
        return await _drop(request, floor.encoded(filters))
    if kind == "truncated_json":
        return web.Response(status=200, body=truncated(floor.encoded(filters)),
                            content_type="application/json", charset="utf-8")
    if kind == "html_200":
        return web.Response(status=200, text=_LOGIN_PAGE, content_type=_HTML)
    if kind == "json_object":
        return _json({"error": "Service temporarily unavailable"})
    if kind == "json_null":
        return _json(None)
    if kind == "json_number":
        return _json(42)
    if kind == "bad_records":
        records: list = floor.recordings(filters)
        middle = len(records) // 2  # among the good ones, not only at the end
        return _json(records[:middle] + bad_records(floor) + records[middle:])
    if kind == "duplicate_ids":
        return _json(duplicate_ids(floor.recordings(filters), floor))
    if kind == "huge":
        return await _huge(request, floor, float(fault.params.get("mb", DEFAULT_HUGE_MB)))
    if kind == "hostile":
        return _json(floor.recordings(filters) + hostile_records(floor))
    raise ValueError(f"unknown fault kind {kind!r}")  # _check keeps this unreachable
