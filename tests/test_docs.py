"""Every file the README, the docs and the docstrings point to exists in a checkout."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# A path inside the repository, not part of a longer path (~/.local/state/livedash/log/…)
POINTER = re.compile(r"(?<![\w/.$~%-])((?:livedash|tests|benchmarks|docs|styles|\.ci)/[\w./-]*\w)")
SOURCES = [REPO / "README.md", REPO / "benchmarks" / "README.md",
           *sorted(p for folder in ("livedash", "tests", "benchmarks", "docs")
                   for p in (REPO / folder).rglob("*.py"))]


def test_every_pointer_to_a_file_of_the_repository_resolves():
    broken = []
    for source in SOURCES:
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            for pointer in POINTER.findall(line):
                if not (REPO / pointer).exists():
                    broken.append(f"{source.relative_to(REPO)}:{number}: {pointer}")
    assert broken == []


def test_the_readme_points_to_no_file_outside_a_clone():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    outside = [line for line in readme.splitlines()
               if "../" in line and "beside a checkout" not in line]
    assert outside == []


async def test_the_readme_screenshot_shows_the_footer_the_dashboard_shows(demo_server):
    """docs/main-screen.svg is what a new user compares the screen with: its footer must
    name the keys the dashboard's footer names now (regenerate: docs/make_screenshot.py)."""
    import html

    from textual.widgets import Footer

    from livedash.app import LiveDashApp
    from livedash.clock import FixedClock

    from .conftest import settings_for, until

    svg = html.unescape((REPO / "docs" / "main-screen.svg").read_text(encoding="utf-8"))
    fragments = {text.replace("\xa0", " ").strip()
                 for text in re.findall(r">([^<>]+)</text>", svg)}
    app = LiveDashApp(settings_for(demo_server.url), clock=FixedClock())
    async with app.run_test(size=(150, 36)) as pilot:
        await until(app, lambda: app.store.has_data)
        await pilot.pause()
        footer = app.query_one(Footer)
        shown = [key.description for key in footer.query("FooterKey") if key.description]
        shown += [str(label.render()).strip() for label in footer.query("FooterLabel")]
    assert shown and [text for text in shown if text not in fragments] == []
