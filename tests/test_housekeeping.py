"""Housekeeping: a dialog opened and closed leaves nothing of itself behind."""

import gc
import weakref

from livedash.app import LiveDashApp
from livedash.housekeeping import housekeeping
from livedash.widgets.screens import DetailsScreen

from .conftest import settings_for, until


async def test_closed_dialogs_are_released(demo_server):
    app = LiveDashApp(settings_for(demo_server.url, interval=3600))
    async with app.run_test(size=(140, 30)) as pilot:
        await until(app, lambda: app.table.row_count > 0)
        widgets, caches = [], []
        for _ in range(3):
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DetailsScreen)
            for node in (screen, *screen.walk_children()):
                widgets.append(weakref.ref(node))
                caches.append(weakref.ref(node._styles_cache))
            await pilot.press("escape")
            await pilot.pause()
        assert not isinstance(app.screen, DetailsScreen)
        del screen, node

        housekeeping(app)
        gc.collect()
        assert len(caches) > 6
        assert [ref() for ref in widgets if ref() is not None] == []
        # Textual #6665: without housekeeping these stay pinned by an lru_cache
        assert sum(ref() is not None for ref in caches) == 0
