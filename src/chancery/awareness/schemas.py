"""API schemas for awareness (one in/out shape per operation)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema


class IndicatorOut(Schema):
    """An indicator extracted from a reported message."""

    kind: str = Field(description="sender, reply_to, url, domain or attachment (SHA-256)")
    value: str
    detail: str


class ReportOut(Schema):
    """A phishing report: metadata and indicators (the message itself is not kept)."""

    id: int
    reported_at: datetime
    subject: str
    sender: str
    reply_to: str
    message_sha256: str
    status: str = Field(description="new, confirmed or dismissed")
    stix_ids: list[str] = Field(description="STIX indicators shared on confirmation")


class ReportDetailOut(ReportOut):
    """A report with its indicators."""

    indicators: list[IndicatorOut] = Field(alias="indicator_list")


class TriageIn(Schema):
    """A security officer's decision."""

    decision: Literal["confirm", "dismiss"]
    collection: str = Field("", description="TAXII id of the collection to share into (to confirm)")
    note: str = Field("", max_length=500)


class EnrollmentOut(Schema):
    """One of the caller's course enrolments."""

    course: str = Field(alias="course.slug")
    due_at: datetime | None
    best_score: int | None = Field(description="per cent")
    attempts: int
    completed_at: datetime | None


class QuizIn(Schema):
    """Answers: question id -> index of the chosen choice (from 0)."""

    answers: dict[int, int]


class QuestionFeedbackOut(Schema):
    """One question of a submitted quiz: the choice made, whether it was right, and the feedback."""

    question: int = Field(description="the question's id")
    chosen: int | None = Field(description="index of the chosen choice (null when unanswered)")
    right: bool
    feedback_en: str
    feedback_vi: str


class QuizOut(Schema):
    """The result of a quiz attempt, with feedback per question."""

    score: int = Field(description="per cent")
    passed: bool
    completed_at: datetime | None
    feedback: list[QuestionFeedbackOut] = Field(description="in the order of the quiz")


class LessonOut(Schema):
    """A lesson in both languages: Markdown and the sanitised HTML rendering."""

    position: int
    title_en: str
    title_vi: str
    body_en: str = Field(description="Markdown")
    body_vi: str = Field(description="Markdown")
    html_en: str = Field(description="sanitised HTML")
    html_vi: str = Field(description="sanitised HTML")


class ChoiceOut(Schema):
    """A choice of a quiz question in both languages."""

    en: str
    vi: str


class QuestionOut(Schema):
    """A quiz question (the right answer is not disclosed)."""

    id: int
    position: int
    text_en: str
    text_vi: str
    choices: list[ChoiceOut] = Field(description="answer with the index, from 0")


class CourseOut(Schema):
    """A course's content: lessons and quiz."""

    slug: str
    title_en: str
    title_vi: str
    summary_en: str
    summary_vi: str
    pass_mark: int = Field(description="per cent")
    lessons: list[LessonOut]
    questions: list[QuestionOut]


class CertificateOut(Schema):
    """The caller's certificate of a completed course."""

    course: str
    title_en: str
    title_vi: str
    holder: str = Field(description="the learner's display name")
    best_score: int | None = Field(description="per cent")
    completed_at: datetime


class ReportTimeOut(Schema):
    """Reports counted and their median time to report."""

    reports: int
    median_minutes: float = Field(description="median of report time minus delivery time, in minutes")


class UnitDrillOut(Schema):
    """One unit's drill results: phish-prone percentage beside time to report, overall and by month."""

    organisation_id: int | None
    unit: str
    delivered: int
    failed: int = Field(description="recipients who clicked or submitted")
    reported: int
    phish_prone: float = Field(description="per cent of delivered")
    time_to_report: ReportTimeOut | None
    time_to_report_by_month: list[ReportTimeOut | None] = Field(description="in the order of ``months``")


class DrillResultsOut(Schema):
    """Drill results per unit with time to report by month (``YYYY-MM``, oldest first)."""

    months: list[str]
    units: list[UnitDrillOut]
    time_to_report: ReportTimeOut | None = Field(description="over every unit")


class AssignmentIn(Schema):
    """A course to assign to roles and/or units and missions."""

    course: str = Field(description="the course's code (slug)")
    target_roles: list[str] = Field(default_factory=list)
    target_organisations: list[int] = Field(default_factory=list)
    due_at: datetime | None = None


