"""Webhook pages for administrators: subscriptions (create, rotate, deactivate) and deliveries (replay).

Each view parses, calls one service or selector, then renders or redirects; domain errors become messages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chancery.missions import selectors as missions_selectors
from chancery.missions.enums import EXTERNAL_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.http import page_actor
from chancery.resilience.webhooks import selectors, services
from chancery.resilience.webhooks.forms import SubscriptionForm

PAGE_SIZE = 50


def _admin_actor(request: HttpRequest) -> Actor:
    actor = page_actor(request)
    if not access.can(actor, "webhooks.manage"):
        raise DjangoPermissionDenied
    return actor


def _partner_choices(actor: Actor) -> list[tuple[str, str]]:
    organisations = missions_selectors.organisation_list(actor=actor).filter(kind__in=sorted(EXTERNAL_KINDS))
    return [(o.code, o.name) for o in organisations.filter(is_active=True)]


@login_required
@require_http_methods(["GET", "POST"])
def subscription_list(request: HttpRequest) -> HttpResponse:
    """List subscriptions and create one; a new subscription's secret is shown once, on the answer page."""
    actor = _admin_actor(request)
    form = SubscriptionForm(request.POST or None, organisations=_partner_choices(actor))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.subscription_create(
                actor=actor,
                organisation_code=form.cleaned_data["organisation"],
                url=form.cleaned_data["url"],
                event_types=form.cleaned_data["event_types"],
                description=form.cleaned_data["description"],
            )
        except DomainError as error:
            for field, problems in error.errors.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
            if not error.errors:
                form.add_error(None, error.detail)
        else:
            return render(request, "webhooks/secret.html", {"created": created}, status=201)
    context = {"subscriptions": selectors.subscription_list(actor=actor), "form": form}
    return render(request, "webhooks/subscriptions.html", context, status=422 if form.errors else 200)


@login_required
@require_GET
def subscription_detail(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Show one subscription and its newest deliveries with their outcome."""
    actor = _admin_actor(request)
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    deliveries = selectors.delivery_list(actor=actor, subscription_id=subscription.pk)[:PAGE_SIZE]
    return render(request, "webhooks/subscription.html", {"subscription": subscription, "deliveries": deliveries})


@login_required
@require_POST
def secret_rotate(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Give the subscription a new secret and show it once."""
    actor = _admin_actor(request)
    created = services.subscription_secret_rotate(actor=actor, subscription_id=subscription_id)
    return render(request, "webhooks/secret.html", {"created": created, "rotated": True})


@login_required
@require_POST
def subscription_deactivate(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Stop the subscription, then go back to it."""
    actor = _admin_actor(request)
    try:
        services.subscription_deactivate(actor=actor, subscription_id=subscription_id)
        messages.success(request, _("The subscription was deactivated."))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    return redirect("webhooks:subscription_detail", subscription_id=subscription_id)


@login_required
@require_POST
def delivery_replay(request: HttpRequest, subscription_id: int, delivery_id: int) -> HttpResponse:
    """Send a delivery's payload again, then go back to the subscription."""
    actor = _admin_actor(request)
    try:
        services.delivery_replay(actor=actor, delivery_id=delivery_id)
        messages.success(request, _("The delivery was queued again."))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    return redirect("webhooks:subscription_detail", subscription_id=subscription_id)
