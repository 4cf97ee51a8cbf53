"""Who may see, download, upload, share and dispose of vault documents.

Reading a document (``vault.view``; ``vault.download`` adds "not disposed of"; both hidden on refusal)
    Always: the reader's clearance reaches the document's classification and the reader holds every one
    of its compartments. Then, need-to-know:

    * internal users read documents owned by the unit they belong to, documents they created, and
      documents shared (by an active share: not revoked, not expired) with their unit or with them;
    * external users (the ``partner`` role, or members of a partner ministry or international
      organisation) read only documents actively shared with their organisation or with them, and only
      when the TLP marking is not RED and the classification is at most INTERNAL, whatever their
      clearance or the share says. A share can never widen this: the share form refuses such shares.

    Downloading CONFIDENTIAL or above also needs a second-factor check within
    ``VAULT_MFA_MAX_AGE_SECONDS``; that depends on the session, not on the actor, so the download service
    checks it (see :func:`chancery.vault.services.document_download`).

Writing (``vault.upload``, ``vault.edit``, ``vault.share``)
    Internal users create documents for their own unit, at a classification their clearance reaches and
    with compartments they hold. Members of the owning unit and the creator (who can read it) add
    versions, restore versions and share it. Anyone who can read a document may comment on it
    (``vault.comment``). External users never write, except comments on what is shared with them.

Retention (``vault.retention``, admin scope)
    Security officers and administrators of the ministry place and release legal holds and dispose of
    documents; the scheduled disposal job runs as the system actor. ``vault.keys`` (key rotation) is for
    administrators and the system actor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from chancery.missions.enums import EXTERNAL_KINDS, PARTNER_MAX_CLASSIFICATION
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import TLP
from chancery.platform.markings import may_read_marking
from chancery.vault.models import Document, Share

RETENTION_ROLES = frozenset({"security_officer", "administrator"})


@dataclass(frozen=True, slots=True)
class DocumentDraft:
    """What ``vault.upload`` decides on: the owning unit, the marking and the compartments asked for."""

    owning_unit_id: int
    classification: int
    compartments: frozenset[str] = field(default_factory=frozenset)


def is_external(actor: Actor) -> bool:
    """True for partners' users: the ``partner`` role or membership of an external organisation."""
    return actor.is_external or actor.organisation_kind in EXTERNAL_KINDS


def partner_may_receive(*, classification: int, tlp: str) -> bool:
    """True when a document with this marking may be shared outside the ministry at all."""
    return tlp != TLP.RED and classification <= PARTNER_MAX_CLASSIFICATION


def active_share_q(prefix: str = "") -> Q:
    """Return the condition "not revoked and not expired" for shares (``prefix`` for joins)."""
    now = timezone.now()
    return Q(**{f"{prefix}revoked_at__isnull": True}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now})
    )


def _shared_with_actor(actor: Actor) -> Q:
    target = Q(pk__in=[])
    if actor.user_id is not None:
        target |= Q(user_id=actor.user_id)
    if actor.organisation_id is not None:
        target |= Q(organisation_id=actor.organisation_id)
    return target


def _document_compartments(document: Document) -> frozenset[str]:
    return frozenset(compartment.code for compartment in document.compartments.all())


def _is_shared_with(actor: Actor, document: Document) -> bool:
    return Share.objects.filter(_shared_with_actor(actor), active_share_q(), document_id=document.pk).exists()


@access.rule("vault.view", scope="read", hide_on_deny=True)
def can_view_document(actor: Actor, document: Document | None) -> bool:
    """Clearance and compartments, then own unit / creator / active share (internal) or share (external)."""
    if document is None:  # may the actor open the vault at all?
        return True
    if not may_read_marking(
        actor, classification=document.classification, compartments=_document_compartments(document)
    ):
        return False
    if is_external(actor):
        return partner_may_receive(classification=document.classification, tlp=document.tlp) and _is_shared_with(
            actor, document
        )
    if actor.is_system:
        return True
    if document.owning_unit_id == actor.organisation_id or document.created_by_id == actor.user_id:
        return True
    return _is_shared_with(actor, document)


@access.visibility("vault.view")
def visible_documents(actor: Actor, queryset: QuerySet[Document]) -> QuerySet[Document]:
    """The documents ``can_view_document`` allows, as one filter (no per-row checks)."""
    links = Document.compartments.through.objects.filter(document_id=OuterRef("pk"))
    lacks_a_compartment = Exists(links.exclude(compartment__code__in=sorted(actor.compartments)))
    marked = queryset.filter(classification__lte=actor.clearance).exclude(lacks_a_compartment)
    # Not correlated (``IN``, not ``EXISTS``): PostgreSQL then reads the actor's few active shares once into
    # a hash instead of probing the share table for every candidate document (see docs/benchmarks.md).
    shared = Q(pk__in=Share.objects.filter(_shared_with_actor(actor), active_share_q()).values("document_id"))
    if is_external(actor):
        return marked.filter(shared, classification__lte=PARTNER_MAX_CLASSIFICATION).exclude(tlp=TLP.RED)
    if actor.is_system:
        return marked
    own = Q(pk__in=[])
    if actor.organisation_id is not None:
        own |= Q(owning_unit_id=actor.organisation_id)
    if actor.user_id is not None:
        own |= Q(created_by_id=actor.user_id)
    return marked.filter(own | shared)


@access.rule("vault.download", scope="read", hide_on_deny=True)
def can_download_document(actor: Actor, document: Document | None) -> bool:
    """Whoever may view a document that has not been disposed of (the MFA check is the service's)."""
    if document is None:
        return True
    return document.disposed_at is None and can_view_document(actor, document)


@access.rule("vault.upload", scope="write")
def can_upload(actor: Actor, draft: DocumentDraft | None) -> bool:
    """Internal users, for their own unit, within their clearance and compartments."""
    if is_external(actor) or actor.organisation_id is None:
        return False
    if draft is None:
        return True
    return draft.owning_unit_id == actor.organisation_id and may_read_marking(
        actor, classification=draft.classification, compartments=draft.compartments
    )


def _may_maintain(actor: Actor, document: Document) -> bool:
    if is_external(actor) or not can_view_document(actor, document):
        return False
    return document.owning_unit_id == actor.organisation_id or document.created_by_id == actor.user_id


@access.rule("vault.edit", scope="write")
def can_edit_document(actor: Actor, document: Document | None) -> bool:
    """Members of the owning unit and the creator add and restore versions (if they can read it)."""
    if document is None:
        return not is_external(actor)
    return document.disposed_at is None and _may_maintain(actor, document)


@access.rule("vault.share", scope="write")
def can_share_document(actor: Actor, document: Document | None) -> bool:
    """Members of the owning unit and the creator share a document (and revoke its shares)."""
    if document is None:
        return not is_external(actor)
    return document.disposed_at is None and _may_maintain(actor, document)


@access.rule("vault.comment", scope="write", hide_on_deny=True)
def can_comment(actor: Actor, document: Document | None) -> bool:
    """Whoever may read a document may comment on it."""
    if document is None:
        return True
    return can_view_document(actor, document)


@access.rule("vault.retention", scope="admin")
def can_manage_retention(actor: Actor, _obj: object | None) -> bool:
    """Security officers and administrators of the ministry, and the scheduled disposal job."""
    return actor.is_system or (actor.role in RETENTION_ROLES and not is_external(actor))


@access.rule("vault.keys", scope="admin")
def can_manage_keys(actor: Actor, _obj: object | None) -> bool:
    """Administrators and the system actor (``chancery keys rotate``) rotate and retire keys."""
    return actor.is_system or (actor.role == "administrator" and not is_external(actor))