class AssignmentOut(Schema):
    """An assignment and its completion."""

    id: int
    course: str
    target_roles: list[str]
    target_organisations: list[int]
    due_at: datetime | None
    created_at: datetime
    enrolled: int
    completed: int
    overdue: int


class ReminderOut(Schema):
    """An in-app course reminder."""

    course: str
    due_at: datetime | None
    overdue: bool
    created_at: datetime


class DrillTemplateIn(Schema):
    """A phishing-drill template: the message, its landing page and the course for whoever falls for it."""

    name: str = Field(min_length=1, max_length=200)
    sender_name: str = Field(min_length=1, max_length=100)
    sender_address: str = Field(min_length=3, max_length=254)
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20000, description="plain text; ``{link}`` marks the link")
    landing_title: str = Field(min_length=1, max_length=200)
    landing_prompt: str = Field(min_length=1, max_length=300)
    course: str = Field(description="code (slug) of the course those who click are enrolled in")


class DrillTemplateOut(Schema):
    """A phishing-drill template."""

    id: int
    name: str
    sender_name: str
    sender_address: str
    subject: str
    body: str
    landing_title: str
    landing_prompt: str
    course: str = Field(alias="course.slug")
    created_at: datetime


class TemplateSeedIn(Schema):
    """The course a drill template seeded from a confirmed report enrols its clickers in."""

    course: str = Field(description="the course's code (slug)")


class CampaignIn(Schema):
    """A drill to schedule for roles and/or units and missions."""

    name: str = Field(min_length=1, max_length=200)
    template: int = Field(description="the drill template's id")
    target_roles: list[str] = Field(default_factory=list)
    target_organisations: list[int] = Field(default_factory=list)
    scheduled_at: datetime


class CampaignOut(Schema):
    """A scheduled or sent drill."""

    id: int
    name: str
    template: int = Field(alias="template_id")
    target_roles: list[str]
    target_organisations: list[int]
    scheduled_at: datetime
    state: str = Field(description="scheduled or sent")
    sent_at: datetime | None


class LaunchOut(Schema):
    """A launched drill and how many recipients its messages go to."""

    campaign: CampaignOut
    recipients: int


class CoverageOut(Schema):
    """Active accounts of a role or unit and how many have a second factor."""

    label: str
    active: int
    with_mfa: int
    percent: int | None


class LockoutOut(Schema):
    """A locked sign-in name."""

    username: str
    failures: int
    last_attempt: datetime


class TrainingOut(Schema):
    """Course assignments of one unit's staff."""

    unit: str
    assigned: int
    completed: int
    overdue: int
    percent: int | None = Field(description="completed, per cent")


class TrendCampaignOut(Schema):
    """A sent drill (a column of the trend)."""

    name: str
    sent_at: datetime | None


class TrendCellOut(Schema):
    """One unit in one drill."""

    delivered: int
    failed: int
    reported: int
    percent: int | None = Field(description="phish-prone percentage")


class TrendRowOut(Schema):
    """One unit's cells in the order of the trend's campaigns (null where not targeted)."""

    unit: str
    cells: list[TrendCellOut | None]


class TrendOut(Schema):
    """Phish-prone percentage per unit per drill, oldest drill first."""

    campaigns: list[TrendCampaignOut]
    rows: list[TrendRowOut]


class OpenReportsOut(Schema):
    """Phishing reports awaiting triage."""

    count: int
    oldest: datetime | None


class AlertCountOut(Schema):
    """Unclosed security alerts of one kind and status."""

    kind: str
    status: str
    count: int


class ExchangeOut(Schema):
    """Objects that entered one collection in the window, by how they arrived."""

    title: str
    imported: int
    pulled: int
    published: int


class PartnerPullOut(Schema):
    """What one partner fetched from one collection over TAXII in the window."""

    collection: str
    partner: str
    requests: int
    served: int


class DashboardOut(Schema):
    """The security dashboard's figures; a null section is one the caller may not read."""

    since: datetime = Field(description="start of the threat-intelligence window")
    mfa_by_role: list[CoverageOut] | None
    mfa_by_unit: list[CoverageOut] | None
    lockouts: list[LockoutOut] | None
    training: list[TrainingOut]
    trend: TrendOut
    reports: OpenReportsOut
    alerts: list[AlertCountOut] | None
    exchange: list[ExchangeOut] | None
    pulled_by_partners: list[PartnerPullOut] | None
    time_to_report: ReportTimeOut | None = Field(description="median over every unit")
