"""The one safe path for strings from the server to any screen or output.

Every string the server sends comes from the telephone network and is untrusted. It
goes through ``safe_text`` before it is drawn, printed or logged: control characters
(C0, DEL, C1) become visible symbols so no escape sequence reaches the terminal;
bidirectional overrides, isolates, zero-width and line-separator characters become
visible ``⟨U+XXXX⟩`` tags so they cannot reorder or split a row. Widgets then draw the
result as plain text (Segments, ``rich.text.Text``), never as markup, so ``[b]`` and
``@click`` stay literal.
"""

from __future__ import annotations

import re

# C0 and DEL have dedicated "control picture" glyphs (␛ for ESC, ␀ for NUL, …).
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}

# Everything of category Cc, Cf, Cs, Zl, Zp (format, controls, surrogates, separators).
# tests/test_safe_text.py checks this list against unicodedata for the whole range.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\ud800-\udfff\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    picture = _PICTURES.get(code)
    if picture:
        return picture
    return f"\u27e8U+{code:04X}\u27e9"


def safe_text(value: str) -> str:
    """``value`` with every control or invisible formatting character made visible."""
    if not _UNSAFE.search(value):
        return value
    return _UNSAFE.sub(_visible, value)
