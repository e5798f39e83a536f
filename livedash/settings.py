"""Everything the user chose, in one immutable object (built by ``cli``)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from urllib.parse import urlsplit

from .actions import Action, ActionClient
from .client import RecordingsClient, TlsOptions
from .clock import Clock
from .credentials import Credentials
from .model import Filters, local_zone


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
    max_body_bytes: int = 32 * 1024 * 1024
    read_only: bool = False  # --read-only: no supervisor actions (kiosk implies it)

    def make_client(self, monotonic: Callable[[], float]) -> RecordingsClient:
        """The one RecordingsClient these settings describe (dashboard and --once alike)."""
        return RecordingsClient(
            self.url,
            self.credentials,
            timeout=self.timeout,
            tls=self.tls,
            server_tz=self.server_tz or local_zone(),
            max_body_bytes=self.max_body_bytes,
            clock=monotonic,
        )

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
    return None
