"""The poller's scheduling, with a scripted client: no network, no sleeps."""

import asyncio
import contextlib
from datetime import UTC

import pytest

from livedash.client import Answer
from livedash.decode import PollDecoder
from livedash.errors import AuthError, HttpStatusError, NetworkError
from livedash.model import Filters
from livedash.poller import Backoff, Poller

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
