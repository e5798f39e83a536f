"""How a poll or an action can fail, as types: each message is safe to show.

No Textual and no HTTP library here: the client raises these, the poller, the store and
the status line read them, ``--once`` maps them to exit codes. A message never holds the
password and says what happened in words.
"""

from __future__ import annotations


class FetchError(Exception):
    """A poll that failed as a whole. ``retry`` says whether polling should go on by itself."""

    retry = True
    kind = "error"
    retry_after: float | None = None  # seconds the server asked us to wait (Retry-After)


class AuthError(FetchError):
    """401: no or wrong credentials. Never retried automatically: it can lock the account."""

    retry = False
    kind = "auth"


class ForbiddenError(FetchError):
    """403: the user lacks Call Recording Complete Management (level 10)."""

    retry = False
    kind = "forbidden"


class HttpStatusError(FetchError):
    """Any other non-2xx answer (404 wrong base URL, 5xx server trouble, …)."""

    kind = "http"

    def __init__(self, message: str, status: int, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class NetworkError(FetchError):
    """No answer: refused, unreachable, TLS failure, timeout, connection dropped."""

    kind = "network"


class BodyError(FetchError):
    """An answer that is not the documented JSON array (HTML, truncated, wrong shape, too big)."""

    kind = "protocol"
