"""Changing role, clearance and compartments: who may, and the audit trail with old and new values."""

from __future__ import annotations

import pytest
from django.test import Client

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.identity.services import user_update_authorisation
from chancery.missions.models import Organisation
from chancery.platform.enums import Classification
from chancery.platform.errors import InvalidInput, PermissionDenied
from tests.conftest import actor_of, current_totp_code, enable_totp
from tests.factories import CompartmentFactory, UserFactory
from tests.identity.conftest import sign_in_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(ministry: Organisation) -> User:
    return UserFactory(
        username="root",
        role=Role.ADMINISTRATOR,
        organisation=ministry,
        clearance=Classification.TOP_SECRET,
        is_staff=True,
        is_superuser=True,
    )


def test_administrator_changes_role_clearance_and_compartments_with_audit(
    administrator: User, desk_officer: User
) -> None:
    CompartmentFactory(code="asean")
    user_update_authorisation(
        actor=actor_of(administrator),
        user=desk_officer,
        role=Role.ANALYST,
        clearance=Classification.CONFIDENTIAL,
        compartments=["asean"],
    )
    desk_officer.refresh_from_db()
    assert desk_officer.role == Role.ANALYST
    assert desk_officer.clearance == Classification.CONFIDENTIAL
    assert list(desk_officer.compartments.values_list("code", flat=True)) == ["asean"]
    details = {e.action: e.detail for e in AuditEvent.objects.filter(object_id=str(desk_officer.pk))}
    assert details["identity.role_changed"] == {"old": "desk_officer", "new": "analyst"}
    assert details["identity.clearance_changed"] == {"old": 10, "new": 20}
    assert details["identity.compartments_changed"] == {"old": [], "new": ["asean"]}


def test_security_officer_may_change_clearance_but_not_role(security_officer: User, desk_officer: User) -> None:
    user_update_authorisation(actor=actor_of(security_officer), user=desk_officer, clearance=Classification.SECRET)
    desk_officer.refresh_from_db()
    assert desk_officer.clearance == Classification.SECRET
    with pytest.raises(PermissionDenied):
        user_update_authorisation(actor=actor_of(security_officer), user=desk_officer, role=Role.ADMINISTRATOR)
    desk_officer.refresh_from_db()
    assert desk_officer.role == Role.DESK_OFFICER


def test_other_role_and_other_mission_officer_are_refused(
    desk_officer: User, other_mission_officer: User, mission_paris: Organisation
) -> None:
    with pytest.raises(PermissionDenied):
        user_update_authorisation(
            actor=actor_of(other_mission_officer), user=desk_officer, clearance=Classification.SECRET
        )
    paris_officer = UserFactory(
        username="paris-so", role=Role.SECURITY_OFFICER, organisation=mission_paris, clearance=Classification.SECRET
    )
    with pytest.raises(PermissionDenied):
        user_update_authorisation(actor=actor_of(paris_officer), user=desk_officer, clearance=Classification.SECRET)
    desk_officer.refresh_from_db()
    assert desk_officer.clearance == Classification.INTERNAL
    assert not AuditEvent.objects.filter(action="identity.clearance_changed").exists()


def test_nobody_changes_their_own_authorisation(administrator: User, security_officer: User) -> None:
    with pytest.raises(PermissionDenied):
        user_update_authorisation(actor=actor_of(administrator), user=administrator, role=Role.ANALYST)
    with pytest.raises(PermissionDenied):
        user_update_authorisation(
            actor=actor_of(security_officer), user=security_officer, clearance=Classification.TOP_SECRET
        )


def test_unknown_values_are_refused_and_nothing_is_written(administrator: User, desk_officer: User) -> None:
    with pytest.raises(InvalidInput):
        user_update_authorisation(actor=actor_of(administrator), user=desk_officer, role="emperor")
    with pytest.raises(InvalidInput):
        user_update_authorisation(actor=actor_of(administrator), user=desk_officer, clearance=99)
    with pytest.raises(InvalidInput):
        user_update_authorisation(
            actor=actor_of(administrator), user=desk_officer, role=Role.ANALYST, compartments=["no-such-compartment"]
        )
    desk_officer.refresh_from_db()
    assert desk_officer.role == Role.DESK_OFFICER
    assert not AuditEvent.objects.filter(action="identity.role_changed").exists()


def test_admin_page_change_goes_through_the_audited_service(administrator: User, desk_officer: User) -> None:
    client = Client()
    secret = enable_totp(administrator)
    sign_in_password(client, "root")
    client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    page = client.get(f"/admin/identity/user/{desk_officer.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = getattr(value, "pk", value)
    data.pop("password", None)
    data.update(
        {
            "role": Role.ANALYST,
            "clearance": str(int(Classification.SECRET)),
            "date_joined_0": desk_officer.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": desk_officer.date_joined.strftime("%H:%M:%S"),
        }
    )
    response = client.post(f"/admin/identity/user/{desk_officer.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    desk_officer.refresh_from_db()
    assert desk_officer.role == Role.ANALYST
    actions = set(AuditEvent.objects.filter(actor_id=administrator.pk).values_list("action", flat=True))
    assert {"identity.role_changed", "identity.clearance_changed"} <= actions


def test_admin_page_makes_role_read_only_for_security_officer(security_officer: User, desk_officer: User) -> None:
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = security_officer
    readonly = admin.site._registry[User].get_readonly_fields(request, desk_officer)
    assert "role" in readonly
    assert "compartments" in readonly
    assert "clearance" not in readonly
