"""Phishing reports and the indicators extracted from them (the message itself is not kept)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chancery.awareness.enums import CampaignState, IndicatorKind, ReportStatus


class PhishingReport(models.Model):
    """A suspicious message a member of staff reported: metadata and indicators, never the attachments."""

    reporter = models.ForeignKey(
        "identity.User", verbose_name=_("reporter"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "missions.Organisation",
        verbose_name=_("reporter's unit"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    sender = models.CharField(_("sender"), max_length=320, blank=True)
    reply_to = models.CharField(_("reply-to"), max_length=320, blank=True)
    message_sha256 = models.CharField(_("message SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.NEW)
    triaged_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    triage_note = models.CharField(_("triage note"), max_length=500, blank=True)
    shared_to = models.UUIDField(_("threat-intelligence collection"), null=True, blank=True)
    stix_ids: models.JSONField[list[str]] = models.JSONField(_("STIX indicators"), default=list)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("phishing report")

    def __str__(self) -> str:
        return f"report {self.pk}"


class ReportIndicator(models.Model):
    """One indicator extracted from a report (an attachment appears only as its SHA-256)."""

    report = models.ForeignKey(PhishingReport, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("kind"), max_length=16, choices=IndicatorKind.choices)
    value = models.CharField(_("value"), max_length=2000)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value[:40]}"


class Course(models.Model):
    """A security-awareness course: Markdown lessons in both languages and a quiz with a pass mark."""

    slug = models.SlugField(_("code"), max_length=64, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_vi = models.TextField(_("summary (Vietnamese)"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (per cent)"), default=80)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("course")

    def __str__(self) -> str:
        return self.slug


class Lesson(models.Model):
    """One lesson of a course, written in Markdown in English and Vietnamese."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(_("position"))
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    body_en = models.TextField(_("lesson (English, Markdown)"))
    body_vi = models.TextField(_("lesson (Vietnamese, Markdown)"))

    class Meta:
        ordering = ["course", "position"]
        constraints = [models.UniqueConstraint(fields=["course", "position"], name="awareness_lesson_position")]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.position}"


class Question(models.Model):
    """A multiple-choice quiz question: choices in both languages, one correct, with feedback."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    text_en = models.CharField(_("question (English)"), max_length=500)
    text_vi = models.CharField(_("question (Vietnamese)"), max_length=500)
    choices: models.JSONField[list[dict[str, str]]] = models.JSONField(_("choices (en, vi)"))
    correct = models.PositiveSmallIntegerField(_("correct choice (from 0)"))
    feedback_en = models.CharField(_("feedback (English)"), max_length=500)
    feedback_vi = models.CharField(_("feedback (Vietnamese)"), max_length=500)

    class Meta:
        ordering = ["course", "position"]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.position}"


class CourseAssignment(models.Model):
    """An officer's assignment of a course to roles and/or units and missions, with a due date."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="assignments")
    target_roles: models.JSONField[list[str]] = models.JSONField(_("roles"), default=list, blank=True)
    target_organisations: models.JSONField[list[int]] = models.JSONField(
        _("units and missions"), default=list, blank=True
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    created_by = models.ForeignKey("identity.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.course_id}@{self.created_at:%Y-%m-%d}"


class Enrollment(models.Model):
    """A person assigned to a course, why, by when, and their best result."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey("identity.User", on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(
        CourseAssignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrollments"
    )
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    best_score = models.PositiveSmallIntegerField(_("best score (per cent)"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="awareness_one_enrollment")]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.user_id}"


class CourseReminder(models.Model):
    """An in-app reminder that a course is due soon or overdue (an e-mail goes with it when possible)."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="reminders")
    overdue = models.BooleanField(_("overdue"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.enrollment_id}:{self.created_at:%Y-%m-%d}"


class DrillTemplate(models.Model):
    """A simulated phishing message and its landing page; ``{link}`` in the body becomes the tracked link."""

    name = models.CharField(_("name"), max_length=200)
    sender_name = models.CharField(_("sender name"), max_length=100)
    sender_address = models.EmailField(_("sender address"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body (plain text, {link} marks the link)"))
    landing_title = models.CharField(_("landing page title"), max_length=200)
    landing_prompt = models.CharField(_("landing page prompt"), max_length=300)
    course = models.ForeignKey(Course, verbose_name=_("course for those who fall for it"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A phishing drill: a template sent to a target group (roles and/or units) at a scheduled time."""

    name = models.CharField(_("name"), max_length=200)
    template = models.ForeignKey(DrillTemplate, verbose_name=_("template"), on_delete=models.PROTECT)
    target_roles: models.JSONField[list[str]] = models.JSONField(_("target roles"), default=list, blank=True)
    target_organisations: models.JSONField[list[int]] = models.JSONField(
        _("target units and missions"), default=list, blank=True
    )
    scheduled_at = models.DateTimeField(_("send at"))
    state = models.CharField(_("state"), max_length=16, choices=CampaignState.choices, default=CampaignState.SCHEDULED)
    created_by = models.ForeignKey("identity.User", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class Recipient(models.Model):
    """One target of a drill and what they did; nothing typed into the landing page is ever stored."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey("identity.User", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("missions.Organisation", on_delete=models.SET_NULL, null=True, related_name="+")
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="awareness_one_recipient")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.user_id}"
