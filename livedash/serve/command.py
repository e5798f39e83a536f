"""``livedash serve [dashboard options]``: the kiosk view in a browser (textual-serve).

The serve process checks the options, resolves the password once, starts the embedded
demo server if asked, and listens. Each browser that opens the board gets its own viewer
process (``livedash --kiosk`` with the same dashboard options) polling the recording
server, which is why their number is capped (``--max-viewers``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import ssl
import sys
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

from ..cli import build_parser
from ..credentials import Credentials, NoPassword, resolve_password
from ..embedded_demo import DemoStartError, demo_credentials, embedded_demo
from ..logs import redact, setup_logging
from ..once import ExitCode
from ..settings import check_url, is_loopback
from .access import TOKEN_ENV, BadToken, token_from_environment, url_with_token
from .server import Wallboard, WallboardConfig, start_wallboard, tls_context
from .viewer import check_round_trip, passed_on_options, viewer_argv, viewer_environment
from .viewer_process import UnsupportedTextualServe, check_textual_serve

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_VIEWERS = 4
REFUSED = ("once", "format")  # dashboard options that make no sense for a served board
IMPLIED = ("kiosk",)  # always on: what is served is read-only


def _int_between(low: int, high: int, what: str, note: str = ""):
    """An argparse type: an integer from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}{note}")
        return value

    return parse


_port = _int_between(0, 65535, "a port number", " (0: any free port)")
_viewers = _int_between(1, 64, "a number")


