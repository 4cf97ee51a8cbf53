"""Courses: the demo course in both languages, quizzes with pass marks, assignments, certificates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chancery.awareness import courses
from chancery.awareness.demo import LESSONS, awareness_demo_seed
from chancery.awareness.models import Course, Enrollment
from chancery.awareness.rendering import lesson_html
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.errors import NotFound, PermissionDenied
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def course() -> Course:
    return awareness_demo_seed()


def _answers(course: Course, right: int) -> dict[int, int]:
    questions = list(course.questions.all())
    return {q.pk: (q.correct if n < right else (q.correct + 1) % len(q.choices)) for n, q in enumerate(questions)}


def test_demo_course_is_bilingual_and_idempotent(course: Course) -> None:
    assert awareness_demo_seed().pk == course.pk
    assert course.lessons.count() == len(LESSONS)
    for lesson in course.lessons.all():
        assert lesson.body_en != lesson.body_vi
    assert all(set(c) == {"en", "vi"} for q in course.questions.all() for c in q.choices)


def test_markdown_is_rendered_safely() -> None:
    html = lesson_html("**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://mofa.example)")
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html
    assert 'href="javascript' not in html  # left as plain text, never a link
    assert 'href="https://mofa.example"' in html


def test_quiz_pass_mark_best_score_and_certificate(course: Course, desk_officer: User) -> None:
    actor = actor_of(desk_officer)
    failed = courses.quiz_submit(actor=actor, course=course, answers=_answers(course, 2))
    assert (failed.score, failed.passed) == (50, False)
    with pytest.raises(NotFound):
        courses.certificate_get(actor=actor, slug=course.slug)
    passed = courses.quiz_submit(actor=actor, course=course, answers=_answers(course, 3))
    assert (passed.score, passed.passed) == (75, True)
    again = courses.quiz_submit(actor=actor, course=course, answers=_answers(course, 1))
    assert again.enrollment.best_score == 75
    assert again.enrollment.attempts == 3
    assert courses.certificate_get(actor=actor, slug=course.slug).completed_at is not None


def test_assignment_by_unit_with_due_date_and_three_users(
    course: Course, security_officer: User, desk_officer: User, other_mission_officer: User, mission_tokyo: Organisation
) -> None:
    due = timezone.now() + timedelta(days=14)
    created = courses.course_assign(
        actor=actor_of(security_officer),
        course=course,
        target_roles=[],
        target_organisations=[mission_tokyo.pk],
        due_at=due,
    )
    assert created == 1
    assert Enrollment.objects.get(user=desk_officer).due_at == due
    assert not Enrollment.objects.filter(user=other_mission_officer).exists()
    for refused in (desk_officer, other_mission_officer):
        with pytest.raises(PermissionDenied):
            courses.course_assign(
                actor=actor_of(refused),
                course=course,
                target_roles=[Role.DESK_OFFICER],
                target_organisations=[],
                due_at=None,
            )


def test_partners_do_not_take_courses(course: Course, ministry: Organisation) -> None:
    from tests.factories import OrganisationFactory, UserFactory

    partner = UserFactory(
        username="partner-c", role=Role.PARTNER, organisation=OrganisationFactory(code="p-c", kind="partner_ministry")
    )
    with pytest.raises(PermissionDenied):
        courses.quiz_submit(actor=actor_of(partner), course=course, answers={})


def test_course_pages_in_both_languages(client: Client, course: Course, desk_officer: User) -> None:
    client.force_login(desk_officer)
    english = client.get(f"/awareness/courses/{course.slug}/", headers={"accept-language": "en"}).content.decode()
    assert "Signs of a phishing message" in english
    vietnamese = client.get(f"/awareness/courses/{course.slug}/", headers={"accept-language": "vi"}).content.decode()
    assert "Dấu hiệu của thư lừa đảo" in vietnamese
    data = {f"q{q.pk}": str(q.correct) for q in course.questions.all()}
    result = client.post(f"/awareness/courses/{course.slug}/", data, headers={"accept-language": "en"})
    assert "Your score: 100 per cent." in result.content.decode()
    assert client.get(f"/awareness/courses/{course.slug}/certificate/").status_code == 200
    assert course.title_en in client.get("/awareness/courses/", headers={"accept-language": "en"}).content.decode()


def test_course_api(client: Client, course: Course, desk_officer: User) -> None:
    client.force_login(desk_officer)
    answers = {str(q.pk): q.correct for q in course.questions.all()}
    result = client.post(
        f"/api/v1/awareness/courses/{course.slug}/quiz", {"answers": answers}, content_type="application/json"
    )
    assert result.status_code == 200, result.content
    assert result.json()["score"] == 100
    assert result.json()["passed"] is True
    [enrolment] = client.get("/api/v1/awareness/courses").json()
    assert enrolment["course"] == course.slug
    assert enrolment["completed_at"] is not None
    assert (
        client.post("/api/v1/awareness/courses/nope/quiz", {"answers": {}}, content_type="application/json").status_code
        == 404
    )
