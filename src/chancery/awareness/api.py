"""The awareness API (mounted at ``/api/v1/awareness``): reports, courses, drills and the dashboard.

Phishing reports and their triage, courses, quizzes and certificates, course assignments, phishing
drills (templates and campaigns) and the security dashboard.

Handlers are thin: they call one selector or service and serialise.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from chancery.awareness import courses, drills, reminders, report_timing, selectors, services
from chancery.awareness.dashboard import security_dashboard_get
from chancery.awareness.mailparse import MAX_BYTES
from chancery.awareness.models import Campaign, Course, DrillTemplate, Enrollment, PhishingReport
from chancery.awareness.rendering import lesson_html
from chancery.awareness.schemas import (
    AssignmentIn,
    AssignmentOut,
    CampaignIn,
    CampaignOut,
    CertificateOut,
    CourseOut,
    DashboardOut,
    DrillResultsOut,
    DrillTemplateIn,
    DrillTemplateOut,
    EnrollmentOut,
    LaunchOut,
    QuizIn,
    QuizOut,
    ReminderOut,
    ReportDetailOut,
    ReportOut,
    TemplateSeedIn,
    TriageIn,
)
from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import PROBLEM_RESPONSES, Problem
from chancery.platform.errors import InvalidInput, NotFound

router = Router(tags=["awareness"])

ERRORS: dict[int, Any] = {**PROBLEM_RESPONSES, 404: Problem}
CONFLICT_ERRORS: dict[int, Any] = {**ERRORS, 409: Problem}


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
    return {
        "score": result.score,
        "passed": result.passed,
        "completed_at": result.enrollment.completed_at,
        "feedback": [
            {
                "question": answer.question.pk,
                "chosen": answer.chosen,
                "right": answer.right,
                "feedback_en": answer.question.feedback_en,
                "feedback_vi": answer.question.feedback_vi,
            }
            for answer in result.answers
        ],
    }


@router.get("/courses/{slug}", response={200: CourseOut, **ERRORS}, operation_id="awareness_course_get")
def course_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Return a course's lessons (Markdown and sanitised HTML, both languages) and its quiz, without answers."""
    course = courses.course_get(actor=request_actor(request), slug=slug)
    return {
        "slug": course.slug,
        "title_en": course.title_en,
        "title_vi": course.title_vi,
        "summary_en": course.summary_en,
        "summary_vi": course.summary_vi,
        "pass_mark": course.pass_mark,
        "lessons": [
            {
                "position": lesson.position,
                "title_en": lesson.title_en,
                "title_vi": lesson.title_vi,
                "body_en": lesson.body_en,
                "body_vi": lesson.body_vi,
                "html_en": lesson_html(lesson.body_en),
                "html_vi": lesson_html(lesson.body_vi),
            }
            for lesson in course.lessons.all()
        ],
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "text_en": q.text_en,
                "text_vi": q.text_vi,
                "choices": q.choices,
            }
            for q in course.questions.all()
        ],
    }


@router.get(
    "/courses/{slug}/certificate", response={200: CertificateOut, **ERRORS}, operation_id="awareness_certificate_get"
)
def certificate_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Return the caller's certificate of the course ``slug`` (404 until its quiz is passed)."""
    enrollment = courses.certificate_get(actor=request_actor(request), slug=slug)
    return {
        "course": enrollment.course.slug,
        "title_en": enrollment.course.title_en,
        "title_vi": enrollment.course.title_vi,
        "holder": enrollment.user.get_full_name() or enrollment.user.get_username(),
        "best_score": enrollment.best_score,
        "completed_at": enrollment.completed_at,
    }


def _time(value: report_timing.ReportTime | None) -> dict[str, Any] | None:
    return None if value is None else {"reports": value.reports, "median_minutes": value.median_minutes}


