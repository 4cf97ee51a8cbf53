"""Engagement read back from the platforms on a schedule, and replies sent to the intelligence pipeline.

``outreach.engagement`` (:mod:`chancery.outreach.schedules`) runs :func:`engagement_import` as the system
actor every ``CHANCERY_OUTREACH_ENGAGEMENT_MINUTES``: for each copy published in the last
``CHANCERY_OUTREACH_ENGAGEMENT_DAYS`` on a platform whose connector reads engagement, it stores a reading
of the counts (Mastodon: favourites, reblogs, replies from ``GET /api/v1/statuses/:id``; Bluesky: likes,
reposts, replies, quotes from ``app.bsky.feed.getPostThread``) and the replies below the post; for each
such account it reads the newest mentions. A thread's counts are those of its first post. X: likes,
reposts, replies, quotes from ``GET /2/tweets?ids=`` and impressions (the reach) where the token may read
``non_public_metrics``; replies from a ``conversation_id`` search, mentions from ``/2/users/:id/mentions``.
Facebook Pages: reactions, comments and shares of the post, the reach from its
``post_impressions_unique`` insight, its comments as replies and the posts the page is tagged in as
mentions.

Mastodon and Bluesky do not report reach (impressions), and no platform reports where a post's audience
is, so those readings have no reach or no regions: the results say so instead of estimating.

A press officer sends replies and mentions to the intelligence pipeline (:func:`replies_send`) as social
posts, through :func:`chancery.intelligence.services.items_ingest` (enriched like any other item, with the
source ``outreach:<platform>:<handle>``); with ``CHANCERY_OUTREACH_REPLIES_TO_INTELLIGENCE`` on, every new
reply and mention is sent by the import itself.

Connector calls run outside any transaction; each target's reading is written in its own transaction. A
failing account (revoked credentials, rate limit, platform error) is skipped and audited, the rest go on.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.enums import Outcome
from chancery.audit.services import audit_record
from chancery.outreach.connectors import connector_for
from chancery.outreach.connectors.content import ENGAGEMENT, Counts, SocialPost, features_of
from chancery.outreach.connectors.errors import ConnectorError, Rejected
from chancery.outreach.content_models import EngagementSnapshot, SocialReply, TargetPart
from chancery.outreach.enums import TargetState
from chancery.outreach.models import Account, Post, Target
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied

if TYPE_CHECKING:
    from chancery_analytics.ingest.base import RawItem

MAX_SEND = 200


class EngagementReader(Protocol):
    """A connector that reads engagement (``features`` includes ``engagement``)."""

    def counts(self, remote_id: str) -> Counts:
        """Return the post's counts now."""
        ...

    def replies(self, remote_id: str) -> list[SocialPost]:
        """Return the replies below the post."""
        ...

    def mentions(self, *, limit: int = 40) -> list[SocialPost]:
        """Return the account's newest mentions."""
        ...


@dataclass(slots=True)
class ImportResult:
    """What one import run did: readings stored, replies and mentions new, posts gone, accounts that failed."""

    readings: int = 0
    replies: int = 0
    gone: int = 0
    failed_accounts: list[int] = field(default_factory=list)
    new_reply_ids: list[int] = field(default_factory=list)


def _reader(actor: Actor, account: Account) -> EngagementReader | None:
    from chancery.outreach.account_services import account_credentials_current

    connector = connector_for(
        account.platform,
        base_url=account.base_url,
        credentials=account_credentials_current(actor=actor, account=account),
        web_base=account.web_base_url,
        timeout=float(settings.OUTREACH_CONNECTOR_TIMEOUT_SECONDS),
    )
    return cast("EngagementReader", connector) if ENGAGEMENT in features_of(connector) else None


def _store_replies(account: Account, found: list[SocialPost], targets: dict[str, Target]) -> list[int]:
    """Store replies and mentions not seen before; return the new rows' ids."""
    new = []
    known = set(
        SocialReply.objects.filter(account=account, remote_id__in=[p.remote_id for p in found]).values_list(
            "remote_id", flat=True
        )
    )
    for post in found:
        if post.remote_id in known or post.remote_id in targets:  # our own thread parts are not replies
            continue
        known.add(post.remote_id)
        try:
            with transaction.atomic():
                row = SocialReply.objects.create(
                    account=account,
                    target=targets.get(post.in_reply_to),
                    kind=post.kind,
                    remote_id=post.remote_id[:600],
                    author=post.author[:300],
                    text=post.text,
                    url=post.url[:600],
                    language=(post.language or "")[:12],
                    created_at=post.created_at,
                )
        except IntegrityError:  # stored meanwhile by a concurrent run
            continue
        new.append(row.pk)
    return new


