"""Every key livedash answers to, in one list: the help screen (``?``) is drawn from it.

A new key gets one entry here (and a test in ``tests/test_keys.py`` checks that every
binding of the app and the table is listed). ``kiosk`` marks the keys that still work on
a read-only wall display (``--kiosk``): the help there lists only those.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyHelp:
    keys: str  # as the user reads them: "s / S", "q  Ctrl-C"
    what: str
    kiosk: bool = False  # also works with --kiosk
    # the Textual key names this entry documents (tests/test_keys.py checks the bindings)
    bound: tuple[str, ...] = ()


KEYS: tuple[KeyHelp, ...] = (
    KeyHelp("↑ ↓", "move the cursor (it stays on its recording across polls and sorts)",
            bound=("up", "down")),
    KeyHelp("PgUp PgDn", "a page up / down", bound=("pageup", "pagedown")),
    KeyHelp("Home End", "first / last row", bound=("home", "end")),
    KeyHelp("Enter", "every field of the recording under the cursor", bound=("enter",)),
    KeyHelp("s / S", "sort by the next column / reverse the order (or click a column header)",
            bound=("s", "S")),
    KeyHelp("/", "edit the filters: Tab moves between them, typing re-queries after a "
                 "moment, Enter at once (and back to the table), Esc clears the field "
                 "(on an empty field: all)", bound=("slash", "escape")),
    KeyHelp("r", "poll now (also: retry at once after an error)", bound=("r",)),
    KeyHelp("p", "pause / resume polling", bound=("p",)),
    KeyHelp("u", "the records the last poll could not read, and why", bound=("u",)),
    KeyHelp("h", "recently ended: the recordings this livedash saw end (Enter: details, "
                 "r: refresh, h or Esc: back)", bound=("h",)),
    KeyHelp("e", "export the rows shown (filters and search applied, in their order, "
                 "values whole) to a CSV file", bound=("e",)),
    KeyHelp("L", "enter the password again, after the server rejected it (401)",
            bound=("L",)),
    KeyHelp("Ctrl-P", "command palette (theme, screenshot, …)", bound=("ctrl+p",)),
    KeyHelp("?", "this help", kiosk=True, bound=("question_mark",)),
    KeyHelp("q  Ctrl-C", "quit", kiosk=True, bound=("q", "ctrl+c")),
)

# What the symbols and colours on screen mean (the help shows them under the keys).
LEGEND: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("In the table", (
        ("● REC", "recording"),
        ("❚❚ PAUSED", "recording paused (its duration stays at the server's value)"),
        ("✕ ENDED", "gone from the server: dimmed, fades out after a few seconds"),
        ("green row", "new since the last poll"),
        ("amber row", "changed since the last poll (paused, resumed, other party)"),
    )),
    ("In the status line", (
        ("● LIVE", "the rows are the server's current answer"),
        ("◌ STALE", "the last poll failed: the rows are the last good ones, and the "
                    "line says what happens next"),
        ("✕ ERROR", "a poll failed and there is nothing to show yet"),
        ("❚❚ PAUSED", "polling paused"),
    )),
)


def keys_for(*, kiosk: bool) -> list[KeyHelp]:
    """The entries that work in this mode."""
    return [entry for entry in KEYS if entry.kiosk or not kiosk]
