"""Supervisor actions on live recordings: pause, resume, stop, start. No Textual here.

The four sibling endpoints of ``LiveRecordings`` (``../shared/api/CONTRACT.md``):

=======  ==========================================  =======
pause    ``PUT  LiveRecordings/{id}/Pause``           204
resume   ``PUT  LiveRecordings/{id}/Resume``          204
stop     ``DELETE LiveRecordings/{id}``                204
start    ``POST LiveRecordings`` ``{deviceName?, directoryNumber?, mode?}``  201 ``{id}``
=======  ==========================================  =======

:class:`ActionClient` has its own ``httpx.AsyncClient`` (built like the poller's by
``client.http_client``), so actions never wait behind a poll nor break the poll's one
request in flight. It sends at most ``max_concurrent`` requests at a time and never
retries: a request that got no answer may have acted, and a 429 here means "already in
that state", not "slow down". The same recording is never acted on twice at once: a second
press while an action on it is in flight sends nothing (:attr:`Outcome.BUSY`), and
:meth:`ActionClient.in_flight` tells a table which rows to mark "… PAUSING".

Every answer becomes an :class:`ActionResult` whose ``outcome`` is typed and whose
``message`` says what happened in words that are safe to show (server text goes through
``safe_text``). Every action attempted, sent or held back, is one audit line to the logger
``livedash.audit`` (never the password).
"""

from __future__ import annotations

import asyncio
import dataclasses
import getpass
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from urllib.parse import quote

import httpx

from .client import (
    LIVE_RECORDINGS_PATH,
    TlsOptions,
    basic_auth,
    describe_network_error,
    http_client,
)
from .clock import Clock
from .credentials import Credentials
from .errors import AuthError, FetchError, ForbiddenError, HttpStatusError, NetworkError
from .safe_text import safe_text

AUDIT = logging.getLogger("livedash.audit")  # to the log file, through "livedash"
DEFAULT_MAX_CONCURRENT = 4  # a handful of marked rows at once, never a burst at the server
MAX_ANSWER_BYTES = 64 * 1024  # the answers here are a few bytes; a proxy page is not read whole


