"""API for results and replies (registered on the outreach router, ``/api/v1/outreach``).

Per-post and per-campaign results (totals, by platform, by language, by region where reported, over
time), the replies and mentions a post received, and sending them to the intelligence pipeline.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Schema

from chancery.outreach import engagement, results, selectors
from chancery.outreach.api import ERRORS, NOT_FOUND, router
from chancery.platform.api.auth import request_actor


class TotalsOut(Schema):
    """Summed engagement; ``reach`` is null where no platform reported it."""

    likes: int
    reposts: int
    replies: int
    quotes: int
    reach: int | None
    copies: int = Field(description="published copies (one per platform account) counted")


class GroupOut(Schema):
    """Figures of one platform, language (of the version) or region (ISO code, as reported)."""

    key: str
    totals: TotalsOut


class DayOut(Schema):
    """Sum of every copy's latest reading up to the end of the day."""

    day: date
    likes: int
    reposts: int
    replies: int
    quotes: int


class PostLineOut(Schema):
    """One post of a campaign with its totals."""

    post_id: int
    title: str
    totals: TotalsOut


class ResultsOut(Schema):
    """Results of a post or a campaign."""

    totals: TotalsOut
    by_platform: list[GroupOut]
    by_language: list[GroupOut]
    by_region: list[GroupOut]
    regions_unreported: list[str] = Field(description="platforms whose copies report no audience regions")
    reach_unreported: list[str] = Field(
        default_factory=list, description="platforms whose copies report no reach (left out of the reach totals)"
    )
    over_time: list[DayOut]
    replies_imported: int
    replies_sent: int
    last_read_at: datetime | None
    posts: list[PostLineOut]


class ReplyOut(Schema):
    """A reply to or mention of a published post."""

    id: int
    kind: str
    platform: str = Field(alias="account.platform")
    author: str
    text: str
    url: str
    language: str
    created_at: datetime | None
    sent_at: datetime | None
    intelligence_item_id: int | None


class RepliesSendIn(Schema):
    """Which replies to send (all not yet sent when omitted)."""

    reply_ids: list[int] | None = Field(default=None, max_length=200)


class RepliesSentOut(Schema):
    """How many replies went to the intelligence pipeline."""

    sent: int


def _totals(totals: results.Totals) -> TotalsOut:
    return TotalsOut(
        likes=totals.likes,
        reposts=totals.reposts,
        replies=totals.replies,
        quotes=totals.quotes,
        reach=totals.reach,
        copies=totals.copies,
    )


def results_out(found: results.Results, *, with_posts: bool) -> ResultsOut:
    """Serialise results (``with_posts`` for a campaign's post lines)."""
    return ResultsOut(
        totals=_totals(found.totals),
        by_platform=[GroupOut(key=g.key, totals=_totals(g.totals)) for g in found.by_platform],
        by_language=[GroupOut(key=g.key, totals=_totals(g.totals)) for g in found.by_language],
        by_region=[GroupOut(key=g.key, totals=_totals(g.totals)) for g in found.by_region],
        regions_unreported=found.regions_unreported,
        reach_unreported=found.reach_unreported,
        over_time=[
            DayOut(day=p.day, likes=p.likes, reposts=p.reposts, replies=p.replies, quotes=p.quotes)
            for p in found.over_time
        ],
        replies_imported=found.replies_imported,
        replies_sent=found.replies_sent,
        last_read_at=found.last_read_at if isinstance(found.last_read_at, datetime) else None,
        posts=[
            PostLineOut(post_id=line.post.pk, title=line.post.title, totals=_totals(line.totals))
            for line in found.posts
        ]
        if with_posts
        else [],
    )


@router.get("/posts/{post_id}/results", response={200: ResultsOut, **NOT_FOUND}, operation_id="outreach_post_results")
def post_results(request: HttpRequest, post_id: int) -> ResultsOut:
    """Return a post's engagement: totals, by platform, language and region (where reported), over time."""
    _post, found = results.post_results(actor=request_actor(request), post_id=post_id)
    return results_out(found, with_posts=False)


@router.get(
    "/campaigns/{campaign_id}/results",
    response={200: ResultsOut, **NOT_FOUND},
    operation_id="outreach_campaign_results",
)
def campaign_results(request: HttpRequest, campaign_id: int) -> ResultsOut:
    """Return a campaign's engagement over the posts the caller may see, with each post's totals."""
    _campaign, found = results.campaign_results(actor=request_actor(request), campaign_id=campaign_id)
    return results_out(found, with_posts=True)


@router.get(
    "/posts/{post_id}/replies", response={200: list[ReplyOut], **NOT_FOUND}, operation_id="outreach_post_replies"
)
def post_replies(request: HttpRequest, post_id: int) -> list[object]:
    """List the replies and mentions a published post received (imported from the platforms)."""
    actor = request_actor(request)
    return list(results.post_replies(actor=actor, post=selectors.post_get(actor=actor, post_id=post_id)))


@router.post(
    "/posts/{post_id}/replies/send",
    response={200: RepliesSentOut, **NOT_FOUND, **ERRORS},
    operation_id="outreach_post_replies_send",
)
def replies_send(request: HttpRequest, post_id: int, payload: RepliesSendIn) -> RepliesSentOut:
    """Send the post's replies and mentions to the intelligence pipeline as social posts (press office)."""
    sent = engagement.replies_send(actor=request_actor(request), post_id=post_id, reply_ids=payload.reply_ids)
    return RepliesSentOut(sent=sent)
