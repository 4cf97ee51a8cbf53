"""The cables' part of the demo: illustrative traffic between headquarters and several missions.

Every cable is invented for the demonstration (its captions say so) and goes through the services as
its demo users would: drafted, cleared, approved and released, some acknowledged, one left in clearance.
Idempotent: nothing is added when demo cables already exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from chancery.cables import services
from chancery.cables.content import CableContent, ParagraphIn
from chancery.cables.models import Cable
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification

DEMO_CAPTION = "DEMO - ILLUSTRATIVE"
U = Classification.UNCLASSIFIED
I = Classification.INTERNAL  # noqa: E741 - the usual abbreviation of the marking
C = Classification.CONFIDENTIAL


@dataclass(frozen=True, slots=True)
class DemoCable:
    """One illustrative cable and how far it travels."""

    drafter: str
    subject: str
    classification: int
    precedence: str
    tags: list[str]
    paragraphs: list[tuple[int, str]]
    action: list[str]
    info: list[str] = field(default_factory=list)
    clearers: list[tuple[str, str]] = field(default_factory=list)  # (office code, clearing user)
    approver: str | None = "admin"
    acknowledgers: list[str] = field(default_factory=list)


CABLES = [
    DemoCable(
        drafter="tokyo",
        subject="Japan: preparations for the Joint Committee on economic cooperation",
        classification=I,
        precedence="ROUTINE",
        tags=["PREL", "ECON", "JA"],
        paragraphs=[
            (U, "Summary: the Japanese side proposes to hold the **Joint Committee** in the second quarter."),
            (I, "Embassy recommends preparing a list of priority projects:\n- infrastructure\n- energy transition"),
        ],
        action=["dept-northeast-asia"],
        info=["dept-economic"],
    ),
    DemoCable(
        drafter="analyst",
        subject="Request for views: rice export outlook and partner markets",
        classification=I,
        precedence="IMMEDIATE",
        tags=["ETRD", "EAGR"],
        paragraphs=[
            (U, "The Department of Economic Affairs is preparing a briefing on rice export markets."),
            (I, "Posts are requested to report *host-government* views on import quotas by the end of the month."),
        ],
        action=["emb-tokyo", "emb-paris"],
        info=["dept-europe"],
        clearers=[("dept-northeast-asia", "desk")],
        acknowledgers=["tokyo"],
    ),
    DemoCable(
        drafter="tokyo",
        subject="Typhoon warning: consular preparedness in the Kansai region",
        classification=I,
        precedence="FLASH",
        tags=["CASC", "AMGT", "JA"],
        paragraphs=[
            (U, "A strong typhoon is forecast to reach the Kansai region within 48 hours."),
            (I, "The embassy and the consulate-general in Osaka have activated their citizen-protection plans."),
        ],
        action=["dept-northeast-asia"],
        info=["dept-consular", "cg-osaka"],
        acknowledgers=["desk"],
    ),
    DemoCable(
        drafter="paris",
        subject="France: cultural week programme",
        classification=U,
        precedence="ROUTINE",
        tags=["SCUL", "FR"],
        paragraphs=[(U, "The embassy will hold a Vietnamese cultural week with partner cities.")],
        action=["dept-europe"],
        info=["dept-press"],
    ),
    DemoCable(
        drafter="tokyo",
        subject="Assessment of regional maritime developments (draft for clearance)",
        classification=C,
        precedence="IMMEDIATE",
        tags=["PREL", "PGOV"],
        paragraphs=[(I, "Background on recent meetings."), (C, "Embassy assessment of the partner's position.")],
        action=["dept-northeast-asia"],
        clearers=[("dept-northeast-asia", "")],
        approver=None,
    ),
]


def _actor(username: str) -> Actor | None:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    return Actor.from_user(user) if user is not None else None


def _send(row: DemoCable) -> bool:
    drafter = _actor(row.drafter)
    if drafter is None:
        return False
    content = CableContent(
        subject=row.subject,
        classification=row.classification,
        precedence=row.precedence,
        paragraphs=[ParagraphIn(marking, text) for marking, text in row.paragraphs],
        action_codes=row.action,
        info_codes=row.info,
        clearer_codes=[office for office, _ in row.clearers],
        tags=row.tags,
        captions=[DEMO_CAPTION],
    )
    cable = services.cable_create(actor=drafter, content=content)
    services.cable_submit(actor=drafter, cable_id=cable.pk)
    for _, username in row.clearers:
        clearer = _actor(username) if username else None
        if clearer is not None:
            services.cable_clear(actor=clearer, cable_id=cable.pk)
    approver = _actor(row.approver) if row.approver else None
    if approver is None:
        return True
    services.cable_release(actor=approver, cable_id=cable.pk)
    for username in row.acknowledgers:
        reader = _actor(username)
        if reader is not None:
            services.cable_acknowledge(actor=reader, cable_id=cable.pk)
    return True


def cables_demo_seed() -> int:
    """Send the illustrative cables unless demo cables exist; return how many were added.

    Needs the demo organisations and users (``chancery.demo.seed``). Emits the services' audit events,
    transparency-log leaves and live events.
    """
    if any(DEMO_CAPTION in captions for captions in Cable.objects.values_list("captions", flat=True)):
        return 0
    return sum(1 for row in CABLES if _send(row))
