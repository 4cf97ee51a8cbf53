"""Signed authentic texts: sign a vault version's SHA-256 with the log's hybrid keys; verify it later.

The signed-note text is three lines, ``chancery.agreements.text/v1``, the agreement id and the base64
hash; it is signed with both halves of :func:`chancery.transparency.keys.log_signer` (Ed25519 and ML-DSA-44), and a
verification needs both signatures to check against the published verifier keys.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from chancery.agreements import tlog_records
from chancery.agreements.models import Agreement, SignedText
from chancery.agreements.validation import invalid
from chancery.audit.services import audit_record
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound
from chancery.transparency.keys import log_signer, log_vkeys
from chancery.transparency.services import tlog_append_on_commit
from chancery.vault import selectors as vault_selectors
from chancery_tlog.hybrid import verifier_from_vkey
from chancery_tlog.note import NoteError, open_note, sign_note

NOTE_HEADER = "chancery.agreements.text/v1"


def signed_note_text(*, agreement_id: int, sha256: str) -> str:
    """Return the text that is signed for ``sha256`` (hex) of an authentic text of ``agreement_id``.

    The text has the shape of a checkpoint body (origin line, a number, a base64 32-byte hash) because
    the log's ML-DSA-44 signer signs only that shape; its origin line ``chancery.agreements.text/v1``
    differs from the log's, so a signed text can never pass for a log checkpoint, nor the reverse.
    """
    digest = base64.b64encode(bytes.fromhex(sha256)).decode("ascii")
    return f"{NOTE_HEADER}\n{agreement_id}\n{digest}\n"


@transaction.atomic
def signed_text_sign(
    *, actor: Actor, agreement_id: int, document_id: int, label: str, version_number: int | None = None
) -> SignedText:
    """Sign the SHA-256 of a vault document version as an authentic text of the agreement; return it.

    Needs ``agreements.manage`` on the agreement and read access to the vault document (its newest
    version unless ``version_number``). Raises :class:`InvalidInput` naming ``label`` or ``document``.
    Emits the audit event ``agreements.text_sign`` and an ``agreements.event`` log leaf on commit.
    """
    agreement = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound
    access.require(actor, "agreements.view", agreement)
    access.require(actor, "agreements.manage", agreement)
    if not label.strip():
        raise invalid("label", _("Name the text (e.g. authentic text in Vietnamese)."))
    try:
        document = vault_selectors.document_get(actor=actor, document_id=document_id)
        version = vault_selectors.version_get(actor=actor, document=document, number=version_number)
    except NotFound:
        raise invalid("document", _("No such document or version in the vault that you can read.")) from None
    signer = log_signer()
    text = signed_note_text(agreement_id=agreement.pk, sha256=version.sha256)
    signed = SignedText.objects.create(
        agreement=agreement,
        label=label.strip(),
        document_id=document.pk,
        version_number=version.number,
        sha256=version.sha256,
        note=sign_note(text, [signer.classical, signer.post_quantum]),
        signed_by_id=actor.user_id,
        signed_by_name=actor.username,
    )
    audit_record(
        actor=actor,
        action="agreements.text_sign",
        object_type="agreement",
        object_id=agreement.pk,
        classification=agreement.classification,
        detail={"signed_text_id": signed.pk, "document_id": document.pk, "version": version.number},
    )
    tlog_append_on_commit(
        record_type=tlog_records.RECORD_TYPE,
        record_id=tlog_records.signed_text_record_id(signed),
        fields=tlog_records.signed_text_fields(signed),
    )
    return signed


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of checking a signed text: which keys signed, and whether everything matched."""

    signed_text: SignedText
    valid: bool
    signers: list[str]
    problem: str = ""
    file_matches: bool | None = None


def signed_text_verify(*, actor: Actor, signed_text_id: int, file_sha256: str = "") -> Verification:
    """Check a signed text's note against the log's verifier keys (both Ed25519 and ML-DSA must verify).

    Needs ``agreements.view`` on its agreement (raises :class:`NotFound` otherwise). When
    ``file_sha256`` is given, also says whether a file with that hash is the signed text. Emits nothing.
    """
    signed = SignedText.objects.select_related("agreement").filter(pk=signed_text_id).first()
    if signed is None:
        raise NotFound
    access.require(actor, "agreements.view", signed.agreement)
    matches = None if not file_sha256 else file_sha256.lower() == signed.sha256
    expected = signed_note_text(agreement_id=signed.agreement_id, sha256=signed.sha256)
    try:
        text, signatures = open_note(signed.note, [verifier_from_vkey(vkey) for vkey in log_vkeys()])
    except NoteError as error:
        return Verification(signed, valid=False, signers=[], problem=str(error), file_matches=matches)
    names = [f"{sig.name} ({sig.key_id:08x})" for sig in signatures]
    if text != expected:
        problem = _("The note does not name this text.")
        return Verification(signed, valid=False, signers=names, problem=problem, file_matches=matches)
    if len(signatures) < len(log_vkeys()):
        problem = _("Both the classical and the post-quantum signature are required.")
        return Verification(signed, valid=False, signers=names, problem=problem, file_matches=matches)
    return Verification(signed, valid=True, signers=names, file_matches=matches)


def file_digest(data: bytes) -> str:
    """Return the SHA-256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()