@router.get("/drill-results", response={200: DrillResultsOut, **ERRORS}, operation_id="awareness_drill_results")
def drill_results(request: HttpRequest, campaign: int | None = None) -> dict[str, Any]:
    """Per-unit results of every drill (or of ``campaign``): phish-prone percentage and time to report by month."""
    actor = request_actor(request)
    chosen = None
    if campaign is not None:
        chosen = next((c for c in selectors.drill_overview(actor=actor)["campaigns"] if c.pk == campaign), None)
        if chosen is None:
            raise NotFound
    results = drills.drill_results(actor=actor, campaign=chosen)
    times = report_timing.report_times_get(actor=actor, campaign=chosen)
    by_unit = {row.organisation_id: row for row in times.rows}
    units = []
    for unit in results:
        timed = by_unit.get(unit.organisation_id)
        units.append(
            {
                "organisation_id": unit.organisation_id,
                "unit": unit.organisation_code,
                "delivered": unit.delivered,
                "failed": unit.failed,
                "reported": unit.reported,
                "phish_prone": unit.phish_prone,
                "time_to_report": _time(timed.overall) if timed else None,
                "time_to_report_by_month": [_time(m) for m in timed.months] if timed else [None] * len(times.months),
            }
        )
    return {"months": times.months, "units": units, "time_to_report": _time(times.overall)}


@router.get(
    "/course-assignments", response={200: list[AssignmentOut], **ERRORS}, operation_id="awareness_assignment_list"
)
def assignment_list(request: HttpRequest) -> list[dict[str, Any]]:
    """List the latest course assignments with their completion (administrators and security officers)."""
    return [_assignment(row) for row in courses.course_assignment_list(actor=request_actor(request))]


def _assignment(row: courses.AssignmentProgress) -> dict[str, Any]:
    assignment = row.assignment
    return {
        "id": assignment.pk,
        "course": assignment.course.slug,
        "target_roles": assignment.target_roles,
        "target_organisations": assignment.target_organisations,
        "due_at": assignment.due_at,
        "created_at": assignment.created_at,
        "enrolled": row.enrolled,
        "completed": row.completed,
        "overdue": row.overdue,
    }


@router.post("/course-assignments", response={201: AssignmentOut, **ERRORS}, operation_id="awareness_assignment_create")
def assignment_create(request: HttpRequest, payload: AssignmentIn) -> Status[dict[str, Any]]:
    """Assign a course to roles and/or units and missions with a due date; answers the assignment."""
    actor = request_actor(request)
    course = next((c for c in courses.course_catalogue(actor=actor) if c.slug == payload.course), None)
    if course is None:
        raise InvalidInput(errors={"course": [_("Unknown course.")]})
    assignment, _created = courses.course_assignment_create(
        actor=actor,
        course=course,
        target_roles=payload.target_roles,
        target_organisations=payload.target_organisations,
        due_at=payload.due_at,
    )
    [row] = [r for r in courses.course_assignment_list(actor=actor) if r.assignment.pk == assignment.pk] or [
        courses.AssignmentProgress(assignment=assignment, enrolled=0, completed=0, overdue=0)
    ]
    return Status(201, _assignment(row))


@router.get("/course-reminders", response={200: list[ReminderOut], **ERRORS}, operation_id="awareness_reminder_list")
def reminder_list(request: HttpRequest) -> list[dict[str, Any]]:
    """List the caller's course reminders of the last two weeks for courses not yet completed."""
    return [
        {
            "course": r.enrollment.course.slug,
            "due_at": r.enrollment.due_at,
            "overdue": r.overdue,
            "created_at": r.created_at,
        }
        for r in reminders.course_reminder_list(actor=request_actor(request))
    ]


def _course_by_slug(courses_: list[Course], slug: str) -> Course:
    found = next((c for c in courses_ if c.slug == slug), None)
    if found is None:
        raise InvalidInput(errors={"course": [_("Unknown course.")]})
    return found


@router.get(
    "/drill-templates", response={200: list[DrillTemplateOut], **ERRORS}, operation_id="awareness_drill_template_list"
)
def drill_template_list(request: HttpRequest) -> list[DrillTemplate]:
    """List the phishing-drill templates (security officers and administrators)."""
    return selectors.drill_overview(actor=request_actor(request))["templates"]  # type: ignore[no-any-return]


