"""The chat's part of the demo: a few channels with illustrative messages (invented for the demonstration).

Everything goes through the services as the demo users would do it. Idempotent: nothing is added when the
demo topic channel already exists.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from chancery.chat import services
from chancery.chat.models import Channel
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification

TOPIC_NAME = "Japan Joint Committee preparations (demo)"
U = Classification.UNCLASSIFIED
I = Classification.INTERNAL  # noqa: E741 - the usual abbreviation of the marking
C = Classification.CONFIDENTIAL


def _actor(username: str) -> Actor | None:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    return Actor.from_user(user) if user is not None else None


def _say(channel: Channel, lines: list[tuple[str, int, str]]) -> None:
    for username, marking, body in lines:
        author = _actor(username)
        if author is not None:
            services.message_post(actor=author, channel_id=channel.pk, body=body, classification=marking)


def chat_demo_seed() -> int:
    """Create the demo channels and messages unless they exist; return how many channels were added.

    Needs the demo organisations and users (``chancery.demo.seed``). Emits the services' audit and live
    events.
    """
    if Channel.objects.filter(name=TOPIC_NAME).exists():
        return 0
    desk, tokyo = _actor("desk"), _actor("tokyo")
    if desk is None or tokyo is None:
        return 0
    added = 0
    topic = services.channel_create(actor=desk, kind="topic", name=TOPIC_NAME, ceiling=C)
    for username in ("tokyo", "analyst"):
        services.member_add(actor=desk, channel_id=topic.pk, username=username)
    services.channel_retention_set(actor=desk, channel_id=topic.pk, retention_days=365)
    _say(
        topic,
        [
            ("desk", I, "Illustrative: the draft agenda is in the vault. @tokyo, can the embassy confirm the dates?"),
            ("tokyo", I, "Illustrative: Japan proposes **the second quarter**. Priorities:\n- energy\n- ports"),
            ("analyst", C, "Illustrative: trade figures for the briefing will be ready on *Thursday*. @desk"),
        ],
    )
    added += 1
    mission = services.channel_create(actor=tokyo, kind="unit", name="Embassy Tokyo - general (demo)", ceiling=I)
    _say(mission, [("tokyo", U, "Illustrative: the embassy is closed on the national holiday; duty officer on call.")])
    added += 1
    unit = services.channel_create(actor=desk, kind="unit", name="Northeast Asia desk (demo)", ceiling=I)
    _say(unit, [("desk", U, "Illustrative: weekly coordination meeting moved to Wednesday 14:00.")])
    added += 1
    direct = services.direct_open(actor=desk, username="tokyo")
    _say(direct, [("desk", I, "Illustrative: thanks for the quick reply on the visit programme.")])
    return added + 1
