"""Phishing drills: templates, campaigns, sending through the configured mail backend, and tracking.

Each recipient's links carry a signed token (``django.core.signing``, salt ``awareness.drill``) naming the
recipient; the tracking views need no session because a mail client loading the pixel has none. What is
tracked: delivered (the SMTP server accepted the message), opened (the pixel), clicked (the link),
submitted (the landing form was sent; its fields are never read or stored), reported (the drill message
was reported through "Report phishing"). Whoever clicks is enrolled in the template's course.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.awareness.enums import CampaignState
from chancery.awareness.models import Campaign, DrillTemplate, Enrollment, Recipient
from chancery.identity.enums import Role
from chancery.missions.enums import EXTERNAL_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput, NotFound

SALT = "awareness.drill"
DRILL_HEADER = "X-Chancery-Drill"


def drill_token(recipient: Recipient) -> str:
    """Return the signed token that names ``recipient`` in its drill links."""
    return signing.dumps({"r": recipient.pk}, salt=SALT, compress=True)


def _recipient(token: str) -> Recipient:
    try:
        data = signing.loads(token, salt=SALT)
        return Recipient.objects.select_related("campaign__template").get(pk=int(data["r"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Recipient.DoesNotExist):
        raise NotFound from None


def drill_template_create(
    *,
    actor: Actor,
    name: str,
    sender_name: str,
    sender_address: str,
    subject: str,
    body: str,
    landing_title: str,
    landing_prompt: str,
    course_id: int,
) -> DrillTemplate:
    """Create a drill template. Needs ``awareness.drill_manage``; the body must contain ``{link}``.

    Emits ``awareness.drill_template_created``.
    """
    access.require(actor, "awareness.drill_manage")
    if "{link}" not in body:
        raise InvalidInput(_("The template could not be saved."), errors={"body": [_("Put {link} in the body.")]})
    with transaction.atomic():
        template = DrillTemplate.objects.create(
            name=name.strip()[:200],
            sender_name=sender_name.strip()[:100],
            sender_address=sender_address.strip(),
            subject=subject.strip()[:200],
            body=body,
            landing_title=landing_title.strip()[:200],
            landing_prompt=landing_prompt.strip()[:300],
            course_id=course_id,
        )
        audit_record(
            actor=actor,
            action="awareness.drill_template_created",
            object_type="awareness.template",
            object_id=template.pk,
        )
    return template


def campaign_create(
    *,
    actor: Actor,
    name: str,
    template: DrillTemplate,
    target_roles: Iterable[str],
    target_organisations: Iterable[int],
    scheduled_at: datetime,
) -> Campaign:
    """Schedule a drill for the users of the given roles and/or units (at least one of the two).

    Needs ``awareness.drill_manage``. Emits ``awareness.campaign_created``.
    """
    access.require(actor, "awareness.drill_manage")
    roles = sorted(set(target_roles))
    organisations = sorted(set(target_organisations))
    if not set(roles) <= set(Role.values) - {Role.PARTNER}:
        raise InvalidInput(_("The drill could not be scheduled."), errors={"target_roles": [_("Unknown role.")]})
    if not roles and not organisations:
        raise InvalidInput(
            _("The drill could not be scheduled."), errors={"target_roles": [_("Choose roles or units.")]}
        )
    if actor.user_id is None:
        raise InvalidInput(_("The drill could not be scheduled."))
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name.strip()[:200],
            template=template,
            target_roles=roles,
            target_organisations=organisations,
            scheduled_at=scheduled_at,
            created_by_id=actor.user_id,
        )
        audit_record(
            actor=actor,
            action="awareness.campaign_created",
            object_type="awareness.campaign",
            object_id=campaign.pk,
            detail={"roles": roles, "organisations": organisations},
        )
    return campaign


def _targets(campaign: Campaign) -> list[tuple[int, int | None]]:
    wanted = Q()
    if campaign.target_roles:
        wanted &= Q(role__in=campaign.target_roles)
    if campaign.target_organisations:
        wanted &= Q(organisation_id__in=campaign.target_organisations)
    users = (
        get_user_model()
        .objects.filter(wanted, is_active=True)
        .exclude(role=Role.PARTNER)
        .exclude(organisation__kind__in=sorted(EXTERNAL_KINDS))
        .exclude(email="")
    )
    return list(users.values_list("pk", "organisation_id"))


def campaign_launch(*, actor: Actor, campaign: Campaign) -> int:
    """Create the recipients of a scheduled drill and send its messages on commit; return how many.

    Needs ``awareness.drill_manage``; raises :class:`Conflict` when it was already sent. Emits
    ``awareness.campaign_sent`` and, on commit, the e-mails (see :func:`drill_send`).
    """
    access.require(actor, "awareness.drill_manage")
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.state != CampaignState.SCHEDULED:
            raise Conflict(_("This drill was already sent."))
        targets = _targets(locked)
        Recipient.objects.bulk_create(
            Recipient(campaign=locked, user_id=user_id, organisation_id=org_id) for user_id, org_id in targets
        )
        locked.state = CampaignState.SENT
        locked.sent_at = timezone.now()
        locked.save(update_fields=["state", "sent_at"])
        audit_record(
            actor=actor,
            action="awareness.campaign_sent",
            object_type="awareness.campaign",
            object_id=locked.pk,
            detail={"recipients": len(targets)},
        )
        campaign_id = locked.pk
        transaction.on_commit(lambda: _enqueue_send(campaign_id))
    return len(targets)


def _enqueue_send(campaign_id: int) -> None:
    from chancery.awareness.tasks import send_drill

    send_drill.enqueue(campaign_id)


def _message(recipient: Recipient) -> EmailMultiAlternatives:
    template = recipient.campaign.template
    token = drill_token(recipient)
    base = settings.SITE_URL.rstrip("/")
    link = base + reverse("awareness_drill:drill_click", args=[token])
    pixel = base + reverse("awareness_drill:drill_open", args=[token])
    body = template.body.replace("{link}", link)
    message = EmailMultiAlternatives(
        subject=template.subject,
        body=body,
        from_email=f"{template.sender_name} <{template.sender_address}>",
        to=[recipient.user.email],
        headers={DRILL_HEADER: token},
    )
    html_body = "<br>".join(_escape(line) for line in body.splitlines())
    message.attach_alternative(f'<p>{html_body}</p><img src="{pixel}" width="1" height="1" alt="">', "text/html")
    return message


def _escape(text: str) -> str:
    from django.utils.html import escape, urlize

    return str(urlize(escape(text)))


def drill_send(*, actor: Actor, campaign_id: int) -> int:
    """Send the drill's messages through the configured mail backend; return how many the server accepted.

    Needs ``awareness.drill_manage``. Marks each accepted message as delivered; a refused one stays
    undelivered (and can be retried by running this again).
    """
    access.require(actor, "awareness.drill_manage")
    delivered = 0
    pending = Recipient.objects.filter(campaign_id=campaign_id, delivered_at__isnull=True).select_related(
        "user", "campaign__template"
    )
    for recipient in pending:
        try:
            sent = _message(recipient).send()
        except OSError:
            continue
        if sent:
            Recipient.objects.filter(pk=recipient.pk).update(delivered_at=timezone.now())
            delivered += 1
    return delivered


def campaigns_launch_due(*, actor: Actor) -> int:
    """Launch every scheduled drill whose time has come; return how many were launched."""
    access.require(actor, "awareness.drill_manage")
    due = Campaign.objects.filter(state=CampaignState.SCHEDULED, scheduled_at__lte=timezone.now())
    launched = 0
    for campaign in due:
        try:
            campaign_launch(actor=actor, campaign=campaign)
        except Conflict:
            continue
        launched += 1
    return launched


def _mark(recipient: Recipient, field: str) -> None:
    Recipient.objects.filter(pk=recipient.pk, **{f"{field}__isnull": True}).update(**{field: timezone.now()})


def drill_recipient(*, token: str) -> Recipient:
    """Return the recipient a drill token names (with its campaign and template); NotFound otherwise."""
    return _recipient(token)


def drill_opened(*, token: str) -> None:
    """Record that the drill message was opened (its pixel was loaded). Raises NotFound for a bad token."""
    recipient = _recipient(token)
    _mark(recipient, "opened_at")


def drill_clicked(*, token: str) -> Recipient:
    """Record a click and enrol the recipient in the template's course; return the recipient.

    Raises NotFound for a bad token. Emits ``awareness.drill_clicked`` (as the system: the click comes
    without a session).
    """
    recipient = _recipient(token)
    with transaction.atomic():
        _mark(recipient, "opened_at")
        _mark(recipient, "clicked_at")
        Enrollment.objects.get_or_create(
            course_id=recipient.campaign.template.course_id,
            user_id=recipient.user_id,
            defaults={"reason": f"drill {recipient.campaign_id}"},
        )
        audit_record(
            actor=Actor.system(purpose="awareness.drill"),
            action="awareness.drill_clicked",
            object_type="awareness.recipient",
            object_id=recipient.pk,
        )
    return recipient


def drill_submitted(*, token: str) -> Recipient:
    """Record that the landing form was submitted (its content is never looked at). Raises NotFound."""
    recipient = _recipient(token)
    _mark(recipient, "submitted_at")
    return recipient


def drill_reported(*, actor: Actor, token: str) -> bool:
    """Record that ``actor`` reported their own drill message; False when the token is not theirs."""
    try:
        recipient = _recipient(token)
    except NotFound:
        return False
    if recipient.user_id != actor.user_id:
        return False
    _mark(recipient, "reported_at")
    return True


@dataclass(frozen=True, slots=True)
class UnitResult:
    """Drill results of one unit: delivered, clicked (or submitted), reported, and the phish-prone %."""

    organisation_id: int | None
    organisation_code: str
    delivered: int
    failed: int
    reported: int

    @property
    def phish_prone(self) -> float:
        """Percentage of delivered messages whose recipient clicked or submitted."""
        return round(100 * self.failed / self.delivered, 1) if self.delivered else 0.0


def drill_results(*, actor: Actor, campaign: Campaign | None = None) -> list[UnitResult]:
    """Return per-unit results of one drill (or all drills). Needs ``awareness.drill_manage``."""
    access.require(actor, "awareness.drill_manage")
    rows = Recipient.objects.filter(delivered_at__isnull=False)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    grouped = (
        rows.values("organisation_id", "organisation__code")
        .annotate(
            delivered=Count("pk"),
            failed=Count("pk", filter=Q(clicked_at__isnull=False) | Q(submitted_at__isnull=False)),
            reported=Count("pk", filter=Q(reported_at__isnull=False)),
        )
        .order_by("organisation_id")
    )
    return [
        UnitResult(
            organisation_id=g["organisation_id"],
            organisation_code=g["organisation__code"] or "",
            delivered=g["delivered"],
            failed=g["failed"],
            reported=g["reported"],
        )
        for g in grouped
    ]


def drill_template_from_report(*, actor: Actor, report_id: int, course_id: int) -> DrillTemplate:
    """Seed a drill template from a confirmed phishing report: its subject and sender, a neutral body.

    Needs ``awareness.drill_manage`` and the report must be confirmed (:class:`Conflict` otherwise). The
    body never copies the reported message (it was not kept); the officer edits the template before use.
    Emits ``awareness.drill_template_created``.
    """
    from chancery.awareness.enums import ReportStatus
    from chancery.awareness.selectors import phishing_report_get

    access.require(actor, "awareness.drill_manage")
    report = phishing_report_get(actor=actor, report_id=report_id)
    if report.status != ReportStatus.CONFIRMED:
        raise Conflict(_("Only a confirmed report can seed a drill."))
    sender = report.sender or "it-support@example.org"
    return drill_template_create(
        actor=actor,
        name=_("From report %(id)d") % {"id": report.pk},
        sender_name=sender.split("@", 1)[0].replace(".", " ").title()[:100],
        sender_address=sender,
        subject=report.subject or _("Action required"),
        body=_("Dear colleague,\n\nPlease act before the end of the day: {link}\n"),
        landing_title=_("Sign in"),
        landing_prompt=_("Sign in to continue."),
        course_id=course_id,
    )
