"""The browser that the kiosk benchmark and the browser tests drive: Debian's Chromium,
headless, with nothing of its own running in the background to disturb a measurement.

A module of bench/ (not a package): scripts here import it by name, the tests after
putting bench/ on ``sys.path``.
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
