"""Every key livedash answers to, in one list: the help screen (``?``) is drawn from it.

A new key gets one entry here (and a test in ``tests/test_keys.py`` checks that every
binding of the app and the table is listed). ``kiosk`` marks the keys that still work on
a read-only wall display (``--kiosk``): the help there lists only those. ``action`` marks
the supervisor actions' keys, which change the server's state: they work, and are
listed, only when actions are on (not ``--read-only``, not ``--kiosk``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyHelp:
    keys: str  # as the user reads them: "s / S", "q  Ctrl-C"
    what: str
    kiosk: bool = False  # also works with --kiosk
    action: bool = False  # a supervisor action: off with --read-only and --kiosk
    # the Textual key names this entry documents (tests/test_keys.py checks the bindings)
    bound: tuple[str, ...] = ()


KEYS: tuple[KeyHelp, ...] = (
    KeyHelp("↑ ↓", "move the cursor (it stays on its recording across polls and sorts)",
            bound=("up", "down")),
    KeyHelp("PgUp PgDn", "a page up / down", bound=("pageup", "pagedown")),
    KeyHelp("Home End", "first / last row", bound=("home", "end")),
    KeyHelp("Enter", "every field of the recording under the cursor (and, there, buttons "
                     "to pause, resume or stop it)", bound=("enter",)),
    KeyHelp("space", "mark / unmark the recording under the cursor: P R X act on the "
                     "marked ones (a recording that ends loses its mark)",
            action=True, bound=("space",)),
    KeyHelp("P", "pause the marked recordings, or the one under the cursor: one at once, "
                 "several after a question", action=True, bound=("P",)),
    KeyHelp("R", "resume them (the same way)", action=True, bound=("R",)),
    KeyHelp("X", "stop them: always asks first (a stopped recording cannot be resumed)",
            action=True, bound=("X",)),
    KeyHelp("N", "start recording a line: its device name or directory number, and the "
                 "mode (media forking or dial-in)", action=True, bound=("N",)),
    KeyHelp("s / S", "sort by the next column / reverse the order (or click a column header)",
            bound=("s", "S")),
    KeyHelp("/", "search as you type, in every column but the duration: case and accents "
                 "ignored (zoe finds Zoë), words anywhere in the row, digits find a number "
                 "whatever its spacing. Enter keeps the search, Esc clears it (also from "
                 "the table)", bound=("slash", "escape")),
    KeyHelp("f", "edit the server filters (exact match): Tab moves between them, typing "
                 "re-queries after a moment, Enter at once and back to the table. ↓ lists "
                 "a field's suggestions (● on a call now, ↺ used before): ↑ ↓ and Enter, "
                 "or Tab, takes one; Esc closes the list, then clears the field (an empty "
                 "one: all)", bound=("f",)),
    KeyHelp("r", "poll now (also: retry at once after an error)", bound=("r",)),
    KeyHelp("p", "pause / resume polling", bound=("p",)),
    KeyHelp("u", "the records the last poll could not read, and why", bound=("u",)),
    KeyHelp("h", "recently ended: the recordings this livedash saw end (Enter: details, "
                 "r: refresh, h or Esc: back)", bound=("h",)),
    KeyHelp("e", "export the rows shown (filters and search applied, in their order, "
                 "values whole) to a CSV file", bound=("e",)),
    KeyHelp("L", "enter the password again, after the server rejected it (401)",
            bound=("L",)),
    KeyHelp("Ctrl-P", "command palette (theme, screenshot, long-call and long-pause "
                      "thresholds, the bell, …)", bound=("ctrl+p",)),
    KeyHelp("?", "this help", kiosk=True, bound=("question_mark",)),
    KeyHelp("q  Ctrl-C", "quit", kiosk=True, bound=("q", "ctrl+c")),
)

# What the symbols and colours on screen mean (the help shows them under the keys).
LEGEND: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("In the table", (
        ("● REC", "recording"),
        ("❚❚ PAUSED", "recording paused (its duration stays at the server's value)"),
        ("✕ ENDED", "gone from the server: dimmed, fades out after a few seconds"),
        ("⚠ LONG", "a call at or over --long-call"),
        ("⚠ PAUSE", "paused for --long-pause or longer, from the first poll that saw the "
                    "pause: the rest of the call is not being recorded"),
        ("green row", "new since the last poll"),
        ("amber row", "changed since the last poll (paused, resumed, other party)"),
    )),
    ("In the status line", (
        ("● LIVE", "the rows are the server's current answer"),
        ("◌ STALE", "the last poll failed: the rows are the last good ones, and the "
                    "line says what happens next"),
        ("✕ ERROR", "a poll failed and there is nothing to show yet"),
        ("❚❚ PAUSED", "polling paused"),
        ("N over 15:00", "calls at or over --long-call"),
        ("N paused over 2:00", "recordings paused for --long-pause or longer"),
    )),
)


# Added to the legend's table part when supervisor actions are on.
ACTION_LEGEND: tuple[tuple[str, str], ...] = (
    ("✓", "marked with space: P R X act on the marked recordings"),
    ("… PAUSING", "an action sent: until the server answers and the next poll shows "
                  "the result (…RESUMING, …STOPPING)"),
)


def keys_for(*, kiosk: bool, actions: bool = True) -> list[KeyHelp]:
    """The entries that work in this mode (``actions``: supervisor actions are on)."""
    return [entry for entry in KEYS
            if (entry.kiosk or not kiosk) and (actions or not entry.action)]
