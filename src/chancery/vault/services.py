"""Writes in the vault: uploading documents and versions, opening and downloading them, sharing, comments.

Every upload streams: the plaintext is checked (:mod:`chancery.vault.sniff`), then sealed chunk by chunk
into the blob store (:mod:`chancery.vault.sealing`) *before* the rows are written in one transaction. If the
transaction fails the blob is deleted at once; if the process dies between the two, the blob has no row
and the orphan sweeper (:func:`chancery.vault.maintenance.orphans_sweep`) removes it. So there is never a
row without a blob, and a blob without a row only until the next sweep.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.enums import Outcome
from chancery.audit.services import audit_record
from chancery.missions import selectors as missions_selectors
from chancery.missions.countries import is_country_code
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.antivirus import upload_scan
from chancery.platform.enums import TLP, Classification
from chancery.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chancery.resilience.webhooks.services import webhooks_emit
from chancery.transparency.services import tlog_append_on_commit
from chancery.vault import crypto, sealing, search, selectors
from chancery.vault.blobs import blob_store
from chancery.vault.enums import Language
from chancery.vault.errors import IntegrityFailure, RecentMfaRequired
from chancery.vault.models import Comment, Document, DocumentVersion, RetentionClass, Share
from chancery.vault.permissions import DocumentDraft, is_external, partner_may_receive
from chancery.vault.sniff import file_check
from chancery.vault.tlog_records import RECORD_TYPE, version_fields

OBJECT_TYPE = "vault.document"


def _person(actor: Actor) -> int:
    """Return the acting user's id; documents, versions, shares and comments are always by a person."""
    if actor.user_id is None:
        raise PermissionDenied(_("Only a signed-in person can do this."))
    return actor.user_id


MAX_TAGS = 20
MAX_TAG_LENGTH = 50


@dataclass(frozen=True, slots=True)
class Upload:
    """An uploaded file as the pages and the API hand it over: seekable, with its name and declared type."""

    file: IO[bytes]
    name: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class DocumentFields:
    """The metadata of a new document (validated by :func:`document_upload`)."""

    title_en: str
    title_vi: str
    classification: int
    tlp: str = TLP.AMBER
    description_en: str = ""
    description_vi: str = ""
    compartments: frozenset[str] = frozenset()
    tags: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    language: str = Language.VIETNAMESE
    retention_class: str = ""


# --- Validation ---------------------------------------------------------------------------------------


def _text(value: str, *, field: str, limit: int, errors: dict[str, list[str]], required: bool = False) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(cleaned) > limit:
        errors.setdefault(field, []).append(_("Use at most %(limit)d characters.") % {"limit": limit})
    return cleaned


