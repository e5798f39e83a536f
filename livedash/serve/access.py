"""Who may see the wallboard: one access token, on every page, asset and websocket.

The token comes from ``LIVEDASH_SERVE_TOKEN`` or is generated at start. A browser gives
it once in the URL (``?token=…``); the answer is a redirect to the same URL without it,
with the token kept in a cookie (HttpOnly: no script reads it; SameSite=Strict: no other
site's page sends it; Secure under TLS), so it does not stay in the address bar, the
history or a screenshot. Every request without a valid cookie or query token gets a 401
page and nothing else. Tokens are compared in constant time (``hmac.compare_digest``)
and never logged: the server keeps no access log.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from aiohttp import web

TOKEN_ENV = "LIVEDASH_SERVE_TOKEN"
TOKEN_PARAM = "token"
COOKIE_NAME = "livedash_serve_token"
MIN_TOKEN_LENGTH = 16  # a guessable token would expose live calls (personal data)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class BadToken(ValueError):
    pass


def token_from_environment(environ: dict[str, str] | None = None) -> tuple[str, bool]:
    """(token, generated): ``LIVEDASH_SERVE_TOKEN`` if set, else a new random one."""
    value = (os.environ if environ is None else environ).get(TOKEN_ENV, "")
    if not value:
        return secrets.token_urlsafe(32), True
    if len(value) < MIN_TOKEN_LENGTH or not value.isascii() or not value.isprintable():
        raise BadToken(
            f"{TOKEN_ENV} must be at least {MIN_TOKEN_LENGTH} printable ASCII characters "
            "(e.g. from: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return value, False


def token_matches(given: str | None, token: str) -> bool:
    """Constant-time comparison (the time taken says nothing about how much matched)."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), token.encode("utf-8"))


def url_with_token(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/?{urlencode({TOKEN_PARAM: token})}"


UNAUTHORIZED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>livedash: access token needed</title></head>
<body style="font-family: monospace; background: #0c181f; color: #eee; padding: 2em">
<h1>This wallboard needs its access token</h1>
<p>Open the full URL that <code>livedash serve</code> printed when it started
(it ends in <code>?token=…</code>), or ask whoever runs it. The browser keeps the token in a
cookie afterwards.</p>
</body></html>
"""


def _unauthorized() -> web.Response:
    return web.Response(status=401, text=UNAUTHORIZED_PAGE, content_type="text/html",
                        headers={"Cache-Control": "no-store"})


def _without_token(request: web.Request) -> str:
    """A relative URL of the same resource without ``token``: right behind a proxy prefix."""
    name = request.path.rsplit("/", 1)[-1]
    query = [(key, value) for key, value in request.query.items() if key != TOKEN_PARAM]
    return f"./{name}" + (f"?{urlencode(query)}" if query else "")


def token_middleware(token: str, *, secure_cookie: bool) -> Callable:
    """aiohttp middleware: a valid cookie passes; a valid ``?token=`` becomes the cookie."""

    @web.middleware
    async def require_token(request: web.Request, handler: Handler) -> web.StreamResponse:
        if token_matches(request.cookies.get(COOKIE_NAME), token):
            return await handler(request)
        if request.method == "GET" and token_matches(request.query.get(TOKEN_PARAM), token):
            response = web.Response(status=303, headers={
                "Location": _without_token(request), "Cache-Control": "no-store"})
            response.set_cookie(COOKIE_NAME, token, httponly=True, samesite="Strict",
                                secure=secure_cookie, path="/")
            return response
        return _unauthorized()

    return require_token
