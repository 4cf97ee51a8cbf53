"""Reads of the awareness app: phishing reports the actor may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from chancery.awareness.models import Campaign, PhishingReport
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound


def phishing_report_list(*, actor: Actor, status: str = "") -> QuerySet[PhishingReport]:
    """Return the reports ``actor`` may see (own reports; all for triagers), newest first. Emits nothing."""
    queryset = PhishingReport.objects.select_related("reporter", "organisation")
    if status:
        queryset = queryset.filter(status=status)
    return access.visible(actor, "awareness.view_report", queryset)


def phishing_report_get(*, actor: Actor, report_id: int) -> PhishingReport:
    """Return one report with its indicators; :class:`NotFound` when missing or not visible to ``actor``."""
    report = PhishingReport.objects.select_related("reporter", "organisation").filter(pk=report_id).first()
    if report is None:
        raise NotFound
    access.require(actor, "awareness.view_report", report)
    return report


def drill_overview(*, actor: Actor) -> dict[str, Any]:
    """Return templates, courses and campaigns for the drills page. Needs ``awareness.drill_manage``."""
    from chancery.awareness.models import Course, DrillTemplate

    access.require(actor, "awareness.drill_manage")
    return {
        "templates": list(DrillTemplate.objects.select_related("course")),
        "courses": list(Course.objects.all()),
        "campaigns": list(Campaign.objects.select_related("template")[:50]),
    }


def campaign_get(*, actor: Actor, campaign_id: int) -> Campaign:
    """Return one drill campaign with its template. Needs ``awareness.drill_manage``; NotFound if missing.

    Emits nothing.
    """
    access.require(actor, "awareness.drill_manage")
    campaign = Campaign.objects.select_related("template").filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound
    return campaign
