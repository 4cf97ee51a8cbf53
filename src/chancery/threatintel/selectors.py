"""Reads of the threat-intelligence app: collections, pages of objects (TAXII filters), statuses, export.

Partners never receive TLP:RED objects, whatever collection they are in.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import TLP
from chancery.platform.errors import InvalidInput, NotFound
from chancery.threatintel.enums import Source
from chancery.threatintel.models import Collection, Membership, ObjectRead, PartnerFeed, StixObject, UploadStatus
from chancery.threatintel.permissions import is_partner
from chancery.threatintel.stix import bundle_make, tlp_marking_object

DEFAULT_PAGE = 100
MAX_PAGE = 1000


@dataclass(frozen=True, slots=True)
class ObjectFilter:
    """TAXII 2.1 filters (section 3.4): added_after, limit, next, match[id|type|version]."""

    added_after: datetime | None = None
    limit: int = DEFAULT_PAGE
    cursor: tuple[datetime, int] | None = None
    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    versions: tuple[str, ...] = ("last",)


@dataclass(frozen=True, slots=True)
class ObjectPage:
    """One page of objects with whether more follow, the next cursor and the date-added bounds."""

    objects: list[StixObject]
    more: bool
    next: str
    first_added: datetime | None
    last_added: datetime | None


def _timestamp(value: str, field: str) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None or parsed.tzinfo is None:
        raise InvalidInput(_("Bad filter."), errors={field: [_("Give an RFC 3339 timestamp with a time zone.")]})
    return parsed


def cursor_encode(obj: StixObject) -> str:
    """Return the opaque ``next`` value that resumes after ``obj``."""
    raw = f"{obj.date_added.isoformat()}|{obj.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(value: str) -> tuple[datetime, int]:
    """Decode a ``next`` value; raise :class:`InvalidInput` (field ``next``) when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        stamp, pk = raw.split("|")
        return _timestamp(stamp, "next"), int(pk)
    except (ValueError, binascii.Error, InvalidInput):
        raise InvalidInput(_("Bad filter."), errors={"next": [_("Unknown next value.")]}) from None


def object_filter_parse(params: dict[str, str]) -> ObjectFilter:
    """Turn TAXII query parameters into an :class:`ObjectFilter`; raise :class:`InvalidInput` for bad ones."""
    limit = DEFAULT_PAGE
    if "limit" in params:
        try:
            limit = int(params["limit"])
        except ValueError:
            raise InvalidInput(_("Bad filter."), errors={"limit": [_("Give a whole number.")]}) from None
        if limit < 1:
            raise InvalidInput(_("Bad filter."), errors={"limit": [_("Give a positive number.")]})
        limit = min(limit, MAX_PAGE)

    def listed(name: str) -> tuple[str, ...]:
        return tuple(v.strip() for v in params.get(name, "").split(",") if v.strip())[:100]

    versions = listed("match[version]") or ("last",)
    for version in versions:
        if version not in {"last", "first", "all"}:
            _timestamp(version, "match[version]")
    return ObjectFilter(
        added_after=_timestamp(params["added_after"], "added_after") if params.get("added_after") else None,
        limit=limit,
        cursor=cursor_decode(params["next"]) if params.get("next") else None,
        ids=listed("match[id]"),
        types=listed("match[type]"),
        versions=versions,
    )


def collection_list(*, actor: Actor) -> QuerySet[Collection]:
    """Return the collections ``actor`` may read (``threatintel.view``), by title. Emits nothing."""
    return access.visible(actor, "threatintel.view", Collection.objects.all())


def collection_get(*, actor: Actor, collection_id: UUID | str) -> Collection:
    """Return the collection with TAXII id ``collection_id``; :class:`NotFound` when missing or not readable."""
    try:
        collection = Collection.objects.get(uuid=UUID(str(collection_id)))
    except (Collection.DoesNotExist, ValueError):
        raise NotFound from None
    access.require(actor, "threatintel.view", collection)
    return collection


def _objects_for(actor: Actor, collection: Collection) -> QuerySet[StixObject]:
    access.require(actor, "threatintel.view", collection)
    queryset = StixObject.objects.filter(collection=collection)
    if is_partner(actor):
        queryset = queryset.exclude(tlp=TLP.RED)
    return queryset


def version_match(versions: tuple[str, ...]) -> Q:
    """Return the condition for TAXII ``match[version]`` values: ``last``, ``first``, ``all`` or timestamps.

    Raises :class:`InvalidInput` (field ``match[version]``) for a value that is none of these.
    """
    if "all" in versions:
        return Q()
    wanted = Q(pk__in=[])
    for version in versions:
        if version == "last":
            wanted |= Q(is_latest=True)
        elif version == "first":
            earlier = StixObject.objects.filter(
                collection_id=OuterRef("collection_id"),
                stix_id=OuterRef("stix_id"),
                modified_at__lt=OuterRef("modified_at"),
            )
            wanted |= Q(~Exists(earlier))
        else:
            wanted |= Q(modified_at=_timestamp(version, "match[version]"))
    return wanted


