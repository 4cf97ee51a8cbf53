"""Writes for webhooks: subscriptions, emitting events to them, delivering with retries, replaying.

Subscriptions are created, re-keyed and deactivated by administrators; deliveries are retried with
exponential backoff.

Domains call :func:`webhooks_emit` inside their service's transaction; nothing happens unless it commits.
Each delivery is then attempted by a task at once, and the periodic job ``webhooks.retry`` attempts every
delivery that is due again (also those whose task was lost with a killed worker: an attempt first moves
``next_attempt_at`` past the request's time limit, so a crash mid-request leaves the delivery due, never
stuck).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.enums import Outcome
from chancery.audit.services import audit_record
from chancery.missions.enums import EXTERNAL_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from chancery.resilience.webhooks import signing, ssrf
from chancery.resilience.webhooks.enums import DeliveryStatus, EventType
from chancery.resilience.webhooks.models import WebhookDelivery, WebhookSubscription
from chancery.resilience.webhooks.partner import partner_actor
from chancery.resilience.webhooks.sealed_secret import secret_open, secret_store
from chancery.resilience.webhooks.transport import TransportError, transport

logger = logging.getLogger(__name__)

SUBSCRIPTION_OBJECT = "webhooks.subscription"
DELIVERY_OBJECT = "webhooks.delivery"
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)
RETRY_BATCH = 100

PayloadFactory = Callable[[Actor], Mapping[str, Any]]


def _person(actor: Actor) -> int:
    if actor.user_id is None:
        raise PermissionDenied(_("Only a signed-in person can do this."))
    return actor.user_id


def backoff(attempts: int) -> timedelta:
    """Return the wait before the next try after ``attempts`` failed ones: 30 s, 1 min, 2 min… at most 6 h."""
    factor: int = 1 << min(max(attempts - 1, 0), 30)
    return min(BACKOFF_BASE * factor, BACKOFF_MAX)


# --- Subscriptions --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewSubscription:
    """A created subscription with its secret, which is shown this once and never again."""

    subscription: WebhookSubscription
    secret: str


def _clean_event_types(event_types: Iterable[str]) -> list[str]:
    chosen = sorted(set(event_types))
    unknown = [kind for kind in chosen if kind not in EventType.values]
    if not chosen or unknown:
        message = _("Choose one or more of the listed event types.")
        raise InvalidInput(message, errors={"event_types": [message]})
    return chosen


def subscription_create(
    *, actor: Actor, organisation_code: str, url: str, event_types: Iterable[str], description: str = ""
) -> NewSubscription:
    """Subscribe partner organisation ``organisation_code``'s endpoint ``url`` to ``event_types``.

    Needs ``webhooks.manage``. Raises InvalidInput (naming the field; nothing saved) for an unknown or
    internal organisation, an unknown event type, or an endpoint that is not http(s) or resolves to a
    private, loopback or link-local address outside ``WEBHOOK_ALLOWLIST``. Emits
    ``webhooks.subscription_created`` (organisation, event types and host; never the secret).
    """
    access.require(actor, "webhooks.manage")
    # Administrators see the whole directory; resolved through the subscription's own relation so that a
    # token scoped to webhooks does not also need ``missions:read`` (as the vault's shares do).
    organisations: Any = WebhookSubscription._meta.get_field("organisation").related_model._default_manager
    organisation = organisations.filter(code=organisation_code).first()
    if organisation is None or not organisation.is_active or organisation.kind not in EXTERNAL_KINDS:
        message = _("Choose an active partner ministry or international organisation.")
        raise InvalidInput(message, errors={"organisation": [message]})
    chosen = _clean_event_types(event_types)
    description = description.strip()
    if len(description) > 200:
        raise InvalidInput(_("At most 200 characters."), errors={"description": [_("At most 200 characters.")]})
    endpoint = ssrf.endpoint_check(url)
    secret = signing.secret_new()
    with transaction.atomic():
        subscription = WebhookSubscription(
            organisation=organisation,
            url=url.strip(),
            description=description,
            event_types=chosen,
            created_by_id=_person(actor),
        )
        secret_store(subscription, secret)
        subscription.save()
        audit_record(
            actor=actor,
            action="webhooks.subscription_created",
            object_type=SUBSCRIPTION_OBJECT,
            object_id=subscription.pk,
            detail={"organisation_id": organisation.pk, "event_types": chosen, "host": endpoint.host},
        )
    return NewSubscription(subscription=subscription, secret=secret)


def _locked_subscription(subscription_id: int) -> WebhookSubscription:
    subscription = WebhookSubscription.objects.select_for_update().filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFound
    return subscription


def subscription_secret_rotate(*, actor: Actor, subscription_id: int) -> NewSubscription:
    """Give the subscription a new signing secret (returned once); later attempts sign with it.

    Needs ``webhooks.manage``. Emits ``webhooks.secret_rotated``.
    """
    access.require(actor, "webhooks.manage")
    secret = signing.secret_new()
    with transaction.atomic():
        subscription = _locked_subscription(subscription_id)
        secret_store(subscription, secret)
        subscription.save(update_fields=["secret_sealed", "key_id", "kek_id", "wrapped_key"])
        audit_record(
            actor=actor, action="webhooks.secret_rotated", object_type=SUBSCRIPTION_OBJECT, object_id=subscription.pk
        )
    return NewSubscription(subscription=subscription, secret=secret)


def subscription_deactivate(*, actor: Actor, subscription_id: int) -> WebhookSubscription:
    """Stop a subscription: no new deliveries, pending ones are given up at their next attempt.

    Needs ``webhooks.manage``; Conflict when already inactive. Emits ``webhooks.subscription_deactivated``.
    """
    access.require(actor, "webhooks.manage")
    with transaction.atomic():
        subscription = _locked_subscription(subscription_id)
        if not subscription.is_active:
            raise Conflict(_("This subscription is already inactive."))
        subscription.is_active = False
        subscription.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="webhooks.subscription_deactivated",
            object_type=SUBSCRIPTION_OBJECT,
            object_id=subscription.pk,
        )
    return subscription


# --- Emitting -------------------------------------------------------------------------------------------


def webhooks_emit(
    *,
    event_type: str,
    organisation_ids: Iterable[int] | None,
    view_action: str,
    obj: object,
    payload_factory: PayloadFactory,
) -> None:
    """Queue ``event_type`` for the partner subscriptions that may see ``obj``, once the caller commits.

    Call it inside the domain service's transaction. ``organisation_ids`` narrows the recipients (``None``:
    every subscribed partner); each subscription's organisation gets it only if
    ``access.can(partner_actor(organisation), view_action, obj)``, and then with the payload
    ``payload_factory(that actor)`` builds (references and metadata that partner may see). Emits
    ``webhooks.delivery_queued`` per delivery and enqueues its first attempt. A failure here is logged
    and never undoes or breaks the domain's committed change.
    """
    if event_type not in EventType.values:
        msg = f"unknown webhook event type {event_type!r}"
        raise ValueError(msg)
    wanted = None if organisation_ids is None else frozenset(organisation_ids)

    def fan_out() -> None:
        try:
            created = _deliveries_create(event_type, wanted, view_action, obj, payload_factory)
        except Exception:  # the domain's change is committed; a webhook problem must not surface there
            logger.exception("webhook fan-out failed for %s", event_type)
            return
        for delivery_id in created:
            _enqueue(delivery_id)

    transaction.on_commit(fan_out, robust=True)


def _deliveries_create(
    event_type: str, wanted: frozenset[int] | None, view_action: str, obj: object, payload_factory: PayloadFactory
) -> list[int]:
    system = Actor.system(purpose="webhooks")
    subscriptions = WebhookSubscription.objects.filter(is_active=True).select_related("organisation")
    if wanted is not None:
        subscriptions = subscriptions.filter(organisation_id__in=wanted)
    created: list[int] = []
    with transaction.atomic():
        for subscription in subscriptions:
            if event_type not in subscription.event_types:
                continue
            partner = partner_actor(subscription.organisation)
            if not access.can(partner, view_action, obj):
                continue
            payload = dict(payload_factory(partner))
            delivery = WebhookDelivery.objects.create(
                subscription=subscription,
                message_id=signing.message_id_new(),
                event_type=event_type,
                payload=payload,
                next_attempt_at=timezone.now(),
            )
            audit_record(
                actor=system,
                action="webhooks.delivery_queued",
                object_type=DELIVERY_OBJECT,
                object_id=delivery.pk,
                detail={"subscription": subscription.pk, "event_type": event_type},
            )
            created.append(delivery.pk)
    return created


def _enqueue(delivery_id: int) -> None:
    from chancery.resilience.webhooks.tasks import webhook_deliver  # tasks import this module

    try:
        webhook_deliver.enqueue(delivery_id)
    except Exception:  # the periodic retry job picks the delivery up
        logger.exception("could not enqueue webhook delivery %s", delivery_id)


# --- Delivering -----------------------------------------------------------------------------------------


def message_body(delivery: WebhookDelivery) -> bytes:
    """Return the JSON body of ``delivery``: ``{"type", "timestamp", "data"}`` (stable key order)."""
    envelope = {"type": delivery.event_type, "timestamp": delivery.created_at.isoformat(), "data": delivery.payload}
    return json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take the delivery for one attempt if it is due; push its next try past this attempt's time limit."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("subscription")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + timedelta(seconds=4 * settings.WEBHOOK_TIMEOUT_SECONDS) + BACKOFF_BASE
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
    return delivery


def _send(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """Make one attempt; return (HTTP status or None, error text or "")."""
    subscription = delivery.subscription
    if not subscription.is_active:
        return None, "subscription deactivated"
    try:
        endpoint = ssrf.endpoint_check(subscription.url)
    except InvalidInput as error:
        return None, error.detail
    body = message_body(delivery)
    headers = signing.signed_headers(
        secret=secret_open(subscription),
        message_id=delivery.message_id,
        timestamp=int(timezone.now().timestamp()),
        body=body,
    )
    try:
        response = transport().post(endpoint, headers=headers, body=body)
    except TransportError as error:
        return None, str(error)
    if 300 <= response.status < 400:
        return response.status, "redirect not followed"
    if not 200 <= response.status < 300:
        return response.status, f"HTTP {response.status}"
    return response.status, ""


def delivery_attempt(*, actor: Actor, delivery_id: int) -> WebhookDelivery | None:
    """Attempt delivery ``delivery_id`` if it is pending and due; return it, or None when not due.

    Needs ``webhooks.manage`` (the system actor). A 2xx answer marks it delivered; anything else (error
    status, redirect, timeout, refused address) schedules the next try after :func:`backoff`, or gives up
    after ``WEBHOOK_MAX_ATTEMPTS``. Emits ``webhooks.delivery_attempted`` with the outcome.
    """
    access.require(actor, "webhooks.manage")
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    status_code, error = _send(delivery)
    now = timezone.now()
    with transaction.atomic():
        delivery.last_status_code = status_code
        delivery.last_error = error[:300]
        if not error:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, now, None
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS or not delivery.subscription.is_active:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save(update_fields=["last_status_code", "last_error", "status", "delivered_at", "next_attempt_at"])
        audit_record(
            actor=actor,
            action="webhooks.delivery_attempted",
            outcome=Outcome.SUCCESS if not error else Outcome.FAILURE,
            object_type=DELIVERY_OBJECT,
            object_id=delivery.pk,
            detail={"attempt": delivery.attempts, "status_code": status_code, "error": error[:300]},
        )
    return delivery


def deliveries_retry_due(*, actor: Actor) -> int:
    """Attempt every pending delivery whose next try is due (at most 100 per run); return how many.

    Needs ``webhooks.manage`` (the periodic job runs as the system actor). Emits what
    :func:`delivery_attempt` emits.
    """
    access.require(actor, "webhooks.manage")
    due = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    attempted = 0
    for delivery_id in due:
        try:
            if delivery_attempt(actor=actor, delivery_id=delivery_id) is not None:
                attempted += 1
        except DomainError:
            logger.exception("webhook delivery %s could not be attempted", delivery_id)
    return attempted


def delivery_replay(*, actor: Actor, delivery_id: int) -> WebhookDelivery:
    """Send delivery ``delivery_id``'s payload again as a new delivery (new message id, ``replay_of`` set).

    Needs ``webhooks.manage``; Conflict when the subscription is inactive. Emits ``webhooks.delivery_replayed``
    and enqueues the first attempt on commit.
    """
    access.require(actor, "webhooks.manage")
    original = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if original is None:
        raise NotFound
    if not original.subscription.is_active:
        raise Conflict(_("The subscription is inactive; reactivate it by creating a new one."))
    with transaction.atomic():
        replay = WebhookDelivery.objects.create(
            subscription=original.subscription,
            message_id=signing.message_id_new(),
            event_type=original.event_type,
            payload=original.payload,
            next_attempt_at=timezone.now(),
            replay_of=original,
        )
        audit_record(
            actor=actor,
            action="webhooks.delivery_replayed",
            object_type=DELIVERY_OBJECT,
            object_id=replay.pk,
            detail={"replay_of": original.pk},
        )
        transaction.on_commit(lambda: _enqueue(replay.pk), robust=True)
    return replay
