"""The themes ``--theme`` accepts: Textual's own, and ``livedash-high-contrast``.

``livedash-high-contrast`` is made for a wall seen from across a room, often on a TV that
washes colours out: white on pure black, text at full strength (Textual's themes draw
ordinary text at 87 % and muted text at 60 %), saturated signal colours that differ in
lightness as well as hue (green live, yellow warning, red error: told apart in grey too),
and, where the kiosk has room, state symbols drawn large (``widgets/glance_panel.py``: the
app carries the class ``-theme-livedash-high-contrast``, Textual's own convention).

Imported by the command line only when ``--theme`` is given: Textual loads slowly, and
``--once`` never needs it.
"""

from __future__ import annotations

from textual.theme import BUILTIN_THEMES, Theme

HIGH_CONTRAST = "livedash-high-contrast"
DEFAULT_THEME = "textual-dark"  # Textual's default: what livedash shows without --theme

HIGH_CONTRAST_THEME = Theme(
    name=HIGH_CONTRAST,
    primary="#00A2FF",
    secondary="#FF66FF",
    accent="#00E5FF",
    warning="#FFD400",
    error="#FF3B3B",
    success="#00E060",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1C1C1C",
    dark=True,
    text_alpha=1.0,
    variables={
        "text": "#FFFFFF",
        "text-muted": "#D8D8D8",  # headings and hints stay readable, not grey on black
        "text-disabled": "#A0A0A0",
        "primary-muted": "#003A66",  # the header bar: white on deep blue
        "success-muted": "#005A20",  # a new row: white on deep green
        "warning-muted": "#5A4A00",  # a changed row: white on deep amber
        "error-muted": "#6A0000",
        "text-warning": "#FFD400",  # paused rows, at full strength
        "text-success": "#00E060",
        "text-error": "#FF5050",
        "block-cursor-background": "#FFFFFF",
        "block-cursor-foreground": "#000000",
        "footer-key-foreground": "#FFD400",
    },
)

THEMES: dict[str, Theme] = {**BUILTIN_THEMES, HIGH_CONTRAST: HIGH_CONTRAST_THEME}


def theme_names() -> list[str]:
    """Every name ``--theme`` accepts, livedash's first."""
    return [HIGH_CONTRAST, *sorted(BUILTIN_THEMES)]


def check_theme(name: str) -> str:
    """``name`` if it is a theme; a ValueError naming the choices if not."""
    if name in THEMES:
        return name
    raise ValueError(f"unknown theme {name[:60]!r} (one of: {', '.join(theme_names())})")
