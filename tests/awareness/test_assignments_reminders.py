"""Course assignments (page, API, completion per assignment), reminders, and the shipped course library."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from chancery.audit.models import AuditEvent
from chancery.awareness import courses, reminders
from chancery.awareness.curriculum import LIBRARY, curriculum_install
from chancery.awareness.models import Course, CourseAssignment, CourseReminder, Enrollment
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from chancery.platform.errors import PermissionDenied
from tests.conftest import actor_of, enable_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system(purpose="test")


@pytest.fixture
def library() -> list[Course]:
    return curriculum_install()


def test_the_library_covers_every_topic_in_both_languages(library: list[Course]) -> None:
    slugs = {c.slug for c in library}
    assert slugs == {
        "security-basics",
        "passwords-and-mfa",
        "classified-material",
        "social-media-hygiene",
        "chancery-essentials",
        "cables-and-ai",
    }
    for course in library:
        assert course.title_en != course.title_vi
        assert 60 <= course.pass_mark <= 100
        assert course.lessons.count() >= 2
        assert course.questions.count() >= 3
        for lesson in course.lessons.all():
            assert lesson.body_en != lesson.body_vi
            assert len(lesson.body_vi) > 300
        for question in course.questions.all():
            assert 0 <= question.correct < len(question.choices)
            assert all(set(c) == {"en", "vi"} and c["en"] and c["vi"] for c in question.choices)
            assert question.feedback_en
            assert question.feedback_vi
    assert [c.pk for c in curriculum_install()] == [c.pk for c in library]  # idempotent
    assert len(LIBRARY) == len(library)


def test_lessons_render_in_each_language(client: Client, library: list[Course], desk_officer: User) -> None:
    client.force_login(desk_officer)
    english = client.get("/awareness/courses/cables-and-ai/", headers={"accept-language": "en"}).content.decode()
    assert "AI outputs and their limits" in english
    vietnamese = client.get("/awareness/courses/cables-and-ai/", headers={"accept-language": "vi"}).content.decode()
    assert "Kết quả của trí tuệ nhân tạo và giới hạn" in vietnamese


def test_assignment_page_assigns_by_unit_and_shows_completion(
    client: Client,
    library: list[Course],
    security_officer: User,
    desk_officer: User,
    other_mission_officer: User,
    mission_tokyo: Organisation,
) -> None:
    colleague = UserFactory(username="tokyo2", role=Role.DESK_OFFICER, organisation=mission_tokyo)
    enable_totp(security_officer)
    client.force_login(security_officer)
    page = client.get("/awareness/courses/assignments/")
    assert page.status_code == 200
    course = next(c for c in library if c.slug == "passwords-and-mfa")
    answer = client.post(
        "/awareness/courses/assignments/",
        {"course": course.pk, "target_organisations": [mission_tokyo.pk], "due_at": "2030-01-31T17:00"},
    )
    assert answer.status_code == 302
    assignment = CourseAssignment.objects.get()
    enrolled = set(assignment.enrollments.values_list("user_id", flat=True))
    assert enrolled == {desk_officer.pk, colleague.pk}
    assert other_mission_officer.pk not in enrolled

    answers = {q.pk: q.correct for q in course.questions.all()}
    courses.quiz_submit(actor=actor_of(desk_officer), course=course, answers=answers)
    [progress] = courses.course_assignment_list(actor=actor_of(security_officer))
    assert (progress.enrolled, progress.completed, progress.overdue, progress.percent) == (2, 1, 0, 50)
    listing = client.get("/awareness/courses/assignments/").content.decode()
    assert course.title_en in listing
    assert "50&nbsp;%" in listing

    bad = client.post("/awareness/courses/assignments/", {"course": course.pk})
    assert bad.status_code == 200
    assert "Choose roles or units." in bad.content.decode()
    assert CourseAssignment.objects.count() == 1


def test_only_officers_assign(
    client: Client, library: list[Course], desk_officer: User, partner_user: User, other_mission_officer: User
) -> None:
    for user in (desk_officer, partner_user, other_mission_officer):
        client.force_login(user)
        assert client.get("/awareness/courses/assignments/").status_code == 403
        with pytest.raises(PermissionDenied):
            courses.course_assignment_create(
                actor=actor_of(user),
                course=library[0],
                target_roles=[Role.DESK_OFFICER],
                target_organisations=[],
                due_at=None,
            )


def test_assignment_api(client: Client, library: list[Course], security_officer: User, desk_officer: User) -> None:
    enable_totp(security_officer)
    client.force_login(security_officer)
    created = client.post(
        "/api/v1/awareness/course-assignments",
        {"course": "security-basics", "target_roles": [Role.DESK_OFFICER], "due_at": "2030-01-31T10:00:00Z"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["enrolled"] == 1
    assert client.get("/api/v1/awareness/course-assignments").json()[0]["course"] == "security-basics"
    unknown = client.post(
        "/api/v1/awareness/course-assignments",
        {"course": "nope", "target_roles": [Role.DESK_OFFICER]},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    assert unknown["Content-Type"].startswith("application/problem+json")
    partner_role = client.post(
        "/api/v1/awareness/course-assignments",
        {"course": "security-basics", "target_roles": [Role.PARTNER]},
        content_type="application/json",
    )
    assert partner_role.status_code == 422
    client.force_login(desk_officer)
    assert client.get("/api/v1/awareness/course-assignments").status_code == 403


def test_reminders_before_due_and_overdue_at_most_daily(
    library: list[Course],
    security_officer: User,
    desk_officer: User,
    mission_tokyo: Organisation,
    django_capture_on_commit_callbacks: Callable[..., Any],
    client: Client,
) -> None:
    desk_officer.email = "desk@mofa.example"
    desk_officer.save()
    now = timezone.now()
    soon, later, late = library[0], library[1], library[2]
    officer = actor_of(security_officer)
    for course, due in (
        (soon, now + timedelta(days=2)),
        (later, now + timedelta(days=20)),
        (late, now - timedelta(days=1)),
    ):
        courses.course_assign(
            actor=officer, course=course, target_roles=[], target_organisations=[mission_tokyo.pk], due_at=due
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.course_reminders_send(actor=SYSTEM, now=now) == 2
    sent = {r.enrollment.course.slug: r.overdue for r in CourseReminder.objects.select_related("enrollment__course")}
    assert sent == {soon.slug: False, late.slug: True}
    assert len(mail.outbox) == 2
    subjects = " ".join(m.subject for m in mail.outbox)
    assert "Course due soon" in subjects
    assert "Course overdue" in subjects
    assert soon.title_vi in subjects  # Vietnamese first, then English

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.course_reminders_send(actor=SYSTEM, now=now + timedelta(hours=23)) == 0
        assert reminders.course_reminders_send(actor=SYSTEM, now=now + timedelta(days=1, minutes=1)) == 2
    assert AuditEvent.objects.filter(action="awareness.course_reminded").count() == 4

    answers = {q.pk: q.correct for q in late.questions.all()}
    courses.quiz_submit(actor=actor_of(desk_officer), course=late, answers=answers)
    assert reminders.course_reminders_send(actor=SYSTEM, now=now + timedelta(days=3)) == 1  # the other is done

    client.force_login(desk_officer)
    page = client.get("/awareness/courses/", headers={"accept-language": "en"}).content.decode()
    assert "Reminders" in page
    assert soon.title_en in page
    api = client.get("/api/v1/awareness/course-reminders").json()
    assert {r["course"] for r in api} == {soon.slug}
    with pytest.raises(PermissionDenied):
        reminders.course_reminders_send(actor=actor_of(desk_officer))


def test_reminder_job_is_registered() -> None:
    from chancery.awareness.tasks import send_course_reminders
    from chancery.platform.schedule import periodics

    assert any(p.name == "awareness.course_reminders" and p.task is send_course_reminders for p in periodics())


def test_reassigning_keeps_progress(library: list[Course], security_officer: User, desk_officer: User) -> None:
    course = library[0]
    officer = actor_of(security_officer)
    courses.course_assign(
        actor=officer, course=course, target_roles=[Role.DESK_OFFICER], target_organisations=[], due_at=None
    )
    courses.quiz_submit(
        actor=actor_of(desk_officer), course=course, answers={q.pk: q.correct for q in course.questions.all()}
    )
    assert (
        courses.course_assign(
            actor=officer, course=course, target_roles=[Role.DESK_OFFICER], target_organisations=[], due_at=None
        )
        == 0
    )
    assert Enrollment.objects.get(user=desk_officer, course=course).completed_at is not None


def test_the_install_command_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    from chancery.awareness.commands import cmd_courses_install

    assert cmd_courses_install(None) == 0  # type: ignore[arg-type]
    assert cmd_courses_install(None) == 0  # type: ignore[arg-type]
    assert Course.objects.count() == len(LIBRARY) + 1  # and the phishing course
    assert "7 course(s) installed" in capsys.readouterr().out
