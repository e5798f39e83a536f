"""livedash serve, without a browser: the access token on every route, the cookie, logs."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import aiohttp
import pytest

from livedash.serve import access, server
from livedash.serve.access import (
    COOKIE_NAME,
    MIN_TOKEN_LENGTH,
    TOKEN_ENV,
    BadToken,
    token_from_environment,
    token_matches,
)
from livedash.serve.server import ASSETS, CONTENT_SECURITY_POLICY
from livedash.serve.testing import TEST_TOKEN, running_wallboard
from tests.conftest import DEMO_CREDENTIALS

ROUTES = ["", "terminal", "status", *(f"assets/{name}" for name in ASSETS)]


@pytest.fixture
async def wallboard(demo_server):
    async with running_wallboard(demo_server.url, DEMO_CREDENTIALS) as running:
        yield running


@pytest.fixture
async def http():
    # unsafe: keep cookies for 127.0.0.1 (an IP address), as a browser does
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


@pytest.mark.parametrize("route", [*ROUTES, "ws"])
@pytest.mark.parametrize("given", [None, "wrong-token-0123456789", TEST_TOKEN[:-1]])
async def test_every_route_needs_the_token(wallboard, http, route, given):
    cookies = {COOKIE_NAME: given} if given else {}
    async with http.get(wallboard.url + route, cookies=cookies,
                        allow_redirects=False) as response:
        body = await response.text()
    assert response.status == 401
    assert "needs its access token" in body
    assert "textual" not in body.lower() and "viewers" not in body
    assert wallboard.board.sessions == 0 and not wallboard.board.ended  # no viewer started


async def test_wrong_token_in_the_url_gets_401_and_no_cookie(wallboard, http):
    async with http.get(f"{wallboard.url}?token=nope-{TEST_TOKEN}",
                        allow_redirects=False) as response:
        assert response.status == 401
        assert COOKIE_NAME not in response.cookies


async def test_token_in_the_url_becomes_a_cookie_and_leaves_the_address_bar(wallboard, http):
    async with http.get(f"{wallboard.url}?fontsize=24&token={TEST_TOKEN}",
                        allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"] == "./?fontsize=24"  # relative: proxy prefixes
        assert response.headers["Cache-Control"] == "no-store"
        cookie = response.cookies[COOKIE_NAME]
    assert cookie.value == TEST_TOKEN
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert not cookie["secure"]  # plain http here: a Secure cookie would never come back
    assert not cookie["max-age"] and not cookie["expires"]  # gone with the browser session
    for route in ROUTES:  # the cookie alone opens every route
        async with http.get(wallboard.url + route, allow_redirects=False) as response:
            assert response.status == 200, route


async def test_cookie_is_secure_under_tls(demo_server, http):
    async with running_wallboard(demo_server.url, DEMO_CREDENTIALS,
                                 secure_cookie=True) as running:
        async with http.get(running.token_url, allow_redirects=False) as response:
            assert response.cookies[COOKIE_NAME]["secure"] is True


async def test_pages_forbid_anything_from_outside(wallboard, http):
    async with http.get(wallboard.token_url) as response:
        assert response.status == 200
        page = await response.text()
        headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY
    assert headers["Referrer-Policy"] == "no-referrer"
    for name in ("wallboard.html", "terminal.html"):
        async with http.get(wallboard.url + ("" if name == "wallboard.html" else "terminal")) \
                as response:
            page = await response.text()
        assert "http:" not in page and "https:" not in page and "//" not in page
    for path in (Path(server.__file__).parent / "assets").iterdir():  # nor do our assets
        assert not re.search(r"(https?|wss?):/|//[a-z]", path.read_text()), path.name


async def test_websocket_from_another_site_is_refused(wallboard, http):
    await http.get(wallboard.token_url)
    with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
        await http.ws_connect(wallboard.url + "ws",
                              headers={"Origin": "http://evil.example"})
    assert caught.value.status == 403
    assert not wallboard.board.ended


async def test_the_token_is_never_logged(wallboard, http, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    async with http.get(wallboard.token_url) as response:
        assert response.status == 200
    async with http.get(f"{wallboard.url}status?token={TEST_TOKEN}") as response:
        assert response.status == 200
    captured = capsys.readouterr()
    assert TEST_TOKEN not in caplog.text + captured.out + captured.err
    assert not any(record.name == "aiohttp.access" for record in caplog.records)


def test_token_is_compared_in_constant_time(monkeypatch):
    calls = []
    real = access.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(access.hmac, "compare_digest", spy)
    assert token_matches(TEST_TOKEN, TEST_TOKEN)
    assert not token_matches(TEST_TOKEN + "x", TEST_TOKEN)
    assert not token_matches("é" * 40, TEST_TOKEN)  # non-ASCII: compared as bytes, no error
    assert len(calls) == 3
    assert not token_matches("", TEST_TOKEN) and not token_matches(None, TEST_TOKEN)


def test_token_from_the_environment_or_generated():
    token, generated = token_from_environment({TOKEN_ENV: "a" * MIN_TOKEN_LENGTH})
    assert (token, generated) == ("a" * MIN_TOKEN_LENGTH, False)
    first, generated = token_from_environment({})
    second, _ = token_from_environment({})
    assert generated and first != second and len(first) >= 40
    for weak in ("short", "a" * (MIN_TOKEN_LENGTH - 1), "é" * 20, "tab\tinside-0123456789"):
        with pytest.raises(BadToken):
            token_from_environment({TOKEN_ENV: weak})


async def test_a_plain_request_to_the_websocket_route_is_refused_cleanly(wallboard, http):
    await http.get(wallboard.token_url)
    async with http.get(wallboard.url + "ws") as response:
        assert response.status == 400
    assert wallboard.board.sessions == 0 and not wallboard.board.ended
