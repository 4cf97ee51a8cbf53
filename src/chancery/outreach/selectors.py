"""Reads on outreach.

Posts the actor may see, the approval queue, the week's calendar, accounts, previews, and the ministry's
public statements.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet

from chancery.outreach.enums import PostState
from chancery.outreach.models import Account, Post
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
