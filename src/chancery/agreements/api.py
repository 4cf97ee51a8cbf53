"""The agreements API (mounted at ``/api/v1/agreements``): agreements, parties, events, the pipeline.

Handlers are thin: they take the actor the authenticator left on the request, call one selector or
service and let the schemas serialise; domain errors become problem+json in the shared handlers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from chancery.agreements import negotiation, obligations, relations, selectors, services, signing
from chancery.agreements.enums import AgreementKind, Stage
from chancery.agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementRelation,
    NegotiationComment,
    NegotiationRound,
    Obligation,
    Party,
    Position,
    Reminder,
    RoundDraft,
    SignedText,
)
from chancery.agreements.schemas import (
    AgreementCreateIn,
    AgreementDetailOut,
    AgreementOut,
    CommentIn,
    CommentOut,
    DraftIn,
    DraftOut,
    EventIn,
    EventOut,
    NegotiationOut,
    ObligationIn,
    ObligationOut,
    PartyIn,
    PartyOut,
    PositionIn,
    PositionOut,
    RelationIn,
    RelationOut,
    ReminderOut,
    RoundIn,
    RoundMinutesIn,
    RoundOut,
    SegmentOut,
    SignedTextOut,
    SignTextIn,
    StageOut,
    VerificationOut,
)
from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import PROBLEM_RESPONSES, Problem

router = Router(tags=["agreements"])

ERRORS: dict[int, Any] = dict(PROBLEM_RESPONSES)
NOT_FOUND: dict[int, Any] = {**ERRORS, 404: Problem}


@router.get("/", response={200: list[AgreementOut], **ERRORS}, operation_id="agreements_agreement_list")
@paginated
def agreement_list(
    request: HttpRequest,
    q: str = "",
    status: Stage | None = None,
    kind: AgreementKind | None = None,
    country: str = "",
) -> QuerySet[Agreement]:
    """List the agreements the caller may see; search ``q``, filter by status, kind and party country."""
    filters = selectors.AgreementFilters(
        q=q, status=status.value if status else "", kind=kind.value if kind else "", country=country
    )
    return selectors.agreement_list(actor=request_actor(request), filters=filters)


@router.get("/pipeline", response={200: list[StageOut], **ERRORS}, operation_id="agreements_pipeline")
def agreement_pipeline(request: HttpRequest) -> list[dict[str, Any]]:
    """Return the pipeline board: every stage with the visible agreements in it."""
    columns = selectors.agreement_pipeline(actor=request_actor(request))
    return [{"stage": stage, "agreements": agreements} for stage, agreements in columns]


@router.get("/obligations", response={200: list[ObligationOut], **ERRORS}, operation_id="agreements_obligation_all")
@paginated
def obligation_all(request: HttpRequest, mine: bool = False) -> QuerySet[Obligation]:
    """List the open obligations the caller may see by due date (the deadlines calendar); ``mine``: own only."""
    actor = request_actor(request)
    return selectors.obligation_list(actor=actor, owner_id=actor.user_id if mine else None)


@router.get("/reminders", response={200: list[ReminderOut], **ERRORS}, operation_id="agreements_reminder_list")
@paginated
def reminder_list(request: HttpRequest) -> QuerySet[Reminder]:
    """List the caller's in-app reminders, newest first."""
    return selectors.reminder_list(actor=request_actor(request))


@router.get("/{agreement_id}", response={200: AgreementDetailOut, **NOT_FOUND}, operation_id="agreements_agreement_get")
def agreement_get(request: HttpRequest, agreement_id: int) -> selectors.AgreementProfile:
    """Return one agreement with its parties and events (404 when missing or hidden)."""
    return selectors.agreement_profile(actor=request_actor(request), agreement_id=agreement_id)


@router.post("/", response={201: AgreementOut, **ERRORS}, operation_id="agreements_agreement_create")
def agreement_create(request: HttpRequest, payload: AgreementCreateIn) -> Status[Agreement]:
    """Register an agreement (treaty officers); its status starts as ``proposed``."""
    actor = request_actor(request)
    agreement = services.agreement_create(
        actor=actor,
        short_name=payload.short_name,
        title_en=payload.title_en,
        title_vi=payload.title_vi,
        kind=payload.kind.value,
        scope=payload.scope.value,
        subject_areas=payload.subject_areas,
        lead_department_code=payload.lead_department,
        depositary=payload.depositary,
        un_registration_number=payload.un_registration_number,
        classification=int(payload.classification),
    )
    return Status(201, selectors.agreement_get(actor=actor, agreement_id=agreement.pk))


