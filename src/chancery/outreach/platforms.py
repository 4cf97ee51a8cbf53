"""The social platforms Chancery knows (pure: no Django)."""

from __future__ import annotations

from enum import StrEnum


class Platform(StrEnum):
    """A social platform Chancery publishes to."""

    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    X = "x"
    FACEBOOK = "facebook"


PUBLISHABLE = frozenset({Platform.MASTODON, Platform.BLUESKY, Platform.X, Platform.FACEBOOK})
