"""Courses: assignments by role, unit or mission with due dates, quizzes with pass marks, completion.

Staff take a course's quiz as often as they like; their best score is kept and the course is completed
the first time a score reaches the pass mark. Answers are not stored, only the score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.awareness.models import Course, CourseAssignment, Enrollment, Question
from chancery.identity.enums import Role
from chancery.missions.enums import EXTERNAL_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied


@dataclass(frozen=True, slots=True)
class Answered:
    """One question of a submitted quiz: what was chosen, whether it was right, the feedback."""

    question: Question
    chosen: int | None
    right: bool


@dataclass(frozen=True, slots=True)
class QuizResult:
    """A quiz attempt: score (per cent), whether it passed, and per-question feedback."""

    score: int
    passed: bool
    answers: list[Answered]
    enrollment: Enrollment


def course_assignment_create(
    *,
    actor: Actor,
    course: Course,
    target_roles: Iterable[str],
    target_organisations: Iterable[int],
    due_at: datetime | None,
) -> tuple[CourseAssignment, int]:
    """Assign ``course`` to the active internal users of the given roles and/or units and missions.

    Needs ``awareness.course_manage``; at least one role or organisation, roles other than ``partner``.
    Records the assignment (whose completion the assignment page follows) and enrols every target;
    existing enrolments keep their progress and take the new due date. Returns the assignment and how
    many enrolments are new. Emits ``awareness.course_assigned``.
    """
    access.require(actor, "awareness.course_manage")
    roles = sorted(set(target_roles))
    organisations = sorted(set(target_organisations))
    if not roles and not organisations:
        raise InvalidInput(_("Choose roles or units."), errors={"target_roles": [_("Choose roles or units.")]})
    if not set(roles) <= set(Role.values) - {Role.PARTNER}:
        raise InvalidInput(_("The course could not be assigned."), errors={"target_roles": [_("Unknown role.")]})
    if actor.user_id is None:
        raise PermissionDenied
    wanted = Q()
    if roles:
        wanted &= Q(role__in=roles)
    if organisations:
        wanted &= Q(organisation_id__in=organisations)
    users = (
        get_user_model()
        .objects.filter(wanted, is_active=True)
        .exclude(role=Role.PARTNER)
        .exclude(organisation__kind__in=sorted(EXTERNAL_KINDS))
        .values_list("pk", flat=True)
    )
    created = 0
    with transaction.atomic():
        assignment = CourseAssignment.objects.create(
            course=course,
            target_roles=roles,
            target_organisations=organisations,
            due_at=due_at,
            created_by_id=actor.user_id,
        )
        for user_id in users:
            _enrollment, new = Enrollment.objects.update_or_create(
                course=course,
                user_id=user_id,
                defaults={"due_at": due_at, "assignment": assignment, "reminded_at": None},
                create_defaults={"due_at": due_at, "reason": "assigned", "assignment": assignment},
            )
            created += int(new)
        audit_record(
            actor=actor,
            action="awareness.course_assigned",
            object_type="awareness.course",
            object_id=course.pk,
            detail={"roles": roles, "organisations": organisations, "new": created, "assignment": assignment.pk},
        )
    return assignment, created


def course_assign(
    *,
    actor: Actor,
    course: Course,
    target_roles: Iterable[str],
    target_organisations: Iterable[int],
    due_at: datetime | None,
) -> int:
    """Enrol the active internal users of the given roles and/or units in ``course``; return how many are new.

    The same as :func:`course_assignment_create` (needs ``awareness.course_manage``; emits
    ``awareness.course_assigned``), for callers that only need the count.
    """
    _assignment, created = course_assignment_create(
        actor=actor, course=course, target_roles=target_roles, target_organisations=target_organisations, due_at=due_at
    )
    return created


@dataclass(frozen=True, slots=True)
class AssignmentProgress:
    """One assignment and how far its enrolments are: enrolled, completed, overdue."""

    assignment: CourseAssignment
    enrolled: int
    completed: int
    overdue: int

    @property
    def percent(self) -> int | None:
        """Share completed, in per cent (None without enrolments)."""
        return round(100 * self.completed / self.enrolled) if self.enrolled else None


def course_assignment_list(*, actor: Actor, limit: int = 100) -> list[AssignmentProgress]:
    """Return the latest assignments with their completion (one query). Needs ``awareness.course_manage``.

    Emits nothing.
    """
    access.require(actor, "awareness.course_manage")
    now = timezone.now()
    rows = (
        CourseAssignment.objects.select_related("course", "created_by")
        .annotate(
            enrolled=Count("enrollments"),
            completed=Count("enrollments", filter=Q(enrollments__completed_at__isnull=False)),
            overdue=Count("enrollments", filter=Q(enrollments__completed_at__isnull=True, enrollments__due_at__lt=now)),
        )
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        AssignmentProgress(
            assignment=row,
            enrolled=row.enrolled,
            completed=row.completed,
            overdue=row.overdue,
        )
        for row in rows
    ]


def course_catalogue(*, actor: Actor) -> list[Course]:
    """Return every course (for the assignment form). Needs ``awareness.course_manage``; emits nothing."""
    access.require(actor, "awareness.course_manage")
    return list(Course.objects.all())


def course_get(*, actor: Actor, slug: str) -> Course:
    """Return a course with its lessons and questions. Needs ``awareness.learn``; NotFound if unknown."""
    access.require(actor, "awareness.learn")
    course = Course.objects.prefetch_related("lessons", "questions").filter(slug=slug).first()
    if course is None:
        raise NotFound
    return course


def quiz_submit(*, actor: Actor, course: Course, answers: Mapping[int, int]) -> QuizResult:
    """Score the actor's answers (question id -> choice index) and record the attempt.

    Needs ``awareness.learn``. Enrols the actor if they were not (reason "self"). Keeps the best score
    and completes the enrolment the first time the score reaches the course's pass mark. Emits
    ``awareness.quiz_submitted`` (score and result only).
    """
    access.require(actor, "awareness.learn")
    if actor.user_id is None:
        raise PermissionDenied
    questions = list(course.questions.all())
    if not questions:
        raise InvalidInput(_("This course has no quiz."))
    graded = [Answered(question=q, chosen=answers.get(q.pk), right=answers.get(q.pk) == q.correct) for q in questions]
    score = round(100 * sum(a.right for a in graded) / len(graded))
    passed = score >= course.pass_mark
    with transaction.atomic():
        enrollment, _new = Enrollment.objects.select_for_update().get_or_create(
            course=course, user_id=actor.user_id, defaults={"reason": "self"}
        )
        enrollment.attempts += 1
        enrollment.best_score = max(enrollment.best_score or 0, score)
        if passed and enrollment.completed_at is None:
            enrollment.completed_at = timezone.now()
        enrollment.save()
        audit_record(
            actor=actor,
            action="awareness.quiz_submitted",
            object_type="awareness.course",
            object_id=course.pk,
            detail={"score": score, "passed": passed},
        )
    return QuizResult(score=score, passed=passed, answers=graded, enrollment=enrollment)


def enrollment_list(*, actor: Actor) -> list[Enrollment]:
    """Return the actor's own enrolments with their courses, due first. Needs ``awareness.learn``."""
    access.require(actor, "awareness.learn")
    if actor.user_id is None:
        return []
    return list(
        Enrollment.objects.filter(user_id=actor.user_id)
        .select_related("course")
        .order_by("completed_at", "due_at", "pk")
    )


def certificate_get(*, actor: Actor, slug: str) -> Enrollment:
    """Return the actor's completed enrolment in the course ``slug``; NotFound if not completed."""
    access.require(actor, "awareness.learn")
    if actor.user_id is None:
        raise NotFound
    enrollment = (
        Enrollment.objects.select_related("course", "user")
        .filter(user_id=actor.user_id, course__slug=slug, completed_at__isnull=False)
        .first()
    )
    if enrollment is None:
        raise NotFound
    return enrollment
