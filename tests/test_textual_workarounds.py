"""Each workaround of livedash/textual_workarounds.py, on the installed Textual.

Two kinds of test: that each still finds the private API it patches (when Textual
changes, these fail and say which), and livedash's own behaviour, which must hold whether
or not Textual still has the bug worked around.
"""

from __future__ import annotations

import logging

from textual.app import App, ComposeResult
from textual.reactive import reactive
from textual.widget import Widget

from livedash import textual_workarounds as tw


def test_every_workaround_finds_what_it_patches_on_the_installed_textual():
    missing = [w.name for w in tw.WORKAROUNDS if not w.finds_its_target()]
    assert missing == []


def test_the_installed_textual_is_one_the_workarounds_were_checked_on():
    """After upgrading Textual: run these tests and benchmarks/soak.py, then add the
    version to CHECKED_ON (or fix the workaround that no longer fits)."""
    assert tw.installed_textual() in tw.CHECKED_ON
    assert tw.check_installed_textual() == []


def test_another_textual_version_is_logged_at_start_up(caplog):
    with caplog.at_level(logging.WARNING, logger="livedash"):
        problems = tw.check_installed_textual("99.0.0")
    assert len(problems) == len(tw.WORKAROUNDS)
    assert all("not on the installed 99.0.0" in p for p in problems)
    assert [r.getMessage() for r in caplog.records] == problems


def test_a_workaround_that_no_longer_finds_its_target_is_logged(monkeypatch):
    gone = tw.Workaround("example", "App._nothing", tw.CHECKED_ON, lambda: False)
    monkeypatch.setattr(tw, "WORKAROUNDS", (gone,))
    (problem,) = tw.check_installed_textual()
    assert "no longer finds App._nothing" in problem and "it does nothing" in problem


class Watched(App):
    value = reactive(0)

    def compose(self) -> ComposeResult:
        yield Watcher(id="short-lived")
        yield Watcher(id="long-lived")


class Watcher(Widget):
    def on_mount(self) -> None:
        self.seen: list[int] = []
        self.watch(self.app, "value", self._value_changed, init=False)

    def _value_changed(self, value: int) -> None:
        self.seen.append(value)


async def test_dead_watchers_are_pruned_and_live_ones_kept():
    app = Watched()
    async with app.run_test() as pilot:
        short, long = app.query_one("#short-lived"), app.query_one("#long-lived")
        # what the workaround edits: (owner, callback) pairs on the watched node
        owners = [owner for owner, _ in getattr(app, "__watchers")["value"]]
        assert short in owners and long in owners
        await short.remove()
        await pilot.pause()
        tw.prune_dead_watchers(app)
        owners = [owner for owner, _ in getattr(app, "__watchers")["value"]]
        assert owners == [long]  # whether Textual pruned it or we did
        app.value = 5
        await pilot.pause()
        assert long.seen[-1] == 5  # the live watcher still works


async def test_style_cache_pins_are_released():
    from textual._styles_cache import StylesCache

    app = Watched()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert tw.clear_style_cache_pins() is True
        assert StylesCache.get_inner_outer.cache_info().currsize == 0
