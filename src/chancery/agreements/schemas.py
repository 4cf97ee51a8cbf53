"""API schemas for agreements, parties and events (one in/out shape per operation)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from chancery.agreements.enums import (
    AgreementKind,
    AgreementScope,
    CommentSide,
    DatePrecision,
    EventKind,
    ObligationStatus,
    Recurrence,
    RelationKind,
    Stage,
)
from chancery.agreements.models import Agreement
from chancery.agreements.selectors import AgreementProfile
from chancery.platform.enums import Classification


class AgreementOut(Schema):
    """An agreement as listed; ``status`` is derived from its events."""

    id: int
    short_name: str
    title_en: str
    title_vi: str
    kind: AgreementKind
    scope: AgreementScope
    status: Stage
    classification: Classification
    subject_areas: list[str]
    lead_department: str | None = Field(None, description="code of the lead department")
    depositary: str
    un_registration_number: str
    is_illustrative: bool

    @staticmethod
    def resolve_lead_department(agreement: Agreement) -> str | None:
        """Return the lead department's code (loaded with the agreement)."""
        return agreement.lead_department.code if agreement.lead_department is not None else None


class PartyOut(Schema):
    """A party: a state (ISO 3166-1 alpha-2) or an organisation code."""

    id: int
    country_code: str
    organisation_code: str
    name: str


class EventOut(Schema):
    """A dated event with its source; ``date`` is the first day of the period ``date_precision`` gives."""

    id: int
    kind: EventKind
    party_id: int | None
    date: date
    date_precision: DatePrecision
    date_display: str
    source: str
    notice_number: str
    note: str


class AgreementDetailOut(Schema):
    """An agreement with its parties and every event (several per kind and party when sources disagree)."""

    agreement: AgreementOut
    parties: list[PartyOut]
    events: list[EventOut]

    @staticmethod
    def resolve_parties(profile: AgreementProfile) -> list[PartyOut]:
        """Return the parties of the profile."""
        return [PartyOut.from_orm(record.party) for record in profile.parties]

    @staticmethod
    def resolve_events(profile: AgreementProfile) -> list[EventOut]:
        """Return the timeline of the profile."""
        return [EventOut.from_orm(event) for event in profile.timeline]


class StageOut(Schema):
    """One column of the pipeline board."""

    stage: Stage
    agreements: list[AgreementOut]


class AgreementCreateIn(Schema):
    """A new agreement."""

    short_name: str = Field(min_length=1, max_length=40)
    title_en: str = Field(min_length=1, max_length=400)
    title_vi: str = Field("", max_length=400)
    kind: AgreementKind
    scope: AgreementScope
    subject_areas: list[str] = Field(default_factory=list, max_length=20)
    lead_department: str = Field("", max_length=64, description="code of the lead department")
    depositary: str = Field("", max_length=200)
    un_registration_number: str = Field("", max_length=40)
    classification: Classification = Classification.UNCLASSIFIED


class PartyIn(Schema):
    """A party to add: exactly one of an ISO 3166-1 country code (alpha-2 or alpha-3) or an organisation code."""

    country_code: str = Field("", max_length=3)
    organisation_code: str = Field("", max_length=16)


class EventIn(Schema):
    """A dated event to record, with its source."""

    kind: EventKind
    party_id: int | None = None
    date: date
    date_precision: DatePrecision = DatePrecision.DAY
    source: str = Field(min_length=1, max_length=500)
    notice_number: str = Field("", max_length=40, description="e.g. 50/2016/TB-LPQT (entry into force only)")
    note: str = Field("", max_length=500)


class ObligationOut(Schema):
    """An open obligation with its due date and recurrence."""

    id: int
    agreement_id: int
    title: str
    department: str = Field(alias="department.code")
    owner: str = Field(alias="owner.username")
    due_date: date
    recurrence: Recurrence
    remind_days_before: int
    status: ObligationStatus
    is_illustrative: bool