def _clean_fields(fields: DocumentFields, errors: dict[str, list[str]]) -> dict[str, object]:
    title_en = _text(fields.title_en, field="title_en", limit=300, errors=errors)
    title_vi = _text(fields.title_vi, field="title_vi", limit=300, errors=errors)
    if not title_en and not title_vi:
        errors.setdefault("title_vi", []).append(_("Give a title in Vietnamese or English."))
    if fields.classification not in Classification.values:
        errors.setdefault("classification", []).append(_("Unknown classification."))
    if fields.tlp not in TLP.values:
        errors.setdefault("tlp", []).append(_("Unknown TLP marking."))
    if fields.language not in Language.values:
        errors.setdefault("language", []).append(_("Unknown language."))
    countries = sorted({code.strip().upper() for code in fields.countries if code.strip()})
    unknown = [code for code in countries if not is_country_code(code)]
    if unknown:
        errors.setdefault("countries", []).append(
            _("Not ISO 3166-1 alpha-2 country codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    tags = sorted({tag.strip().lower() for tag in fields.tags if tag.strip()})
    if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        errors.setdefault("tags", []).append(
            _("Use at most %(count)d tags of %(length)d characters.") % {"count": MAX_TAGS, "length": MAX_TAG_LENGTH}
        )
    retention = None
    if fields.retention_class:
        retention = RetentionClass.objects.filter(code=fields.retention_class).first()
        if retention is None:
            errors.setdefault("retention_class", []).append(_("Unknown retention class."))
    return {
        "title_en": title_en,
        "title_vi": title_vi,
        "description_en": _text(fields.description_en, field="description_en", limit=5000, errors=errors),
        "description_vi": _text(fields.description_vi, field="description_vi", limit=5000, errors=errors),
        "classification": fields.classification,
        "tlp": fields.tlp,
        "language": fields.language,
        "countries": countries,
        "tags": tags,
        "retention_class": retention,
    }


# --- Uploading ----------------------------------------------------------------------------------------


def _seal_upload(upload: Upload, *, actor: Actor) -> tuple[sealing.SealedBlob, str, str, str]:
    """Check, scan for malware and seal an upload; return the blob, clean name, detected type and text."""
    name, detected = file_check(
        file=upload.file,
        filename=upload.name,
        declared_type=upload.content_type,
        size=upload.size,
        max_size=settings.VAULT_MAX_UPLOAD_BYTES,
    )
    upload_scan(actor=actor, file=upload.file, filename=name, purpose=OBJECT_TYPE)
    text = search.extract_text(file=upload.file, file_type=detected)
    upload.file.seek(0)
    sealed = sealing.seal(
        sealing.read_chunks(upload.file, chunk_size=settings.VAULT_CHUNK_BYTES),
        max_size=settings.VAULT_MAX_UPLOAD_BYTES,
    )
    if sealed.size == 0:
        blob_store().delete(sealed.blob_key)
        message = _("The file is empty.")
        raise InvalidInput(message, errors={"file": [message]})
    return sealed, name, detected, text


def _add_version(
    *,
    actor: Actor,
    document: Document,
    sealed: sealing.SealedBlob,
    filename: str,
    mime_type: str,
    restored_from: DocumentVersion | None = None,
) -> DocumentVersion:
    """Create the next version row (in the caller's transaction); log its hash on commit."""
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = DocumentVersion.objects.create(
        document=document,
        number=last + 1,
        key_id=sealed.key_id,
        kek_id=sealed.kek_id,
        wrapped_key=sealed.wrapped_key,
        blob_key=sealed.blob_key,
        stored_size=sealed.stored_size,
        size=sealed.size,
        sha256=sealed.sha256,
        mime_type=mime_type,
        classification=document.classification,
        filename=filename,
        restored_from=restored_from,
        created_by_id=_person(actor),
    )
    version.refresh_from_db(fields=["created_at"])  # the leaf must hash what the database holds
    tlog_append_on_commit(record_type=RECORD_TYPE, record_id=version.pk, fields=version_fields(version))
    return version


def _discard_on_failure(blob_key: str) -> None:
    blob_store().delete(blob_key)


def document_upload(
    *, actor: Actor, fields: DocumentFields, upload: Upload, owning_unit_id: int | None = None
) -> Document:
    """Create a document with its first version from ``upload`` (streamed, encrypted) and return it.

    Needs ``vault.upload`` for the owning unit (the actor's own by default), the marking and compartments;
    raises InvalidInput (field errors, nothing stored) for bad metadata or a bad file. Emits
    ``vault.document_uploaded``; appends the version's hash to the transparency log on commit; indexes the
    extracted text for search.
    """
    errors: dict[str, list[str]] = {}
    cleaned = _clean_fields(fields, errors)
    unit_id = owning_unit_id if owning_unit_id is not None else actor.organisation_id
    compartments = list(missions_selectors.compartment_list(codes=sorted(fields.compartments)))
    missing = sorted(set(fields.compartments) - {c.code for c in compartments})
    if missing:
        errors.setdefault("compartments", []).append(_("Unknown: %(codes)s.") % {"codes": ", ".join(missing)})
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    draft = DocumentDraft(
        owning_unit_id=unit_id or 0,
        classification=fields.classification,
        compartments=frozenset(fields.compartments),
    )
    access.require(actor, "vault.upload", draft)
    sealed, filename, mime_type, text = _seal_upload(upload, actor=actor)
    try:
        with transaction.atomic():
            retention: RetentionClass | None = cleaned.pop("retention_class")  # type: ignore[assignment]
            now = timezone.now()
            document = Document.objects.create(
                **cleaned,
                retention_class=retention,
                dispose_after=now + timedelta(days=retention.retention_days) if retention else None,
                owning_unit_id=draft.owning_unit_id,
                created_by_id=_person(actor),
                created_at=now,
                updated_at=now,
            )
            document.compartments.set(compartments)
            version = _add_version(
                actor=actor, document=document, sealed=sealed, filename=filename, mime_type=mime_type
            )
            search.document_index(document=document, text=text)
            audit_record(
                actor=actor,
                action="vault.document_uploaded",
                object_type=OBJECT_TYPE,
                object_id=document.pk,
                classification=document.classification,
                detail={"version": version.number, "size": version.size, "sha256": version.sha256, "type": mime_type},
            )
    except BaseException:
        _discard_on_failure(sealed.blob_key)
        raise
    return document


def version_upload(*, actor: Actor, document_id: int, upload: Upload) -> DocumentVersion:
    """Add a new version of document ``document_id`` from ``upload`` and return it.

    Needs ``vault.edit`` on the document. Emits ``vault.version_uploaded``; logs the hash; reindexes.
    """
    document = selectors.document_get(actor=actor, document_id=document_id)
    access.require(actor, "vault.edit", document)
    sealed, filename, mime_type, text = _seal_upload(upload, actor=actor)
    try:
        with transaction.atomic():
            locked = Document.objects.select_for_update().get(pk=document.pk)
            version = _add_version(actor=actor, document=locked, sealed=sealed, filename=filename, mime_type=mime_type)
            locked.updated_at = timezone.now()
            locked.save(update_fields=["updated_at"])
            search.document_index(document=locked, text=text)
            audit_record(
                actor=actor,
                action="vault.version_uploaded",
                object_type=OBJECT_TYPE,
                object_id=locked.pk,
                classification=locked.classification,
                detail={"version": version.number, "size": version.size, "sha256": version.sha256, "type": mime_type},
            )
    except BaseException:
        _discard_on_failure(sealed.blob_key)
        raise
    return version


def _ref(version: DocumentVersion) -> sealing.SealedRef:
    wrapped = bytes(version.wrapped_key) if version.wrapped_key is not None else None
    return sealing.SealedRef(
        key_id=version.key_id, kek_id=version.kek_id, wrapped_key=wrapped, blob_key=version.blob_key
    )


def _verified(actor: Actor, document: Document, version: DocumentVersion) -> None:
    """Authenticate the whole blob before a byte is served; audit and raise IntegrityFailure if it fails."""
    try:
        sealing.verify(_ref(version))
    except crypto.IntegrityError as exc:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="vault.integrity_failed",
                outcome=Outcome.FAILURE,
                object_type=OBJECT_TYPE,
                object_id=document.pk,
                classification=document.classification,
                detail={"version": version.number, "reason": str(exc)[:200]},
            )
        raise IntegrityFailure(
            _(
                "Document #%(id)s, version %(version)s, failed its integrity check and will not be served: "
                "the stored copy was altered, truncated or lost. Report this to a security officer."
            )
            % {"id": document.pk, "version": version.number}
        ) from None


def version_restore(*, actor: Actor, document_id: int, number: int) -> DocumentVersion:
    """Make a copy of version ``number`` the newest version (re-encrypted under a fresh data key).

    Needs ``vault.edit``; raises NotFound for an unknown version and IntegrityFailure if the old version
    does not verify. Emits ``vault.version_restored``; logs the new version's hash.
    """
    document = selectors.document_get(actor=actor, document_id=document_id)
    access.require(actor, "vault.edit", document)
    old = selectors.version_get(actor=actor, document=document, number=number)
    _verified(actor, document, old)
    sealed = sealing.seal(sealing.open_plaintext(_ref(old)), max_size=max(settings.VAULT_MAX_UPLOAD_BYTES, old.size))
    if sealed.sha256 != old.sha256:
        _discard_on_failure(sealed.blob_key)
        raise IntegrityFailure(_("Document #%(id)s changed while it was restored.") % {"id": document.pk})
    try:
        with transaction.atomic():
            locked = Document.objects.select_for_update().get(pk=document.pk)
            version = _add_version(
                actor=actor,
                document=locked,
                sealed=sealed,
                filename=old.filename,
                mime_type=old.mime_type,
                restored_from=old,
            )
            locked.updated_at = timezone.now()
            locked.save(update_fields=["updated_at"])
            audit_record(
                actor=actor,
                action="vault.version_restored",
                object_type=OBJECT_TYPE,
                object_id=locked.pk,
                classification=locked.classification,
                detail={"version": version.number, "restored_from": old.number, "sha256": version.sha256},
            )
    except BaseException:
        _discard_on_failure(sealed.blob_key)
        raise
    return version


# --- Reading ------------------------------------------------------------------------------------------


def document_open(*, actor: Actor, document_id: int) -> Document:
    """Return document ``document_id`` for reading its metadata, recording the read.

    Needs ``vault.view``; raises NotFound otherwise (and records a ``denied`` event when it exists).
    Emits ``vault.document_viewed``.
    """
    try:
        document = selectors.document_get(actor=actor, document_id=document_id)
    except NotFound:
        if selectors.document_exists(document_id=document_id):
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action="vault.document_viewed",
                    outcome=Outcome.DENIED,
                    object_type=OBJECT_TYPE,
                    object_id=document_id,
                )
        raise
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="vault.document_viewed",
            object_type=OBJECT_TYPE,
            object_id=document.pk,
            classification=document.classification,
        )
    return document


