"""What the dashboard keeps for supervisor actions between key presses. No Textual here.

* :class:`Marks`: the recordings marked with ``space`` (``P``/``R``/``X`` act on them).
* :class:`ActionsInFlight`: the rows that show an action under way (``… PAUSING``), from
  the key press until the server has answered *and* a poll sent after that answer has
  come back: only then does the row show the server's word again.
* :class:`ActionState`: both, as the table reads them (one source of truth: the table
  draws from here, the controller writes here).

And the words around an action: what a recording is called in a question or a notice
(:func:`recording_label`), whether an action asks first (:func:`asks_first`), what its
answers add up to (:func:`summarize`), and the start dialog's checks
(:func:`start_request`).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from .actions import Action, ActionResult, Outcome, StartMode
from .errors import AuthError
from .model import LiveRecording
from .safe_text import safe_text

__all__ = [
    "NO_FLAGS",
    "ActionState",
    "ActionsInFlight",
    "InProgress",
    "Marks",
    "Notice",
    "RowFlags",
    "StartRequest",
    "asks_first",
    "plural",
    "recording_label",
    "start_notice",
    "start_request",
    "summarize",
]


class Marks:
    """The marked recordings, by id, in the order they were marked."""

    def __init__(self) -> None:
        self._ids: dict[str, None] = {}

    def toggle(self, rec_id: str) -> bool:
        """Mark ``rec_id``, or unmark it when it was marked; True when it is marked now."""
        if rec_id in self._ids:
            del self._ids[rec_id]
            return False
        self._ids[rec_id] = None
        return True

    def keep_only(self, live: Container[str]) -> list[str]:
        """Unmark the recordings that are not ``live`` (ended, or gone with a filter):
        the ids unmarked."""
        gone = [rec_id for rec_id in self._ids if rec_id not in live]
        for rec_id in gone:
            del self._ids[rec_id]
        return gone

    def clear(self) -> list[str]:
        gone = list(self._ids)
        self._ids.clear()
        return gone

    def __contains__(self, rec_id: object) -> bool:
        return rec_id in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._ids))

    def __len__(self) -> int:
        return len(self._ids)


@dataclass(frozen=True)
class InProgress:
    """An action a row shows as under way.

    ``after_poll`` is None while the request is out; once the server has answered, the
    number of polls sent by then: the row waits for the answer to a later one.
    """

    action: Action
    after_poll: int | None = None

    @property
    def answered(self) -> bool:
        return self.after_poll is not None


class ActionsInFlight:
    """Rows with an action under way, from the key press to the poll that confirms it.

    A second press never sends twice: while a request is out, no other action on that
    recording starts; once answered, the same action waits for the confirming poll (a
    double press), while another one (a resume right after a pause) may go.
    """

    def __init__(self) -> None:
        self._rows: dict[str, InProgress] = {}

    def action_of(self, rec_id: str) -> Action | None:
        entry = self._rows.get(rec_id)
        return entry.action if entry is not None else None

    def blocking(self, action: Action, rec_id: str) -> InProgress | None:
        """What keeps ``action`` from being sent for ``rec_id`` now, or None."""
        entry = self._rows.get(rec_id)
        if entry is None or (entry.answered and entry.action is not action):
            return None
        return entry

    def begin(self, action: Action, rec_ids: Iterable[str]) -> list[str]:
        """Claim the rows for ``action`` (from the key press on); the ids claimed, in order:
        those that nothing blocks."""
        claimed = []
        for rec_id in dict.fromkeys(rec_ids):
            if self.blocking(action, rec_id) is None:
                self._rows[rec_id] = InProgress(action)
                claimed.append(rec_id)
        return claimed

    def answered(self, results: Iterable[ActionResult], polls_sent: int) -> list[str]:
        """The server's answers: a row that is now as asked waits for a poll sent after
        ``polls_sent``; any other shows the server's word at once. The ids changed."""
        changed = []
        for result in results:
            entry = self._rows.get(result.target)
            if entry is None or entry.answered or entry.action is not result.action:
                continue  # not ours (a start), or already settled
            if result.ok:
                self._rows[result.target] = InProgress(entry.action, polls_sent)
            else:
                del self._rows[result.target]
            changed.append(result.target)
        return changed

    def forget(self, rec_ids: Iterable[str]) -> list[str]:
        """Drop these rows' entries whatever their state (the request failed to run)."""
        return [rec_id for rec_id in rec_ids if self._rows.pop(rec_id, None) is not None]

    def confirmed(self, poll: int) -> list[str]:
        """The answer to poll number ``poll`` is on screen: the rows it confirms."""
        done = [rec_id for rec_id, entry in self._rows.items()
                if entry.after_poll is not None and poll > entry.after_poll]
        for rec_id in done:
            del self._rows[rec_id]
        return done

    def settle_answered(self) -> list[str]:
        """No confirming poll is coming (polling waits for the user): show the rows as the
        store has them."""
        done = [rec_id for rec_id, entry in self._rows.items() if entry.answered]
        for rec_id in done:
            del self._rows[rec_id]
        return done

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, rec_id: object) -> bool:
        return rec_id in self._rows


# What a row shows of actions: marked with space; the action under way (or None).
RowFlags = tuple[bool, Action | None]
NO_FLAGS: RowFlags = (False, None)


