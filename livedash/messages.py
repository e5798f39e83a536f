"""Typed messages from the poller to the app (the poller itself knows no Textual)."""

from __future__ import annotations

from textual.message import Message

from .errors import FetchError
from .model import FetchResult


class PollSucceeded(Message):
    def __init__(self, result: FetchResult, request: int = 0) -> None:
        super().__init__()
        self.result = result
        # the poller's number of the request this answers: a supervisor action answered
        # after request n is confirmed only by the answer to a later one
        self.request = request


class PollFailed(Message):
    def __init__(self, error: FetchError, retry_in: float | None) -> None:
        super().__init__()
        self.error = error
        self.retry_in = retry_in
