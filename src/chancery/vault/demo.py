"""The vault's part of the demo: a few public texts (excerpts) stored, marked and shared through the services.

Idempotent: a document whose English title already exists is skipped. Every document is uploaded by a
demo user of its owning unit, so it is encrypted, audited, logged and indexed like any other.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model

from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.vault import services
from chancery.vault.models import Document, RetentionClass

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
CONTENT_TYPES = {".md": "text/markdown", ".txt": "text/plain"}


RETENTION_CLASSES = (
    ("working-papers-2y", "Working papers (2 years)", "Tài liệu làm việc (2 năm)", 730),
    ("correspondence-10y", "Correspondence (10 years)", "Thư từ, công văn (10 năm)", 3652),
    ("agreements-permanent", "Agreements (100 years)", "Điều ước quốc tế (100 năm)", 36525),
)
"""Retention classes for the demo's records-disposal page: code, English and Vietnamese name, days."""


def vault_demo_seed() -> int:
    """Store the demo retention classes and documents that are not there yet; return how many documents.

    Needs the demo organisations and users (``chancery.demo.seed``). Emits the services' audit events.
    """
    for code, name_en, name_vi, days in RETENTION_CLASSES:
        RetentionClass.objects.get_or_create(
            code=code, defaults={"name_en": name_en, "name_vi": name_vi, "retention_days": days}
        )
    rows = json.loads((DATA_DIR / "documents.json").read_text(encoding="utf-8"))["documents"]
    users = get_user_model().objects
    added = 0
    for row in rows:
        if Document.objects.filter(title_en=row["title_en"]).exists():
            continue
        uploader = users.filter(username=row["uploader"]).first()
        if uploader is None:
            continue
        actor = Actor.from_user(uploader)
        path = DATA_DIR / row["file"]
        document = services.document_upload(
            actor=actor,
            fields=services.DocumentFields(
                title_en=row["title_en"],
                title_vi=row["title_vi"],
                classification=int(Classification[row["classification"]]),
                tlp=row["tlp"],
                language=row["language"],
                tags=tuple(row["tags"]),
                countries=tuple(row["countries"]),
            ),
            upload=services.upload_from_bytes(
                path.read_bytes(), name=path.name, content_type=CONTENT_TYPES[path.suffix]
            ),
        )
        for code in row["share_with"]:
            services.share_create(actor=actor, document_id=document.pk, organisation_code=code)
        added += 1
    return added
