"""Course reminders: in-app and by e-mail, before a course's due date and once it is overdue.

The scheduled job ``awareness.course_reminders`` (hourly) reminds every unfinished enrolment with a due
date that falls within the coming days (``CHANCERY_AWARENESS_REMIND_DAYS``, default 3) or has passed. An
enrolment is reminded at most once a day, however often the job runs. The e-mail names the course and
the date in Vietnamese and English, nothing else.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.awareness.models import CourseReminder, Enrollment
from chancery.platform import access
from chancery.platform.actor import Actor

logger = logging.getLogger(__name__)

REPEAT = timedelta(days=1)
"""The shortest interval between two reminders of one enrolment."""


def _remind_window() -> timedelta:
    return timedelta(days=int(getattr(settings, "AWARENESS_REMIND_DAYS", 3)))


def _mail_text(*, title_vi: str, title_en: str, due: datetime, overdue: bool, path: str) -> tuple[str, str]:
    """Return the subject and body of a reminder, Vietnamese first, then English."""
    subjects: list[str] = []
    bodies: list[str] = []
    date = timezone.localtime(due).strftime("%Y-%m-%d")
    url = settings.SITE_URL.rstrip("/") + path
    for language, title in (("vi", title_vi), ("en", title_en)):
        with translation.override(language):
            if overdue:
                subjects.append(_("Course overdue: %(title)s") % {"title": title})
                bodies.append(
                    _("The course “%(title)s” was due on %(date)s and is not completed yet. Open it: %(url)s")
                    % {"title": title, "date": date, "url": url}
                )
            else:
                subjects.append(_("Course due soon: %(title)s") % {"title": title})
                bodies.append(
                    _("The course “%(title)s” is due on %(date)s. Open it: %(url)s")
                    % {"title": title, "date": date, "url": url}
                )
    return " / ".join(subjects)[:250], "\n\n".join(bodies) + "\n"


def _send(address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, None, [address])
    except OSError:  # the in-app reminder stands; a mail outage must not undo it
        logger.warning("course reminder e-mail could not be sent", exc_info=True)


def _due(now: datetime) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(
            completed_at__isnull=True,
            due_at__isnull=False,
            due_at__lte=now + _remind_window(),
            user__is_active=True,
        )
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REPEAT))
        .select_related("course", "user")
    )


def course_reminders_send(*, actor: Actor, now: datetime | None = None) -> int:
    """Remind the unfinished enrolments that are due within the window or overdue; return how many.

    Needs ``awareness.course_manage`` (the scheduled job runs as the system). Each reminder is an in-app
    :class:`CourseReminder` plus, on commit, an e-mail to the learner's address when there is one; an
    enrolment reminded in the last day is skipped. Emits ``awareness.course_reminded`` per reminder
    (enrolment and whether overdue only).
    """
    access.require(actor, "awareness.course_manage")
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        for enrollment in _due(now).select_for_update(of=("self",)):
            due_at = enrollment.due_at
            if due_at is None:  # excluded by the query; keeps the type checker informed
                continue
            overdue = due_at <= now
            CourseReminder.objects.create(enrollment=enrollment, overdue=overdue)
            Enrollment.objects.filter(pk=enrollment.pk).update(reminded_at=now)
            audit_record(
                actor=actor,
                action="awareness.course_reminded",
                object_type="awareness.enrollment",
                object_id=enrollment.pk,
                detail={"overdue": overdue},
            )
            sent += 1
            address = str(enrollment.user.email or "")
            if address:
                subject, body = _mail_text(
                    title_vi=enrollment.course.title_vi,
                    title_en=enrollment.course.title_en,
                    due=due_at,
                    overdue=overdue,
                    path=reverse("awareness:course_detail", args=[enrollment.course.slug]),
                )
                transaction.on_commit(functools.partial(_send, address, subject, body))
    return sent


def course_reminder_list(*, actor: Actor, days: int = 14) -> list[CourseReminder]:
    """Return the actor's own course reminders of the last ``days`` days, newest first, for unfinished courses.

    Needs ``awareness.learn``. Emits nothing.
    """
    access.require(actor, "awareness.learn")
    if actor.user_id is None:
        return []
    return list(
        CourseReminder.objects.filter(
            enrollment__user_id=actor.user_id,
            enrollment__completed_at__isnull=True,
            created_at__gte=timezone.now() - timedelta(days=days),
        ).select_related("enrollment__course")[:20]
    )
