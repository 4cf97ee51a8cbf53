"""Writes: registering agreements, adding parties and recording guarded events.

Each public service runs in one transaction, checks the policy engine, validates every field (a
failure names the field and leaves nothing written), audits the change and appends its transparency-log
leaf on commit.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.agreements import tlog_records
from chancery.agreements.enums import (
    AGREEMENT_KINDS,
    CONSENT_KINDS,
    INTERNATIONAL_ORGANISATIONS,
    PARTY_KINDS,
    AgreementKind,
    AgreementScope,
    DatePrecision,
    EventKind,
)
from chancery.agreements.models import Agreement, AgreementEvent, Party
from chancery.agreements.selectors import AgreementFilters, agreement_export_rows
from chancery.agreements.status import derive_status
from chancery.agreements.validation import country_alpha_2, invalid, known_organisation_code
from chancery.audit.services import audit_record
from chancery.missions import selectors as missions_selectors
from chancery.missions.enums import OrganisationKind
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import NotFound
from chancery.resilience.webhooks.services import webhooks_emit
from chancery.transparency.services import tlog_append_on_commit

NOTICE_PATTERN = re.compile(r"^\d{1,4}/\d{4}/TB-LPQT$")
"""Viet Nam's numbered notice of entry into force, e.g. ``50/2016/TB-LPQT`` (Law on Treaties, Art. 56)."""

SIGNATURE_BOUND_CONSENT = frozenset({EventKind.RATIFICATION, EventKind.ACCEPTANCE, EventKind.APPROVAL})
"""Consent instruments that follow a signature (accession needs none)."""


def _managed_agreement(*, actor: Actor, agreement_id: int) -> Agreement:
    agreement = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound
    access.require(actor, "agreements.view", agreement)
    access.require(actor, "agreements.manage", agreement)
    return agreement


def _lead_department_id(*, actor: Actor, lead_department_code: str) -> int | None:
    if not lead_department_code:
        return None
    department = (
        missions_selectors.organisation_list(actor=actor, kind=OrganisationKind.DEPARTMENT)
        .filter(code=lead_department_code)
        .first()
    )
    if department is None:
        raise invalid("lead_department", _("Unknown department %(code)s.") % {"code": lead_department_code})
    return department.pk


@transaction.atomic
def agreement_create(
    *,
    actor: Actor,
    short_name: str,
    title_en: str,
    title_vi: str = "",
    kind: str,
    scope: str,
    subject_areas: list[str] | None = None,
    lead_department_code: str = "",
    depositary: str = "",
    un_registration_number: str = "",
    classification: int = Classification.UNCLASSIFIED,
    notes: str = "",
    is_illustrative: bool = False,
) -> Agreement:
    """Register an agreement (status ``proposed`` until events say otherwise) and return it.

    Needs ``agreements.create`` and a clearance reaching ``classification``. Raises
    :class:`InvalidInput` naming the field for an empty or taken short name, an empty English title,
    an unknown kind, scope, classification or lead department. Emits the audit event
    ``agreements.create`` and an ``agreements.event`` log leaf on commit.
    """
    access.require(actor, "agreements.create")
    short_name = short_name.strip()
    if not short_name:
        raise invalid("short_name", _("Give the agreement a short name (EVFTA, CPTPP…)."))
    if Agreement.objects.filter(short_name__iexact=short_name).exists():
        raise invalid("short_name", _("An agreement called %(name)s already exists.") % {"name": short_name})
    if not title_en.strip():
        raise invalid("title_en", _("The English title is required."))
    if kind not in AgreementKind.values:
        raise invalid("kind", _("Unknown kind %(kind)s.") % {"kind": kind})
    if scope not in AgreementScope.values:
        raise invalid("scope", _("Unknown scope %(scope)s.") % {"scope": scope})
    if classification not in Classification.values or not actor.cleared_for(classification):
        raise invalid("classification", _("Choose a classification your clearance reaches."))
    agreement = Agreement.objects.create(
        short_name=short_name,
        title_en=title_en.strip(),
        title_vi=title_vi.strip(),
        kind=kind,
        scope=scope,
        subject_areas=sorted({area.strip() for area in subject_areas or [] if area.strip()}),
        lead_department_id=_lead_department_id(actor=actor, lead_department_code=lead_department_code),
        depositary=depositary.strip(),
        un_registration_number=un_registration_number.strip(),
        classification=classification,
        notes=notes.strip(),
        is_illustrative=is_illustrative,
    )
    audit_record(
        actor=actor,
        action="agreements.create",
        object_type="agreement",
        object_id=agreement.pk,
        classification=classification,
        detail={"kind": kind, "scope": scope},
    )
    tlog_append_on_commit(
        record_type=tlog_records.RECORD_TYPE,
        record_id=tlog_records.agreement_record_id(agreement),
        fields=tlog_records.agreement_fields(agreement),
    )
    return agreement


