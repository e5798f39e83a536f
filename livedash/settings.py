"""Everything the user chose, in one immutable object (built by ``cli``)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from urllib.parse import urlsplit

from .actions import Action, ActionClient
from .client import DEFAULT_MAX_BODY_BYTES, RecordingsClient, TlsOptions
from .clock import Clock
from .credentials import Credentials
from .decode import PollDecoder, local_zone
from .model import Filters


@dataclass(frozen=True)
class Settings:
    url: str
    credentials: Credentials
    filters: Filters = field(default_factory=Filters)
    interval: float = 2.0
    timeout: float = 10.0
    tls: TlsOptions = field(default_factory=TlsOptions)
    server_tz: tzinfo | None = None  # zone of a zone-less startedAt; None: local
    display_tz: tzinfo | None = None  # zone times are shown in; None: local
    kiosk: bool = False
    kiosk_page_seconds: float = 10.0
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    server_name: str = ""  # what the header calls the server; '' : host[:port] of the url
    read_only: bool = False  # --read-only: no supervisor actions (kiosk implies it)
    long_call: float | None = None  # --long-call: seconds; None: no long-call marks
    long_pause: float | None = None  # --long-pause: seconds; None: no forgotten-pause marks
    bell: bool = False  # --bell: ring when a recording crosses either threshold
    # where livedash keeps what it remembers between runs (the filter values used);
    # None: the user's state directory (platformdirs)
    state_dir: Path | None = None
    history_minutes: float = 30.0  # --history-minutes: how long `h` keeps what ended
    export_dir: Path | None = None  # --export-dir: where `e` writes; None: the current folder
    theme: str | None = None  # --theme: a name themes.py knows; None: Textual's default

    def make_client(self, monotonic: Callable[[], float]) -> RecordingsClient:
        """The one RecordingsClient these settings describe (dashboard and --once alike)."""
        return RecordingsClient(
            self.url,
            self.credentials,
            timeout=self.timeout,
            tls=self.tls,
            max_body_bytes=self.max_body_bytes,
            clock=monotonic,
        )

    def make_decoder(self) -> PollDecoder:
        """The decoder of this server's answers (zone-less start times in its zone)."""
        return PollDecoder(self.server_tz or local_zone())

    def make_action_client(
        self, clock: Clock | None = None,
        on_change: Callable[[str, Action | None], None] | None = None,
    ) -> ActionClient:
        """The client for supervisor actions, beside the poller's (its own connections)."""
        return ActionClient(self.url, self.credentials, timeout=self.timeout, tls=self.tls,
                            clock=clock, on_change=on_change)

    @property
    def actions_allowed(self) -> bool:
        return not (self.read_only or self.kiosk)

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or self.url

    @property
    def server_label(self) -> str:
        """``server_name``, else ``host`` or ``host:port`` (the port only when given)."""
        if self.server_name:
            return self.server_name
        parts = urlsplit(self.url)
        host = parts.hostname or self.url
        if ":" in host:  # IPv6
            host = f"[{host}]"
        try:
            port = parts.port
        except ValueError:  # check_url lets no such url through; still no crash here
            port = None
        return f"{host}:{port}" if port else host

    def transport_warnings(self) -> list[str]:
        """Persistent warnings about how the password travels."""
        warnings = []
        parts = urlsplit(self.url)
        if self.tls.insecure and parts.scheme == "https":
            warnings.append(
                "TLS certificate checks are OFF (--insecure): the server's identity is not verified"
            )
        if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
            warnings.append(
                "Plain http to a remote host: the password is sent unencrypted on every poll"
            )
        return warnings


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str | None:
    """Why ``url`` can't be a server root, or None. Never echoes credentials back."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        return "--url must not contain a user name or password; use --user and LIVEDASH_PASSWORD"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "--url must be an http:// or https:// server root, e.g. https://ias.example.com/"
    try:
        port = parts.port  # raises for a port that is not a number from 0 to 65535
    except ValueError:
        port = 0
    if port == 0:
        return "--url has a port that is not a number from 1 to 65535"
    return None
