"""Naming a client from its User-Agent header: browser family and operating system, never the version.

"Firefox on Linux" stays the same across updates, so only a really new kind of client is news. Pure
function over outside input (property-tested); unknown agents become ``"Other on Other"``.
"""

from __future__ import annotations

import re

MAX_AGENT_LENGTH = 512

# Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
_BROWSERS = (
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Safari/")),
    ("curl", re.compile(r"^curl/")),
    ("Python", re.compile(r"python-requests|python-httpx|Python-urllib|aiohttp")),
)
_SYSTEMS = (
    ("Android", re.compile(r"Android")),
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux|X11")),
)


def client_family(user_agent: str) -> str:
    """Return ``"<browser> on <system>"`` for ``user_agent`` (at most 100 characters)."""
    agent = (user_agent or "")[:MAX_AGENT_LENGTH]
    browser = next((name for name, pattern in _BROWSERS if pattern.search(agent)), "Other")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(agent)), "Other")
    return f"{browser} on {system}"
