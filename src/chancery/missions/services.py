"""Writes: maintaining organisations and compartments; creating and opening (an audited read) post reports."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chancery.audit.enums import Outcome
from chancery.audit.services import audit_record
from chancery.missions import selectors
from chancery.missions.enums import EXTERNAL_KINDS, PARTNER_MAX_CLASSIFICATION, OrganisationKind
from chancery.missions.models import Compartment, Organisation, PostReport
from chancery.missions.permissions import ReportDraft
from chancery.missions.tlog_records import RECORD_TYPE as POST_REPORT_RECORD
from chancery.missions.tlog_records import post_report_fields
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import TLP, Classification
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from chancery.transparency.services import tlog_append_on_commit

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 100_000


def organisation_upsert(
    *,
    actor: Actor,
    code: str,
    kind: str,
    name_en: str,
    name_vi: str,
    parent_code: str | None = None,
    country_code: str = "",
    city: str = "",
) -> tuple[Organisation, bool]:
    """Create or update the organisation ``code``; return it and whether anything changed.

    Needs ``missions.manage`` (administrators, the system actor). Validates the kind, the parent and the
    host country (ISO 3166-1 alpha-2, required for missions); raises :class:`InvalidInput` and writes
    nothing otherwise. Emits ``missions.organisation_created`` or ``missions.organisation_updated`` when
    something changed, nothing when the row already matched.
    """
    access.require(actor, "missions.manage")
    if kind not in OrganisationKind.values:
        raise InvalidInput(errors={"kind": [_("Unknown kind %(kind)s.") % {"kind": kind}]})
    with transaction.atomic():
        parent = None
        if parent_code:
            parent = Organisation.objects.filter(code=parent_code).first()
            if parent is None:
                raise InvalidInput(errors={"parent": [_("Unknown organisation %(code)s.") % {"code": parent_code}]})
        values = {
            "kind": kind,
            "name_en": name_en.strip(),
            "name_vi": name_vi.strip(),
            "parent": parent,
            "country_code": country_code.strip().upper(),
            "city": city.strip(),
        }
        organisation = Organisation.objects.select_for_update().filter(code=code).first()
        created = organisation is None
        if organisation is None:
            organisation = Organisation(code=code)
        changed = [name for name, value in values.items() if getattr(organisation, name) != value]
        if not created and not changed:
            return organisation, False
        for name, value in values.items():
            setattr(organisation, name, value)
        try:
            organisation.full_clean()
        except ValidationError as error:
            raise InvalidInput(errors={k: list(v) for k, v in error.message_dict.items()}) from error
        organisation.save()
        audit_record(
            actor=actor,
            action="missions.organisation_created" if created else "missions.organisation_updated",
            object_type="missions.organisation",
            object_id=organisation.pk,
            detail={"code": code, "kind": kind, "changed": sorted(changed)},
        )
    return organisation, True


def compartment_upsert(*, actor: Actor, code: str, name_en: str, name_vi: str) -> tuple[Compartment, bool]:
    """Create or update the compartment ``code``; return it and whether anything changed.

    Needs ``missions.manage``. Emits ``missions.compartment_created`` or ``missions.compartment_updated``
    when something changed.
    """
    access.require(actor, "missions.manage")
    with transaction.atomic():
        compartment = Compartment.objects.select_for_update().filter(code=code).first()
        created = compartment is None
        if compartment is None:
            compartment = Compartment(code=code)
        if not created and (compartment.name_en, compartment.name_vi) == (name_en, name_vi):
            return compartment, False
        compartment.name_en, compartment.name_vi = name_en, name_vi
        try:
            compartment.full_clean()
        except ValidationError as error:
            raise InvalidInput(errors={k: list(v) for k, v in error.message_dict.items()}) from error
        compartment.save()
        audit_record(
            actor=actor,
            action="missions.compartment_created" if created else "missions.compartment_updated",
            object_type="missions.compartment",
            object_id=compartment.pk,
            detail={"code": code},
        )
    return compartment, True


def report_open(*, actor: Actor, report_id: int) -> PostReport:
    """Return report ``report_id`` for reading, recording who read it.

    Needs an actor allowed by ``missions.view_report``; raises :class:`NotFound` otherwise. Emits the
    audit event ``missions.report_viewed`` (with the classification, never the title or body) for every
    report above UNCLASSIFIED, and a ``denied`` event when an existing report is refused.
    """
    try:
        report = selectors.report_get(actor=actor, report_id=report_id)
    except NotFound:
        if selectors.report_exists(report_id=report_id):
            audit_record(
                actor=actor,
                action="missions.report_viewed",
                outcome=Outcome.DENIED,
                object_type="missions.postreport",
                object_id=report_id,
            )
        raise
    if report.classification > Classification.UNCLASSIFIED:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="missions.report_viewed",
                object_type="missions.postreport",
                object_id=report.pk,
                classification=report.classification,
                detail={"mission": report.mission.code},
            )
    return report


def _clean_text(value: str, *, field: str, limit: int, errors: dict[str, list[str]]) -> str:
    cleaned = value.strip()
    if not cleaned:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(cleaned) > limit:
        errors.setdefault(field, []).append(_("Use at most %(limit)d characters.") % {"limit": limit})
    return cleaned


def _resolve_organisations(
    codes: Iterable[str],
    *,
    field: str,
    errors: dict[str, list[str]],
) -> list[Organisation]:
    wanted = sorted(set(codes))
    found = list(Organisation.objects.filter(code__in=wanted).order_by("code"))
    missing = sorted(set(wanted) - {row.code for row in found})
    if missing:
        errors.setdefault(field, []).append(_("Unknown: %(codes)s.") % {"codes": ", ".join(missing)})
    return found


def report_create(
    *,
    actor: Actor,
    title_en: str,
    title_vi: str,
    body: str,
    classification: int,
    compartment_codes: Iterable[str] = (),
    tlp: str = TLP.RED,
    shared_with_codes: Iterable[str] = (),
    mission_code: str | None = None,
) -> PostReport:
    """Create a post report for the actor's mission (or ``mission_code``) and return it.

    Needs ``missions.create_report``: a mission officer, desk officer or analyst of that mission, cleared
    for ``classification`` and holding every compartment. Sharing (``shared_with_codes``) is allowed only
    with external stakeholders, at INTERNAL or below and with a TLP other than RED. Raises
    :class:`InvalidInput` (nothing written) for bad values and :class:`PermissionDenied` when refused.
    Emits the audit event ``missions.report_created`` (metadata only).
    """
    access.require(actor, "missions.create_report")
    errors: dict[str, list[str]] = {}
    title_en = _clean_text(title_en, field="title_en", limit=TITLE_MAX_LENGTH, errors=errors)
    title_vi = _clean_text(title_vi, field="title_vi", limit=TITLE_MAX_LENGTH, errors=errors)
    body = _clean_text(body, field="body", limit=BODY_MAX_LENGTH, errors=errors)
    if classification not in Classification.values:
        errors.setdefault("classification", []).append(_("Unknown classification."))
    if tlp not in TLP.values:
        errors.setdefault("tlp", []).append(_("Unknown TLP marking."))
    # Only compartments the author holds resolve, so that errors never reveal whether another code exists.
    wanted_compartments = sorted(set(compartment_codes))
    compartments = list(
        Compartment.objects.filter(code__in=[code for code in wanted_compartments if code in actor.compartments]),
    )
    if len(compartments) != len(wanted_compartments):
        unknown = sorted(set(wanted_compartments) - {compartment.code for compartment in compartments})
        errors.setdefault("compartments", []).append(
            _("Unknown compartment, or one you do not hold: %(codes)s.") % {"codes": ", ".join(unknown)},
        )
    partners = _resolve_organisations(shared_with_codes, field="shared_with", errors=errors)
    if any(partner.kind not in EXTERNAL_KINDS for partner in partners):
        errors.setdefault("shared_with", []).append(_("Reports are shared only with external stakeholders."))
    if partners and classification in Classification.values and classification > PARTNER_MAX_CLASSIFICATION:
        errors.setdefault("shared_with", []).append(_("Only INTERNAL or unclassified reports may be shared."))
    if partners and tlp == TLP.RED:
        errors.setdefault("tlp", []).append(_("A report marked TLP:RED cannot be shared outside the ministry."))
    mission_id = actor.organisation_id
    if mission_code is not None:
        mission = Organisation.objects.filter(code=mission_code).only("pk").first()
        if mission is None:
            errors.setdefault("mission", []).append(_("Unknown mission."))
        else:
            mission_id = mission.pk
    if errors:
        raise InvalidInput(_("The report has invalid values."), errors=errors)
    author_id = actor.user_id
    if mission_id is None or author_id is None:  # the rule guarantees both; keep mypy and readers sure
        raise PermissionDenied
    draft = ReportDraft(
        mission_id=mission_id,
        classification=classification,
        compartments=frozenset(compartment.code for compartment in compartments),
    )
    access.require(actor, "missions.create_report", draft)
    with transaction.atomic():
        report = PostReport(
            mission_id=mission_id,
            title_en=title_en,
            title_vi=title_vi,
            classification=classification,
            tlp=tlp,
            author_id=author_id,
        )
        report.body = body  # sealed under a new data key
        report.save()
        report.compartments.set(compartments)
        report.shared_with.set(partners)
        report.refresh_from_db(fields=["created_at"])
        tlog_append_on_commit(record_type=POST_REPORT_RECORD, record_id=report.pk, fields=post_report_fields(report))
        audit_record(
            actor=actor,
            action="missions.report_created",
            object_type="missions.postreport",
            object_id=report.pk,
            classification=classification,
            detail={
                "mission_id": mission_id,
                "tlp": tlp,
                "compartments": sorted(draft.compartments),
                "shared_with": sorted(partner.code for partner in partners),
            },
        )
    return report
