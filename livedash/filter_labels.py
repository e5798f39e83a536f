"""What the four server filters are called on screen, and how a set of them reads.

One place for the filter bar, the status line and the empty-state message, so the
three name a filter the same way (the API's names, ``deviceName`` …, are for the URL).
"""

from __future__ import annotations

from .model import Filters
from .safe_text import safe_text

FILTER_LABELS = {
    "deviceName": "Device",
    "directoryNumber": "Line",
    "username": "User",
    "numericUserId": "User id",
}


def describe_filters(filters: Filters) -> str:
    """``User "alice" and Line "1001"``; '' when nothing filters.

    Quoted, because the server matches the value exactly; the value is typed by the
    user, still it goes through ``safe_text`` (a pasted control character stays visible).
    """
    return " and ".join(f'{FILTER_LABELS[name]} "{safe_text(value)}"'
                        for name, value in filters.as_query().items())
