"""API schemas for webhooks (the secret appears only in the answer to a creation or a rotation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from chancery.resilience.webhooks.enums import DeliveryStatus, EventType


class SubscriptionIn(Schema):
    """A new subscription: the partner organisation's directory code, the endpoint and the event types."""

    organisation: str = Field(max_length=64, description="Directory code of a partner organisation.")
    url: str = Field(max_length=500, description="http(s) endpoint; private and local addresses are refused.")
    event_types: list[EventType] = Field(min_length=1)
    description: str = Field("", max_length=200)


class SubscriptionOut(Schema):
    """A subscription, without its secret."""

    id: int
    organisation: str = Field(validation_alias="organisation.code")
    url: str
    event_types: list[str]
    description: str
    is_active: bool
    created_at: datetime


class SubscriptionCreated(Schema):
    """A created (or re-keyed) subscription with its ``whsec_`` secret, shown this once."""

    subscription: SubscriptionOut
    secret: str


class DeliveryOut(Schema):
    """One delivery and its outcome."""

    id: int
    subscription_id: int
    message_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    replay_of_id: int | None
    created_at: datetime
    payload: dict[str, Any]
