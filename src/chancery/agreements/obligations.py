"""Obligations: what an agreement requires, by when; reminders to their owners ahead of due dates.

Services (writes) for obligations live here rather than in ``services.py`` to keep each file to one
job; they follow the same rules: one transaction, the policy engine, an audit event per change, side
effects (e-mail) on commit.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import hashlib
import logging
import secrets

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.agreements.enums import RECURRENCE_MONTHS, ObligationStatus, Recurrence
from chancery.agreements.models import Agreement, CalendarToken, Obligation, Reminder
from chancery.agreements.validation import invalid
from chancery.audit.services import audit_record
from chancery.missions import selectors as missions_selectors
from chancery.missions.enums import OrganisationKind
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound

MAX_REMIND_DAYS = 365
logger = logging.getLogger(__name__)


def next_due_date(due: dt.date, recurrence: str) -> dt.date:
    """Return the due date after ``due`` for ``recurrence`` (the month's last day when it is shorter)."""
    months = RECURRENCE_MONTHS[Recurrence(recurrence)]
    index = due.month - 1 + months
    year, month = due.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(due.day, month_calendar.monthrange(year, month)[1]))


@transaction.atomic
def obligation_create(
    *,
    actor: Actor,
    agreement_id: int,
    title: str,
    department_code: str,
    owner_username: str,
    due_date: dt.date,
    recurrence: str = Recurrence.NONE,
    remind_days_before: int = 14,
    is_illustrative: bool = False,
) -> Obligation:
    """Record an obligation of an agreement, owned by a member of ``department_code``; return it.

    Needs ``agreements.manage`` on the agreement. Raises :class:`InvalidInput` naming the field for an
    empty title, an unknown department, an owner outside it, an unknown recurrence or a reminder lead
    time outside 0-365 days. Emits the audit event ``agreements.obligation_create``.
    """
    agreement = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound
    access.require(actor, "agreements.view", agreement)
    access.require(actor, "agreements.manage", agreement)
    if not title.strip():
        raise invalid("title", _("Say what the obligation is."))
    if recurrence not in Recurrence.values:
        raise invalid("recurrence", _("Unknown recurrence %(value)s.") % {"value": recurrence})
    if not 0 <= remind_days_before <= MAX_REMIND_DAYS:
        raise invalid("remind_days_before", _("Remind between 0 and 365 days ahead."))
    department = (
        missions_selectors.organisation_list(actor=actor, kind=OrganisationKind.DEPARTMENT)
        .filter(code=department_code)
        .first()
    )
    if department is None:
        raise invalid("department", _("Unknown department %(code)s.") % {"code": department_code})
    owner = get_user_model().objects.filter(username=owner_username, is_active=True).first()
    if owner is None or owner.organisation_id != department.pk:
        raise invalid("owner", _("The owner must be an active member of the department."))
    obligation = Obligation.objects.create(
        agreement=agreement,
        title=title.strip(),
        department=department,
        owner=owner,
        due_date=due_date,
        recurrence=recurrence,
        remind_days_before=remind_days_before,
        is_illustrative=is_illustrative,
    )
    audit_record(
        actor=actor,
        action="agreements.obligation_create",
        object_type="obligation",
        object_id=obligation.pk,
        classification=agreement.classification,
        detail={"agreement_id": agreement.pk, "due_date": due_date.isoformat(), "recurrence": recurrence},
    )
    return obligation


@transaction.atomic
def obligation_complete(*, actor: Actor, obligation_id: int) -> Obligation:
    """Mark an obligation met: a recurring one moves to its next due date, a one-off one is done.

    Needs ``agreements.manage`` on its agreement, or being its owner. Raises :class:`InvalidInput`
    naming ``status`` when it is already done. Emits the audit event ``agreements.obligation_complete``.
    """
    obligation = Obligation.objects.select_for_update().select_related("agreement").filter(pk=obligation_id).first()
    if obligation is None:
        raise NotFound
    access.require(actor, "agreements.view_obligation", obligation)
    if obligation.owner_id != actor.user_id:
        access.require(actor, "agreements.manage", obligation.agreement)
    if obligation.status == ObligationStatus.DONE:
        raise invalid("status", _("This obligation is already met."))
    met = obligation.due_date
    if obligation.recurrence == Recurrence.NONE:
        obligation.status = ObligationStatus.DONE
    else:
        obligation.due_date = next_due_date(met, obligation.recurrence)
    obligation.save(update_fields=["status", "due_date"])
    audit_record(
        actor=actor,
        action="agreements.obligation_complete",
        object_type="obligation",
        object_id=obligation.pk,
        detail={"met_due_date": met.isoformat(), "next_due_date": obligation.due_date.isoformat()},
    )
    return obligation


