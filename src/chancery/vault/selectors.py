"""Reads in the vault, always narrowed by the policy engine to what the actor may see."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound
from chancery.vault.models import Comment, DisposalRecord, Document, DocumentVersion, LegalHold, RetentionClass, Share


def _documents() -> QuerySet[Document]:
    return Document.objects.select_related("owning_unit", "retention_class", "created_by").prefetch_related(
        "compartments"
    )


def document_list(*, actor: Actor) -> QuerySet[Document]:
    """Return the documents ``actor`` may see, newest change first, with their markings loaded."""
    return access.visible(actor, "vault.view", _documents()).order_by("-updated_at", "-id")


def document_get(*, actor: Actor, document_id: int) -> Document:
    """Return document ``document_id``; raise NotFound if it does not exist or the actor may not see it."""
    document = _documents().filter(pk=document_id).first()
    if document is None:
        raise NotFound
    access.require(actor, "vault.view", document)
    return document


def document_exists(*, document_id: int) -> bool:
    """True when a document with this id exists (for recording refused reads; never shown to users)."""
    return Document.objects.filter(pk=document_id).exists()


def version_list(*, actor: Actor, document: Document) -> QuerySet[DocumentVersion]:
    """Return the versions of a document the actor may see, newest first (no key material needed)."""
    access.require(actor, "vault.view", document)
    return document.versions.select_related("created_by", "restored_from").defer("wrapped_key").order_by("-number")


def version_get(*, actor: Actor, document: Document, number: int | None = None) -> DocumentVersion:
    """Return version ``number`` of a visible document (the newest when None); NotFound if there is none."""
    access.require(actor, "vault.view", document)
    versions = document.versions.order_by("-number")
    version = versions.first() if number is None else versions.filter(number=number).first()
    if version is None:
        raise NotFound
    return version


def share_list(*, actor: Actor, document: Document) -> QuerySet[Share]:
    """Return a document's shares for those who may manage them (none for everyone else)."""
    if not access.can(actor, "vault.share", document):
        return Share.objects.none()
    return document.shares.select_related("organisation", "user", "created_by").order_by("-created_at", "-id")


def comment_list(*, actor: Actor, document: Document) -> QuerySet[Comment]:
    """Return a visible document's comments, oldest first."""
    access.require(actor, "vault.view", document)
    return document.comments.select_related("author").order_by("created_at", "id")


def retention_class_list() -> QuerySet[RetentionClass]:
    """Return every retention class (they are not sensitive)."""
    return RetentionClass.objects.order_by("retention_days", "code")


def document_detail_queryset() -> QuerySet[Document]:
    """Return the queryset the detail page reads (versions and comments prefetched)."""
    return _documents().prefetch_related(
        Prefetch("versions", queryset=DocumentVersion.objects.defer("wrapped_key").order_by("-number")),
    )


def legal_hold_list(*, actor: Actor, document: Document) -> QuerySet[LegalHold]:
    """Return a document's legal holds, newest first, for those who manage retention (none for others)."""
    if not access.can(actor, "vault.retention"):
        return LegalHold.objects.none()
    return document.legal_holds.select_related("placed_by").order_by("-placed_at", "-id")


def disposal_due_list(*, actor: Actor, until: datetime | None = None, limit: int = 500) -> QuerySet[Document]:
    """Return documents whose disposal date is before ``until`` (now by default), not yet disposed of.

    Oldest disposal date first. Needs ``vault.retention``. Each carries ``on_hold`` (an unreleased legal
    hold exists: the disposal job skips it). Show titles only where the actor may also read the document
    (:func:`readable_document_ids`).
    """
    access.require(actor, "vault.retention")
    active_hold = LegalHold.objects.filter(document_id=OuterRef("pk"), released_at__isnull=True)
    return (
        Document.objects.filter(disposed_at__isnull=True, dispose_after__lte=until or timezone.now())
        .select_related("owning_unit", "retention_class")
        .annotate(on_hold=Exists(active_hold))
        .order_by("dispose_after", "pk")[:limit]
    )


def disposal_record_list(*, actor: Actor, limit: int = 100) -> QuerySet[DisposalRecord]:
    """Return the newest disposal records (what was destroyed, when, why). Needs ``vault.retention``."""
    access.require(actor, "vault.retention")
    return DisposalRecord.objects.select_related("document", "document__owning_unit").order_by("-disposed_at", "-id")[
        :limit
    ]


def readable_document_ids(*, actor: Actor, document_ids: list[int]) -> set[int]:
    """Return which of ``document_ids`` the actor may read (one query), to decide where titles may show."""
    visible = access.visible(actor, "vault.view", Document.objects.filter(pk__in=document_ids))
    return set(visible.values_list("pk", flat=True))