@router.post("/{agreement_id}/parties", response={201: PartyOut, **NOT_FOUND}, operation_id="agreements_party_add")
def party_add(request: HttpRequest, agreement_id: int, payload: PartyIn) -> Status[Party]:
    """Add a state or an organisation as a party (the lead department's treaty officers)."""
    party = services.party_add(
        actor=request_actor(request),
        agreement_id=agreement_id,
        country_code=payload.country_code,
        organisation_code=payload.organisation_code,
    )
    return Status(201, party)


@router.post("/{agreement_id}/events", response={201: EventOut, **NOT_FOUND}, operation_id="agreements_event_record")
def event_record(request: HttpRequest, agreement_id: int, payload: EventIn) -> Status[AgreementEvent]:
    """Record a dated event with its source; guarded transitions answer 422 naming the field."""
    event = services.event_record(
        actor=request_actor(request),
        agreement_id=agreement_id,
        kind=payload.kind.value,
        on=payload.date,
        date_precision=payload.date_precision.value,
        source=payload.source,
        party_id=payload.party_id,
        notice_number=payload.notice_number,
        note=payload.note,
    )
    return Status(201, event)


@router.get(
    "/obligations/overdue", response={200: list[ObligationOut], **ERRORS}, operation_id="agreements_obligation_overdue"
)
@paginated
def obligation_overdue(request: HttpRequest) -> QuerySet[Obligation]:
    """List the open obligations past their due date that the caller may see (internal users)."""
    return selectors.obligation_list(actor=request_actor(request), overdue_on=timezone.localdate())


@router.get(
    "/{agreement_id}/obligations",
    response={200: list[ObligationOut], **NOT_FOUND},
    operation_id="agreements_obligation_list",
)
@paginated
def obligation_list(request: HttpRequest, agreement_id: int) -> QuerySet[Obligation]:
    """List an agreement's open obligations by due date (internal users)."""
    return selectors.obligation_list(actor=request_actor(request), agreement_id=agreement_id)


@router.post(
    "/{agreement_id}/obligations",
    response={201: ObligationOut, **NOT_FOUND},
    operation_id="agreements_obligation_create",
)
def obligation_create(request: HttpRequest, agreement_id: int, payload: ObligationIn) -> Status[Obligation]:
    """Record an obligation with its due date or recurrence and its owner."""
    obligation = obligations.obligation_create(
        actor=request_actor(request),
        agreement_id=agreement_id,
        title=payload.title,
        department_code=payload.department,
        owner_username=payload.owner,
        due_date=payload.due_date,
        recurrence=payload.recurrence.value,
        remind_days_before=payload.remind_days_before,
    )
    return Status(201, obligation)


@router.post(
    "/obligations/{obligation_id}/complete",
    response={200: ObligationOut, **NOT_FOUND},
    operation_id="agreements_obligation_complete",
)
def obligation_complete(request: HttpRequest, obligation_id: int) -> Obligation:
    """Mark an obligation met: a recurring one moves to its next due date."""
    return obligations.obligation_complete(actor=request_actor(request), obligation_id=obligation_id)


@router.post("/{agreement_id}/texts", response={201: SignedTextOut, **NOT_FOUND}, operation_id="agreements_text_sign")
def text_sign(request: HttpRequest, agreement_id: int, payload: SignTextIn) -> Status[SignedText]:
    """Sign a vault version's SHA-256 as an authentic text (Ed25519 + ML-DSA-44) and log it."""
    signed = signing.signed_text_sign(
        actor=request_actor(request),
        agreement_id=agreement_id,
        document_id=payload.document_id,
        version_number=payload.version,
        label=payload.label,
    )
    return Status(201, signed)


@router.get(
    "/{agreement_id}/texts", response={200: list[SignedTextOut], **NOT_FOUND}, operation_id="agreements_text_list"
)
def text_list(request: HttpRequest, agreement_id: int) -> QuerySet[SignedText]:
    """List the agreement's signed authentic texts, newest first."""
    return selectors.signed_text_list(actor=request_actor(request), agreement_id=agreement_id)


@router.get(
    "/texts/{signed_text_id}/verify",
    response={200: VerificationOut, **NOT_FOUND},
    operation_id="agreements_text_verify",
)
def text_verify(request: HttpRequest, signed_text_id: int, sha256: str = "") -> signing.Verification:
    """Check a signed text's signatures; with ``sha256``, also say whether that file hash is the text."""
    return signing.signed_text_verify(actor=request_actor(request), signed_text_id=signed_text_id, file_sha256=sha256)


