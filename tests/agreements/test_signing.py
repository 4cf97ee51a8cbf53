"""Signed texts: a vault version's hash signed with Ed25519 + ML-DSA, logged, verified, tampering detected."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chancery.agreements import signing
from chancery.agreements.models import Agreement, SignedText
from chancery.identity.models import User
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from chancery.transparency.models import LogEntry
from chancery.vault import services as vault_services
from tests.agreements.conftest import make_agreement
from tests.conftest import actor_of, enable_totp

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = b"Article 1. The Parties hereby establish a free trade area.\n"


@pytest.fixture
def agreement(legal_department: object) -> Agreement:
    return make_agreement()


@pytest.fixture
def document_id(treaty_officer: User) -> int:
    document = vault_services.document_upload(
        actor=actor_of(treaty_officer),
        fields=vault_services.DocumentFields(title_en="VJEPA text", title_vi="Văn bản VJEPA", classification=0),
        upload=vault_services.upload_from_bytes(TEXT, name="vjepa.txt", content_type="text/plain"),
    )
    return int(document.pk)


def _sign(user: User, agreement: Agreement, document_id: int) -> SignedText:
    return signing.signed_text_sign(
        actor=actor_of(user), agreement_id=agreement.pk, document_id=document_id, label="Authentic text in English"
    )


def test_sign_log_and_verify(treaty_officer: User, agreement: Agreement, document_id: int) -> None:
    signed = _sign(treaty_officer, agreement, document_id)
    assert signed.sha256 == hashlib.sha256(TEXT).hexdigest()
    digest = base64.b64encode(hashlib.sha256(TEXT).digest()).decode()
    assert signed.note.startswith(f"chancery.agreements.text/v1\n{agreement.pk}\n{digest}\n\n")
    verification = signing.signed_text_verify(
        actor=actor_of(treaty_officer), signed_text_id=signed.pk, file_sha256=hashlib.sha256(TEXT).hexdigest()
    )
    assert verification.valid
    assert len(verification.signers) == 2
    assert verification.file_matches is True
    assert LogEntry.objects.filter(record_type="agreements.event", record_id=f"signed-{signed.pk}").exists()


def test_tampered_note_does_not_verify(treaty_officer: User, agreement: Agreement, document_id: int) -> None:
    signed = _sign(treaty_officer, agreement, document_id)
    SignedText.objects.filter(pk=signed.pk).update(sha256="0" * 64)
    verification = signing.signed_text_verify(actor=actor_of(treaty_officer), signed_text_id=signed.pk)
    assert not verification.valid
    lines = signed.note.split("\n")
    lines[2] = base64.b64encode(b"\xff" * 32).decode()
    SignedText.objects.filter(pk=signed.pk).update(note="\n".join(lines), sha256="f" * 64)
    assert not signing.signed_text_verify(actor=actor_of(treaty_officer), signed_text_id=signed.pk).valid


def test_only_one_signature_is_not_enough(treaty_officer: User, agreement: Agreement, document_id: int) -> None:
    signed = _sign(treaty_officer, agreement, document_id)
    text, signatures = signed.note.split("\n\n", 1)
    SignedText.objects.filter(pk=signed.pk).update(note=text + "\n\n" + signatures.splitlines()[0] + "\n")
    verification = signing.signed_text_verify(actor=actor_of(treaty_officer), signed_text_id=signed.pk)
    assert not verification.valid
    assert len(verification.signers) == 1


def test_three_users(
    treaty_officer: User,
    other_department_officer: User,
    partner_user: User,
    eu_user: User,
    agreement: Agreement,
    document_id: int,
) -> None:
    with pytest.raises(PermissionDenied):
        _sign(other_department_officer, agreement, document_id)
    signed = _sign(treaty_officer, agreement, document_id)
    assert signing.signed_text_verify(actor=actor_of(other_department_officer), signed_text_id=signed.pk).valid
    assert signing.signed_text_verify(actor=actor_of(partner_user), signed_text_id=signed.pk).valid  # Japan is party
    with pytest.raises(NotFound):
        signing.signed_text_verify(actor=actor_of(eu_user), signed_text_id=signed.pk)


def test_unknown_document_names_the_field(treaty_officer: User, agreement: Agreement) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        _sign(treaty_officer, agreement, 999_999)
    assert list(excinfo.value.errors) == ["document"]
    assert not SignedText.objects.exists()


def test_verification_page_compares_a_file(
    client: Client, treaty_officer: User, agreement: Agreement, document_id: int
) -> None:
    signed = _sign(treaty_officer, agreement, document_id)
    enable_totp(treaty_officer) if treaty_officer.mfa_required else None
    client.force_login(treaty_officer)
    url = reverse("agreements:text_verify", args=[signed.pk])
    page = client.get(url)
    assert page.context["verification"].valid
    assert signed.sha256 in page.content.decode()
    other = client.post(url, {"file": SimpleUploadedFile("x.txt", b"something else")})
    assert other.context["verification"].file_matches is False
    same = client.post(url, {"file": SimpleUploadedFile("x.txt", TEXT)})
    assert same.context["verification"].file_matches is True
