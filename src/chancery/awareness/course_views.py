"""Course pages: my courses, a course's lessons and quiz, the result with feedback, the certificate.

Lessons are shown in the page's language (Vietnamese or English). Views are thin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.views.decorators.http import require_http_methods

from chancery.awareness import courses, reminders
from chancery.awareness.forms import AssignmentForm
from chancery.awareness.models import Course
from chancery.awareness.rendering import lesson_html
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.http import page_actor


def _learner(request: HttpRequest) -> Actor:
    actor = page_actor(request)
    if not access.can(actor, "awareness.learn"):
        raise DjangoPermissionDenied
    return actor


def _vi() -> bool:
    return (get_language() or "").startswith("vi")


def _safe(markdown: str) -> SafeString:
    return mark_safe(lesson_html(markdown))  # noqa: S308 - sanitised by nh3 with an allow-list


def _localised(course: Course) -> dict[str, object]:
    vi = _vi()
    return {
        "title": course.title_vi if vi else course.title_en,
        "summary": course.summary_vi if vi else course.summary_en,
        "lessons": [
            (lesson.title_vi if vi else lesson.title_en, _safe(lesson.body_vi if vi else lesson.body_en))
            for lesson in course.lessons.all()
        ],
        "questions": [
            {
                "id": q.pk,
                "text": q.text_vi if vi else q.text_en,
                "choices": [(i, c["vi"] if vi else c["en"]) for i, c in enumerate(q.choices)],
                "feedback": q.feedback_vi if vi else q.feedback_en,
                "correct": q.correct,
            }
            for q in course.questions.all()
        ],
    }


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    """The courses the user is enrolled in, with due dates, best scores and certificates."""
    actor = _learner(request)
    enrollments = courses.enrollment_list(actor=actor)
    vi = _vi()
    rows = [(e, e.course.title_vi if vi else e.course.title_en) for e in enrollments]
    notices = [
        (r, r.enrollment.course.title_vi if vi else r.enrollment.course.title_en)
        for r in reminders.course_reminder_list(actor=actor)
    ]
    return render(
        request,
        "awareness/course_list.html",
        {"rows": rows, "notices": notices, "manager": access.can(actor, "awareness.course_manage")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A course's lessons and quiz; a submitted quiz shows the score and feedback per question."""
    actor = _learner(request)
    course = courses.course_get(actor=actor, slug=slug)
    context = {"course": course, **_localised(course), "result": None}
    if request.method == "POST":
        answers: dict[int, int] = {}
        for question in course.questions.all():
            raw = request.POST.get(f"q{question.pk}", "")
            if raw.isdigit():
                answers[question.pk] = int(raw)
        try:
            result = courses.quiz_submit(actor=actor, course=course, answers=answers)
        except DomainError as error:
            context["error"] = error.detail
        else:
            context["result"] = result
            graded = {a.question.pk: a for a in result.answers}
            for question in context["questions"]:  # type: ignore[attr-defined]
                question["right"] = graded[question["id"]].right
                question["chosen"] = graded[question["id"]].chosen
    return render(request, "awareness/course_detail.html", context)


def _assignment_form(actor: Actor, catalogue: list[Course], data: Any = None) -> AssignmentForm:
    from chancery.identity.enums import Role
    from chancery.missions.enums import EXTERNAL_KINDS
    from chancery.missions.selectors import organisation_list

    vi = _vi()
    form = AssignmentForm(data)
    form.fields["course"].choices = [(c.pk, c.title_vi if vi else c.title_en) for c in catalogue]  # type: ignore[attr-defined]
    form.fields["target_roles"].choices = [c for c in Role.choices if c[0] != Role.PARTNER]  # type: ignore[attr-defined]
    form.fields["target_organisations"].choices = [  # type: ignore[attr-defined]
        (o.pk, f"{o.code} — {o.name_vi if vi else o.name_en}")
        for o in organisation_list(actor=actor)
        if o.kind not in EXTERNAL_KINDS
    ]
    return form


@login_required
@require_http_methods(["GET", "POST"])
def assignment_list(request: HttpRequest) -> HttpResponse:
    """Assign a course to roles, units or missions with a due date; see completion per assignment.

    Needs ``awareness.course_manage`` (administrators and security officers); 403 for anyone else.
    """
    actor = page_actor(request)
    if not access.can(actor, "awareness.course_manage"):
        raise DjangoPermissionDenied
    catalogue = courses.course_catalogue(actor=actor)
    form = _assignment_form(actor, catalogue, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        wanted = data.pop("course")
        course = next((c for c in catalogue if c.pk == wanted), None)
        try:
            if course is None:
                raise NotFound
            _assignment, created = courses.course_assignment_create(actor=actor, course=course, **data)
        except DomainError as error:
            for field, found in error.errors.items():
                for message in found:
                    form.add_error(field if field in form.fields else None, message)
            if not error.errors:
                form.add_error(None, error.detail)
        else:
            done = ngettext(
                "Assigned; %(count)d person newly enrolled.", "Assigned; %(count)d people newly enrolled.", created
            )
            messages.success(request, done % {"count": created})
            return redirect("awareness:assignment_list")
    vi = _vi()
    rows = [
        (row, row.assignment.course.title_vi if vi else row.assignment.course.title_en)
        for row in courses.course_assignment_list(actor=actor)
    ]
    return render(request, "awareness/assignment_list.html", {"form": form, "rows": rows})


@login_required
def certificate(request: HttpRequest, slug: str) -> HttpResponse:
    """The certificate of a completed course (404 until the quiz is passed)."""
    actor = _learner(request)
    enrollment = courses.certificate_get(actor=actor, slug=slug)
    title = enrollment.course.title_vi if _vi() else enrollment.course.title_en
    return render(request, "awareness/certificate.html", {"enrollment": enrollment, "title": title})
