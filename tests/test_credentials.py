"""The password: where it comes from, and everywhere it must never appear.

It must not reach the log file (through 401/500/drop faults, bugs, a new password
entered with ``L``), an exception's text, a repr, the screen, a crash message, the
command line, or another host on a redirect. Transport risks are warned about on screen.
"""

import base64
import sys

import pytest
from aiohttp import web

from livedash import cli
from livedash.app import LiveDashApp
from livedash.client import RecordingsClient, TlsOptions
from livedash.clock import FixedClock
from livedash.credentials import Credentials, NoPassword, Secret, resolve_password
from livedash.demo.server import DEMO_USER, REQUIRED_LEVEL, DemoServer
from livedash.demo.testing import KNOWN_IDS, known_floor
from livedash.logs import MASK, add_secret, setup_logging, shutdown_logging
from livedash.model import Filters
from livedash.once import run_once
from livedash.poller import Backoff
from livedash.settings import Settings, check_url
from livedash.widgets.screens import PasswordScreen

from .conftest import press_and_settle, settings_for, until

SIZE = (140, 30)
FIRST = "Tr0ub4dor&3-first"
SECOND = "correct-horse-battery-staple-2"


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


FORBIDDEN = [FIRST, SECOND, basic(DEMO_USER, FIRST), basic(DEMO_USER, SECOND)]


def assert_clean(text: str, where: str) -> None:
    for value in FORBIDDEN:
        assert value not in text, f"a password form leaked into {where}"


@pytest.fixture
def log_file(tmp_path):
    path = setup_logging(tmp_path / "livedash.log", [Secret(FIRST)], username=DEMO_USER)
    assert path is not None
    yield path
    shutdown_logging()


@pytest.fixture
def users():
    return {DEMO_USER: (FIRST, REQUIRED_LEVEL)}  # mutable: the server reads it per request


@pytest.fixture
def server(users):
    with DemoServer(known_floor(), users=users) as running:
        yield running


def make_app(server, password=FIRST, **overrides):
    settings = settings_for(server.url, credentials=Credentials(DEMO_USER, Secret(password)),
                            **overrides)
    return LiveDashApp(settings, clock=FixedClock(),
                       backoff=Backoff(base=30, cap=60, rand=lambda: 0.0))


async def test_the_password_never_reaches_log_errors_reprs_or_screen(
        server, users, log_file, monkeypatch):
    app = make_app(server)
    errors = []
    deliver = app.poller._on_error
    app.poller._on_error = lambda error, delay: (errors.append(error), deliver(error, delay))
    screens = []
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        for kind in ("401", "500", "drop"):
            server.faults.inject(kind, count=1)
            await press_and_settle(pilot, "r")
            screens.append(app.export_screenshot())

        # a bug whose message quotes the password (and the Basic header built from it)
        def leaky_apply(result):
            raise RuntimeError(f"bug holding {FIRST} and Basic {basic(DEMO_USER, FIRST)}")

        monkeypatch.setattr(app.store, "apply", leaky_apply)
        await press_and_settle(pilot, "r")
        monkeypatch.undo()
        assert app.internal_errors == 1

        # the password changes on the server: a real 401, then L with the new one
        users[DEMO_USER] = (SECOND, REQUIRED_LEVEL)
        await press_and_settle(pilot, "r")
        assert "401 Unauthorized" in str(app.query_one("#status").render())
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, PasswordScreen)
        await pilot.press(*SECOND)
        await pilot.pause()
        screens.append(app.export_screenshot())  # typed, not yet sent: shown as dots
        await press_and_settle(pilot, "enter")
        assert str(app.query_one("#status").render()).startswith(" ● LIVE ")
        assert not isinstance(app.screen, PasswordScreen)

        # the new password is masked in the log from now on, too
        def leaky_again(result):
            raise ValueError(f"second bug {SECOND}")

        monkeypatch.setattr(app.store, "apply", leaky_again)
        await press_and_settle(pilot, "r")
        monkeypatch.undo()
        screens.append(app.export_screenshot())

        texts = {
            "reprs": " ".join(repr(x) for x in (
                app.settings, app.settings.credentials, app.settings.credentials.password,
                app.client, app.poller.backoff, Secret(SECOND))),
            "str of secrets": f"{Secret(FIRST)} {Secret(SECOND)!s} {Secret(SECOND)!r}",
            "poll errors": " ".join(f"{e} {e!r}" for e in errors),
            "notifications": " ".join(n.message for n in app._notifications),
        }
    texts["screens"] = " ".join(screens)
    logged = log_file.read_text()
    texts["log"] = logged
    for where, text in texts.items():
        assert_clean(text, where)
    # the log did get the lines, masked: the test would see a leak
    assert "401 Unauthorized" in logged and "500 Internal Server Error" in logged
    assert "connection dropped" in logged
    assert f"bug holding {MASK} and Basic {MASK}" in logged
    assert f"second bug {MASK}" in logged
    assert logged.count("Traceback (most recent call last)") == 2
    assert len(errors) >= 4