@transaction.atomic
def party_add(*, actor: Actor, agreement_id: int, country_code: str = "", organisation_code: str = "") -> Party:
    """Add a state (ISO 3166-1 alpha-2 or alpha-3 ``country_code``) or an organisation as a party.

    Needs ``agreements.manage`` on the agreement. Give exactly one of the two codes; raises
    :class:`InvalidInput` naming the field for an unknown or duplicate code. Emits the audit event
    ``agreements.party_add`` and an ``agreements.event`` log leaf on commit.
    """
    agreement = _managed_agreement(actor=actor, agreement_id=agreement_id)
    if bool(country_code.strip()) == bool(organisation_code.strip()):
        raise invalid("country_code", _("Give either a country code or an organisation code."))
    if country_code.strip():
        code = country_alpha_2(country_code)
        if agreement.parties.filter(country_code=code).exists():
            raise invalid("country_code", _("%(code)s is already a party.") % {"code": code})
        party = Party.objects.create(agreement=agreement, country_code=code, name=_country_name(code))
    else:
        code = known_organisation_code(organisation_code)
        if agreement.parties.filter(organisation_code=code).exists():
            raise invalid("organisation_code", _("%(code)s is already a party.") % {"code": code})
        party = Party.objects.create(
            agreement=agreement, organisation_code=code, name=INTERNATIONAL_ORGANISATIONS[code]
        )
    audit_record(
        actor=actor,
        action="agreements.party_add",
        object_type="agreement",
        object_id=agreement.pk,
        classification=agreement.classification,
        detail={"party": party.code},
    )
    tlog_append_on_commit(
        record_type=tlog_records.RECORD_TYPE,
        record_id=tlog_records.party_record_id(party),
        fields=tlog_records.party_fields(party),
    )
    return party


def _country_name(code: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or country.name) if country is not None else code


def _dates(agreement: Agreement, party: Party | None, kinds: frozenset[str] | set[str]) -> list[date]:
    events = agreement.events.filter(kind__in=sorted(kinds))
    if party is not None:
        events = events.filter(party=party)
    return list(events.values_list("date", flat=True))


def _check_order(*, agreement: Agreement, party: Party | None, kind: str, when: date) -> None:
    """Raise naming ``date`` (or ``party``) when ``kind`` on ``when`` contradicts the recorded events."""
    signed = _dates(agreement, party, {EventKind.SIGNATURE})
    consented = _dates(agreement, party, CONSENT_KINDS)
    in_force = _dates(agreement, party, {EventKind.ENTRY_INTO_FORCE})
    if kind in SIGNATURE_BOUND_CONSENT:
        if not signed:
            raise invalid("party", _("This party has not signed: record its signature (or an accession) first."))
        if when < min(signed):
            raise invalid("date", _("Consent to be bound cannot precede the party's signature."))
    if kind == EventKind.ENTRY_INTO_FORCE and (signed or consented) and when < min(signed + consented):
        raise invalid("date", _("Entry into force cannot precede the party's signature or consent."))
    if kind in {EventKind.SIGNATURE, *CONSENT_KINDS} and in_force and when > max(in_force):
        raise invalid("date", _("The party's entry into force is dated before this; check the dates."))
    if kind == EventKind.WITHDRAWAL:
        if not in_force:
            raise invalid("party", _("Only a party for which the agreement is in force can withdraw."))
        if when < min(in_force):
            raise invalid("date", _("Withdrawal cannot precede entry into force."))
    if kind == EventKind.TERMINATION:
        all_in_force = _dates(agreement, None, {EventKind.ENTRY_INTO_FORCE})
        if not all_in_force or when < min(all_in_force):
            raise invalid("date", _("Only an agreement in force can be terminated, after its entry into force."))
    if kind == EventKind.CONCLUDED:
        opened = _dates(agreement, None, {EventKind.NEGOTIATIONS_OPENED})
        if opened and when < min(opened):
            raise invalid("date", _("Negotiations cannot conclude before they opened."))


