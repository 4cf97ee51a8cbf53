"""A round's minutes (a vault document or a text): recorded by the lead department, kept internal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from chancery.agreements import negotiation
from chancery.agreements.models import Agreement, NegotiationRound
from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.platform.errors import InvalidInput, PermissionDenied
from chancery.vault import services as vault_services
from tests.agreements.conftest import make_agreement
from tests.conftest import actor_of, enable_totp

pytestmark = pytest.mark.django_db

BASE = "/api/v1/agreements"
MINUTES = "Both sides agreed to close chapter 3."


def signed_in(user: User) -> Client:
    if user.mfa_required:
        enable_totp(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def first_round(treaty_officer: User, legal_department: object) -> NegotiationRound:
    agreement = make_agreement()
    return negotiation.round_create(
        actor=actor_of(treaty_officer),
        agreement_id=agreement.pk,
        starts_on=dt.date(2025, 3, 1),
        ends_on=dt.date(2025, 3, 3),
        venue="Ha Noi",
    )


def _document(user: User, classification: int = 0) -> int:
    document = vault_services.document_upload(
        actor=actor_of(user),
        fields=vault_services.DocumentFields(title_en="Minutes", title_vi="Biên bản", classification=classification),
        upload=vault_services.upload_from_bytes(b"minutes", name="minutes.txt", content_type="text/plain"),
    )
    return int(document.pk)


def test_minutes_as_a_text_and_a_document_are_recorded_and_audited_without_content(
    treaty_officer: User, first_round: NegotiationRound
) -> None:
    document_id = _document(treaty_officer)
    negotiation.round_minutes_record(
        actor=actor_of(treaty_officer), round_id=first_round.pk, document_id=document_id, text=f"  {MINUTES} "
    )
    first_round.refresh_from_db()
    assert (first_round.minutes_document_id, first_round.minutes_text) == (document_id, MINUTES)
    audit = AuditEvent.objects.get(action="agreements.round_minutes_record")
    assert audit.detail == {"round": 1, "document_id": document_id, "has_text": True}
    assert MINUTES not in str(audit.detail)


@pytest.mark.parametrize(
    ("document", "text", "field"),
    [(None, "   ", "minutes"), (999_999, "", "document"), (None, "x" * 50_001, "text")],
)
def test_bad_minutes_name_the_field_and_save_nothing(
    treaty_officer: User, first_round: NegotiationRound, document: int | None, text: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        negotiation.round_minutes_record(
            actor=actor_of(treaty_officer), round_id=first_round.pk, document_id=document, text=text
        )
    assert list(excinfo.value.errors) == [field]
    first_round.refresh_from_db()
    assert (first_round.minutes_document_id, first_round.minutes_text) == (None, "")


def test_a_document_the_officer_cannot_read_is_refused(
    treaty_officer: User, other_department_officer: User, first_round: NegotiationRound
) -> None:
    hidden = _document(other_department_officer, classification=30)  # SECRET, another department's
    with pytest.raises(InvalidInput) as excinfo:
        negotiation.round_minutes_record(actor=actor_of(treaty_officer), round_id=first_round.pk, document_id=hidden)
    assert list(excinfo.value.errors) == ["document"]


def test_three_users_only_the_lead_department_records_and_partners_never_see_minutes(
    treaty_officer: User, other_department_officer: User, partner_user: User, first_round: NegotiationRound
) -> None:
    for outsider in (other_department_officer, partner_user):
        with pytest.raises(PermissionDenied):
            negotiation.round_minutes_record(actor=actor_of(outsider), round_id=first_round.pk, text="x")
    negotiation.round_minutes_record(actor=actor_of(treaty_officer), round_id=first_round.pk, text=MINUTES)
    agreement_id = first_round.agreement_id
    internal_page = signed_in(other_department_officer).get(reverse("agreements:negotiation", args=[agreement_id]))
    assert MINUTES in internal_page.content.decode()
    partner_page = signed_in(partner_user).get(reverse("agreements:negotiation", args=[agreement_id]))
    assert partner_page.status_code == 200
    assert MINUTES not in partner_page.content.decode()
    partner_api = signed_in(partner_user).get(f"{BASE}/{agreement_id}/negotiation").json()
    assert partner_api["rounds"][0]["minutes_text"] == ""
    internal_api = signed_in(treaty_officer).get(f"{BASE}/{agreement_id}/negotiation").json()
    assert internal_api["rounds"][0]["minutes_text"] == MINUTES


def test_the_negotiation_page_records_minutes(treaty_officer: User, first_round: NegotiationRound) -> None:
    client = signed_in(treaty_officer)
    url = reverse("agreements:round_minutes", args=[first_round.agreement_id])
    empty = client.post(url, {"minutes-round": first_round.pk, "minutes-text": ""})
    assert empty.status_code == 400
    assert empty.context["minutes_form"].non_field_errors()
    done = client.post(url, {"minutes-round": first_round.pk, "minutes-text": MINUTES})
    assert done.status_code == 302
    assert NegotiationRound.objects.get(pk=first_round.pk).minutes_text == MINUTES


def test_the_api_records_minutes_and_names_the_field(treaty_officer: User, first_round: NegotiationRound) -> None:
    client = signed_in(treaty_officer)
    url = f"{BASE}/rounds/{first_round.pk}/minutes"
    bad = client.post(url, {"document_id": 999_999}, content_type="application/json")
    assert bad.status_code == 422
    assert "document" in bad.json()["errors"]
    ok = client.post(url, {"text": MINUTES}, content_type="application/json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["minutes_text"] == MINUTES
    assert Agreement.objects.get(pk=first_round.agreement_id).rounds.get().minutes_text == MINUTES
