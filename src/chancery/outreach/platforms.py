"""The social platforms Chancery knows (pure: no Django)."""

from __future__ import annotations

from enum import StrEnum


class Platform(StrEnum):
    """A social platform; X and Facebook have limit checks but no publishing connector yet."""

    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    X = "x"
    FACEBOOK = "facebook"


PUBLISHABLE = frozenset({Platform.MASTODON, Platform.BLUESKY})
