"""Retention from the pages: legal holds and retention classes on a document, and the disposal overview.

Allowed: a security officer (``vault.retention``). Refused: a desk officer of the owning unit (other role)
and an officer of another mission; partners never reach these pages.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.vault import retention
from chancery.vault.models import Document, LegalHold, RetentionClass
from tests.conftest import actor_of, enable_totp
from tests.vault.helpers import upload

pytestmark = pytest.mark.django_db(transaction=True)


def client_for(user: User) -> Client:
    if user.mfa_required:
        enable_totp(user)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def five_years() -> RetentionClass:
    return RetentionClass.objects.create(
        code="five-years", name_en="Five years", name_vi="Năm năm", retention_days=1826
    )


def test_an_officer_sets_the_retention_class_and_places_and_releases_a_hold_from_the_document_page(
    security_officer: User, five_years: RetentionClass
) -> None:
    document = upload(actor_of(security_officer), title_en="Ministry minutes")
    client = client_for(security_officer)
    page = client.get(f"/vault/{document.pk}/").content.decode()
    assert "Retention and legal holds" in page
    assert "No legal hold." in page

    response = client.post(f"/vault/{document.pk}/retention/", {"retention_class": "five-years"})
    assert response.status_code == 302
    assert response["Location"] == f"/vault/{document.pk}/"
    document.refresh_from_db()
    assert document.retention_class == five_years
    assert document.dispose_after == document.created_at + timedelta(days=1826)

    client.post(f"/vault/{document.pk}/holds/", {"reason": "Inquiry 2026/14"})
    hold = LegalHold.objects.get(document=document)
    assert hold.reason == "Inquiry 2026/14"
    assert hold.placed_by_id == security_officer.pk
    page = client.get(f"/vault/{document.pk}/").content.decode()
    assert "Inquiry 2026/14" in page
    assert "in force" in page

    client.post(f"/vault/{document.pk}/holds/{hold.pk}/release/")
    hold.refresh_from_db()
    assert hold.released_at is not None
    actions = set(AuditEvent.objects.filter(object_id=str(document.pk)).values_list("action", flat=True))
    assert {"vault.retention_set", "vault.legal_hold_placed", "vault.legal_hold_released"} <= actions

    client.post(f"/vault/{document.pk}/retention/", {"retention_class": ""})
    cleared = Document.objects.get(pk=document.pk)
    assert cleared.retention_class is None
    assert cleared.dispose_after is None


def test_bad_input_on_the_retention_forms_is_a_message_and_changes_nothing(
    security_officer: User, five_years: RetentionClass
) -> None:
    document = upload(actor_of(security_officer))
    client = client_for(security_officer)
    page = client.post(f"/vault/{document.pk}/holds/", {"reason": "  "}, follow=True).content.decode()
    assert "Give a reason" in page
    page = client.post(f"/vault/{document.pk}/holds/", {"reason": "x" * 301}, follow=True).content.decode()
    assert "Give a reason" in page
    unknown = client.post(f"/vault/{document.pk}/retention/", {"retention_class": "forever"}, follow=True)
    assert "Unknown retention class" in unknown.content.decode()
    assert not LegalHold.objects.exists()
    assert Document.objects.get(pk=document.pk).retention_class is None
    assert client.post("/vault/999999/holds/", {"reason": "case"}).status_code == 404
    other = upload(actor_of(security_officer))
    hold = retention.legal_hold_place(actor=actor_of(security_officer), document_id=other.pk, reason="case")
    assert client.post(f"/vault/{document.pk}/holds/{hold.pk}/release/").status_code == 404  # not its hold
    assert LegalHold.objects.get(pk=hold.pk).released_at is None


def test_the_owner_and_another_missions_officer_are_refused(
    desk_officer: User, other_mission_officer: User, security_officer: User, five_years: RetentionClass
) -> None:
    document = upload(actor_of(desk_officer))
    hold = retention.legal_hold_place(actor=actor_of(security_officer), document_id=document.pk, reason="case")
    for user in (desk_officer, other_mission_officer):
        client = client_for(user)
        assert client.get("/vault/retention/").status_code == 403
        assert client.post(f"/vault/{document.pk}/holds/", {"reason": "mine"}).status_code == 403
        assert client.post(f"/vault/{document.pk}/holds/{hold.pk}/release/").status_code == 403
        assert client.post(f"/vault/{document.pk}/retention/", {"retention_class": "five-years"}).status_code == 403
    owner_page = client_for(desk_officer).get(f"/vault/{document.pk}/").content.decode()
    assert "Retention and legal holds" not in owner_page
    assert "/vault/retention/" not in owner_page  # no navigation entry either
    assert LegalHold.objects.get().released_at is None
    assert LegalHold.objects.count() == 1
    assert Document.objects.get(pk=document.pk).retention_class is None


def test_a_partner_is_refused(partner_user: User) -> None:
    assert client_for(partner_user).get("/vault/retention/").status_code == 403


def test_the_overview_lists_due_documents_hides_unreadable_titles_and_shows_what_was_destroyed(
    desk_officer: User, security_officer: User, cleared_officer: User
) -> None:
    owner = actor_of(desk_officer)
    due = upload(owner, title_en="Due tokyo minutes")
    held = upload(owner, title_en="Held tokyo minutes")
    soon = upload(owner, title_en="Soon tokyo minutes")
    own = upload(actor_of(security_officer), title_en="Ministry circular")
    secret = upload(actor_of(cleared_officer), title_en="Secret cable notes", classification=Classification.SECRET)
    now = timezone.now()
    Document.objects.filter(pk__in=[due.pk, held.pk, own.pk, secret.pk]).update(dispose_after=now - timedelta(days=1))
    Document.objects.filter(pk=soon.pk).update(dispose_after=now + timedelta(days=3))
    client = client_for(security_officer)
    page = client.get("/vault/retention/").content.decode()
    assert f"#{due.pk}" in page
    assert f"#{soon.pk}" in page
    assert "Ministry circular" in page  # readable: its own unit
    assert "tokyo minutes" not in page  # another unit's: number only
    assert "Secret cable notes" not in page

    response = client.post(f"/vault/{held.pk}/holds/", {"reason": "Audit 7", "back": "retention"})
    assert response["Location"] == "/vault/retention/"
    page = client.get("/vault/retention/").content.decode()
    assert page.count("On hold: will not be disposed of") == 1

    disposed = retention.disposal_run(actor=Actor.system(purpose="test"))
    assert sorted(disposed) == sorted([due.pk, own.pk, secret.pk])
    page = client.get("/vault/retention/").content.decode()
    assert "What was destroyed" in page
    assert "retention period ended" in page
    assert page.count("retention period ended") == 3
    assert "Secret cable notes" not in page


def test_the_overview_reads_a_fixed_number_of_queries_however_many_documents_are_due(
    desk_officer: User, security_officer: User
) -> None:
    owner = actor_of(desk_officer)
    client = client_for(security_officer)

    def make_due(count: int) -> None:
        ids = [upload(owner, f"due {i}".encode()).pk for i in range(count)]
        Document.objects.filter(pk__in=ids).update(dispose_after=timezone.now() - timedelta(days=1))

    make_due(2)
    client.get("/vault/retention/")  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/vault/retention/").status_code == 200
    make_due(6)
    retention.disposal_run(actor=Actor.system(purpose="test"))
    make_due(4)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/vault/retention/").content.decode()
    assert page.count("Reason to hold document") == 4
    assert page.count("retention period ended") == 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_anonymous_visitors_are_sent_to_sign_in(desk_officer: User) -> None:
    document = upload(actor_of(desk_officer))
    client = Client()
    for method, path in (
        ("get", "/vault/retention/"),
        ("post", f"/vault/{document.pk}/holds/"),
        ("post", f"/vault/{document.pk}/holds/1/release/"),
        ("post", f"/vault/{document.pk}/retention/"),
    ):
        response = getattr(client, method)(path)
        assert response.status_code == 302, path
        assert "/accounts/login/" in response["Location"] or "login" in response["Location"], path
    assert not LegalHold.objects.exists()