@dataclass(frozen=True, slots=True)
class Download:
    """A verified download: what to call it, its type, and its plaintext as a lazy stream of chunks."""

    document: Document
    version: DocumentVersion
    filename: str
    mime_type: str
    size: int | None
    chunks: Iterator[bytes]


def mfa_is_recent(mfa_verified_at: datetime | None) -> bool:
    """True when a second factor was checked within ``VAULT_MFA_MAX_AGE_SECONDS``."""
    if mfa_verified_at is None:
        return False
    age = timezone.now() - mfa_verified_at
    return timedelta(0) <= age <= timedelta(seconds=settings.VAULT_MFA_MAX_AGE_SECONDS)


def document_download(
    *,
    actor: Actor,
    document_id: int,
    number: int | None = None,
    mfa_verified_at: datetime | None = None,
    watermark: bool = False,
) -> Download:
    """Return a download of version ``number`` (the newest by default) after verifying the whole blob.

    Needs ``vault.download`` (NotFound otherwise, with a ``denied`` audit event), and for CONFIDENTIAL and
    above a second-factor check within ``VAULT_MFA_MAX_AGE_SECONDS`` (RecentMfaRequired). Authenticates
    every chunk before returning, so an altered blob raises IntegrityFailure naming the document and
    nothing is served. Emits ``vault.document_downloaded``. With ``watermark`` PDF and text files carry
    the reader's name and the time.
    """
    try:
        document = selectors.document_get(actor=actor, document_id=document_id)
        access.require(actor, "vault.download", document)
    except NotFound:
        if selectors.document_exists(document_id=document_id):
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action="vault.document_downloaded",
                    outcome=Outcome.DENIED,
                    object_type=OBJECT_TYPE,
                    object_id=document_id,
                )
        raise
    version = selectors.version_get(actor=actor, document=document, number=number)
    if document.classification >= Classification.CONFIDENTIAL and not mfa_is_recent(mfa_verified_at):
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="vault.document_downloaded",
                outcome=Outcome.DENIED,
                object_type=OBJECT_TYPE,
                object_id=document.pk,
                classification=document.classification,
                detail={"version": version.number, "reason": "mfa-not-recent"},
            )
        raise RecentMfaRequired(
            _("Downloading a document marked CONFIDENTIAL or above needs a two-factor check in the last %(m)d minutes.")
            % {"m": settings.VAULT_MFA_MAX_AGE_SECONDS // 60}
        )
    _verified(actor, document, version)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="vault.document_downloaded",
            object_type=OBJECT_TYPE,
            object_id=document.pk,
            classification=document.classification,
            detail={"version": version.number, "watermark": watermark},
        )
    chunks = sealing.open_plaintext(_ref(version))
    size: int | None = version.size
    if watermark:
        from chancery.vault.watermark import watermarked

        chunks, size = watermarked(chunks, mime_type=version.mime_type, actor=actor, size=version.size)
    return Download(
        document=document,
        version=version,
        filename=version.filename,
        mime_type=version.mime_type,
        size=size,
        chunks=chunks,
    )


