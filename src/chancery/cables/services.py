"""Writes on cables: drafting, clearance, release with delivery, acknowledgement and escalation.

Every public service runs in one transaction, checks the policy engine, writes an audit event (markings
and references only, never text) and publishes live events on commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.cables import sealing
from chancery.cables.content import CableContent, content_errors, normalised
from chancery.cables.enums import SENT_STATES, AddresseeKind, CableState, ClearanceStatus
from chancery.cables.models import (
    Addressee,
    Attachment,
    Cable,
    CableNumberSequence,
    Clearance,
    Delivery,
    Paragraph,
    SavedSearch,
)
from chancery.cables.permissions import CableDraft, cable_compartments, partner_facing_addressees
from chancery.cables.selectors import CableView, cable_view, fold
from chancery.cables.tlog_records import RECORD_TYPE, cable_canonical, cable_release_fields
from chancery.missions.enums import EXTERNAL_KINDS
from chancery.missions.selectors import compartment_list, organisation_get
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chancery.platform.events.services import events_publish
from chancery.resilience.webhooks.services import webhooks_emit
from chancery.transparency.services import tlog_append_on_commit
from chancery.vault import selectors as vault_selectors

COMMENT_MAX = 2000


def _locked(cable_id: int) -> Cable:
    cable = Cable.objects.select_for_update().select_related("originator").filter(pk=cable_id).first()
    if cable is None:
        raise NotFound
    return cable


def _event_payload(cable: Cable) -> dict[str, object]:
    return {
        "cable_id": cable.pk,
        "reference": cable.reference,
        "precedence": cable.precedence,
        "classification": cable.classification,
        "state": cable.state,
    }


def _members(
    organisation_ids: Iterable[int],
    *,
    classification: int,
    compartments: Iterable[str] = (),
    roles: Iterable[str] | None = None,
) -> list[int]:
    """Return the ids of active members of the units cleared for the marking and holding every compartment."""
    users = get_user_model().objects.filter(
        organisation_id__in=list(organisation_ids),
        is_active=True,
        clearance__gte=classification,
    )
    for code in sorted(set(compartments)):
        users = users.filter(compartments__code=code)
    if roles is not None:
        users = users.filter(role__in=list(roles))
    return [int(pk) for pk in users.values_list("pk", flat=True)]


def _audit(actor: Actor, action: str, cable: Cable, **detail: object) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="cables.cable",
        object_id=cable.pk,
        classification=cable.classification,
        detail={"state": cable.state, "precedence": cable.precedence, **detail},
    )


def _resolve(actor: Actor, codes: list[str], *, name: str, errors: dict[str, list[str]]) -> list[object]:
    found: list[object] = []
    for code in codes:
        try:
            organisation = organisation_get(actor=actor, code=code)
        except NotFound:
            errors.setdefault(name, []).append(_("Unknown unit: %(code)s.") % {"code": code})
            continue
        if organisation.kind in EXTERNAL_KINDS:
            errors.setdefault(name, []).append(_("%(code)s is not an internal unit.") % {"code": code})
            continue
        found.append(organisation)
    return found


def _compartments(actor: Actor, codes: list[str], errors: dict[str, list[str]]) -> list[Any]:
    found = list(compartment_list(codes=codes))
    unknown = sorted(set(codes) - {c.code for c in found})
    if unknown:
        errors.setdefault("compartment_codes", []).append(_("Unknown: %(codes)s.") % {"codes": ", ".join(unknown)})
    if not actor.has_compartments(set(codes)):
        errors.setdefault("compartment_codes", []).append(_("Mark a cable only with compartments you hold."))
    return found


def _attachments(
    actor: Actor, ids: list[int], *, classification: int, errors: dict[str, list[str]]
) -> list[Attachment]:
    """Resolve vault documents the actor may read into pinned attachments (their newest version)."""
    attachments = []
    for position, document_id in enumerate(ids):
        try:
            document = vault_selectors.document_get(actor=actor, document_id=document_id)
            version = vault_selectors.version_get(actor=actor, document=document)
        except NotFound:
            message = _("Attach only vault documents you may read (#%(id)d).") % {"id": document_id}
            errors.setdefault("attachment_ids", []).append(message)
            continue
        if document.disposed_at is not None or version.wrapped_key is None:
            message = _("Document #%(id)d has been disposed of.") % {"id": document_id}
            errors.setdefault("attachment_ids", []).append(message)
            continue
        if document.classification > classification:
            message = _("Document #%(id)d is marked higher than the cable.") % {"id": document_id}
            errors.setdefault("attachment_ids", []).append(message)
            continue
        attachments.append(
            Attachment(document=document, version_number=version.number, sha256=version.sha256, position=position)
        )
    return attachments


def _write_content(actor: Actor, cable: Cable, content: CableContent, key: sealing.CableKey) -> None:
    """Validate and store ``content`` on ``cable`` (replacing what it had); raises InvalidInput."""
    errors = content_errors(content)
    content = normalised(content)
    compartments = _compartments(actor, content.compartment_codes, errors)
    attachments = _attachments(actor, content.attachment_ids, classification=content.classification, errors=errors)
    action = _resolve(actor, content.action_codes, name="action_codes", errors=errors)
    info = _resolve(actor, content.info_codes, name="info_codes", errors=errors)
    clearers = _resolve(actor, content.clearer_codes, name="clearer_codes", errors=errors)
    references = list(
        access.visible(actor, "cables.view", Cable.objects.filter(pk__in=content.reference_ids, state__in=SENT_STATES))
    )
    if len(references) != len(content.reference_ids):
        errors.setdefault("reference_ids", []).append(_("Refer only to released cables you may read."))
    if errors:
        raise InvalidInput(_("The cable is incomplete or invalid."), errors=errors)
    cable.classification = content.classification
    cable.precedence = content.precedence
    cable.tags = content.tags
    cable.captions = content.captions
    cable.subject_sealed = sealing.text_seal(key, content.subject, role="subject")
    cable.updated_at = timezone.now()
    cable.save()
    cable.paragraphs.all().delete()
    Paragraph.objects.bulk_create(
        Paragraph(
            cable=cable,
            number=number,
            classification=paragraph.classification,
            text_sealed=sealing.text_seal(key, paragraph.text, role=f"p{number}"),
        )
        for number, paragraph in enumerate(content.paragraphs, start=1)
    )
    cable.addressees.all().delete()
    Addressee.objects.bulk_create(
        [Addressee(cable=cable, organisation=o, kind=AddresseeKind.ACTION) for o in action]  # type: ignore[misc]
        + [Addressee(cable=cable, organisation=o, kind=AddresseeKind.INFO) for o in info],  # type: ignore[misc]
    )
    cable.clearances.all().delete()
    Clearance.objects.bulk_create(Clearance(cable=cable, office=o) for o in clearers)  # type: ignore[misc]
    cable.references.set(references)
    cable.compartments.set(compartments)
    cable.attachments.all().delete()
    for attachment in attachments:
        attachment.cable = cable
    Attachment.objects.bulk_create(attachments)


def _draft(content: CableContent) -> CableDraft:
    return CableDraft(classification=content.classification, compartments=frozenset(content.compartment_codes))


def cable_create(*, actor: Actor, content: CableContent) -> Cable:
    """Create a draft cable from the actor's unit and return it.

    Needs ``cables.draft`` at the content's classification. Raises InvalidInput with field errors (and
    stores nothing) for missing fields, a portion marked above the cable, unknown addressees or an
    oversized body. Emits ``cables.drafted``.
    """
    access.require(actor, "cables.draft", _draft(content))
    if actor.organisation_id is None or actor.user_id is None:  # the rule already refuses them
        raise PermissionDenied
    key = sealing.key_new()
    with transaction.atomic():
        cable = Cable(
            originator_id=actor.organisation_id,
            drafter_id=actor.user_id,
            classification=content.classification,
            precedence=content.precedence,
            key_id=key.key_id,
            kek_id=key.kek_id,
            wrapped_key=key.wrapped,
            subject_sealed=b"",
        )
        cable.save()
        _write_content(actor, cable, content, key)
        _audit(actor, "cables.drafted", cable)
    return cable


def cable_update(*, actor: Actor, cable_id: int, content: CableContent) -> Cable:
    """Replace a draft's (or returned cable's) content. Needs ``cables.edit``; emits ``cables.edited``."""
    with transaction.atomic():
        cable = _locked(cable_id)
        access.require(actor, "cables.edit", cable)
        access.require(actor, "cables.draft", _draft(content))
        key = sealing.key_open(key_id=cable.key_id, kek_id=cable.kek_id, wrapped=cable.wrapped_key)
        _write_content(actor, cable, content, key)
        _audit(actor, "cables.edited", cable)
    return cable


def cable_submit(*, actor: Actor, cable_id: int) -> Cable:
    """Send a draft to its clearing offices (or straight to ``cleared`` when it lists none).

    Needs ``cables.edit``. Every clearance starts again as pending. Emits ``cables.submitted`` and live
    ``cable.clearance_requested`` events to the clearing offices (or ``cable.cleared`` to approvers).
    """
    with transaction.atomic():
        cable = _locked(cable_id)
        access.require(actor, "cables.edit", cable)
        offices = list(cable.clearances.values_list("office_id", flat=True))
        cable.clearances.update(status=ClearanceStatus.PENDING, decided_by=None, decided_at=None)
        cable.state = CableState.IN_CLEARANCE if offices else CableState.CLEARED
        cable.updated_at = timezone.now()
        cable.save(update_fields=["state", "updated_at"])
        _audit(actor, "cables.submitted", cable, clearers=len(offices))
        if offices:
            recipients = _members(offices, classification=cable.classification, compartments=cable_compartments(cable))
            events_publish(user_ids=recipients, kind="cable.clearance_requested", payload=_event_payload(cable))
        else:
            _notify_cleared(cable)
    return cable


def _notify_cleared(cable: Cable) -> None:
    units = [cable.originator_id] + ([cable.originator.parent_id] if cable.originator.parent_id else [])
    approvers = _members(
        units,
        classification=cable.classification,
        compartments=cable_compartments(cable),
        roles=settings.CABLE_APPROVER_ROLES,
    )
    events_publish(user_ids=[*approvers, cable.drafter_id], kind="cable.cleared", payload=_event_payload(cable))


def cable_clear(*, actor: Actor, cable_id: int) -> Cable:
    """Record the actor's office's concurrence; the last one makes the cable ``cleared``.

    Needs ``cables.clear``. Emits ``cables.clearance_given`` and a live ``cable.clearance_given`` event to
    the drafter (and ``cable.cleared`` to the approvers when it was the last).
    """
    with transaction.atomic():
        cable = _locked(cable_id)
        access.require(actor, "cables.clear", cable)
        cable.clearances.filter(office_id=actor.organisation_id).update(
            status=ClearanceStatus.CLEARED, decided_by_id=actor.user_id, decided_at=timezone.now()
        )
        if not cable.clearances.exclude(status=ClearanceStatus.CLEARED).exists():
            cable.state = CableState.CLEARED
        cable.updated_at = timezone.now()
        cable.save(update_fields=["state", "updated_at"])
        _audit(actor, "cables.clearance_given", cable, office_id=actor.organisation_id)
        events_publish(user_ids=[cable.drafter_id], kind="cable.clearance_given", payload=_event_payload(cable))
        if cable.state == CableState.CLEARED:
            _notify_cleared(cable)
    return cable


def cable_return(*, actor: Actor, cable_id: int, comment: str) -> Cable:
    """Return the cable to its drafter for revision with a comment (sealed like the text).

    Needs ``cables.clear`` (a clearing office) or ``cables.release`` (the approver). Raises InvalidInput
    without a comment. Emits ``cables.returned`` and a live ``cable.returned`` event to the drafter.
    """
    text = comment.strip()
    if not text or len(text) > COMMENT_MAX:
        raise InvalidInput(
            _("Say what needs revising."),
            errors={"comment": [_("Write a comment of at most %(limit)d characters.") % {"limit": COMMENT_MAX}]},
        )
    with transaction.atomic():
        cable = _locked(cable_id)
        if not (access.can(actor, "cables.clear", cable) or access.can(actor, "cables.release", cable)):
            access.require(actor, "cables.clear", cable)
        cable.clearances.filter(office_id=actor.organisation_id, status=ClearanceStatus.PENDING).update(
            status=ClearanceStatus.RETURNED, decided_by_id=actor.user_id, decided_at=timezone.now()
        )
        key = sealing.key_open(key_id=cable.key_id, kek_id=cable.kek_id, wrapped=cable.wrapped_key)
        cable.return_comment_sealed = sealing.text_seal(key, text, role="return-comment")
        cable.returned_by_id = actor.user_id
        cable.state = CableState.RETURNED
        cable.updated_at = timezone.now()
        cable.save(update_fields=["state", "updated_at", "return_comment_sealed", "returned_by"])
        _audit(actor, "cables.returned", cable)
        events_publish(user_ids=[cable.drafter_id], kind="cable.returned", payload=_event_payload(cable))
    return cable


def _next_number(post_id: int, year: int) -> int:
    CableNumberSequence.objects.get_or_create(post_id=post_id, year=year)
    sequence = CableNumberSequence.objects.select_for_update().get(post_id=post_id, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return int(sequence.last_number)


def _refuse_uncleared_addressees(cable: Cable, addressees: list[Addressee], compartments: frozenset[str]) -> None:
    """Raise Conflict naming every addressee with no active member cleared for the marking and compartments.

    Only for compartmented cables: a ministry does not route compartmented traffic to a post where nobody
    is read in (it is a misroute, and the copy could not be acted on); the approver is told which
    addressee to remove (or whose staff to read in) and nothing is released.
    """
    if not compartments:
        return
    uncleared = [
        addressee.organisation.code
        for addressee in addressees
        if not _members([addressee.organisation_id], classification=cable.classification, compartments=compartments)
    ]
    if uncleared:
        message = _("Nobody at %(codes)s is cleared for this cable and its compartments.") % {
            "codes": ", ".join(uncleared)
        }
        raise Conflict(message, errors={"action_codes": [message]})


def cable_release(*, actor: Actor, cable_id: int) -> Cable:
    """Approve and release a cleared cable: number it, deliver one copy per addressee, log its hash.

    Needs ``cables.release``. Raises Conflict (nothing released) when the cable carries compartments and
    an addressee has no active member cleared for its classification and every compartment. In one
    transaction: the post's next number for the year (row-locked, so numbers have no gaps), one delivery
    per addressee (acknowledgement due for FLASH and NIACT IMMEDIATE action copies), state ``delivered``.
    On commit: the transparency-log leaf ``cables.release``, live ``cable.delivered`` events to the
    addressees' cleared members, the escalation check at the due time, and the ``cable.released`` webhook
    (reference and markings only) to partner subscriptions allowed ``cables.release_notice``. Emits
    ``cables.released``.
    """
    with transaction.atomic():
        cable = _locked(cable_id)
        access.require(actor, "cables.release", cable)
        now = timezone.now()
        cable.year = now.year
        cable.number = _next_number(cable.originator_id, now.year)
        cable.approver_id = actor.user_id
        cable.released_at = now
        urgent = cable.precedence in settings.CABLE_ACK_PRECEDENCES
        due = now + timedelta(minutes=settings.CABLE_ACK_MINUTES) if urgent else None
        addressees = list(cable.addressees.select_related("organisation"))
        compartments = cable_compartments(cable)
        _refuse_uncleared_addressees(cable, addressees, compartments)
        Delivery.objects.bulk_create(
            Delivery(
                cable=cable,
                organisation_id=addressee.organisation_id,
                kind=addressee.kind,
                delivered_at=now,
                ack_required=urgent and addressee.kind == AddresseeKind.ACTION,
                ack_due_at=due if addressee.kind == AddresseeKind.ACTION else None,
            )
            for addressee in addressees
        )
        cable.state = CableState.DELIVERED
        cable.updated_at = now
        key = sealing.key_open(key_id=cable.key_id, kek_id=cable.kek_id, wrapped=cable.wrapped_key)
        cable.content_sha256 = cable_canonical(cable, key).sha256
        cable.save()
        _audit(actor, "cables.released", cable, number=cable.reference, deliveries=len(addressees))
        tlog_append_on_commit(record_type=RECORD_TYPE, record_id=cable.pk, fields=cable_release_fields(cable))
        recipients = _members(
            [a.organisation_id for a in addressees], classification=cable.classification, compartments=compartments
        )
        events_publish(user_ids=recipients, kind="cable.delivered", payload=_event_payload(cable))
        events_publish(user_ids=[cable.drafter_id], kind="cable.released", payload=_event_payload(cable))
        if due is not None:
            transaction.on_commit(lambda: _schedule_escalation(due))
        _notify_saved_searches(cable, key)
        _notify_partners(cable)
    return cable


def _notify_partners(cable: Cable) -> None:
    """Queue the ``cable.released`` webhook for partners allowed ``cables.release_notice`` (on commit).

    The payload is the cable's reference and markings and the addressed missions in that partner's
    country; never the subject, text, TAGS or captions.
    """
    released_at = cable.released_at.isoformat() if cable.released_at else None

    def payload(partner: Actor) -> dict[str, object]:
        facing = partner_facing_addressees(partner, cable).order_by("organisation__code", "kind")
        return {
            "cable": {
                "reference": cable.reference,
                "classification": cable.classification,
                "precedence": cable.precedence,
                "released_at": released_at,
            },
            "addressees": [{"unit": a.organisation.code, "kind": a.kind} for a in facing],
        }

    webhooks_emit(
        event_type="cable.released",
        organisation_ids=None,
        view_action="cables.release_notice",
        obj=cable,
        payload_factory=payload,
    )


def _notify_saved_searches(cable: Cable, key: sealing.CableKey) -> None:
    """Publish ``cable.search_match`` to owners of saved searches that match and who may read the cable."""
    subject = sealing.text_open(key, cable.subject_sealed, role="subject")
    haystack = fold(" ".join([subject, cable.reference, " ".join(cable.tags)]))
    owners: set[int] = set()
    for search in SavedSearch.objects.select_related("owner", "owner__organisation").filter(owner__is_active=True):
        if search.owner_id in owners or fold(search.query) not in haystack:
            continue
        if access.can(Actor.from_user(search.owner), "cables.view", cable):
            owners.add(search.owner_id)
    events_publish(user_ids=owners, kind="cable.search_match", payload=_event_payload(cable))


def _schedule_escalation(due: datetime) -> None:
    from chancery.cables.tasks import escalate_overdue

    if escalate_overdue.get_backend().supports_defer:
        escalate_overdue.using(run_after=due).enqueue()


def cable_acknowledge(*, actor: Actor, cable_id: int) -> Delivery:
    """Acknowledge the actor's unit's action copy; the last acknowledgement makes the cable ``acknowledged``.

    Needs ``cables.acknowledge``. Emits ``cables.acknowledged`` and a live ``cable.acknowledged`` event to
    the drafter and approver.
    """
    with transaction.atomic():
        cable = _locked(cable_id)
        access.require(actor, "cables.acknowledge", cable)
        if actor.organisation_id is None:  # the rule already refuses them
            raise PermissionDenied
        delivery = cable.deliveries.select_for_update().get(organisation_id=actor.organisation_id)
        if delivery.acknowledged_at is not None:
            raise Conflict(_("This copy is already acknowledged."))
        delivery.acknowledged_at = timezone.now()
        delivery.acknowledged_by_id = actor.user_id
        delivery.save(update_fields=["acknowledged_at", "acknowledged_by"])
        pending = cable.deliveries.filter(kind=AddresseeKind.ACTION, acknowledged_at__isnull=True).exists()
        if not pending:
            cable.state = CableState.ACKNOWLEDGED
            cable.updated_at = timezone.now()
            cable.save(update_fields=["state", "updated_at"])
        _audit(actor, "cables.acknowledged", cable, organisation_id=actor.organisation_id)
        watchers = [cable.drafter_id] + ([cable.approver_id] if cable.approver_id else [])
        events_publish(user_ids=watchers, kind="cable.acknowledged", payload=_event_payload(cable))
    return delivery


ALERT_ROSTER_ROLES = frozenset({"security_officer"})
"""Besides the approver roles, these roles of an addressee post are on its alert roster."""


def cable_escalate_overdue(*, actor: Actor) -> int:
    """Alert each overdue action addressee's roster once; return how many copies were escalated.

    For the system actor (the escalation task). An overdue copy is an unacknowledged one whose due time
    has passed. The roster: the post's cleared members in an approver role or a security officer, plus
    the drafter. Emits ``cables.escalated`` per copy and live ``cable.escalated`` events.
    """
    if not actor.is_system:
        raise PermissionDenied
    count = 0
    with transaction.atomic():
        overdue = (
            Delivery.objects.select_for_update()
            .select_related("cable", "cable__originator")
            .filter(ack_required=True, acknowledged_at__isnull=True, escalated_at__isnull=True)
            .filter(ack_due_at__lte=timezone.now())
        )
        for delivery in overdue:
            delivery.escalated_at = timezone.now()
            delivery.save(update_fields=["escalated_at"])
            cable = delivery.cable
            roster = _members(
                [delivery.organisation_id],
                classification=cable.classification,
                compartments=cable_compartments(cable),
                roles={*settings.CABLE_APPROVER_ROLES, *ALERT_ROSTER_ROLES},
            )
            _audit(actor, "cables.escalated", cable, organisation_id=delivery.organisation_id)
            events_publish(user_ids=[*roster, cable.drafter_id], kind="cable.escalated", payload=_event_payload(cable))
            count += 1
    return count


def cable_open(*, actor: Actor, cable_id: int) -> CableView:
    """Return the opened cable for a reader allowed ``cables.view`` and audit the reading (``cables.opened``)."""
    view = cable_view(actor=actor, cable_id=cable_id)
    with transaction.atomic():
        _audit(actor, "cables.opened", view.cable)
    return view


SAVED_SEARCHES_MAX = 20


def saved_search_create(*, actor: Actor, query: str) -> SavedSearch:
    """Save an archive query for the actor (needs ``cables.view``); at most 20 per user.

    Raises InvalidInput for an empty or over-long query or too many saved searches. Emits
    ``cables.search_saved`` (without the query, which may reveal interest).
    """
    access.require(actor, "cables.view")
    text = query.strip()
    if not text or len(text) > 200:
        raise InvalidInput(_("Enter a search of at most 200 characters."), errors={"query": [_("Enter a search.")]})
    with transaction.atomic():
        if SavedSearch.objects.filter(owner_id=actor.user_id).count() >= SAVED_SEARCHES_MAX:
            raise InvalidInput(_("You have too many saved searches; delete one first."))
        search, _created = SavedSearch.objects.get_or_create(owner_id=actor.user_id, query=text)
        audit_record(actor=actor, action="cables.search_saved", object_type="cables.saved_search", object_id=search.pk)
    return search


def saved_search_delete(*, actor: Actor, search_id: int) -> None:
    """Delete one of the actor's saved searches (NotFound for anyone else's). Emits ``cables.search_deleted``."""
    with transaction.atomic():
        deleted, _rows = SavedSearch.objects.filter(pk=search_id, owner_id=actor.user_id).delete()
        if not deleted:
            raise NotFound
        audit_record(
            actor=actor, action="cables.search_deleted", object_type="cables.saved_search", object_id=search_id
        )