def build_serve_parser() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """(serve parser, dashboard parser): serve takes every dashboard option, plus its own."""
    dashboard = build_parser()
    parser = type(dashboard)(
        prog="livedash serve",
        parents=[dashboard],
        conflict_handler="resolve",
        description="Serve the kiosk view to browsers (a wallboard). Every browser gets "
        "its own livedash process polling the recording server.",
        epilog=f"The page needs an access token: {TOKEN_ENV}, or one generated at start "
        "and printed once as the URL to open. The recording server's password is read "
        "from LIVEDASH_PASSWORD, the keyring (--keyring) or a prompt.",
    )
    for action in parser._actions:  # argparse has no public way to hide inherited options
        if action.dest in REFUSED or action.dest in IMPLIED:
            action.help = argparse.SUPPRESS
    serve = parser.add_argument_group("serve")
    serve.add_argument("--host", default=DEFAULT_HOST,
                       help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT,
                       help=f"port to listen on (default {DEFAULT_PORT})")
    serve.add_argument("--public-url", metavar="URL",
                       help="the URL browsers use, when a proxy is in front "
                       "(e.g. https://wall.example.com/livedash/)")
    serve.add_argument("--certfile", metavar="PATH", help="TLS certificate (PEM): https and wss")
    serve.add_argument("--keyfile", metavar="PATH", help="its private key (PEM)")
    serve.add_argument("--max-viewers", type=_viewers, default=DEFAULT_MAX_VIEWERS,
                       metavar="N", help="browsers at a time; each runs a livedash process "
                       f"polling the server (default {DEFAULT_MAX_VIEWERS})")
    return parser, dashboard


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    for dest in REFUSED:
        if getattr(args, dest) != parser.get_default(dest):
            parser.error(f"--{dest} is not for serve: it always serves the live kiosk view")
    if args.keyfile and not args.certfile:
        parser.error("--keyfile needs --certfile")
    if args.public_url:
        parts = urlsplit(args.public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
            parser.error("--public-url must be the http:// or https:// URL browsers open, "
                         "e.g. https://wall.example.com/livedash/")
    if not args.demo:
        if not args.url or not args.user:
            parser.error("--url and --user are required (or use --demo)")
        problem = check_url(args.url)
        if problem:
            parser.error(problem)


def base_url(args: argparse.Namespace, port: int) -> str:
    """The URL to print: --public-url, else this machine's name or address and port."""
    if args.public_url:
        return args.public_url
    host = args.host
    if host in ("", "0.0.0.0", "::"):
        host = socket.gethostname()  # "0.0.0.0" opens nothing in a browser elsewhere
    if ":" in host:
        host = f"[{host}]"
    return f"{'https' if args.certfile else 'http'}://{host}:{port}/"


def banner(args: argparse.Namespace, url: str, port: int, token: str,
           generated: bool) -> list[str]:
    """What the serve command prints once listening (the token only if it made it)."""
    where = base_url(args, port)
    lines = [f"livedash serve: the kiosk view of {url}, for browsers at {where}"]
    if generated:
        lines += ["Open this URL (it holds the access token; it is printed only now, and "
                  "the browser then keeps it in a cookie):",
                  f"  {url_with_token(where, token)}"]
    else:
        lines.append(f"Open {where}?token=<{TOKEN_ENV}> once; the browser then keeps the "
                     "token in a cookie.")
    lines.append(
        f"At most {args.max_viewers} viewer{'s' if args.max_viewers > 1 else ''} at a time "
        "(--max-viewers): each browser showing the board runs its own livedash process "
        f"polling {urlsplit(url).hostname} every {args.interval:g} s."
    )
    lines.append("Ctrl+C stops the server and every viewer.")
    return lines


def start_warnings(args: argparse.Namespace) -> list[str]:
    """Warnings printed on stderr at start."""
    if is_loopback(args.host) or args.certfile:
        return []
    return [f"livedash serve: warning: listening on {args.host} without TLS: the access "
            "token and the live calls cross the network in clear. Use --certfile/--keyfile, "
            "or a TLS proxy in front and --host 127.0.0.1."]


class _Redacted(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        return True


def _log_to_stderr() -> None:
    """Viewer starts and ends on stderr as well as in the log file (an operator watches)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("livedash serve: %(message)s"))
    handler.addFilter(_Redacted())
    logging.getLogger("livedash.serve").addHandler(handler)


def main(argv: list[str]) -> int:
    parser, dashboard = build_serve_parser()
    args = parser.parse_args(argv)
    _check(parser, args)
    try:
        check_textual_serve()
        token, generated = token_from_environment()
    except (UnsupportedTextualServe, BadToken) as exc:
        print(f"livedash serve: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    ssl_context = None
    if args.certfile:
        try:
            ssl_context = tls_context(args.certfile, args.keyfile)
        except (OSError, ssl.SSLError) as exc:
            print(f"livedash serve: error: cannot use the TLS certificate or key: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            return ExitCode.USAGE
    options = passed_on_options(dashboard, args)
    check_round_trip(dashboard, args, options)
    with ExitStack() as stack:
        if args.demo:
            try:
                url = stack.enter_context(embedded_demo(
                    args.demo_calls, args.demo_seed, args.demo_fault_rate))
            except DemoStartError as exc:
                print(f"livedash serve: {exc}", file=sys.stderr)
                return ExitCode.INTERNAL
            credentials = demo_credentials()
        else:
            url = args.url
            try:
                password = resolve_password(args.user, urlsplit(url).hostname or url,
                                            use_keyring=args.keyring, interactive=True)
            except NoPassword as exc:
                print(f"livedash serve: {exc}", file=sys.stderr)
                return ExitCode.USAGE
            except (KeyboardInterrupt, EOFError):
                return ExitCode.USAGE
            credentials = Credentials(args.user, password)
        setup_logging(Path(args.log_file) if args.log_file else None, [credentials.password],
                      username=credentials.username)
        _log_to_stderr()
        config = WallboardConfig(
            viewer_argv=viewer_argv(url, credentials.username, options),
            viewer_environment=viewer_environment(credentials),
            token=token,
            max_viewers=args.max_viewers,
            secure_cookie=bool(args.certfile) or (args.public_url or "").startswith("https:"),
            title=f"livedash — {urlsplit(url).hostname}",
            public_url=args.public_url,
        )
        return asyncio.run(_serve(args, config, url, ssl_context, generated))


async def _serve(args: argparse.Namespace, config: WallboardConfig, url: str,
                 ssl_context: ssl.SSLContext | None, generated: bool) -> int:
    wallboard = Wallboard(config)
    try:
        runner, port = await start_wallboard(wallboard, args.host, args.port, ssl_context)
    except OSError as exc:
        print(f"livedash serve: error: cannot listen on {args.host}:{args.port}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return ExitCode.INTERNAL
    for warning in start_warnings(args):
        print(warning, file=sys.stderr, flush=True)
    print("\n".join(banner(args, url, port, config.token, generated)), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        print("livedash serve: stopping every viewer", flush=True)
        await runner.cleanup()  # closes every websocket; each viewer is stopped and reaped
    return ExitCode.OK
