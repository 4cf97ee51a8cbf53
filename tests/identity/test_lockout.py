"""Ten wrong passwords lock an account until a security officer (or administrator) unlocks it."""

from __future__ import annotations

import pytest
from django.test import Client

from chancery.audit.models import AuditEvent
from chancery.identity import lockout
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.identity.services import account_unlock
from chancery.missions.models import Organisation
from chancery.platform.enums import Classification
from chancery.platform.errors import NotFound, PermissionDenied
from tests.conftest import actor_of, current_totp_code, enable_totp
from tests.factories import UserFactory
from tests.identity.conftest import sign_in_password

pytestmark = pytest.mark.django_db

WRONG = "definitely not the password"


def lock(client: Client, username: str) -> list[int]:
    """Send ten wrong passwords for ``username``; return the status codes."""
    return [sign_in_password(client, username, WRONG).status_code for _ in range(10)]


def test_ten_wrong_passwords_lock_the_account_with_a_clear_page_and_audit(client: Client, desk_officer: User) -> None:
    statuses = lock(client, "desk")
    assert statuses[:9] == [200] * 9
    assert statuses[9] == 403
    assert lockout.username_is_locked("desk")

    response = sign_in_password(client, "desk")  # even the right password is refused now
    html = response.content.decode()
    assert response.status_code == 403
    assert "Account locked" in html
    assert "security officer" in html
    assert 'role="alert"' in html
    assert "_auth_user_id" not in client.session

    failures = AuditEvent.objects.filter(action="identity.sign_in_failed", actor_username="desk")
    assert failures.count() == 11
    assert [e.detail["reason"] for e in failures.order_by("id")] == ["credentials"] * 10 + ["locked"]
    locked_event = AuditEvent.objects.get(action="identity.locked_out")
    assert locked_event.actor_username == "desk"
    assert locked_event.object_id == str(desk_officer.pk)


def test_nine_failures_do_not_lock(client: Client, desk_officer: User) -> None:
    for _ in range(9):
        sign_in_password(client, "desk", WRONG)
    assert not lockout.username_is_locked("desk")
    assert sign_in_password(client, "desk").status_code == 302
    assert not AuditEvent.objects.filter(action="identity.locked_out").exists()


def test_wrong_totp_codes_count_towards_the_lockout(client: Client, security_officer: User) -> None:
    secret = enable_totp(security_officer)
    sign_in_password(client, "secoff")
    wrong = f"{(int(current_totp_code(secret)) + 1) % 1_000_000:06d}"
    for _ in range(10):
        client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert lockout.username_is_locked("secoff")
    assert AuditEvent.objects.filter(action="identity.locked_out", actor_username="secoff").count() == 1
    response = client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    assert response.status_code == 200
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_security_officer_sees_and_unlocks_the_account(
    client: Client, desk_officer: User, security_officer: User
) -> None:
    lock(Client(), "desk")
    secret = enable_totp(security_officer)
    sign_in_password(client, "secoff")
    client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})

    page = client.get("/security/lockouts/")
    assert page.status_code == 200
    assert ">desk<" in page.content.decode()

    response = client.post("/security/lockouts/unlock/", {"username": "desk"})
    assert response.status_code == 302
    assert not lockout.username_is_locked("desk")
    event = AuditEvent.objects.get(action="identity.unlocked")
    assert event.actor_id == security_officer.pk
    assert event.object_id == str(desk_officer.pk)
    assert sign_in_password(Client(), "desk").status_code == 302


def test_desk_officer_may_not_unlock_or_see_the_list(client: Client, desk_officer: User) -> None:
    UserFactory(username="victim", organisation=desk_officer.organisation)
    lock(Client(), "victim")
    with pytest.raises(PermissionDenied):
        account_unlock(actor=actor_of(desk_officer), username="victim")
    sign_in_password(client, "desk")
    assert client.get("/security/lockouts/").status_code == 403
    assert client.post("/security/lockouts/unlock/", {"username": "victim"}).status_code == 403
    assert lockout.username_is_locked("victim")
    assert not AuditEvent.objects.filter(action="identity.unlocked").exists()


def test_other_mission_security_officer_may_not_unlock(
    desk_officer: User, other_mission_officer: User, mission_paris: Organisation
) -> None:
    paris_officer = UserFactory(
        username="paris-secoff", role=Role.SECURITY_OFFICER, organisation=mission_paris, clearance=Classification.SECRET
    )
    lock(Client(), "desk")  # a Tokyo account
    assert account_unlock.__name__  # the service below is the one the page calls
    with pytest.raises(PermissionDenied):
        account_unlock(actor=actor_of(paris_officer), username="desk")
    assert lockout.username_is_locked("desk")
    from chancery.identity.selectors import locked_account_list

    assert locked_account_list(actor=actor_of(paris_officer)) == []
    lock(Client(), "paris")
    assert [n.username for n in locked_account_list(actor=actor_of(paris_officer))] == ["paris"]


def test_administrator_unlocks_and_unlocking_an_unlocked_name_is_not_found(desk_officer: User) -> None:
    admin = UserFactory(username="root", role=Role.ADMINISTRATOR, clearance=Classification.TOP_SECRET)
    with pytest.raises(NotFound):
        account_unlock(actor=actor_of(admin), username="desk")
    lock(Client(), "desk")
    assert account_unlock(actor=actor_of(admin), username="desk") >= 1
    assert not lockout.username_is_locked("desk")


def test_the_audit_page_shows_the_lockout_to_a_security_officer(
    client: Client, desk_officer: User, security_officer: User
) -> None:
    lock(Client(), "desk")
    enable_totp(security_officer)
    client.force_login(security_officer)
    page = client.get("/audit/", {"action": "identity.locked_out"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "identity.locked_out" in html
    assert "<td>desk</td>" in html
    export = client.get("/audit/export.csv", {"action": "identity.locked_out"})
    rows = b"".join(export.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert len(rows) == 2
    assert "desk" in rows[1]
