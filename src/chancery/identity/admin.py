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
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from chancery.audit.services import audit_record
from chancery.identity.models import User
from chancery.identity.services import (
    admin_password_set_record,
    password_change_record,
    temporary_password_mark,
    user_update_authorisation,
)
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.http import page_actor

AUTHORISATION_FIELDS = ("role", "clearance", "compartments")
PENDING = "_chancery_pending_authorisation"
HTTP_REDIRECT = 302


def _actor(request: HttpRequest) -> Actor:
    return page_actor(request)


class OneTimePasswordChangeForm(AdminPasswordChangeForm):  # type: ignore[type-arg]
    """The admin's "change password" form: the password it sets is one-time (ASVS 6.4.1)."""

    def save(self, commit: bool = True) -> Any:  # Django's signature
        """Set the password as Django does, flagged to be changed at next sign-in and to expire."""
        user = super().save(commit=False)
        if user.has_usable_password():
            temporary_password_mark(user)
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    """Users with Chancery's authorisation fields; passwords typed here are one-time."""

    change_password_form = OneTimePasswordChangeForm

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
            one_time = obj.has_usable_password()
            if one_time:
                temporary_password_mark(obj)
            super().save_model(request, obj, form, change)
            audit_record(
                actor=_actor(request),
                action="identity.user_created",
                object_type="identity.user",
                object_id=obj.pk,
                detail={"role": obj.role, "clearance": obj.clearance, "one_time_password": one_time},
            )
            return
        stored = User.objects.get(pk=obj.pk)
        pending = {"role": obj.role, "clearance": obj.clearance}
        obj.role, obj.clearance = stored.role, stored.clearance
        setattr(request, PENDING, pending)
        super().save_model(request, obj, form, change)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:  # noqa: A002
        """Django's password page; a successful change is audited as ``identity.password_reset``."""
        response: HttpResponse = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == HTTP_REDIRECT:
            if str(request.user.pk) == str(id):  # an administrator choosing their own password: not one-time
                password_change_record(actor=_actor(request), user_id=int(id))
            else:
                admin_password_set_record(actor=_actor(request), user_id=int(id))
        return response

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
