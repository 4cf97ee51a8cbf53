"""Reads: agreements narrowed to what the actor may see, with their parties and dated events."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from chancery.agreements.enums import AgreementKind, EventKind, ObligationStatus, Stage
from chancery.agreements.models import Agreement, AgreementEvent, Obligation, Party, Reminder, SignedText
from chancery.agreements.validation import country_alpha_2, invalid
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound


@dataclass(frozen=True, slots=True)
class AgreementFilters:
    """Listing filters; empty strings mean "any"."""

    q: str = ""
    status: str = ""
    kind: str = ""
    country: str = ""


def agreement_list(*, actor: Actor, filters: AgreementFilters | None = None) -> QuerySet[Agreement]:
    """Return the agreements ``actor`` may see, filtered, by short name, with the lead department loaded.

    ``q`` matches short name and both titles (case-insensitive); ``country`` takes ISO 3166-1 alpha-2 or
    alpha-3. Raises :class:`InvalidInput` naming the filter for an unknown status, kind or country.
    Emits nothing.
    """
    filters = filters or AgreementFilters()
    queryset = Agreement.objects.select_related("lead_department").order_by("short_name")
    if filters.status:
        if filters.status not in Stage.values:
            raise invalid("status", _("Unknown status %(status)s.") % {"status": filters.status})
        queryset = queryset.filter(status=filters.status)
    if filters.kind:
        if filters.kind not in AgreementKind.values:
            raise invalid("kind", _("Unknown kind %(kind)s.") % {"kind": filters.kind})
        queryset = queryset.filter(kind=filters.kind)
    if filters.country:
        code = country_alpha_2(filters.country, field="country")
        queryset = queryset.filter(parties__country_code=code)
    if filters.q.strip():
        term = filters.q.strip()
        queryset = queryset.filter(
            Q(short_name__icontains=term) | Q(title_en__icontains=term) | Q(title_vi__icontains=term)
        )
    return access.visible(actor, "agreements.view", queryset).distinct()


@dataclass(frozen=True, slots=True)
class PartyRecord:
    """A party with its events grouped by kind (several per kind when sources disagree)."""

    party: Party
    events_by_kind: dict[str, list[AgreementEvent]] = field(default_factory=dict)

    def dates(self, kind: str) -> list[AgreementEvent]:
        """Return this party's events of ``kind`` (oldest first)."""
        return self.events_by_kind.get(kind, [])

    @property
    def signature(self) -> list[AgreementEvent]:
        """Signature events."""
        return self.dates(EventKind.SIGNATURE)

    @property
    def consent(self) -> list[AgreementEvent]:
        """Ratification, acceptance, approval or accession events."""
        kinds = (EventKind.RATIFICATION, EventKind.ACCEPTANCE, EventKind.APPROVAL, EventKind.ACCESSION)
        return sorted((e for kind in kinds for e in self.dates(kind)), key=lambda e: (e.date, e.pk))

    @property
    def entry_into_force(self) -> list[AgreementEvent]:
        """Entry-into-force events; more than one means the sources disagree."""
        return self.dates(EventKind.ENTRY_INTO_FORCE)

    @property
    def withdrawal(self) -> list[AgreementEvent]:
        """Withdrawal events."""
        return self.dates(EventKind.WITHDRAWAL)

    @property
    def statements(self) -> list[AgreementEvent]:
        """Reservations and declarations."""
        return self.dates(EventKind.RESERVATION) + self.dates(EventKind.DECLARATION)

    @property
    def sources_conflict(self) -> bool:
        """True when two sources give different dates for the same kind of event."""
        return any(len({e.date for e in events}) > 1 for events in self.events_by_kind.values())


@dataclass(frozen=True, slots=True)
class AgreementProfile:
    """An agreement, its parties with their dated events, and the whole timeline."""

    agreement: Agreement
    parties: list[PartyRecord]
    timeline: list[AgreementEvent]


def agreement_get(*, actor: Actor, agreement_id: int) -> Agreement:
    """Return agreement ``agreement_id``; raises :class:`NotFound` when missing or hidden. Emits nothing."""
    agreement = Agreement.objects.select_related("lead_department").filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound
    access.require(actor, "agreements.view", agreement)
    return agreement


