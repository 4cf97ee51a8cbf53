"""Reads on cables, scoped by the policy engine to what the actor may see."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from chancery.cables import sealing
from chancery.cables.enums import EDITABLE_STATES, SENT_STATES, CableState
from chancery.cables.models import Addressee, Attachment, Cable, Clearance, Delivery, SavedSearch
from chancery.cables.rendering import markdown_to_html
from chancery.cables.tlog_records import RECORD_TYPE
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import NotFound
from chancery.transparency.auditing import RecordProof, record_proof
from chancery.vault import selectors as vault_selectors

Box = Literal["inbox", "outbox", "clearance"]
SEARCH_WINDOW = 500


def _base() -> QuerySet[Cable]:
    return Cable.objects.select_related("originator", "drafter")


def cable_list(*, actor: Actor, box: Box) -> QuerySet[Cable]:
    """Return the cables in one of the actor's boxes, newest first; needs nothing beyond ``cables.view``.

    ``inbox``: released cables addressed to the actor's unit; ``outbox``: cables from the actor's unit
    (drafts included, the actor's own drafts only); ``clearance``: cables waiting for the actor's office.
    """
    if actor.organisation_id is None:
        return Cable.objects.none()
    visible = access.visible(actor, "cables.view", _base())
    if box == "inbox":
        queryset = visible.filter(state__in=sorted(SENT_STATES), deliveries__organisation_id=actor.organisation_id)
    elif box == "clearance":
        queryset = visible.filter(
            state=CableState.IN_CLEARANCE,
            clearances__office_id=actor.organisation_id,
            clearances__status="pending",
        )
    else:
        queryset = visible.filter(originator_id=actor.organisation_id).exclude(
            Q(state__in=sorted(EDITABLE_STATES)) & ~Q(drafter_id=actor.user_id)
        )
    return queryset.distinct().order_by("-updated_at", "-id")


@dataclass(frozen=True, slots=True)
class ParagraphView:
    """One paragraph ready to show: number, marking and sanitised HTML."""

    number: int
    classification: int
    html: SafeString
    text: str

    @property
    def marking(self) -> str:
        """The portion marking's label in the active language."""
        return str(Classification(self.classification).label)


@dataclass(frozen=True, slots=True)
class CableView:
    """A readable cable: the row, its opened text, and what the actor may do with it."""

    cable: Cable
    subject: str
    paragraphs: list[ParagraphView]
    addressees: list[Addressee]
    clearances: list[Clearance]
    deliveries: list[Delivery]
    references: list[Cable]
    return_comment: str
    proof: RecordProof | None
    may: dict[str, bool] = field(default_factory=dict)
    compartments: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    hidden_attachments: int = 0


def cable_subject(cable: Cable) -> str:
    """Return the opened subject of a cable the caller has already been allowed to read."""
    key = sealing.key_open(key_id=cable.key_id, kek_id=cable.kek_id, wrapped=cable.wrapped_key)
    return sealing.text_open(key, cable.subject_sealed, role="subject")


def _proof(cable: Cable) -> RecordProof | None:
    if cable.released_at is None:
        return None
    try:
        # The reader passed cables.view; the proof reveals only the record's log index and hashes.
        return record_proof(
            actor=Actor.system(purpose="cables.proof"), record_type=RECORD_TYPE, record_id=str(cable.pk)
        )
    except NotFound:
        return None


def cable_view(*, actor: Actor, cable_id: int) -> CableView:
    """Return the opened cable for a reader allowed ``cables.view`` (NotFound otherwise). Emits nothing.

    The caller (the ``cable_open`` service) audits the reading.
    """
    cable = _base().filter(pk=cable_id).first()
    if cable is None:
        raise NotFound
    access.require(actor, "cables.view", cable)
    key = sealing.key_open(key_id=cable.key_id, kek_id=cable.kek_id, wrapped=cable.wrapped_key)
    paragraphs = []
    for paragraph in cable.paragraphs.all():
        text = sealing.text_open(key, paragraph.text_sealed, role=f"p{paragraph.number}")
        paragraphs.append(
            ParagraphView(
                number=paragraph.number,
                classification=paragraph.classification,
                html=mark_safe(markdown_to_html(text)),  # noqa: S308 - sanitised by nh3 with an allow-list
                text=text,
            )
        )
    comment = ""
    if cable.return_comment_sealed:
        comment = sealing.text_open(key, cable.return_comment_sealed, role="return-comment")
    may = {
        verb: access.can(actor, action, cable)
        for verb, action in (
            ("edit", "cables.edit"),
            ("clear", "cables.clear"),
            ("release", "cables.release"),
            ("acknowledge", "cables.acknowledge"),
        )
    }
    may["return"] = may["clear"] or may["release"]
    attachments, hidden = cable_attachments(actor=actor, cable=cable)
    return CableView(
        compartments=sorted(c.code for c in cable.compartments.all()),
        attachments=attachments,
        hidden_attachments=hidden,
        cable=cable,
        subject=sealing.text_open(key, cable.subject_sealed, role="subject"),
        paragraphs=paragraphs,
        addressees=list(cable.addressees.select_related("organisation")),
        clearances=list(cable.clearances.select_related("office", "decided_by")),
        deliveries=list(cable.deliveries.select_related("organisation", "acknowledged_by")),
        references=list(access.visible(actor, "cables.view", cable.references.select_related("originator"))),
        return_comment=comment,
        proof=_proof(cable),
        may=may,
    )


def cable_attachments(*, actor: Actor, cable: Cable) -> tuple[list[Attachment], int]:
    """Return the attachments of a cable the actor reads that the vault lets them read, and how many it hides.

    The vault's policy (``vault.view`` through its selectors) decides per document, whatever the cable's
    readers may see; the caller has already checked ``cables.view``. Emits nothing.
    """
    attachments = list(cable.attachments.order_by("position", "id"))
    wanted = [a.document_id for a in attachments]
    documents = {d.pk: d for d in vault_selectors.document_list(actor=actor).filter(pk__in=wanted)} if wanted else {}
    shown = []
    for attachment in attachments:
        if attachment.document_id in documents:
            attachment.document = documents[attachment.document_id]
            shown.append(attachment)
    return shown, len(attachments) - len(shown)


def cable_readers(*, actor: Actor, cable_id: int, limit: int = 50) -> tuple[Cable, list[int]]:
    """Return a cable the actor may read and up to ``limit`` ids of the people who may read it too.

    For starting a meeting about a cable: the drafter, the approver and the cleared members of the
    originating unit, the clearing offices and the addressees, each checked against ``cables.view``.
    NotFound when the actor may not read the cable. Emits nothing.
    """
    from django.contrib.auth import get_user_model

    cable = _base().filter(pk=cable_id).first()
    if cable is None:
        raise NotFound
    access.require(actor, "cables.view", cable)
    units = {cable.originator_id}
    units |= set(cable.addressees.values_list("organisation_id", flat=True))
    units |= set(cable.clearances.values_list("office_id", flat=True))
    people = {cable.drafter_id, *([cable.approver_id] if cable.approver_id else [])}
    users = get_user_model().objects.filter(
        Q(organisation_id__in=units) | Q(pk__in=people), is_active=True, clearance__gte=cable.classification
    )
    for code in sorted(c.code for c in cable.compartments.all()):
        users = users.filter(compartments__code=code)
    readers = []
    for user in users.select_related("organisation").order_by("pk")[: limit * 4]:
        if access.can(Actor.from_user(user), "cables.view", cable):
            readers.append(int(user.pk))
        if len(readers) >= limit:
            break
    return cable, readers


def fold(text: str) -> str:
    """Return ``text`` lower-cased without diacritics (``Hà Nội`` → ``ha noi``; đ → d)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def cable_search(*, actor: Actor, query: str) -> list[dict[str, Any]]:
    """Return the released cables the actor may read whose subject, TAGS or number match ``query``.

    Diacritic- and case-insensitive. Subjects are sealed, so the newest ``SEARCH_WINDOW`` readable cables
    are opened and matched in memory; clearance and need-to-know filtering happen first, in the database.
    """
    needle = fold(query.strip())
    if not needle:
        return []
    readable = access.visible(actor, "cables.view", _base().filter(state__in=sorted(SENT_STATES)))
    found = []
    for cable in readable.order_by("-released_at", "-id")[:SEARCH_WINDOW]:
        subject = cable_subject(cable)
        haystack = fold(" ".join([subject, cable.reference, " ".join(cable.tags)]))
        if needle in haystack:
            found.append({"cable": cable, "subject": subject})
    return found


def cable_unit_choices(*, actor: Actor) -> list[tuple[str, str]]:
    """Return (code, name) of the internal units a cable may be addressed to or cleared by."""
    from chancery.missions.enums import EXTERNAL_KINDS
    from chancery.missions.selectors import organisation_list

    units = organisation_list(actor=actor).exclude(kind__in=sorted(EXTERNAL_KINDS)).filter(is_active=True)
    return [(unit.code, f"{unit.name} ({unit.code})") for unit in units]


def cable_compartment_choices(*, actor: Actor) -> list[tuple[str, str]]:
    """Return (code, name) of the compartments the actor holds: the only ones they may mark a cable with."""
    from chancery.missions.selectors import compartment_held_list

    return [(c.code, f"{c.name} ({c.code})") for c in compartment_held_list(actor=actor)]


def saved_search_list(*, actor: Actor) -> QuerySet[SavedSearch]:
    """Return the actor's own saved searches, newest first (nobody sees anyone else's)."""
    if actor.user_id is None:
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(owner_id=actor.user_id)
