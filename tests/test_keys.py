"""The one list of keys (keys.py) against what the app and its widgets really bind."""

from livedash.app import LiveDashApp
from livedash.keys import KEYS, keys_for
from livedash.widgets.filter_bar import FilterBar
from livedash.widgets.recordings_table import RecordingsTable
from livedash.widgets.search_bar import SearchBar


def bound_keys(*classes) -> set[str]:
    keys = set()
    for cls in classes:
        for binding in cls.BINDINGS:
            keys.update(key.strip() for key in binding.key.split(","))
    return keys


def test_every_key_the_dashboard_binds_is_in_the_help():
    documented = {key for entry in KEYS for key in entry.bound}
    # shift+s is how some terminals report S: the same key
    bound = bound_keys(LiveDashApp, RecordingsTable, FilterBar, SearchBar)
    missing = bound - documented - {"shift+s"}
    assert not missing, f"keys bound but not in keys.KEYS: {sorted(missing)}"


def test_the_help_names_no_key_that_nothing_binds():
    bound = bound_keys(LiveDashApp, RecordingsTable, FilterBar, SearchBar) | {"ctrl+p"}  # Textual's
    phantom = {key for entry in KEYS for key in entry.bound} - bound
    assert not phantom, f"keys.KEYS documents unbound keys: {sorted(phantom)}"


def test_kiosk_help_lists_exactly_the_keys_that_work_there():
    assert [entry.keys for entry in keys_for(kiosk=True)] == ["?", "q  Ctrl-C"]
    # the app's check_action lets these actions through in kiosk: their keys, no others
    working = {key for binding in LiveDashApp.BINDINGS
               if binding.action in LiveDashApp._KIOSK_ACTIONS
               for key in binding.key.split(",")}
    assert {key for entry in keys_for(kiosk=True) for key in entry.bound} == working
    everything = keys_for(kiosk=False)
    assert len(everything) == len(KEYS) and everything[0].keys == "↑ ↓"


def test_the_action_keys_are_listed_only_when_actions_are_on():
    off = {entry.keys for entry in KEYS} - {entry.keys for entry in keys_for(
        kiosk=False, actions=False)}
    assert off == {"space", "P", "R", "X", "N"}
    assert all(entry.action for entry in KEYS if entry.keys in off)