def agreement_profile(*, actor: Actor, agreement_id: int) -> AgreementProfile:
    """Return the agreement with its parties (events grouped by kind) and its timeline, in three queries.

    Raises :class:`NotFound` when missing or hidden. Emits nothing.
    """
    agreement = agreement_get(actor=actor, agreement_id=agreement_id)
    events = list(agreement.events.select_related("party").order_by("date", "id"))
    grouped: dict[int, dict[str, list[AgreementEvent]]] = defaultdict(lambda: defaultdict(list))
    for event in events:
        if event.party_id is not None:
            grouped[event.party_id][event.kind].append(event)
    parties = [
        PartyRecord(party=party, events_by_kind=dict(grouped.get(party.pk, {})))
        for party in agreement.parties.order_by("name")
    ]
    return AgreementProfile(agreement=agreement, parties=parties, timeline=events)


def agreement_pipeline(*, actor: Actor) -> list[tuple[Stage, list[Agreement]]]:
    """Return every pipeline stage with the visible agreements in it (the board), in one query."""
    columns: dict[str, list[Agreement]] = {stage.value: [] for stage in Stage}
    for agreement in agreement_list(actor=actor):
        columns[agreement.status].append(agreement)
    return [(stage, columns[stage.value]) for stage in Stage]


def country_agreement_list(*, actor: Actor, country: str) -> tuple[str, QuerySet[Agreement]]:
    """Return the alpha-2 code and the visible agreements ``country`` is party to.

    Raises :class:`InvalidInput` naming ``country`` for an unknown code. Emits nothing.
    """
    code = country_alpha_2(country, field="country")
    return code, agreement_list(actor=actor, filters=AgreementFilters(country=code))


def party_event_list(*, actor: Actor, agreement_id: int) -> QuerySet[AgreementEvent]:
    """Return the events of a visible agreement (oldest first) with their parties. Emits nothing."""
    agreement = agreement_get(actor=actor, agreement_id=agreement_id)
    return agreement.events.select_related("party").order_by("date", "id")


def agreement_export_rows(*, actor: Actor, filters: AgreementFilters | None = None) -> list[list[str]]:
    """Return CSV rows (header first): one per visible agreement with its parties and VN dates.

    Needs the same filters as :func:`agreement_list`. Emits nothing (the view audits the export).
    """
    agreements = agreement_list(actor=actor, filters=filters).prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("name")),
        Prefetch("events", queryset=AgreementEvent.objects.select_related("party").order_by("date", "id")),
    )
    rows = [["short_name", "title_en", "kind", "scope", "status", "parties", "signature", "entry_into_force"]]
    for agreement in agreements:
        signature = sorted({e.date_display for e in agreement.events.all() if e.kind == EventKind.SIGNATURE})
        in_force = sorted({e.date_display for e in agreement.events.all() if e.kind == EventKind.ENTRY_INTO_FORCE})
        rows.append(
            [
                agreement.short_name,
                agreement.title_en,
                agreement.kind,
                agreement.scope,
                agreement.status,
                "; ".join(party.code for party in agreement.parties.all()),
                "; ".join(signature),
                "; ".join(in_force),
            ]
        )
    return rows


def obligation_list(
    *, actor: Actor, agreement_id: int | None = None, overdue_on: date | None = None, owner_id: int | None = None
) -> QuerySet[Obligation]:
    """Return the open obligations ``actor`` may see by due date, with their agreement, department, owner.

    ``agreement_id`` narrows to one agreement (raises :class:`NotFound` when hidden), ``overdue_on``
    to those due before that day, ``owner_id`` to one owner's. Emits nothing.
    """
    queryset = Obligation.objects.filter(status=ObligationStatus.OPEN).select_related(
        "agreement", "department", "owner"
    )
    if agreement_id is not None:
        agreement_get(actor=actor, agreement_id=agreement_id)
        queryset = queryset.filter(agreement_id=agreement_id)
    if overdue_on is not None:
        queryset = queryset.filter(due_date__lt=overdue_on)
    if owner_id is not None:
        queryset = queryset.filter(owner_id=owner_id)
    return access.visible(actor, "agreements.view_obligation", queryset.order_by("due_date", "id"))


def reminder_list(*, actor: Actor) -> QuerySet[Reminder]:
    """Return the signed-in user's reminders, newest first, for obligations they may still see."""
    if actor.user_id is None:
        return Reminder.objects.none()
    visible = obligation_list(actor=actor).values("pk")
    return Reminder.objects.filter(user_id=actor.user_id, obligation__in=visible).select_related(
        "obligation__agreement"
    )


def signed_text_list(*, actor: Actor, agreement_id: int) -> QuerySet[SignedText]:
    """Return the signed authentic texts of a visible agreement, newest first. Emits nothing."""
    agreement = agreement_get(actor=actor, agreement_id=agreement_id)
    return agreement.signed_texts.order_by("-signed_at", "-id")