@router.get(
    "/{agreement_id}/negotiation",
    response={200: NegotiationOut, **NOT_FOUND},
    operation_id="agreements_negotiation_get",
)
def negotiation_get(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    """Return rounds, readable drafts, positions (internal, cleared) and comments (partners: their own)."""
    state = negotiation.negotiation_get(actor=request_actor(request), agreement_id=agreement_id)
    internal_only = {"delegations": "", "outcome_summary": "", "minutes_document_id": None, "minutes_text": ""}
    rounds = [r if state.internal else {**RoundOut.from_orm(r).dict(), **internal_only} for r in state.rounds]
    return {"rounds": rounds, "drafts": state.drafts, "positions": state.positions, "comments": state.comments}


@router.post("/{agreement_id}/rounds", response={201: RoundOut, **NOT_FOUND}, operation_id="agreements_round_create")
def round_create(request: HttpRequest, agreement_id: int, payload: RoundIn) -> Status[NegotiationRound]:
    """Record the next negotiating round (the lead department's treaty officers)."""
    created = negotiation.round_create(actor=request_actor(request), agreement_id=agreement_id, **payload.dict())
    return Status(201, created)


@router.post(
    "/rounds/{round_id}/minutes", response={200: RoundOut, **NOT_FOUND}, operation_id="agreements_round_minutes"
)
def round_minutes(request: HttpRequest, round_id: int, payload: RoundMinutesIn) -> NegotiationRound:
    """Record a round's minutes (a vault document, a text, or both); partners never see them."""
    return negotiation.round_minutes_record(
        actor=request_actor(request), round_id=round_id, document_id=payload.document_id, text=payload.text
    )


@router.get(
    "/{agreement_id}/relations", response={200: list[RelationOut], **NOT_FOUND}, operation_id="agreements_relation_list"
)
def relation_list(request: HttpRequest, agreement_id: int) -> list[AgreementRelation]:
    """Return the agreement's relations both ways, with the other agreements the caller may see."""
    rows = relations.relation_list(actor=request_actor(request), agreement_id=agreement_id)
    return [row.relation for row in rows]


@router.post(
    "/{agreement_id}/relations", response={201: RelationOut, **NOT_FOUND}, operation_id="agreements_relation_add"
)
def relation_add(request: HttpRequest, agreement_id: int, payload: RelationIn) -> Status[AgreementRelation]:
    """Record that this agreement amends, supersedes or implements another; 422 naming ``target`` or ``kind``."""
    relation = relations.relation_add(
        actor=request_actor(request), agreement_id=agreement_id, target_id=payload.target_id, kind=payload.kind.value
    )
    return Status(201, relation)


@router.get(
    "/relations/{relation_id}", response={200: RelationOut, **NOT_FOUND}, operation_id="agreements_relation_get"
)
def relation_get(request: HttpRequest, relation_id: int) -> AgreementRelation:
    """Return one relation (404 unless the caller may see both agreements)."""
    return relations.relation_get(actor=request_actor(request), relation_id=relation_id)


@router.delete("/relations/{relation_id}", response={204: None, **NOT_FOUND}, operation_id="agreements_relation_remove")
def relation_remove(request: HttpRequest, relation_id: int) -> Status[None]:
    """Remove a relation recorded in error (the source agreement's treaty officers)."""
    relations.relation_remove(actor=request_actor(request), relation_id=relation_id)
    return Status(204, None)


@router.post("/rounds/{round_id}/drafts", response={201: DraftOut, **NOT_FOUND}, operation_id="agreements_draft_attach")
def draft_attach(request: HttpRequest, round_id: int, payload: DraftIn) -> Status[RoundDraft]:
    """Table a vault document version as a draft text at a round."""
    draft = negotiation.round_draft_attach(
        actor=request_actor(request),
        round_id=round_id,
        document_id=payload.document_id,
        version_number=payload.version,
        label=payload.label,
    )
    return Status(201, draft)


@router.get("/drafts/redline", response={200: list[SegmentOut], **NOT_FOUND}, operation_id="agreements_draft_redline")
def draft_redline(request: HttpRequest, old: int, new: int) -> list[Any]:
    """Return the word-level redline between two drafts of one agreement (the vault audits the reads)."""
    _old, _new, segments = negotiation.draft_redline(actor=request_actor(request), old_draft_id=old, new_draft_id=new)
    return segments


@router.post(
    "/{agreement_id}/positions", response={201: PositionOut, **NOT_FOUND}, operation_id="agreements_position_create"
)
def position_create(request: HttpRequest, agreement_id: int, payload: PositionIn) -> Status[Position]:
    """Record an internal position on a negotiating issue, with its classification."""
    position = negotiation.position_create(
        actor=request_actor(request),
        agreement_id=agreement_id,
        issue=payload.issue,
        body=payload.body,
        classification=int(payload.classification),
    )
    return Status(201, position)


@router.post("/{agreement_id}/comments", response={201: CommentOut, **NOT_FOUND}, operation_id="agreements_comment_add")
def comment_add(request: HttpRequest, agreement_id: int, payload: CommentIn) -> Status[NegotiationComment]:
    """Add a comment; a partner's stays on the partner side, visible to its own organisation and the ministry."""
    comment = negotiation.comment_add(actor=request_actor(request), agreement_id=agreement_id, body=payload.body)
    return Status(201, comment)