@router.post(
    "/drill-templates", response={201: DrillTemplateOut, **ERRORS}, operation_id="awareness_drill_template_create"
)
def drill_template_create(request: HttpRequest, payload: DrillTemplateIn) -> Status[DrillTemplate]:
    """Create a drill template; the body must contain ``{link}``."""
    actor = request_actor(request)
    data = payload.dict()
    course = _course_by_slug(selectors.drill_overview(actor=actor)["courses"], data.pop("course"))
    return Status(201, drills.drill_template_create(actor=actor, course_id=course.pk, **data))


@router.post(
    "/phishing-reports/{report_id}/drill-template",
    response={201: DrillTemplateOut, **CONFLICT_ERRORS},
    operation_id="awareness_drill_template_seed",
)
def drill_template_seed(request: HttpRequest, report_id: int, payload: TemplateSeedIn) -> Status[DrillTemplate]:
    """Seed a drill template from a confirmed report (its subject and sender; a neutral body). 409 if not confirmed."""
    actor = request_actor(request)
    course = _course_by_slug(selectors.drill_overview(actor=actor)["courses"], payload.course)
    return Status(201, drills.drill_template_from_report(actor=actor, report_id=report_id, course_id=course.pk))


@router.get("/drill-campaigns", response={200: list[CampaignOut], **ERRORS}, operation_id="awareness_campaign_list")
def campaign_list(request: HttpRequest) -> list[Campaign]:
    """List the 50 latest drills, scheduled or sent (security officers and administrators)."""
    return selectors.drill_overview(actor=request_actor(request))["campaigns"]  # type: ignore[no-any-return]


@router.post("/drill-campaigns", response={201: CampaignOut, **ERRORS}, operation_id="awareness_campaign_create")
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    """Schedule a drill for roles and/or units; the periodic job sends it when due (or launch it now)."""
    actor = request_actor(request)
    template = next((t for t in selectors.drill_overview(actor=actor)["templates"] if t.pk == payload.template), None)
    if template is None:
        raise InvalidInput(errors={"template": [_("Unknown template.")]})
    campaign = drills.campaign_create(
        actor=actor,
        name=payload.name,
        template=template,
        target_roles=payload.target_roles,
        target_organisations=payload.target_organisations,
        scheduled_at=payload.scheduled_at,
    )
    return Status(201, campaign)


@router.get(
    "/drill-campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS}, operation_id="awareness_campaign_get"
)
def campaign_get(request: HttpRequest, campaign_id: int) -> Campaign:
    """Return one drill."""
    return selectors.campaign_get(actor=request_actor(request), campaign_id=campaign_id)


@router.post(
    "/drill-campaigns/{campaign_id}/launch",
    response={200: LaunchOut, **CONFLICT_ERRORS},
    operation_id="awareness_campaign_launch",
)
def campaign_launch(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """Send a scheduled drill now (its messages go out after the commit); 409 if it was already sent."""
    actor = request_actor(request)
    campaign = selectors.campaign_get(actor=actor, campaign_id=campaign_id)
    recipients = drills.campaign_launch(actor=actor, campaign=campaign)
    return {"campaign": selectors.campaign_get(actor=actor, campaign_id=campaign_id), "recipients": recipients}


@router.get("/dashboard", response={200: DashboardOut, **ERRORS}, operation_id="awareness_dashboard_get")
def dashboard_get(request: HttpRequest) -> dict[str, Any]:
    """The security dashboard's figures (administrators and security officers of the ministry)."""
    board = security_dashboard_get(actor=request_actor(request))
    return {
        "since": board.since,
        "mfa_by_role": board.mfa_by_role,
        "mfa_by_unit": board.mfa_by_unit,
        "lockouts": board.lockouts,
        "training": board.training,
        "trend": board.trend,
        "reports": board.reports,
        "alerts": board.alerts,
        "exchange": board.exchange,
        "pulled_by_partners": board.pulled_by_partners,
        "time_to_report": _time(board.report_times.overall),
    }
