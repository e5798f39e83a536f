"""``livedash serve``: the kiosk view in a browser, for a wallboard.

- ``command``: the command line, the start banner, the server's lifetime.
- ``access``: the access token (URL once, then an HttpOnly SameSite=Strict cookie).
- ``viewer``: each viewer's argv and environment (password in the environment only).
- ``viewer_entry``: a viewer's entry point (it ends with the serve process, on Linux).
- ``viewer_process``: textual-serve's process handling, without a shell (the one module
  that touches textual-serve's internals).
- ``server``: the aiohttp routes, the viewer limit, the self-reconnecting page
  (``assets/``).
- ``testing``: helpers for tests and docs scripts (loopback wallboard, frames, TCP proxy,
  chromium).
"""
