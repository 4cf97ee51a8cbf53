"""The Django admin for users: role, clearance, organisation and compartments, with audited changes.

Role, clearance and compartments are read-only unless the policy engine allows the change
(``identity.manage_users`` / ``identity.change_clearance``); saving routes those three through
:func:`chancery.identity.services.user_update_authorisation`, which checks again and audits old and
new values.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chancery.audit.services import audit_record
from chancery.identity.models import User
from chancery.identity.services import user_update_authorisation
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.http import page_actor

AUTHORISATION_FIELDS = ("role", "clearance", "compartments")
PENDING = "_chancery_pending_authorisation"


def _actor(request: HttpRequest) -> Actor:
    return page_actor(request)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    """Users with Chancery's authorisation fields."""

    list_display = ("username", "first_name", "last_name", "role", "clearance", "organisation", "is_active")
    list_filter = ("role", "clearance", "is_active", "is_staff")
    filter_horizontal = ("compartments",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Chancery authorisation"), {"fields": ("organisation", "role", "clearance", "compartments")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        """Lock role, clearance and compartments unless the policy engine allows changing them."""
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return tuple(readonly)
        actor = _actor(request)
        if not access.can(actor, "identity.manage_users", obj):
            readonly += ["role", "compartments"]
        if not access.can(actor, "identity.change_clearance", obj):
            readonly.append("clearance")
        return tuple(readonly)

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool) -> None:
        """Save ordinary fields; hold role/clearance back for the audited service (or audit a creation)."""
        if not change:
            super().save_model(request, obj, form, change)
            audit_record(
                actor=_actor(request),
                action="identity.user_created",
                object_type="identity.user",
                object_id=obj.pk,
                detail={"role": obj.role, "clearance": obj.clearance},
            )
            return
        stored = User.objects.get(pk=obj.pk)
        pending = {"role": obj.role, "clearance": obj.clearance}
        obj.role, obj.clearance = stored.role, stored.clearance
        setattr(request, PENDING, pending)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: ModelForm[User], formsets: Any, change: bool) -> None:
        """Save relations except compartments, then apply the authorisation change through the service."""
        pending: dict[str, Any] | None = getattr(request, PENDING, None)
        codes: list[str] | None = None
        if change and "compartments" in form.cleaned_data:
            codes = [item.code for item in form.cleaned_data["compartments"]]
            form.cleaned_data["compartments"] = form.instance.compartments.all()
        super().save_related(request, form, formsets, change)
        if change and pending is not None:
            user_update_authorisation(
                actor=_actor(request),
                user=form.instance,
                role=pending["role"],
                clearance=pending["clearance"],
                compartments=codes,
            )
