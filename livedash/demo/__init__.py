"""A demo Recorder Web API server: a simulated floor of live recordings, with faults.

``python -m livedash.demo`` runs it standalone; tests use ``DemoServer``.

The names below are loaded on first use (PEP 562), so that ``python -m livedash.demo``
can announce its URL before it imports aiohttp.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "DEMO_PASSWORD": (".accounts", "DEMO_PASSWORD"),
    "DEMO_USER": (".accounts", "DEMO_USER"),
    "DEMO_USERS": (".server", "DEMO_USERS"),
    "FAULT_KINDS": (".faults", "KINDS"),
    "LIVE_RECORDINGS": (".server", "LIVE_RECORDINGS"),
    "VIEWER_USER": (".accounts", "VIEWER_USER"),
    "DemoServer": (".server", "DemoServer"),
    "FaultInjector": (".faults", "FaultInjector"),
    "Floor": (".floor", "Floor"),
    "RequestRecord": (".server", "RequestRecord"),
    "create_app": (".server", "create_app"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module, __name__), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
