"""Webhook pages and API: administrators subscribe, see deliveries and replay; others are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.enums import Classification
from chancery.resilience.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.api.conftest import assert_problem, bearer, issue_token
from tests.conftest import enable_totp
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings: Any) -> None:
    settings.WEBHOOK_ALLOWLIST = ["127.0.0.1"]
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def partner() -> Organisation:
    return OrganisationFactory(code="mofa-japan", kind="partner_ministry", country_code="JP", name_en="MOFA Japan")


@pytest.fixture
def administrator(ministry: Organisation) -> User:
    return UserFactory(
        username="admin", role=Role.ADMINISTRATOR, organisation=ministry, clearance=Classification.SECRET
    )


def test_an_administrator_subscribes_through_the_page_and_sees_the_secret_once(
    client: Client, administrator: User, partner: Organisation
) -> None:
    enable_totp(administrator)
    client.force_login(administrator)
    page = client.get("/webhooks/")
    assert page.status_code == 200
    assert "MOFA Japan" in page.content.decode()
    created = client.post(
        "/webhooks/",
        {"organisation": "mofa-japan", "url": "http://127.0.0.1:9/hook", "event_types": ["document.shared"]},
    )
    assert created.status_code == 201
    assert "whsec_" in created.content.decode()
    subscription = WebhookSubscription.objects.get()
    detail = client.get(f"/webhooks/{subscription.pk}/")
    assert detail.status_code == 200
    assert "whsec_" not in detail.content.decode()


def test_a_private_endpoint_is_a_form_error_on_the_page(
    client: Client, settings: Any, administrator: User, partner: Organisation
) -> None:
    settings.WEBHOOK_ALLOWLIST = []
    enable_totp(administrator)
    client.force_login(administrator)
    response = client.post(
        "/webhooks/", {"organisation": "mofa-japan", "url": "http://10.0.0.5/", "event_types": ["document.shared"]}
    )
    assert response.status_code == 422
    assert "private" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_replay_from_the_page_queues_a_new_delivery(client: Client, administrator: User, partner: Organisation) -> None:
    enable_totp(administrator)
    client.force_login(administrator)
    client.post(
        "/webhooks/",
        {"organisation": "mofa-japan", "url": "http://127.0.0.1:9/hook", "event_types": ["document.shared"]},
    )
    subscription = WebhookSubscription.objects.get()
    original = WebhookDelivery.objects.create(
        subscription=subscription, message_id="msg_1", event_type="document.shared", payload={"a": 1}, status="failed"
    )
    response = client.post(f"/webhooks/{subscription.pk}/deliveries/{original.pk}/replay/")
    assert response.status_code == 302
    assert WebhookDelivery.objects.filter(replay_of=original).count() == 1


def test_pages_refuse_other_roles_and_partners(
    client: Client, security_officer: User, partner: Organisation, desk_officer: User
) -> None:
    partner_user = UserFactory(username="jp", role=Role.PARTNER, organisation=partner)
    enable_totp(security_officer)
    for user in (security_officer, desk_officer, partner_user):
        client.force_login(user)
        assert client.get("/webhooks/").status_code == 403


def test_the_api_creates_lists_and_refuses(
    client: Client, administrator: User, security_officer: User, partner: Organisation
) -> None:
    admin = bearer(issue_token(administrator, ["webhooks:admin"]).secret)
    created = client.post(
        "/api/v1/webhooks/subscriptions",
        {"organisation": "mofa-japan", "url": "http://127.0.0.1:9/", "event_types": ["agreement.status_changed"]},
        content_type="application/json",
        **admin,
    )
    assert created.status_code == 201, created.content
    assert created.json()["secret"].startswith("whsec_")
    listed = client.get("/api/v1/webhooks/subscriptions", **admin).json()
    assert [item["organisation"] for item in listed["items"]] == ["mofa-japan"]
    assert "secret" not in listed["items"][0]
    bad = client.post(
        "/api/v1/webhooks/subscriptions",
        {"organisation": "mofa-japan", "url": "http://169.254.169.254/", "event_types": ["document.shared"]},
        content_type="application/json",
        **admin,
    )
    assert "url" in assert_problem(bad, 422, "invalid-input")["errors"]
    officer = bearer(issue_token(security_officer, ["webhooks:admin"]).secret)
    assert_problem(client.get("/api/v1/webhooks/deliveries", **officer), 403)
