"""Agreement records as transparency-log leaves: references, dates and SHA-256 digests, never text.

One record type, ``agreements.event``, covers every kind of write the workspace makes; the record
id says which: ``agreement-<pk>`` (an agreement was registered), ``party-<pk>`` (a party was added),
``event-<pk>`` (a dated event), ``round-<pk>`` and ``draft-<pk>`` (negotiation) and ``signed-<pk>``
(an authentic text's hash was signed).
All are immutable once written, so ``tlog verify`` re-derives exactly the leaf that was appended.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from chancery.agreements.models import Agreement, AgreementEvent, NegotiationRound, Party, RoundDraft, SignedText
from chancery.transparency.records import RecordType, register

RECORD_TYPE = "agreements.event"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def agreement_record_id(agreement: Agreement) -> str:
    """Return the log id of an agreement's registration."""
    return f"agreement-{agreement.pk}"


def party_record_id(party: Party) -> str:
    """Return the log id of a party's addition."""
    return f"party-{party.pk}"


def event_record_id(event: AgreementEvent) -> str:
    """Return the log id of a recorded event."""
    return f"event-{event.pk}"


def signed_text_record_id(signed: SignedText) -> str:
    """Return the log id of a signed authentic text."""
    return f"signed-{signed.pk}"


def signed_text_fields(signed: SignedText) -> dict[str, Any]:
    """Return the leaf fields of a signed text: the text's hash, the vault reference, the note's digest."""
    return {
        "record": "signed_text",
        "agreement_id": signed.agreement_id,
        "document_id": signed.document_id,
        "version_number": signed.version_number,
        "text_sha256": signed.sha256,
        "note_sha256": _digest(signed.note),
        "signed_at": signed.signed_at.isoformat(),
        "signed_by_id": signed.signed_by_id,
    }


def round_record_id(negotiation_round: NegotiationRound) -> str:
    """Return the log id of a negotiating round."""
    return f"round-{negotiation_round.pk}"


def round_fields(negotiation_round: NegotiationRound) -> dict[str, Any]:
    """Return the leaf fields of a round: number, dates and digests of the venue and summary."""
    return {
        "record": "round",
        "agreement_id": negotiation_round.agreement_id,
        "number": negotiation_round.number,
        "starts_on": negotiation_round.starts_on.isoformat(),
        "ends_on": negotiation_round.ends_on.isoformat(),
        "venue_sha256": _digest(negotiation_round.venue),
        "created_at": negotiation_round.created_at.isoformat(),
    }


def draft_record_id(draft: RoundDraft) -> str:
    """Return the log id of a draft tabled at a round."""
    return f"draft-{draft.pk}"


def draft_fields(draft: RoundDraft, *, sha256: str = "") -> dict[str, Any]:
    """Return the leaf fields of a draft: the round and the vault reference (the vault logs the hash)."""
    del sha256  # the vault's own leaf carries the version's hash; references only here
    return {
        "record": "draft",
        "round_id": draft.round_id,
        "document_id": draft.document_id,
        "version_number": draft.version_number,
        "created_at": draft.created_at.isoformat(),
    }


def agreement_fields(agreement: Agreement) -> dict[str, Any]:
    """Return the leaf fields of an agreement's registration (immutable facts and digests)."""
    return {
        "record": "agreement",
        "agreement_id": agreement.pk,
        "kind": agreement.kind,
        "scope": agreement.scope,
        "classification": agreement.classification,
        "created_at": agreement.created_at.isoformat(),
        "short_name_sha256": _digest(agreement.short_name),
        "title_en_sha256": _digest(agreement.title_en),
    }


def party_fields(party: Party) -> dict[str, Any]:
    """Return the leaf fields of a party's addition (codes are public references)."""
    return {
        "record": "party",
        "agreement_id": party.agreement_id,
        "party_id": party.pk,
        "country_code": party.country_code,
        "organisation_code": party.organisation_code,
    }


def event_fields(event: AgreementEvent) -> dict[str, Any]:
    """Return the leaf fields of an event: kind, party, date and digests of its source and notice."""
    return {
        "record": "event",
        "agreement_id": event.agreement_id,
        "party_id": event.party_id,
        "kind": event.kind,
        "date": event.date.isoformat(),
        "date_precision": event.date_precision,
        "recorded_at": event.recorded_at.isoformat(),
        "source_sha256": _digest(event.source),
        "notice_number_sha256": _digest(event.notice_number),
        "note_sha256": _digest(event.note),
    }


def _ids_of(ids: list[str], prefix: str) -> list[int]:
    return [int(i.removeprefix(prefix)) for i in ids if i.startswith(prefix) and i.removeprefix(prefix).isdigit()]


def _load(ids: list[str]) -> Mapping[str, Mapping[str, Any]]:
    loaded: dict[str, Mapping[str, Any]] = {}
    for agreement in Agreement.objects.filter(pk__in=_ids_of(ids, "agreement-")):
        loaded[agreement_record_id(agreement)] = agreement_fields(agreement)
    for party in Party.objects.filter(pk__in=_ids_of(ids, "party-")):
        loaded[party_record_id(party)] = party_fields(party)
    for event in AgreementEvent.objects.filter(pk__in=_ids_of(ids, "event-")):
        loaded[event_record_id(event)] = event_fields(event)
    for signed in SignedText.objects.filter(pk__in=_ids_of(ids, "signed-")):
        loaded[signed_text_record_id(signed)] = signed_text_fields(signed)
    for negotiation_round in NegotiationRound.objects.filter(pk__in=_ids_of(ids, "round-")):
        loaded[round_record_id(negotiation_round)] = round_fields(negotiation_round)
    for draft in RoundDraft.objects.filter(pk__in=_ids_of(ids, "draft-")):
        loaded[draft_record_id(draft)] = draft_fields(draft)
    return loaded


def _list_ids() -> Iterable[str]:
    yield from (f"agreement-{pk}" for pk in Agreement.objects.order_by("pk").values_list("pk", flat=True).iterator())
    yield from (f"party-{pk}" for pk in Party.objects.order_by("pk").values_list("pk", flat=True).iterator())
    yield from (f"event-{pk}" for pk in AgreementEvent.objects.order_by("pk").values_list("pk", flat=True).iterator())
    yield from (f"round-{pk}" for pk in NegotiationRound.objects.order_by("pk").values_list("pk", flat=True).iterator())
    yield from (f"draft-{pk}" for pk in RoundDraft.objects.order_by("pk").values_list("pk", flat=True).iterator())
    yield from (f"signed-{pk}" for pk in SignedText.objects.order_by("pk").values_list("pk", flat=True).iterator())


register(RecordType(name=RECORD_TYPE, load_fields=_load, list_ids=_list_ids))
