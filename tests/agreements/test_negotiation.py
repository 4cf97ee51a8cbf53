"""A negotiation end to end through the pages; positions internal; partner comments kept apart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from chancery.agreements import negotiation
from chancery.agreements.models import Agreement, NegotiationComment, NegotiationRound, Party
from chancery.identity.models import User
from chancery.platform.errors import InvalidInput, PermissionDenied
from chancery.transparency.models import LogEntry
from chancery.transparency.verify import log_verify
from chancery.vault import services as vault_services
from tests.agreements.conftest import make_agreement
from tests.conftest import actor_of, enable_totp

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(user: User) -> Client:
    if user.mfa_required:
        enable_totp(user)
    client = Client()
    client.force_login(user)
    return client


def _upload(user: User, text: str, title: str) -> int:
    document = vault_services.document_upload(
        actor=actor_of(user),
        fields=vault_services.DocumentFields(title_en=title, title_vi=title, classification=0),
        upload=vault_services.upload_from_bytes(text.encode(), name="draft.txt", content_type="text/plain"),
    )
    return int(document.pk)


def test_negotiation_end_to_end_in_the_browser(treaty_officer: User, legal_department: object) -> None:
    client = signed_in(treaty_officer)
    response = client.post(
        reverse("agreements:agreement_create"),
        {
            "short_name": "VN-JP MOU",
            "title_en": "Memorandum on trade",
            "kind": "mou",
            "scope": "bilateral",
            "lead_department": "dept-law",
            "classification": "0",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    agreement = Agreement.objects.get(short_name="VN-JP MOU")
    for code in ("VN", "JP"):
        assert (
            client.post(reverse("agreements:party_add", args=[agreement.pk]), {"country_code": code}).status_code == 302
        )
    event_url = reverse("agreements:event_record", args=[agreement.pk])
    opened = {
        "kind": "negotiations_opened",
        "party": "",
        "date": "2025-01-10",
        "date_precision": "day",
        "source": "MFA",
    }
    assert client.post(event_url, opened).status_code == 302
    rounds_url = reverse("agreements:round_create", args=[agreement.pk])
    for start in ("2025-02-01", "2025-04-01"):
        data = {"starts_on": start, "ends_on": start, "venue": "Ha Noi", "outcome_summary": "Progress on chapter 2"}
        assert client.post(rounds_url, data).status_code == 302
    bad = client.post(rounds_url, {"starts_on": "2025-05-02", "ends_on": "2025-05-01", "venue": "Tokyo"})
    assert bad.status_code == 400
    assert "ends_on" in bad.context["round_form"].errors
    rounds = list(NegotiationRound.objects.filter(agreement=agreement))
    first = _upload(treaty_officer, "The Parties shall cooperate on trade.", "Draft 1")
    second = _upload(treaty_officer, "The Parties shall cooperate closely on trade and investment.", "Draft 2")
    drafts_url = reverse("agreements:draft_attach", args=[agreement.pk])
    assert client.post(drafts_url, {"round": rounds[0].pk, "label": "Draft 1", "document": first}).status_code == 302
    assert client.post(drafts_url, {"round": rounds[1].pk, "label": "Draft 2", "document": second}).status_code == 302
    page = client.get(reverse("agreements:negotiation", args=[agreement.pk]))
    (_, none), (second_draft, previous) = page.context["n"].draft_rows
    assert none is None
    redline = client.get(
        reverse("agreements:draft_redline", args=[agreement.pk]), {"old": previous.pk, "new": second_draft.pk}
    )
    assert "<ins>closely </ins>" in redline.content.decode()
    positions_url = reverse("agreements:position_create", args=[agreement.pk])
    position = {"issue": "Rules of origin", "body": "Hold at 40%", "classification": "20"}
    assert client.post(positions_url, position).status_code == 302
    concluded = {"kind": "concluded", "party": "", "date": "2025-06-01", "date_precision": "day", "source": "MFA"}
    assert client.post(event_url, concluded).status_code == 302
    vn = Party.objects.get(agreement=agreement, country_code="VN").pk
    signature = {"kind": "signature", "party": vn, "date": "2025-07-01", "date_precision": "day", "source": "MFA"}
    assert client.post(event_url, signature).status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).status == "signed"
    sign = client.post(
        reverse("agreements:text_sign", args=[agreement.pk]), {"label": "Signed text", "document": second}
    )
    assert sign.status_code == 302
    assert client.get(sign["Location"]).context["verification"].valid
    logged = set(LogEntry.objects.filter(record_type="agreements.event").values_list("record_id", flat=True))
    kinds = {record_id.split("-")[0] for record_id in logged}
    assert kinds == {"agreement", "party", "event", "round", "draft", "signed"}
    assert len([r for r in logged if r.startswith("event-")]) == 3
    report = log_verify()
    assert report.ok, report.findings


def test_positions_are_internal_and_cleared(
    treaty_officer: User, other_department_officer: User, partner_user: User, legal_department: object
) -> None:
    agreement = make_agreement()
    negotiation.position_create(
        actor=actor_of(treaty_officer), agreement_id=agreement.pk, issue="Tariffs", body="x", classification=20
    )
    assert [
        p.issue
        for p in negotiation.negotiation_get(actor=actor_of(treaty_officer), agreement_id=agreement.pk).positions
    ] == ["Tariffs"]
    assert (
        negotiation.negotiation_get(actor=actor_of(other_department_officer), agreement_id=agreement.pk).positions == []
    )
    assert negotiation.negotiation_get(actor=actor_of(partner_user), agreement_id=agreement.pk).positions == []
    with pytest.raises(PermissionDenied):
        negotiation.position_create(
            actor=actor_of(other_department_officer), agreement_id=agreement.pk, issue="x", body="y"
        )
    with pytest.raises(InvalidInput) as excinfo:
        negotiation.position_create(
            actor=actor_of(treaty_officer), agreement_id=agreement.pk, issue="x", body="y", classification=40
        )
    assert list(excinfo.value.errors) == ["classification"]


def test_partner_comments_are_kept_apart(treaty_officer: User, partner_user: User, legal_department: object) -> None:
    from tests.factories import OrganisationFactory, UserFactory

    other_partner_org = OrganisationFactory(code="mofa-japan-2", kind="partner_ministry", country_code="JP")
    other_partner = UserFactory(username="jp2", role="partner", organisation=other_partner_org, clearance=10)
    agreement = make_agreement()
    negotiation.comment_add(actor=actor_of(treaty_officer), agreement_id=agreement.pk, body="internal view")
    negotiation.comment_add(actor=actor_of(partner_user), agreement_id=agreement.pk, body="our view")
    negotiation.comment_add(actor=actor_of(other_partner), agreement_id=agreement.pk, body="other ministry's view")
    assert NegotiationComment.objects.get(body="our view").side == "partner"
    internal = negotiation.negotiation_get(actor=actor_of(treaty_officer), agreement_id=agreement.pk).comments
    assert {c.body for c in internal} == {"internal view", "our view", "other ministry's view"}
    partner = negotiation.negotiation_get(actor=actor_of(partner_user), agreement_id=agreement.pk).comments
    assert [c.body for c in partner] == ["our view"]
    with pytest.raises(InvalidInput) as excinfo:
        negotiation.comment_add(actor=actor_of(partner_user), agreement_id=agreement.pk, body="  ")
    assert list(excinfo.value.errors) == ["body"]


def test_round_dates_are_checked(treaty_officer: User, legal_department: object) -> None:
    agreement = make_agreement()
    with pytest.raises(InvalidInput) as excinfo:
        negotiation.round_create(
            actor=actor_of(treaty_officer),
            agreement_id=agreement.pk,
            starts_on=dt.date(2025, 1, 2),
            ends_on=dt.date(2025, 1, 1),
            venue="Ha Noi",
        )
    assert list(excinfo.value.errors) == ["ends_on"]
    assert not NegotiationRound.objects.exists()
