"""Negotiation: rounds, their draft texts (vault versions), internal positions and comments.

Writes and reads for the negotiation side of an agreement, kept out of ``services.py`` and
``selectors.py`` so that each file has one job; they follow the same rules (one transaction per write,
the policy engine, an audit event per change, a log leaf for rounds and drafts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.agreements import tlog_records
from chancery.agreements.enums import CommentSide
from chancery.agreements.models import Agreement, NegotiationComment, NegotiationRound, Position, RoundDraft
from chancery.agreements.selectors import agreement_get
from chancery.agreements.validation import invalid
from chancery.audit.services import audit_record
from chancery.missions.permissions import is_external
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import DomainError, NotFound, PermissionDenied
from chancery.transparency.services import tlog_append_on_commit
from chancery.vault import selectors as vault_selectors
from chancery.vault import services as vault_services
from chancery.vault.redline import Segment, redline

REDLINE_LIMIT = 2 * 1024 * 1024


def _managed(actor: Actor, agreement_id: int) -> Agreement:
    agreement = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound
    access.require(actor, "agreements.view", agreement)
    access.require(actor, "agreements.manage", agreement)
    return agreement


@transaction.atomic
def round_create(
    *,
    actor: Actor,
    agreement_id: int,
    starts_on: dt.date,
    ends_on: dt.date,
    venue: str,
    delegations: str = "",
    outcome_summary: str = "",
    is_illustrative: bool = False,
) -> NegotiationRound:
    """Record the next negotiating round (numbered in order) and return it.

    Needs ``agreements.manage``. Raises :class:`InvalidInput` naming ``ends_on`` when it precedes
    ``starts_on``, ``starts_on`` when it is in the future beyond a year, ``venue`` when empty. Emits the
    audit event ``agreements.round_create`` and an ``agreements.event`` log leaf on commit.
    """
    agreement = _managed(actor, agreement_id)
    if ends_on < starts_on:
        raise invalid("ends_on", _("A round cannot end before it starts."))
    if starts_on > timezone.localdate() + dt.timedelta(days=366):
        raise invalid("starts_on", _("Plan rounds at most a year ahead."))
    if not venue.strip():
        raise invalid("venue", _("Say where the round takes place."))
    number = (agreement.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    negotiation_round = NegotiationRound.objects.create(
        agreement=agreement,
        number=number,
        starts_on=starts_on,
        ends_on=ends_on,
        venue=venue.strip(),
        delegations=delegations.strip(),
        outcome_summary=outcome_summary.strip(),
        is_illustrative=is_illustrative,
    )
    audit_record(
        actor=actor,
        action="agreements.round_create",
        object_type="agreement",
        object_id=agreement.pk,
        classification=agreement.classification,
        detail={"round": number},
    )
    tlog_append_on_commit(
        record_type=tlog_records.RECORD_TYPE,
        record_id=tlog_records.round_record_id(negotiation_round),
        fields=tlog_records.round_fields(negotiation_round),
    )
    return negotiation_round


@transaction.atomic
def round_draft_attach(
    *, actor: Actor, round_id: int, document_id: int, label: str, version_number: int | None = None
) -> RoundDraft:
    """Attach a vault document version as a draft text tabled at a round; return the link.

    Needs ``agreements.manage`` and read access to the document. Raises :class:`InvalidInput` naming
    ``document`` or ``label``. Emits ``agreements.draft_attach`` and a log leaf on commit.
    """
    negotiation_round = NegotiationRound.objects.filter(pk=round_id).first()
    if negotiation_round is None:
        raise NotFound
    _managed(actor, negotiation_round.agreement_id)
    if not label.strip():
        raise invalid("label", _("Name the draft."))
    try:
        document = vault_selectors.document_get(actor=actor, document_id=document_id)
        version = vault_selectors.version_get(actor=actor, document=document, number=version_number)
    except NotFound:
        raise invalid("document", _("No such document or version in the vault that you can read.")) from None
    draft = RoundDraft.objects.create(
        round=negotiation_round, label=label.strip(), document_id=document.pk, version_number=version.number
    )
    audit_record(
        actor=actor,
        action="agreements.draft_attach",
        object_type="agreement",
        object_id=negotiation_round.agreement_id,
        detail={"round": negotiation_round.number, "document_id": document.pk, "version": version.number},
    )
    tlog_append_on_commit(
        record_type=tlog_records.RECORD_TYPE,
        record_id=tlog_records.draft_record_id(draft),
        fields=tlog_records.draft_fields(draft, sha256=version.sha256),
    )
    return draft


MINUTES_MAX_CHARS = 50_000


@transaction.atomic
def round_minutes_record(
    *, actor: Actor, round_id: int, document_id: int | None = None, text: str = ""
) -> NegotiationRound:
    """Record a round's minutes: a vault document, a text, or both (replacing earlier minutes); return the round.

    The minutes stay internal: partners never see them. Needs ``agreements.manage`` on the round's
    agreement and read access to the document. Raises :class:`InvalidInput` naming ``document`` (no
    such readable document), ``text`` (too long) or ``minutes`` (neither given). Emits the audit event
    ``agreements.round_minutes_record`` (the document id and whether there is a text; never the text).
    """
    negotiation_round = NegotiationRound.objects.filter(pk=round_id).first()
    if negotiation_round is None:
        raise NotFound
    agreement = _managed(actor, negotiation_round.agreement_id)
    text = text.strip()
    if document_id is None and not text:
        raise invalid("minutes", _("Give the minutes: a vault document, a text, or both."))
    if len(text) > MINUTES_MAX_CHARS:
        raise invalid("text", _("Minutes longer than 50,000 characters belong in a vault document."))
    if document_id is not None:
        try:
            vault_selectors.document_get(actor=actor, document_id=document_id)
        except (NotFound, PermissionDenied):
            raise invalid("document", _("No such document in the vault that you can read.")) from None
    negotiation_round.minutes_document_id = document_id
    negotiation_round.minutes_text = text
    negotiation_round.save(update_fields=["minutes_document_id", "minutes_text"])
    audit_record(
        actor=actor,
        action="agreements.round_minutes_record",
        object_type="agreement",
        object_id=agreement.pk,
        classification=agreement.classification,
        detail={"round": negotiation_round.number, "document_id": document_id, "has_text": bool(text)},
    )
    return negotiation_round


@transaction.atomic
def position_create(
    *, actor: Actor, agreement_id: int, issue: str, body: str, classification: int = Classification.CONFIDENTIAL
) -> Position:
    """Record an internal position or brief on a negotiating issue, with its classification.

    Needs ``agreements.manage`` and a clearance reaching ``classification``. Raises
    :class:`InvalidInput` naming the field. Emits ``agreements.position_create`` (no content).
    """
    agreement = _managed(actor, agreement_id)
    if not issue.strip():
        raise invalid("issue", _("Name the negotiating issue."))
    if not body.strip():
        raise invalid("body", _("Write the position."))
    if classification not in Classification.values or not actor.cleared_for(classification):
        raise invalid("classification", _("Choose a classification your clearance reaches."))
    if actor.user_id is None:
        raise invalid("author", _("A position needs a named author."))
    position = Position.objects.create(
        agreement=agreement,
        issue=issue.strip(),
        body=body.strip(),
        classification=classification,
        author_id=actor.user_id,
    )
    audit_record(
        actor=actor,
        action="agreements.position_create",
        object_type="agreement",
        object_id=agreement.pk,
        classification=classification,
        detail={"position_id": position.pk},
    )
    return position


@transaction.atomic
def comment_add(*, actor: Actor, agreement_id: int, body: str, round_id: int | None = None) -> NegotiationComment:
    """Add a comment; a partner's is kept on the partner side with its organisation, apart from internal ones.

    Needs ``agreements.comment`` (seeing the agreement). Raises :class:`InvalidInput` naming ``body``
    or ``round``. Emits ``agreements.comment_add`` (no content).
    """
    agreement = agreement_get(actor=actor, agreement_id=agreement_id)
    access.require(actor, "agreements.comment", agreement)
    if not body.strip():
        raise invalid("body", _("Write the comment."))
    if round_id is not None and not agreement.rounds.filter(pk=round_id).exists():
        raise invalid("round", _("That round is not part of this negotiation."))
    if actor.user_id is None:
        raise invalid("author", _("A comment needs a named author."))
    external = is_external(actor)
    comment = NegotiationComment.objects.create(
        agreement=agreement,
        round_id=round_id,
        side=CommentSide.PARTNER if external else CommentSide.INTERNAL,
        organisation_id=actor.organisation_id,
        author_id=actor.user_id,
        body=body.strip(),
    )
    audit_record(
        actor=actor,
        action="agreements.comment_add",
        object_type="agreement",
        object_id=agreement.pk,
        detail={"comment_id": comment.pk, "side": comment.side},
    )
    return comment


@dataclass(frozen=True, slots=True)
class Negotiation:
    """What the actor may see of a negotiation."""

    agreement: Agreement
    rounds: list[NegotiationRound]
    drafts: list[RoundDraft]
    positions: list[Position]
    comments: list[NegotiationComment]
    internal: bool

    @property
    def draft_rows(self) -> list[tuple[RoundDraft, RoundDraft | None]]:
        """Each draft with the one before it (to offer a redline), oldest first."""
        return [(draft, self.drafts[i - 1] if i else None) for i, draft in enumerate(self.drafts)]


def negotiation_get(*, actor: Actor, agreement_id: int) -> Negotiation:
    """Return what ``actor`` may see of an agreement's negotiation.

    The rounds, the drafts the actor can read in the vault, positions (internal users, within their
    clearance) and comments (partners: their own side only). Raises :class:`NotFound`. Emits nothing.
    """
    agreement = agreement_get(actor=actor, agreement_id=agreement_id)
    drafts = [
        draft
        for draft in RoundDraft.objects.filter(round__agreement=agreement)
        .select_related("round")
        .order_by("round__number", "id")
        if _readable(actor, draft.document_id)
    ]
    positions: QuerySet[Position] = access.visible(
        actor, "agreements.view_position", agreement.positions.select_related("author")
    )
    comments: QuerySet[NegotiationComment] = access.visible(
        actor, "agreements.view_comment", agreement.comments.select_related("author", "organisation")
    )
    return Negotiation(
        agreement=agreement,
        rounds=list(agreement.rounds.all()),
        drafts=drafts,
        positions=list(positions),
        comments=list(comments),
        internal=not is_external(actor),
    )


def _readable(actor: Actor, document_id: int) -> bool:
    try:
        vault_selectors.document_get(actor=actor, document_id=document_id)
    except DomainError:
        return False
    return True


def draft_redline(
    *, actor: Actor, old_draft_id: int, new_draft_id: int
) -> tuple[RoundDraft, RoundDraft, list[Segment]]:
    """Return a word-level redline between two drafts of the same agreement (vault reads are audited).

    Raises :class:`NotFound` for hidden drafts and :class:`InvalidInput` naming ``new`` for drafts of
    different agreements; the vault raises for non-text or CONFIDENTIAL versions.
    """
    drafts = {d.pk: d for d in RoundDraft.objects.filter(pk__in=[old_draft_id, new_draft_id]).select_related("round")}
    old, new = drafts.get(old_draft_id), drafts.get(new_draft_id)
    if old is None or new is None:
        raise NotFound
    agreement_get(actor=actor, agreement_id=old.round.agreement_id)
    if new.round.agreement_id != old.round.agreement_id:
        raise invalid("new", _("Compare drafts of the same agreement."))
    texts = [
        vault_services.version_text(
            actor=actor, document_id=draft.document_id, number=draft.version_number, limit=REDLINE_LIMIT
        )
        for draft in (old, new)
    ]
    return old, new, redline(texts[0], texts[1])
