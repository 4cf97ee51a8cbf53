"""The API beside the pages: quiz feedback, course content and certificate, drills, the dashboard.

Also the page side of quiz feedback: after submitting, a learner sees for each question whether the
answer was right, and the question's feedback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from chancery.awareness import services
from chancery.awareness.demo import awareness_demo_seed
from chancery.awareness.enums import CampaignState
from chancery.awareness.models import Campaign, Course, DrillTemplate, Recipient
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.threatintel.models import Collection
from tests.awareness.mails import PHISH
from tests.conftest import actor_of, enable_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/awareness"


@pytest.fixture
def course() -> Course:
    return awareness_demo_seed()


def _wrong(question: Any) -> int:
    return int((question.correct + 1) % len(question.choices))


def test_the_learner_sees_right_and_wrong_feedback_after_submitting(
    client: Client, course: Course, desk_officer: User
) -> None:
    client.force_login(desk_officer)
    first, *others = list(course.questions.all())
    answers = {f"q{first.pk}": str(first.correct)} | {f"q{q.pk}": str(_wrong(q)) for q in others}
    before = client.get(f"/awareness/courses/{course.slug}/").content.decode()
    assert first.feedback_en not in before  # feedback comes only with an answer

    page = client.post(f"/awareness/courses/{course.slug}/", answers).content.decode()
    assert page.count('data-right="true"') == 1
    assert page.count('data-right="false"') == len(others)
    assert "Correct." in page
    assert "Not correct." in page
    for question in [first, *others]:
        assert question.feedback_en in page
    assert f'id="q{first.pk}-{first.correct}" value="{first.correct}" checked' in page  # the choice is kept

    vietnamese = client.post(
        f"/awareness/courses/{course.slug}/", answers, headers={"accept-language": "vi"}
    ).content.decode()
    assert first.feedback_vi in vietnamese


def test_the_quiz_api_answers_feedback_per_question(client: Client, course: Course, desk_officer: User) -> None:
    client.force_login(desk_officer)
    first, *others = list(course.questions.all())
    answers = {str(first.pk): first.correct} | {str(q.pk): _wrong(q) for q in others[:-1]}
    answered = client.post(f"{API}/courses/{course.slug}/quiz", {"answers": answers}, content_type="application/json")
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert body["passed"] is False
    by_question = {f["question"]: f for f in body["feedback"]}
    assert [f["question"] for f in body["feedback"]] == [q.pk for q in [first, *others]]
    assert by_question[first.pk] | {} == {
        "question": first.pk,
        "chosen": first.correct,
        "right": True,
        "feedback_en": first.feedback_en,
        "feedback_vi": first.feedback_vi,
    }
    assert by_question[others[0].pk]["right"] is False
    assert by_question[others[-1].pk]["chosen"] is None  # unanswered
    assert by_question[others[-1].pk]["right"] is False


def test_course_content_and_certificate_over_the_api(
    client: Client, course: Course, desk_officer: User, partner_user: User
) -> None:
    client.force_login(desk_officer)
    content = client.get(f"{API}/courses/{course.slug}")
    assert content.status_code == 200
    body = content.json()
    assert body["title_vi"] == course.title_vi
    assert len(body["lessons"]) == course.lessons.count()
    assert body["lessons"][0]["html_en"].startswith("<")
    assert "<script" not in "".join(lesson["html_vi"] for lesson in body["lessons"])
    assert all("correct" not in q and "feedback_en" not in q for q in body["questions"])  # no answers disclosed
    assert client.get(f"{API}/courses/nope").status_code == 404

    assert client.get(f"{API}/courses/{course.slug}/certificate").status_code == 404  # not passed yet
    answers = {str(q.pk): q.correct for q in course.questions.all()}
    client.post(f"{API}/courses/{course.slug}/quiz", {"answers": answers}, content_type="application/json")
    certificate = client.get(f"{API}/courses/{course.slug}/certificate")
    assert certificate.status_code == 200
    assert certificate.json()["best_score"] == 100
    assert certificate.json()["course"] == course.slug

    client.force_login(partner_user)
    assert client.get(f"{API}/courses/{course.slug}").status_code == 403


def _template_payload(course: Course) -> dict[str, Any]:
    return {
        "name": "Parcel notice",
        "sender_name": "Courier",
        "sender_address": "notice@parcel.example",
        "subject": "Your parcel is waiting",
        "body": "A parcel is waiting for you: {link}",
        "landing_title": "Track your parcel",
        "landing_prompt": "Sign in to see where it is.",
        "course": course.slug,
    }


def test_drill_templates_and_campaigns_over_the_api(
    client: Client,
    course: Course,
    security_officer: User,
    desk_officer: User,
    mission_tokyo: Organisation,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    demo_templates = list(DrillTemplate.objects.values_list("pk", flat=True))  # the demo seeds its own
    desk_officer.email = "desk@mofa.example"
    desk_officer.save(update_fields=["email"])
    enable_totp(security_officer)
    client.force_login(security_officer)
    bad = client.post(
        f"{API}/drill-templates", _template_payload(course) | {"body": "no link"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad["Content-Type"].startswith("application/problem+json")
    unknown = client.post(
        f"{API}/drill-templates", _template_payload(course) | {"course": "nope"}, content_type="application/json"
    )
    assert unknown.status_code == 422
    assert list(DrillTemplate.objects.values_list("pk", flat=True)) == demo_templates

    created = client.post(f"{API}/drill-templates", _template_payload(course), content_type="application/json")
    assert created.status_code == 201, created.content
    template = created.json()
    assert template["course"] == course.slug
    listed = [t["id"] for t in client.get(f"{API}/drill-templates").json()]
    assert sorted(listed) == sorted([*demo_templates, template["id"]])

    campaign = client.post(
        f"{API}/drill-campaigns",
        {
            "name": "Tokyo, March",
            "template": template["id"],
            "target_organisations": [mission_tokyo.pk],
            "scheduled_at": "2030-03-01T09:00:00Z",
        },
        content_type="application/json",
    )
    assert campaign.status_code == 201, campaign.content
    campaign_id = campaign.json()["id"]
    assert campaign.json()["state"] == CampaignState.SCHEDULED
    assert client.get(f"{API}/drill-campaigns/{campaign_id}").json()["name"] == "Tokyo, March"
    assert campaign_id in [c["id"] for c in client.get(f"{API}/drill-campaigns").json()]
    assert client.get(f"{API}/drill-campaigns/999999").status_code == 404
    no_targets = client.post(
        f"{API}/drill-campaigns",
        {"name": "x", "template": template["id"], "scheduled_at": "2030-03-01T09:00:00Z"},
        content_type="application/json",
    )
    assert no_targets.status_code == 422

    with django_capture_on_commit_callbacks(execute=True):
        launched = client.post(f"{API}/drill-campaigns/{campaign_id}/launch")
    assert launched.status_code == 200, launched.content
    assert launched.json()["recipients"] == 1
    assert launched.json()["campaign"]["state"] == CampaignState.SENT
    assert Recipient.objects.get(campaign_id=campaign_id).user_id == desk_officer.pk
    assert [m.to for m in mailoutbox] == [[desk_officer.email]]
    again = client.post(f"{API}/drill-campaigns/{campaign_id}/launch")
    assert again.status_code == 409
    assert again["Content-Type"].startswith("application/problem+json")
    assert Recipient.objects.filter(campaign_id=campaign_id).count() == 1


def test_drill_operations_refuse_other_roles_and_partners_and_the_dashboard_missions(
    client: Client,
    course: Course,
    security_officer: User,
    desk_officer: User,
    partner_user: User,
    mission_tokyo: Organisation,
) -> None:
    template = DrillTemplate.objects.create(
        name="t", sender_name="s", sender_address="s@x.example", subject="s", body="{link}",
        landing_title="l", landing_prompt="p", course=course,
    )  # fmt: skip
    campaign = Campaign.objects.create(
        name="c", template=template, target_roles=[Role.DESK_OFFICER], scheduled_at="2030-01-01T00:00:00Z",
        created_by=security_officer,
    )  # fmt: skip
    templates = DrillTemplate.objects.count()
    for user in (desk_officer, partner_user):
        client.force_login(user)
        assert client.get(f"{API}/drill-templates").status_code == 403
        assert client.get(f"{API}/drill-campaigns").status_code == 403
        assert client.get(f"{API}/drill-campaigns/{campaign.pk}").status_code == 403
        assert client.post(f"{API}/drill-campaigns/{campaign.pk}/launch").status_code == 403
        refused = client.post(f"{API}/drill-templates", _template_payload(course), content_type="application/json")
        assert refused.status_code == 403
        assert client.get(f"{API}/dashboard").status_code == 403
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.SCHEDULED
    assert DrillTemplate.objects.count() == templates

    mission_security = UserFactory(username="tokyo-sec", role=Role.SECURITY_OFFICER, organisation=mission_tokyo)
    enable_totp(mission_security)
    client.force_login(mission_security)
    assert client.get(f"{API}/dashboard").status_code == 403  # the dashboard is for headquarters


def test_a_confirmed_report_seeds_a_template_over_the_api(
    client: Client, course: Course, desk_officer: User, security_officer: User, collection: Collection
) -> None:
    report = services.phishing_report_submit(actor=actor_of(desk_officer), data=PHISH)
    enable_totp(security_officer)
    client.force_login(security_officer)
    url = f"{API}/phishing-reports/{report.pk}/drill-template"
    early = client.post(url, {"course": course.slug}, content_type="application/json")
    assert early.status_code == 409
    services.phishing_report_triage(
        actor=actor_of(security_officer), report=report, confirm=True, collection_id=str(collection.uuid)
    )
    seeded = client.post(url, {"course": course.slug}, content_type="application/json")
    assert seeded.status_code == 201, seeded.content
    assert seeded.json()["subject"] == report.subject
    assert seeded.json()["sender_address"] == report.sender
    assert "{link}" in seeded.json()["body"]
    client.force_login(desk_officer)
    assert client.post(url, {"course": course.slug}, content_type="application/json").status_code == 403


def test_the_dashboard_figures_over_the_api(
    client: Client, course: Course, security_officer: User, desk_officer: User
) -> None:
    services.phishing_report_submit(actor=actor_of(desk_officer), data=PHISH)
    enable_totp(security_officer)
    client.force_login(security_officer)
    answer = client.get(f"{API}/dashboard")
    assert answer.status_code == 200, answer.content
    board = answer.json()
    assert board["reports"]["count"] == 1
    assert board["mfa_by_role"] is not None
    security_row = next(r for r in board["mfa_by_role"] if r["active"] and r["with_mfa"])
    assert security_row["percent"] == round(100 * security_row["with_mfa"] / security_row["active"])
    assert board["exchange"] == []
    assert board["trend"] == {"campaigns": [], "rows": []}
