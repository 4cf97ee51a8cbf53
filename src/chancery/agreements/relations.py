"""Related agreements: one agreement amends, supersedes or implements another.

Writes and reads for relations, kept out of ``services.py`` and ``selectors.py`` so that each file has
one job; they follow the same rules (one transaction per write, the policy engine, an audit event per
change). Relations are audited, not logged: they can be corrected, unlike the dated events.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chancery.agreements.enums import RelationKind
from chancery.agreements.models import Agreement, AgreementRelation
from chancery.agreements.selectors import agreement_get
from chancery.agreements.validation import invalid
from chancery.audit.services import audit_record
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound, PermissionDenied


def _managed(actor: Actor, agreement_id: int) -> Agreement:
    agreement = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound
    access.require(actor, "agreements.view", agreement)
    access.require(actor, "agreements.manage", agreement)
    return agreement


@transaction.atomic
def relation_add(*, actor: Actor, agreement_id: int, target_id: int, kind: str) -> AgreementRelation:
    """Record that agreement ``agreement_id`` amends, supersedes or implements ``target_id``; return the link.

    Needs ``agreements.manage`` on the agreement and ``agreements.view`` on the target. Raises
    :class:`InvalidInput` naming ``kind`` (unknown) or ``target`` (the agreement itself, one the actor
    cannot see, the same relation twice, or the same relation already recorded the other way round).
    Emits the audit event ``agreements.relation_add``.
    """
    agreement = _managed(actor, agreement_id)
    if kind not in RelationKind.values:
        raise invalid("kind", _("Choose amends, supersedes or implements."))
    if target_id == agreement.pk:
        raise invalid("target", _("An agreement cannot be related to itself."))
    try:
        target = agreement_get(actor=actor, agreement_id=target_id)
    except (NotFound, PermissionDenied):
        raise invalid("target", _("No such agreement that you can see.")) from None
    if AgreementRelation.objects.filter(source=agreement, target=target, kind=kind).exists():
        raise invalid("target", _("This relation is already recorded."))
    if AgreementRelation.objects.filter(source=target, target=agreement, kind=kind).exists():
        raise invalid("target", _("The other agreement is already recorded as relating to this one that way."))
    relation = AgreementRelation.objects.create(source=agreement, target=target, kind=kind)
    audit_record(
        actor=actor,
        action="agreements.relation_add",
        object_type="agreement",
        object_id=agreement.pk,
        classification=agreement.classification,
        detail={"relation_id": relation.pk, "kind": kind, "target_id": target.pk},
    )
    return relation


@transaction.atomic
def relation_remove(*, actor: Actor, relation_id: int) -> None:
    """Remove a relation recorded in error.

    Needs ``agreements.manage`` on its source agreement; raises :class:`NotFound` for a missing relation
    or one whose agreements the actor cannot see. Emits the audit event ``agreements.relation_remove``.
    """
    relation = AgreementRelation.objects.filter(pk=relation_id).first()
    if relation is None:
        raise NotFound
    agreement = _managed(actor, relation.source_id)
    agreement_get(actor=actor, agreement_id=relation.target_id)
    detail = {"relation_id": relation.pk, "kind": relation.kind, "target_id": relation.target_id}
    relation.delete()
    audit_record(
        actor=actor,
        action="agreements.relation_remove",
        object_type="agreement",
        object_id=agreement.pk,
        classification=agreement.classification,
        detail=detail,
    )


INCOMING_LABELS: dict[str, Promise] = {
    RelationKind.AMENDS: gettext_lazy("amended by"),
    RelationKind.SUPERSEDES: gettext_lazy("superseded by"),
    RelationKind.IMPLEMENTS: gettext_lazy("implemented by"),
}


@dataclass(frozen=True, slots=True)
class RelatedAgreement:
    """One relation seen from an agreement; ``outgoing`` when this agreement is the source (the one that amends)."""

    relation: AgreementRelation
    other: Agreement
    outgoing: bool

    @property
    def label(self) -> str:
        """``amends`` / ``supersedes`` / ``implements`` seen from the source, ``amended by``… from the target."""
        if self.outgoing:
            return str(self.relation.get_kind_display())
        return str(INCOMING_LABELS[self.relation.kind])


def relation_get(*, actor: Actor, relation_id: int) -> AgreementRelation:
    """Return relation ``relation_id``; raises :class:`NotFound` unless the actor may see both agreements."""
    relation = AgreementRelation.objects.select_related("source", "target").filter(pk=relation_id).first()
    if relation is None:
        raise NotFound
    agreement_get(actor=actor, agreement_id=relation.source_id)
    agreement_get(actor=actor, agreement_id=relation.target_id)
    return relation


def relation_list(*, actor: Actor, agreement_id: int) -> list[RelatedAgreement]:
    """Return the relations of a visible agreement with the agreements on the other side the actor may see.

    Raises :class:`NotFound` when the agreement is missing or hidden. Emits nothing. Two queries.
    """
    agreement = agreement_get(actor=actor, agreement_id=agreement_id)
    visible = access.visible(actor, "agreements.view", Agreement.objects.all()).values("pk")
    outgoing = AgreementRelation.objects.filter(source=agreement, target__in=visible).select_related("source", "target")
    incoming = AgreementRelation.objects.filter(target=agreement, source__in=visible).select_related("source", "target")
    rows = [RelatedAgreement(relation=r, other=r.target, outgoing=True) for r in outgoing]
    rows += [RelatedAgreement(relation=r, other=r.source, outgoing=False) for r in incoming]
    return sorted(rows, key=lambda row: (not row.outgoing, row.relation.kind, row.other.short_name))
