"""The same JSON, spelt three ways, as servers and proxies write it (``--spelling``).

compact (``[{"id":"…","duration":…``), spaced (Python's default separators, many proxies
and frameworks: ``", "`` and ``": "``), pretty (indented, keys sorted). The demo floor
writes each from per-record pieces built once, byte for byte what ``json.dumps`` writes.
"""

from __future__ import annotations

import json
from typing import Any

json_string = json.encoder.encode_basestring  # what json writes for a str (C code)

SPELLING_OPTIONS: dict[str, dict] = {
    "compact": {"separators": (",", ":")},
    "spaced": {},
    "pretty": {"indent": 2, "sort_keys": True},
}
SPELLINGS = tuple(SPELLING_OPTIONS)
# How json.dumps opens, separates and closes a non-empty array in each spelling.
ARRAYS = {"compact": ("[", ",", "]"), "spaced": ("[", ", ", "]"),
          "pretty": ("[\n  ", ",\n  ", "\n]")}


def spelt_pieces(call: Any, spelling: str) -> tuple[bytes, bytes, bytes]:
    """What ``json.dumps([record], **SPELLING_OPTIONS[spelling])`` writes for ``call``
    inside its array, cut around the duration value; by hand, as the compact pieces are
    (``json.dumps`` of 10,000 records would hold up a first answer by half a second)."""
    js = json_string
    remote = call.remote
    if not all(type(value) is str for value in remote.values()):  # not the floor's own
        remote = {key: str(value) for key, value in remote.items()}
    if spelling == "spaced":
        remote_text = "{" + ", ".join(f"{js(k)}: {js(v)}" for k, v in remote.items()) + "}"
        head = f'{{"id": {js(call.id)}, "duration": "'
        middle = (f'", "startedAt": {js(call.started_at)}, "localParty": {{"username": '
                  f'{js(call.line.username)}}}, "remoteParty": {remote_text}, "isPaused": ')
        return head.encode(), (middle + "false}").encode(), (middle + "true}").encode()
    # pretty: indent 2, keys sorted, the record one level into the array
    remote_text = ("{\n" + ",\n".join(f"      {js(k)}: {js(remote[k])}" for k in sorted(remote))
                   + "\n    }") if remote else "{}"
    rest = (f',\n    "localParty": {{\n      "username": {js(call.line.username)}\n    }},'
            f'\n    "remoteParty": {remote_text},\n    "startedAt": {js(call.started_at)}\n  }}')
    tails = (f'",\n    "id": {js(call.id)},\n    "isPaused": {flag}{rest}'
             for flag in ("false", "true"))
    running, paused = (tail.encode() for tail in tails)
    return b'{\n    "duration": "', running, paused