def _reminder_mail(*, address: str, short_name: str, due: dt.date, path: str) -> None:
    subject = _("Chancery: an obligation under %(name)s is due on %(date)s") % {
        "name": short_name,
        "date": due.isoformat(),
    }
    body = _("An obligation you own is due on %(date)s. Open %(path)s in Chancery for the details.") % {
        "date": due.isoformat(),
        "path": path,
    }
    try:
        send_mail(subject, body, None, [address])
    except OSError:  # the in-app reminder stands; a mail outage must not undo it
        logger.warning("reminder e-mail to user could not be sent", exc_info=True)


@transaction.atomic
def obligation_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind owners of open obligations whose reminder date has come; return how many were sent.

    Runs as the system actor (the scheduled task). One in-app reminder per owner and due date (running
    twice sends nothing new); an e-mail through Django's mail backend goes on commit to owners with an
    address (subject and body name the agreement and the date, never the obligation's text). Emits the
    audit event ``agreements.reminder_send`` per reminder.
    """
    today = today or timezone.localdate()
    actor = Actor.system(purpose="agreements-reminders")
    sent = 0
    candidates = Obligation.objects.filter(status=ObligationStatus.OPEN).select_related("agreement", "owner")
    for obligation in candidates.filter(due_date__lte=today + dt.timedelta(days=MAX_REMIND_DAYS)):
        if obligation.due_date - dt.timedelta(days=obligation.remind_days_before) > today:
            continue
        _reminder, created = Reminder.objects.get_or_create(
            obligation=obligation, user=obligation.owner, due_date=obligation.due_date
        )
        if not created:
            continue
        sent += 1
        audit_record(
            actor=actor,
            action="agreements.reminder_send",
            object_type="obligation",
            object_id=obligation.pk,
            detail={"user_id": obligation.owner_id, "due_date": obligation.due_date.isoformat()},
        )
        address = str(getattr(obligation.owner, "email", "") or "")
        if address:
            mail = {
                "address": address,
                "short_name": obligation.agreement.short_name,
                "due": obligation.due_date,
                "path": f"/agreements/{obligation.agreement_id}/",
            }
            transaction.on_commit(lambda mail=mail: _reminder_mail(**mail))  # type: ignore[misc]
    return sent


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def calendar_token_issue(*, actor: Actor) -> str:
    """Issue (or replace) the signed-in user's calendar-feed token and return it (shown once).

    Needs an internal signed-in user. Emits the audit event ``agreements.calendar_token_issue``.
    """
    access.require(actor, "agreements.view_obligation")
    if actor.user_id is None:
        raise NotFound
    token = secrets.token_urlsafe(32)
    CalendarToken.objects.update_or_create(user_id=actor.user_id, defaults={"token_sha256": _token_digest(token)})
    audit_record(actor=actor, action="agreements.calendar_token_issue", object_type="user", object_id=actor.user_id)
    return token


@transaction.atomic
def calendar_token_revoke(*, actor: Actor) -> bool:
    """Turn the signed-in user's calendar feed off (its address stops working); True when one existed.

    Needs a signed-in user (their own feed). Emits ``agreements.calendar_token_revoke`` when one existed.
    """
    if actor.user_id is None:
        raise NotFound
    deleted, _by_model = CalendarToken.objects.filter(user_id=actor.user_id).delete()
    if deleted:
        audit_record(
            actor=actor, action="agreements.calendar_token_revoke", object_type="user", object_id=actor.user_id
        )
    return bool(deleted)


def calendar_token_actor(*, token: str) -> Actor:
    """Return the actor whose feed ``token`` opens; raises :class:`NotFound` for an unknown token."""
    row = CalendarToken.objects.select_related("user").filter(token_sha256=_token_digest(token)).first()
    if row is None or not row.user.is_active:
        raise NotFound
    return Actor.from_user(row.user, scopes=frozenset({"agreements:read"}))