async def test_a_fatal_error_prints_one_line_without_locals(server, log_file, capsys):
    app = make_app(server)
    with pytest.raises(RuntimeError, match="outside our handlers"):
        async with app.run_test(size=SIZE) as pilot:
            await until(app, lambda: app.store.has_data)

            def escapes():  # not guarded: Textual's own error path
                password = FIRST  # a local that Textual's traceback would print
                raise RuntimeError(f"outside our handlers {len(password)}")

            app.call_later(escapes)
            await pilot.pause()
    assert app.return_code == 1
    err = capsys.readouterr().err
    assert err == ""  # not Textual's traceback with locals: cli prints the one line
    message = app.fatal_error_message()
    assert message == (f"stopped after an internal error (RuntimeError); "
                       f"the details are in {log_file}")
    assert_clean(message, "the crash message")
    logged = log_file.read_text()
    assert "unhandled error; livedash stops" in logged and "outside our handlers" in logged
    assert_clean(logged, "the log")


def test_there_is_no_password_option_and_values_are_not_echoed(capsys):
    parser = cli.build_parser()
    options = [opt for action in parser._actions for opt in action.option_strings]
    assert not [opt for opt in options if "pass" in opt or "secret" in opt]
    for argv in (["--password", FIRST], [f"--password={FIRST}"], ["--pass", FIRST],
                 ["--url", "https://ias.example.com/", "--user", "u", "--bogus", FIRST],
                 ["--url", "https://ias.example.com/", "--user", "u", FIRST]):
        assert cli.main(argv) == 2
        (err,) = capsys.readouterr().err.splitlines()
        assert err.startswith("livedash: error: ") and FIRST not in err, argv
    cli_help = parser.format_help()
    assert "LIVEDASH_PASSWORD" in cli_help


def test_password_option_explains_where_passwords_go(capsys):
    assert cli.main(["--password", FIRST]) == 2
    err = capsys.readouterr().err
    assert "there is no password option" in err and "LIVEDASH_PASSWORD" in err


def test_url_with_userinfo_is_refused_without_echo(capsys):
    url = f"https://supervisor:{FIRST}@ias.example.com/"
    assert check_url(url) and FIRST not in check_url(url)
    assert cli.main(["--url", url, "--user", "supervisor", "--once"]) == 2
    err = capsys.readouterr().err
    assert "must not contain a user name or password" in err
    assert FIRST not in err and "supervisor:" not in err


def test_password_sources_env_keyring_prompt(monkeypatch):
    monkeypatch.setenv("LIVEDASH_PASSWORD", FIRST)
    assert resolve_password("u", "h", use_keyring=False, interactive=False) == Secret(FIRST)
    monkeypatch.delenv("LIVEDASH_PASSWORD")

    class FakeKeyring:
        @staticmethod
        def get_password(service, entry):
            return SECOND if (service, entry) == ("livedash", "u@h") else None

    monkeypatch.setitem(sys.modules, "keyring", FakeKeyring)
    assert resolve_password("u", "h", use_keyring=True, interactive=False) == Secret(SECOND)

    class BrokenKeyring:
        @staticmethod
        def get_password(service, entry):
            raise RuntimeError(f"backend exploded {SECOND}")

    monkeypatch.setitem(sys.modules, "keyring", BrokenKeyring)
    with pytest.raises(NoPassword) as info:
        resolve_password("u", "h", use_keyring=True, interactive=False)
    assert "LIVEDASH_PASSWORD" in str(info.value)
    assert_clean(str(info.value), "NoPassword")


def test_secret_is_masked_everywhere_it_could_be_formatted():
    secret = Secret(FIRST)
    credentials = Credentials("u", secret)
    settings = Settings(url="https://ias.example.com/", credentials=credentials)
    for text in (repr(secret), str(secret), f"{secret}", f"{secret!r}", repr(credentials),
                 repr(settings), str(settings)):
        assert FIRST not in text and "********" in text
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(secret)


def test_log_redaction_covers_secrets_added_later(tmp_path):
    path = setup_logging(tmp_path / "x.log", [], username=None)
    try:
        import logging

        add_secret(Secret("later-secret-xyz"), "bob")
        log = logging.getLogger("livedash.test")
        log.error("now %s and %s", "later-secret-xyz", basic("bob", "later-secret-xyz"))
        try:
            raise ValueError("later-secret-xyz in an exception")
        except ValueError:
            log.exception("with a traceback")
        log.warning("escape \x1b[31m and a forged\nline")
    finally:
        shutdown_logging()
    text = path.read_text()
    assert "later-secret-xyz" not in text and basic("bob", "later-secret-xyz") not in text
    # the message (2), the source line in the traceback and the exception text (2)
    assert text.count(MASK) == 4 and "ValueError: ******** in an exception" in text
    assert "\x1b" not in text and "escape ␛[31m and a forged␊line" in text


# -- redirects: the password is not sent to another host ------------------------------

async def _serve(app: web.Application, host="127.0.0.1"):
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    return runner, runner.addresses[0][1]


