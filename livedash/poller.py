"""Poller: one request at a time, the next armed only after the last one finished.

No Textual here. The poller owns *when* to ask; the client owns *how* (HTTP), the
decoder what the answer says (``fetch_recordings``, shared with ``--once``); whoever
runs it receives each outcome through ``on_result``/``on_error`` callbacks (the app turns
them into Messages). Filters are read when a request is sent and compared when it
returns, so an answer for old filters is dropped, never delivered.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .client import RecordingsClient
from .decode import PollDecoder, decode_off_loop
from .errors import FetchError, ForbiddenError
from .model import FetchResult, Filters

log = logging.getLogger(__name__)

async def fetch_recordings(client: RecordingsClient, decoder: PollDecoder,
                           filters: Filters) -> FetchResult:
    """One poll, as the dashboard and ``--once`` make it: the request, then its answer
    decoded off the event loop. Raises a ``FetchError``."""
    answer = await client.fetch_body(filters)
    parsed, decode_time = await decode_off_loop(
        decoder, answer.body, answer.content_type, answer.received_at)
    return FetchResult(filters, parsed.records, parsed.errors, answer.latency, decode_time,
                       answer.received_at)


@dataclass
class Backoff:
    """Capped exponential backoff with jitter, for transient failures.

    The n-th consecutive failure waits ``min(cap, base * 2**(n-1))`` scaled by a random
    factor in ``[1 - jitter, 1]``, so a kiosk fleet does not hammer a recovering server
    in step.
    """

    base: float = 2.0
    cap: float = 60.0
    jitter: float = 0.25
    rand: Callable[[], float] = random.random

    def delay(self, failures: int) -> float:
        raw = min(self.cap, self.base * 2 ** max(0, failures - 1))
        return raw * (1.0 - self.jitter * self.rand())


async def wait_or_wake(wake: asyncio.Event, delay: float) -> None:
    """Return after ``delay`` seconds, or as soon as ``wake`` is set (a poll asked for)."""
    try:
        await asyncio.wait_for(wake.wait(), delay)
    except TimeoutError:
        pass


# A wall display that gets 403 asks again this often: privileges get granted, and nobody
# is there to press r. Slow, as the answer changes only when an administrator acts.
FORBIDDEN_RETRY_SECONDS = 300.0


class Poller:
    def __init__(
        self,
        client: RecordingsClient,
        *,
        decoder: PollDecoder,
        interval: float,
        on_result: Callable[[FetchResult], None],
        on_error: Callable[[FetchError, float | None], None],
        on_request: Callable[[Filters], None] | None = None,
        filters: Filters | None = None,
        backoff: Backoff | None = None,
        forbidden_retry: float | None = None,
        wait: Callable[[asyncio.Event, float], Awaitable[None]] = wait_or_wake,
    ):
        """``forbidden_retry``: seconds after which a 403 is tried again by itself (a
        kiosk); None: a 403 waits for the user, like a 401 always does. ``wait``: how the
        loop waits between polls (tests pass one that lets the time pass at once)."""
        self.client = client
        self.decoder = decoder
        self.interval = interval
        self.filters = filters or Filters()
        self.backoff = backoff or Backoff(base=max(1.0, interval))
        self._on_result = on_result
        self._on_error = on_error
        self._on_request = on_request
        self.forbidden_retry = forbidden_retry
        self.wait = wait  # public: a test may let the time pass at once
        self._wake = asyncio.Event()
        self.paused = False  # the user paused polling (`p`)
        self.blocked = False  # a failure that must not be retried by itself (401)
        self.failures = 0
        self.in_flight = False
        self.requests_sent = 0
        self._requested = False  # poll_now() while paused or blocked: poll once anyway

    # -- control, from the UI ---------------------------------------------------------

    def set_filters(self, filters: Filters) -> None:
        """New filters: poll at once (after the request in flight, if any, returns)."""
        if filters != self.filters:
            self.filters = filters
            self.poll_now()

    def poll_now(self) -> None:
        """Poll as soon as no request is in flight, even while paused (once).

        Also the way out of a 401 block: the user decided to try again.
        """
        self.blocked = False
        self._requested = True
        self._wake.set()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        if not paused:
            self._wake.set()

    # -- the loop -----------------------------------------------------------------------

    async def run(self) -> None:
        while True:
            if (self.paused or self.blocked) and not self._requested:
                self._wake.clear()
                await self._wake.wait()
                continue
            self._requested = False
            self._wake.clear()
            delay = await self.poll_once()
            if delay:
                await self._wait(delay)

    async def _wait(self, delay: float) -> None:
        await self.wait(self._wake, delay)

    async def poll_once(self) -> float | None:
        """Send one request, deliver its outcome; returns the wait before the next one.

        0 means "at once" (the filters changed while the request was out); None means
        "wait until told" (a 401; a 403 unless ``forbidden_retry``).
        """
        filters = self.filters
        if self._on_request:
            self._on_request(filters)
        self.in_flight = True
        self.requests_sent += 1
        try:
            result = await fetch_recordings(self.client, self.decoder, filters)
        except FetchError as exc:
            if filters != self.filters:
                return 0  # an error about old filters says nothing about the new ones
            self.failures += 1
            if isinstance(exc, ForbiddenError) and self.forbidden_retry is not None:
                # not the backoff: a fixed, slow pace (a 401 never comes here: lock-out)
                self._on_error(exc, self.forbidden_retry)
                return self.forbidden_retry
            if not exc.retry:
                self.blocked = True
                self._on_error(exc, None)
                return None
            delay = self.backoff.delay(self.failures)
            if exc.retry_after is not None:  # the server said when: not sooner, within the cap
                delay = max(delay, min(exc.retry_after, self.backoff.cap))
            self._on_error(exc, delay)
            return delay
        except Exception as exc:  # a bug of ours must not stop the monitor
            log.exception("unexpected error while polling")
            self.failures += 1
            delay = self.backoff.delay(self.failures)
            self._on_error(FetchError(f"internal error ({type(exc).__name__}); see the log"), delay)
            return delay
        finally:
            self.in_flight = False
        if filters != self.filters:
            return 0  # stale: drop it and ask again with the current filters
        self.failures = 0
        self._on_result(result)
        return self.interval
