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
from urllib.parse import urlsplit

from ..cli import (
    Options,
    Parser,
    add_dashboard_options,
    add_demo_options,
    add_log_option,
    add_server_options,
    require,
    resolve_server,
    secrets_of,
)
from ..exits import CommandError, ExitCode, UsageError, print_warning
from ..logs import redact, setup_logging
from ..option_types import browser_url, whole_number
from ..settings import is_loopback
from .access import TOKEN_ENV, BadToken, token_from_environment, url_with_token
from .server import Wallboard, WallboardConfig, start_wallboard, tls_context
from .viewer import check_round_trip, passed_on_options, viewer_argv, viewer_environment
from .viewer_process import UnsupportedTextualServe, check_textual_serve

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_VIEWERS = 4
NOT_FOR_SERVE = ("--once", "--format")  # the dashboard's, which make no sense served


def build_serve_parser() -> tuple[Parser, Options]:
    """(serve's parser, the dashboard options in it that every viewer gets too).

    Serve takes every dashboard option from the builders the dashboard's parser uses, so
    an option added there reaches the viewers without a change here.
    """
    parser = Parser(
        prog="livedash serve",
        description="Serve the kiosk view to browsers (a wallboard). Every browser gets "
        "its own livedash process polling the recording server.",
        epilog=f"The page needs an access token: {TOKEN_ENV}, or one generated at start "
        "and printed once as the URL to open. The recording server's password is read "
        "from LIVEDASH_PASSWORD, the keyring (--keyring) or a prompt.",
    )
    parser.refused.update({option: f"{option} is not for serve: it always serves the live "
                           "kiosk view" for option in NOT_FOR_SERVE})
    passed_on = [*add_server_options(parser), *add_dashboard_options(parser, kiosk_implied=True),
                 *add_log_option(parser)]
    add_demo_options(parser)  # one demo server, in the serve process
    serve = parser.add_argument_group("serve")
    parser.option(serve, "--host", default=DEFAULT_HOST,
                  help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
    parser.option(serve, "--port", default=DEFAULT_PORT,
                  type=whole_number(0, 65535, what="a port number", note=" (0: any free port)"),
                  help=f"port to listen on (default {DEFAULT_PORT})")
    parser.option(serve, "--public-url", metavar="URL", type=browser_url,
                  help="the URL browsers use, when a proxy is in front "
                  "(e.g. https://wall.example.com/livedash/)")
    parser.option(serve, "--certfile", metavar="PATH",
                  help="TLS certificate (PEM): https and wss")
    parser.option(serve, "--keyfile", metavar="PATH", help="its private key (PEM)")
    parser.option(serve, "--max-viewers", type=whole_number(1, 64, what="a number"),
                  default=DEFAULT_MAX_VIEWERS, metavar="N",
                  help="browsers at a time; each runs a livedash process polling the "
                  f"server (default {DEFAULT_MAX_VIEWERS})")
    parser.checks.append(require(parser, ("keyfile",), "certfile"))
    return parser, passed_on


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
    """Warnings printed on stderr at start (``livedash: warning: …``)."""
    if is_loopback(args.host) or args.certfile:
        return []
    return [f"serve is listening on {args.host} without TLS: the access token and the "
            "live calls cross the network in clear. Use --certfile/--keyfile, or a TLS "
            "proxy in front and --host 127.0.0.1."]


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
    parser, passed_on = build_serve_parser()
    args = parser.parse_args(argv)
    try:
        check_textual_serve()
        token, generated = token_from_environment()
    except (UnsupportedTextualServe, BadToken) as exc:
        raise UsageError(str(exc)) from None
    ssl_context = None
    if args.certfile:
        try:
            ssl_context = tls_context(args.certfile, args.keyfile)
        except (OSError, ssl.SSLError) as exc:
            raise UsageError(f"cannot use the TLS certificate or key: "
                             f"{exc.strerror or exc}") from None
    options = passed_on_options(passed_on, args)
    check_round_trip(passed_on, args, options)
    with ExitStack() as stack:
        url, credentials = resolve_server(args, stack)
        setup_logging(args.log_file, secrets_of(args, credentials),
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
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
                           ExitCode.INTERNAL) from None
    for warning in start_warnings(args):
        print_warning(warning)
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
