"""livedash: a terminal dashboard of a call-recording server's live recordings.

The data path, one module each: ``client`` (HTTP) → ``model`` (parsing) → ``store``
(one source of truth, diffs polls) → ``widgets`` → ``app`` (wiring). ``poller`` decides
when to ask; ``safe_text`` is the one path from server strings to any screen.
"""

__version__ = "0.1.0"
