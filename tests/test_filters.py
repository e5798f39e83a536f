"""Issue #8 point 5: a blank filter is no filter, for the poller and the store alike."""

from livedash.app import LiveDashApp
from livedash.model import Filters

from .conftest import settings_for, until


async def test_a_blank_username_shows_every_recording(demo_server):
    # `--username " "`: the poller asked unfiltered, the store waited for answers to
    # username=" " and dropped every one: "… LOADING" for good.
    app = LiveDashApp(settings_for(demo_server.url, filters=Filters(username=" ")))
    async with app.run_test(size=(120, 30)):
        await until(app, lambda: app.store.has_data)
        assert app.store.filters == app.poller.filters == Filters()
        assert len(app.store.records) == len(demo_server.floor)
        assert demo_server.requests[-1].query_string == ""
