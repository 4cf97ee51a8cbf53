"""Reads for account and workflow set-up: the unit's accounts with their status, its workflow, approvers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from chancery.identity.enums import Role
from chancery.outreach.models import Account, ApprovalStep
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound


def accounts_managed(*, actor: Actor) -> QuerySet[Account]:
    """Return every account of the actor's unit, connected or not (needs ``outreach.manage``)."""
    access.require(actor, "outreach.manage", actor.organisation_id)
    return Account.objects.filter(organisation_id=actor.organisation_id or 0).order_by("-is_active", "platform", "pk")


def account_get(*, actor: Actor, account_id: int) -> Account:
    """Return one account of the actor's unit (needs ``outreach.manage``; NotFound for another unit's)."""
    access.require(actor, "outreach.manage", actor.organisation_id)
    account = Account.objects.filter(pk=account_id, organisation_id=actor.organisation_id or 0).first()
    if account is None:
        raise NotFound
    return account


def workflow_get(*, actor: Actor) -> list[ApprovalStep]:
    """Return the unit's approval steps in order, approvers prefetched (needs ``outreach.manage``)."""
    access.require(actor, "outreach.manage", actor.organisation_id)
    steps = ApprovalStep.objects.filter(organisation_id=actor.organisation_id or 0).prefetch_related("approvers")
    return list(steps.order_by("position"))


def approver_choices(*, actor: Actor) -> QuerySet[Any]:
    """Return the active internal users of the actor's unit who may be named approvers (``outreach.manage``)."""
    access.require(actor, "outreach.manage", actor.organisation_id)
    users = get_user_model().objects.filter(organisation_id=actor.organisation_id or 0, is_active=True)
    return users.exclude(role=Role.PARTNER).order_by("username")