def _event_party(*, agreement: Agreement, kind: str, party_id: int | None) -> Party | None:
    if kind in AGREEMENT_KINDS:
        if party_id is not None:
            raise invalid("party", _("This event concerns the whole agreement: name no party."))
        return None
    if party_id is None:
        raise invalid("party", _("Name the party this event concerns."))
    party = agreement.parties.filter(pk=party_id).first()
    if party is None:
        raise invalid("party", _("That state or organisation is not a party to this agreement."))
    return party


@transaction.atomic
def event_record(
    *,
    actor: Actor,
    agreement_id: int,
    kind: str,
    on: date,
    source: str,
    party_id: int | None = None,
    date_precision: str = DatePrecision.DAY,
    notice_number: str = "",
    note: str = "",
) -> AgreementEvent:
    """Record a dated event with its source, re-derive the agreement's status and return the event.

    Needs ``agreements.manage``. Guards (each an :class:`InvalidInput` naming the field, nothing saved):
    a known ``kind`` and ``date_precision``; no date in the future; a ``source``; party events name a
    party of this agreement and whole-agreement events none; consent follows the party's signature,
    entry into force never precedes the party's signature or consent, withdrawal and termination follow
    entry into force; a ``notice_number`` only on entry into force and in the ``50/2016/TB-LPQT`` form;
    the same fact from the same source only once (other sources' dates are kept side by side).
    Emits the audit event ``agreements.event_record`` and an ``agreements.event`` log leaf on commit.
    """
    agreement = _managed_agreement(actor=actor, agreement_id=agreement_id)
    if kind not in PARTY_KINDS | AGREEMENT_KINDS:
        raise invalid("kind", _("Unknown event %(kind)s.") % {"kind": kind})
    if date_precision not in DatePrecision.values:
        raise invalid("date_precision", _("Use day, month or year."))
    if on > timezone.localdate():
        raise invalid("date", _("A date in the future cannot record something that has happened."))
    source = source.strip()
    if not source:
        raise invalid("source", _("Say where this date comes from."))
    notice_number = notice_number.strip()
    if notice_number and kind != EventKind.ENTRY_INTO_FORCE:
        raise invalid("notice_number", _("A notice number belongs to an entry into force."))
    if notice_number and not NOTICE_PATTERN.match(notice_number):
        raise invalid("notice_number", _("Use the form 50/2016/TB-LPQT."))
    party = _event_party(agreement=agreement, kind=kind, party_id=party_id)
    _check_order(agreement=agreement, party=party, kind=kind, when=on)
    if agreement.events.filter(party=party, kind=kind, date=on, source=source).exists():
        raise invalid("source", _("This date from this source is already recorded."))
    event = AgreementEvent.objects.create(
        agreement=agreement,
        party=party,
        kind=kind,
        date=on,
        date_precision=date_precision,
        source=source,
        notice_number=notice_number,
        note=note.strip(),
        recorded_by_id=actor.user_id,
    )
    status = derive_status(agreement.events.values_list("kind", flat=True))
    if status != agreement.status:
        previous = agreement.status
        agreement.status = status
        agreement.save(update_fields=["status"])
        webhooks_emit(
            event_type="agreement.status_changed",
            organisation_ids=None,
            view_action="agreements.view",
            obj=agreement,
            payload_factory=lambda _partner: {
                "agreement": {"id": agreement.pk, "title_en": agreement.title_en, "title_vi": agreement.title_vi},
                "status": status,
                "previous_status": previous,
                "event": {"kind": kind, "date": on.isoformat()},
            },
        )
    audit_record(
        actor=actor,
        action="agreements.event_record",
        object_type="agreement",
        object_id=agreement.pk,
        classification=agreement.classification,
        detail={"event_id": event.pk, "kind": kind, "party": party.code if party else "", "status": status},
    )
    tlog_append_on_commit(
        record_type=tlog_records.RECORD_TYPE,
        record_id=tlog_records.event_record_id(event),
        fields=tlog_records.event_fields(event),
    )
    return event


def _csv_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (a cell starting with = + - @ or a control character)."""
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


@transaction.atomic
def agreement_export(*, actor: Actor, filters: AgreementFilters | None = None) -> list[list[str]]:
    """Return the CSV rows of the agreements ``actor`` may see under ``filters`` and audit the export.

    Needs ``agreements.view``; raises :class:`InvalidInput` naming a bad filter. Emits the audit event
    ``agreements.export`` with the number of rows (no content).
    """
    access.require(actor, "agreements.view")
    rows = agreement_export_rows(actor=actor, filters=filters)
    audit_record(actor=actor, action="agreements.export", object_type="agreement", detail={"rows": len(rows) - 1})
    return [[_csv_cell(cell) for cell in row] for row in rows]
