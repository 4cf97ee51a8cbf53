"""The awareness API (mounted at ``/api/v1/awareness``): report phishing, list, read and triage reports.

Handlers are thin: they call one selector or service and serialise.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile

from chancery.awareness import courses, selectors, services
from chancery.awareness.mailparse import MAX_BYTES
from chancery.awareness.models import Enrollment, PhishingReport
from chancery.awareness.schemas import EnrollmentOut, QuizIn, QuizOut, ReportDetailOut, ReportOut, TriageIn
from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import PROBLEM_RESPONSES, Problem
from chancery.platform.errors import InvalidInput

router = Router(tags=["awareness"])

ERRORS: dict[int, Any] = {**PROBLEM_RESPONSES, 404: Problem}


def _detail(report: PhishingReport) -> PhishingReport:
    report.indicator_list = list(report.indicators.all())  # type: ignore[attr-defined]
    return report


@router.get("/phishing-reports", response={200: list[ReportOut], **ERRORS}, operation_id="awareness_report_list")
@paginated
def report_list(request: HttpRequest) -> QuerySet[PhishingReport]:
    """List the caller's reports (every report for security officers), newest first."""
    return selectors.phishing_report_list(actor=request_actor(request))


@router.post("/phishing-reports", response={201: ReportDetailOut, **ERRORS}, operation_id="awareness_report_create")
def report_create(request: HttpRequest, message: File[UploadedFile]) -> Status[PhishingReport]:
    """Report a suspicious message (multipart field ``message``: the .eml file, at most 5 MiB)."""
    actor = request_actor(request)
    if message.size is None or message.size > MAX_BYTES:
        raise InvalidInput(errors={"message": ["The message is larger than 5 MiB."]})
    return Status(201, _detail(services.phishing_report_submit(actor=actor, data=message.read())))


@router.get(
    "/phishing-reports/{report_id}", response={200: ReportDetailOut, **ERRORS}, operation_id="awareness_report_get"
)
def report_get(request: HttpRequest, report_id: int) -> PhishingReport:
    """Return one report with its indicators."""
    return _detail(selectors.phishing_report_get(actor=request_actor(request), report_id=report_id))


@router.post(
    "/phishing-reports/{report_id}/triage",
    response={200: ReportDetailOut, **ERRORS},
    operation_id="awareness_report_triage",
)
def report_triage(request: HttpRequest, report_id: int, payload: TriageIn) -> PhishingReport:
    """Confirm (sharing the indicators as STIX into a collection) or dismiss a report."""
    actor = request_actor(request)
    report = selectors.phishing_report_get(actor=actor, report_id=report_id)
    triaged = services.phishing_report_triage(
        actor=actor,
        report=report,
        confirm=payload.decision == "confirm",
        collection_id=payload.collection,
        note=payload.note,
    )
    return _detail(triaged)


@router.get("/courses", response={200: list[EnrollmentOut], **ERRORS}, operation_id="awareness_enrollment_list")
def enrollment_list(request: HttpRequest) -> list[Enrollment]:
    """List the caller's course enrolments (due date, best score, completion)."""
    return courses.enrollment_list(actor=request_actor(request))


@router.post("/courses/{slug}/quiz", response={200: QuizOut, **ERRORS}, operation_id="awareness_quiz_submit")
def quiz_submit(request: HttpRequest, slug: str, payload: QuizIn) -> dict[str, Any]:
    """Submit a course's quiz; the answers are scored, not stored."""
    actor = request_actor(request)
    result = courses.quiz_submit(
        actor=actor, course=courses.course_get(actor=actor, slug=slug), answers=payload.answers
    )
    return {"score": result.score, "passed": result.passed, "completed_at": result.enrollment.completed_at}
