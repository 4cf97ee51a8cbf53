"""Publishing: due posts go to the ministry's own channel at once, then to each platform, verified.

For each target the run (1) claims the row for a short lease in its own transaction, (2) calls the
connector OUTSIDE any transaction with the idempotency key stored when the target was created, which
posts at most once and fetches the post back, (3) records the outcome in a second transaction: published
with its URL only after the fetch-back; a transient failure (time-out, 429, 5xx, malformed answer) is
retried with exponential backoff; a permanent one (revoked credentials, refusal) or the last attempt
marks the target failed, the post ``attention`` and alerts the press office (live event + audit). The
post stays recoverable (:func:`chancery.outreach.services.post_recover`) with the same keys.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chancery.audit.enums import Outcome
from chancery.audit.services import audit_record
from chancery.outreach.account_services import account_credentials_current, account_needs_sign_in
from chancery.outreach.connectors import connector_for
from chancery.outreach.connectors.errors import ConnectorError, CredentialsRejected, RateLimited, Rejected
from chancery.outreach.delivery import target_deliver
from chancery.outreach.enums import MANAGER_ROLES, PostState, TargetState
from chancery.outreach.limits import limit_check
from chancery.outreach.models import Post, Target
from chancery.platform.actor import Actor
from chancery.platform.errors import PermissionDenied
from chancery.platform.events.services import events_publish

LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)


def backoff(attempts: int, *, retry_after: int | None = None) -> timedelta:
    """Return the wait after ``attempts`` failures: base x 2^(attempts-1), capped, or a longer Retry-After."""
    wait = timedelta(seconds=settings.OUTREACH_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1))
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    return min(wait, MAX_BACKOFF)


def _start_due_posts(actor: Actor, now: datetime) -> list[int]:
    """Move approved posts whose time has come to publishing, onto the ministry's channel first."""
    started = []
    with transaction.atomic():
        for post in Post.objects.select_for_update().filter(state=PostState.APPROVED, scheduled_for__lte=now):
            has_targets = post.targets.exists()
            post.state = PostState.PUBLISHING if has_targets else PostState.PUBLISHED
            post.statement_published_at = post.statement_published_at or now
            post.updated_at = now
            post.save(update_fields=["state", "statement_published_at", "updated_at"])
            audit_record(
                actor=actor,
                action="outreach.statement_published",
                object_type="outreach.post",
                object_id=post.pk,
                detail={"channel": "ministry"},
            )
            started.append(post.pk)
    return started


def _claim(target_id: int, now: datetime) -> Target | None:
    with transaction.atomic():
        target = (
            Target.objects.select_for_update()
            .select_related("account", "post")
            .filter(pk=target_id, state__in=[TargetState.PENDING, TargetState.RETRYING])
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .first()
        )
        if target is None or target.post.state != PostState.PUBLISHING:
            return None
        target.attempts += 1
        target.claimed_until = now + LEASE
        target.save(update_fields=["attempts", "claimed_until"])
        return target


def _press_office(post: Post) -> list[int]:
    users = get_user_model().objects.filter(
        organisation_id=post.organisation_id, role__in=sorted(MANAGER_ROLES), is_active=True
    )
    return sorted({int(pk) for pk in users.values_list("pk", flat=True)} | {post.author_id})


def _attempt(actor: Actor, target: Target) -> tuple[str, str, ConnectorError | None]:
    """Call the platform for one claimed target; return (remote id, URL, error)."""
    account = target.account
    text = target.post.text(account.language)
    check = limit_check(account.platform, text, max_characters=account.max_characters)
    if not check.ok:
        return "", "", Rejected(f"{account.platform}: {check.length}/{check.limit} {check.unit}")
    try:
        connector = connector_for(
            account.platform,
            base_url=account.base_url,
            credentials=account_credentials_current(actor=actor, account=account),
            web_base=account.web_base_url,
            timeout=float(settings.OUTREACH_CONNECTOR_TIMEOUT_SECONDS),
        )
        published = target_deliver(connector, target)
    except ConnectorError as error:
        return "", "", error
    return published.remote_id, published.url, None


def _record(actor: Actor, target_id: int, remote_id: str, url: str, error: ConnectorError | None) -> None:
    now = timezone.now()
    with transaction.atomic():
        target = Target.objects.select_for_update().select_related("account").get(pk=target_id)
        post = Post.objects.select_for_update().get(pk=target.post_id)
        target.claimed_until = None
        detail: dict[str, object] = {"target_id": target.pk, "platform": target.account.platform}
        if error is None:
            target.state, target.remote_id, target.url = TargetState.PUBLISHED, remote_id, url
            target.published_at, target.last_error, target.next_attempt_at = now, "", None
            target.save()
            audit_record(
                actor=actor,
                action="outreach.target_published",
                object_type="outreach.post",
                object_id=post.pk,
                detail=detail,
            )
            if not post.targets.exclude(state=TargetState.PUBLISHED).exists() and post.state == PostState.PUBLISHING:
                post.state = PostState.PUBLISHED
                post.save(update_fields=["state"])
            return
        target.last_error = error.message[:300]
        detail["error"] = error.code
        if isinstance(error, CredentialsRejected):
            account_needs_sign_in(actor=actor, account_id=target.account_id, message=error.message)
        if error.transient and target.attempts < settings.OUTREACH_MAX_ATTEMPTS:
            retry_after = error.retry_after if isinstance(error, RateLimited) else None
            target.state = TargetState.RETRYING
            target.next_attempt_at = now + backoff(target.attempts, retry_after=retry_after)
            target.save()
            audit_record(
                actor=actor,
                action="outreach.target_retrying",
                outcome=Outcome.FAILURE,
                object_type="outreach.post",
                object_id=post.pk,
                detail={**detail, "attempts": target.attempts},
            )
            return
        target.state = TargetState.FAILED
        target.next_attempt_at = None
        target.save()
        post.state = PostState.ATTENTION
        post.save(update_fields=["state"])
        audit_record(
            actor=actor,
            action="outreach.publish_failed",
            outcome=Outcome.FAILURE,
            object_type="outreach.post",
            object_id=post.pk,
            detail={**detail, "attempts": target.attempts},
        )
        events_publish(
            user_ids=_press_office(post),
            kind="outreach.publish_failed",
            payload={
                "post_id": post.pk,
                "target_id": target.pk,
                "platform": target.account.platform,
                "error": error.code,
            },
        )


def posts_publish_due(*, actor: Actor, now: datetime | None = None) -> int:
    """Publish what is due: approved posts whose time has come, and targets waiting for a retry.

    Needs the system actor (the worker). Emits ``outreach.statement_published`` per post,
    ``outreach.target_published`` / ``outreach.target_retrying`` / ``outreach.publish_failed`` per
    attempt, and the ``outreach.publish_failed`` live event to the press office. Returns the number of
    attempts made.
    """
    if not actor.is_system:
        raise PermissionDenied
    now = now or timezone.now()
    _start_due_posts(actor, now)
    due = Target.objects.filter(
        post__state=PostState.PUBLISHING, state__in=[TargetState.PENDING, TargetState.RETRYING]
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    attempts = 0
    for target_id in list(due.order_by("pk").values_list("pk", flat=True)):
        target = _claim(target_id, now)
        if target is None:
            continue
        attempts += 1
        remote_id, url, error = _attempt(actor, target)
        _record(actor, target_id, remote_id, url, error)
    return attempts
