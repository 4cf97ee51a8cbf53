"""Reporting and triaging phishing: three users per rule, pages, API, and the STIX indicators it makes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chancery.awareness import selectors, services
from chancery.awareness.enums import IndicatorKind, ReportStatus
from chancery.awareness.models import PhishingReport
from chancery.identity.models import User
from chancery.platform.enums import TLP
from chancery.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chancery.threatintel.enums import Source
from chancery.threatintel.models import Collection, StixObject
from tests.awareness.mails import PHISH
from tests.conftest import actor_of, enable_totp

pytestmark = pytest.mark.django_db


def test_staff_report_and_only_attachment_hashes_are_kept(desk_officer: User) -> None:
    report = services.phishing_report_submit(actor=actor_of(desk_officer), data=PHISH)
    kinds = sorted((i.kind, i.value) for i in report.indicators.all())
    assert (IndicatorKind.SENDER, "helpdesk@mofa-login.example") in kinds
    assert (IndicatorKind.REPLY_TO, "collect@evil.example") in kinds
    assert (IndicatorKind.URL, "https://mofa-login.example/reset?u=42") in kinds
    attachment = report.indicators.get(kind=IndicatorKind.ATTACHMENT)
    assert len(attachment.value) == 64
    assert "invoice.exe" in attachment.detail
    assert report.organisation_id == desk_officer.organisation_id


def test_partners_cannot_report_and_hostile_input_is_refused(desk_officer: User, partner_user: User) -> None:
    with pytest.raises(PermissionDenied):
        services.phishing_report_submit(actor=actor_of(partner_user), data=PHISH)
    with pytest.raises(InvalidInput) as refused:
        services.phishing_report_submit(actor=actor_of(desk_officer), data=b"")
    assert "message" in refused.value.errors
    assert not PhishingReport.objects.exists()


def test_visibility_reporter_security_officer_and_others(
    desk_officer: User, other_mission_officer: User, security_officer: User, partner_user: User
) -> None:
    report = services.phishing_report_submit(actor=actor_of(desk_officer), data=PHISH)
    assert selectors.phishing_report_get(actor=actor_of(desk_officer), report_id=report.pk) == report
    assert selectors.phishing_report_get(actor=actor_of(security_officer), report_id=report.pk) == report
    for outsider in (other_mission_officer, partner_user):
        with pytest.raises(NotFound):
            selectors.phishing_report_get(actor=actor_of(outsider), report_id=report.pk)
        assert not selectors.phishing_report_list(actor=actor_of(outsider)).exists()


def test_confirming_shares_stix_indicators_with_provenance(
    desk_officer: User, security_officer: User, collection: Collection
) -> None:
    report = services.phishing_report_submit(actor=actor_of(desk_officer), data=PHISH)
    triaged = services.phishing_report_triage(
        actor=actor_of(security_officer), report=report, confirm=True, collection_id=str(collection.uuid)
    )
    assert triaged.status == ReportStatus.CONFIRMED
    indicators = StixObject.objects.filter(collection=collection, stix_type="indicator")
    assert sorted(triaged.stix_ids) == sorted(indicators.values_list("stix_id", flat=True))
    patterns = {o.body["pattern"] for o in indicators}
    assert "[email-addr:value = 'helpdesk@mofa-login.example']" in patterns
    assert "[url:value = 'https://mofa-login.example/reset?u=42']" in patterns
    assert "[domain-name:value = 'evil.example']" in patterns
    assert any(p.startswith("[file:hashes.'SHA-256' = '") for p in patterns)
    assert {o.source for o in indicators} == {Source.PHISHING}
    assert {o.tlp for o in indicators} == {TLP.AMBER}
    with pytest.raises(Conflict):
        services.phishing_report_triage(actor=actor_of(security_officer), report=triaged, confirm=False)


def test_triage_rule_three_users(
    desk_officer: User, other_mission_officer: User, security_officer: User, partner_user: User, collection: Collection
) -> None:
    report = services.phishing_report_submit(actor=actor_of(desk_officer), data=PHISH)
    for refused in (desk_officer, other_mission_officer, partner_user):
        with pytest.raises(PermissionDenied):
            services.phishing_report_triage(actor=actor_of(refused), report=report, confirm=False)
    with pytest.raises(InvalidInput):
        services.phishing_report_triage(actor=actor_of(security_officer), report=report, confirm=True)
    with pytest.raises(NotFound):
        services.phishing_report_triage(
            actor=actor_of(security_officer), report=report, confirm=True, collection_id="not-a-collection"
        )
    dismissed = services.phishing_report_triage(actor=actor_of(security_officer), report=report, confirm=False)
    assert dismissed.status == ReportStatus.DISMISSED
    assert not StixObject.objects.exists()


def test_report_and_triage_pages(
    client: Client, desk_officer: User, security_officer: User, collection: Collection
) -> None:
    client.force_login(desk_officer)
    upload = SimpleUploadedFile("phish.eml", PHISH, content_type="message/rfc822")
    response = client.post("/awareness/phishing/", {"message": upload}, follow=True)
    page = response.content.decode()
    assert "helpdesk@mofa-login.example" in page
    assert "<script>" not in page  # nothing of the message is rendered as HTML
    assert 'href="https://mofa-login.example' not in page  # URLs are text, never links
    report = PhishingReport.objects.get()
    assert client.post(f"/awareness/phishing/{report.pk}/", {"decision": "dismiss"}).status_code == 403

    enable_totp(security_officer)
    client.force_login(security_officer)
    triaged = client.post(
        f"/awareness/phishing/{report.pk}/",
        {"decision": "confirm", "collection": str(collection.uuid), "note": "known campaign"},
        follow=True,
    )
    assert triaged.status_code == 200
    report.refresh_from_db()
    assert report.status == ReportStatus.CONFIRMED
    assert report.triage_note == "known campaign"


def test_report_api(client: Client, desk_officer: User) -> None:
    client.force_login(desk_officer)
    upload = SimpleUploadedFile("phish.eml", PHISH, content_type="message/rfc822")
    created = client.post("/api/v1/awareness/phishing-reports", {"message": upload})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["sender"] == "helpdesk@mofa-login.example"
    assert {i["kind"] for i in body["indicators"]} >= {"sender", "url", "domain", "attachment"}
    listing = client.get("/api/v1/awareness/phishing-reports").json()
    assert [r["id"] for r in listing["items"]] == [body["id"]]
    refused = client.post(
        f"/api/v1/awareness/phishing-reports/{body['id']}/triage",
        {"decision": "dismiss"},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_a_confirmed_report_seeds_a_drill_template(
    client: Client, desk_officer: User, security_officer: User, collection: Collection
) -> None:
    from chancery.awareness.demo import awareness_demo_seed
    from chancery.awareness.drills import drill_template_from_report
    from chancery.awareness.models import DrillTemplate

    course = awareness_demo_seed()
    report = services.phishing_report_submit(actor=actor_of(desk_officer), data=PHISH)
    officer = actor_of(security_officer)
    with pytest.raises(Conflict):
        drill_template_from_report(actor=officer, report_id=report.pk, course_id=course.pk)
    with pytest.raises(PermissionDenied):
        drill_template_from_report(actor=actor_of(desk_officer), report_id=report.pk, course_id=course.pk)
    services.phishing_report_triage(actor=officer, report=report, confirm=True, collection_id=str(collection.uuid))
    enable_totp(security_officer)
    client.force_login(security_officer)
    response = client.post(f"/awareness/phishing/{report.pk}/", {"seed_course": course.pk})
    assert response.status_code == 302
    seeded = DrillTemplate.objects.latest("pk")
    assert str(report.pk) in seeded.name  # "From report N", in the officer's language
    assert seeded.sender_address == "helpdesk@mofa-login.example"
    assert seeded.subject == "Mật khẩu sắp hết hạn"
    assert "{link}" in seeded.body
