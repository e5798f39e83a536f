"""``python -m livedash.demo``: the demo server, standalone, until SIGTERM or SIGINT.

It prints one line, ``livedash demo server listening on http://HOST:PORT/ (user …)``, and
flushes it: the dashboard's ``--demo`` mode starts this with ``--port 0`` and reads the URL
(the only token starting with ``http://``) from that line.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
import sys
from collections.abc import Callable
from datetime import datetime

from .accounts import announcement
from .floor import DEFAULT_CHURN, Floor
from .spellings import SPELLINGS


def _clock(zone: str | None) -> Callable[[], datetime]:
    """The server's local wall clock, naive like the timestamps it sends."""
    if not zone:
        return datetime.now
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    return lambda: datetime.now(tz).replace(tzinfo=None)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m livedash.demo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; /_demo/* has no auth)")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--calls", type=int, default=40, help="active recordings to keep")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--churn", type=float, default=DEFAULT_CHURN,
                        help="fraction of calls replaced per second (default: 5 min calls)")
    parser.add_argument("--fault-rate", type=float, default=0.0,
                        help="probability that a request gets a random transient fault")
    parser.add_argument("--tz", default=None,
                        help="the server's time zone for startedAt, e.g. Europe/Rome")
    parser.add_argument("--spelling", choices=SPELLINGS, default="compact",
                        help="how the JSON is written: compact (default), spaced "
                        "(', ' and ': '), pretty (indented, keys sorted)")
    parser.add_argument("--access-log", action="store_true", help="log requests to stderr")
    args = parser.parse_args(argv)
    if not 0.0 <= args.fault_rate <= 1.0:
        parser.error("--fault-rate must be between 0 and 1")
    if args.calls < 0:
        parser.error("--calls must not be negative")
    try:
        args.now = _clock(args.tz)
    except (KeyError, ValueError) as exc:  # ZoneInfoNotFoundError is a KeyError
        parser.error(f"unknown time zone {args.tz!r} ({exc})")
    return args


def _listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on host:port, as aiohttp's TCPSite would open it."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.access_log:
        import logging

        logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    # Until the event loop handles them: SIGTERM stops us as quietly as SIGINT does.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        # Listen and say where at once, then load aiohttp and build the floor (for 10,000
        # calls, over half a second): the dashboard that started us loads meanwhile, and
        # its first request waits in the listen backlog until we serve it.
        try:
            sock = _listening_socket(args.host, args.port)
        except OSError as exc:  # port in use, bad address
            print(f"livedash demo server: {exc}", file=sys.stderr)
            return 1
        print(announcement(args.host, sock.getsockname()[1]), flush=True)
        from .faults import FaultInjector
        from .server import create_app, serve_forever

        floor = Floor(args.calls, args.seed, args.now, live=True, churn=args.churn)
        app = create_app(floor, faults=FaultInjector(args.fault_rate, seed=args.seed),
                         spelling=args.spelling)
        asyncio.run(serve_forever(app, args.host, args.port, access_log=args.access_log,
                                  sock=sock))
    except KeyboardInterrupt:  # also a second Ctrl-C during shutdown: no traceback
        pass
    except OSError as exc:
        print(f"livedash demo server: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
