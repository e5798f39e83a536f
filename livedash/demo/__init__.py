"""A demo Recorder Web API server: a simulated floor of live recordings, with faults.

``python -m livedash.demo`` runs it standalone; tests use ``DemoServer``.
"""

from .faults import KINDS as FAULT_KINDS
from .faults import FaultInjector
from .floor import Floor
from .server import (
    DEMO_PASSWORD,
    DEMO_USER,
    DEMO_USERS,
    LIVE_RECORDINGS,
    VIEWER_USER,
    DemoServer,
    RequestRecord,
    create_app,
)

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USER",
    "DEMO_USERS",
    "FAULT_KINDS",
    "LIVE_RECORDINGS",
    "VIEWER_USER",
    "DemoServer",
    "FaultInjector",
    "Floor",
    "RequestRecord",
    "create_app",
]
