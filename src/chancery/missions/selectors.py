"""Reads for organisations and post reports, always narrowed to what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from chancery.missions.enums import EXTERNAL_KINDS, OrganisationKind
from chancery.missions.models import Compartment, Organisation, PostReport
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound


def organisation_list(*, actor: Actor, kind: str = "") -> QuerySet[Organisation]:
    """Return the organisations ``actor`` may see, optionally of one ``kind``, with their parent loaded.

    Needs a known kind (or ``""`` for all); raises :class:`InvalidInput` otherwise. Emits nothing.
    """
    if kind and kind not in OrganisationKind.values:
        raise InvalidInput(errors={"kind": [_("Unknown kind %(kind)s.") % {"kind": kind}]})
    queryset = Organisation.objects.select_related("parent").order_by("kind", "code")
    if kind:
        queryset = queryset.filter(kind=kind)
    return access.visible(actor, "missions.view", queryset)


def organisation_get(*, actor: Actor, code: str) -> Organisation:
    """Return the organisation with ``code``, annotated with ``member_count``.

    Raises :class:`NotFound` when it does not exist or ``actor`` may not see it. Emits nothing.
    """
    queryset = Organisation.objects.select_related("parent").annotate(member_count=Count("members"))
    organisation = queryset.filter(code=code).first()
    if organisation is None:
        raise NotFound
    access.require(actor, "missions.view", organisation)
    return organisation


def organisation_children(*, actor: Actor, organisation: Organisation) -> QuerySet[Organisation]:
    """Return the units directly under ``organisation`` that ``actor`` may see."""
    return access.visible(actor, "missions.view", organisation.children.order_by("kind", "code"))


@dataclass(frozen=True, slots=True)
class OrganisationProfile:
    """An organisation with its member count and the units directly under it that the reader may see."""

    organisation: Organisation
    member_count: int
    children: list[Organisation]


def organisation_profile(*, actor: Actor, code: str) -> OrganisationProfile:
    """Return the organisation with ``code``, its member count and its visible child units.

    Raises :class:`NotFound` when it does not exist or ``actor`` may not see it. Emits nothing.
    """
    organisation = organisation_get(actor=actor, code=code)
    return OrganisationProfile(
        organisation=organisation,
        member_count=int(organisation.member_count),  # type: ignore[attr-defined]
        children=list(organisation_children(actor=actor, organisation=organisation)),
    )


def partner_organisation_list(*, actor: Actor) -> QuerySet[Organisation]:
    """Return the active external stakeholders ``actor`` may see (the choices for sharing a report)."""
    queryset = Organisation.objects.filter(kind__in=sorted(EXTERNAL_KINDS), is_active=True).order_by("code")
    return access.visible(actor, "missions.view", queryset)


def compartment_held_list(*, actor: Actor) -> QuerySet[Compartment]:
    """Return the compartments ``actor`` holds (the only ones it may mark a report with)."""
    return Compartment.objects.filter(code__in=sorted(actor.compartments)).order_by("code")


def _report_queryset() -> QuerySet[PostReport]:
    return PostReport.objects.select_related("mission", "author").prefetch_related(
        Prefetch("compartments", queryset=Compartment.objects.order_by("code")),
        Prefetch("shared_with", queryset=Organisation.objects.order_by("code")),
    )


def report_list(*, actor: Actor, mission: Organisation | None = None) -> QuerySet[PostReport]:
    """Return the post reports ``actor`` may read, newest first, optionally only ``mission``'s.

    The filter is the queryset form of ``missions.view_report``; nothing is audited for a listing
    (titles only, no bodies).
    """
    queryset = PostReport.objects.select_related("mission").order_by("-created_at", "-id")
    if mission is not None:
        queryset = queryset.filter(mission=mission)
    return access.visible(actor, "missions.view_report", queryset)


def report_get(*, actor: Actor, report_id: int) -> PostReport:
    """Return report ``report_id`` with its mission, author, compartments and partners loaded.

    Raises :class:`NotFound` when it does not exist or ``actor`` may not read it (the two look the
    same). Emits nothing: :func:`chancery.missions.services.report_open` audits the reading.
    """
    report = _report_queryset().filter(pk=report_id).first()
    if report is None:
        raise NotFound
    access.require(actor, "missions.view_report", report)
    return report


def report_exists(*, report_id: int) -> bool:
    """True when a report with this id exists (for auditing refused reads; never shown to the actor)."""
    return PostReport.objects.filter(pk=report_id).exists()


def compartment_list(*, codes: list[str] | None = None) -> QuerySet[Compartment]:
    """Return compartments (optionally only ``codes``) by code; their names are not classified."""
    queryset = Compartment.objects.order_by("code")
    return queryset.filter(code__in=codes) if codes is not None else queryset