class Action(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    START = "start"

    @property
    def in_progress(self) -> str:
        """The word a row shows while this action is under way: ``… PAUSING``."""
        return {"pause": "pausing", "resume": "resuming", "stop": "stopping",
                "start": "starting"}[self.value]

    @property
    def done(self) -> str:
        return {"pause": "paused", "resume": "resumed", "stop": "stopped",
                "start": "started"}[self.value]


class StartMode(IntEnum):
    """``mode`` of a start request."""

    FORKING = 0  # media forking: the phone sends a copy of the media (the server's default)
    DIAL_IN = 1  # the recorder joins the call

    @property
    def label(self) -> str:
        return "forking" if self is StartMode.FORKING else "dial-in"

    @classmethod
    def from_label(cls, label: str) -> StartMode:
        return {"forking": cls.FORKING, "dial-in": cls.DIAL_IN}[label]


class Outcome(StrEnum):
    """What came of one action. ``ok`` outcomes leave the recording as the user wanted."""

    DONE = "done"  # 204 (start: 201 with the new id)
    ALREADY = "already"  # 429 on pause/resume: already paused / not paused (information)
    NOTHING = "nothing"  # 409: no such live recording; start: no connected call on that line
    ALREADY_RECORDED = "already-recorded"  # start's 429: the line's call is already recorded
    REFUSED = "refused"  # 400, with a reason the message puts in words
    UNAVAILABLE = "unavailable"  # 504: the recording service is not available
    AUTH = "auth"  # 401, as for polling: never sent again by itself
    FORBIDDEN = "forbidden"  # 403: the user lacks level 10
    HTTP = "http"  # any other status
    BAD_ANSWER = "bad-answer"  # start's success without the new recording's id
    NETWORK = "network"  # no answer (the message says whether the request went out)
    BUSY = "busy"  # the same recording already has an action in flight: nothing sent
    NOT_SENT = "not-sent"  # an earlier request of the same batch got 401/403: not sent

    @property
    def ok(self) -> bool:
        return self in (Outcome.DONE, Outcome.ALREADY)


@dataclass(frozen=True)
class Target:
    """A recording to act on, and what the caller shows of it (for the audit line)."""

    id: str
    local_user: str = ""
    remote_number: str = ""


@dataclass(frozen=True)
class ActionResult:
    action: Action
    target: str  # the recording id; for start, the device name or directory number asked for
    outcome: Outcome
    message: str  # what happened, in words, safe to show
    status: int | None = None  # the HTTP status; None when no answer came
    reason: int | None = None  # a 400's reason
    recording_id: str | None = None  # start: the new recording's id (server text: safe_text it)
    error: FetchError | None = None  # 401/403/other status/no answer, the types polling uses

    @property
    def ok(self) -> bool:
        return self.outcome.ok

    @property
    def sent(self) -> bool:
        return self.outcome not in (Outcome.BUSY, Outcome.NOT_SENT)

    def describe(self) -> str:
        """``pause 6b98…: already paused``: one line, safe to show."""
        return f"{self.action.value} {safe_text(self.target)}: {self.message}"


# ---------------------------------------------------------------------- the answers in words
GONE = "that recording has already ended"
UNAVAILABLE = "the recording service is not available"
# stop's 400 reasons (documented by the vendor)
STOP_REASONS = {
    0: "the server says this is not a valid recording id",
    1: "this line is not monitorable",
    2: "this line is recorded by policy and cannot be stopped here",
}
# start's 400 reasons: the vendor documents only the body {reason, deviceName}. Our
# reading, which the demo server follows: the numbers of stop's reasons.
START_REASONS = {
    0: "the server does not know that device or line",
    1: "that line is not monitorable",
    2: "that line is recorded by policy: its calls are recorded anyway",
}


@dataclass(frozen=True)
class Verdict:
    """What an answer means: an outcome and its words (``interpret``)."""

    outcome: Outcome
    message: str
    reason: int | None = None
    recording_id: str | None = None
    error: FetchError | None = None
    status: int | None = None  # set by the caller that saw the answer


def _json_object(body: bytes) -> dict:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _reason(body: dict) -> int | None:
    value = body.get("reason")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def interpret(action: Action, status: int, body: bytes, phrase: str = "",
              target: str = "") -> Verdict:
    """The server's answer to one action on ``target``, in words. Pure: tested without HTTP."""
    if 200 <= status < 300:
        if action is not Action.START:
            return Verdict(Outcome.DONE, action.done)
        new_id = _json_object(body).get("id")
        if not isinstance(new_id, str) or not new_id:
            return Verdict(Outcome.BAD_ANSWER, f"the server answered {status} but did not say "
                            "the new recording's id (it may have started)")
        return Verdict(Outcome.DONE, f"recording started: {safe_text(new_id)}",
                        recording_id=new_id)
    if status == 401:
        message = "401 Unauthorized: the server rejected the user name or password"
        return Verdict(Outcome.AUTH, message, error=AuthError(message))
    if status == 403:
        message = ("403 Forbidden: this user lacks the 'Call Recording Complete Management' "
                   "privilege (level 10) needed to act on recordings")
        return Verdict(Outcome.FORBIDDEN, message, error=ForbiddenError(message))
    if status == 409:
        if action is Action.START:
            return Verdict(Outcome.NOTHING, "there is no connected call on that line to record")
        return Verdict(Outcome.NOTHING, GONE)
    if status == 429:
        # Not rate limiting (CONTRACT.md): the recording is already as asked. Never retried.
        if action is Action.PAUSE:
            return Verdict(Outcome.ALREADY, "already paused")
        if action is Action.RESUME:
            return Verdict(Outcome.ALREADY, "not paused")
        if action is Action.START:
            return Verdict(Outcome.ALREADY_RECORDED,
                            "the call on that line is already being recorded")
    if status == 504:
        return Verdict(Outcome.UNAVAILABLE, UNAVAILABLE,
                        error=HttpStatusError(f"504: {UNAVAILABLE}", status))
    if status == 400 and action in (Action.STOP, Action.START):
        answer = _json_object(body)
        reason = _reason(answer)
        words = (STOP_REASONS if action is Action.STOP else START_REASONS).get(
            reason if reason is not None else -1)
        if words is None:
            words = ("the server refused the request" if reason is None
                     else f"the server refused the request (reason {reason})")
        device = answer.get("deviceName")
        if action is Action.START and isinstance(device, str) and device and device != target:
            words += f" (device {safe_text(device)})"
        return Verdict(Outcome.REFUSED, words, reason=reason,
                        error=HttpStatusError(f"400: {words}", status))
    what = "the server failed to act" if status >= 500 else "unexpected answer from the server"
    message = f"{status} {safe_text(phrase) or 'error'}: {what}"
    return Verdict(Outcome.HTTP, message, error=HttpStatusError(message, status))


def _no_answer(exc: httpx.TransportError | httpx.InvalidURL) -> Verdict:
    if isinstance(exc, httpx.InvalidURL):
        message = f"invalid server URL ({safe_text(str(exc))}); nothing was sent"
    elif isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        message = f"{describe_network_error(exc)}; nothing was sent"
    else:
        # The request went out: the server may have acted. Retrying could act twice.
        message = (f"{describe_network_error(exc)}; the server may have acted: "
                   "check the recording before trying again")
    return Verdict(Outcome.NETWORK, message, error=NetworkError(message))


# ---------------------------------------------------------------------- audit
def _audit_value(value: object) -> str:
    """One field of an audit line: ``-`` when empty, quoted when it has spaces or quotes."""
    text = safe_text(str(value)) if value is not None else ""
    if not text:
        return "-"
    if any(ch.isspace() or ch in '"=\\' for ch in text):
        return json.dumps(text, ensure_ascii=False)
    return text


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without passwd entry): not worth failing
        return ""


