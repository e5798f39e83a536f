"""The demo server's accounts and the line it announces itself with.

Apart from ``server`` so that ``python -m livedash.demo`` can print its URL before it
loads aiohttp (a third of a second): the dashboard's ``--demo`` mode waits for that line.
"""

from __future__ import annotations

DEMO_USER = "supervisor"
DEMO_PASSWORD = "demo"
VIEWER_USER = "viewer"


def announcement(host: str, port: int) -> str:
    """``livedash demo server listening on http://HOST:PORT/ (user …, password …)``."""
    shown_host = f"[{host}]" if ":" in host else host
    return (f"livedash demo server listening on http://{shown_host}:{port}/ "
            f"(user {DEMO_USER}, password {DEMO_PASSWORD})")
