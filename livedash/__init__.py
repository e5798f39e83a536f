"""livedash: a terminal dashboard of a call-recording server's live recordings.

The data path, one module each: ``client`` (HTTP) → ``model`` (parsing) → ``store``
(one source of truth, diffs polls) → ``widgets`` → ``app`` (wiring). ``poller`` decides
when to ask; ``safe_text`` is the one path from server strings to any screen.
"""

__version__ = "0.1.0"

import logging as _logging

# A library's loggers stay silent until the CLI sets up the log file: never stderr over a TUI.
_logging.getLogger("livedash").addHandler(_logging.NullHandler())
