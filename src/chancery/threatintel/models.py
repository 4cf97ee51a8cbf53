"""Collections (sharing groups), the STIX 2.1 objects in them, TAXII upload statuses and partner feeds."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from chancery.platform.enums import TLP
from chancery.threatintel.enums import Source, StatusState


class Collection(models.Model):
    """A TAXII 2.1 collection and sharing group: the partner organisations that read or write it."""

    uuid = models.UUIDField(_("TAXII id"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    default_tlp = models.CharField(_("default TLP"), max_length=16, choices=TLP.choices, default=TLP.AMBER)
    created_by = models.ForeignKey(
        "identity.User", verbose_name=_("created by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("collection")

    def __str__(self) -> str:
        return self.title


class Membership(models.Model):
    """A partner organisation's access to a collection."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "missions.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    can_read = models.BooleanField(_("can read"), default=True)
    can_write = models.BooleanField(_("can write"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "organisation"], name="threatintel_one_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}:{self.organisation_id}"


class StixObject(models.Model):
    """One version of a STIX 2.1 object in a collection, validated by the OASIS library before it is stored.

    De-duplicated by (collection, STIX id, modified): the same version sent twice is stored once. The
    provenance says who sent it and how.
    """

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="stix_objects")
    stix_id = models.CharField(_("STIX id"), max_length=200)
    stix_type = models.CharField(_("type"), max_length=64)
    version = models.CharField(_("version (modified)"), max_length=40)
    modified_at = models.DateTimeField(_("modified"))
    body: models.JSONField[Any] = models.JSONField(_("object"))
    tlp = models.CharField(_("TLP"), max_length=16, choices=TLP.choices)
    is_latest = models.BooleanField(_("latest version"), default=True)
    date_added = models.DateTimeField(_("date added"), db_index=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_organisation = models.ForeignKey(
        "missions.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_detail = models.CharField(_("source detail"), max_length=300, blank=True)
    added_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["date_added", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "stix_id", "version"], name="threatintel_one_version"),
        ]
        indexes = [models.Index(fields=["collection", "stix_id"])]

    def __str__(self) -> str:
        return f"{self.stix_id}@{self.version}"

    @property
    def label(self) -> str:
        """A short human label: the object's name, else its pattern, else its STIX id."""
        return str(self.body.get("name") or self.body.get("pattern") or self.stix_id)


class UploadStatus(models.Model):
    """The TAXII 2.1 status resource of one upload: per-object successes and failures (ids only)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, related_name="+")
    organisation = models.ForeignKey("missions.Organisation", on_delete=models.SET_NULL, null=True, related_name="+")
    state = models.CharField(max_length=16, choices=StatusState.choices, default=StatusState.COMPLETE)
    request_timestamp = models.DateTimeField()
    successes: models.JSONField[Any] = models.JSONField(default=list)
    failures: models.JSONField[Any] = models.JSONField(default=list)

    def __str__(self) -> str:
        return str(self.uuid)


class PartnerFeed(models.Model):
    """A partner's TAXII 2.1 collection that Chancery pulls on a schedule into a local collection."""

    name = models.CharField(_("name"), max_length=200)
    collection_url = models.URLField(_("partner collection URL"), max_length=500)
    token = models.CharField(_("bearer token (encrypted)"), max_length=1000, blank=True)
    partner = models.ForeignKey(
        "missions.Organisation", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    target = models.ForeignKey(Collection, verbose_name=_("into collection"), on_delete=models.PROTECT)
    is_active = models.BooleanField(_("active"), default=True)
    added_after = models.CharField(_("pulled up to (TAXII date added)"), max_length=40, blank=True)
    last_pulled_at = models.DateTimeField(_("last pulled at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ObjectRead(models.Model):
    """What a partner organisation was served from a collection over TAXII on one day (recorded when served).

    One row per (collection, organisation, day): the number of requests that returned objects and the
    number of object versions returned. Manifests and version lists are not counted (they carry no object).
    """

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "missions.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    requests = models.PositiveIntegerField(_("requests"), default=0)
    served = models.PositiveIntegerField(_("objects served"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "organisation", "day"], name="threatintel_one_read_day"),
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}:{self.organisation_id}:{self.day}"
