"""Document versions as transparency-log leaves: references and hashes only, never titles or content."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chancery.transparency.records import RecordType, register
from chancery.vault.models import DocumentVersion

RECORD_TYPE = "vault.version"


def version_fields(version: DocumentVersion) -> dict[str, Any]:
    """Return the leaf fields of ``version`` (as stored in the database)."""
    return {
        "document_id": version.document_id,
        "version": version.number,
        "sha256": version.sha256,
        "size": version.size,
        "classification": version.classification,
        "created_by_id": version.created_by_id,
        "created_at": version.created_at.isoformat(),
    }


def _load(ids: list[str]) -> Mapping[str, Mapping[str, Any]]:
    versions = DocumentVersion.objects.filter(pk__in=[int(i) for i in ids])
    return {str(version.pk): version_fields(version) for version in versions}


def _list_ids() -> Iterable[str]:
    return (str(pk) for pk in DocumentVersion.objects.order_by("pk").values_list("pk", flat=True).iterator())


register(RecordType(name=RECORD_TYPE, load_fields=_load, list_ids=_list_ids))
