"""RecordingsClient: the async HTTP client for ``GET fw/Apps/Recorder/WebAPI/LiveRecordings``.

HTTP only: no Textual, no JSON. One ``httpx.AsyncClient`` per session keeps one
connection alive; Basic auth goes on every request; an answer comes back as its bytes
(``decode.py`` reads them); each failure becomes one typed ``FetchError`` whose message is
safe to show (it never holds the password) and says what happened.
"""

from __future__ import annotations

import email.utils
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from .credentials import Credentials
from .errors import AuthError, BodyError, FetchError, ForbiddenError, HttpStatusError, NetworkError
from .model import Filters

LIVE_RECORDINGS_PATH = "fw/Apps/Recorder/WebAPI/LiveRecordings"
# A real floor of 10,000 calls is about 3 MB of JSON; anything past this is not a
# real answer and would only eat the kiosk's memory.
MIB = 1024 * 1024
DEFAULT_MAX_BODY_BYTES = 32 * MIB


@dataclass
class TlsOptions:
    ca_bundle: str | None = None
    insecure: bool = False

    def verify(self) -> ssl.SSLContext | bool:
        if self.insecure:
            return False
        if self.ca_bundle:
            return ssl.create_default_context(cafile=self.ca_bundle)
        return True


def basic_auth(credentials: Credentials) -> httpx.BasicAuth:
    return httpx.BasicAuth(credentials.username, credentials.password.reveal())


def http_client(base_url: str, credentials: Credentials, *, timeout: float,
                tls: TlsOptions | None, connections: int,
                transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` that talks to the server as livedash does.

    Shared by the poller's client and the supervisor actions' (``livedash/actions.py``):
    Basic auth on every request, the same TLS options and timeout, ``connections`` kept
    alive at most.
    """
    return httpx.AsyncClient(
        base_url=base_url,
        auth=basic_auth(credentials),
        timeout=httpx.Timeout(timeout),
        verify=(tls or TlsOptions()).verify(),
        # Vendor clients follow http→https redirects. httpx drops the Authorization
        # header when a redirect leaves the origin, so the password never travels on.
        follow_redirects=True,
        limits=httpx.Limits(max_connections=connections,
                            max_keepalive_connections=connections),
        headers={"Accept": "application/json"},
        transport=transport,
    )


@dataclass(frozen=True)
class Answer:
    """A 200 answer, read whole: its bytes, for ``decode.py``."""

    body: bytes
    content_type: str
    latency: float  # seconds from sending the request to having the whole body
    received_at: float  # the client's clock when the body was complete: the records' "now"


def _server_address(url: httpx.URL) -> str:
    """``host:port`` as a user would look it up, e.g. ``ias.example.com:443``."""
    port = url.port or {"https": 443, "http": 80}.get(url.scheme)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{host}:{port}" if port else host


def _connect_detail(exc: httpx.ConnectError) -> str:
    """``[Errno 111] Connection refused`` → ``connection refused``: the words, not the code."""
    detail = str(exc).strip()
    if detail.startswith("[Errno") and "]" in detail:
        detail = detail.split("]", 1)[1].strip()
    if not detail or detail.lower() == "all connection attempts failed":
        return "connection refused"
    return detail[:1].lower() + detail[1:]


def _has_request(exc: httpx.TransportError) -> bool:
    try:
        exc.request  # noqa: B018 (a property that raises when the error has none)
    except RuntimeError:
        return False
    return True


def describe_network_error(exc: httpx.TransportError, fallback: httpx.URL | None = None) -> str:
    """The failure in plain words (httpx messages can be empty or cryptic), naming the
    server as ``host:port``: the request's, else ``fallback``'s."""
    url = exc.request.url if _has_request(exc) else fallback
    server = _server_address(url) if url is not None else "the server"
    if isinstance(exc, httpx.TimeoutException):
        return "the server did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        detail = str(exc)
        if "CERTIFICATE_VERIFY_FAILED" in detail:
            return "the server's TLS certificate is not trusted (see --ca-bundle, --insecure)"
        return f"cannot connect to {server} ({_connect_detail(exc)})"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return "the connection dropped before the answer was complete"
    return f"network error ({type(exc).__name__})"


def _status_error(response: httpx.Response, url: str) -> FetchError:
    status = response.status_code
    if status == 401:
        return AuthError("401 Unauthorized: the server rejected the user name or password")
    if status == 403:
        return ForbiddenError(
            "403 Forbidden: this user lacks the 'Call Recording Complete Management' "
            "privilege (level 10) needed to see live recordings"
        )
    if status == 404:
        return HttpStatusError(
            f"404 Not Found: no LiveRecordings endpoint at {url} (is --url the server root?)",
            status,
        )
    reason = response.reason_phrase or "error"
    what = "the server failed to answer" if status >= 500 else "unexpected answer from the server"
    retry_after = _retry_after(response.headers.get("Retry-After"))
    if retry_after is not None:
        what += f" (it asked to wait {retry_after:g}s)"
    return HttpStatusError(f"{status} {reason}: {what}", status, retry_after)


_MAX_RETRY_AFTER = 3600.0  # an hour: a longer wait is a misconfigured proxy, not advice


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` (RFC 9110 10.2.3): delay-seconds or an HTTP-date; None if absent or
    unreadable. The poller waits at least this long, within its backoff cap."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), _MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - datetime.now(UTC)).total_seconds()), _MAX_RETRY_AFTER)


class RecordingsClient:
    """Polls the LiveRecordings endpoint of one server.

    ``base_url`` is the server root (``https://ias-host/``); the endpoint path is added here.
    """

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        timeout: float = 10.0,
        tls: TlsOptions | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        if not base_url.endswith("/"):
            base_url += "/"
        self.base_url = base_url
        self.endpoint_url = base_url + LIVE_RECORDINGS_PATH
        self.max_body_bytes = max_body_bytes
        self._clock = clock
        # One connection kept alive: polls are sequential, never concurrent.
        self._http = http_client(base_url, credentials, timeout=timeout, tls=tls,
                                 connections=1, transport=transport)

    def set_credentials(self, credentials: Credentials) -> None:
        """New credentials (the user re-entered the password after a 401)."""
        self._http.auth = basic_auth(credentials)

    def __repr__(self) -> str:  # never show credentials
        return f"RecordingsClient({self.base_url!r})"

    async def fetch_body(self, filters: Filters) -> Answer:
        """One request: the answer's bytes, or a ``FetchError``. Decoding is not ours."""
        started = self._clock()
        try:
            async with self._http.stream(
                "GET", LIVE_RECORDINGS_PATH, params=filters.as_query()
            ) as response:
                if response.status_code != 200:
                    raise _status_error(response, self.endpoint_url)
                body = await self._read_capped(response)
                content_type = response.headers.get("content-type", "")
        except httpx.TransportError as exc:
            raise NetworkError(describe_network_error(exc, self._http.base_url)) from None
        except httpx.InvalidURL as exc:
            raise NetworkError(f"invalid server URL ({exc})") from None
        received = self._clock()
        return Answer(body, content_type, received - started, received)

    async def _read_capped(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise BodyError(self._too_large_message())
        chunks = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_body_bytes:
                raise BodyError(self._too_large_message())
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large_message(self) -> str:
        mib = self.max_body_bytes / MIB
        return f"the answer is larger than the {mib:g} MiB cap; it was not read"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> RecordingsClient:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()
