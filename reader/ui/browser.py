"""Starting the reader's web browser on a link, and saying why not when it cannot start.

`webbrowser.open` answers only True or False, and falls back on text browsers (lynx, w3m...) that
would take over the terminal the app is drawn on; this picks the browser first and refuses those.
"""

from __future__ import annotations

import webbrowser

from reader.text.i18n import _

IN_TERMINAL = frozenset({"www-browser", "links", "links2", "elinks", "lynx", "w3m", "browsh"})
"""Browsers that run in the terminal (the app's own), which Python's `webbrowser` may choose."""


def start_browser(url: str) -> str | None:
    """Open `url` in the web browser; None when it started, else why not (one line)."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return _("no web browser was found (set BROWSER to one)")
    name = getattr(browser, "name", "") or type(browser).__name__
    if name.rsplit("/", 1)[-1] in IN_TERMINAL:
        return _("the only browser found, {name}, would run in this terminal").format(name=name)
    try:
        started = browser.open(url)
    except (OSError, webbrowser.Error) as error:
        return f"{name}: {error}"
    return None if started else _("{name} did not start").format(name=name)
