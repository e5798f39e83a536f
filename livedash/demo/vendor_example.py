"""The one recording the vendor's article shows ("Get Active Recordings", Article 615).

Its one home: the demo floor, the fault injector and the tests take it from here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

# The article's response body, field for field (it asks with directoryNumber=123456 and
# username=user1; the rest of that line is made up to match).
VENDOR_EXAMPLE: dict[str, Any] = {
    "id": "6b98303a-b295-473a-adae-19b78aca468d",
    "duration": "PT1M13S",
    "startedAt": "2018-07-02T15:07:00.0000000",
    "localParty": {"username": "user1"},
    "remoteParty": {"firstName": "John", "lastName": "Doe", "phoneNumber": "+1555123456"},
    "isPaused": False,
}
EXAMPLE_ID: str = VENDOR_EXAMPLE["id"]
EXAMPLE_STARTED = datetime(2018, 7, 2, 15, 7)  # startedAt above, as the floor keeps it
EXAMPLE_SECONDS = 73  # PT1M13S


def example_call() -> dict[str, Any]:
    """The example as ``Floor.add_call`` arguments: the same record, on its line."""
    remote = VENDOR_EXAMPLE["remoteParty"]
    return dict(
        rec_id=EXAMPLE_ID, username=VENDOR_EXAMPLE["localParty"]["username"],
        device_name="SEP123456789ABC", directory_number="123456", numeric_user_id="654321",
        first_name=remote["firstName"], last_name=remote["lastName"],
        phone_number=remote["phoneNumber"], duration=EXAMPLE_SECONDS,
        started_at=EXAMPLE_STARTED,
    )