def version_text(*, actor: Actor, document_id: int, number: int, limit: int) -> str:
    """Return the text of a text version (for redlines), at most ``limit`` bytes; audited as a read.

    Needs ``vault.download`` (the text is the content); InvalidInput for non-text or oversized versions.
    Emits ``vault.version_compared``.
    """
    from chancery.vault.enums import TEXT_TYPES

    document = selectors.document_get(actor=actor, document_id=document_id)
    access.require(actor, "vault.download", document)
    version = selectors.version_get(actor=actor, document=document, number=number)
    if version.mime_type not in TEXT_TYPES:
        raise InvalidInput(_("Only text, Markdown and HTML versions can be compared."))
    if version.size > limit:
        raise InvalidInput(_("This version is too large to compare on a page."))
    if document.classification >= Classification.CONFIDENTIAL:
        raise RecentMfaRequired(_("Compare CONFIDENTIAL documents after downloading them."))
    _verified(actor, document, version)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="vault.version_compared",
            object_type=OBJECT_TYPE,
            object_id=document.pk,
            classification=document.classification,
            detail={"version": version.number},
        )
    return b"".join(sealing.open_plaintext(_ref(version))).decode("utf-8", errors="replace")


# --- Sharing and comments -----------------------------------------------------------------------------


def share_create(
    *,
    actor: Actor,
    document_id: int,
    organisation_code: str = "",
    username: str = "",
    expires_at: datetime | None = None,
) -> Share:
    """Share document ``document_id`` with one organisation (unit or partner) or one user.

    Needs ``vault.share``. Refuses (InvalidInput) a missing or double target, an expiry in the past, and
    any share with an external organisation or user of a document above INTERNAL or marked TLP:RED;
    Conflict when an active share with that target exists. Emits ``vault.document_shared``.
    """
    document = selectors.document_get(actor=actor, document_id=document_id)
    access.require(actor, "vault.share", document)
    if bool(organisation_code) == bool(username):
        raise InvalidInput(_("Share with exactly one organisation or one user."), errors={"target": [_("Choose one.")]})
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput(_("The expiry must be in the future."), errors={"expires_at": [_("In the past.")]})
    organisation_id: int | None = None
    user_id: int | None = None
    external = False
    if organisation_code:
        # Sharers are internal users, who see the whole directory; resolved through the share's own relation
        # so that a token scoped to the vault does not also need ``missions:read``.
        organisations: Any = Share._meta.get_field("organisation").related_model._default_manager
        organisation = organisations.filter(code=organisation_code, is_active=True).first()
        if organisation is None:
            raise InvalidInput(_("Unknown organisation."), errors={"organisation": [_("Unknown organisation.")]})
        organisation_id, external = organisation.pk, organisation.is_external
    else:
        user = get_user_model().objects.filter(username=username, is_active=True).select_related("organisation").first()
        if user is None:
            raise InvalidInput(_("Unknown user."), errors={"user": [_("Unknown user.")]})
        user_id = user.pk
        target = Actor.from_user(user)
        external = is_external(target)
    if external and not partner_may_receive(classification=document.classification, tlp=document.tlp):
        message = _("Documents above INTERNAL or marked TLP:RED are never shared outside the ministry.")
        raise InvalidInput(message, errors={"target": [message]})
    with transaction.atomic():
        existing = Share.objects.filter(document=document, organisation=organisation_id, user=user_id)
        if existing.filter(revoked_at__isnull=True).exclude(expires_at__lte=timezone.now()).exists():
            raise Conflict(_("The document is already shared with them."))
        share = Share.objects.create(
            document=document,
            organisation_id=organisation_id,
            user_id=user_id,
            expires_at=expires_at,
            created_by_id=_person(actor),
        )
        audit_record(
            actor=actor,
            action="vault.document_shared",
            object_type=OBJECT_TYPE,
            object_id=document.pk,
            classification=document.classification,
            detail={
                "share": share.pk,
                "organisation_id": organisation_id,
                "user_id": user_id,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
        if external and organisation_id is not None:
            webhooks_emit(
                event_type="document.shared",
                organisation_ids=[organisation_id],
                view_action="vault.view",
                obj=document,
                payload_factory=lambda _partner: _shared_payload(document, share),
            )
    return share


def _shared_payload(document: Document, share: Share) -> dict[str, object]:
    """What a partner's system is told of a document newly shared with it (metadata it may see)."""
    return {
        "document": {
            "id": document.pk,
            "title_en": document.title_en,
            "title_vi": document.title_vi,
            "classification": document.classification,
            "tlp": document.tlp,
        },
        "share": {"id": share.pk, "expires_at": share.expires_at.isoformat() if share.expires_at else None},
    }


def share_revoke(*, actor: Actor, share_id: int) -> Share:
    """Revoke share ``share_id`` (idempotent refusal: Conflict if already revoked).

    Needs ``vault.share`` on its document. Emits ``vault.share_revoked``.
    """
    with transaction.atomic():
        share = Share.objects.select_for_update().filter(pk=share_id).first()
        if share is None:
            raise NotFound
        document = selectors.document_get(actor=actor, document_id=share.document_id)
        access.require(actor, "vault.share", document)
        if share.revoked_at is not None:
            raise Conflict(_("This share was already revoked."))
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="vault.share_revoked",
            object_type=OBJECT_TYPE,
            object_id=document.pk,
            classification=document.classification,
            detail={"share": share.pk},
        )
    return share


def comment_add(*, actor: Actor, document_id: int, body: str) -> Comment:
    """Add a comment to a document the actor may read. Emits ``vault.comment_added`` (never the text)."""
    document = selectors.document_get(actor=actor, document_id=document_id)
    access.require(actor, "vault.comment", document)
    errors: dict[str, list[str]] = {}
    text = _text(body, field="body", limit=4000, errors=errors, required=True)
    if errors:
        raise InvalidInput(_("The comment is not valid."), errors=errors)
    with transaction.atomic():
        comment = Comment.objects.create(document=document, author_id=_person(actor), body=text)
        audit_record(
            actor=actor,
            action="vault.comment_added",
            object_type=OBJECT_TYPE,
            object_id=document.pk,
            classification=document.classification,
            detail={"comment": comment.pk},
        )
    return comment


def upload_from_bytes(data: bytes, *, name: str, content_type: str = "") -> Upload:
    """Return an :class:`Upload` over in-memory ``data`` (the demo seed and tests)."""
    import io

    return Upload(file=io.BytesIO(data), name=name, content_type=content_type, size=len(data))


def iter_all(chunks: Iterable[bytes]) -> bytes:
    """Join a download's chunks (tests and small files only)."""
    return b"".join(chunks)
