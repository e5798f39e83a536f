"""How durations and times read on screen."""

from __future__ import annotations

from datetime import datetime, tzinfo


def format_duration(seconds: float) -> str:
    """Seconds → ``H:MM:SS`` (hours grow past 24: a stuck recording should look stuck)."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def format_clock(moment: datetime | None, zone: tzinfo | None) -> str:
    """An aware datetime as ``HH:MM:SS`` in the display zone; '?' when unknown."""
    if moment is None:
        return "?"
    return moment.astimezone(zone).strftime("%H:%M:%S")


def format_datetime(moment: datetime | None, zone: tzinfo | None) -> str:
    if moment is None:
        return "unknown"
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def format_age(seconds: float) -> str:
    """A short age: ``42s``, ``3m05s``, ``2h04m``."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
