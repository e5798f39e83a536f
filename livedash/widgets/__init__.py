"""Textual widgets of livedash."""

from .recordings_table import RecordingsTable

__all__ = ["RecordingsTable"]
