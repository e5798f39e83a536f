"""The poller's scheduling, with a scripted client: no network, no sleeps."""

import asyncio
import contextlib
from datetime import UTC

import pytest

from livedash.client import Answer
from livedash.clock import FixedClock
from livedash.decode import PollDecoder
from livedash.errors import AuthError, ForbiddenError, HttpStatusError, NetworkError
from livedash.model import Filters
from livedash.poller import FORBIDDEN_RETRY_SECONDS, Backoff, Poller

EMPTY = Answer(b"[]", "application/json", latency=0.0, received_at=0.0)


class ScriptedClient:
    """Each fetch waits until the test answers it; counts concurrency."""

    def __init__(self):
        self.calls: list[tuple[Filters, asyncio.Future]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.arrived = asyncio.Event()

    async def fetch_body(self, filters):
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        future = asyncio.get_running_loop().create_future()
        self.calls.append((filters, future))
        self.arrived.set()
        try:
            return await future
        finally:
            self.in_flight -= 1

    async def next_call(self, count):
        while len(self.calls) < count:
            self.arrived.clear()
            await self.arrived.wait()
        return self.calls[count - 1]


@pytest.fixture
async def rig():
    client = ScriptedClient()
    results, errors = [], []
    delivered = asyncio.Event()

    def on_result(result):
        results.append(result)
        delivered.set()

    def on_error(error, delay):
        errors.append((error, delay))
        delivered.set()

    poller = Poller(client, decoder=PollDecoder(UTC), interval=3600, on_result=on_result,
                    on_error=on_error,
                    backoff=Backoff(base=2, cap=60, jitter=0.25, rand=lambda: 0.0))
    task = asyncio.create_task(poller.run())

    async def settle():
        await delivered.wait()
        delivered.clear()

    yield poller, client, results, errors, settle
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_one_request_at_a_time_and_next_armed_after_answer(rig):
    poller, client, results, _, settle = rig
    _filters, answer = await client.next_call(1)
    poller.poll_now()  # asked while one is in flight: must wait for it
    assert len(client.calls) == 1
    answer.set_result(EMPTY)
    await settle()
    _, answer2 = await client.next_call(2)
    answer2.set_result(EMPTY)
    await settle()
    assert client.max_in_flight == 1
    assert len(results) == 2


async def test_an_answer_is_decoded_into_the_result(rig):
    _poller, client, results, _, settle = rig
    filters, answer = await client.next_call(1)
    answer.set_result(Answer(b'[{"id": "a", "duration": "PT5S"}, {"id": 7}]',
                             "application/json", latency=0.25, received_at=12.0))
    await settle()
    (result,) = results
    assert [(r.id, r.duration, r.observed_at) for r in result.records] == [("a", 5.0, 12.0)]
    assert [e.index for e in result.errors] == [1]
    assert (result.filters, result.latency) == (filters, 0.25)


async def test_answer_for_old_filters_is_dropped(rig):
    poller, client, results, _, settle = rig
    _, answer = await client.next_call(1)
    new = Filters(username="user1")
    poller.set_filters(new)
    answer.set_result(Answer(b'[{"id": "stale"}]', "application/json", 0.0, 0.0))
    sent, answer2 = await client.next_call(2)
    assert sent == new
    answer2.set_result(EMPTY)
    await settle()
    assert [(r.filters, r.records) for r in results] == [(new, [])]


async def test_transient_errors_back_off_exponentially_with_a_cap(rig):
    poller, client, _, errors, settle = rig
    for n in range(1, 8):
        _, answer = await client.next_call(n)
        answer.set_exception(NetworkError("refused"))
        await settle()
        poller.poll_now()  # the test skips the wait; the delay is what we check
    assert [delay for _, delay in errors] == [2, 4, 8, 16, 32, 60, 60]


async def test_retry_after_is_honoured_within_the_cap(rig):
    poller, client, _, errors, settle = rig
    # (Retry-After, failures so far) → the wait: the server's word when it is longer than
    # the backoff, the backoff when it is longer, never past the 60 s cap
    for n, retry_after in enumerate((20, 0, 600), start=1):
        _, answer = await client.next_call(n)
        answer.set_exception(HttpStatusError("503", 503, retry_after=retry_after))
        await settle()
        poller.poll_now()
    assert [delay for _, delay in errors] == [20, 4, 60]


async def test_backoff_jitter_stays_within_a_quarter():
    backoff = Backoff(base=2, cap=60, jitter=0.25, rand=lambda: 1.0)
    assert backoff.delay(3) == 6.0
    assert backoff.delay(30) == 45.0


async def test_401_is_not_retried_until_the_user_asks(rig):
    poller, client, results, errors, settle = rig
    _filters, answer = await client.next_call(1)
    answer.set_exception(AuthError("401"))
    await settle()
    assert errors[0][1] is None and poller.blocked
    for _ in range(5):
        await asyncio.sleep(0)  # let the loop run: it must not send anything
    assert len(client.calls) == 1
    poller.poll_now()
    _, answer2 = await client.next_call(2)
    answer2.set_result(EMPTY)
    await settle()
    assert len(results) == 1 and poller.failures == 0


async def test_paused_polling_waits_except_for_an_explicit_poll(rig):
    poller, client, _, _, settle = rig
    _filters, answer = await client.next_call(1)
    poller.set_paused(True)
    answer.set_result(EMPTY)
    await settle()
    for _ in range(5):
        await asyncio.sleep(0)
    assert len(client.calls) == 1
    poller.poll_now()  # `r` while paused: one poll, then still paused
    _, answer2 = await client.next_call(2)
    answer2.set_result(EMPTY)
    await settle()
    for _ in range(5):
        await asyncio.sleep(0)
    assert len(client.calls) == 2 and poller.paused
    poller.set_paused(False)
    await client.next_call(3)


# -- 403 on a wall display: asked again, slowly, by itself -----------------------------------


@contextlib.asynccontextmanager
async def timed_poller(**options):
    """A running poller whose waits pass at once on a FixedClock: (poller, client,
    errors, results, waits, clock)."""
    client = ScriptedClient()
    clock = FixedClock()
    errors, results, waits = [], [], []

    async def let_time_pass(wake, delay):
        waits.append(delay)
        clock.advance(delay)

    poller = Poller(client, decoder=PollDecoder(UTC), interval=2, on_result=results.append,
                    on_error=lambda error, delay: errors.append((error, delay)),
                    backoff=Backoff(base=2, cap=60, jitter=0.25, rand=lambda: 0.0),
                    wait=let_time_pass, **options)
    task = asyncio.create_task(poller.run())
    try:
        yield poller, client, errors, results, waits, clock
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_kiosk_asks_again_after_a_403_every_5_minutes_by_itself():
    async with timed_poller(forbidden_retry=FORBIDDEN_RETRY_SECONDS) as (
            poller, client, errors, results, waits, clock):
        start = clock.monotonic()
        for n in (1, 2, 3):  # the privilege is missing for a quarter of an hour
            _, answer = await client.next_call(n)
            answer.set_exception(ForbiddenError("403 Forbidden"))
        _, answer = await client.next_call(4)  # then an administrator grants it
        answer.set_result(EMPTY)
        await client.next_call(5)  # and polling goes on at the interval
        assert FORBIDDEN_RETRY_SECONDS == 300
        assert [delay for _, delay in errors] == [300, 300, 300]  # not the backoff's
        assert waits == [300, 300, 300, 2]
        assert clock.monotonic() - start == 902
        assert len(results) == 1 and poller.failures == 0 and not poller.blocked


async def test_a_401_is_never_retried_by_itself_not_even_by_a_kiosk():
    async with timed_poller(forbidden_retry=FORBIDDEN_RETRY_SECONDS) as (
            poller, client, errors, _, waits, _clock):
        _, answer = await client.next_call(1)
        answer.set_exception(AuthError("401"))
        for _ in range(10):
            await asyncio.sleep(0)  # let the loop run: it must send nothing more
        assert len(client.calls) == 1 and poller.blocked
        assert errors[0][1] is None and waits == []


async def test_without_a_kiosk_a_403_waits_for_the_user():
    async with timed_poller() as (poller, client, errors, _, waits, _clock):
        _, answer = await client.next_call(1)
        answer.set_exception(ForbiddenError("403 Forbidden"))
        for _ in range(10):
            await asyncio.sleep(0)
        assert len(client.calls) == 1 and poller.blocked
        assert errors[0][1] is None and waits == []
        poller.poll_now()  # r, once the privilege is granted
        _, answer = await client.next_call(2)
