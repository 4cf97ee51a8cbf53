"""Writes for security monitoring: running the detectors, and acknowledging or closing an alert.

A raised alert tells the ministry's security officers in the app and by e-mail.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.missions.enums import HEADQUARTERS_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chancery.platform.events.services import events_publish
from chancery.resilience.monitoring.detectors import DETECTORS, Finding
from chancery.resilience.monitoring.enums import AlertStatus
from chancery.resilience.monitoring.explain import alert_explanation
from chancery.resilience.monitoring.models import SecurityAlert

logger = logging.getLogger(__name__)

ALERT_OBJECT = "monitoring.alert"
EVENT_KIND = "monitoring.alert"
MAX_NOTE_LENGTH = 2000


def security_officer_recipients() -> list[tuple[int, str]]:
    """Return (id, e-mail) of every active security officer of the ministry or its departments."""
    users = get_user_model().objects.filter(
        is_active=True, role="security_officer", organisation__kind__in=sorted(HEADQUARTERS_KINDS)
    )
    return list(users.order_by("pk").values_list("pk", "email"))


def _notify(alert: SecurityAlert) -> None:
    """Publish the live event and e-mail the security officers once the alert is committed."""
    recipients = security_officer_recipients()
    events_publish(
        user_ids=[user_id for user_id, _email in recipients],
        kind=EVENT_KIND,
        payload={"alert": alert.pk, "kind": alert.kind, "user": alert.subject_username},
    )
    addresses = sorted({email for _user_id, email in recipients if email})
    if not addresses:
        return
    subject = _("Chancery security alert: %(kind)s") % {"kind": alert.get_kind_display()}
    body = alert_explanation(alert) + "\n\n" + _("Open the security alerts page to acknowledge or close it.")

    def send() -> None:
        try:
            send_mail(subject, body, None, addresses)
        except OSError:  # the in-app alert stands; the mail server being away must not lose it
            logger.exception("could not e-mail security alert %s", alert.pk)

    transaction.on_commit(send, robust=True)


def _raise(actor: Actor, finding: Finding) -> SecurityAlert | None:
    if SecurityAlert.objects.filter(dedup_key=finding.dedup_key).exists():
        return None
    try:
        with transaction.atomic():
            alert = SecurityAlert.objects.create(
                kind=finding.kind,
                dedup_key=finding.dedup_key,
                subject_user_id=finding.subject_user_id,
                subject_username=finding.subject_username,
                figures=finding.figures,
                event_ids=finding.event_ids,
            )
            audit_record(
                actor=actor,
                action="monitoring.alert_raised",
                object_type=ALERT_OBJECT,
                object_id=alert.pk,
                detail={"kind": alert.kind, "user": alert.subject_username, "events": len(alert.event_ids)},
            )
            _notify(alert)
    except IntegrityError:  # another run raised it at the same moment
        return None
    return alert


def monitoring_run(*, actor: Actor, now: datetime | None = None) -> list[SecurityAlert]:
    """Run every detector up to ``now`` and return the alerts newly raised.

    Needs ``monitoring.manage`` (the periodic job runs as the system actor). One transaction per alert;
    an alert already raised for the same window is not raised again. Emits ``monitoring.alert_raised``,
    a ``monitoring.alert`` live event to each security officer of the ministry, and an e-mail to them.
    """
    access.require(actor, "monitoring.manage")
    moment = now or timezone.now()
    raised: list[SecurityAlert] = []
    for detector in DETECTORS:
        with transaction.atomic():
            findings = detector(now=moment)
        for finding in findings:
            alert = _raise(actor, finding)
            if alert is not None:
                raised.append(alert)
    return raised


def _person(actor: Actor) -> int:
    if actor.user_id is None:
        raise PermissionDenied(_("Only a signed-in person can do this."))
    return actor.user_id


def _locked(alert_id: int) -> SecurityAlert:
    alert = SecurityAlert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise NotFound
    return alert


def alert_acknowledge(*, actor: Actor, alert_id: int) -> SecurityAlert:
    """Mark an open alert as being looked at. Needs ``monitoring.manage``; Conflict unless open.

    Emits ``monitoring.alert_acknowledged``.
    """
    access.require(actor, "monitoring.manage")
    with transaction.atomic():
        alert = _locked(alert_id)
        if alert.status != AlertStatus.OPEN:
            raise Conflict(_("Only an open alert can be acknowledged."))
        alert.status, alert.acknowledged_by_id, alert.acknowledged_at = (
            AlertStatus.ACKNOWLEDGED,
            _person(actor),
            timezone.now(),
        )
        alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        audit_record(actor=actor, action="monitoring.alert_acknowledged", object_type=ALERT_OBJECT, object_id=alert.pk)
    return alert


def alert_close(*, actor: Actor, alert_id: int, note: str) -> SecurityAlert:
    """Close an alert with a note saying what was found or done (1-2000 characters).

    Needs ``monitoring.manage``; InvalidInput (field ``note``) for an empty or long note; Conflict when
    already closed. Emits ``monitoring.alert_closed`` (the note's length, not its text).
    """
    access.require(actor, "monitoring.manage")
    note = note.strip()
    if not note or len(note) > MAX_NOTE_LENGTH:
        message = _("Write a note of 1 to 2000 characters saying what was found or done.")
        raise InvalidInput(message, errors={"note": [message]})
    with transaction.atomic():
        alert = _locked(alert_id)
        if alert.status == AlertStatus.CLOSED:
            raise Conflict(_("This alert is already closed."))
        alert.status, alert.closed_by_id, alert.closed_at, alert.note = (
            AlertStatus.CLOSED,
            _person(actor),
            timezone.now(),
            note,
        )
        alert.save(update_fields=["status", "closed_by", "closed_at", "note"])
        audit_record(
            actor=actor,
            action="monitoring.alert_closed",
            object_type=ALERT_OBJECT,
            object_id=alert.pk,
            detail={"note_length": len(note)},
        )
    return alert