def _account_import(actor: Actor, account: Account, targets: list[Target], result: ImportResult, now: datetime) -> None:
    reader = _reader(actor, account)
    if reader is None:
        return
    by_remote: dict[str, Target] = {t.remote_id: t for t in targets}
    for part in TargetPart.objects.filter(target__in=targets).select_related("target"):
        by_remote.setdefault(part.remote_id, part.target)
    found: list[SocialPost] = []
    for target in targets:
        try:
            counts = reader.counts(target.remote_id)
            # A reply to a reply belongs to the same post: keep the link to our copy.
            found.extend(
                reply if reply.in_reply_to in by_remote else dataclasses.replace(reply, in_reply_to=target.remote_id)
                for reply in reader.replies(target.remote_id)
            )
        except Rejected:  # this post is gone from the platform (deleted there): the others are still read
            result.gone += 1
            continue
        with transaction.atomic():
            EngagementSnapshot.objects.create(
                target=target,
                taken_at=now,
                likes=counts.likes,
                reposts=counts.reposts,
                replies=counts.replies,
                quotes=counts.quotes,
                reach=counts.reach,
                regions=counts.regions,
            )
        result.readings += 1
    found.extend(reader.mentions())
    new = _store_replies(account, found, by_remote)
    result.replies += len(new)
    result.new_reply_ids.extend(new)


def engagement_import(*, actor: Actor, now: datetime | None = None) -> ImportResult:
    """Read counts, replies and mentions of recently published copies from their platforms.

    Needs the system actor (the worker). Stores one :class:`EngagementSnapshot` per published copy and the
    new replies and mentions; skips an account whose platform fails (audited
    ``outreach.engagement_failed`` with the error code). Emits ``outreach.engagement_imported`` (counts
    only) and, with ``CHANCERY_OUTREACH_REPLIES_TO_INTELLIGENCE``, sends the new replies to intelligence.
    """
    if not actor.is_system:
        raise PermissionDenied
    now = now or timezone.now()
    since = now - timedelta(days=settings.OUTREACH_ENGAGEMENT_DAYS)
    published = (
        Target.objects.filter(state=TargetState.PUBLISHED, published_at__gte=since, account__is_active=True)
        .exclude(remote_id="")
        .select_related("account")
        .order_by("account_id", "pk")
    )
    by_account: dict[int, list[Target]] = {}
    for target in published:
        by_account.setdefault(target.account_id, []).append(target)
    result = ImportResult()
    for targets in by_account.values():
        account = targets[0].account
        try:
            _account_import(actor, account, targets, result, now)
        except ConnectorError as error:
            result.failed_accounts.append(account.pk)
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action="outreach.engagement_failed",
                    outcome=Outcome.FAILURE,
                    object_type="outreach.account",
                    object_id=account.pk,
                    detail={"platform": account.platform, "error": error.code},
                )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="outreach.engagement_imported",
            object_type="outreach.engagement",
            object_id="",
            detail={
                "readings": result.readings,
                "replies": result.replies,
                "gone": result.gone,
                "failed": len(result.failed_accounts),
            },
        )
    if settings.OUTREACH_REPLIES_TO_INTELLIGENCE and result.new_reply_ids:
        _send(actor, SocialReply.objects.filter(pk__in=result.new_reply_ids))
    return result


def _raw(reply: SocialReply) -> RawItem:
    from chancery_analytics.ingest.base import RawItem

    text = reply.text.strip()
    return RawItem(
        source=f"outreach:{reply.account.platform}:{reply.account.handle}",
        kind="social",
        external_id=reply.remote_id,
        url=reply.url or None,
        title=text[:120],
        text=text,
        published=reply.created_at,
        lang=reply.language or None,
        author=reply.author,
        extra={"outreach": reply.kind, "account": reply.account.handle},
    )


def _send(actor: Actor, replies: QuerySet[SocialReply]) -> int:
    """Ingest each reply as a social post (as the system actor); record the item id; return how many."""
    from chancery.intelligence.services import items_ingest

    system = actor if actor.is_system else Actor.system(purpose="outreach.replies")
    sent = 0
    for reply in replies.select_related("account"):
        if reply.sent_at is not None:
            continue
        outcome = items_ingest(actor=system, items=[_raw(reply)])
        reply.intelligence_item_id = outcome.stored[0] if outcome.stored else None
        reply.sent_at = timezone.now()
        reply.save(update_fields=["intelligence_item_id", "sent_at"])
        sent += 1
    return sent


def replies_send(*, actor: Actor, post_id: int, reply_ids: list[int] | None = None) -> int:
    """Send a post's replies and mentions (all not yet sent, or ``reply_ids``) to the intelligence pipeline.

    Needs ``outreach.engagement_send`` on the post (press officers and administrators of its unit).
    Each becomes a social item through the intelligence service (enriched, de-duplicated); re-sending is
    a no-op. Emits ``outreach.replies_sent`` (count only). Returns the number sent.
    """
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        raise NotFound
    access.require(actor, "outreach.view", post)
    access.require(actor, "outreach.engagement_send", post)
    replies = SocialReply.objects.filter(target__post=post, sent_at__isnull=True)
    if reply_ids is not None:
        if not reply_ids or len(reply_ids) > MAX_SEND:
            raise InvalidInput(
                _("Choose the replies to send."), errors={"reply_ids": [_("Between 1 and 200 replies.")]}
            )
        replies = replies.filter(pk__in=reply_ids)
    sent = _send(actor, replies)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="outreach.replies_sent",
            object_type="outreach.post",
            object_id=post.pk,
            detail={"sent": sent},
        )
    return sent