class ObligationIn(Schema):
    """A new obligation of an agreement, owned by a member of ``department``."""

    title: str = Field(min_length=1, max_length=300)
    department: str = Field(max_length=64, description="code of the responsible department")
    owner: str = Field(max_length=150, description="username of the owner, a member of the department")
    due_date: date
    recurrence: Recurrence = Recurrence.NONE
    remind_days_before: int = Field(14, ge=0, le=365)


class SignedTextOut(Schema):
    """A signed authentic text: the vault version, its SHA-256 and the signed note."""

    id: int
    agreement_id: int
    label: str
    document_id: int
    version_number: int
    sha256: str
    note: str
    signed_by_name: str
    signed_at: datetime


class ReminderOut(Schema):
    """An in-app reminder of an obligation's due date."""

    id: int
    obligation_id: int
    agreement_id: int = Field(alias="obligation.agreement_id")
    due_date: date
    created_at: datetime


class SignTextIn(Schema):
    """Sign a vault document version (the newest when ``version`` is omitted) as an authentic text."""

    label: str = Field(min_length=1, max_length=200)
    document_id: int = Field(ge=1)
    version: int | None = Field(None, ge=1)


class VerificationOut(Schema):
    """The result of checking a signed text's two signatures (and optionally a file's hash)."""

    valid: bool
    signers: list[str]
    problem: str
    file_matches: bool | None
    signed_text: SignedTextOut


class RoundOut(Schema):
    """A negotiating round (delegations, outcome and minutes are blanked for partners by the handler)."""

    id: int
    number: int
    starts_on: date
    ends_on: date
    venue: str
    delegations: str
    outcome_summary: str
    minutes_document_id: int | None = Field(None, description="internal: blank for partners")
    minutes_text: str = Field("", description="internal: blank for partners")
    is_illustrative: bool


class RoundMinutesIn(Schema):
    """A round's minutes: a vault document, a text, or both (replacing earlier minutes; internal only)."""

    document_id: int | None = Field(None, ge=1)
    text: str = Field("", max_length=50_000)


class RelationOut(Schema):
    """``source`` amends, supersedes or implements ``target``."""

    id: int
    kind: RelationKind
    source_id: int
    source: str = Field(alias="source.short_name")
    target_id: int
    target: str = Field(alias="target.short_name")


class RelationIn(Schema):
    """A relation to record: the agreement in the path amends, supersedes or implements ``target_id``."""

    kind: RelationKind
    target_id: int = Field(ge=1)


class RoundIn(Schema):
    """The next negotiating round."""

    starts_on: date
    ends_on: date
    venue: str = Field(min_length=1, max_length=200)
    delegations: str = Field("", max_length=5000)
    outcome_summary: str = Field("", max_length=10000)


class DraftOut(Schema):
    """A draft text tabled at a round (a vault document version)."""

    id: int
    round_id: int
    label: str
    document_id: int
    version_number: int


class DraftIn(Schema):
    """A vault document version to table at a round (newest when ``version`` is omitted)."""

    label: str = Field(min_length=1, max_length=200)
    document_id: int = Field(ge=1)
    version: int | None = Field(None, ge=1)


class PositionOut(Schema):
    """An internal position on a negotiating issue."""

    id: int
    issue: str
    body: str
    classification: Classification
    created_at: datetime


class PositionIn(Schema):
    """A new internal position."""

    issue: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20000)
    classification: Classification = Classification.CONFIDENTIAL


class CommentOut(Schema):
    """A comment, on the internal or the partner side."""

    id: int
    side: CommentSide
    organisation: str | None = Field(None, alias="organisation.code")
    author: str = Field(alias="author.username")
    body: str
    created_at: datetime


class CommentIn(Schema):
    """A new comment."""

    body: str = Field(min_length=1, max_length=5000)


class NegotiationOut(Schema):
    """What the caller may see of a negotiation."""

    rounds: list[RoundOut]
    drafts: list[DraftOut]
    positions: list[PositionOut]
    comments: list[CommentOut]


class SegmentOut(Schema):
    """A run of text in a redline."""

    kind: str
    text: str
