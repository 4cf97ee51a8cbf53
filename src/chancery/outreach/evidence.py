"""The evidence a response carries: a snapshot of an intelligence alert and the stories behind it.

Read through the intelligence selectors, so the actor sees only alerts (and their stories) the
``intelligence.alerts`` rule lets them see.
"""

from __future__ import annotations

from django.urls import reverse

from chancery.intelligence.selectors import alert_list
from chancery.outreach.models import Evidence
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound

EVIDENCE_STORIES = 10


def alert_label(*, subject: str, measure: str, day: str) -> str:
    """Return a short, language-neutral label of a spike or watchlist alert (``country:VNM volume 2026-11-27``)."""
    return " ".join(part for part in (subject, measure, day) if part) or "alert"


def evidence_rows(*, actor: Actor, alert_id: int) -> list[Evidence]:
    """Return unsaved evidence rows for an alert the actor may see: the alert first, then its stories.

    NotFound when the alert does not exist or is not the actor's to see.
    """
    alert = alert_list(actor=actor).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound
    rows = [
        Evidence(
            kind="alert",
            alert=alert,
            label=alert_label(
                subject=alert.subject, measure=alert.measure, day=alert.day.isoformat() if alert.day else ""
            ),
            source_url=f"{reverse('intelligence:alerts')}#alert-{alert.pk}",
            figures=alert.figures if isinstance(alert.figures, dict) else {},
            position=0,
        )
    ]
    for position, item in enumerate(list(alert.items.all())[:EVIDENCE_STORIES], start=1):
        rows.append(
            Evidence(
                kind="story",
                alert=alert,
                item=item,
                label=(item.title or item.url or str(item.pk))[:1000],
                source_url=item.url[:2000],
                position=position,
            )
        )
    return rows
