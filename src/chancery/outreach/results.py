"""Results of posts and campaigns: engagement totals, over time, by platform, by language and by region.

Reads the engagement readings (:class:`~chancery.outreach.content_models.EngagementSnapshot`) of the
copies a post has on each account. A copy's figures are its latest reading; over time, each day shows the
sum of every copy's latest reading up to that day (a copy without a reading yet counts nothing).

* By language: the language of the version the account publishes (each account posts in one language).
* By region: only where the platform reports the audience's regions; Mastodon and Bluesky report none, so
  the results name the platforms without regional data instead of guessing. Reach (impressions) likewise:
  ``None`` where no platform reported it, and ``reach_unreported`` names the platforms left out of a sum
  (X reports impressions where the token may read them, Facebook the post's unique reach).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from chancery.outreach import selectors
from chancery.outreach.content_models import EngagementSnapshot, SocialReply
from chancery.outreach.enums import TargetState
from chancery.outreach.models import Campaign, Post, Target
from chancery.platform import access
from chancery.platform.actor import Actor

MAX_DAYS = 90


@dataclass(slots=True)
class Totals:
    """Summed figures; ``reach`` is None when no copy's platform reported it."""

    likes: int = 0
    reposts: int = 0
    replies: int = 0
    quotes: int = 0
    reach: int | None = None
    copies: int = 0

    @property
    def interactions(self) -> int:
        """Likes, reposts, replies and quotes together."""
        return self.likes + self.reposts + self.replies + self.quotes

    def add(self, reading: EngagementSnapshot | None) -> None:
        """Add one copy's reading (None: a copy without a reading yet)."""
        self.copies += 1
        if reading is None:
            return
        self.likes += reading.likes
        self.reposts += reading.reposts
        self.replies += reading.replies
        self.quotes += reading.quotes or 0
        if reading.reach is not None:
            self.reach = (self.reach or 0) + reading.reach


@dataclass(slots=True)
class Group:
    """Figures of one platform, language or region."""

    key: str
    totals: Totals = field(default_factory=Totals)


@dataclass(frozen=True, slots=True)
class DayPoint:
    """The sum of every copy's latest reading up to the end of ``day``."""

    day: date
    likes: int
    reposts: int
    replies: int
    quotes: int


@dataclass(slots=True)
class PostLine:
    """One post of a campaign with its totals."""

    post: Post
    totals: Totals


@dataclass(slots=True)
class Results:
    """Everything the results page and API show."""

    totals: Totals
    by_platform: list[Group]
    by_language: list[Group]
    by_region: list[Group]
    regions_unreported: list[str]
    over_time: list[DayPoint]
    replies_imported: int
    replies_sent: int
    last_read_at: object = None
    posts: list[PostLine] = field(default_factory=list)
    reach_unreported: list[str] = field(default_factory=list)


def _latest(readings: Iterable[EngagementSnapshot]) -> dict[int, EngagementSnapshot]:
    latest: dict[int, EngagementSnapshot] = {}
    for reading in readings:
        latest[reading.target_id] = reading  # ordered by time: the last one wins
    return latest


def _over_time(targets: list[Target], readings: list[EngagementSnapshot]) -> list[DayPoint]:
    if not readings:
        return []
    days = sorted({timezone.localdate(r.taken_at) for r in readings})
    first = max(days[0], days[-1] - timedelta(days=MAX_DAYS - 1))
    current: dict[int, EngagementSnapshot] = {}
    pending = iter(readings)
    upcoming = next(pending, None)
    points = []
    day = days[0]
    while day <= days[-1]:
        while upcoming is not None and timezone.localdate(upcoming.taken_at) <= day:
            current[upcoming.target_id] = upcoming
            upcoming = next(pending, None)
        if day >= first:
            shown = [current[t.pk] for t in targets if t.pk in current]
            points.append(
                DayPoint(
                    day=day,
                    likes=sum(r.likes for r in shown),
                    reposts=sum(r.reposts for r in shown),
                    replies=sum(r.replies for r in shown),
                    quotes=sum(r.quotes or 0 for r in shown),
                )
            )
        day += timedelta(days=1)
    return points


def _results(posts: list[Post]) -> Results:
    targets = list(
        Target.objects.filter(post__in=posts, state=TargetState.PUBLISHED).select_related("account").order_by("pk")
    )
    readings = list(EngagementSnapshot.objects.filter(target__in=targets).order_by("taken_at", "pk"))
    latest = _latest(readings)
    totals = Totals()
    platforms: dict[str, Group] = {}
    languages: dict[str, Group] = {}
    regions: dict[str, Group] = defaultdict(lambda: Group(key=""))
    unreported: set[str] = set()
    reach_unreported: set[str] = set()
    per_post: dict[int, Totals] = {post.pk: Totals() for post in posts}
    for target in targets:
        reading = latest.get(target.pk)
        totals.add(reading)
        per_post[target.post_id].add(reading)
        platforms.setdefault(target.account.platform, Group(key=target.account.platform)).totals.add(reading)
        languages.setdefault(target.account.language, Group(key=target.account.language)).totals.add(reading)
        if reading is not None and reading.reach is None:
            reach_unreported.add(target.account.platform)
        if reading is not None and reading.regions:
            for region, count in reading.regions.items():
                group = regions[str(region)]
                group.key = str(region)
                group.totals.reach = (group.totals.reach or 0) + int(count)
        else:
            unreported.add(target.account.platform)
    replies = SocialReply.objects.filter(target__in=targets)
    return Results(
        totals=totals,
        by_platform=sorted(platforms.values(), key=lambda g: g.key),
        by_language=sorted(languages.values(), key=lambda g: g.key),
        by_region=sorted(regions.values(), key=lambda g: -(g.totals.reach or 0)),
        regions_unreported=sorted(unreported),
        over_time=_over_time(targets, readings),
        replies_imported=replies.count(),
        replies_sent=replies.filter(sent_at__isnull=False).count(),
        last_read_at=readings[-1].taken_at if readings else None,
        reach_unreported=sorted(reach_unreported),
        posts=[PostLine(post=post, totals=per_post[post.pk]) for post in posts],
    )


def post_results(*, actor: Actor, post_id: int) -> tuple[Post, Results]:
    """Return a post the actor may see and its results (NotFound otherwise)."""
    post = selectors.post_get(actor=actor, post_id=post_id)
    access.require(actor, "outreach.view", post)
    return post, _results([post])


def campaign_results(*, actor: Actor, campaign_id: int) -> tuple[Campaign, Results]:
    """Return a campaign of the actor's unit and the results of its posts the actor may see."""
    campaign, posts = selectors.campaign_get(actor=actor, campaign_id=campaign_id)
    return campaign, _results(list(posts.order_by("scheduled_for", "pk")))


def post_replies(*, actor: Actor, post: Post) -> list[SocialReply]:
    """Return the replies and mentions a post received, newest first (the actor must see the post)."""
    access.require(actor, "outreach.view", post)
    return list(SocialReply.objects.filter(target__post=post).select_related("account").order_by("-created_at", "pk"))