# ---------------------------------------------------------------------- the client
class _Batch:
    """The requests of one call. The first goes alone; after a 401 or 403 the rest are
    not sent (a wrong password tried once per marked row could lock the account)."""

    def __init__(self) -> None:
        self.halted_by: ActionResult | None = None
        self.first_answered = asyncio.Event()


class ActionClient:
    """Sends supervisor actions to one server. One per dashboard or command-line run.

    ``on_change(rec_id, action)`` is called (on the event loop) when a recording's action
    starts (``action``) or ends (``None``): the table redraws that row.
    """

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        timeout: float = 10.0,
        tls: TlsOptions | None = None,
        max_concurrent: int = DEFAULT_MAX_CONCURRENT,
        clock: Clock | None = None,
        on_change: Callable[[str, Action | None], None] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self._user = credentials.username
        self._clock = clock or Clock()
        self._os_user = _os_user()
        self._slots = asyncio.Semaphore(max_concurrent)
        self._in_flight: dict[str, Action] = {}  # recording id → the action under way
        self._starting: set[tuple[str, str]] = set()  # (device, line) of starts under way
        self.on_change = on_change
        self._http = http_client(base_url, credentials, timeout=timeout, tls=tls,
                                 connections=max_concurrent, transport=transport)

    def __repr__(self) -> str:  # never show credentials
        return f"ActionClient({str(self._http.base_url)!r})"

    def set_credentials(self, credentials: Credentials) -> None:
        """New credentials (the password entered again after a 401)."""
        self._user = credentials.username
        self._http.auth = basic_auth(credentials)

    # ------------------------------------------------------------------ in flight
    def in_flight(self, rec_id: str) -> Action | None:
        """The action under way on this recording, or None."""
        return self._in_flight.get(rec_id)

    @property
    def busy_ids(self) -> dict[str, Action]:
        """Every recording with an action under way (a copy)."""
        return dict(self._in_flight)

    def _claim(self, rec_id: str, action: Action) -> bool:
        if rec_id in self._in_flight:
            return False
        self._in_flight[rec_id] = action
        if self.on_change is not None:
            self.on_change(rec_id, action)
        return True

    def _release(self, rec_id: str) -> None:
        if self._in_flight.pop(rec_id, None) is not None and self.on_change is not None:
            self.on_change(rec_id, None)

    # ------------------------------------------------------------------ actions
    async def pause(self, target: Target | str) -> ActionResult:
        return (await self.act(Action.PAUSE, [target]))[0]

    async def resume(self, target: Target | str) -> ActionResult:
        return (await self.act(Action.RESUME, [target]))[0]

    async def stop(self, target: Target | str) -> ActionResult:
        return (await self.act(Action.STOP, [target]))[0]

    async def act(self, action: Action, targets: Iterable[Target | str]) -> list[ActionResult]:
        """Pause, resume or stop several recordings; one result per distinct id, in order.

        The first request goes alone: if it gets 401 or 403 the others are not sent (a
        wrong password tried once per marked row could lock the account). The rest run at
        most ``max_concurrent`` at a time.
        """
        if action is Action.START:
            raise ValueError("use start() to start a recording")
        unique: dict[str, Target] = {}
        for target in targets:
            target = Target(target) if isinstance(target, str) else target
            if not target.id:
                raise ValueError("a recording id cannot be empty")
            unique.setdefault(target.id, target)
        if not unique:
            return []
        # Claimed at once, before any await: every row shows "… PAUSING" from the press on,
        # and a second press meanwhile finds it busy.
        claimed = {rec_id: self._claim(rec_id, action) for rec_id in unique}
        batch = _Batch()
        lead = next((rec_id for rec_id, mine in claimed.items() if mine), None)
        try:
            return list(await asyncio.gather(*(
                self._one(action, target, claimed[target.id], batch, first=target.id == lead)
                for target in unique.values())))
        finally:
            for rec_id, mine in claimed.items():
                if mine:
                    self._release(rec_id)

    async def start(self, *, device_name: str = "", directory_number: str = "",
                    mode: StartMode = StartMode.FORKING) -> ActionResult:
        """Start recording the connected call on a device and/or line."""
        if not device_name and not directory_number:
            raise ValueError("start needs a device name or a directory number")
        line = device_name or directory_number
        body: dict[str, object] = {}
        if device_name:
            body["deviceName"] = device_name
        if directory_number:
            body["directoryNumber"] = directory_number
        body["mode"] = int(mode)
        key = (device_name, directory_number)
        details = {"device": device_name, "line": directory_number, "mode": StartMode(mode).label}
        if key in self._starting:
            return self._audited(self._busy(Action.START, line, Action.START), details)
        self._starting.add(key)
        sent = False
        try:
            async with self._slots:
                sent = True
                verdict = await self._send("POST", LIVE_RECORDINGS_PATH, body, Action.START,
                                          line)
            result = self._result(Action.START, line, verdict)
            return self._audited(result, {"id": result.recording_id, **details})
        except asyncio.CancelledError:
            self._audit_cancelled(Action.START, details, sent)
            raise
        finally:
            self._starting.discard(key)

    # ------------------------------------------------------------------ one request
    async def _one(self, action: Action, target: Target, claimed: bool, batch: _Batch,
                   *, first: bool) -> ActionResult:
        details = {"id": target.id, "local_user": target.local_user,
                   "remote": target.remote_number}
        if not claimed:
            return self._audited(self._busy(action, target.id, self._in_flight[target.id]),
                                 details)
        sent = False
        try:
            if not first:
                await batch.first_answered.wait()
            async with self._slots:
                if batch.halted_by is not None:
                    result = self._not_sent(action, target.id, batch.halted_by)
                else:
                    sent = True
                    method, path = _request_for(action, target.id)
                    verdict = await self._send(method, path, None, action, target.id)
                    result = self._result(action, target.id, verdict)
                    if result.outcome in (Outcome.AUTH, Outcome.FORBIDDEN):
                        batch.halted_by = result
        except asyncio.CancelledError:
            self._audit_cancelled(action, details, sent)
            raise
        finally:
            if first:
                batch.first_answered.set()
        return self._audited(result, details)

    async def _send(self, method: str, path: str, body: dict | None, action: Action,
                    target: str) -> Verdict:
        try:
            async with self._http.stream(method, path, json=body) as response:
                answer = await _read_some(response)
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            return _no_answer(exc)
        verdict = interpret(action, response.status_code, answer, response.reason_phrase,
                            target)
        return dataclasses.replace(verdict, status=response.status_code)

    @staticmethod
    def _result(action: Action, target: str, verdict: Verdict) -> ActionResult:
        return ActionResult(action, target, verdict.outcome, verdict.message, verdict.status,
                            verdict.reason, verdict.recording_id, verdict.error)

    @staticmethod
    def _busy(action: Action, target: str, under_way: Action) -> ActionResult:
        return ActionResult(action, target, Outcome.BUSY,
                            f"not sent: a {under_way.value} of this recording is already under way"
                            if action is not Action.START else
                            "not sent: a start on this line is already under way")

    @staticmethod
    def _not_sent(action: Action, target: str, cause: ActionResult) -> ActionResult:
        return ActionResult(action, target, Outcome.NOT_SENT,
                            f"not sent: an earlier request of this batch got {cause.message}",
                            error=cause.error)

    # ------------------------------------------------------------------ audit
    def _audited(self, result: ActionResult, details: dict[str, object]) -> ActionResult:
        fields = {"time": self._clock.now().isoformat(timespec="seconds"),
                  "user": self._user, "os_user": self._os_user, "action": result.action.value,
                  **details, "outcome": result.outcome.value, "status": result.status,
                  "reason": result.reason, "detail": result.message}
        level = logging.INFO if result.ok else logging.WARNING
        AUDIT.log(level, _audit_line(fields))
        return result

    def _audit_cancelled(self, action: Action, details: dict[str, object], sent: bool) -> None:
        fields = {"time": self._clock.now().isoformat(timespec="seconds"),
                  "user": self._user, "os_user": self._os_user, "action": action.value,
                  **details, "outcome": "cancelled",
                  "detail": "cancelled before the answer: the server may have acted" if sent
                  else "cancelled before it was sent"}
        AUDIT.warning(_audit_line(fields))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> ActionClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def _audit_line(fields: dict[str, object]) -> str:
    return "audit " + " ".join(
        f"{name}={_audit_value(value)}" for name, value in fields.items()
        if value is not None or name in ("id", "local_user", "remote"))


def recording_path(rec_id: str, suffix: str = "") -> str:
    """``LiveRecordings/{id}`` with the id as one opaque path segment.

    ``/``, ``?``, ``#`` and ``%`` are percent-encoded, and so are dots: ``..`` or ``.``
    would otherwise be resolved as a path step (by httpx or any proxy) and address
    another endpoint.
    """
    segment = quote(rec_id, safe="").replace(".", "%2E")
    return f"{LIVE_RECORDINGS_PATH}/{segment}{suffix}"


def _request_for(action: Action, rec_id: str) -> tuple[str, str]:
    if action is Action.PAUSE:
        return "PUT", recording_path(rec_id, "/Pause")
    if action is Action.RESUME:
        return "PUT", recording_path(rec_id, "/Resume")
    return "DELETE", recording_path(rec_id)


async def _read_some(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_ANSWER_BYTES:
            break
    return b"".join(chunks)[:MAX_ANSWER_BYTES]
