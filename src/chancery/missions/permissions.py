"""Who may see organisations and post reports, and who may write reports.

Organisations (``missions.view``, hidden on refusal)
    Every internal user sees the whole directory: the ministry, its departments, the missions abroad and
    the external stakeholders (they need the latter to share with them). An external user (role
    ``partner``, or any user of a partner ministry or international organisation) sees only their own
    organisation and the ministry.

Post reports (``missions.view_report``, hidden on refusal so that a report's existence does not leak)
    Always: the reader's clearance reaches the report's classification and the reader holds every one of
    its compartments. Then, need-to-know:

    * internal users read the reports of the unit they belong to (a mission's staff read their mission's
      reporting), the reports they wrote themselves, and, at headquarters (the ministry or one of its
      departments), desk officers, analysts and security officers read every mission's reporting: that is
      their work. Other headquarters roles (administrators, treaty and press officers) do not: administering
      accounts or drafting treaties gives no need to know a post's reporting.
    * external users read only reports explicitly shared with their organisation, and only when the TLP
      marking is not RED and the classification is at most INTERNAL (whatever their clearance says).

Writing a report (``missions.create_report``)
    Mission officers, desk officers and analysts who belong to a mission write reports for that mission,
    at a classification their clearance reaches and with compartments they hold. External users never do.

The listing filters below are the same rules expressed as queryset filters; the tests check that the
two agree for every combination of reader and report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from chancery.missions.enums import (
    EXTERNAL_KINDS,
    HEADQUARTERS_KINDS,
    MISSION_KINDS,
    PARTNER_MAX_CLASSIFICATION,
    REPORT_AUTHOR_ROLES,
    REPORT_READER_ROLES_AT_HEADQUARTERS,
    OrganisationKind,
)
from chancery.missions.models import Organisation, PostReport
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import TLP
from chancery.platform.markings import may_read_marking


@dataclass(frozen=True, slots=True)
class ReportDraft:
    """What ``missions.create_report`` decides on: the mission, the marking and the compartments asked for."""

    mission_id: int
    classification: int
    compartments: frozenset[str] = field(default_factory=frozenset)


def is_external(actor: Actor) -> bool:
    """True for partners' users: the ``partner`` role or membership of an external organisation."""
    return actor.is_external or actor.organisation_kind in EXTERNAL_KINDS


def reads_all_reporting(actor: Actor) -> bool:
    """True for headquarters desk officers, analysts and security officers (every mission's reports)."""
    return (
        not is_external(actor)
        and actor.organisation_kind in HEADQUARTERS_KINDS
        and actor.role in REPORT_READER_ROLES_AT_HEADQUARTERS
    )


def may_author_reports(actor: Actor) -> bool:
    """True when the actor belongs to a mission in a role that writes its reporting."""
    return (
        not is_external(actor)
        and actor.organisation_id is not None
        and actor.organisation_kind in MISSION_KINDS
        and actor.role in REPORT_AUTHOR_ROLES
    )


# --- Organisations ------------------------------------------------------------------------------------


@access.rule("missions.view", scope="read", hide_on_deny=True)
def can_view_organisation(actor: Actor, organisation: Organisation | None) -> bool:
    """Internal users see every organisation; external users their own and the ministry."""
    if organisation is None:
        return True
    if not is_external(actor):
        return True
    return organisation.pk == actor.organisation_id or organisation.kind == OrganisationKind.MINISTRY


@access.visibility("missions.view")
def visible_organisations(actor: Actor, queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """The directory rows ``can_view_organisation`` allows."""
    if not is_external(actor):
        return queryset
    own = Q(pk=actor.organisation_id) if actor.organisation_id is not None else Q(pk__in=[])
    return queryset.filter(own | Q(kind=OrganisationKind.MINISTRY))


# --- Post reports -------------------------------------------------------------------------------------


@access.rule("missions.view_report", scope="read", hide_on_deny=True)
def can_view_report(actor: Actor, report: PostReport | None) -> bool:
    """Clearance and compartments, then need-to-know (internal) or explicit sharing (external)."""
    if report is None:  # may the actor open the list at all?
        return True
    compartments = frozenset(compartment.code for compartment in report.compartments.all())
    if not may_read_marking(actor, classification=report.classification, compartments=compartments):
        return False
    if is_external(actor):
        return (
            actor.organisation_id is not None
            and report.tlp != TLP.RED
            and report.classification <= PARTNER_MAX_CLASSIFICATION
            and any(organisation.pk == actor.organisation_id for organisation in report.shared_with.all())
        )
    if reads_all_reporting(actor):
        return True
    return report.author_id == actor.user_id or report.mission_id == actor.organisation_id


@access.visibility("missions.view_report")
def visible_reports(actor: Actor, queryset: QuerySet[PostReport]) -> QuerySet[PostReport]:
    """The reports ``can_view_report`` allows, as one filter (no per-row checks)."""
    compartment_links = PostReport.compartments.through.objects.filter(postreport_id=OuterRef("pk"))
    lacks_a_compartment = Exists(compartment_links.exclude(compartment__code__in=sorted(actor.compartments)))
    marked = queryset.filter(classification__lte=actor.clearance).exclude(lacks_a_compartment)
    if is_external(actor):
        if actor.organisation_id is None:
            return queryset.none()
        shared = Exists(
            PostReport.shared_with.through.objects.filter(
                postreport_id=OuterRef("pk"),
                organisation_id=actor.organisation_id,
            ),
        )
        return marked.filter(shared, classification__lte=PARTNER_MAX_CLASSIFICATION).exclude(tlp=TLP.RED)
    if reads_all_reporting(actor):
        return marked
    need_to_know = Q(pk__in=[])
    if actor.user_id is not None:
        need_to_know |= Q(author_id=actor.user_id)
    if actor.organisation_id is not None:
        need_to_know |= Q(mission_id=actor.organisation_id)
    return marked.filter(need_to_know)


@access.rule("missions.create_report", scope="write")
def can_create_report(actor: Actor, draft: ReportDraft | None) -> bool:
    """A mission's authoring roles, for their own mission, within their clearance and compartments."""
    if not may_author_reports(actor):
        return False
    if draft is None:
        return True
    return draft.mission_id == actor.organisation_id and may_read_marking(
        actor,
        classification=draft.classification,
        compartments=draft.compartments,
    )


# --- Managing the directory ---------------------------------------------------------------------------


@access.rule("missions.manage", scope="admin")
def can_manage_directory(actor: Actor, _obj: object | None) -> bool:
    """Administrators and scheduled/system work (the demo seed) maintain organisations and compartments."""
    return actor.is_system or (actor.role == "administrator" and not is_external(actor))
