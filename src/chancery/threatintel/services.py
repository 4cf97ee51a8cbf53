"""Writes of the threat-intelligence app: collections, members, and adding validated STIX objects.

Every object enters through :func:`stix_objects_ingest`, whatever its route (TAXII upload, bundle
import, scheduled pull, confirmed phishing report): validated by the OASIS library, de-duplicated by
(collection, STIX id, modified) and stamped with its provenance.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.missions.selectors import partner_organisation_list
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import TLP
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from chancery.threatintel.enums import Source
from chancery.threatintel.models import Collection, Membership, ObjectRead, StixObject, UploadStatus
from chancery.threatintel.permissions import is_partner
from chancery.threatintel.stix import StixInvalid, bundle_objects, stix_validate
from chancery.transparency.services import tlog_append_on_commit

MAX_BUNDLE_BYTES = 10 * 1024 * 1024


@dataclass(slots=True)
class IngestResult:
    """Per-object outcome of an ingest: ids stored (or already there) and ids refused with the reason."""

    added: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)

    @property
    def successes(self) -> list[dict[str, str]]:
        """Objects that are in the collection after the ingest (new or already present)."""
        return self.added + self.duplicates


def collection_create(*, actor: Actor, title: str, description: str = "", default_tlp: str = TLP.AMBER) -> Collection:
    """Create a collection (sharing group) with no partner yet.

    Needs ``threatintel.manage``; a title of 1 to 200 characters and a known TLP. Emits
    ``threatintel.collection_created``.
    """
    access.require(actor, "threatintel.manage")
    clean = title.strip()
    if not 1 <= len(clean) <= 200:
        raise InvalidInput(_("The collection could not be created."), errors={"title": [_("Give a title.")]})
    if default_tlp not in TLP.values:
        raise InvalidInput(_("The collection could not be created."), errors={"default_tlp": [_("Unknown TLP.")]})
    with transaction.atomic():
        collection = Collection.objects.create(
            title=clean, description=description.strip(), default_tlp=default_tlp, created_by_id=actor.user_id
        )
        audit_record(
            actor=actor,
            action="threatintel.collection_created",
            object_type="threatintel.collection",
            object_id=collection.pk,
            detail={"default_tlp": default_tlp},
        )
    return collection


def collection_member_set(
    *, actor: Actor, collection: Collection, organisation_id: int, can_read: bool, can_write: bool
) -> Membership | None:
    """Give a partner organisation read and/or write access to ``collection``; both False removes it.

    Needs ``threatintel.manage``. Emits ``threatintel.member_set``; returns the membership (None if removed).
    """
    access.require(actor, "threatintel.manage")
    if not partner_organisation_list(actor=actor).filter(pk=organisation_id).exists():
        raise InvalidInput(
            _("The member could not be set."), errors={"organisation": [_("Choose a partner organisation.")]}
        )
    with transaction.atomic():
        membership: Membership | None
        if not (can_read or can_write):
            Membership.objects.filter(collection=collection, organisation_id=organisation_id).delete()
            membership = None
        else:
            membership, _created = Membership.objects.update_or_create(
                collection=collection,
                organisation_id=organisation_id,
                defaults={"can_read": can_read, "can_write": can_write},
            )
        audit_record(
            actor=actor,
            action="threatintel.member_set",
            object_type="threatintel.collection",
            object_id=collection.pk,
            detail={"organisation_id": organisation_id, "can_read": can_read, "can_write": can_write},
        )
    return membership


def _modified(version: str) -> datetime:
    parsed = parse_datetime(version)
    if parsed is None:
        raise StixInvalid("the object has no valid modified or created timestamp")
    return parsed


def _store(
    *, actor: Actor, collection: Collection, raw: object, source: str, source_detail: str, result: IngestResult
) -> None:
    raw_id = str(raw.get("id", ""))[:200] if isinstance(raw, dict) else ""
    try:
        valid = stix_validate(raw)
        modified_at = _modified(valid.version)
    except StixInvalid as exc:
        result.failures.append({"id": raw_id, "message": str(exc)})
        return
    entry = {"id": valid.stix_id, "version": valid.version}
    same_id = StixObject.objects.filter(collection=collection, stix_id=valid.stix_id)
    if same_id.filter(modified_at=modified_at).exists():
        result.duplicates.append(entry)
        return
    newer_exists = same_id.filter(modified_at__gt=modified_at).exists()
    if not newer_exists:
        same_id.update(is_latest=False)
    tlp = valid.tlp or (TLP.CLEAR if valid.stix_type == "marking-definition" else collection.default_tlp)
    StixObject.objects.create(
        collection=collection,
        stix_id=valid.stix_id,
        stix_type=valid.stix_type,
        version=valid.version,
        modified_at=modified_at,
        body=valid.body,
        tlp=tlp,
        is_latest=not newer_exists,
        date_added=timezone.now(),
        source=source,
        source_organisation_id=actor.organisation_id,
        source_detail=source_detail[:300],
        added_by_id=actor.user_id,
    )
    result.added.append(entry)


def stix_objects_ingest(
    *, actor: Actor, collection: Collection, objects: Sequence[object], source: str, source_detail: str = ""
) -> IngestResult:
    """Validate and add ``objects`` to ``collection``; invalid ones are reported, never stored.

    Needs ``threatintel.add`` on the collection. Stores each new (STIX id, modified) once, with its
    provenance (source, the actor's organisation, ``source_detail``). Emits one ``threatintel.ingested``
    audit event with counts only.
    """
    access.require(actor, "threatintel.view", collection)
    access.require(actor, "threatintel.add", collection)
    if source not in Source.values:
        raise InvalidInput(_("Unknown source."), errors={"source": [_("Unknown source.")]})
    result = IngestResult()
    with transaction.atomic():
        for raw in objects:
            _store(
                actor=actor,
                collection=collection,
                raw=raw,
                source=source,
                source_detail=source_detail,
                result=result,
            )
        audit_record(
            actor=actor,
            action="threatintel.ingested",
            object_type="threatintel.collection",
            object_id=collection.pk,
            detail={
                "source": source,
                "added": len(result.added),
                "duplicates": len(result.duplicates),
                "failures": len(result.failures),
            },
        )
    return result


def taxii_upload(*, actor: Actor, collection: Collection, envelope: object) -> UploadStatus:
    """Add the objects of a TAXII 2.1 envelope (``{"objects": [...]}``) and return its status resource.

    Needs ``threatintel.add``; raises :class:`InvalidInput` (field ``objects``) when the envelope is not
    an object with a list of objects. Emits what :func:`stix_objects_ingest` emits.
    """
    if not isinstance(envelope, dict) or not isinstance(envelope.get("objects"), list):
        raise InvalidInput(_("Send an envelope with a list of objects."), errors={"objects": [_("Required.")]})
    objects: list[object] = list(envelope["objects"])
    requested = timezone.now()
    with transaction.atomic():
        result = stix_objects_ingest(
            actor=actor, collection=collection, objects=objects, source=Source.TAXII_PUSH, source_detail="TAXII 2.1"
        )
        return UploadStatus.objects.create(
            collection=collection,
            uploaded_by_id=actor.user_id,
            organisation_id=actor.organisation_id,
            request_timestamp=requested,
            successes=result.successes,
            failures=result.failures,
        )


def bundle_import(*, actor: Actor, collection: Collection, data: bytes, filename: str = "") -> IngestResult:
    """Import a STIX 2.1 bundle (JSON bytes, at most 10 MiB) into ``collection``.

    Needs ``threatintel.manage`` and ``threatintel.add``. Raises :class:`InvalidInput` (field ``bundle``)
    for anything that is not a bundle; objects inside are validated one by one. Emits what
    :func:`stix_objects_ingest` emits.
    """
    access.require(actor, "threatintel.manage")
    if len(data) > MAX_BUNDLE_BYTES:
        raise InvalidInput(_("The bundle is too large."), errors={"bundle": [_("At most 10 MiB.")]})
    try:
        parsed: Any = json.loads(data)
        objects = bundle_objects(parsed)
    except (ValueError, RecursionError) as exc:
        message = str(exc) if isinstance(exc, StixInvalid) else _("This is not JSON.")
        raise InvalidInput(_("The bundle could not be read."), errors={"bundle": [message]}) from None
    return stix_objects_ingest(
        actor=actor, collection=collection, objects=objects, source=Source.IMPORT, source_detail=filename
    )


OBSERVABLE_PATTERNS = {
    "email": "[email-addr:value = '{}']",
    "url": "[url:value = '{}']",
    "domain": "[domain-name:value = '{}']",
    "sha256": "[file:hashes.'SHA-256' = '{}']",
}
"""STIX patterns for the observables other domains share (kind -> pattern template)."""


def _pattern_literal(value: str) -> str:
    """Escape ``value`` for a STIX pattern string literal (backslash and quote, STIX 2.1 section 9.3)."""
    return value.replace("\\", "\\\\").replace("'", "\\'")


def stix_indicators_create(
    *,
    actor: Actor,
    collection_id: str,
    observables: Sequence[tuple[str, str]],
    name: str,
    tlp: str = TLP.AMBER,
    source: str = Source.LOCAL,
    source_detail: str = "",
) -> list[str]:
    """Turn ``observables`` (kind, value) into STIX 2.1 indicators in the collection; return their ids.

    Kinds are those of :data:`OBSERVABLE_PATTERNS`; the indicators are marked with the TLP 2.0 ``tlp`` and
    the marking definition is added with them. Needs ``threatintel.view`` and ``threatintel.add`` on the
    collection (:class:`NotFound` when it is missing). Emits what :func:`stix_objects_ingest` emits.
    """
    import stix2

    from chancery.threatintel.selectors import collection_get
    from chancery.threatintel.stix import TLP_MARKING, tlp_marking_object

    collection = collection_get(actor=actor, collection_id=collection_id)
    marking = tlp_marking_object(tlp)
    objects: list[object] = [marking] if marking is not None else []
    now = timezone.now()
    for kind, value in observables:
        template = OBSERVABLE_PATTERNS.get(kind)
        if template is None or not value:
            continue
        try:
            made = stix2.v21.Indicator(
                name=f"{name}: {value}"[:250],
                pattern=template.format(_pattern_literal(value)),
                pattern_type="stix",
                valid_from=now,
                indicator_types=["malicious-activity"],
                object_marking_refs=[TLP_MARKING[tlp]] if tlp in TLP_MARKING else [],
            )
        except (stix2.exceptions.STIXError, ValueError):
            continue
        objects.append(json.loads(made.serialize()))
    result = stix_objects_ingest(
        actor=actor, collection=collection, objects=objects, source=source, source_detail=source_detail
    )
    return [entry["id"] for entry in result.successes if entry["id"].startswith("indicator--")]


def stix_object_delete(*, actor: Actor, collection: Collection, stix_id: str, versions: tuple[str, ...]) -> int:
    """Delete the versions of ``stix_id`` that ``versions`` matches (TAXII 2.1 section 5.7); return how many.

    ``versions`` are TAXII ``match[version]`` values (``all``, ``last``, ``first``, timestamps; the TAXII
    view passes ``all`` when the request names none). Needs ``threatintel.view`` and ``threatintel.add`` on
    the collection; a partner may delete only versions its own organisation added (:class:`PermissionDenied`
    otherwise, and nothing is deleted). Raises :class:`NotFound` when nothing matches (TLP:RED objects do not
    exist for partners). The newest remaining version becomes the latest. Emits
    ``threatintel.object_deleted`` and a transparency-log leaf with the deleted version stamps.
    """
    from chancery.threatintel.selectors import version_match

    access.require(actor, "threatintel.view", collection)
    access.require(actor, "threatintel.add", collection)
    with transaction.atomic():
        same_id = StixObject.objects.select_for_update().filter(collection=collection, stix_id=stix_id)
        if is_partner(actor):
            same_id = same_id.exclude(tlp=TLP.RED)
        matched = list(same_id.filter(version_match(versions)).order_by("modified_at"))
        if not matched:
            raise NotFound
        if is_partner(actor) and any(row.source_organisation_id != actor.organisation_id for row in matched):
            raise PermissionDenied
        deleted = [row.version for row in matched]
        StixObject.objects.filter(pk__in=[row.pk for row in matched]).delete()
        remaining = StixObject.objects.filter(collection=collection, stix_id=stix_id)
        newest = remaining.aggregate(newest=Max("modified_at"))["newest"]
        if newest is not None:
            remaining.update(is_latest=False)
            remaining.filter(modified_at=newest).update(is_latest=True)
        audit_record(
            actor=actor,
            action="threatintel.object_deleted",
            object_type="threatintel.collection",
            object_id=collection.pk,
            detail={"stix_id": stix_id, "versions": len(deleted)},
        )
        tlog_append_on_commit(
            record_type="threatintel.object_deleted",
            record_id=stix_id,
            fields={"collection": str(collection.uuid), "versions": deleted, "organisation_id": actor.organisation_id},
        )
    return len(deleted)


def taxii_read_record(*, actor: Actor, collection: Collection, served: int) -> None:
    """Count ``served`` object versions returned to a partner from ``collection`` today (recorded when served).

    Only partners' reads are counted (the exchange figure of the security dashboard); nothing happens for
    internal callers or when nothing was served. A counter, not a record: the request itself is already
    audited as the use of an API token, so this emits nothing.
    """
    if served <= 0 or not is_partner(actor) or actor.organisation_id is None:
        return
    key = {"collection": collection, "organisation_id": actor.organisation_id, "day": timezone.localdate()}
    bump = {"requests": F("requests") + 1, "served": F("served") + served}
    with transaction.atomic():
        if ObjectRead.objects.filter(**key).update(**bump):
            return
        try:
            with transaction.atomic():
                ObjectRead.objects.create(**key, requests=1, served=served)
        except IntegrityError:  # another request created today's row first
            ObjectRead.objects.filter(**key).update(**bump)
