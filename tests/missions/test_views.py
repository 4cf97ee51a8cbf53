"""The organisations directory, organisation/mission pages and post report pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation, PostReport
from chancery.platform.enums import Classification
from tests.conftest import enable_totp
from tests.factories import MissionFactory, UserFactory
from tests.missions.factories import PostReportFactory

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: User) -> Client:
    if user.mfa_required:
        enable_totp(user)
    client.force_login(user)
    return client


def test_pages_require_sign_in(client: Client) -> None:
    for name in ("missions:organisation_list", "missions:report_list", "missions:report_create"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_directory_lists_organisations_filtered_by_kind(
    client: Client, desk_officer: User, ministry: Organisation, mission_paris: Organisation, partner_japan: Organisation
) -> None:
    signed_in(client, desk_officer)
    page = client.get(reverse("missions:organisation_list")).content.decode()
    assert "Bộ Ngoại giao" in page  # Vietnamese by default
    assert "emb-paris" in page
    assert "partner-mofa-japan" in page
    filtered = client.get(reverse("missions:organisation_list"), {"kind": "partner_ministry"}).content.decode()
    assert "partner-mofa-japan" in filtered
    assert "emb-paris" not in filtered


def test_directory_in_english(client: Client, desk_officer: User, ministry: Organisation) -> None:
    signed_in(client, desk_officer)
    page = client.get(reverse("missions:organisation_list"), headers={"accept-language": "en"}).content.decode()
    assert "Ministry of Foreign Affairs" in page


def test_directory_with_an_unknown_kind_shows_everything_not_an_error(
    client: Client, desk_officer: User, ministry: Organisation
) -> None:
    signed_in(client, desk_officer)
    response = client.get(reverse("missions:organisation_list"), {"kind": "<script>"})
    assert response.status_code == 200
    assert "Bộ Ngoại giao" in response.content.decode()


def test_directory_query_count_does_not_grow_with_rows(
    client: Client,
    desk_officer: User,
    ministry: Organisation,
    django_assert_num_queries: Any,
    django_assert_max_num_queries: Any,
) -> None:
    signed_in(client, desk_officer)
    client.get(reverse("missions:organisation_list"))  # warm the session
    for index in range(3):
        MissionFactory(code=f"emb-a{index}", parent=ministry, country_code="KR", city="Seoul")
    with django_assert_max_num_queries(16) as few:  # sign-in middleware ~10, the page 4
        client.get(reverse("missions:organisation_list"))
    for index in range(20):
        MissionFactory(code=f"emb-b{index}", parent=ministry, country_code="DE", city="Berlin")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("missions:organisation_list"))


def test_partner_sees_only_itself_and_the_ministry(
    client: Client, japan_partner: User, ministry: Organisation, mission_tokyo: Organisation
) -> None:
    signed_in(client, japan_partner)
    page = client.get(reverse("missions:organisation_list")).content.decode()
    assert "partner-mofa-japan" in page
    assert "emb-tokyo" not in page
    hidden = client.get(reverse("missions:organisation_detail", args=["emb-tokyo"]))
    assert hidden.status_code == 404


def test_organisation_page_shows_member_count_and_child_units(
    client: Client, desk_officer: User, ministry: Organisation, mission_tokyo: Organisation, mission_paris: Organisation
) -> None:
    signed_in(client, desk_officer)
    response = client.get(reverse("missions:organisation_detail", args=["mofa"]))
    assert response.status_code == 200
    assert response.context["member_count"] == 0
    assert {child.code for child in response.context["children"]} == {"emb-tokyo", "emb-paris"}
    tokyo = client.get(reverse("missions:organisation_detail", args=["emb-tokyo"]))
    assert tokyo.context["member_count"] == 1  # the desk officer
    assert "Nhật Bản" in tokyo.content.decode()  # host country in Vietnamese


def test_mission_page_lists_only_readable_reports(
    client: Client, desk_officer: User, internal_report: PostReport, confidential_report: PostReport
) -> None:
    signed_in(client, desk_officer)  # INTERNAL, Tokyo
    page = client.get(reverse("missions:organisation_detail", args=["emb-tokyo"])).content.decode()
    assert internal_report.title_vi in page
    assert confidential_report.title_vi not in page


def test_unknown_organisation_is_404(client: Client, desk_officer: User) -> None:
    signed_in(client, desk_officer)
    assert client.get(reverse("missions:organisation_detail", args=["nowhere"])).status_code == 404


def test_internal_user_cannot_reach_confidential_report_by_page_or_listing(
    client: Client, desk_officer: User, internal_report: PostReport, confidential_report: PostReport
) -> None:
    signed_in(client, desk_officer)
    listing = client.get(reverse("missions:report_list")).content.decode()
    assert internal_report.title_vi in listing
    assert confidential_report.title_vi not in listing
    detail = client.get(reverse("missions:report_detail", args=[confidential_report.pk]))
    assert detail.status_code == 404
    assert confidential_report.title_vi not in detail.content.decode()


def test_report_page_shows_report_and_audits_the_reading(
    client: Client, hq_desk: User, confidential_report: PostReport
) -> None:
    signed_in(client, hq_desk)
    response = client.get(reverse("missions:report_detail", args=[confidential_report.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert confidential_report.body in page
    assert "SOUTH-CHINA-SEA" in page  # the marking banner
    event = AuditEvent.objects.get(action="missions.report_viewed")
    assert event.classification == Classification.CONFIDENTIAL
    assert event.actor_id == hq_desk.pk


def test_report_list_query_count_does_not_grow_with_rows(
    client: Client,
    hq_desk: User,
    mission_tokyo: Organisation,
    tokyo_officer: User,
    django_assert_num_queries: Any,
    django_assert_max_num_queries: Any,
) -> None:
    signed_in(client, hq_desk)
    client.get(reverse("missions:report_list"))
    PostReportFactory.create_batch(3, mission=mission_tokyo, author=tokyo_officer)
    with django_assert_max_num_queries(16) as few:  # sign-in middleware ~10, the page 4
        response = client.get(reverse("missions:report_list"))
    assert len(response.context["page"].object_list) == 3
    PostReportFactory.create_batch(30, mission=mission_tokyo, author=tokyo_officer)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("missions:report_list"))
    assert len(response.context["page"].object_list) == 33


def _form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title_en": "Outlook",
        "title_vi": "Triển vọng",
        "body": "Text of the report.",
        "classification": str(Classification.CONFIDENTIAL),
        "compartments": ["south-china-sea"],
        "tlp": "RED",
    }
    data.update(overrides)
    return data


def test_report_form_offers_classifications_up_to_the_authors_clearance(client: Client, tokyo_officer: User) -> None:
    signed_in(client, tokyo_officer)  # CONFIDENTIAL
    response = client.get(reverse("missions:report_create"))
    assert response.status_code == 200
    offered = [value for value, _label in response.context["form"].fields["classification"].choices]
    assert offered == [Classification.UNCLASSIFIED, Classification.INTERNAL, Classification.CONFIDENTIAL]
    assert 'value="30"' not in response.content.decode()


def test_report_form_creates_the_report(client: Client, tokyo_officer: User) -> None:
    signed_in(client, tokyo_officer)
    response = client.post(reverse("missions:report_create"), _form_data())
    report = PostReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("missions:report_detail", args=[report.pk])
    assert report.classification == Classification.CONFIDENTIAL
    assert report.author == tokyo_officer


def test_report_form_refuses_a_classification_above_clearance(client: Client, tokyo_officer: User) -> None:
    signed_in(client, tokyo_officer)
    response = client.post(reverse("missions:report_create"), _form_data(classification=str(Classification.SECRET)))
    assert response.status_code == 400
    assert response.context["form"].errors["classification"]
    assert not PostReport.objects.exists()


def test_report_form_shows_service_errors_as_form_messages(
    client: Client, tokyo_officer: User, partner_japan: Organisation
) -> None:
    signed_in(client, tokyo_officer)
    response = client.post(
        reverse("missions:report_create"),
        _form_data(classification=str(Classification.INTERNAL), compartments=[], shared_with=["partner-mofa-japan"]),
    )
    assert response.status_code == 400
    assert "TLP:RED" in str(response.context["form"].errors["tlp"])
    assert not PostReport.objects.exists()


def test_report_form_is_forbidden_to_other_roles(client: Client, hq_desk: User, mission_tokyo: Organisation) -> None:
    signed_in(client, hq_desk)
    assert client.get(reverse("missions:report_create")).status_code == 403
    press = UserFactory(role=Role.PRESS_OFFICER, organisation=mission_tokyo)
    signed_in(Client(), press)
    assert Client().get(reverse("missions:report_create")).status_code == 302  # a fresh client is signed out
    other = Client()
    other.force_login(press)
    assert other.post(reverse("missions:report_create"), _form_data()).status_code == 403
    assert not PostReport.objects.exists()


def test_pages_have_no_inline_script_or_style(client: Client, hq_desk: User, confidential_report: PostReport) -> None:
    signed_in(client, hq_desk)
    for url in (
        reverse("missions:organisation_list"),
        reverse("missions:report_list"),
        reverse("missions:report_detail", args=[confidential_report.pk]),
        reverse("missions:organisation_detail", args=["emb-tokyo"]),
    ):
        page = client.get(url).content.decode()
        assert "<script" not in page
        assert "style=" not in page
        assert "<style" not in page
