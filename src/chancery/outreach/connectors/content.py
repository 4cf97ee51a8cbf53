"""What a post carries besides its text, and what comes back from the platform (pure: no Django).

* :class:`ReplyTo`: the post a thread's next part answers (Mastodon ``in_reply_to_id``; Bluesky's
  ``reply`` with ``root`` and ``parent`` strong references, each an at-URI and a CID).
* :class:`LinkCard`: a link preview. Bluesky embeds it as ``app.bsky.embed.external`` (title, description,
  thumbnail blob); Mastodon builds its own card from the first link in the text, so it is not sent there.
* :class:`Counts` and :class:`SocialPost`: engagement read back (likes, reposts, replies, quotes; ``reach``
  only where the platform reports it) and the replies and mentions a post received.

Connectors that publish threads and cards and read engagement say so in ``features``
(:data:`THREADS`, :data:`CARDS`, :data:`ENGAGEMENT`); :func:`features_of` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from chancery.outreach.connectors.media import MediaFile

THREADS = "threads"
CARDS = "cards"
ENGAGEMENT = "engagement"


def features_of(connector: object) -> frozenset[str]:
    """Return what a connector supports beyond publishing one text (empty for one that says nothing)."""
    found: object = getattr(connector, "features", None)
    return frozenset(str(name) for name in found) if isinstance(found, frozenset) else frozenset()


@dataclass(frozen=True, slots=True)
class ReplyTo:
    """The thread's first post (root) and the post answered (parent): platform id and, on Bluesky, CID."""

    root_id: str
    parent_id: str
    root_cid: str = ""
    parent_cid: str = ""


@dataclass(frozen=True, slots=True)
class LinkCard:
    """A link preview: the address, its title and description, and an optional thumbnail image."""

    url: str
    title: str
    description: str
    thumb: MediaFile | None = None


@dataclass(frozen=True, slots=True)
class Counts:
    """Engagement on one published post as the platform reports it now (``None``: not reported)."""

    likes: int
    reposts: int
    replies: int
    quotes: int | None = None
    reach: int | None = None
    regions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SocialPost:
    """A reply to or a mention of the ministry's account, as published by someone else."""

    remote_id: str
    kind: str  # "reply" or "mention"
    author: str
    text: str
    url: str
    created_at: datetime | None
    language: str | None
    in_reply_to: str = ""
    extra: dict[str, object] = field(default_factory=dict)
