"""Reads on outreach.

Posts the actor may see, the approval queue, the week's calendar, accounts, previews, and the ministry's
public statements.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet

from chancery.outreach.enums import PostState
from chancery.outreach.links import link_id_from, link_void_reason
from chancery.outreach.models import Account, ApprovalLink, Campaign, Evidence, Post, Template
from chancery.outreach.previews import Preview, TargetSpec, previews_build
from chancery.outreach.workflow import StepStatus, step_statuses
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound, PermissionDenied

PUBLIC_STATEMENTS = 50


def post_list(*, actor: Actor, state: str = "") -> QuerySet[Post]:
    """Return the posts the actor may see, by scheduled time (optionally of one state)."""
    posts = access.visible(actor, "outreach.view", Post.objects.select_related("author", "organisation"))
    return posts.filter(state=state) if state else posts


def post_get(*, actor: Actor, post_id: int) -> Post:
    """Return one post the actor may see (NotFound otherwise), with its targets and accounts."""
    post = Post.objects.select_related("author", "organisation").filter(pk=post_id).first()
    if post is None:
        raise NotFound
    access.require(actor, "outreach.view", post)
    return post


def post_targets(*, actor: Actor, post: Post) -> list[object]:
    """Return the post's targets with their accounts (the actor must see the post)."""
    access.require(actor, "outreach.view", post)
    return list(post.targets.select_related("account").order_by("pk"))


def post_steps(*, actor: Actor, post: Post) -> list[StepStatus]:
    """Return the post's workflow steps with the approvals that count for its current texts."""
    access.require(actor, "outreach.view", post)
    return step_statuses(post)


def approval_queue(*, actor: Actor) -> list[Post]:
    """Return the posts in approval whose current step the actor may approve now."""
    waiting = post_list(actor=actor, state=PostState.IN_APPROVAL)
    return [post for post in waiting if access.can(actor, "outreach.approve", post)]


def calendar_week(*, actor: Actor, week_start: datetime) -> QuerySet[Post]:
    """Return the visible posts scheduled in the seven days from ``week_start``."""
    end = week_start + timedelta(days=7)
    return post_list(actor=actor).filter(scheduled_for__gte=week_start, scheduled_for__lt=end)


def calendar_range(*, actor: Actor, start: datetime, end: datetime) -> QuerySet[Post]:
    """Return the visible posts scheduled from ``start`` (inclusive) to ``end`` (exclusive), e.g. one month."""
    return post_list(actor=actor).filter(scheduled_for__gte=start, scheduled_for__lt=end)


def account_list(*, actor: Actor) -> QuerySet[Account]:
    """Return the active accounts of the actor's unit (for drafting); empty for anyone who cannot draft."""
    if not (access.can(actor, "outreach.draft") or access.can(actor, "outreach.manage", actor.organisation_id)):
        return Account.objects.none()
    return Account.objects.filter(organisation_id=actor.organisation_id or 0, is_active=True)


def post_previews(*, actor: Actor, text_vi: str, text_en: str, account_ids: list[int]) -> list[Preview]:
    """Return the per-platform previews for a draft: the chosen accounts, then every platform."""
    if not access.can(actor, "outreach.draft"):
        raise PermissionDenied
    accounts = account_list(actor=actor).filter(pk__in=account_ids)
    targets = [TargetSpec(a.platform, a.handle, a.language, a.max_characters) for a in accounts]
    return previews_build(texts={"vi": text_vi, "en": text_en}, targets=targets)


def statements_public(*, actor: Actor) -> QuerySet[Post]:
    """Return the newest statements on the ministry's own channel; public: anyone, ``actor`` unused for rights."""
    del actor
    return (
        Post.objects.filter(statement_published_at__isnull=False)
        .select_related("organisation")
        .order_by("-statement_published_at", "-pk")[:PUBLIC_STATEMENTS]
    )


def statement_get(*, actor: Actor, post_id: int) -> Post:
    """Return one public statement (NotFound unless it is on the ministry's channel)."""
    del actor
    post = Post.objects.filter(pk=post_id, statement_published_at__isnull=False).select_related("organisation").first()
    if post is None:
        raise NotFound
    return post


def approval_link_get(*, actor: Actor, token: str) -> tuple[ApprovalLink, str]:
    """Return the link a signed token names and why it is void ("" while valid); NotFound for a bad token.

    Public: the token is the credential, ``actor`` (usually anonymous) is unused for rights.
    """
    del actor
    link_id = link_id_from(token)
    link = (
        ApprovalLink.objects.select_related("post", "post__organisation", "step").filter(pk=link_id).first()
        if link_id is not None
        else None
    )
    if link is None:
        raise NotFound
    return link, link_void_reason(link)


def approval_links(*, actor: Actor, post: Post) -> list[ApprovalLink]:
    """Return the outside-approval links issued for a post (the actor must see the post)."""
    access.require(actor, "outreach.view", post)
    return list(post.approval_links.order_by("-created_at"))


def post_evidence(*, actor: Actor, post: Post) -> list[Evidence]:
    """Return the evidence a post carries (alert first, then stories); the actor must see the post."""
    access.require(actor, "outreach.view", post)
    return list(post.evidence.order_by("position", "pk"))


def alert_evidence_preview(*, actor: Actor, alert_id: int) -> list[Evidence]:
    """Return the evidence a response to the alert would carry (unsaved); NotFound when it is not visible."""
    from chancery.outreach.evidence import evidence_rows

    if not access.can(actor, "outreach.draft"):
        raise PermissionDenied
    return evidence_rows(actor=actor, alert_id=alert_id)


def alerts_to_answer(*, actor: Actor, limit: int = 5) -> list[object]:
    """Return the newest intelligence alerts the actor may see and respond to (empty unless they draft)."""
    from chancery.intelligence.selectors import alert_list

    if not access.can(actor, "outreach.draft"):
        return []
    return list(alert_list(actor=actor)[:limit])


def campaign_list(*, actor: Actor) -> QuerySet[Campaign]:
    """Return the campaigns of the actor's unit, newest first (empty for anyone who cannot see posts)."""
    if not access.can(actor, "outreach.view"):
        return Campaign.objects.none()
    return Campaign.objects.filter(organisation_id=actor.organisation_id or 0)


def campaign_get(*, actor: Actor, campaign_id: int) -> tuple[Campaign, QuerySet[Post]]:
    """Return one campaign of the actor's unit and its posts the actor may see (NotFound otherwise)."""
    campaign = campaign_list(actor=actor).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound
    return campaign, post_list(actor=actor).filter(campaign=campaign)


def template_list(*, actor: Actor) -> QuerySet[Template]:
    """Return the reusable templates of the actor's unit (empty for anyone who cannot draft)."""
    if not access.can(actor, "outreach.draft"):
        return Template.objects.none()
    return Template.objects.filter(organisation_id=actor.organisation_id or 0)