class ActionState:
    """What the table draws of actions: a mark, and the action a row has under way.

    The store holds one (``LiveStore.actions``): it unmarks the recordings a poll finds
    ended; the dashboard's action controller writes the rest.
    """

    def __init__(self) -> None:
        self.marks = Marks()
        self.in_flight = ActionsInFlight()

    def marked(self, rec_id: str) -> bool:
        return rec_id in self.marks

    def flags(self, rec_id: str) -> RowFlags:
        """What the row of ``rec_id`` shows: asked for every row drawn, so cheap."""
        if not (self.marks or self.in_flight):
            return NO_FLAGS
        return (rec_id in self.marks, self.in_flight.action_of(rec_id))

    def in_progress(self, rec_id: str) -> Action | None:
        return self.in_flight.action_of(rec_id)


# ---------------------------------------------------------------------- words
def recording_label(rec: LiveRecording) -> str:
    """``alice ↔ Giulia Rossi +390212345678``: who, with whom; server text made safe."""
    remote = " ".join(part for part in (rec.remote_name, rec.phone_number) if part)
    return f"{safe_text(rec.username) or '—'} ↔ {safe_text(remote) or 'unknown'}"


def asks_first(action: Action, count: int) -> bool:
    """Whether ``action`` on ``count`` recordings asks first: a stop always, a pause or a
    resume of several (one happens at once: a card number is being read out)."""
    return action is Action.STOP or count > 1


@dataclass(frozen=True)
class Notice:
    """A notification: its text (safe to show), severity and how long it stays."""

    text: str
    severity: str  # information | warning | error (Textual's)
    timeout: float


# How an outcome reads in a notice. 429 on pause/resume is information, not an error.
_SEVERITY = {
    Outcome.DONE: "information",
    Outcome.ALREADY: "information",
    Outcome.BUSY: "information",
    Outcome.NOTHING: "warning",
    Outcome.ALREADY_RECORDED: "warning",
}
_RANK = {"information": 0, "warning": 1, "error": 2}
_TIMEOUT = {"information": 4.0, "warning": 8.0, "error": 12.0}  # seconds a notice stays
MAX_NOTICE_LINES = 8  # a notice names at most this many recordings; the rest are counted
PASSWORD_HINT = ("Press L to enter the password again; nothing is sent again by itself "
                 "(repeated attempts can lock the account).")


def plural(count: int, word: str = "recording") -> str:
    """``1 recording``, ``2 recordings``."""
    return f"{count} {word}{'s' if count != 1 else ''}"


def summarize(results: Sequence[ActionResult], labels: Mapping[str, str]) -> Notice | None:
    """One notice for the answers to one key press: what was done, and each recording
    that was not, with the server's answer in words. ``labels``: id → what its row
    shows (:func:`recording_label`)."""
    if not results:
        return None
    action = results[0].action
    done = [r for r in results if r.outcome is Outcome.DONE]
    others = [r for r in results if r.outcome is not Outcome.DONE]
    severity = max((_SEVERITY.get(r.outcome, "error") for r in results), key=_RANK.__getitem__)
    lines = []
    if len(results) == 1 and done:
        who = labels.get(done[0].target) or safe_text(done[0].target)
        lines.append(f"{action.done.capitalize()}: {who}")
    elif done:
        lines.append(f"{action.done.capitalize()} {len(done)} of {plural(len(results))}."
                     if others else f"{action.done.capitalize()} {plural(len(done))}.")
    for result in others[:MAX_NOTICE_LINES]:
        who = labels.get(result.target) or safe_text(result.target)
        lines.append(f"{action.value.capitalize()} {who}: {result.message}")
    if len(others) > MAX_NOTICE_LINES:
        lines.append(f"… and {len(others) - MAX_NOTICE_LINES} more (see the log)")
    if any(isinstance(r.error, AuthError) for r in results):  # 401, or not sent after one
        lines.append(PASSWORD_HINT)
    return Notice("\n".join(lines), severity, _TIMEOUT[severity])


def start_notice(request: StartRequest, result: ActionResult) -> Notice:
    """What came of a start, in words: the line as asked, the new id or the answer."""
    line = safe_text(request.line)
    if result.outcome is Outcome.DONE:
        text = (f"Recording started on {line} ({request.mode.label}): "
                f"{safe_text(result.recording_id or '')}")
    else:
        text = f"Start recording {line}: {result.message}"
        if isinstance(result.error, AuthError):
            text += f"\n{PASSWORD_HINT}"
    severity = _SEVERITY.get(result.outcome, "error")
    return Notice(text, severity, _TIMEOUT[severity])


# ---------------------------------------------------------------------- start
@dataclass(frozen=True)
class StartRequest:
    """What the start dialog asks for: a device and/or a line, and the mode."""

    device_name: str = ""
    directory_number: str = ""
    mode: StartMode = StartMode.FORKING

    @property
    def line(self) -> str:
        """How the request names its line: the device name, else the number."""
        return self.device_name or self.directory_number


def start_request(device_name: str, directory_number: str,
                  mode: StartMode = StartMode.FORKING) -> StartRequest | str:
    """The start dialog's fields checked: a request, or what is wrong in words."""
    device_name, directory_number = device_name.strip(), directory_number.strip()
    if not device_name and not directory_number:
        return "Enter a device name or a directory number."
    for name, value in (("device name", device_name), ("directory number", directory_number)):
        if any(ch.isspace() or not ch.isprintable() for ch in value):
            return f"The {name} cannot contain spaces or control characters."
    return StartRequest(device_name, directory_number, mode)