@pytest.mark.parametrize("where", ["other-host", "other-port", "same-origin"])
async def test_redirect_to_another_host_does_not_carry_the_password(where):
    """A 302 from 127.0.0.1:A to localhost:B (another host name) or 127.0.0.1:B (another
    port) arrives without Authorization; one to a path on 127.0.0.1:A keeps it, which
    shows that the receiving end would see the header if it were sent."""
    seen: dict[str, str | None] = {}
    path = "/fw/Apps/Recorder/WebAPI/LiveRecordings"

    async def target(request):
        seen["target"] = request.headers.get("Authorization")
        return web.json_response([])

    target_app = web.Application()
    target_app.router.add_get(path, target)
    target_runner, target_port = await _serve(target_app)
    destination = {
        "other-host": f"http://localhost:{target_port}{path}",
        "other-port": f"http://127.0.0.1:{target_port}{path}",
        "same-origin": "/moved",
    }[where]

    async def origin(request):
        seen["origin"] = request.headers.get("Authorization")
        raise web.HTTPFound(destination)

    origin_app = web.Application()
    origin_app.router.add_get(path, origin)
    origin_app.router.add_get("/moved", target)
    origin_runner, origin_port = await _serve(origin_app)
    try:
        client = RecordingsClient(f"http://127.0.0.1:{origin_port}/",
                                  Credentials(DEMO_USER, Secret(FIRST)), timeout=5)
        async with client:
            answer = await client.fetch_body(Filters())
        assert answer.body == b"[]"
    finally:
        await origin_runner.cleanup()
        await target_runner.cleanup()
    assert seen["origin"] == f"Basic {basic(DEMO_USER, FIRST)}"
    if where == "same-origin":
        assert seen["target"] == seen["origin"]
    else:
        assert "target" in seen and seen["target"] is None


# -- transport warnings ---------------------------------------------------------------

@pytest.mark.parametrize(("url", "tls", "warning"), [
    ("https://ias.example.com/", TlsOptions(insecure=True),
     "TLS certificate checks are OFF (--insecure)"),
    ("http://ias.example.com/", TlsOptions(),
     "Plain http to a remote host: the password is sent unencrypted on every poll"),
    ("http://10.1.2.3:8080/", TlsOptions(), "Plain http to a remote host"),
])
async def test_transport_warnings_stay_on_screen(demo_server, url, tls, warning):
    settings = settings_for(url, tls=tls)
    assert [w for w in settings.transport_warnings() if warning in w]
    # the dashboard talks to the demo server; the settings (and warnings) are the remote's
    client = RecordingsClient(demo_server.url, settings.credentials)
    app = LiveDashApp(settings, clock=FixedClock(), client=client,
                      backoff=Backoff(base=30, rand=lambda: 0.0))
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: app.store.has_data)
        for _ in range(2):  # still there after polls and ticks
            await press_and_settle(pilot, "r")
            app.tick()
            (shown,) = app.query(".warning")
            assert warning in str(shown.render()) and str(shown.render()).startswith("⚠ ")
        assert len(app.store.records) == len(KNOWN_IDS)


@pytest.mark.parametrize("url", ["https://127.0.0.1:1/", "http://127.0.0.1:1/",
                                 "http://localhost:1/", "http://[::1]:1/"])
def test_no_warning_for_verified_tls_or_loopback(url):
    assert settings_for(url).transport_warnings() == []


async def test_once_prints_transport_warnings_first(demo_server):
    import io

    out, err = io.StringIO(), io.StringIO()
    settings = settings_for("http://192.0.2.1:9/", timeout=0.3)  # TEST-NET: never answers
    code = await run_once(settings, "table", out=out, err=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("livedash: warning: Plain http to a remote host")
    assert lines[1].startswith("livedash: error: ") and code == 3


# -- TLS: verified by default ---------------------------------------------------------

def _self_signed(tmp_path):
    """A self-signed certificate for 127.0.0.1 (cryptography is in the test extras)."""
    pytest.importorskip("cryptography")
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "livedash test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


async def test_tls_is_verified_by_default(tmp_path):
    import ssl

    from livedash.errors import NetworkError

    cert_file, key_file = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)

    async def answer(request):
        return web.json_response([])

    app = web.Application()
    app.router.add_get("/fw/Apps/Recorder/WebAPI/LiveRecordings", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    url = f"https://127.0.0.1:{runner.addresses[0][1]}/"
    credentials = Credentials(DEMO_USER, Secret(FIRST))
    try:
        async with RecordingsClient(url, credentials, timeout=5) as client:
            with pytest.raises(NetworkError, match="TLS certificate is not trusted"):
                await client.fetch_body(Filters())
        for tls in (TlsOptions(ca_bundle=str(cert_file)), TlsOptions(insecure=True)):
            async with RecordingsClient(url, credentials, timeout=5, tls=tls) as client:
                assert (await client.fetch_body(Filters())).body == b"[]"
    finally:
        await runner.cleanup()
    assert cli.build_parser().parse_args(["--url", url, "--user", "u"]).insecure is False
    assert settings_for(url).transport_warnings() == []
    assert settings_for(url, tls=TlsOptions(insecure=True)).transport_warnings()
