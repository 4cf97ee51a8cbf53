"""``/api/v1/webhooks/…``: subscriptions and deliveries for administrators (scope ``webhooks:admin``)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import Problem
from chancery.resilience.webhooks import selectors, services
from chancery.resilience.webhooks.models import WebhookDelivery, WebhookSubscription
from chancery.resilience.webhooks.schemas import DeliveryOut, SubscriptionCreated, SubscriptionIn, SubscriptionOut

router = Router(tags=["webhooks"])
ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem, 429: Problem}


@router.get(
    "/subscriptions",
    response={200: list[SubscriptionOut], **ERRORS},
    operation_id="webhooks_subscriptions_list",
)
@paginated
def subscriptions(request: HttpRequest) -> QuerySet[WebhookSubscription]:
    """List webhook subscriptions, newest first."""
    return selectors.subscription_list(actor=request_actor(request))


@router.post(
    "/subscriptions",
    response={201: SubscriptionCreated, **ERRORS},
    operation_id="webhooks_subscriptions_create",
)
def subscription_create(request: HttpRequest, body: SubscriptionIn) -> Status[services.NewSubscription]:
    """Subscribe a partner organisation's endpoint; the answer carries the signing secret, once."""
    created = services.subscription_create(
        actor=request_actor(request),
        organisation_code=body.organisation,
        url=body.url,
        event_types=[kind.value for kind in body.event_types],
        description=body.description,
    )
    return Status(201, created)


@router.post(
    "/subscriptions/{subscription_id}/secret",
    response={200: SubscriptionCreated, **ERRORS},
    operation_id="webhooks_subscriptions_rotate_secret",
)
def secret_rotate(request: HttpRequest, subscription_id: int) -> services.NewSubscription:
    """Give the subscription a new signing secret (returned once)."""
    return services.subscription_secret_rotate(actor=request_actor(request), subscription_id=subscription_id)


@router.get(
    "/deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    operation_id="webhooks_deliveries_list",
)
@paginated
def deliveries(request: HttpRequest, subscription: int | None = None) -> QuerySet[WebhookDelivery]:
    """List deliveries with their outcome, newest first (optionally of one subscription)."""
    return selectors.delivery_list(actor=request_actor(request), subscription_id=subscription)


@router.post(
    "/deliveries/{delivery_id}/replay",
    response={202: DeliveryOut, **ERRORS},
    operation_id="webhooks_deliveries_replay",
)
def delivery_replay(request: HttpRequest, delivery_id: int) -> Status[WebhookDelivery]:
    """Send a delivery's payload again as a new delivery."""
    return Status(202, services.delivery_replay(actor=request_actor(request), delivery_id=delivery_id))
