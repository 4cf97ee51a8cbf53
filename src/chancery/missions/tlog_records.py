"""Post reports as transparency-log leaves: markings and references, the text only as SHA-256 digests."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from chancery.missions.models import PostReport
from chancery.transparency.records import RecordType, register

RECORD_TYPE = "missions.post_report"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def post_report_fields(report: PostReport) -> dict[str, Any]:
    """Return the leaf fields of ``report``; needs its compartments and shares prefetched or loadable."""
    return {
        "mission_id": report.mission_id,
        "author_id": report.author_id,
        "created_at": report.created_at.isoformat(),
        "classification": report.classification,
        "tlp": report.tlp,
        "compartments": sorted(c.code for c in report.compartments.all()),
        "shared_with": sorted(o.code for o in report.shared_with.all()),
        "title_en_sha256": _digest(report.title_en),
        "title_vi_sha256": _digest(report.title_vi),
        "body_sha256": _digest(report.body),
    }


def _load(ids: list[str]) -> Mapping[str, Mapping[str, Any]]:
    reports = PostReport.objects.filter(pk__in=[int(i) for i in ids]).prefetch_related("compartments", "shared_with")
    return {str(report.pk): post_report_fields(report) for report in reports}


def _list_ids() -> Iterable[str]:
    return (str(pk) for pk in PostReport.objects.order_by("pk").values_list("pk", flat=True).iterator())


register(RecordType(name=RECORD_TYPE, load_fields=_load, list_ids=_list_ids))
