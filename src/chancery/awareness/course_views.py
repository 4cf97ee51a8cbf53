"""Course pages: my courses, a course's lessons and quiz, the result with feedback, the certificate.

Lessons are shown in the page's language (Vietnamese or English). Views are thin.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from chancery.awareness import courses
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
    return render(request, "awareness/course_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A course's lessons and quiz; a submitted quiz shows the score and feedback per question."""
    actor = _learner(request)
    try:
        course = courses.course_get(actor=actor, slug=slug)
    except NotFound:
        raise Http404 from None
    context = {"course": course, **_localised(course), "result": None}
    if request.method == "POST":
        answers: dict[int, int] = {}
        for question in course.questions.all():
            raw = request.POST.get(f"q{question.pk}", "")
            if raw.isdigit():
                answers[question.pk] = int(raw)
        try:
            context["result"] = courses.quiz_submit(actor=actor, course=course, answers=answers)
        except DomainError as error:
            context["error"] = error.detail
    return render(request, "awareness/course_detail.html", context)


@login_required
def certificate(request: HttpRequest, slug: str) -> HttpResponse:
    """The certificate of a completed course (404 until the quiz is passed)."""
    actor = _learner(request)
    try:
        enrollment = courses.certificate_get(actor=actor, slug=slug)
    except NotFound:
        raise Http404 from None
    title = enrollment.course.title_vi if _vi() else enrollment.course.title_en
    return render(request, "awareness/certificate.html", {"enrollment": enrollment, "title": title})
