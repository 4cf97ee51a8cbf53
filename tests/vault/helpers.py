"""Helpers for the vault tests: documents from bytes, downloads joined."""

from __future__ import annotations

from typing import Any

from chancery.platform.actor import Actor
from chancery.platform.enums import TLP, Classification
from chancery.vault import services
from chancery.vault.models import Document

SECRET_SENTENCE = "The negotiating position on the maritime boundary agreement is strictly confidential xq7zulwarbex"


def upload(
    actor: Actor,
    data: bytes = SECRET_SENTENCE.encode(),
    *,
    name: str = "note.txt",
    content_type: str = "text/plain",
    classification: int = Classification.INTERNAL,
    tlp: str = TLP.AMBER,
    **fields: Any,
) -> Document:
    """Upload ``data`` as a new document owned by the actor's unit."""
    values = {"title_en": "A note", "title_vi": "Ghi chú", **fields}
    return services.document_upload(
        actor=actor,
        fields=services.DocumentFields(classification=classification, tlp=tlp, **values),
        upload=services.upload_from_bytes(data, name=name, content_type=content_type),
    )


def download(actor: Actor, document: Document, **kwargs: Any) -> bytes:
    """Download the newest version and return its bytes."""
    got = services.document_download(actor=actor, document_id=document.pk, **kwargs)
    return b"".join(got.chunks)
