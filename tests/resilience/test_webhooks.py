"""Webhooks: subscriptions by administrators, Standard Webhooks signatures, what each partner may receive,
retries with backoff, replay, and the endpoint refusals (private addresses, redirects, slow answers)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from unittest import mock

import pytest
from standardwebhooks import Webhook

from chancery.agreements import services as agreement_services
from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from chancery.platform.enums import TLP, Classification
from chancery.platform.errors import InvalidInput, PermissionDenied
from chancery.resilience.webhooks import services, signing
from chancery.resilience.webhooks.enums import DeliveryStatus
from chancery.resilience.webhooks.models import WebhookDelivery, WebhookSubscription
from chancery.resilience.webhooks.sealed_secret import secret_open
from chancery.vault import services as vault_services
from chancery.vault.key_holders import key_holders
from tests.conftest import actor_of
from tests.factories import OrganisationFactory, UserFactory
from tests.resilience.webhooks_fake_server import Behaviour, fake_endpoint
from tests.vault.helpers import upload

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(purpose="tests")


@pytest.fixture(autouse=True)
def _local_endpoints(settings: Any) -> None:
    settings.WEBHOOK_ALLOWLIST = ["127.0.0.1"]
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    settings.WEBHOOK_MAX_ATTEMPTS = 3


@pytest.fixture
def partner_japan() -> Organisation:
    return OrganisationFactory(code="mofa-japan", kind="partner_ministry", country_code="JP", name_en="MOFA Japan")


@pytest.fixture
def partner_france() -> Organisation:
    return OrganisationFactory(code="mae-france", kind="partner_ministry", country_code="FR", name_en="MAE France")


@pytest.fixture
def administrator(ministry: Organisation) -> User:
    return UserFactory(
        username="admin", role=Role.ADMINISTRATOR, organisation=ministry, clearance=Classification.SECRET
    )


def subscribe(admin: User, organisation: Organisation, url: str, *types: str) -> services.NewSubscription:
    return services.subscription_create(
        actor=actor_of(admin),
        organisation_code=organisation.code,
        url=url,
        event_types=list(types) or ["document.shared"],
    )


def share(owner: User, organisation: Organisation, **fields: Any) -> None:
    document = upload(actor_of(owner), **fields)
    vault_services.share_create(actor=actor_of(owner), document_id=document.pk, organisation_code=organisation.code)


# --- Subscriptions and permissions -------------------------------------------------------------------


def test_administrator_subscribes_a_partner_and_the_secret_is_sealed_at_rest(
    administrator: User, partner_japan: Organisation
) -> None:
    created = subscribe(administrator, partner_japan, "http://127.0.0.1:9/hook")
    stored = WebhookSubscription.objects.get(pk=created.subscription.pk)
    assert created.secret.startswith("whsec_")
    assert created.secret.encode() not in bytes(stored.secret_sealed)
    assert secret_open(stored) == created.secret
    assert "webhooks.subscription" in {holder.name for holder in key_holders()}
    event = AuditEvent.objects.get(action="webhooks.subscription_created")
    assert created.secret not in json.dumps(event.detail)


def test_only_ministry_administrators_manage_webhooks(
    administrator: User, security_officer: User, partner_japan: Organisation
) -> None:
    partner_user = UserFactory(username="jp", role=Role.PARTNER, organisation=partner_japan)
    assert subscribe(administrator, partner_japan, "http://127.0.0.1:9/").subscription.pk
    for refused in (security_officer, partner_user):  # other role; the partner itself
        with pytest.raises(PermissionDenied):
            subscribe(refused, partner_japan, "http://127.0.0.1:9/")


def test_only_partner_organisations_and_known_event_types_are_accepted(
    administrator: User, mission_tokyo: Organisation, partner_japan: Organisation
) -> None:
    with pytest.raises(InvalidInput) as internal:
        subscribe(administrator, mission_tokyo, "http://127.0.0.1:9/")
    assert "organisation" in internal.value.errors
    with pytest.raises(InvalidInput) as unknown:
        subscribe(administrator, partner_japan, "http://127.0.0.1:9/", "vault.everything")
    assert "event_types" in unknown.value.errors
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://192.168.0.10:8080/",
        "http://localhost:9/",
        "ftp://example.org/",
        "http://user:pw@127.0.0.1/",
    ],
)
def test_private_or_malformed_endpoints_are_refused(
    settings: Any, administrator: User, partner_japan: Organisation, url: str
) -> None:
    settings.WEBHOOK_ALLOWLIST = []
    with pytest.raises(InvalidInput) as refused:
        subscribe(administrator, partner_japan, url)
    assert "url" in refused.value.errors


# --- Deliveries -------------------------------------------------------------------------------------


def test_a_share_is_delivered_signed_and_verifies_with_the_standardwebhooks_package(
    administrator: User, desk_officer: User, partner_japan: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    behaviour = Behaviour(status=200)
    with fake_endpoint(behaviour) as base:
        created = subscribe(administrator, partner_japan, f"{base}/hooks/chancery")
        with django_capture_on_commit_callbacks(execute=True):
            share(desk_officer, partner_japan, title_en="Fisheries note")
    assert len(behaviour.received) == 1
    request = behaviour.received[0]
    assert request.path == "/hooks/chancery"
    verified = Webhook(created.secret).verify(request.body, request.headers)  # raises if the signature is wrong
    assert verified["type"] == "document.shared"
    assert verified["data"]["document"]["title_en"] == "Fisheries note"
    delivery = WebhookDelivery.objects.get()
    assert request.headers["webhook-id"] == delivery.message_id
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 1, 200)
    with pytest.raises(Exception, match=r"[Ss]ignature"):
        Webhook(signing.secret_new()).verify(request.body, request.headers)


def test_partners_get_only_what_they_may_see(
    administrator: User,
    desk_officer: User,
    partner_japan: Organisation,
    partner_france: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    japan, france = Behaviour(), Behaviour()
    with fake_endpoint(japan) as japan_url, fake_endpoint(france) as france_url:
        subscribe(administrator, partner_japan, japan_url, "document.shared", "agreement.status_changed")
        subscribe(administrator, partner_france, france_url, "document.shared", "agreement.status_changed")
        with django_capture_on_commit_callbacks(execute=True):
            share(desk_officer, partner_japan)  # shared with Japan only
        agreement = agreement_services.agreement_create(
            actor=SYSTEM, short_name="VJEPA", title_en="VJEPA", kind="agreement", scope="bilateral"
        )
        agreement_services.party_add(actor=SYSTEM, agreement_id=agreement.pk, country_code="JP")
        with django_capture_on_commit_callbacks(execute=True):
            agreement_services.event_record(
                actor=SYSTEM,
                agreement_id=agreement.pk,
                kind="negotiations_opened",
                on=dt.date(2006, 1, 1),
                source="press release",
            )
    assert sorted(json.loads(r.body)["type"] for r in japan.received) == ["agreement.status_changed", "document.shared"]
    assert france.received == []  # not shared with France, and France is no party
    status = next(json.loads(r.body) for r in japan.received if b"status_changed" in r.body)
    assert status["data"]["status"] == "negotiation"


def test_an_unchanged_status_or_a_document_above_internal_emits_nothing(
    administrator: User, desk_officer: User, partner_japan: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(administrator, partner_japan, "http://127.0.0.1:9/", "document.shared")
    internal_share = Organisation.objects.get(code="emb-tokyo")
    with django_capture_on_commit_callbacks(execute=True):
        share(desk_officer, internal_share, tlp=TLP.AMBER)  # an internal share is no partner event
    assert not WebhookDelivery.objects.exists()


def test_failures_are_retried_with_exponential_backoff_then_given_up(
    administrator: User, desk_officer: User, partner_japan: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    behaviour = Behaviour(status=500)
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with fake_endpoint(behaviour) as base:
        subscribe(administrator, partner_japan, base)
        with mock.patch("django.utils.timezone.now", return_value=start):
            with django_capture_on_commit_callbacks(execute=True):
                share(desk_officer, partner_japan)
            delivery = WebhookDelivery.objects.get()
            assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
            assert delivery.next_attempt_at == start + dt.timedelta(seconds=30)
            assert services.deliveries_retry_due(actor=SYSTEM) == 0  # not due yet
        with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(seconds=31)):
            assert services.deliveries_retry_due(actor=SYSTEM) == 1
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert delivery.next_attempt_at == start + dt.timedelta(seconds=31 + 60)
        with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(seconds=92)):
            assert services.deliveries_retry_due(actor=SYSTEM) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert delivery.next_attempt_at is None
    assert len(behaviour.received) == 3
    outcomes = list(AuditEvent.objects.filter(action="webhooks.delivery_attempted").values_list("outcome", flat=True))
    assert outcomes == ["failure", "failure", "failure"]


def test_a_redirect_to_a_private_address_is_not_followed(
    administrator: User, desk_officer: User, partner_japan: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    inner = Behaviour()
    with fake_endpoint(inner) as inner_url:
        outer = Behaviour(status=307, location=f"{inner_url}/admin")
        with fake_endpoint(outer) as outer_url:
            subscribe(administrator, partner_japan, outer_url)
            with django_capture_on_commit_callbacks(execute=True):
                share(desk_officer, partner_japan)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.last_status_code, delivery.last_error) == (307, "redirect not followed")
    assert delivery.status == DeliveryStatus.PENDING
    assert inner.received == []


def test_a_slow_endpoint_times_out_and_the_delivery_stays_due(
    administrator: User, desk_officer: User, partner_japan: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    behaviour = Behaviour(delay=2.5)
    with fake_endpoint(behaviour) as base:
        subscribe(administrator, partner_japan, base)
        with django_capture_on_commit_callbacks(execute=True):
            share(desk_officer, partner_japan)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_error, delivery.last_status_code) == ("pending", "timed out", None)


def test_an_endpoint_that_later_resolves_privately_is_refused_at_delivery(
    settings: Any,
    administrator: User,
    desk_officer: User,
    partner_japan: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscribe(administrator, partner_japan, "http://127.0.0.1:9/")
    settings.WEBHOOK_ALLOWLIST = []
    with django_capture_on_commit_callbacks(execute=True):
        share(desk_officer, partner_japan)
    delivery = WebhookDelivery.objects.get()
    assert "private" in delivery.last_error
    assert delivery.last_status_code is None


def test_a_delivery_can_be_replayed_as_a_new_signed_message(
    administrator: User, desk_officer: User, partner_japan: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    behaviour = Behaviour()
    with fake_endpoint(behaviour) as base:
        created = subscribe(administrator, partner_japan, base)
        with django_capture_on_commit_callbacks(execute=True):
            share(desk_officer, partner_japan)
        original = WebhookDelivery.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            replay = services.delivery_replay(actor=actor_of(administrator), delivery_id=original.pk)
    replay.refresh_from_db()
    assert replay.replay_of_id == original.pk
    assert replay.status == DeliveryStatus.SUCCEEDED
    assert replay.message_id != original.message_id
    first, second = (Webhook(created.secret).verify(r.body, r.headers) for r in behaviour.received)
    assert first["data"] == second["data"]
    with pytest.raises(PermissionDenied):
        services.delivery_replay(actor=actor_of(desk_officer), delivery_id=original.pk)


def test_rotating_the_secret_signs_later_attempts_with_the_new_one(
    administrator: User, desk_officer: User, partner_japan: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    behaviour = Behaviour()
    with fake_endpoint(behaviour) as base:
        created = subscribe(administrator, partner_japan, base)
        rotated = services.subscription_secret_rotate(
            actor=actor_of(administrator), subscription_id=created.subscription.pk
        )
        with django_capture_on_commit_callbacks(execute=True):
            share(desk_officer, partner_japan)
    assert rotated.secret != created.secret
    Webhook(rotated.secret).verify(behaviour.received[0].body, behaviour.received[0].headers)


def test_a_deactivated_subscription_gets_nothing_more(
    administrator: User, desk_officer: User, partner_japan: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    created = subscribe(administrator, partner_japan, "http://127.0.0.1:9/")
    services.subscription_deactivate(actor=actor_of(administrator), subscription_id=created.subscription.pk)
    with django_capture_on_commit_callbacks(execute=True):
        share(desk_officer, partner_japan)
    assert not WebhookDelivery.objects.exists()


def test_a_webhook_failure_never_undoes_or_breaks_the_domain_change(
    administrator: User, desk_officer: User, partner_japan: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(administrator, partner_japan, "http://127.0.0.1:9/")
    with (
        mock.patch.object(services, "_deliveries_create", side_effect=RuntimeError("database hiccup")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        share(desk_officer, partner_japan)
    assert AuditEvent.objects.filter(action="vault.document_shared").count() == 1
    assert not WebhookDelivery.objects.exists()