def object_page(*, actor: Actor, collection: Collection, filters: ObjectFilter) -> ObjectPage:
    """Return one page of the collection's objects by date added, filtered as TAXII 2.1 asks.

    Needs ``threatintel.view`` on the collection. Emits nothing.
    """
    queryset = _objects_for(actor, collection)
    if filters.added_after is not None:
        queryset = queryset.filter(date_added__gt=filters.added_after)
    if filters.cursor is not None:
        stamp, pk = filters.cursor
        queryset = queryset.filter(Q(date_added__gt=stamp) | Q(date_added=stamp, pk__gt=pk))
    if filters.ids:
        queryset = queryset.filter(stix_id__in=filters.ids)
    if filters.types:
        queryset = queryset.filter(stix_type__in=filters.types)
    queryset = queryset.filter(version_match(filters.versions))
    rows = list(queryset.order_by("date_added", "pk")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return ObjectPage(
        objects=rows,
        more=more,
        next=cursor_encode(rows[-1]) if more else "",
        first_added=rows[0].date_added if rows else None,
        last_added=rows[-1].date_added if rows else None,
    )


def upload_status_get(*, actor: Actor, status_id: UUID | str) -> UploadStatus:
    """Return an upload's status to whoever uploaded it or a manager; :class:`NotFound` otherwise."""
    try:
        status = UploadStatus.objects.select_related("collection").get(uuid=UUID(str(status_id)))
    except (UploadStatus.DoesNotExist, ValueError):
        raise NotFound from None
    if status.uploaded_by_id != actor.user_id and not access.can(actor, "threatintel.manage"):
        raise NotFound
    access.require(actor, "threatintel.view", status.collection)
    return status


def bundle_export(*, actor: Actor, collection: Collection) -> dict[str, Any]:
    """Return a STIX 2.1 bundle of the latest version of every object ``actor`` may read in ``collection``.

    The TLP 2.0 marking definitions the objects use are included. Needs ``threatintel.view``; emits nothing.
    """
    rows = _objects_for(actor, collection).filter(is_latest=True).order_by("date_added", "pk")
    bodies = [row.body for row in rows]
    present = {body["id"] for body in bodies}
    used = {ref for body in bodies for ref in body.get("object_marking_refs", [])}
    markings = []
    for tlp in TLP.values:
        marking = tlp_marking_object(tlp)
        if marking is not None and marking["id"] in used and marking["id"] not in present:
            markings.append(marking)
    return bundle_make(markings + bodies)


def object_counts(*, actor: Actor, collection: Collection) -> dict[str, int]:
    """Return how many latest objects of each type ``actor`` may read in ``collection``."""
    counts: dict[str, int] = {}
    for stix_type in _objects_for(actor, collection).filter(is_latest=True).values_list("stix_type", flat=True):
        counts[stix_type] = counts.get(stix_type, 0) + 1
    return counts


def feed_list(*, actor: Actor) -> QuerySet[PartnerFeed]:
    """Return the partner feeds (managers only; nothing for others). Emits nothing."""
    if not access.can(actor, "threatintel.manage"):
        return PartnerFeed.objects.none()
    return PartnerFeed.objects.select_related("partner", "target")


@dataclass(frozen=True, slots=True)
class ExchangeActivity:
    """Objects that entered one collection since a moment, by how they arrived."""

    title: str
    imported: int
    pulled: int
    published: int


def exchange_activity_list(*, actor: Actor, since: datetime) -> list[ExchangeActivity]:
    """Return, per collection, the objects added since ``since``, by how they arrived.

    Imported (bundles and partner pushes), pulled from partners over TAXII, and published here (written
    locally or from confirmed phishing).

    Needs ``threatintel.manage``; raises PermissionDenied otherwise. One query. Emits nothing.
    """
    access.require(actor, "threatintel.manage")
    recent = Q(stix_objects__date_added__gte=since)
    rows = Collection.objects.annotate(
        imported=Count("stix_objects", filter=recent & Q(stix_objects__source__in=[Source.IMPORT, Source.TAXII_PUSH])),
        pulled=Count("stix_objects", filter=recent & Q(stix_objects__source=Source.TAXII_PULL)),
        published=Count("stix_objects", filter=recent & Q(stix_objects__source__in=[Source.LOCAL, Source.PHISHING])),
    ).order_by("title", "pk")
    return [
        ExchangeActivity(title=row.title, imported=row.imported, pulled=row.pulled, published=row.published)
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class PartnerReads:
    """What one partner organisation pulled from one collection over TAXII in a window."""

    collection: str
    organisation_en: str
    organisation_vi: str
    requests: int
    served: int


def exchange_reads_list(*, actor: Actor, since: date) -> list[PartnerReads]:
    """Return, per collection and partner organisation, the TAXII requests that served objects since ``since``.

    Counts what partners actually fetched (object versions returned by "get objects" and "get an object"),
    as recorded when served. Needs ``threatintel.manage``; raises PermissionDenied otherwise. One query.
    Emits nothing.
    """
    access.require(actor, "threatintel.manage")
    rows = (
        ObjectRead.objects.filter(day__gte=since)
        .values(
            "collection_id", "collection__title", "organisation_id", "organisation__name_en", "organisation__name_vi"
        )
        .annotate(requests=Sum("requests"), served=Sum("served"))
        .order_by("collection__title", "collection_id", "organisation__name_en", "organisation_id")
    )
    return [
        PartnerReads(
            collection=row["collection__title"],
            organisation_en=row["organisation__name_en"],
            organisation_vi=row["organisation__name_vi"],
            requests=row["requests"] or 0,
            served=row["served"] or 0,
        )
        for row in rows
    ]


def membership_list(*, actor: Actor, collection: Collection) -> QuerySet[Membership]:
    """Return the partner organisations that are members of ``collection``, by code.

    Needs ``threatintel.manage`` (members are not disclosed to partners). Emits nothing.
    """
    access.require(actor, "threatintel.manage")
    members = Membership.objects.filter(collection=collection).select_related("organisation")
    return members.order_by("organisation__code")


def feed_get(*, actor: Actor, feed_id: int) -> PartnerFeed:
    """Return one partner feed. Needs ``threatintel.manage``; :class:`NotFound` when missing. Emits nothing."""
    access.require(actor, "threatintel.manage")
    feed = PartnerFeed.objects.select_related("partner", "target").filter(pk=feed_id).first()
    if feed is None:
        raise NotFound
    return feed
