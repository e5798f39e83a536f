"""How durations and times read on screen."""

from __future__ import annotations

from datetime import date, datetime, tzinfo


def format_duration(seconds: float) -> str:
    """Seconds → ``H:MM:SS`` (hours grow past 24: a stuck recording should look stuck)."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def _in_zone(moment: datetime, zone: tzinfo | None) -> datetime:
    """``moment`` in ``zone``; in its own zone when the shift would leave the calendar.

    A server can send ``9999-12-31T23:59:59`` or ``0001-01-01T00:00:00+05:00``: moving
    those to another zone raises OverflowError, and a drawing error must not be one.
    """
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError):
        return moment


def format_clock(moment: datetime | None, zone: tzinfo | None) -> str:
    """An aware datetime as ``HH:MM:SS`` in the display zone; '?' when unknown."""
    if moment is None:
        return "?"
    return _in_zone(moment, zone).strftime("%H:%M:%S")


def format_datetime(moment: datetime | None, zone: tzinfo | None) -> str:
    if moment is None:
        return "unknown"
    return _in_zone(moment, zone).strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def format_age(seconds: float) -> str:
    """A short age: ``42s``, ``3m05s``, ``2h04m``."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def format_start(moment: datetime | None, zone: tzinfo | None, today: date) -> str:
    """A start time for a table: ``HH:MM:SS`` if on ``today`` in ``zone``, else with the date.

    ``today`` is the reader's date in the same zone (``clock.now().astimezone(zone)``).
    """
    if moment is None:
        return "?"
    shown = _in_zone(moment, zone)
    if shown.date() == today:
        return shown.strftime("%H:%M:%S")
    return shown.strftime("%Y-%m-%d %H:%M:%S")


def format_iso(moment: datetime | None, zone: tzinfo | None) -> str:
    """Full ISO 8601 in ``zone``, offset and fractions kept (machine formats); '' if unknown."""
    if moment is None:
        return ""
    return _in_zone(moment, zone).isoformat()
