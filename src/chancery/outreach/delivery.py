"""Sending one post to one account: its images, its link card and, for a thread, each part as a reply.

Called by :mod:`chancery.outreach.publishing` outside any transaction, for a claimed target. A plain
post is one ``publish`` call with the target's idempotency key. A thread is published part by part as a
reply chain (Mastodon ``in_reply_to_id``; Bluesky ``reply`` with root and parent strong references):

* each part has its own idempotency key derived from the target's (part 1 uses the target's own key;
  part *n* adds *n*-1 to the TID, still a valid, distinct record key), so a retry after a time-out
  finds the part instead of posting it again;
* each confirmed part is recorded at once (:class:`~chancery.outreach.content_models.TargetPart`, its own
  small write), so a retry after a failure in the middle continues the thread from where it stopped.

Images go with the first part, with the alt text in the account's language; the card too (Bluesky embeds
it when there are no images; Mastodon ignores it and builds its own).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, cast

from chancery.outreach.connectors.base import Connector, Published
from chancery.outreach.connectors.bluesky import TID_ALPHABET
from chancery.outreach.connectors.content import CARDS, THREADS, LinkCard, ReplyTo, features_of
from chancery.outreach.connectors.errors import Rejected
from chancery.outreach.connectors.media import MediaFile
from chancery.outreach.content import thread_texts
from chancery.outreach.content_models import PostLinkCard, TargetPart
from chancery.outreach.limits import limit_check
from chancery.outreach.models import Target


class RichConnector(Protocol):
    """A connector whose ``publish`` also takes a reply reference and a link card (``features``)."""

    def publish(
        self,
        *,
        text: str,
        language: str,
        idempotency_key: str,
        media: Sequence[MediaFile] = (),
        reply_to: ReplyTo | None = None,
        card: LinkCard | None = None,
    ) -> Published:
        """Publish once per key, fetch back, return (see the Mastodon and Bluesky connectors)."""
        ...


def part_key(key: str, position: int) -> str:
    """Return the idempotency key of thread part ``position`` (1 = the target's own key).

    A 13-character TID key gets ``position - 1`` added to its value (a valid, distinct TID, sorted after
    the first); any other key gets ``-<position>`` appended.
    """
    if position == 1:
        return key
    value = tid_value(key)
    if value is None:
        return f"{key}-{position}"
    value = (value + position - 1) & ((1 << 63) - 1)
    return "".join(TID_ALPHABET[(value >> (5 * (12 - i))) & 31] for i in range(13))


def tid_value(key: str) -> int | None:
    """Return the integer a 13-character AT Protocol TID encodes (None when ``key`` is not one)."""
    if len(key) != 13 or any(char not in TID_ALPHABET for char in key):
        return None
    value = 0
    for char in key:
        value = value * 32 + TID_ALPHABET.index(char)
    return value


def _card(target: Target) -> LinkCard | None:
    row = PostLinkCard.objects.filter(post_id=target.post_id).first()
    if row is None:
        return None
    thumb = MediaFile(bytes(row.thumb), row.thumb_mime, row.title or row.url) if row.thumb else None
    return LinkCard(url=row.url, title=row.title, description=row.description, thumb=thumb)


def target_deliver(connector: Connector, target: Target) -> Published:
    """Publish the target's post (images, card, thread parts) on its account; return the first part.

    Needs a claimed target with its post and account. Raises ConnectorError (Rejected when a part is
    over the platform's limit or the platform has no threads); records each published part of a thread.
    """
    account = target.account
    language = account.language
    texts = thread_texts(target.post, language)
    media = [
        MediaFile(bytes(row.data), row.mime_type, row.alt(language)) for row in target.post.media.order_by("position")
    ]
    features = features_of(connector)
    card = _card(target) if CARDS in features else None
    for number, text in enumerate(texts, start=1):
        check = limit_check(account.platform, text, max_characters=account.max_characters)
        if not check.ok:
            msg = f"{account.platform}: part {number} is {check.length}/{check.limit} {check.unit}"
            raise Rejected(msg)
    if len(texts) == 1 and card is None:
        return connector.publish(text=texts[0], language=language, idempotency_key=target.idempotency_key, media=media)
    if len(texts) > 1 and THREADS not in features:
        msg = f"{account.platform}: threads are not published on this platform"
        raise Rejected(msg)
    rich = cast("RichConnector", connector)
    done = {part.position: part for part in TargetPart.objects.filter(target=target)}
    first: Published | None = None
    previous: Published | None = None
    for position, text in enumerate(texts, start=1):
        stored = done.get(position)
        if stored is not None:
            published = Published(remote_id=stored.remote_id, url=stored.url, text=text, cid=stored.cid)
        else:
            reply_to = (
                ReplyTo(
                    root_id=first.remote_id, root_cid=first.cid, parent_id=previous.remote_id, parent_cid=previous.cid
                )
                if first is not None and previous is not None
                else None
            )
            published = rich.publish(
                text=text,
                language=language,
                idempotency_key=part_key(target.idempotency_key, position),
                media=media if position == 1 else (),
                reply_to=reply_to,
                card=card if position == 1 else None,
            )
            if len(texts) > 1:
                TargetPart.objects.update_or_create(
                    target=target,
                    position=position,
                    defaults={"remote_id": published.remote_id, "cid": published.cid, "url": published.url},
                )
        first = first or published
        previous = published
    assert first is not None
    return first
